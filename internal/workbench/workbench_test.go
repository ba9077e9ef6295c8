package workbench

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"shequ/internal/access"
)

func TestOrder(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return now.Add(time.Duration(h) * time.Hour) }
	items := []Item{
		{Title: "no deadline 1"},
		{Title: "due in 5h", Due: at(5)},
		{Title: "overdue 1h", Due: at(-1), Overdue: true},
		{Title: "due in 1h", Due: at(1)},
		{Title: "no deadline 2"},
		{Title: "overdue 30h", Due: at(-30), Overdue: true},
		// The capability's verdict rules: a deadline passed that its
		// definition (the working-day calendar) does not yet count as
		// overdue stays among the dated items.
		{Title: "past, not overdue", Due: at(-2)},
	}
	Order(items)
	var got []string
	for _, it := range items {
		got = append(got, it.Title)
	}
	want := []string{"overdue 30h", "overdue 1h", "past, not overdue", "due in 1h", "due in 5h", "no deadline 1", "no deadline 2"}
	if !slices.Equal(got, want) {
		t.Errorf("order\n got %q\nwant %q", got, want)
	}
}

func TestBuild(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	events := SourceFunc(func(context.Context, *access.Viewer, time.Time) ([]Section, error) {
		return []Section{
			{Kind: "events", Title: "事件待办", Count: 2, Overdue: 1, Link: "/events", Items: []Item{
				{Title: "a", Link: "/events/1", Due: now.Add(-time.Hour), Overdue: true},
				{Title: "b", Link: "/events/2", Due: now.Add(3 * time.Hour)}}},
			// The same event under 督办: one thing to do.
			{Kind: "supervision", Title: "督办事件", Count: 1, Link: "/events/all", Items: []Item{
				{Title: "a", Link: "/events/1", Due: now.Add(-time.Hour), Overdue: true}}},
			{Kind: "empty", Title: "无", Count: 0},
		}, nil
	})
	hall := SourceFunc(func(context.Context, *access.Viewer, time.Time) ([]Section, error) {
		return []Section{{Kind: "services.window", Title: "窗口", Count: 1, Link: "/services", Items: []Item{
			{Title: "c", Link: "/services/applications/3"}}}}, nil
	})
	b, err := Build(context.Background(), access.Nobody, now, events, hall)
	if err != nil {
		t.Fatal(err)
	}
	var kinds, links []string
	for _, s := range b.Sections {
		kinds = append(kinds, s.Kind)
	}
	for _, it := range b.Items {
		links = append(links, it.Kind+" "+it.Link)
	}
	if want := []string{"events", "supervision", "services.window"}; !slices.Equal(kinds, want) {
		t.Errorf("sections %q, want %q", kinds, want)
	}
	if want := []string{"events /events/1", "events /events/2", "services.window /services/applications/3"}; !slices.Equal(links, want) {
		t.Errorf("items %q, want %q", links, want)
	}
	if b.Overdue != 1 || b.DueSoon != 1 {
		t.Errorf("overdue %d, due soon %d; want 1 and 1", b.Overdue, b.DueSoon)
	}

	failing := SourceFunc(func(context.Context, *access.Viewer, time.Time) ([]Section, error) {
		return nil, errors.New("down")
	})
	if _, err := Build(context.Background(), access.Nobody, now, events, failing); err == nil {
		t.Error("a failing source is not reported")
	}
}

func TestSortFigures(t *testing.T) {
	got := SortFigures([]Figures{{Community: 3, Backlog: 2}, {Community: 1, Backlog: 5, Finished: 4, OnTime: 3}}, []int64{1, 2, 3})
	if len(got) != 3 || got[0].Backlog != 5 || got[1].Community != 2 || got[1].Backlog != 0 || got[2].Backlog != 2 {
		t.Errorf("figures %+v", got)
	}
	if r := got[0].OnTimeRate(); r != 0.75 {
		t.Errorf("on-time rate %v", r)
	}
	if r := got[1].OnTimeRate(); r != 0 {
		t.Errorf("on-time rate without finished work %v", r)
	}
}
