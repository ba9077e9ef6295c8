package exports

import (
	"context"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
)

// TestTemplateAuthority: a template names the admitted catalogue item that
// authorises it, or none (未准入); an item not admitted is refused at the
// field.
func TestTemplateAuthority(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		svc := NewService(db)
		tmpl, err := svc.Template(ctx, 1002)
		if err != nil || tmpl.WorkItemID != 0 {
			t.Fatalf("sample template %+v %v", tmpl, err)
		}
		tmpl.WorkItemID = 999999
		if err := svc.SaveTemplate(ctx, "民政科", tmpl); fault.FieldsOf(err)["work_item_id"] == "" {
			t.Fatalf("unknown item: %v", err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE work_items SET status = 'revoked' WHERE id = 1054`); err != nil {
			t.Fatal(err)
		}
		tmpl.WorkItemID = 1054
		if err := svc.SaveTemplate(ctx, "民政科", tmpl); fault.FieldsOf(err)["work_item_id"] == "" {
			t.Fatalf("revoked item: %v", err)
		}
		tmpl.WorkItemID = 1051
		if err := svc.SaveTemplate(ctx, "民政科", tmpl); err != nil {
			t.Fatal(err)
		}
		got, err := svc.Template(ctx, 1002)
		if err != nil || got.WorkItemID != 1051 {
			t.Fatalf("saved authority %+v %v", got, err)
		}
		got.WorkItemID = 0
		if err := svc.SaveTemplate(ctx, "民政科", got); err != nil {
			t.Fatal(err)
		}
		if got, _ := svc.Template(ctx, 1002); got.WorkItemID != 0 {
			t.Errorf("authority not cleared: %d", got.WorkItemID)
		}
	})
}
