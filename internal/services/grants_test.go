package services

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/register"
)

// approveAll takes a case in with every material and approves it at each
// level of its chain, the last approval on finish.
func (f *fixture) approveAll(t *testing.T, ctx context.Context, person int64, item string, received []string, finish time.Time) *Application {
	t.Helper()
	a, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: person, Item: item, Received: received})
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != StatusProcessing {
		t.Fatalf("intake of %s: %s, missing %v", item, a.Status, a.Missing())
	}
	handler := map[string]*access.Viewer{LevelCommunity: f.staff, LevelStreet: f.streetOp, LevelDistrict: f.dist}
	for i := 0; !a.Finished(); i++ {
		if i == len(a.Chain)-1 {
			f.now = finish
		}
		if a, err = f.svc.Approve(ctx, handler[a.CurrentStage().Level], a.ID, a.Version, ""); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// tagsOf lists a person's tags of one kind.
func (f *fixture) tagsOf(t *testing.T, ctx context.Context, p register.Person, kind string) []register.Tag {
	t.Helper()
	all, err := f.reg.TagsOf(ctx, access.Everything, p, "")
	if err != nil {
		t.Fatal(err)
	}
	var out []register.Tag
	for _, tg := range all {
		if tg.Tag == kind {
			out = append(out, tg)
		}
	}
	return out
}

func TestApprovalGrantsTheItemsTagAndEndingEndsIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		monday := time.Date(2026, 11, 30, 15, 0, 0, 0, cst)

		// The sample catalogue says which items grant which tag.
		for code, tag := range map[string]string{"dibao": "dibao", "tekun": "tekun", "canji": "disabled",
			"gaoling": "old_age_allowance", "youfu": "preferential", "jiuye": "unemployed", "juzhu": ""} {
			it, err := f.svc.Item(ctx, code)
			if err != nil || it.GrantsTag != tag {
				t.Errorf("item %s grants %q (%v), want %q", code, it.GrantsTag, err, tag)
			}
		}

		// Passing a stage grants nothing; the final approval does.
		a, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.head.ID, Item: "dibao", Received: []string{"form", "income", "marriage"}})
		if err != nil {
			t.Fatal(err)
		}
		if a.GrantsTag != "dibao" {
			t.Fatalf("the case copied %q from its item", a.GrantsTag)
		}
		if a, err = f.svc.Approve(ctx, f.staff, a.ID, a.Version, ""); err != nil {
			t.Fatal(err)
		}
		if got := f.tagsOf(t, ctx, f.head, "dibao"); len(got) != 0 || a.TagID != 0 {
			t.Fatalf("a community approval gave the tag: %+v", got)
		}
		if a, err = f.svc.Approve(ctx, f.streetOp, a.ID, a.Version, ""); err != nil {
			t.Fatal(err)
		}
		f.now = monday
		if a, err = f.svc.Approve(ctx, f.dist, a.ID, a.Version, "同意"); err != nil {
			t.Fatal(err)
		}
		tags := f.tagsOf(t, ctx, f.head, "dibao")
		if a.Status != StatusApproved || len(tags) != 1 || a.TagID != tags[0].ID {
			t.Fatalf("after approval: %s, tag %d, tags %+v", a.Status, a.TagID, tags)
		}
		if tg := tags[0]; tg.StartedOn != "2026-11-30" || tg.EndedOn != "" || !strings.Contains(tg.Note, a.TrackingNo) {
			t.Errorf("granted tag %+v: want it from the finishing day 2026-11-30, open, naming case %s", tg, a.TrackingNo)
		}
		hist, err := f.reg.History(ctx, access.AllFields, "tag", a.TagID)
		if err != nil || len(hist) != 1 || hist[0].Source != "services:"+a.TrackingNo || hist[0].Actor != "区平台" ||
			!hist[0].At.Equal(monday) {
			t.Fatalf("the tag's change event should name the case, its approver and day: %+v %v", hist, err)
		}
		// Reloaded, the case knows its tag.
		if got, _ := f.svc.Application(ctx, access.Everything, a.ID); got.TagID != a.TagID {
			t.Errorf("stored tag id %d, want %d", got.TagID, a.TagID)
		}

		// Ending: only the approving level, with a reason, not before the
		// finishing day, on the version read.
		if _, err := f.svc.EndGrant(ctx, f.streetOp, LevelStreet, a.ID, a.Version, false, "", "收入超标"); !isState(err) {
			t.Errorf("the street ended a district's approval: %v", err)
		}
		if _, err := f.svc.EndGrant(ctx, f.staff, LevelDistrict, a.ID, a.Version, false, "", "收入超标"); !errors.Is(err, ErrNotAllowed) {
			t.Errorf("community staff ended it: %v", err)
		}
		_, err = f.svc.EndGrant(ctx, f.dist, LevelDistrict, a.ID, a.Version, false, "", " ")
		fieldErr(t, err, "reason")
		_, err = f.svc.EndGrant(ctx, f.dist, LevelDistrict, a.ID, a.Version, false, "2026-11-01", "收入超标")
		fieldErr(t, err, "ended_on")
		_, err = f.svc.EndGrant(ctx, f.dist, LevelDistrict, a.ID, a.Version, false, "2026/12/31", "收入超标")
		fieldErr(t, err, "ended_on")
		var ce *ConflictError
		if _, err := f.svc.EndGrant(ctx, f.dist, LevelDistrict, a.ID, a.Version-1, false, "", "收入超标"); !errors.As(err, &ce) {
			t.Errorf("a stale form: %v", err)
		}
		if tg := f.tagsOf(t, ctx, f.head, "dibao"); tg[0].EndedOn != "" {
			t.Fatalf("refused endings ended the tag: %+v", tg)
		}
		f.now = monday.Add(24 * time.Hour)
		ended, err := f.svc.EndGrant(ctx, f.dist, LevelDistrict, a.ID, a.Version, false, "2026-12-31", "家庭收入超过标准")
		if err != nil {
			t.Fatal(err)
		}
		if tg := f.tagsOf(t, ctx, f.head, "dibao"); len(tg) != 1 || tg[0].EndedOn != "2026-12-31" {
			t.Fatalf("after ending the benefit: %+v", tg)
		}
		if ended.Status != StatusApproved || ended.TagEndedOn != "2026-12-31" {
			t.Errorf("ended case: %s, tag ended %q", ended.Status, ended.TagEndedOn)
		}
		steps, _ := f.svc.Steps(ctx, *ended)
		if last := steps[len(steps)-1]; last.Action != ActEnd || last.Note != "家庭收入超过标准" {
			t.Errorf("last step %+v", last)
		}
		if p := ended.Progress[len(ended.Progress)-1]; p.Action != "待遇终止" {
			t.Errorf("public progress ends with %+v", p)
		}
		if _, err := f.svc.EndGrant(ctx, f.dist, LevelDistrict, a.ID, ended.Version, true, "", "再次"); !isState(err) {
			t.Errorf("ended twice: %v", err)
		}

		// Revoking ends the tag too, on the day of the revocation by default;
		// through Decide, as the case page sends it.
		b := f.approveAll(t, ctx, f.spouse.ID, "dibao", []string{"form", "income", "marriage"}, monday.Add(48*time.Hour))
		if b.TagID == 0 {
			t.Fatal("no tag for the spouse's approval")
		}
		f.now = monday.Add(72 * time.Hour)
		b, err = f.svc.Decide(ctx, f.dist, LevelDistrict, b.ID, b.Version, Decision{Action: "revoke", Reason: "材料不实"})
		if err != nil {
			t.Fatal(err)
		}
		if tg := f.tagsOf(t, ctx, f.spouse, "dibao"); len(tg) != 1 || tg[0].EndedOn != "2026-12-03" {
			t.Fatalf("after revoking: %+v", tg)
		}
		if hist, _ := f.reg.History(ctx, access.AllFields, "tag", b.TagID); len(hist) != 2 || hist[0].Source != "services:"+b.TrackingNo {
			t.Errorf("the ending's change event: %+v", hist)
		}
		if steps, _ := f.svc.Steps(ctx, *b); steps[len(steps)-1].Action != ActRevoke {
			t.Errorf("revocation not in the history: %+v", steps[len(steps)-1])
		}
	})
}

