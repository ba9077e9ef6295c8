package volunteersweb

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"

	"shequ/internal/pdfdoc"
)

// qrSVG draws a QR code as inline SVG (no image request, no script): the
// modules the PDF certificates' codes are drawn from, with the quiet zone.
func qrSVG(content string) template.HTML {
	m, err := pdfdoc.QRMatrix(content)
	if err != nil {
		return ""
	}
	n := len(m) + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="240" height="240" role="img" aria-label="签到二维码" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n, n, n)
	for y, row := range m {
		for x, on := range row {
			if on {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+4, y+4)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String())
}

func urlEscape(s string) string { return url.QueryEscape(s) }
