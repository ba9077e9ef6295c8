package eventsweb

import (
	"math"
	"strconv"

	"shequ/internal/events"
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

// rateChart draws one rate per group as horizontal bars from 0 to 100 %.
func rateChart(title string, rows []events.KPIRow, rate func(events.KPIRow) float64, fill string) barChart {
	// Narrow enough that a phone shows the labels at a readable size.
	const labelW, barW, rowH = 120.0, 230.0, 34.0
	c := barChart{Title: title, Width: labelW + barW + 72, Height: math.Max(rowH, float64(len(rows))*rowH) + 6, Full: barW}
	for i, r := range rows {
		v := rate(r)
		y := float64(i)*rowH + 4
		c.Bars = append(c.Bars, bar{Label: r.Label, Text: strconv.FormatFloat(v*100, 'f', 1, 64) + "%",
			X: labelW, Y: y, W: math.Max(1, v*barW), H: rowH - 8, LabelX: labelW - 8, LabelY: y + rowH/2, Fill: fill})
	}
	return c
}

// countChart draws reported and closed events per month as pairs of
// vertical bars.
func countChart(title string, rows []events.KPIRow) barChart {
	const colW, plotH, base = 56.0, 180.0, 210.0
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
