package access

import (
	"context"
	"fmt"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/volunteers/certificates"
)

// The volunteers' certificates for the matrix: the person on each side
// registered as a volunteer with a month's service, and a certificate
// requested for it, so that every route naming one is walked inside, near
// and outside each role's place.
func volunteerCertificateMakers(makers map[string]func(t *testing.T, w *world, s side) int64) {
	makers["volunteer_certificate"] = func(t *testing.T, w *world, s side) int64 {
		t.Helper()
		ctx := context.Background()
		person := w.objects[s]["person"]
		var community int64
		if err := w.db.QueryRowContext(ctx, `SELECT community_id FROM persons WHERE id = $1`, person).Scan(&community); err != nil {
			t.Fatal(err)
		}
		vol := database.NewID()
		if _, err := w.db.ExecContext(ctx, `INSERT INTO volunteers (community_id, id, person_id, number, joined_on, created_at, updated_at)
			VALUES ($1, $2, $3, $4, '2025-01-01', '2025-01-01', '2025-01-01')`, community, vol, person, fmt.Sprintf("V-%d", s)); err != nil {
			t.Fatal(err)
		}
		served := time.Now().AddDate(0, 0, -30).Format(time.DateOnly)
		if _, err := w.db.ExecContext(ctx, `INSERT INTO volunteer_hours (community_id, id, volunteer_id, kind, served_on, minutes,
			content, source, created_at) VALUES ($1, $2, $3, 'service', $4, 120, '巡逻', 'manual:e2e', '2025-01-01')`,
			community, database.NewID(), vol, served); err != nil {
			t.Fatal(err)
		}
		c, err := certificates.NewService(w.db, certificates.Options{}).RequestOwn(ctx, vol,
			time.Now().AddDate(0, 0, -60).Format(time.DateOnly), time.Now().AddDate(0, 0, -1).Format(time.DateOnly))
		if err != nil {
			t.Fatalf("volunteer certificate at %s: %v", s, err)
		}
		return c.ID
	}
}
