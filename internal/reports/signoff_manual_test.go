package reports

import (
	"context"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/indicators"
)

// fillManual marks every manual item of a community's report left empty
// 无, as the sign-off asks; it returns the codes it marked.
func fillManual(t *testing.T, s *Service, template string, community int64, p indicators.Period) []string {
	t.Helper()
	ctx := context.Background()
	r, err := s.Compute(ctx, template, community, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var marked []string
	zero := 0.0
	for _, row := range r.Rows {
		if row.Manual && row.Due && !row.Known {
			if err := s.SetManual(ctx, "甲", community, row.Period, row.Indicator, &zero, None, 0); err != nil {
				t.Fatal(err)
			}
			marked = append(marked, row.Indicator)
		}
	}
	return marked
}

// A sign-off with manual items left empty is refused, naming each at its
// field in Chinese; marked 无 (or given a number, zero too) they let it
// through, and the report shows 无.
func TestSignOffNeedsEveryManualItem(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s, tw, p := setup(t, db, 3)
		c1 := tw.communities[0]
		r, err := s.Compute(ctx, SampleCode, c1.ID, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var empty []*Row
		for _, row := range r.Rows {
			if row.Manual && row.Due {
				empty = append(empty, row)
			}
		}
		if len(empty) < 2 {
			t.Fatalf("%d manual items due: the sample should have several", len(empty))
		}
		five := 5.0
		if err := s.SetManual(ctx, "甲", c1.ID, empty[0].Period, empty[0].Indicator, &five, "", 0); err != nil {
			t.Fatal(err)
		}
		_, err = s.Sign(ctx, "王书记", 0, SampleCode, c1.ID, p, "")
		fe := fault.FieldsOf(err)
		if fe == nil {
			t.Fatalf("signing with empty manual items: %v", err)
		}
		if _, ok := fe["manual."+empty[0].Indicator]; ok {
			t.Errorf("an entered item is named: %v", fe)
		}
		for _, row := range empty[1:] {
			if msg := fe["manual."+row.Indicator]; !strings.Contains(msg, row.Label) || !strings.Contains(msg, "无") {
				t.Errorf("%s %s: message %q", row.Indicator, row.Label, msg)
			}
		}
		if !strings.Contains(fe["manual"], empty[1].Label) {
			t.Errorf("the summary does not list the items: %q", fe["manual"])
		}
		if marked := fillManual(t, s, SampleCode, c1.ID, p); len(marked) != len(empty)-1 {
			t.Errorf("marked %d, want %d", len(marked), len(empty)-1)
		}
		if _, err := s.Sign(ctx, "王书记", 0, SampleCode, c1.ID, p, ""); err != nil {
			t.Fatalf("signing with every item entered: %v", err)
		}
		r, _ = s.Compute(ctx, SampleCode, c1.ID, p, Options{})
		if row := r.Row(empty[1].Indicator); row.Text() != "无" || row.Value != 0 {
			t.Errorf("an item marked 无 shows %q", row.Text())
		}
		if row := r.Row(empty[0].Indicator); row.Text() != "5" {
			t.Errorf("an entered item shows %q", row.Text())
		}
	})
}
