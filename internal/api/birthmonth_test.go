package api

import (
	"fmt"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// The API gives a birth known to the month as birth_date (the month's last
// day, as ever a date) with birth_precision "month"; a client writes such a
// birth as YYYY-MM, for a person without a document only, and keeps it by
// sending back what it read.
func TestAPIBirthMonth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		code, res := e.do(t, e.adminToken, "GET", fmt.Sprint("/api/v1/persons/", e.person.ID), "")
		if p := res["person"].(map[string]any); code != 200 || p["birth_precision"] != "day" {
			t.Errorf("a person known to the day: %d %v", code, res)
		}
		body := func(doc, number string) string {
			return fmt.Sprintf(`{"household_id":%d,"name":"周小军","doc_type":"%s","id_number":"%s","gender":"M","birth_date":"1990-09","residence":"floating"}`,
				e.household.ID, doc, number)
		}
		code, res = e.do(t, e.adminToken, "POST", "/api/v1/persons", body("passport", "E12345678"))
		if code != 422 || res["fields"].(map[string]any)["birth_date"] == nil {
			t.Errorf("a passport's holder born in a month: %d %v", code, res)
		}
		code, res = e.do(t, e.adminToken, "POST", "/api/v1/persons", body("none", ""))
		p, _ := res["person"].(map[string]any)
		if code != 201 || p["birth_date"] != "1990-09-30" || p["birth_precision"] != "month" {
			t.Fatalf("created: %d %v", code, res)
		}
		var id int64
		if err := db.QueryRow(`SELECT id FROM persons WHERE name = '周小军'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		// Sent back as read, with another phone: still a month.
		upd := fmt.Sprintf(`{"household_id":%d,"name":"周小军","doc_type":"none","gender":"M","birth_date":"1990-09-30","birth_precision":"month","residence":"floating","phone":"13800001111","version":%v}`,
			e.household.ID, p["version"])
		code, res = e.do(t, e.adminToken, "PUT", fmt.Sprint("/api/v1/persons/", id), upd)
		if q, _ := res["person"].(map[string]any); code != 200 || q["birth_precision"] != "month" || q["phone"] == nil {
			t.Errorf("updated: %d %v", code, res)
		}
	})
}
