package partymembers

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/pdfdoc/pdftest"
	"shequ/internal/sheets"
)

// TestWishTransitions: a wish goes open → claimed → fulfilled → (rejected
// back to claimed) → fulfilled → confirmed; wrong steps are refused in
// Chinese saying what the state allows; a stale version is a conflict; a
// wish past its deadline is overdue; the confirmation records the
// member's service once; every step is on the timeline.
func TestWishTransitions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db) // 2026-01-05
		m := f.member(t, "区税务局", "2025-12-01")
		_, resident := f.household(t, "")
		if _, err := f.s.PostWish(ctx, f.staff, WishForm{IDNumber: resident.IDNumber, Title: "", DeadlineOn: "2025-01-01"}); fault.FieldsOf(err)["title"] == "" || fault.FieldsOf(err)["deadline_on"] == "" {
			t.Fatalf("no title, a deadline past: %v", err)
		}
		w, err := f.s.PostWish(ctx, f.staff, WishForm{IDNumber: resident.IDNumber, Title: "修理轮椅", DeadlineOn: "2026-01-20"})
		if err != nil {
			t.Fatal(err)
		}
		if w.Status != WishOpen || w.Overdue {
			t.Fatalf("posted: %+v", w)
		}
		_, err = f.s.Step(ctx, f.staff, w.ID, Move{Action: "fulfil", Version: w.Version, Hours: "1", Note: "修好"})
		if !fault.Is(err, fault.Illegal) || !strings.Contains(fault.Message(err), "只能认领或撤销") {
			t.Fatalf("fulfil an open wish: %v", err)
		}
		if _, err := f.s.Step(ctx, f.staff, w.ID, Move{Action: "claim", Version: w.Version + 1, MemberID: m.ID}); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a stale version: %v", err)
		}
		w, err = f.s.Step(ctx, f.staff, w.ID, Move{Action: "claim", Version: w.Version, MemberID: m.ID})
		if err != nil || w.Status != WishClaimed || w.Member != m.Name {
			t.Fatalf("claimed: %+v %v", w, err)
		}
		f.setDay(2026, 1, 21)
		if w, _ = f.s.Wish(ctx, f.staff.Scope, w.ID); !w.Overdue {
			t.Fatalf("past its deadline: %+v", w)
		}
		if over, _ := f.s.Wishes(ctx, f.cb.ID, "overdue"); len(over) != 1 {
			t.Fatalf("overdue list: %+v", over)
		}
		if _, err := f.s.Step(ctx, f.staff, w.ID, Move{Action: "fulfil", Version: w.Version, Hours: "25", Note: ""}); fault.FieldsOf(err)["hours"] == "" || fault.FieldsOf(err)["note"] == "" {
			t.Fatalf("25 hours, no note: %v", err)
		}
		w, err = f.s.Step(ctx, f.staff, w.ID, Move{Action: "fulfil", Version: w.Version, Hours: "1.5", Note: "更换了轮胎"})
		if err != nil || w.Status != WishFulfilled || w.Minutes != 90 || !w.Late || w.Overdue {
			t.Fatalf("fulfilled: %+v %v", w, err)
		}
		w, err = f.s.Step(ctx, f.staff, w.ID, Move{Action: "reject", Version: w.Version, Note: "刹车仍不灵"})
		if err != nil || w.Status != WishClaimed || w.Minutes != 0 {
			t.Fatalf("rejected: %+v %v", w, err)
		}
		w, _ = f.s.Step(ctx, f.staff, w.ID, Move{Action: "fulfil", Version: w.Version, Hours: "2", Note: "修好刹车"})
		w, err = f.s.Step(ctx, f.staff, w.ID, Move{Action: "confirm", Version: w.Version})
		if err != nil || w.Status != WishConfirmed {
			t.Fatalf("confirmed: %+v %v", w, err)
		}
		_, err = f.s.Step(ctx, f.staff, w.ID, Move{Action: "cancel", Version: w.Version, Note: "x"})
		if !fault.Is(err, fault.Illegal) || !strings.Contains(fault.Message(err), "已办结") {
			t.Fatalf("cancel a confirmed wish: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM party_service WHERE source = $1 AND minutes = 120`, "wish:"+itoa(w.ID)); n != 1 {
			t.Fatalf("%d service records of the wish, want 1 of 2 hours", n)
		}
		steps, _ := f.s.Timeline(ctx, w)
		var actions []string
		for _, s := range steps {
			actions = append(actions, s.Action)
		}
		if strings.Join(actions, ",") != "post,claim,fulfil,reject,fulfil,confirm" {
			t.Fatalf("timeline: %v", actions)
		}
	})
}

