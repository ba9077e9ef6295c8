package services

import (
	"fmt"
	"io"
	"net/url"
	"strings"

	"shequ/internal/database"
	"shequ/internal/pdfdoc"
)

// TrackURL is the public progress page of a tracking number.
func (s *Service) TrackURL(no string) string {
	return s.publicURL + "/portal/track?no=" + url.QueryEscape(no)
}

// VerifyURL is the public verify page of a certificate's code.
func (s *Service) VerifyURL(code string) string {
	return s.publicURL + "/portal/verify?code=" + url.QueryEscape(FormatVerifyCode(code))
}

// PortalURL is the resident portal of a community.
func (s *Service) PortalURL(community int64) string {
	return fmt.Sprintf("%s/portal?c=%d", s.publicURL, community)
}

// WriteReceipt writes the receipt (受理回执) of an application as a PDF: a
// one-time complete notice (一次性告知书) while materials are missing. hall
// names the hall that took it in, for the header.
func (s *Service) WriteReceipt(w io.Writer, a Application, hall string) error {
	title := "受理回执"
	if a.Status == StatusIncomplete || a.Status == StatusReturned {
		title = "补齐补正材料一次性告知书"
	}
	d, err := pdfdoc.New(pdfdoc.Options{Size: pdfdoc.A4, Title: title + " " + a.TrackingNo, Header: hall,
		Footer: "受理编号 " + a.TrackingNo, PageNumbers: true})
	if err != nil {
		return err
	}
	d.AddPage()
	d.Heading(title)
	top := d.PDF().GetY()
	if err := d.QR(s.TrackURL(a.TrackingNo), 210-d.Margin()-36, top, 36); err != nil {
		return err
	}
	fields := [][2]string{
		{"受理编号", a.TrackingNo},
		{"申请人", a.Applicant},
		{"服务事项", a.ItemName},
		{"收件时间", dateOf(database.ParseTime(a.CreatedAt))},
		{"办理流程", chainText(a.Chain)},
	}
	if a.AcceptedOn != "" {
		fields = append(fields, [2]string{"受理日期", a.AcceptedOn}, [2]string{"法定办结时限", fmt.Sprintf("%d个工作日,%s前", a.TimeLimit, a.DueOn)})
	}
	if a.Proxy {
		fields = append(fields, [2]string{"代办", "由" + a.Agent + "全程代办,无需往返街道、区县"})
	}
	d.PDF().SetRightMargin(d.Margin() + 40)
	d.Fields(fields)
	d.PDF().SetRightMargin(d.Margin())
	if y := top + 40; d.PDF().GetY() < y {
		d.PDF().SetY(y)
	}
	d.Gap(3)
	if missing := a.Missing(); len(missing) > 0 {
		d.Text(fmt.Sprintf("您的申请尚缺以下 %d 项材料。根据一次性告知制度,以下为需补齐的全部材料,补齐后即予受理(已收材料无需重复提交):", len(missing)))
		var rows [][]string
		for i, m := range missing {
			rows = append(rows, []string{fmt.Sprint(i + 1), m.Name, m.Note})
		}
		d.Table([]pdfdoc.Column{{Title: "序号", Width: 14, Align: "R"}, {Title: "需补齐的材料"}, {Title: "说明", Width: 50}}, rows)
		d.Gap(3)
	}
	d.Text("材料清单:")
	var rows [][]string
	for _, m := range a.Materials {
		rows = append(rows, []string{m.Name, materialStatus(m)})
	}
	d.Table([]pdfdoc.Column{{Title: "材料"}, {Title: "状态", Width: 60}}, rows)
	d.Gap(4)
	d.Text("查询进度:扫描右上角二维码,或在居民服务页面输入受理编号和手机号后四位。每个环节办理后将短信通知您。本回执请妥善保管,领取结果时出示。")
	return d.Write(w)
}

func materialStatus(m CheckedMaterial) string {
	switch m.Status {
	case MaterialReceived:
		return "已收"
	case MaterialRegister:
		return "从基础信息库调取,免交复印件"
	case MaterialOptional:
		return "非必需"
	}
	return "缺,需补齐"
}

func chainText(chain []Stage) string {
	var parts []string
	for _, st := range chain {
		parts = append(parts, fmt.Sprintf("%s(%d个工作日)", st.Name, st.Days))
	}
	return strings.Join(parts, " → ")
}

// WriteCertificate writes a certificate as a PDF with its number, body,
// issuing organ, date, verification code and a QR to the verify page.
func (s *Service) WriteCertificate(w io.Writer, c Certificate) error {
	d, err := pdfdoc.New(pdfdoc.Options{Size: pdfdoc.A4, Title: c.Title + " " + c.Number})
	if err != nil {
		return err
	}
	p := d.PDF()
	d.AddPage()
	d.SetFont(10)
	p.CellFormat(0, 6, c.Number, "", 1, "R", false, 0, "")
	d.Gap(8)
	d.SetFont(22)
	p.CellFormat(0, 14, c.Title, "", 1, "C", false, 0, "")
	d.Gap(8)
	d.SetFont(13)
	for _, para := range strings.Split(c.Body, "\n") {
		p.MultiCell(0, 9, "    "+para, "", "L", false)
		d.Gap(1)
	}
	d.Gap(18)
	p.CellFormat(0, 8, c.Organ+"(盖章)", "", 1, "R", false, 0, "")
	p.CellFormat(0, 8, chineseDate(c.IssuedOn()), "", 1, "R", false, 0, "")
	if c.Status == CertRevoked {
		d.SetFont(28)
		p.SetTextColor(200, 0, 0)
		p.CellFormat(0, 16, "已作废", "", 1, "C", false, 0, "")
		p.SetTextColor(0, 0, 0)
	}
	// The verification block sits at the foot of the page.
	y := 297 - d.Margin() - 38
	if err := d.QR(s.VerifyURL(c.VerifyCode), d.Margin(), y, 34); err != nil {
		return err
	}
	d.SetFont(10)
	p.SetXY(d.Margin()+38, y+6)
	p.CellFormat(0, 6, "验证码:"+FormatVerifyCode(c.VerifyCode), "", 2, "L", false, 0, "")
	p.SetX(d.Margin() + 38)
	p.MultiCell(0, 5.5, "扫描二维码,或在居民服务页面“证明核验”输入验证码,可核验本证明是否由出具单位开具、是否仍然有效。", "", "L", false)
	return d.Write(w)
}
