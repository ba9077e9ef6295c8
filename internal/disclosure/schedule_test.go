package disclosure

import (
	"slices"
	"testing"
)

func TestPeriodsAndDueDays(t *testing.T) {
	keys := func(ps []Period) (k, due []string) {
		for _, p := range ps {
			k, due = append(k, p.Key), append(due, p.DueOn)
		}
		return
	}
	// A month is due once it is over: on 2026-04-01 March is due, April not.
	k, due := keys(PeriodsEnded(RuleMonthly, "2026-01-15", "2026-04-01"))
	if !slices.Equal(k, []string{"2026-01", "2026-02", "2026-03"}) ||
		!slices.Equal(due, []string{"2026-02-10", "2026-03-10", "2026-04-10"}) {
		t.Errorf("monthly: %v due %v", k, due)
	}
	// The last day of a month does not schedule it yet.
	if k, _ := keys(PeriodsEnded(RuleMonthly, "2026-01-01", "2026-01-31")); len(k) != 0 {
		t.Errorf("January scheduled on its last day: %v", k)
	}
	// A December is due the next January 10th.
	if _, due := keys(PeriodsEnded(RuleMonthly, "2026-12-01", "2027-01-02")); !slices.Equal(due, []string{"2027-01-10"}) {
		t.Errorf("December due %v", due)
	}
	k, due = keys(PeriodsEnded(RuleQuarter, "2026-02-01", "2026-10-01"))
	if !slices.Equal(k, []string{"2026-Q1", "2026-Q2", "2026-Q3"}) ||
		!slices.Equal(due, []string{"2026-04-15", "2026-07-15", "2026-10-15"}) {
		t.Errorf("quarterly: %v due %v", k, due)
	}
	if ps := PeriodsEnded(RuleAtOnce, "2026-01-01", "2026-10-01"); ps != nil {
		t.Errorf("an event-driven rule has periods: %v", ps)
	}
	if ps := PeriodsEnded(RuleMonthly, "2026-13-01", "2026-10-01"); ps != nil {
		t.Errorf("a bad day makes periods: %v", ps)
	}
	for _, c := range []struct {
		rule    string
		days    int
		decided string
		want    string
	}{
		{RuleAtOnce, 0, "2026-03-31", "2026-04-01"},
		{RuleDecision, 5, "2026-02-26", "2026-03-03"},
		{RuleDecision, 30, "2026-12-15", "2027-01-14"},
	} {
		if got, ok := DecisionDue(c.rule, c.days, c.decided); !ok || got != c.want {
			t.Errorf("%s %d after %s: %s, want %s", c.rule, c.days, c.decided, got, c.want)
		}
	}
	if _, ok := DecisionDue(RuleAtOnce, 0, "31.03.2026"); ok {
		t.Error("a bad decision day was accepted")
	}
}

func TestOverdue(t *testing.T) {
	for _, c := range []struct {
		due, published, today string
		overdue, late         bool
	}{
		{"2026-04-10", "", "2026-04-10", false, false}, // the due day itself is in time
		{"2026-04-10", "", "2026-04-11", true, false},
		{"2026-04-10", "2026-04-12", "2026-05-01", false, true}, // published late: late, not overdue
		{"2026-04-10", "2026-04-09", "2026-05-01", false, false},
	} {
		if got := Overdue(c.due, c.published, c.today); got != c.overdue {
			t.Errorf("%+v: overdue %v", c, got)
		}
		if got := Late(c.due, c.published); got != c.late {
			t.Errorf("%+v: late %v", c, got)
		}
	}
}
