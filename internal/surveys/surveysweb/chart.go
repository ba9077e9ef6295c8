package surveysweb

import (
	"strconv"

	"shequ/internal/surveys"
)

// A bar chart drawn on the server as SVG: one bar per option, its label
// above it and its count and share after it, in a 320-wide box that
// scales to a 375 px phone. No script, no stylesheet of its own.

const (
	chartWidth = 320
	barMax     = 230 // the longest bar, leaving room for "123 (45.6%)"
	rowHeight  = 34
)

type bar struct {
	LabelY, BarY, Width, ValueX int
	Label, Value                string
}

type chart struct {
	Width, Height int
	Bars          []bar
	Summary       string // what the chart shows, for screen readers
}

func chartOf(q surveys.QuestionResult) chart {
	c := chart{Width: chartWidth, Height: len(q.Counts)*rowHeight + 4}
	for i, n := range q.Counts {
		y := i * rowHeight
		w := n.Per * barMax / 1000
		if n.N > 0 && w < 2 {
			w = 2 // a count is never drawn as nothing
		}
		c.Bars = append(c.Bars, bar{LabelY: y + 13, BarY: y + 18, Width: w, ValueX: w + 6, Label: n.Label,
			Value: strconv.Itoa(n.N) + "(" + n.Share + ")"})
		if i > 0 {
			c.Summary += ","
		}
		c.Summary += n.Label + " " + strconv.Itoa(n.N)
	}
	return c
}
