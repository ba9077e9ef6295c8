package procurement

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// The OCDS 1.1 release schema's rules the output must keep: the required
// fields of the package, a release and its parts, and the closed code
// lists (release-schema.json and codelists/*.csv of the 1.1 standard).
var (
	pkgRequired     = []string{"uri", "publishedDate", "publisher", "releases", "version"}
	releaseRequired = []string{"ocid", "id", "date", "tag", "initiationType"}
	codelists       = map[string][]string{
		"releaseTag": {"planning", "planningUpdate", "tender", "tenderAmendment", "tenderUpdate", "tenderCancellation",
			"award", "awardUpdate", "awardCancellation", "contract", "contractUpdate", "contractAmendment",
			"implementation", "implementationUpdate", "contractTermination", "compiled"},
		"initiationType":      {"tender"},
		"partyRole":           {"buyer", "procuringEntity", "supplier", "tenderer", "funder", "enquirer", "payer", "payee", "reviewBody", "interestedParty"},
		"tenderStatus":        {"planning", "planned", "active", "cancelled", "unsuccessful", "complete", "withdrawn"},
		"awardStatus":         {"pending", "active", "cancelled", "unsuccessful"},
		"contractStatus":      {"pending", "active", "cancelled", "terminated"},
		"milestoneStatus":     {"scheduled", "met", "notMet", "partiallyMet"},
		"milestoneType":       {"preProcurement", "approval", "engagement", "assessment", "delivery", "reporting", "financing"},
		"method":              {"open", "selective", "limited", "direct"},
		"procurementCategory": {"goods", "works", "services"},
		"awardCriteria": {"priceOnly", "costOnly", "qualityOnly", "ratedCriteria", "lowestCost", "bestProposal",
			"bestValueToGovernment", "singleBidOnly"},
		// ISO 4217, as far as a Chinese community pays.
		"currency": {"CNY"},
	}
	decimalYuan = regexp.MustCompile(`^(0|[1-9][0-9]*)\.[0-9]{2}$`)
)

// checker collects what breaks the schema's rules, with the JSON path.
type checker struct{ problems []string }

func (c *checker) fail(path, format string, args ...any) {
	c.problems = append(c.problems, path+": "+fmt.Sprintf(format, args...))
}

func (c *checker) obj(path string, v any, required ...string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "not an object")
		return nil
	}
	for _, k := range required {
		if _, ok := m[k]; !ok {
			c.fail(path, "required %q missing", k)
		}
	}
	return m
}

func (c *checker) code(path, list string, v any) {
	s, _ := v.(string)
	if !slices.Contains(codelists[list], s) {
		c.fail(path, "%v is not in the %s code list", v, list)
	}
}

func (c *checker) dateTime(path string, v any) {
	s, _ := v.(string)
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		c.fail(path, "%v is not a date-time", v)
	}
}

func (c *checker) value(path string, v any) {
	m := c.obj(path, v, "amount", "currency")
	if m == nil {
		return
	}
	n, ok := m["amount"].(json.Number)
	if !ok || !decimalYuan.MatchString(n.String()) {
		c.fail(path+".amount", "%v is not a decimal number of 元 with two places", m["amount"])
	}
	c.code(path+".currency", "currency", m["currency"])
}

func arr(v any) []any { a, _ := v.([]any); return a }