func TestItemsWithoutATagOrHeldTagsGrantNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		before, err := f.reg.TagsOf(ctx, access.Everything, f.spouse, "")
		if err != nil {
			t.Fatal(err)
		}
		// 居住证明 grants nothing.
		a := f.approveAll(t, ctx, f.spouse.ID, "juzhu", nil, friday)
		after, _ := f.reg.TagsOf(ctx, access.Everything, f.spouse, "")
		if a.Status != StatusApproved || a.TagID != 0 || len(after) != len(before) {
			t.Fatalf("居住证明 approved (%s) gave tag %d; tags %d → %d", a.Status, a.TagID, len(before), len(after))
		}
		if _, err := f.svc.EndGrant(ctx, f.staff, LevelCommunity, a.ID, a.Version, false, "", "无"); !isState(err) {
			t.Errorf("ending what an item without a tag granted: %v", err)
		}

		// An applicant who already holds the tag keeps that one: none is
		// added, and ending the case's benefit leaves it alone.
		held := register.Tag{PersonID: f.head.ID, Tag: "disabled", StartedOn: "2020-03-01", Note: "残联名册"}
		if err := f.reg.AddTag(ctx, register.Actor{Name: "残联", Source: "import:disabled"}, access.Everything, &held); err != nil {
			t.Fatal(err)
		}
		c := f.approveAll(t, ctx, f.head.ID, "canji", []string{"photo2", "assessment"}, friday.Add(time.Hour))
		if c.TagID != 0 {
			t.Fatalf("a second disabled tag was linked: %d", c.TagID)
		}
		if _, err := f.svc.EndGrant(ctx, f.dist, LevelDistrict, c.ID, c.Version, false, "", "复核"); err != nil {
			t.Fatal(err)
		}
		if tg := f.tagsOf(t, ctx, f.head, "disabled"); len(tg) != 1 || tg[0].ID != held.ID || tg[0].EndedOn != "" {
			t.Errorf("the tag held before the case: %+v", tg)
		}
	})
}

