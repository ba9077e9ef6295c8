package eventsweb

import (
	"html/template"
	"math"
	"slices"
	"strconv"
	"time"

	"shequ/internal/events"
	"shequ/internal/web"
)

// templateFuncs are the events pages' template functions besides the kit's.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"evstatus":  func(s string) string { return events.StatusNames[s] },
		"evaction":  func(s string) string { return events.ActionNames[s] },
		"evurgency": func(s string) string { return events.UrgencyNames[s] },
		"evsource":  func(s string) string { return events.SourceNames[s] },
		"evlevel":   func(s string) string { return events.LevelNames[s] },
		"evgrade":   func(s string) string { return events.GradeNames[s] },
		"evstep":    func(s string) string { return events.StepNames[s] },
		"evoutcome": func(s string) string { return events.OutcomeNames[s] },
		"evside":    func(s string) string { return events.SideNames[s] },
		"evdue":     dueText,
		// Times are shown with the kit's when, in the deployment's zone.
		"pct":    func(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" },
		"hours":  func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
		"has":    slices.Contains[[]string],
		"addi":   func(a, b int) int { return a + b },
		"addf":   func(a, b float64) float64 { return a + b },
		"divf":   func(a, b float64) float64 { return math.Round(a/b*10) / 10 },
		"static": web.StaticURL,
		"strs":   func(s ...string) []string { return s },
	}
}

// dueText says how a deadline stands: "剩 3 小时", "已超期 2 天".
func dueText(due time.Time) string {
	if due.IsZero() {
		return ""
	}
	now := time.Now()
	d := due.Sub(now)
	late := d < 0
	if late {
		d = -d
	}
	var s string
	switch {
	case d < time.Hour:
		s = strconv.Itoa(int(d.Minutes())) + " 分钟"
	case d < 48*time.Hour:
		s = strconv.Itoa(int(d.Hours())) + " 小时"
	default:
		s = strconv.Itoa(int(d.Hours()/24)) + " 天"
	}
	if late {
		return "已超期 " + s
	}
	return "剩 " + s
}