// release checks one release; parties are the ids its references must name.
func (c *checker) release(path string, v any) {
	r := c.obj(path, v, releaseRequired...)
	if r == nil {
		return
	}
	if s, _ := r["ocid"].(string); !strings.HasPrefix(s, OCIDPrefix) {
		c.fail(path+".ocid", "%v lacks the prefix", r["ocid"])
	}
	c.dateTime(path+".date", r["date"])
	if len(arr(r["tag"])) == 0 {
		c.fail(path+".tag", "empty")
	}
	for i, t := range arr(r["tag"]) {
		c.code(fmt.Sprintf("%s.tag[%d]", path, i), "releaseTag", t)
	}
	c.code(path+".initiationType", "initiationType", r["initiationType"])
	parties := map[string]string{}
	for i, p := range arr(r["parties"]) {
		pp := fmt.Sprintf("%s.parties[%d]", path, i)
		m := c.obj(pp, p, "id", "name", "roles")
		if m == nil {
			continue
		}
		parties[m["id"].(string)] = m["name"].(string)
		for j, role := range arr(m["roles"]) {
			c.code(fmt.Sprintf("%s.roles[%d]", pp, j), "partyRole", role)
		}
	}
	ref := func(p string, v any) {
		m := c.obj(p, v, "id", "name")
		if m != nil && parties[fmt.Sprint(m["id"])] != m["name"] {
			c.fail(p, "%v is not among the parties", m["id"])
		}
	}
	if b, ok := r["buyer"]; ok {
		ref(path+".buyer", b)
	}
	if pl, ok := r["planning"]; ok {
		if m := c.obj(path+".planning", pl); m != nil {
			if b := c.obj(path+".planning.budget", m["budget"], "amount"); b != nil {
				c.value(path+".planning.budget.amount", b["amount"])
			}
		}
	}
	if t, ok := r["tender"]; ok {
		m := c.obj(path+".tender", t, "id")
		if m != nil {
			c.code(path+".tender.status", "tenderStatus", m["status"])
			c.code(path+".tender.procurementMethod", "method", m["procurementMethod"])
			c.code(path+".tender.mainProcurementCategory", "procurementCategory", m["mainProcurementCategory"])
			if v, ok := m["awardCriteria"]; ok {
				c.code(path+".tender.awardCriteria", "awardCriteria", v)
			}
			if v, ok := m["value"]; ok {
				c.value(path+".tender.value", v)
			}
			if tp, ok := m["tenderPeriod"]; ok {
				pm := c.obj(path+".tender.tenderPeriod", tp, "startDate", "endDate")
				c.dateTime(path+".tender.tenderPeriod.startDate", pm["startDate"])
				c.dateTime(path+".tender.tenderPeriod.endDate", pm["endDate"])
			}
			if pe, ok := m["procuringEntity"]; ok {
				ref(path+".tender.procuringEntity", pe)
			}
			for i, x := range arr(m["tenderers"]) {
				ref(fmt.Sprintf("%s.tender.tenderers[%d]", path, i), x)
			}
		}
	}
	awards := map[string]bool{}
	for i, a := range arr(r["awards"]) {
		ap := fmt.Sprintf("%s.awards[%d]", path, i)
		m := c.obj(ap, a, "id")
		if m == nil {
			continue
		}
		awards[fmt.Sprint(m["id"])] = true
		c.code(ap+".status", "awardStatus", m["status"])
		c.dateTime(ap+".date", m["date"])
		c.value(ap+".value", m["value"])
		for j, x := range arr(m["suppliers"]) {
			ref(fmt.Sprintf("%s.suppliers[%d]", ap, j), x)
		}
	}
	for i, k := range arr(r["contracts"]) {
		kp := fmt.Sprintf("%s.contracts[%d]", path, i)
		m := c.obj(kp, k, "id", "awardID")
		if m == nil {
			continue
		}
		if !awards[fmt.Sprint(m["awardID"])] {
			c.fail(kp+".awardID", "%v names no award", m["awardID"])
		}
		c.code(kp+".status", "contractStatus", m["status"])
		c.value(kp+".value", m["value"])
		c.dateTime(kp+".dateSigned", m["dateSigned"])
		milestones := arr(m["milestones"])
		if im, ok := m["implementation"]; ok {
			imp := c.obj(kp+".implementation", im)
			milestones = append(milestones, arr(imp["milestones"])...)
			for j, tr := range arr(imp["transactions"]) {
				tp := fmt.Sprintf("%s.implementation.transactions[%d]", kp, j)
				tm := c.obj(tp, tr, "id")
				c.dateTime(tp+".date", tm["date"])
				c.value(tp+".value", tm["value"])
				ref(tp+".payer", tm["payer"])
				ref(tp+".payee", tm["payee"])
			}
		}
		for j, ms := range milestones {
			mp := fmt.Sprintf("%s.milestones[%d]", kp, j)
			mm := c.obj(mp, ms, "id")
			c.code(mp+".status", "milestoneStatus", mm["status"])
			c.code(mp+".type", "milestoneType", mm["type"])
			c.dateTime(mp+".dueDate", mm["dueDate"])
		}
	}
}

