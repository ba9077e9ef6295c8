package hallweb_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/services"
)

// The case page says 按期, or 逾期 and why: a stage passed after its
// deadline, or the legal time exceeded.
func TestApplicationPageSaysWhyLate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		h := newHall(t, db)
		ctx := context.Background()
		a, err := h.svc.Intake(ctx, access.System, services.IntakeRequest{PersonID: h.who.ID, Item: "dibao",
			Received: []string{"form", "income", "marriage"}})
		if err != nil {
			t.Fatal(err)
		}
		clerk := h.srv.Client()
		clerk.Login("clerk")
		path := "/services/applications/" + strconv.FormatInt(a.ID, 10)
		for _, c := range []struct {
			onTime, stageLate int
			want, lacks       string
		}{{1, 0, "(按期)", "逾期"}, {0, 1, "逾期:有环节超出办理期限", "按期"}, {0, 0, "逾期:超出法定时限", "按期"}} {
			if _, err := db.ExecContext(ctx, `UPDATE service_applications SET status = 'approved', stage_level = 'done',
				finished_on = '2026-12-01', stage_due = '', on_time = $1, stage_late = $2 WHERE id = $3`, c.onTime, c.stageLate, a.ID); err != nil {
				t.Fatal(err)
			}
			r := clerk.Get(path)
			if r.Status != http.StatusOK || !strings.Contains(r.Body, c.want) || strings.Contains(r.Body, c.lacks) {
				i := strings.Index(r.Body, "办结日期")
				t.Errorf("on_time %d stage_late %d: %d, want %q without %q: %s", c.onTime, c.stageLate, r.Status, c.want, c.lacks, r.Body[max(i, 0):min(len(r.Body), max(i, 0)+300)])
			}
		}
	})
}
