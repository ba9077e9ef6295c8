// Package workbench gathers what needs a person today across every
// capability — applications waiting at their level, events to accept,
// dispatch, handle or verify, 督办 notices, import conflicts, reports to
// confirm — into one list ordered by urgency, each item one click from its
// action. The capabilities supply their parts through Source adapters in
// their own packages (events.Workbench, services.Workbench …): this
// package knows none of them, so that it can stand beside them without
// cycles, and the server wires them together.
package workbench

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"
	"time"

	"shequ/internal/access"
)

// Item is one thing a person has to do.
type Item struct {
	Kind   string // the section it belongs to
	Title  string
	Detail string // the place, the tracking number: what tells two items apart
	Action string // what is to be done: 待受理, 待派遣, 待核查 …
	// Due is the deadline instant; zero when the capability sets none.
	// Overdue is the capability's own verdict (its one definition), so
	// that the board never disagrees with the list the item comes from.
	Due     time.Time
	DueText string // the deadline as the capability's lists show it
	Overdue bool
	Badge   string // a 督办 grade, an urgency
	Link    string // the page or form where the action is taken
}

// Section is one capability's part of the board: how many items there are
// and the most urgent of them.
type Section struct {
	Kind  string // a key, unique on the board: "events", "services.street" …
	Title string
	// Count is how many items there are in all; it counts the rows of the
	// list at Link, which the board's tile opens. Link is "" when Items are
	// the whole list (they are then shown on the board itself).
	Count   int
	Overdue int
	Link    string
	Items   []Item
}

// Source is a capability's contribution to the board of a viewer.
type Source interface {
	Workbench(ctx context.Context, v *access.Viewer, now time.Time) ([]Section, error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context, v *access.Viewer, now time.Time) ([]Section, error)

func (f SourceFunc) Workbench(ctx context.Context, v *access.Viewer, now time.Time) ([]Section, error) {
	return f(ctx, v, now)
}

// SectionItems is how many items a section brings to the board at most:
// the urgent ones; the rest are one click away in the section's list.
const SectionItems = 20

// DueSoonWithin is how close a deadline is "near".
const DueSoonWithin = 24 * time.Hour

// Board is a viewer's workbench.
type Board struct {
	Sections []Section // the sections with work, in the sources' order
	Items    []Item    // every section's items, most urgent first, each once
	Overdue  int       // of Items, how many are past their deadline
	DueSoon  int       // of Items, how many are due within DueSoonWithin
	Now      time.Time
}

// Build asks every source for its sections, all at once, and merges them
// in the sources' order. Sections without work are left out.
func Build(ctx context.Context, v *access.Viewer, now time.Time, sources ...Source) (*Board, error) {
	parts := make([][]Section, len(sources))
	err := Each(len(sources), func(i int) error {
		var err error
		parts[i], err = sources[i].Workbench(ctx, v, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	b := &Board{Now: now}
	seen := map[string]bool{}
	for _, secs := range parts {
		for _, s := range secs {
			if s.Count == 0 && len(s.Items) == 0 {
				continue
			}
			b.Sections = append(b.Sections, s)
			for _, it := range s.Items {
				// An event both in the queue and under 督办 is one thing
				// to do: the first section keeps it.
				if seen[it.Link] {
					continue
				}
				seen[it.Link] = true
				if it.Kind == "" {
					it.Kind = s.Kind
				}
				b.Items = append(b.Items, it)
			}
		}
	}
	Order(b.Items)
	for _, it := range b.Items {
		switch {
		case it.Overdue:
			b.Overdue++
		case DueSoon(it, now):
			b.DueSoon++
		}
	}
	return b, nil
}

// Each runs fn for 0 … n-1 at once and returns the first error. The
// capabilities' queries are independent reads: a page waits for the
// slowest, not for their sum.
func Each(n int, fn func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = fn(i) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// DueSoon reports whether an item's deadline is near.
func DueSoon(it Item, now time.Time) bool {
	return !it.Due.IsZero() && !it.Overdue && it.Due.Sub(now) <= DueSoonWithin
}

// Order sorts items by urgency: overdue first (the longest overdue
// first), then by deadline (the soonest first), then those without one;
// ties keep their sources' order.
func Order(items []Item) {
	slices.SortStableFunc(items, func(a, b Item) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		if a.Due.IsZero() != b.Due.IsZero() {
			if a.Due.IsZero() {
				return 1
			}
			return -1
		}
		return a.Due.Compare(b.Due)
	})
}

// Figures are one capability's figures of one community, for the street's
// and district's side-by-side view.
type Figures struct {
	Community int64
	Backlog   int // open now
	Overdue   int // open and past the deadline
	Finished  int // finished in the period the comparer names
	OnTime    int // of them, finished in time
}

// OnTimeRate is OnTime/Finished, 0 without finished work.
func (f Figures) OnTimeRate() float64 {
	if f.Finished == 0 {
		return 0
	}
	return float64(f.OnTime) / float64(f.Finished)
}

// Comparison is one capability's figures of the communities a viewer
// oversees.
type Comparison struct {
	Kind   string // "events", "services"
	Title  string // 事件, 办件
	Period string // what Finished and OnTime count: 近90天办结 …
	Link   string // a list of the capability's open work, "?org=" and a community id appended
	Rows   []Figures
}

// Comparer gives a capability's comparison of the communities a viewer
// oversees: nil for a viewer who oversees at most one community (or, for
// the whole city, one whom the board does not burden with it).
type Comparer interface {
	Compare(ctx context.Context, v *access.Viewer, now time.Time) (*Comparison, error)
}

// ComparerFunc adapts a function to Comparer.
type ComparerFunc func(ctx context.Context, v *access.Viewer, now time.Time) (*Comparison, error)

func (f ComparerFunc) Compare(ctx context.Context, v *access.Viewer, now time.Time) (*Comparison, error) {
	return f(ctx, v, now)
}

// Overseen are the communities of a scope that a street's or a district's
// operator compares: those of a scope bound above the community level;
// nil for a scope of one community or less, and for the whole tree.
func Overseen(sc access.Scope) []int64 {
	if sc.Whole() {
		return nil
	}
	ids := sc.Communities()
	if len(ids) < 2 {
		return nil
	}
	return ids
}

// SortFigures puts rows in the order of ids (the org tree's order) and adds
// an empty row for a community without figures, so that every community
// the viewer oversees is shown.
func SortFigures(rows []Figures, ids []int64) []Figures {
	by := map[int64]Figures{}
	for _, r := range rows {
		by[r.Community] = r
	}
	out := make([]Figures, 0, len(ids))
	for _, id := range ids {
		f := by[id]
		f.Community = id
		out = append(out, f)
	}
	return out
}

// FiguresOf reads a comparer's grouped query — community, backlog,
// overdue, finished, on time, one row a community — closes it, and gives
// the figures in the order of ids (SortFigures).
func FiguresOf(rows *sql.Rows, ids []int64) ([]Figures, error) {
	defer rows.Close()
	var figs []Figures
	for rows.Next() {
		var f Figures
		if err := rows.Scan(&f.Community, &f.Backlog, &f.Overdue, &f.Finished, &f.OnTime); err != nil {
			return nil, err
		}
		figs = append(figs, f)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return SortFigures(figs, ids), nil
}