func decode(t *testing.T, v any) (any, []byte) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out any
	if err := d.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out, b
}

// TestOCDS: a project at every stage it can reach in a test — planned,
// and paid on its first milestone — published as a release package and a
// record package that keep the schema's rules, with amounts exact and no
// person named.
func TestOCDS(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		paid := flow(t, f)
		planned, err := f.s.Create(ctx, f.staff, f.cb.ID, Draft{Title: "楼道保洁服务", Category: "environment",
			Goals: "每周两次清扫楼道", BudgetFen: 2_400_050, MatterID: f.matter})
		if err != nil {
			t.Fatal(err)
		}
		pkg, err := f.s.Package(ctx, []int64{f.cb.ID}, "https://example.org/public/ocds/releases?org=1", f.street.Name)
		if err != nil {
			t.Fatal(err)
		}
		v, raw := decode(t, pkg)
		c := &checker{}
		m := c.obj("package", v, pkgRequired...)
		if m["version"] != "1.1" {
			c.fail("package.version", "%v", m["version"])
		}
		c.dateTime("package.publishedDate", m["publishedDate"])
		c.obj("package.publisher", m["publisher"], "name")
		seen := map[string]bool{}
		tags := map[string][]string{}
		for i, r := range arr(m["releases"]) {
			c.release(fmt.Sprintf("releases[%d]", i), r)
			rm := r.(map[string]any)
			id := fmt.Sprint(rm["id"])
			if seen[id] {
				c.fail(id, "release id twice")
			}
			seen[id] = true
			tags[fmt.Sprint(rm["ocid"])] = append(tags[fmt.Sprint(rm["ocid"])], fmt.Sprint(arr(rm["tag"])[0]))
		}
		for _, p := range c.problems {
			t.Error(p)
		}
		if got := strings.Join(tags[OCID(paid.ID)], ","); got != "planning,tender,award,contract,implementation" {
			t.Errorf("the paid project's releases: %s", got)
		}
		if got := strings.Join(tags[OCID(planned.ID)], ","); got != "planning" {
			t.Errorf("the planned project's releases: %s", got)
		}
		for _, want := range []string{`"amount":85000.00`, `"amount":40000.00`, `"amount":24000.50`, `"currency":"CNY"`,
			`"status":"met"`, `"roles":["tenderer","supplier","payee"]`} {
			if !bytes.Contains(raw, []byte(want)) {
				t.Errorf("the package lacks %s", want)
			}
		}
		for _, p := range f.persons {
			if bytes.Contains(raw, []byte(p.Name)) {
				t.Errorf("the package names %s, a person", p.Name)
			}
		}
		recs, err := f.s.Records(ctx, []int64{f.cb.ID}, "https://example.org/public/ocds/records?org=1", f.street.Name)
		if err != nil {
			t.Fatal(err)
		}
		rv, _ := decode(t, recs)
		c = &checker{}
		rm := c.obj("records", rv, "uri", "publishedDate", "publisher", "records", "version")
		for i, r := range arr(rm["records"]) {
			rec := c.obj(fmt.Sprintf("records[%d]", i), r, "ocid", "releases")
			c.release(fmt.Sprintf("records[%d].compiledRelease", i), rec["compiledRelease"])
		}
		for _, p := range c.problems {
			t.Error(p)
		}
		if len(arr(rm["records"])) != 2 {
			t.Errorf("records: %d, want 2", len(arr(rm["records"])))
		}
	})
}
