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
	d, err := s.ReceiptPDF(a, hall)
	if err != nil {
		return err
	}
	return d.Write(w)
}

// qrSide is the side of the receipt's QR code in mm, and qrGap the space
// kept between it and the text beside it.
const qrSide, qrGap = 36.0, 4.0

// ReceiptPDF lays out the receipt or notice of WriteReceipt.
func (s *Service) ReceiptPDF(a Application, hall string) (*pdfdoc.Doc, error) {
	title := "受理回执"
	if a.Status == StatusIncomplete || a.Status == StatusReturned {
		title = "补齐补正材料一次性告知书"
	}
	d, err := pdfdoc.New(pdfdoc.Options{Size: pdfdoc.A4, Title: title + " " + a.TrackingNo, Header: hall,
		Footer: "受理编号 " + a.TrackingNo, PageNumbers: true})
	if err != nil {
		return nil, err
	}
	d.AddPage()
	d.Heading(title)
	top := d.PDF().GetY()
	pw, _ := d.PageSize()
	if err := d.QR(s.TrackURL(a.TrackingNo), pw-d.Margin()-qrSide, top, qrSide); err != nil {
		return nil, err
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
	// The fields wrap before the QR code beside them.
	d.PDF().SetRightMargin(d.Margin() + qrSide + qrGap)
	d.Fields(fields)
	d.PDF().SetRightMargin(d.Margin())
	if y := top + qrSide + qrGap; d.PDF().GetY() < y {
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
	return d, nil
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
	d, err := s.CertificatePDF(c)
	if err != nil {
		return err
	}
	return d.Write(w)
}

// CertificatePDF lays out the certificate of WriteCertificate.
func (s *Service) CertificatePDF(c Certificate) (*pdfdoc.Doc, error) {
	d, err := pdfdoc.New(pdfdoc.Options{Size: pdfdoc.A4, Title: c.Title + " " + c.Number})
	if err != nil {
		return nil, err
	}
	d.AddPage()
	d.Title(c.Number, 10, 6, "R")
	d.Gap(8)
	d.Title(c.Title, 22, 14, "C")
	d.Gap(8)
	d.SetFont(13)
	// Each paragraph's first line is indented by two characters.
	indent := 2 * 13 * 25.4 / 72
	for _, para := range strings.Split(c.Body, "\n") {
		d.Paragraph(para, 9, indent)
		d.Gap(1)
	}
	d.Gap(18)
	d.Title(c.Organ+"(盖章)", 13, 8, "R")
	d.Title(chineseDate(c.IssuedOn()), 13, 8, "R")
	if c.Status == CertRevoked {
		d.PDF().SetTextColor(200, 0, 0)
		d.Title("已作废", 28, 16, "C")
		d.PDF().SetTextColor(0, 0, 0)
	}
	// The verification block sits at the foot of the page, below the
	// text: a body too long for the page above it moves it to the next.
	_, ph := d.PageSize()
	y := ph - d.Margin() - 38
	if d.PDF().GetY() > y-2 {
		d.AddPage()
	}
	if err := d.QR(s.VerifyURL(c.VerifyCode), d.Margin(), y, 34); err != nil {
		return nil, err
	}
	d.SetFont(10)
	x := d.Margin() + 38
	d.Cell(x, y+6, 0, 6, "验证码:"+FormatVerifyCode(c.VerifyCode), "L")
	d.TextAt(x, y+12, d.Width()-38, 5.5, "扫描二维码,或在居民服务页面“证明核验”输入验证码,可核验本证明是否由出具单位开具、是否仍然有效。")
	return d, nil
}
