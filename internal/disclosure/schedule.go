package disclosure

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The deadline rules of a catalogue row.
const (
	RuleMonthly  = "monthly"        // a month's publication, by MonthlyDueDay of the next month
	RuleQuarter  = "quarterly"      // a quarter's, by QuarterlyDueDay of the month after it
	RuleDecision = "after_decision" // within the row's days of the decision
	RuleAtOnce   = "at_once"        // by the day after the decision
)

// RuleNames names the rules as the catalogue shows them.
var RuleNames = map[string]string{RuleMonthly: "每月", RuleQuarter: "每季度", RuleDecision: "决定后限期", RuleAtOnce: "随时(即时)"}

// The deadlines the catalogue rules leave to us. The rules say "monthly"
// and "quarterly" without a day; ten days into the next month leaves the
// books closed and checked (月结后), the quarter's fifteen the same for
// the wider 季报. "At once" (及时公开) is the decision's next day: a
// notice posted on the board the same day is the aim, one day the grace.
const (
	MonthlyDueDay   = 10
	QuarterlyDueDay = 15
	AtOnceDays      = 1
)

const dayLayout = "2006-01-02"

func parseDay(s string) (time.Time, bool) {
	t, err := time.Parse(dayLayout, s)
	return t, err == nil
}

// Period is one span a periodic row publishes: its key ("2026-03",
// "2026-Q1"), its last day and the day it is due.
type Period struct {
	Key, Name   string
	Ends, DueOn string
}

// periodOf is the period of a periodic rule holding day.
func periodOf(rule string, day time.Time) Period {
	y, m := day.Year(), day.Month()
	switch rule {
	case RuleMonthly:
		first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
		next := first.AddDate(0, 1, 0)
		return Period{Key: first.Format("2006-01"), Name: fmt.Sprintf("%d年%d月", y, m),
			Ends: next.AddDate(0, 0, -1).Format(dayLayout), DueOn: next.AddDate(0, 0, MonthlyDueDay-1).Format(dayLayout)}
	case RuleQuarter:
		q := (int(m)-1)/3 + 1
		first := time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
		next := first.AddDate(0, 3, 0)
		return Period{Key: fmt.Sprintf("%d-Q%d", y, q), Name: fmt.Sprintf("%d年第%d季度", y, q),
			Ends: next.AddDate(0, 0, -1).Format(dayLayout), DueOn: next.AddDate(0, 0, QuarterlyDueDay-1).Format(dayLayout)}
	}
	return Period{}
}

// PeriodsEnded lists the periods of a periodic rule that end on or after
// from and on or before the day before today: a month is due for
// publication once it is over, not while it runs.
func PeriodsEnded(rule, from, today string) []Period {
	f, ok := parseDay(from)
	if _, okT := parseDay(today); !ok || !okT || (rule != RuleMonthly && rule != RuleQuarter) {
		return nil
	}
	var out []Period
	for p := periodOf(rule, f); p.Ends < today; {
		out = append(out, p)
		e, _ := parseDay(p.Ends)
		p = periodOf(rule, e.AddDate(0, 0, 1))
		if len(out) > 1200 { // a century of months: a typo in a year, not a schedule
			break
		}
	}
	return out
}

// DecisionDue is the due day of a publication of a decision taken on
// decided under an event-driven rule with days days.
func DecisionDue(rule string, days int, decided string) (string, bool) {
	d, ok := parseDay(decided)
	if !ok {
		return "", false
	}
	switch rule {
	case RuleAtOnce:
		return d.AddDate(0, 0, AtOnceDays).Format(dayLayout), true
	case RuleDecision:
		return d.AddDate(0, 0, days).Format(dayLayout), true
	}
	return "", false
}

// Overdue is the one definition: not published and today past the due
// day. A publication made late is late, not overdue.
func Overdue(dueOn, publishedOn, today string) bool {
	return publishedOn == "" && dueOn != "" && today > dueOn
}

// Late reports a publication made after its due day.
func Late(dueOn, publishedOn string) bool { return publishedOn != "" && publishedOn > dueOn }

// periodName is the words of a period key.
func periodName(key string) string {
	if y, q, ok := strings.Cut(key, "-Q"); ok {
		return y + "年第" + q + "季度"
	}
	if len(key) == 7 {
		m, _ := strconv.Atoi(key[5:])
		return key[:4] + "年" + strconv.Itoa(m) + "月"
	}
	return ""
}
