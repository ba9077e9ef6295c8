package hallweb_test

import (
	"context"
	"net/url"
	"testing"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/services"
)

// The hall's lookups — a case by its tracking number at the window and on
// the residents' portal, a person at intake — are in the audit log with
// what was asked for, numbers masked, and how many records came back.
func TestLookupsAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		h := newHall(t, db)
		ctx := context.Background()
		a, err := h.svc.Intake(ctx, access.System, services.IntakeRequest{PersonID: h.who.ID, Item: "dibao",
			Received: []string{"form", "income", "marriage"}})
		if err != nil {
			t.Fatal(err)
		}
		// The audit page names a case by its tracking number.
		if m, err := h.kit.RecordNamers()["application"](ctx, []int64{a.ID}); err != nil || m[a.ID] != a.TrackingNo {
			t.Errorf("the application's name in the audit log: %v %v", m, err)
		}
		if _, ok := h.kit.RecordNamers()["certificate"]; !ok {
			t.Error("certificates have no name in the audit log")
		}
		last := func() audit.Entry {
			t.Helper()
			h.kit.Audit.Flush()
			es, _, err := h.kit.Audit.Query(ctx, audit.Filter{Action: audit.Search, Limit: 1})
			if err != nil || len(es) != 1 {
				t.Fatalf("no search recorded: %v %v", es, err)
			}
			return es[0]
		}
		clerk := h.srv.Client()
		clerk.Login("clerk")
		for _, c := range []struct {
			path, detail string
			rows         int
		}{
			{"/services/find?no=" + a.TrackingNo, "tracking: " + a.TrackingNo, 1},
			{"/services/find?no=00000000000000", "tracking: 00000000000000", 0},
			{"/services/intake?q=" + h.who.IDNumber, "intake persons: " + ident.MaskID(h.who.IDNumber), 1},
			{"/services/intake?q=" + h.who.Phone, "intake persons: " + ident.MaskPhone(h.who.Phone), 1},
		} {
			clerk.Get(c.path)
			if e := last(); e.Detail != c.detail || e.Rows != c.rows || e.UserName != "clerk" {
				t.Errorf("GET %s recorded as %+v, want %q with %d rows", c.path, e, c.detail, c.rows)
			}
		}
		// The bare forms search nothing: no entry.
		clerk.Get("/services/intake")
		clerk.Get("/services/certificates/new")
		if e := last(); e.Detail != "intake persons: "+ident.MaskPhone(h.who.Phone) {
			t.Errorf("opening a bare form was recorded as a search: %+v", e)
		}
		resident := h.srv.Client()
		for _, c := range []struct {
			last4 string
			rows  int
		}{{h.who.Phone[7:], 1}, {"0000", 0}} {
			resident.Post("/portal/track", url.Values{"no": {a.TrackingNo}, "last4": {c.last4}})
			if e := last(); e.Detail != "tracking: "+a.TrackingNo || e.Rows != c.rows || e.Route != "POST /portal/track" {
				t.Errorf("the portal's lookup recorded as %+v, want %d rows", e, c.rows)
			}
		}
	})
}
