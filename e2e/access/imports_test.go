package access

import (
	"context"
	"encoding/json"
	"testing"

	"shequ/internal/database"
	"shequ/internal/imports"
	"shequ/internal/register"
)

// Makers of the imports capability's records: an import into 城北 (in and
// near: an import lies at its community) or into 紫南 (out), and a conflict
// about each side's person, carrying their ID and phone numbers so that the
// pages' masking is checked too.
func importMakers(makers map[string]func(t *testing.T, w *world, s side) int64) {
	makers["import"] = func(t *testing.T, w *world, s side) int64 {
		t.Helper()
		unit := [...]int64{w.cb.ID, w.cb.ID, w.zn.ID}[s]
		id := database.NewID()
		if _, err := w.db.ExecContext(context.Background(), `INSERT INTO imports (id, unit_id, community_id, department,
			file_name, file_hash, file_size, format, layout, status, rows_total, rows_done, user_name, created_at)
			VALUES ($1, $2, $2, 'police', '公安名册.xlsx', 'x', 10, 'xlsx', '{"sheets":[]}', 'done', 3, 3, '测试', '2026-01-01')`,
			id, unit); err != nil {
			t.Fatal(err)
		}
		return id
	}
	makers["conflict"] = func(t *testing.T, w *world, s side) int64 {
		t.Helper()
		p := [...]register.Person{w.inP, w.nearP, w.outP}[s]
		in := imports.Incoming{Person: p, Has: []string{"phone"}}
		in.Person.Phone = "13700000000"
		fields := []imports.FieldDiff{
			{Field: "phone", Label: "联系电话", Register: p.Phone, Incoming: "13700000000", RegisterShown: p.Phone, IncomingShown: "13700000000"},
			{Field: "id_number", Label: "证件号码", Register: p.IDNumber, Incoming: p.IDNumber, RegisterShown: p.IDNumber, IncomingShown: p.IDNumber},
		}
		ij, _ := json.Marshal(in)
		fj, _ := json.Marshal(fields)
		id := database.NewID()
		if _, err := w.db.ExecContext(context.Background(), `INSERT INTO import_conflicts (community_id, id, grid_id, org_id,
			import_id, department, kind, person_id, key, incoming, fields, sheet, row_num, status, created_at)
			VALUES ($1, $2, $3, $4, 0, 'police', 'fields', $5, $6, $7, $8, 'Sheet1', 5, 'open', '2026-01-01')`,
			p.CommunityID, id, p.GridID, p.OrgID, p.ID, "k"+string(rune('a'+s)), string(ij), string(fj)); err != nil {
			t.Fatal(err)
		}
		return id
	}
}
