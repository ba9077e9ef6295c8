package certificates

import (
	"fmt"

	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/pdfdoc"
	"shequ/internal/verifycode"
)

// PDF lays out an issued (or revoked) certificate on A4 after the
// template of 民发〔2015〕149号: number, the volunteer (name, masked ID
// number, volunteer number), the period, the hours and the service by team
// and content, the notice it passed, the issuer with its seal, the handler
// and the date; at the foot the verification code and a QR of the public
// verify page.
func (s *Service) PDF(d Detail) (*pdfdoc.Doc, error) {
	c := d.Certificate
	if c.Status != StatusIssued && c.Status != StatusRevoked {
		return nil, fault.New(fault.Illegal, "证明出具后才能打印")
	}
	doc, err := pdfdoc.New(pdfdoc.Options{Size: pdfdoc.A4, Title: "志愿服务记录证明 " + c.Number})
	if err != nil {
		return nil, err
	}
	doc.AddPage()
	doc.Title(c.Number, 10, 6, "R")
	doc.Gap(6)
	doc.Title("志愿服务记录证明", 22, 14, "C")
	doc.Gap(6)
	doc.SetFont(12)
	indent := 2 * 12 * 25.4 / 72 // two characters
	who := "志愿者编号:" + c.VolunteerNumber
	if c.IDMasked != "" {
		docName := "公民身份号码"
		if t, err := ident.ParseDocType(c.DocType); err == nil && t != ident.DocResidentID {
			docName = t.Label() + "号码"
		}
		who = docName + ":" + c.IDMasked + "," + who
	}
	doc.Paragraph(fmt.Sprintf("兹证明%s(%s)于%s至%s期间参加志愿服务,经核实,累计志愿服务时长%s小时(共%d次服务记录)。服务内容如下:",
		c.Holder, who, chineseDate(c.From), chineseDate(c.To), c.Hours(), c.Records), 8, indent)
	doc.Gap(3)
	var rows [][]string
	for _, g := range d.Summary {
		team := g.Team
		if team == "" {
			team = "—"
		}
		rows = append(rows, []string{team, g.Content, fmt.Sprint(g.Times), Hours(g.Minutes)})
	}
	rows = append(rows, []string{"合计", "", fmt.Sprint(c.Records), c.Hours()})
	doc.Table([]pdfdoc.Column{{Title: "服务队", Width: 40}, {Title: "服务内容"}, {Title: "次数", Width: 18, Align: "R"},
		{Title: "时长(小时)", Width: 28, Align: "R"}}, rows)
	doc.Gap(3)
	doc.SetFont(12)
	doc.Paragraph(fmt.Sprintf("以上志愿服务记录已于%s至%s在社区公示,公示期满无异议或异议不成立。", chineseDate(c.PublishedOn),
		chineseDate(c.NoticeUntil)), 8, indent)
	doc.Paragraph("特此证明。", 8, indent)
	doc.Gap(12)
	doc.Title("经办人:"+c.Handler, 12, 8, "R")
	doc.Title(c.Organ+"(盖章)", 13, 8, "R")
	doc.Title(chineseDate(c.IssuedOn), 13, 8, "R")
	if c.Status == StatusRevoked {
		doc.PDF().SetTextColor(200, 0, 0)
		doc.Title("已作废", 28, 16, "C")
		doc.PDF().SetTextColor(0, 0, 0)
	}
	// The verification block sits at the foot of the page; a long table
	// moves it to the next.
	_, ph := doc.PageSize()
	y := ph - doc.Margin() - 38
	if doc.PDF().GetY() > y-2 {
		doc.AddPage()
	}
	if err := doc.QR(s.VerifyURL(c.VerifyCode), doc.Margin(), y, 34); err != nil {
		return nil, err
	}
	doc.SetFont(10)
	x := doc.Margin() + 38
	doc.Cell(x, y+6, 0, 6, "验证码:"+verifycode.Format(c.VerifyCode), "L")
	doc.TextAt(x, y+12, doc.Width()-38, 5.5, "扫描二维码,或打开志愿服务记录证明核验页面输入验证码,可核验本证明是否由出具单位开具、是否仍然有效。")
	return doc, nil
}
