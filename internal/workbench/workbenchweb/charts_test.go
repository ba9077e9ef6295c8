package workbenchweb

import (
	"testing"

	"shequ/internal/workbench"
)

// The charts are as wide as their longest name and value need: every
// label ends right of 0 and every value text before the drawing's edge.
func TestChartsFitTheirLabels(t *testing.T) {
	rows := []compareRow{
		{Name: "新城区第一街道红旗东路社区居民委员会", Figures: workbench.Figures{Backlog: 120, Overdue: 17, Finished: 3, OnTime: 2}},
		{Name: "紫南社区", Figures: workbench.Figures{Backlog: 3}},
		{Name: "Riverside 2", Figures: workbench.Figures{Backlog: 0, Overdue: 0}},
	}
	for _, c := range []barChart{backlogChart("事件积压与逾期", rows), rateChart("按期率", rows)} {
		for _, b := range c.Bars {
			if end := c.LabelX + textWidth(b.Label); c.LabelX < 0 || end > c.Width {
				t.Errorf("%s: label %q at %.1f..%.1f of %.1f", c.Title, b.Label, c.LabelX, end, c.Width)
			}
			if b.LabelY+fontSize/2 > b.Y {
				t.Errorf("%s: label %q runs into its bar", c.Title, b.Label)
			}
			if end := c.TextX + textWidth(b.Text); end > c.Width {
				t.Errorf("%s: value %q ends at %.1f, past the width %.1f", c.Title, b.Text, end, c.Width)
			}
			if b.W > c.Full || b.Over > b.W+0.001 && b.Over > 0 && b.W > 1 {
				t.Errorf("%s: bar %q %.1f (overdue %.1f) of %.1f", c.Title, b.Label, b.W, b.Over, c.Full)
			}
		}
		if c.Height < float64(len(rows))*rowH {
			t.Errorf("%s: %.0f high for %d rows", c.Title, c.Height, len(rows))
		}
	}
}
