package workbenchweb

import (
	"math"
	"strconv"
)

// The communities' charts, drawn as SVG on the server: horizontal bars,
// one row per community, each name on its own line above its bar (so that
// a long name does not squeeze the bars on a phone). The drawing is as wide
// as its longest name and value need, so that no label is ever cut off
// whatever the names; the browser scales the whole to the screen.

const (
	fontSize = 15.0
	rowH     = 50.0 // a name's line and its bar
	barW     = 200.0
	gap      = 8.0
)

type bar struct {
	Label, Text string
	Y, W, H     float64
	LabelY      float64
	TextY       float64
	Fill        string
	Over        float64 // the width of the overdue part drawn over the bar (backlog chart)
	OverFill    string
	Title       string
}

type barChart struct {
	Title         string
	Width, Height float64
	LabelX        float64 // where names start
	BarX          float64
	Full          float64
	TextX         float64
	Bars          []bar
}

// textWidth estimates how wide a text is drawn: a Chinese character takes
// the font's full size, a digit, a letter or a sign a little over half of
// it. It errs on the wide side.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2E80 {
			w += fontSize
		} else {
			w += fontSize * 0.62
		}
	}
	return w
}

func layout(title string, labels, texts []string) barChart {
	lw, tw := 0.0, 0.0
	for _, l := range labels {
		lw = math.Max(lw, textWidth(l))
	}
	for _, t := range texts {
		tw = math.Max(tw, textWidth(t))
	}
	c := barChart{Title: title, LabelX: gap, BarX: gap, Full: barW}
	c.TextX = c.BarX + barW + gap
	c.Width = math.Ceil(math.Max(gap+lw, c.TextX+tw) + gap)
	c.Height = math.Max(rowH, float64(len(labels))*rowH) + 6
	return c
}

// row places the i-th row: its name's baseline line, and its bar below.
func row(i int) (labelY, barY, textY float64) {
	top := float64(i)*rowH + 4
	return top + fontSize*0.6, top + fontSize + 8, top + fontSize + 8 + (rowH-fontSize-16)/2
}

// backlogChart draws each community's open work with its overdue part.
func backlogChart(title string, rows []compareRow) barChart {
	top := 1
	labels, texts := make([]string, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		top = max(top, r.Backlog)
		labels[i] = r.Name
		texts[i] = strconv.Itoa(r.Backlog) + " / 逾期 " + strconv.Itoa(r.Overdue)
	}
	c := layout(title, labels, texts)
	for i, r := range rows {
		ly, y, ty := row(i)
		c.Bars = append(c.Bars, bar{Label: labels[i], Text: texts[i], Y: y, H: rowH - fontSize - 16, LabelY: ly, TextY: ty,
			W: math.Max(1, float64(r.Backlog)/float64(top)*barW), Fill: "#0b57d0",
			Over: float64(r.Overdue) / float64(top) * barW, OverFill: "#b3261e",
			Title: labels[i] + ":在办 " + strconv.Itoa(r.Backlog) + ",逾期 " + strconv.Itoa(r.Overdue)})
	}
	return c
}

// rateChart draws each community's on-time rate from 0 to 100 %; "—"
// where nothing was finished.
func rateChart(title string, rows []compareRow) barChart {
	labels, texts := make([]string, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		labels[i] = r.Name
		texts[i] = "—"
		if r.Finished > 0 {
			texts[i] = percent(r.OnTimeRate())
		}
	}
	c := layout(title, labels, texts)
	for i, r := range rows {
		ly, y, ty := row(i)
		c.Bars = append(c.Bars, bar{Label: labels[i], Text: texts[i], Y: y, H: rowH - fontSize - 16, LabelY: ly, TextY: ty,
			W: math.Max(1, r.OnTimeRate()*barW), Fill: "#1a7f37",
			Title: labels[i] + ":" + texts[i] + "(办结 " + strconv.Itoa(r.Finished) + ",按期 " + strconv.Itoa(r.OnTime) + ")"})
	}
	return c
}

func percent(v float64) string { return strconv.FormatFloat(v*100, 'f', 1, 64) + "%" }
