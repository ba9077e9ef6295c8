package events

import (
	"strconv"
	"time"

	"shequ/internal/workdays"
)

// overdue is the one definition of overdue: the present is after the
// deadline instant (workdays.Overdue). Lists, the map, the KPIs and the
// scheduler all use it or its SQL form, OverdueSQL.
func overdue(due, now time.Time) bool { return workdays.Overdue(due, now) }

// OverdueSQL is the SQL form of overdue for an events alias: the event is
// open and its current step's deadline lies before the instant bound to
// placeholder now (whose argument is fmtT of the present).
func OverdueSQL(alias, now string) string {
	return "(" + alias + ".due_at <> '' AND " + alias + ".due_at < " + now + ")"
}

// Supervision grades (督办).
const (
	GradeNormal = "normal" // 普通督办: nearly overdue
	GradeYellow = "yellow" // 黄牌督办: overdue
	GradeRed    = "red"    // 红牌督办: still overdue after the escalation delay; escalated
)

// GradeNames gives the Chinese name of each grade.
var GradeNames = map[string]string{GradeNormal: "普通督办", GradeYellow: "黄牌督办", GradeRed: "红牌督办"}

func gradeRank(g string) int {
	switch g {
	case GradeNormal:
		return 1
	case GradeYellow:
		return 2
	case GradeRed:
		return 3
	}
	return 0
}

// startClock starts the timed step of e's status at start: its deadline
// from the category's limit, no 督办 yet, and the first timer.
func startClock(cat *Catalogue, cal *workdays.Calendar, e *Event, start time.Time) {
	step := stepOf(e.Status)
	e.DueStep, e.Supervision = step, ""
	if step == "" {
		e.StepStartedAt, e.DueAt, e.TimerAt = time.Time{}, time.Time{}, time.Time{}
		return
	}
	e.StepStartedAt = start
	e.DueAt = cat.Limit(e.Category, step, e.Urgency).From(cal, start)
	e.TimerAt = nextTimer(cat, cal, e)
}

// warnAt is when a step is nearly overdue: warn_percent of its time has
// run — working time for limits on the calendar, natural time otherwise.
func warnAt(cat *Catalogue, cal *workdays.Calendar, e *Event) time.Time {
	pct, err := strconv.Atoi(cat.Setting("warn_percent"))
	if err != nil || pct <= 0 || pct >= 100 {
		pct = 80
	}
	l := cat.Limit(e.Category, e.DueStep, e.Urgency)
	if l.Unit == UnitWorkHours || l.Unit == UnitWorkDays {
		total := cal.WorkingTimeBetween(e.StepStartedAt, e.DueAt)
		return cal.AddWorkingHours(e.StepStartedAt, total*time.Duration(pct)/100)
	}
	return e.StepStartedAt.Add(e.DueAt.Sub(e.StepStartedAt) * time.Duration(pct) / 100)
}

// redAt is when an overdue step's 黄牌 becomes a 红牌 and is escalated.
func redAt(cat *Catalogue, cal *workdays.Calendar, e *Event) time.Time {
	n, err := strconv.Atoi(cat.Setting("red_after"))
	if err != nil || n <= 0 {
		n = 1
	}
	unit := cat.Setting("red_after_unit")
	if UnitNames[unit] == "" {
		unit = UnitWorkDays
	}
	return Limit{Amount: n, Unit: unit}.From(cal, e.DueAt)
}

// nextTimer is when the scheduler next has something to do for e: the
// warning, the deadline, the escalation, or nothing.
func nextTimer(cat *Catalogue, cal *workdays.Calendar, e *Event) time.Time {
	if e.DueAt.IsZero() || Final(e.Status) {
		return time.Time{}
	}
	switch e.Supervision {
	case "":
		return warnAt(cat, cal, e)
	case GradeNormal:
		return e.DueAt
	case GradeYellow:
		return redAt(cat, cal, e)
	}
	return time.Time{}
}

// gradeDue is the 督办 grade e has reached at now.
func gradeDue(cat *Catalogue, cal *workdays.Calendar, e *Event, now time.Time) string {
	switch {
	case e.DueAt.IsZero() || Final(e.Status):
		return ""
	case !now.Before(redAt(cat, cal, e)):
		return GradeRed
	case overdue(e.DueAt, now):
		return GradeYellow
	case !now.Before(warnAt(cat, cal, e)):
		return GradeNormal
	}
	return ""
}
