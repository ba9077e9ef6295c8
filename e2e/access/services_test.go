package access

import (
	"context"
	"testing"

	"shequ/internal/access"
	"shequ/internal/register"
	"shequ/internal/services"
)

// The service hall's records for the matrix: an application (办件) and a
// certificate (证明) of the person on each side, so that every route naming
// them is walked inside, near and outside each role's place.
func init() {
	makers["application"] = func(t *testing.T, w *world, s side) int64 {
		t.Helper()
		svc := services.New(w.db, register.NewStore(w.db), services.Options{Quiet: true})
		a, err := svc.Intake(context.Background(), access.System, services.IntakeRequest{PersonID: w.objects[s]["person"],
			Item: "dibao", Received: []string{"form", "income", "marriage"}})
		if err != nil {
			t.Fatalf("application at %s: %v", s, err)
		}
		return a.ID
	}
	makers["certificate"] = func(t *testing.T, w *world, s side) int64 {
		t.Helper()
		svc := services.New(w.db, register.NewStore(w.db), services.Options{Quiet: true})
		c, err := svc.Issue(context.Background(), access.System, services.IssueRequest{Template: "residence",
			PersonID: w.objects[s]["person"], Purpose: "子女入学"})
		if err != nil {
			t.Fatalf("certificate at %s: %v", s, err)
		}
		return c.ID
	}
}
