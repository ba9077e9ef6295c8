package services

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/pdfdoc"
	"shequ/internal/pdfdoc/pdftest"
	"shequ/internal/register"
)

// checkDoc finishes a document and checks it the way a reader meets it:
// pdftoppm renders it, pdftotext reads back exactly the text laid out, and
// nothing on any page covers anything else. It returns the text read.
func checkDoc(t *testing.T, d *pdfdoc.Doc) string {
	t.Helper()
	pdf, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	pdftest.Render(t, pdf, 1, 40)
	text := pdftest.SameText(t, pdf, d.Laid())
	w, h := d.PageSize()
	pdftest.Layout(t, d.Boxes(), w, h)
	return squeeze(text)
}

func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// Every kind of document reads back as laid out, with nothing lost at the
// line breaks and nothing overlapping: the one-time notice, the receipt,
// each certificate, index cards one to a page and four to a sheet.
func TestDocumentsReadBackAsLaidOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		actor := register.Actor{Name: "测试", Source: "test"}
		birth := func(y int) time.Time { return time.Date(y, 6, 1, 0, 0, 0, 0, time.UTC) }
		son := register.Person{HouseholdID: f.household.ID, Name: "李明", IDNumber: ident.MakeResidentID("610602", birth(1995), 151),
			Residence: register.ResidenceRegistered, Relation: "20", Ethnicity: "01"}
		daughter := register.Person{HouseholdID: f.household.ID, Name: "李娜", IDNumber: ident.MakeResidentID("610602", birth(1998), 262),
			Residence: register.ResidenceRegistered, Relation: "30", Ethnicity: "01"}
		for _, p := range []*register.Person{&son, &daughter} {
			if err := f.reg.CreatePerson(ctx, actor, access.Everything, p); err != nil {
				t.Fatal(err)
			}
		}

		notice, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.head.ID, Item: "dibao", Received: []string{"form", "marriage"}, Proxy: true})
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.svc.ReceiptPDF(*notice, "城北社区便民服务站")
		if err != nil {
			t.Fatal(err)
		}
		text := checkDoc(t, d)
		// Whole paragraphs as written, whichever characters fall at a break.
		for _, want := range []string{"补齐补正材料一次性告知书", chainText(notice.Chain),
			"根据一次性告知制度,以下为需补齐的全部材料,补齐后即予受理(已收材料无需重复提交):",
			"查询进度:扫描右上角二维码,或在居民服务页面输入受理编号和手机号后四位。每个环节办理后将短信通知您。本回执请妥善保管,领取结果时出示。"} {
			if !strings.Contains(text, squeeze(want)) {
				t.Errorf("notice lacks %q", want)
			}
		}

		receipt, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.spouse.ID, Item: "juzhu"})
		if err != nil {
			t.Fatal(err)
		}
		if d, err = f.svc.ReceiptPDF(*receipt, "城北社区便民服务站"); err != nil {
			t.Fatal(err)
		}
		if text := checkDoc(t, d); !strings.Contains(text, "受理回执") || !strings.Contains(text, squeeze(chainText(receipt.Chain))) {
			t.Errorf("receipt: %s", text)
		}

		for _, c := range []struct {
			req  IssueRequest
			want string
		}{
			{IssueRequest{Template: "residence", PersonID: f.head.ID}, "居住证明"},
			{IssueRequest{Template: "family_planning", PersonID: f.spouse.ID}, "计划生育情况证明"},
			{IssueRequest{Template: "kinship", PersonID: f.spouse.ID, RelativeID: f.head.ID}, "王秀兰(公民身份号码:" + f.spouse.IDNumber + ")与李建国(公民身份号码:" + f.head.IDNumber + ")系夫妻关系"},
			{IssueRequest{Template: "kinship", PersonID: daughter.ID, RelativeID: f.head.ID}, "系父女关系"},
			{IssueRequest{Template: "kinship", PersonID: daughter.ID, RelativeID: f.spouse.ID}, "系母女关系"},
			{IssueRequest{Template: "kinship", PersonID: son.ID, RelativeID: daughter.ID}, "李明(公民身份号码:" + son.IDNumber + ")与李娜(公民身份号码:" + daughter.IDNumber + ")系兄妹关系"},
		} {
			c.req.Purpose = "办理户籍业务及相关社会保障待遇的申领手续"
			cert, err := f.svc.Issue(ctx, f.staff, c.req)
			if err != nil {
				t.Fatalf("%s: %v", c.want, err)
			}
			if d, err = f.svc.CertificatePDF(*cert); err != nil {
				t.Fatal(err)
			}
			text := checkDoc(t, d)
			for _, want := range append(strings.Split(cert.Body, "\n"), c.want) {
				if !strings.Contains(text, squeeze(want)) {
					t.Errorf("%s: certificate lacks %q", cert.Title, want)
				}
			}
			if c.req.Template == "kinship" && c.req.RelativeID == f.head.ID {
				cert.Status = CertRevoked
				if d, err = f.svc.CertificatePDF(*cert); err != nil {
					t.Fatal(err)
				}
				if text := checkDoc(t, d); !strings.Contains(text, "已作废") {
					t.Error("revoked certificate does not say so")
				}
			}
		}

		cards, err := f.svc.Cards(ctx, f.staff.Scope(access.RegisterRead), f.cb.ID)
		if err != nil || len(cards) != 1 {
			t.Fatalf("cards %v %v", cards, err)
		}
		long := cards[0]
		long.Address = "陕西省西安市新城区城北街道城北社区城北路12号院3号楼2单元11层1102室(原城北路8号院)"
		long.Worker = "欧阳建国"
		for _, layout := range []string{CardsA6, CardsA4Sheet} {
			if d, err = f.svc.CardsPDF([]Card{cards[0], long, cards[0], long, long}, layout); err != nil {
				t.Fatal(err)
			}
			if text := checkDoc(t, d); !strings.Contains(text, squeeze(long.Address)) {
				t.Errorf("%s: the long address is cut: %s", layout, text)
			}
		}
		if d, err = f.svc.CardsPDF(nil, CardsA6); err != nil {
			t.Fatal(err)
		}
		checkDoc(t, d)
	})
}
