package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"shequ/internal/codes"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/ident"
	"shequ/internal/indicators"
	"shequ/internal/orgtree"
	"shequ/internal/reports"
	"shequ/internal/services"
	"shequ/internal/testdb"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var today = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func count(t *testing.T, db *database.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func column(t *testing.T, db *database.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestChengbei checks the preset against the figures of the 城北社区 report,
// counting in the database rather than trusting the summary, then loads
// 紫南 beside it and refuses a second 城北.
func TestChengbei(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		calls, last := 0, 0
		sum, err := Load(ctx, db, Options{Preset: "chengbei", Seed: 1, Today: today}, func(done, total int) {
			if total != 25369 || done < last || done > total {
				t.Errorf("progress(%d, %d) after %d", done, total, last)
			}
			calls++
			last = done
		})
		if err != nil {
			t.Fatal(err)
		}
		if calls < 10 || last != 25369 {
			t.Errorf("progress called %d times, last with %d", calls, last)
		}
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM households`:                                          7891,
			`SELECT COUNT(*) FROM persons`:                                             25369,
			`SELECT COUNT(*) FROM work_requests WHERE status <> 'pending'`:             12, // 3 from data requests
			`SELECT COUNT(*) FROM data_requests`:                                       2,
			`SELECT COUNT(*) FROM data_request_items WHERE computed = 1`:               10,
			`SELECT COUNT(*) FROM persons WHERE residence = 'floating'`:                10180,
			`SELECT COUNT(*) FROM households WHERE kind = 'floating'`:                  3112,
			`SELECT COUNT(*) FROM households WHERE kind <> 'floating'`:                 4779,
			`SELECT COUNT(*) FROM persons WHERE residence <> 'floating'`:               15189,
			`SELECT COUNT(*) FROM org_units WHERE level = 'community'`:                 1,
			`SELECT COUNT(*) FROM org_units WHERE level = 'group'`:                     5,
			`SELECT COUNT(*) FROM org_units WHERE level = 'grid'`:                      19,
			`SELECT COUNT(*) FROM org_staff WHERE role = 'center_head'`:                40,
			`SELECT COUNT(*) FROM org_staff WHERE role = 'secretary'`:                  1,
			`SELECT COUNT(*) FROM org_staff WHERE role = 'community_staff'`:            20,
			`SELECT COUNT(*) FROM org_staff WHERE role = 'group_leader'`:               5,
			`SELECT COUNT(DISTINCT unit_id) FROM org_staff WHERE role = 'grid_worker'`: 19,
			`SELECT COUNT(*) FROM organisations`:                                       38,
			`SELECT COUNT(*) FROM social_orgs WHERE status = 'filed'`:                  6, // 社区社会组织, the hub among them
			`SELECT COUNT(*) FROM surveys WHERE status = 'closed'`:                     3, // 问卷调查: a year of them, one open, one draft
			`SELECT COUNT(*) FROM surveys WHERE status = 'open'`:                       1,
			// 政府购买服务: a project at every stage; the tender still open and
			// the one under evaluation are both 'tender', told apart by the deadline.
			`SELECT COUNT(*) FROM procurement_projects WHERE status = 'planning'`:  1,
			`SELECT COUNT(*) FROM procurement_projects WHERE status = 'tender'`:    2,
			`SELECT COUNT(*) FROM procurement_projects WHERE status = 'awarded'`:   1,
			`SELECT COUNT(*) FROM procurement_projects WHERE status = 'contract'`:  1,
			`SELECT COUNT(*) FROM procurement_projects WHERE status = 'completed'`: 1,
			`SELECT COUNT(*) FROM procurement_payments`:                            4,
			`SELECT COUNT(*) FROM procurement_milestones WHERE accepted_on = ''`:   2,
			`SELECT COUNT(*) FROM surveys s WHERE s.status <> 'draft' AND (SELECT COUNT(*) FROM survey_responses r
				WHERE r.community_id = s.community_id AND r.survey_id = s.id) < 40`: 0,
			`SELECT COUNT(*) FROM organisations WHERE kind = 'school'`:  14,
			`SELECT COUNT(*) FROM organisations WHERE kind = 'medical'`: 2,
			`SELECT COUNT(*) FROM fund_entries WHERE kind = 'reversal'`: 1, // 社区经费: an expense entered twice
			`SELECT COUNT(*) FROM funds WHERE kind = 'special'`:         1, // the idle one
			// Every grid hangs on a 居民小组, every center head on a building.
			`SELECT COUNT(*) FROM org_units g JOIN org_units p ON p.id = g.parent_id WHERE g.level = 'grid' AND p.level <> 'group'`:        0,
			`SELECT COUNT(*) FROM org_staff s JOIN org_units u ON u.id = s.unit_id WHERE s.role = 'center_head' AND u.level <> 'building'`: 0,
			// 网格员 are community workers.
			`SELECT COUNT(*) FROM org_staff g WHERE g.role = 'grid_worker' AND NOT EXISTS (SELECT 1 FROM org_staff s
				WHERE s.role = 'community_staff' AND s.name = g.name AND s.phone = g.phone)`: 0,
			// Each household has its head among its members, as 户主.
			`SELECT COUNT(*) FROM households h WHERE NOT EXISTS (SELECT 1 FROM persons p
				WHERE p.id = h.head_id AND p.household_id = h.id AND p.relation = '02')`: 0,
			`SELECT COUNT(*) FROM persons WHERE relation = '02'`: 7891,
			// Floating households rent, with every member a tenant.
			`SELECT COUNT(*) FROM households h JOIN houses o ON o.id = h.house_id WHERE h.kind = 'floating' AND o.use <> 'rented'`: 0,
			`SELECT COUNT(*) FROM persons p WHERE p.residence = 'floating' AND NOT EXISTS (SELECT 1 FROM rental_tenants t
				JOIN rentals r ON r.id = t.rental_id JOIN households h ON h.house_id = r.house_id WHERE t.person_id = p.id AND h.id = p.household_id)`: 0,
			`SELECT COUNT(*) FROM houses o WHERE o.use = 'vacant' AND EXISTS (SELECT 1 FROM households h WHERE h.house_id = o.id)`:     0,
			`SELECT COUNT(*) FROM buildings WHERE floors < 1 OR floors > 33`:                                                           0,
			`SELECT COUNT(*) FROM org_units u WHERE u.level = 'building' AND NOT EXISTS (SELECT 1 FROM buildings b WHERE b.id = u.id)`: 0,
			`SELECT COUNT(*) FROM (SELECT parent_id FROM org_units WHERE level = 'unit' GROUP BY parent_id HAVING COUNT(*) > 4) x`:     0,
			// One create event per row.
			`SELECT COUNT(*) FROM change_events WHERE entity = 'person' AND op = 'create'`: 25369,
			// Whoever left did so with a day, moved out with a destination,
			// in the last two years; a dissolved household has nobody left.
			`SELECT COUNT(*) FROM persons WHERE status <> 'active' AND (left_on = '' OR left_on < '` +
				today.AddDate(0, 0, -lifeWindow-1).Format("2006-01-02") + `')`: 0,
			`SELECT COUNT(*) FROM persons WHERE status = 'moved_out' AND left_to = ''`: 0,
			`SELECT COUNT(*) FROM households h WHERE h.status = 'dissolved' AND EXISTS (SELECT 1 FROM persons p
				WHERE p.household_id = h.id AND p.status = 'active')`: 0,
			`SELECT COUNT(*) FROM person_tags t JOIN persons p ON p.id = t.person_id
				WHERE p.status <> 'active' AND (t.ended_on IS NULL OR t.ended_on > p.left_on)`: 0,
		} {
			if got := count(t, db, q); got != want {
				t.Errorf("%s = %d, want %d", q, got, want)
			}
		}
		if sum.Persons != 25369 || sum.Households != 7891 || sum.FloatingPersons != 10180 || sum.FloatingHouseholds != 3112 ||
			sum.Grids != 19 || sum.Groups != 5 || sum.CenterHeads != 40 || sum.Staff != 21 || sum.GridWorkers != 19 ||
			sum.GridWorkersStaff != 19 || sum.Organisations != 38 || sum.Communities != 1 {
			t.Errorf("summary = %+v", sum)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM persons WHERE status = 'moved_out'`); got != sum.MovedOut || got == 0 {
			t.Errorf("%d persons moved out, summary %d", got, sum.MovedOut)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM persons WHERE status = 'deceased'`); got != sum.Deceased || got == 0 {
			t.Errorf("%d persons deceased, summary %d", got, sum.Deceased)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM households WHERE status = 'dissolved'`); got != sum.Dissolved || got == 0 {
			t.Errorf("%d households dissolved, summary %d", got, sum.Dissolved)
		}
		checkLeavingsReported(t, db)
		// 社区经费: the 费随事转 fund is spent against the departments' payments.
		if n := count(t, db, `SELECT COUNT(*) FROM fund_entries e JOIN funds f ON f.community_id = e.community_id AND f.id = e.fund_id
			WHERE f.kind = 'transfer' AND e.kind = 'expense'`); n == 0 {
			t.Error("no expense of the 费随事转 fund: its receipts (work_funds) are not read")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM org_staff`); n != sum.StaffRows {
			t.Errorf("org_staff has %d rows, summary %d", n, sum.StaffRows)
		}
		// Each unit's page has its history: its creation, and each
		// assignment on the day it began, none after today.
		if n := count(t, db, `SELECT COUNT(*) FROM org_changes WHERE op = 'assign'`); n != sum.StaffRows {
			t.Errorf("org_changes has %d assignments, org_staff %d rows", n, sum.StaffRows)
		}
		if n, units := count(t, db, `SELECT COUNT(*) FROM org_changes WHERE op = 'create'`),
			count(t, db, `SELECT COUNT(*) FROM org_units WHERE community_id IS NOT NULL`); n != units {
			t.Errorf("org_changes has %d creations, the community's tree %d units", n, units)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM org_changes WHERE at > $1`, today.Format("2006-01-02")+" 23:59:59.999999"); n != 0 {
			t.Errorf("%d changes of the tree after today", n)
		}
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM buildings`:                             sum.Buildings,
			`SELECT COUNT(*) FROM houses`:                                sum.Houses,
			`SELECT COUNT(*) FROM rentals`:                               sum.Rentals,
			`SELECT COUNT(*) FROM person_tags`:                           sumTags(sum),
			`SELECT COUNT(*) FROM persons WHERE employer_id IS NOT NULL`: sum.Employed,
			`SELECT COUNT(*) FROM households WHERE kind = 'collective'`:  sum.CollectiveHouseholds,
		} {
			if got := count(t, db, q); got != want {
				t.Errorf("%s = %d, summary says %d", q, got, want)
			}
		}
		if sum.CollectiveHouseholds < 1 || sum.CollectiveHouseholds > 10 || sum.ResidentPersons < 50 || sum.ResidentPersons > 1500 {
			t.Errorf("collective households %d, 常住 persons %d", sum.CollectiveHouseholds, sum.ResidentPersons)
		}
		if sum.Employed < 100 || sum.Employed > 1000 {
			t.Errorf("%d employed by the community's organisations", sum.Employed)
		}
		occupied := float64(sum.Households) / float64(sum.Houses)
		if occupied < 0.8 || occupied > 0.9 {
			t.Errorf("%.2f of houses occupied", occupied)
		}
		for _, n := range column(t, db, `SELECT CAST(COUNT(*) AS TEXT) FROM households GROUP BY grid_id`) {
			var k int
			fmt.Sscan(n, &k)
			if k < 340 || k > 480 {
				t.Errorf("a grid has %d households", k)
			}
		}
		flat := regexp.MustCompile(`^[0-9]+-[1-4]-[0-9]{3,4}$`)
		for _, n := range column(t, db, `SELECT o.number FROM houses o JOIN buildings b ON b.id = o.building_id WHERE b.kind <> 'bungalow'`) {
			if !flat.MatchString(n) {
				t.Fatalf("house number %q", n)
			}
		}
		for _, b := range column(t, db, `SELECT boundary FROM org_units WHERE level IN ('grid', 'community')`) {
			if _, err := orgtree.ParseGeometry(b); err != nil {
				t.Fatalf("boundary %s: %v", b, err)
			}
		}
		checkPersons(t, db)
		checkFamilies(t, db)

		// ID numbers: 安塞 people born before 2016 carry 安塞县's 610624.
		if count(t, db, `SELECT COUNT(*) FROM persons WHERE id_number LIKE '610624%' AND birth_date >= '2016-07-01'`) != 0 ||
			count(t, db, `SELECT COUNT(*) FROM persons WHERE id_number LIKE '610603%' AND birth_date < '2016-07-01'`) != 0 ||
			count(t, db, `SELECT COUNT(*) FROM persons WHERE id_number LIKE '610624%'`) < 5000 {
			t.Error("home area codes do not follow the 2016 renaming")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM persons WHERE residence = 'floating' AND id_number LIKE '6106%'`); n < 1000 || n > 6000 {
			t.Errorf("%d floating persons from 延安", n)
		}
		seen := map[string]bool{}
		for _, c := range column(t, db, `SELECT uscc FROM organisations`) {
			if _, err := ident.ParseUSCC(c); err != nil || seen[c] {
				t.Errorf("USCC %s: %v (or repeated)", c, err)
			}
			seen[c] = true
		}

		// Tags in plausible shares, 高龄 and 育龄妇女 exactly by age.
		persons := 25369.0
		share := func(tag string) float64 {
			return float64(count(t, db, `SELECT COUNT(DISTINCT person_id) FROM person_tags WHERE tag = $1 AND ended_on IS NULL`, tag)) / persons
		}
		if s := share("dibao") * persons / 15189; s < 0.015 || s > 0.04 {
			t.Errorf("低保 share %.4f of registered persons", s)
		}
		for tag, b := range map[string][2]float64{"disabled": {0.035, 0.08}, "childbearing": {0.18, 0.35},
			"pregnant": {0.002, 0.02}, "unemployed": {0.005, 0.03}, "very_old": {0.002, 0.05}, "living_alone": {0.005, 0.05},
			"correction": {0, 0.005}, "mental": {0.0005, 0.005}, "drug": {0, 0.005}, "released": {0, 0.005}, "key_youth": {0, 0.005},
			"tekun": {0.0001, 0.005}} {
			if s := share(tag); s < b[0] || s > b[1] {
				t.Errorf("%s share %.4f outside %v", tag, s, b)
			}
		}
		cut80 := today.AddDate(-80, 0, 0).Format("2006-01-02")
		if a, b := count(t, db, `SELECT COUNT(*) FROM persons WHERE birth_date <= $1`, cut80),
			count(t, db, `SELECT COUNT(*) FROM person_tags WHERE tag = 'very_old'`); a != b {
			t.Errorf("%d persons of 80 or more, %d 高龄 tags", a, b)
		}
		if a, b := count(t, db, `SELECT COUNT(*) FROM persons WHERE gender = 'F' AND status = 'active' AND birth_date <= $1 AND birth_date > $2`,
			today.AddDate(-15, 0, 0).Format("2006-01-02"), today.AddDate(-50, 0, 0).Format("2006-01-02")),
			count(t, db, `SELECT COUNT(*) FROM person_tags WHERE tag = 'childbearing' AND ended_on IS NULL`); a != b {
			t.Errorf("%d women of 15–49, %d open 育龄妇女 tags", a, b)
		}
		if count(t, db, `SELECT COUNT(*) FROM person_tags t JOIN persons p ON p.id = t.person_id
			WHERE t.tag IN ('childbearing', 'pregnant') AND p.gender = 'M'`) != 0 {
			t.Error("men tagged 育龄妇女 or 孕情")
		}
		if count(t, db, `SELECT COUNT(*) FROM person_tags WHERE ended_on IS NOT NULL AND ended_on < started_on`) != 0 {
			t.Error("tags ending before they start")
		}
		veterans := float64(count(t, db, `SELECT COUNT(*) FROM person_tags WHERE tag = 'veteran'`)) /
			float64(count(t, db, `SELECT COUNT(*) FROM persons WHERE gender = 'M' AND birth_date < $1`, today.AddDate(-25, 0, 0).Format("2006-01-02")))
		if veterans < 0.008 || veterans > 0.03 {
			t.Errorf("veterans %.3f of men over 25", veterans)
		}

		// The register grows: fewer persons as of the end of 2015 than now.
		asOf := func(d string) int {
			return count(t, db, `SELECT COUNT(*) FROM change_events WHERE entity = 'person' AND at <= $1`, d+" 23:59:59.999999")
		}
		if a, b := asOf("2015-01-01"), asOf("2015-12-31"); a != 0 || b < 6000 || b > 15000 {
			t.Errorf("persons in the register on 2015-01-01: %d, on 2015-12-31: %d", a, b)
		}
		if count(t, db, `SELECT COUNT(*) FROM change_events WHERE at > $1`, today.Format("2006-01-02")+" 23:59:59.999999") != 0 {
			t.Error("events after today")
		}
		if count(t, db, `SELECT COUNT(*) FROM persons WHERE moved_in_on > $1 OR moved_in_on < birth_date`, today.Format("2006-01-02")) != 0 {
			t.Error("moved in before birth or after today")
		}

		// 紫南 goes beside it, as a second root; a second 城北 is refused.
		zs, err := Load(ctx, db, Options{Preset: "zinan", Seed: 1, Today: today}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if zs.Households != 1685 || zs.Persons != 5216 || zs.Staff != 5 || zs.Grids != 4 {
			t.Errorf("zinan summary %+v", zs)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM org_units WHERE parent_id IS NULL`); n != 2 {
			t.Errorf("%d roots", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM persons p JOIN org_units c ON c.id = p.community_id WHERE c.name = '紫南社区'`); n != 5216 {
			t.Errorf("紫南 has %d persons", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM (SELECT id_number FROM persons GROUP BY id_number HAVING COUNT(*) > 1) x`); n != 0 {
			t.Errorf("%d ID numbers shared between 城北 and 紫南", n)
		}
		_, err = Load(ctx, db, Options{Preset: "chengbei", Seed: 1, Today: today}, nil)
		if err == nil || !strings.Contains(err.Error(), "不能重复载入") {
			t.Errorf("second load of chengbei: %v", err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM persons`); n != 25369+5216 {
			t.Errorf("%d persons after the refused load", n)
		}
	})
}

func sumTags(s Summary) int {
	n := 0
	for _, v := range s.Tags {
		n += v
	}
	return n
}

// checkPersons validates every person's ID number against ident, its fit
// with birth date and sex, and the code lists and phone numbers.
func checkPersons(t *testing.T, db *database.DB) {
	t.Helper()
	rows, err := db.Query(`SELECT id_number, gender, birth_date, ethnicity, relation, phone, hukou_address FROM persons`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ids, phones := map[string]bool{}, map[string]bool{}
	minorities, withPhone, n := 0, 0, 0
	for rows.Next() {
		var id, gender, birth, eth, rel, phone, hukou string
		if err := rows.Scan(&id, &gender, &birth, &eth, &rel, &phone, &hukou); err != nil {
			t.Fatal(err)
		}
		n++
		r, err := ident.ParseResidentID(id, today)
		if err != nil {
			t.Fatalf("invalid ID %s: %v", id, err)
		}
		if (gender == "M") != r.Male || r.Birth.Format("2006-01-02") != birth || ids[id] {
			t.Fatalf("ID %s does not fit %s %s, or repeats", id, gender, birth)
		}
		ids[id] = true
		if _, ok := codes.AreaName(r.AreaCode); !ok {
			t.Fatalf("unknown area in %s", id)
		}
		if _, ok := codes.EthnicityName(eth); !ok {
			t.Fatalf("ethnicity %q", eth)
		}
		if eth != "01" {
			minorities++
		}
		if _, ok := codes.RelationName(rel); !ok {
			t.Fatalf("relation %q", rel)
		}
		if hukou == "" {
			t.Fatalf("no 户籍 address for %s", id)
		}
		if phone != "" {
			withPhone++
			if _, err := ident.ParseMobile(phone); err != nil || phones[phone] {
				t.Fatalf("phone %s: %v (or repeated)", phone, err)
			}
			phones[phone] = true
		}
	}
	if minorities == 0 || minorities > n/50 {
		t.Errorf("%d of %d persons of minorities", minorities, n)
	}
	if withPhone < n/2 || withPhone > n*9/10 {
		t.Errorf("%d of %d persons with a phone", withPhone, n)
	}
}

// checkFamilies checks ages and surnames within households.
func checkFamilies(t *testing.T, db *database.DB) {
	t.Helper()
	rows, err := db.Query(`SELECT h.id, p.relation, p.birth_date, p.name, p.gender FROM persons p
		JOIN households h ON h.id = p.household_id WHERE h.kind <> 'collective' ORDER BY h.id, p.relation`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type person struct {
		rel, birth, name, gender string
	}
	var hh []person
	var cur int64
	sizes := map[int]int{}
	sameSurname, children := 0, 0
	check := func() {
		if len(hh) == 0 {
			return
		}
		sizes[len(hh)]++
		head := hh[0]
		if head.rel != "02" {
			t.Fatalf("household without 户主 first: %+v", hh)
		}
		hy := head.birth[:4]
		for _, p := range hh[1:] {
			gap := atoi(p.birth[:4]) - atoi(hy)
			switch p.rel[0] {
			case '1': // spouse
				if gap < -14 || gap > 14 || p.gender == head.gender {
					t.Errorf("spouse %+v of head %+v", p, head)
				}
			case '2', '3': // children
				if p.rel != "28" && p.rel != "38" && gap < 15 {
					t.Errorf("child %+v of head %+v", p, head)
				}
				if p.rel != "28" && p.rel != "38" {
					children++
					if strings.HasPrefix(p.name, head.name[:3]) {
						sameSurname++
					}
				}
			case '4':
				if gap < 34 {
					t.Errorf("grandchild %+v of head %+v", p, head)
				}
			case '5':
				if gap > -15 {
					t.Errorf("parent %+v of head %+v", p, head)
				}
			}
		}
	}
	for rows.Next() {
		var id int64
		var p person
		if err := rows.Scan(&id, &p.rel, &p.birth, &p.name, &p.gender); err != nil {
			t.Fatal(err)
		}
		if id != cur {
			check()
			hh, cur = hh[:0], id
		}
		hh = append(hh, p)
	}
	check()
	// Children mostly carry the head's surname (not when the head is the mother).
	if f := float64(sameSurname) / float64(children); f < 0.6 || f > 0.95 {
		t.Errorf("%.2f of children share the head's surname", f)
	}
	if sizes[1] == 0 || sizes[3] < sizes[1] || sizes[6] == 0 {
		t.Errorf("household sizes %v", sizes)
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestDeterministicCity loads a small city twice: the same seed gives the
// same persons, and communities of about 3,000 households.
func TestDeterministicCity(t *testing.T) {
	ctx := context.Background()
	e := testdb.Engines()[0]
	run := func() (Summary, []string) {
		db := dbtest.Open(t, e)
		sum, err := Load(ctx, db, Options{Preset: "city", Persons: 20000, Seed: 7, Today: today}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Persons != 20000 || count(t, db, `SELECT COUNT(*) FROM persons`) != 20000 {
			t.Errorf("city persons = %d", sum.Persons)
		}
		for _, n := range column(t, db, `SELECT CAST(COUNT(*) AS TEXT) FROM households GROUP BY community_id`) {
			if k := atoi(n); k < 2500 || k > 3600 {
				t.Errorf("a community of %d households", k)
			}
		}
		if f := float64(sum.FloatingPersons) / float64(sum.Persons); f < 0.2 || f > 0.4 {
			t.Errorf("%.2f floating", f)
		}
		if count(t, db, `SELECT COUNT(*) FROM persons WHERE ethnicity = '02'`) == 0 || sum.BuildingHeads == 0 {
			t.Errorf("no 蒙古族 or no 楼栋长: %+v", sum)
		}
		return sum, column(t, db, `SELECT name || ' ' || id_number || ' ' || relation || ' ' || address FROM persons ORDER BY id_number`)
	}
	s1, a := run()
	s2, b := run()
	if !reflect.DeepEqual(s1, s2) {
		t.Errorf("summaries differ:\n%+v\n%+v", s1, s2)
	}
	if len(a) != len(b) {
		t.Fatalf("runs differ in size: %d vs %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("runs differ at %d: %s vs %s", i, a[i], b[i])
		}
	}
}

func TestOptions(t *testing.T) {
	db := dbtest.Open(t, testdb.Engines()[0])
	ctx := context.Background()
	for _, opt := range []Options{{Preset: "nowhere"}, {Preset: "city", Persons: 10}, {Preset: "chengbei", Today: time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)}} {
		if _, err := Load(ctx, db, opt, nil); err == nil {
			t.Errorf("%+v accepted", opt)
		}
	}
	if n := count(t, db, `SELECT COUNT(*) FROM org_units`); n != 0 {
		t.Errorf("%d org units after refused loads", n)
	}
}

// TestIDs checks the fast ID and date helpers against ident and time.
func TestIDs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		day := daysFromCivil(1900, 1, 1) + r.IntN(50000)
		tm := time.Unix(int64(day)*86400, 0).UTC()
		if dayOf(tm) != day || dateString(day) != tm.Format("2006-01-02") {
			t.Fatalf("day %d: %s vs %s", day, dateString(day), tm.Format("2006-01-02"))
		}
		seq := r.IntN(1000)
		if a, b := makeResidentID("610624", day, seq), ident.MakeResidentID("610624", tm, seq); a != b {
			t.Fatalf("%s vs %s", a, b)
		}
		want := today.Year() - tm.Year()
		if today.Month() < tm.Month() || today.Month() == tm.Month() && today.Day() < tm.Day() {
			want--
		}
		if got := ageOn(day, dayOf(today)); got != want {
			t.Fatalf("age of someone born %s: %d, want %d", dateString(day), got, want)
		}
	}
	s := newIDSeqs(0, 4) // two codes per sex and day
	seen := map[string]bool{}
	day := daysFromCivil(1990, 5, 1)
	for i := 0; i < 6; i++ {
		id, d := s.residentID("610603", day, true)
		if seen[id] || d > day {
			t.Fatalf("%s on %s repeats or moved later", id, dateString(d))
		}
		seen[id] = true
		if _, err := ident.ParseResidentID(id, today); err != nil {
			t.Fatal(err)
		}
	}
}

// checkLeavingsReported computes the sample monthly report of 城北 for months
// across the last two years: its 期内减少, 本期死亡 and 本期迁出 items count
// the demo's leavings, and a month's decrease is never more than the
// persons on the register at its start.
func checkLeavingsReported(t *testing.T, db *database.DB) {
	t.Helper()
	ctx := context.Background()
	var community int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM org_units WHERE level = 'community'`).Scan(&community); err != nil {
		t.Fatal(err)
	}
	s := reports.New(db, nil, events.NewIndicatorSource, services.NewIndicatorSource)
	last := indicators.Current(indicators.Monthly, today).Previous()
	p := last
	var moved, died float64
	for i := 0; i < 23; i++ {
		if i == 0 || i == 11 || i == 22 {
			r, err := s.Compute(ctx, reports.SampleCode, community, p, reports.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if v := r.Row("A015").Value; v <= 0 || v > r.Row("A001").Value {
				t.Errorf("%s: 本期减少人口 %v", p, v)
			}
			moved += r.Row("A021").Value
			died += r.Row("A020").Value
		}
		p = p.Previous()
	}
	if moved == 0 || died == 0 {
		t.Errorf("three months of 本期迁出 %v, 本期死亡 %v", moved, died)
	}
}
