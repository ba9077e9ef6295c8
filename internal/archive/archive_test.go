package archive

import (
	"context"
	"errors"
	"testing"

	"shequ/internal/access"
)

func TestRegistry(t *testing.T) {
	var r Registry
	h := Household{ID: 7}
	r.Add("visits", "走访", 40, func(ctx context.Context, v *access.Viewer, h Household) (Section, error) {
		return Section{Entries: []Entry{{Title: "走访"}}}, nil
	})
	r.Add("services", "办件", 10, func(ctx context.Context, v *access.Viewer, h Household) (Section, error) {
		return Section{Entries: []Entry{{Title: "低保"}}}, nil
	})
	r.Add("events", "事件", 30, func(ctx context.Context, v *access.Viewer, h Household) (Section, error) {
		return Section{}, nil // nothing for this household
	})
	got, err := r.Sections(context.Background(), access.System, h)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Key != "services" || got[1].Key != "visits" || got[1].Title != "走访" {
		t.Errorf("sections %+v", got)
	}
	if k := r.Keys(); len(k) != 3 || k[1] != "events" {
		t.Errorf("keys %v", k)
	}
	r.Add("events", "事件", 30, func(ctx context.Context, v *access.Viewer, h Household) (Section, error) {
		return Section{}, errors.New("boom")
	})
	if _, err := r.Sections(context.Background(), access.System, h); err == nil {
		t.Error("a failing contributor was ignored")
	}
	if len(r.Keys()) != 3 {
		t.Error("re-adding a key duplicated it")
	}
}
