package eventsweb

import (
	"math"
	"strconv"

	"shequ/internal/events"
	"shequ/internal/web"
)

// The KPI page's bar charts, drawn as SVG on the server: no script, a few
// kilobytes.

type bar struct {
	Label, Text    string
	X, Y, W, H     float64
	LabelX, LabelY float64
	Fill           string
}

type barChart struct {
	Title         string
	Width, Height float64
	Full          float64 // the width of a 100 % bar
	Bars          []bar
}

// Font sizes of the charts' text, as the templates draw it.
const (
	rateFont  = 17.0 // labels and values of the rate charts
	trendFont = 13.0 // month labels of the trend chart
	valueFont = 12.0 // counts above the trend chart's bars
)

// rateChart draws one rate per group as horizontal bars from 0 to 100 %.
// The label column is as wide as the widest label (TextWidth) and the
// value column as "100.0%", so no text runs out of the picture.
func rateChart(title string, rows []events.KPIRow, rate func(events.KPIRow) float64, fill string) barChart {
	// Narrow enough that a phone shows the labels at a readable size.
	const barW, rowH, gap = 230.0, 34.0, 8.0
	labelW := 0.0
	for _, r := range rows {
		labelW = math.Max(labelW, web.TextWidth(r.Label, rateFont))
	}
	labelW = math.Ceil(labelW) + gap + 2
	valueW := math.Ceil(web.TextWidth("100.0%", rateFont)) + 6 + 2
	c := barChart{Title: title, Width: labelW + barW + valueW, Height: math.Max(rowH, float64(len(rows))*rowH) + 6, Full: barW}
	for i, r := range rows {
		v := rate(r)
		y := float64(i)*rowH + 4
		c.Bars = append(c.Bars, bar{Label: r.Label, Text: strconv.FormatFloat(v*100, 'f', 1, 64) + "%",
			X: labelW, Y: y, W: math.Max(1, v*barW), H: rowH - 8, LabelX: labelW - gap, LabelY: y + rowH/2, Fill: fill})
	}
	return c
}

// countChart draws reported and closed events per month as pairs of
// vertical bars, each column as wide as its month label needs.
func countChart(title string, rows []events.KPIRow) barChart {
	const plotH, base = 180.0, 210.0
	colW := 56.0
	for _, r := range rows {
		colW = math.Max(colW, math.Ceil(web.TextWidth(r.Label, trendFont))+8)
	}
	c := barChart{Title: title, Width: math.Max(300, float64(len(rows))*colW+40), Height: base + 30}
	top := 1
	for _, r := range rows {
		top = max(top, r.Reported)
	}
	for i, r := range rows {
		x := 30 + float64(i)*colW
		for j, v := range []int{r.Reported, r.Closed} {
			h := float64(v) / float64(top) * plotH
			fill := "#0b57d0"
			if j == 1 {
				fill = "#1a7f37"
			}
			label := r.Label
			if j == 1 {
				label = ""
			}
			c.Bars = append(c.Bars, bar{Label: label, Text: strconv.Itoa(v), X: x + float64(j)*20, Y: base - h,
				W: 18, H: math.Max(h, 0.5), LabelX: x + 19, LabelY: base + 18, Fill: fill})
		}
	}
	return c
}

// textBoxes are the boxes of every text a chart draws, as its template
// draws them: for the tests that keep them inside the picture.
func (c barChart) textBoxes(trend bool) []web.Box {
	var out []web.Box
	for _, b := range c.Bars {
		if trend {
			vw := web.TextWidth(b.Text, valueFont)
			out = append(out, web.Box{X: b.X + 9 - vw/2, Y: b.Y - 4 - 0.88*valueFont, W: vw, H: valueFont})
			if b.Label != "" {
				lw := web.TextWidth(b.Label, trendFont)
				out = append(out, web.Box{X: b.LabelX - lw/2, Y: b.LabelY - 0.88*trendFont, W: lw, H: trendFont})
			}
			continue
		}
		lw := web.TextWidth(b.Label, rateFont)
		out = append(out, web.Box{X: b.LabelX - lw, Y: b.LabelY - rateFont/2, W: lw, H: rateFont})
		vw := web.TextWidth(b.Text, rateFont)
		out = append(out, web.Box{X: b.X + c.Full + 6, Y: b.LabelY - rateFont/2, W: vw, H: rateFont})
	}
	return out
}
