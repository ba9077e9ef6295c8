package workaccessweb

import (
	"strconv"

	"shequ/internal/money"
	"shequ/internal/workaccess"
)

// The dashboard's trends: a year of funds due and received, of staff-hours
// demanded and available, and of items demanded, as bars per month drawn
// as SVG on the server, no script.

type trendBar struct {
	X, Y, H float64
	Fill    string
	Title   string
}

type trendChart struct {
	Label               string // what the chart shows, for screen readers
	Width, Height, Base float64
	BarWidth, LabelY    float64
	Bars                []trendBar
	Labels              []trendLabel
}

type trendLabel struct {
	X    float64
	Text string
}

// trendSeries is one kind of bar of a chart: its colour and how a month's
// value reads.
type trendSeries struct {
	fill  string
	value func(workaccess.Month) int64
	title func(workaccess.Month) string
}

const (
	trendW    = 640.0
	trendH    = 200.0
	trendBase = 170.0 // the bars' baseline; the months are written below it
)

// drawTrends draws the three charts of the trend.
func drawTrends(ms []workaccess.Month) (funds, hours, items trendChart) {
	funds = drawTrend(ms, []trendSeries{
		{"#9aa5b1", func(m workaccess.Month) int64 { return m.DueFen },
			func(m workaccess.Month) string { return m.Period + " 应拨 " + money.Yuan(m.DueFen) + " 元" }},
		{"#2f6f4f", func(m workaccess.Month) int64 { return m.ReceivedFen },
			func(m workaccess.Month) string {
				return m.Period + " 已拨 " + money.Yuan(m.ReceivedFen) + " 元"
			}},
	})
	hours = drawTrend(ms, []trendSeries{
		{"#b5562d", func(m workaccess.Month) int64 { return m.MinutesDemanded },
			func(m workaccess.Month) string {
				return m.Period + " 要求 " + workaccess.Hours(int(m.MinutesDemanded)) + " 小时"
			}},
		{"#3b6ea5", func(m workaccess.Month) int64 { return m.MinutesAvailable },
			func(m workaccess.Month) string {
				return m.Period + " 可用 " + workaccess.Hours(int(m.MinutesAvailable)) + " 小时"
			}},
	})
	items = drawTrend(ms, []trendSeries{
		{"#7a4f9a", func(m workaccess.Month) int64 { return int64(m.ItemsDemanded) },
			func(m workaccess.Month) string {
				return m.Period + " 要求事项 " + strconv.Itoa(m.ItemsDemanded) + " 项"
			}},
	})
	funds.Label, hours.Label, items.Label = "近十二个月应拨与已拨经费", "近十二个月要求工时与可用工时", "近十二个月要求承担的事项"
	return funds, hours, items
}

func drawTrend(ms []workaccess.Month, series []trendSeries) trendChart {
	c := trendChart{Width: trendW, Height: trendH, Base: trendBase, LabelY: trendBase + 20}
	var top int64
	for _, m := range ms {
		for _, s := range series {
			top = max(top, s.value(m))
		}
	}
	slot := trendW / float64(max(len(ms), 1))
	c.BarWidth = (slot - 12) / float64(len(series))
	h := func(v int64) float64 {
		if top == 0 {
			return 0
		}
		return float64(v) / float64(top) * (trendBase - 10)
	}
	for i, m := range ms {
		x := float64(i) * slot
		for j, s := range series {
			bh := h(s.value(m))
			c.Bars = append(c.Bars, trendBar{X: x + 6 + float64(j)*c.BarWidth, Y: trendBase - bh, H: bh, Fill: s.fill,
				Title: s.title(m)})
		}
		c.Labels = append(c.Labels, trendLabel{X: x + slot/2, Text: m.Period[5:] + "月"})
	}
	return c
}
