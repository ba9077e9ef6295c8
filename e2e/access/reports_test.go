package access

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/indicators"
	"shequ/internal/reports"
	"shequ/internal/server"
)

// The reports' pages need a template: the world installs the sample (a
// maker of no route's kind, so that every test of the matrix has it). The
// template routes name it, its first 小类 and its first item by {tid},
// {sid} and {iid}. The matrix sends no version with its forms, so each
// change it asks for is refused as a conflict and the sample stays whole
// for every role.
func reportMakers(makers map[string]func(t *testing.T, w *world, s side) int64) {
	sample := func(t *testing.T, w *world) *reports.Template {
		t.Helper()
		s := reports.New(w.db, nil, server.IndicatorSources()...)
		if _, err := s.InstallSample(context.Background()); err != nil {
			t.Fatal(err)
		}
		tp, err := s.Template(context.Background(), reports.SampleCode)
		if err != nil {
			t.Fatal(err)
		}
		return tp
	}
	makers["report_sample"] = func(t *testing.T, w *world, s side) int64 { return sample(t, w).ID }
	makers["report_section"] = func(t *testing.T, w *world, s side) int64 { return sample(t, w).Sections[0].Subs[0].ID }
	makers["report_item"] = func(t *testing.T, w *world, s side) int64 { return sample(t, w).Items()[0].ID }
	for param, kind := range map[string]string{"tid": "report_sample", "sid": "report_section", "iid": "report_item"} {
		pathValues[param] = func(w *world) string { return itoa(w.objects[in][kind]) }
	}
}

// TestReportLedgers opens, as every role, the ledger of two numbers of the
// sample report — 实有人口 (a 公安 item) and 在册社区矫正对象 (a 司法 item about
// a sensitive tag) — for the building of each side, and checks who may,
// and that what is shown is scoped and masked as the role's field set says.
func TestReportLedgers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		roles, err := w.app.Access.Roles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		period := indicators.Current(indicators.Monthly, time.Now()).String()
		// 城北's manual items marked 无, so that the roles that may sign can.
		rs := reports.New(w.db, nil, server.IndicatorSources()...)
		if _, err := rs.InstallSample(ctx); err != nil {
			t.Fatal(err)
		}
		p, _ := indicators.ParsePeriod(period)
		rep, err := rs.Compute(ctx, reports.SampleCode, w.cb.ID, p, reports.Options{})
		if err != nil {
			t.Fatal(err)
		}
		zero := 0.0
		for _, row := range rep.Rows {
			if row.Manual && row.Due && !row.Known {
				if err := rs.SetManual(ctx, "测试", w.cb.ID, row.Period, row.Indicator, &zero, reports.None, 0); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, role := range roles {
			a := w.newAgent(t, role)
			for _, item := range []struct {
				code, dept string
			}{{"A001", "police"}, {"I001", "justice"}} {
				for _, s := range []side{in, near, out} {
					unit := w.building(s).ID
					path := "/reports/units/" + itoa(unit) + "/ledger?" +
						url.Values{"t": {reports.SampleCode}, "period": {period}, "item": {item.code}}.Encode()
					ans := a.get(path)
					where := role.Code + " " + item.code + " " + s.String()
					readable := role.Has("reports.read") && sees(role, s) &&
						(role.Has("reports.all") || role.Department == item.dept)
					switch {
					case ans.status >= 500:
						t.Fatalf("%s: %d", where, ans.status)
					case readable && ans.status != http.StatusOK:
						t.Errorf("%s: %d, the role may read it", where, ans.status)
						continue
					case !readable && ans.status == http.StatusOK:
						t.Errorf("%s: answered, the role may not read it", where)
					}
					if ans.status != http.StatusOK {
						continue
					}
					// The side's own person is listed where the role sees
					// persons (and, for 社区矫正, that tag).
					p := [...]string{w.inP.Name, w.nearP.Name, w.outP.Name}[s]
					canTag := item.code != "I001" || view(role, access.TagEntity, "correction") != access.Hidden
					listed := view(role, "person", "name") != access.Hidden && canTag
					if listed != strings.Contains(ans.body, p) {
						t.Errorf("%s: person listed %v, want %v", where, !listed, listed)
					}
					for _, other := range []side{in, near, out} {
						if other != s && strings.Contains(ans.body, [...]string{w.inP.Name, w.nearP.Name, w.outP.Name}[other]) {
							t.Errorf("%s: shows a person of another building", where)
						}
					}
					pp := [...]struct{ id, phone string }{{w.inP.IDNumber, w.inP.Phone}, {w.nearP.IDNumber, w.nearP.Phone},
						{w.outP.IDNumber, w.outP.Phone}}[s]
					if view(role, "person", "id_number") != access.Full && strings.Contains(ans.body, pp.id) {
						t.Errorf("%s: shows a full ID number", where)
					}
					if view(role, "person", "phone") != access.Full && strings.Contains(ans.body, pp.phone) {
						t.Errorf("%s: shows a full phone number", where)
					}
				}
			}
			// Signing off: community roles for their community, nobody for
			// a building.
			form := url.Values{"csrf": {a.csrf}, "t": {reports.SampleCode}, "period": {period}}
			ans := a.postForm("/reports/units/"+itoa(w.cb.ID)+"/signoff", form)
			mayCB := role.Has("reports.signoff") && (role.Place == access.PlaceAnywhere || role.Place == access.PlaceCommunity ||
				role.Place == access.PlaceSubtree || role.Place == access.PlaceStation)
			switch {
			case ans.status >= 500:
				t.Errorf("%s signs 城北: %d", role.Code, ans.status)
			case mayCB && ans.status != http.StatusSeeOther:
				t.Errorf("%s signs 城北: %d, the role may", role.Code, ans.status)
			case !mayCB && ans.status == http.StatusSeeOther:
				t.Errorf("%s signs 城北: done, the role may not", role.Code)
			}
			if ans := a.postForm("/reports/units/"+itoa(w.b1.ID)+"/signoff", form); ans.status == http.StatusSeeOther {
				t.Errorf("%s signed for a building", role.Code)
			}
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
