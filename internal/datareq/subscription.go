package datareq

import (
	"context"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/fault"
	"shequ/internal/indicators"
	"shequ/internal/sheets"
	"shequ/internal/workaccess"
)

// Layout is the subscription's sheet as the department asked for it: its
// title and column headings. An empty field is the default wording.
type Layout struct {
	SheetTitle string
	Code       string // the heading of the department's item codes
	Item       string // of its items' wording
	Value      string // of the figures
	Note       string // of where each figure comes from
}

// Default headings, used where the department gave none.
const (
	DefaultHeadCode  = "编码"
	DefaultHeadItem  = "数据项"
	DefaultHeadValue = "数值"
	DefaultHeadNote  = "说明"
)

// maxHeading bounds a heading or title: a cell a person reads at a glance.
const maxHeading = 40

// layout reads the form's layout fields; fe gets a message at a bad one.
func (d Draft) layout(fe fault.Fields) Layout {
	l := Layout{SheetTitle: strings.TrimSpace(d.SheetTitle), Code: strings.TrimSpace(d.HeadCode), Item: strings.TrimSpace(d.HeadItem),
		Value: strings.TrimSpace(d.HeadValue), Note: strings.TrimSpace(d.HeadNote)}
	for field, v := range map[string]string{"sheet_title": l.SheetTitle, "head_code": l.Code, "head_item": l.Item,
		"head_value": l.Value, "head_note": l.Note} {
		if utf8.RuneCountInString(v) > maxHeading {
			fe.Add(field, "最多 40 个字")
		}
	}
	return l
}

// SheetTitle is the sheet's title: the department's, or the request's name.
func (r *Request) SheetTitle() string {
	if r.Layout.SheetTitle != "" {
		return r.Layout.SheetTitle
	}
	return r.Title
}

// Headings are the sheet's column headings: the code column only when the
// department gave its items codes.
func (r *Request) Headings() []string {
	or := func(s, def string) string {
		if s == "" {
			return def
		}
		return s
	}
	var out []string
	if r.HasCodes() {
		out = append(out, or(r.Layout.Code, DefaultHeadCode))
	}
	return append(out, or(r.Layout.Item, DefaultHeadItem), or(r.Layout.Value, DefaultHeadValue), or(r.Layout.Note, DefaultHeadNote))
}

// HasCodes reports whether the department gave any item its own code.
func (r *Request) HasCodes() bool {
	for _, it := range r.Items {
		if it.Code != "" {
			return true
		}
	}
	return false
}

// ReviewName says a typed item's 准入 state in the words of the request
// page: 待审查, 已准入, 准入(有修改), 不予准入.
func ReviewName(status string) string {
	switch status {
	case workaccess.Pending:
		return "待审查"
	case workaccess.AdmittedAsAsked:
		return "已准入"
	case workaccess.AdmittedChanged:
		return "准入(有修改)"
	case workaccess.Refused:
		return "不予准入"
	}
	return "未送审"
}

// Note is where an item's figure comes from, as the subscription says it:
// computed by shequ, or typed by communities in its 准入 state.
func (it Item) Note() string {
	if it.Computed {
		return "系统计算"
	}
	n := "社区填报," + ReviewName(it.Review)
	if it.Review == workaccess.Refused && it.Reasons != "" {
		n += ":" + it.Reasons
	}
	return n
}

// Periods are the periods the subscription has been received for, the
// newest first: from the request's first period to the last one complete
// at now. A request whose first period is not complete yet has none.
func (r *Request) Periods(now time.Time) []indicators.Period {
	first, err := indicators.ParsePeriod(r.Period)
	if err != nil {
		return nil
	}
	var out []indicators.Period
	for p := indicators.Current(first.Freq, now).Previous(); p.String() >= first.String(); p = p.Previous() {
		out = append(out, p)
	}
	return out
}

// Periods are the request's periods at the service's clock.
func (s *Service) Periods(r *Request) []indicators.Period { return r.Periods(s.now()) }

// Download writes the subscription of one period, xlsx or csv, in the
// department's layout: its title and the period, its headings, then every
// item in its order and wording, with its code if it gave one — a computed
// item with its figure, a typed one with its 准入 state instead. It returns
// the number of figures. departments are those the reader acts for (nil:
// any): a department reads only its own requests. The caller audits the
// download.
func (s *Service) Download(ctx context.Context, departments []string, id int64, period, format string, w io.Writer) (int, error) {
	r, err := s.Own(ctx, departments, id)
	if err != nil {
		return 0, err
	}
	if format != "csv" && format != "xlsx" {
		return 0, fault.Fields{"format": "格式应为 xlsx 或 csv"}.Err()
	}
	p, err := indicators.ParsePeriod(period)
	periods := s.Periods(r)
	switch {
	case err != nil || p.Freq != r.Frequency:
		return 0, fault.Fields{"period": "报告期应与数据需求的频次一致,如 " + r.Period}.Err()
	case len(periods) == 0:
		return 0, fault.Fields{"period": "首个报告期 " + r.Period + " 尚未结束,还没有数据"}.Err()
	case p.String() < r.Period || p.String() > periods[0].String():
		return 0, fault.Fields{"period": "报告期应在 " + r.Period + " 至 " + periods[0].String() + " 之间"}.Err()
	}
	figures, err := s.Figures(ctx, r, p)
	if err != nil {
		return 0, err
	}
	values := make(map[int]string, len(figures))
	for _, f := range figures {
		values[f.Seq] = f.Text
	}
	sw, err := sheets.NewWriter(w, format, r.SheetTitle())
	if err != nil {
		return 0, err
	}
	rows := [][]string{{r.SheetTitle()}, {"报告期", p.String()}, r.Headings()}
	codes := r.HasCodes()
	for i, it := range r.Items {
		row := []string{it.Text, values[i], it.Note()}
		if codes {
			row = append([]string{it.Code}, row...)
		}
		rows = append(rows, row)
	}
	for _, row := range rows {
		if err := sw.WriteRow(row); err != nil {
			return 0, err
		}
	}
	if err := sw.Close(); err != nil {
		return 0, err
	}
	return len(figures), nil
}
