package pdfdoc

import (
	"fmt"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
)

// quietZone is the white border a QR code needs around it, in modules.
const quietZone = 4

// QR draws a QR code of content as a side × side mm square at (x, y), the
// quiet zone included. It is drawn as vector rectangles (one per run of
// dark modules in a row): sharp on any printer, smaller than an image, and
// cheap enough for thousands of index cards in one file. Error correction
// is level M, which survives a crease or a smudge.
func (d *Doc) QR(content string, x, y, side float64) error {
	m, err := QRMatrix(content)
	if err != nil {
		return err
	}
	n := len(m)
	mod := side / float64(n+2*quietZone)
	p := d.pdf
	d.record(Box{Kind: KindQR, X: x, Y: y, W: side, H: side})
	p.SetFillColor(255, 255, 255)
	p.Rect(x, y, side, side, "F")
	p.SetFillColor(0, 0, 0)
	ox, oy := x+quietZone*mod, y+quietZone*mod
	for row := 0; row < n; row++ {
		for col := 0; col < n; {
			if !m[row][col] {
				col++
				continue
			}
			start := col
			for col < n && m[row][col] {
				col++
			}
			// A hair of overlap hides the seams some viewers draw between
			// adjacent rectangles.
			p.Rect(ox+float64(start)*mod, oy+float64(row)*mod, float64(col-start)*mod+0.01, mod+0.01, "F")
		}
	}
	return nil
}

// QRMatrix encodes content as a QR code (level M) and returns its modules,
// [row][column], true for dark; without the quiet zone.
func QRMatrix(content string) ([][]bool, error) {
	if content == "" {
		return nil, fmt.Errorf("二维码内容为空")
	}
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("生成二维码失败: %w", err)
	}
	return matrix(code), nil
}

func matrix(code barcode.Barcode) [][]bool {
	b := code.Bounds()
	n := b.Dx()
	out := make([][]bool, n)
	for y := 0; y < n; y++ {
		out[y] = make([]bool, n)
		for x := 0; x < n; x++ {
			r, _, _, _ := code.At(b.Min.X+x, b.Min.Y+y).RGBA()
			out[y][x] = r < 0x8000
		}
	}
	return out
}