// The tag is written in the approval's transaction: when it cannot be
// written, the approval is not saved either.
func TestApprovalAndTagAreOneTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		a, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.head.ID, Item: "youdai", Received: []string{"photo1"}})
		if err != nil {
			t.Fatal(err)
		}
		if a, err = f.svc.Approve(ctx, f.staff, a.ID, a.Version, ""); err != nil {
			t.Fatal(err)
		}
		// A tag kind that does not exist (as if removed since the intake).
		if _, err := db.ExecContext(ctx, `UPDATE service_applications SET grants_tag = 'gone' WHERE id = $1`, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Approve(ctx, f.streetOp, a.ID, a.Version, ""); err == nil {
			t.Fatal("approved although its tag could not be given")
		}
		got, _ := f.svc.Application(ctx, access.Everything, a.ID)
		steps, _ := f.svc.Steps(ctx, got)
		if got.Status != StatusProcessing || got.Version != a.Version || len(steps) != 2 {
			t.Errorf("a failed grant left the case %s v%d with %d steps", got.Status, got.Version, len(steps))
		}
	})
}

func TestItemFormGrantsOnlyServiceTags(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		it, err := f.svc.Item(ctx, "linshi")
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"correction", "nope"} {
			it.GrantsTag = bad
			fieldErr(t, f.svc.SaveItem(ctx, access.System, &it), "grants_tag")
		}
		it.GrantsTag = "living_alone"
		if err := f.svc.SaveItem(ctx, access.System, &it); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.svc.Item(ctx, "linshi"); got.GrantsTag != "living_alone" {
			t.Errorf("saved %q", got.GrantsTag)
		}
		kinds, err := f.svc.GrantableTags(ctx)
		if err != nil || len(kinds) == 0 {
			t.Fatal(kinds, err)
		}
		for _, k := range kinds {
			if k.Category != "service" {
				t.Errorf("grantable %+v", k)
			}
		}
	})
}

func isState(err error) bool {
	var se *StateError
	return errors.As(err, &se)
}