// TestServiceAndCards: posts claimed, service recorded on them (a form
// sent twice counted once, more than 24 hours a day refused), a pairing
// whose visit is a visit of 百家熟 and the member's service; the quarter's
// figures by employer, the card as PDF and xlsx read back.
func TestServiceAndCards(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.setDay(2026, 7, 1)
		a := f.member(t, "区税务局", "2026-01-10")
		b := f.member(t, "区税务局", "2025-06-01") // overdue since 2025-12-01
		c := f.member(t, "城北小学", "2026-02-01")
		post, err := f.s.SavePost(ctx, f.staff, PostForm{Community: f.cb.ID, Name: "文明劝导", Slots: "1"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.SavePost(ctx, f.staff, PostForm{Community: f.cb.ID, Name: "文明劝导"}); fault.FieldsOf(err)["name"] == "" {
			t.Fatalf("a second post of the name: %v", err)
		}
		if _, err := f.s.ClaimPost(ctx, f.staff, a.ID, post.ID, "2026-04-01"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ClaimPost(ctx, f.staff, c.ID, post.ID, ""); fault.FieldsOf(err)["post"] == "" {
			t.Fatalf("a full post: %v", err)
		}
		form := ServiceForm{Key: "k1", PostID: post.ID, ServedOn: "2026-05-04", Hours: "2.5", Content: "路口文明劝导"}
		for range 2 {
			if _, err := f.s.RecordService(ctx, f.staff, a.ID, form); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.s.RecordService(ctx, f.staff, c.ID, ServiceForm{PostID: post.ID, ServedOn: "2026-05-04", Hours: "1",
			Content: "x"}); fault.FieldsOf(err)["post"] == "" {
			t.Fatalf("service on a post not claimed: %v", err)
		}
		if _, err := f.s.RecordService(ctx, f.staff, a.ID, ServiceForm{Key: "k2", ServedOn: "2026-05-04", Hours: "22",
			Content: "值守"}); fault.FieldsOf(err)["hours"] == "" {
			t.Fatalf("over 24 hours a day: %v", err)
		}
		if _, err := f.s.RecordService(ctx, f.staff, c.ID, ServiceForm{ServedOn: "2026-06-01", Hours: "3", Content: "政策宣讲",
			ByMember: true}); err != nil {
			t.Fatal(err)
		}
		hh, _ := f.household(t, "")
		pr, err := f.s.Pair(ctx, f.staff, b.ID, hh.Number, "2026-03-01", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Pair(ctx, f.staff, b.ID, hh.Number, "", ""); fault.FieldsOf(err)["household"] == "" {
			t.Fatalf("a second live pairing: %v", err)
		}
		pv := PairVisit{Key: "pv1", VisitedOn: "2026-06-10", Met: "户主", Findings: "独居,需助餐", Hours: "1"}
		v, err := f.s.RecordPairingVisit(ctx, f.staff, b.ID, pr.ID, pv)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.RecordPairingVisit(ctx, f.staff, b.ID, pr.ID, pv); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM visits WHERE household_id = $1`, hh.ID); n != 1 {
			t.Fatalf("%d visits of the household, want 1", n)
		}
		if got, _ := f.vs.VisitsOf(ctx, f.cb.ID, hh.ID, 5); len(got) != 1 || got[0].ID != v.ID || got[0].Outcome != "met" {
			t.Fatalf("the household's visits: %+v", got)
		}
		sum, err := f.s.Figures(ctx, nil, "2026-04-01", "2026-06-30")
		if err != nil {
			t.Fatal(err)
		}
		tax, _ := sum.Employer("区税务局")
		school, _ := sum.Employer("城北小学")
		if sum.Members != 3 || sum.Overdue != 1 || sum.Minutes != 150+180+60 || sum.PairVisits != 1 || sum.Pairings != 1 {
			t.Fatalf("the quarter: %+v", sum)
		}
		if tax.Members != 2 || tax.Overdue != 1 || tax.Minutes != 210 || tax.Posts != 1 || tax.Hours != 3.5 ||
			school.Minutes != 180 {
			t.Fatalf("by employer: %+v / %+v", tax, school)
		}
		card, err := f.s.Card(ctx, f.cb.ID, "区税务局", "2026Q2")
		if err != nil {
			t.Fatal(err)
		}
		text := pdftest.Text(t, mustPDF(t, card))
		for _, want := range []string{"在职党员到社区报到服务季度反馈卡", "区税务局", "2026年第2季度", "逾期未报到", "文明劝导",
			"3.5", "城北社区"} {
			if !strings.Contains(text, want) {
				t.Errorf("the card's PDF lacks %q:\n%s", want, text)
			}
		}
		if !strings.Contains(text, a.Name) || !strings.Contains(text, b.Name) || strings.Contains(text, c.Name) {
			t.Errorf("the card lists the employer's members only:\n%s", text)
		}
		if err := f.s.Grade(ctx, f.staff, a.ID, "2026", "excellent", "服务积极", 0); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Grade(ctx, f.staff, a.ID, "2026", "competent", "", 0); !fault.Is(err, fault.Conflict) {
			t.Fatalf("a second first grade: %v", err)
		}
		if err := f.s.Grade(ctx, f.staff, b.ID, "2026", "basic", "", 0); fault.FieldsOf(err)["comment"] == "" {
			t.Fatalf("基本称职 without a comment: %v", err)
		}
		year, err := f.s.Card(ctx, f.cb.ID, "区税务局", "2026")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := year.XLSX(&buf); err != nil {
			t.Fatal(err)
		}
		book, err := sheets.Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "card.xlsx", sheets.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := book.Rows(0)
		if err != nil {
			t.Fatal(err)
		}
		var got [][]string
		for rows.Next() {
			var cells []string
			for i := range rows.Row().Cells {
				cells = append(cells, rows.Row().Text(i))
			}
			got = append(got, cells)
		}
		rows.Close()
		if book.Sheets[0].Name != "年度评价" || len(got) != 4 || got[0][10] != "评价等次" {
			t.Fatalf("the yearly workbook: %v %v", book.Sheets, got)
		}
		byName := map[string][]string{}
		for _, r := range got[1:] {
			byName[r[0]] = r
		}
		if r := byName[a.Name]; r[4] != "文明劝导" || r[9] != "2.5" || r[10] != "优秀" || r[11] != "服务积极" {
			t.Errorf("a's row: %v", r)
		}
		if r := byName[b.Name]; r[3] != "逾期未报到" || r[6] != "1" || r[10] != "未评价" {
			t.Errorf("b's row: %v", r)
		}
		if r := got[3]; r[0] != "合计 2 人" || r[9] != "3.5" {
			t.Errorf("the totals: %v", r)
		}
	})
}

func mustPDF(t *testing.T, c Card) []byte {
	t.Helper()
	b, err := c.PDF()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
