package workaccessweb

import "shequ/internal/workaccess"

// The dashboard's trend: a year of funds due and received, paired bars per
// month drawn as SVG on the server, no script.

type trendPoint struct {
	Month         string
	Due, Received int64
}

type trendBar struct {
	X, Y, H float64
	Fill    string
	Title   string
}

type trendChart struct {
	Width, Height, Base float64
	BarWidth, LabelY    float64
	Bars                []trendBar
	Labels              []trendLabel
}

type trendLabel struct {
	X    float64
	Text string
}

const (
	trendW    = 640.0
	trendH    = 200.0
	trendBase = 170.0 // the bars' baseline; the months are written below it
)

func drawTrend(ps []trendPoint) trendChart {
	c := trendChart{Width: trendW, Height: trendH, Base: trendBase, LabelY: trendBase + 20}
	var top int64
	for _, p := range ps {
		top = max(top, p.Due, p.Received)
	}
	slot := trendW / float64(max(len(ps), 1))
	c.BarWidth = (slot - 12) / 2
	h := func(v int64) float64 {
		if top == 0 {
			return 0
		}
		return float64(v) / float64(top) * (trendBase - 10)
	}
	for i, p := range ps {
		x := float64(i) * slot
		for j, b := range []struct {
			v    int64
			fill string
			what string
		}{{p.Due, "#9aa5b1", "应拨"}, {p.Received, "#2f6f4f", "已拨"}} {
			bh := h(b.v)
			c.Bars = append(c.Bars, trendBar{X: x + 6 + float64(j)*(slot-12)/2, Y: trendBase - bh, H: bh, Fill: b.fill,
				Title: p.Month + " " + b.what + " " + workaccess.Yuan2(b.v) + " 元"})
		}
		c.Labels = append(c.Labels, trendLabel{X: x + slot/2, Text: p.Month[5:] + "月"})
	}
	return c
}
