package visits

import (
	"strconv"
)

// The derivation of due visits from the register, without the database:
// what a household is (its kind, when it was registered, its members'
// tags) and the rules give the rows it is owed.

// householdFacts is what the rules read of a household.
type householdFacts struct {
	community, id int64
	grid          int64
	house         int64
	number        string // 户号
	place         place  // read only for the worklists of a full recomputation
	kind          string
	since         day // registered
	tags          []tagFact
}

// tagFact is one tag of a member.
type tagFact struct {
	id         int64
	code       string
	start, end day // end noDay while it holds
}

// dueRow is one due visit: the key (household, rule, anchor, seq) and its
// days.
type dueRow struct {
	community, household, rule int64
	anchor                     string
	seq                        int
	anchorOn                   day
	earliest, due, overdue     day
}

type dueKey struct {
	household, rule int64
	anchor          string
	seq             int
}

func (r dueRow) key() dueKey { return dueKey{r.household, r.rule, r.anchor, r.seq} }

// seriesOwedFor is how long after a tag's start its series is still owed:
// a tag given years ago (before the rule, or before shequ) asks for no
// follow-up visits that are long past.
const seriesOwedFor = 365

// progress is how far a household has come with its rules: the day of the
// last visit satisfying each interval rule, and the last visit of each
// series done ("rule/anchor" → seq).
type progress struct {
	lastDone   map[int64]day
	seriesDone map[seriesKey]int
}

type seriesKey struct {
	rule   int64
	anchor string
}

func newProgress() progress {
	return progress{lastDone: map[int64]day{}, seriesDone: map[seriesKey]int{}}
}

func (p progress) reset() {
	clear(p.lastDone)
	clear(p.seriesDone)
}

// derive returns the rows a household is owed today. An interval rule
// counts from the last visit that satisfied it (or from the start, if
// later); a series owes the visits after the last one done. Several rules
// each give their own rows; none replaces another's.
func derive(rules []Rule, h *householdFacts, pr progress, today day, out []dueRow) []dueRow {
	lastDone := pr.lastDone
	for i := range rules {
		r := &rules[i]
		if !r.appliesIn(h.community) {
			continue
		}
		switch r.Applies {
		case AppliesAll:
			out = intervalRow(r, h, h.since, lastDone, out)
		case AppliesKind:
			if h.kind == r.Target {
				out = intervalRow(r, h, h.since, lastDone, out)
			}
		case AppliesTag:
			start := noDay
			for _, t := range h.tags {
				if t.code != r.Target || t.start > today || (t.end != noDay && t.end < today) {
					continue
				}
				if r.Series() {
					if today-t.start <= seriesOwedFor {
						out = seriesRows(r, h, t, pr.seriesDone[seriesKey{r.ID, "t" + strconv.FormatInt(t.id, 10)}], out)
					}
					continue
				}
				if start == noDay || t.start < start {
					start = t.start
				}
			}
			if start != noDay && !r.Series() {
				out = intervalRow(r, h, start, lastDone, out)
			}
		}
	}
	return out
}

func intervalRow(r *Rule, h *householdFacts, start day, lastDone map[int64]day, out []dueRow) []dueRow {
	base := start
	if d, ok := lastDone[r.ID]; ok && d > base {
		base = d
	}
	due := base + day(r.IntervalDays)
	return append(out, dueRow{community: h.community, household: h.id, rule: r.ID, anchor: "d" + base.String(), seq: 1,
		anchorOn: base, earliest: due - day(r.WindowDays), due: due, overdue: due + day(r.GraceDays)})
}

func seriesRows(r *Rule, h *householdFacts, t tagFact, doneSeq int, out []dueRow) []dueRow {
	anchor := "t" + strconv.FormatInt(t.id, 10)
	for i, n := range r.SeriesDays {
		if i+1 <= doneSeq {
			continue
		}
		due := t.start + day(n)
		if t.end != noDay && due-day(r.WindowDays) > t.end {
			break // the tag ends before this visit could be made
		}
		out = append(out, dueRow{community: h.community, household: h.id, rule: r.ID, anchor: anchor, seq: i + 1,
			anchorOn: t.start, earliest: due - day(r.WindowDays), due: due, overdue: due + day(r.GraceDays)})
	}
	return out
}
