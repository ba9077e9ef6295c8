package fundsweb

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shequ/internal/fault"
	"shequ/internal/funds"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

// form is a posted form as typed, kept to show it again with its errors.
type form map[string]string

type pageData struct {
	funds.Page
	Unit   orgtree.Unit
	Manage bool
	Today  string
	Form   form   // the form posted, when refused
	Which  string // which form: allocate, receipt, transfer, budget, reverse
	Entry  int64  // the entry a refused reversal names
	Errors map[string]string
}

func (h *handler) page(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderPage(w, r, rq, http.StatusOK, pathID(r, "fund"), pageData{})
}

func (h *handler) renderPage(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, fund int64, d pageData) {
	ctx := r.Context()
	var err error
	if d.Page, err = h.Funds.Page(ctx, staff(rq, funds.PermRead), fund); err == nil {
		d.Unit, err = h.kit.Org.Get(ctx, d.Fund.CommunityID)
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.Today = h.Funds.Now().Format("2006-01-02")
	d.Manage = staff(rq, funds.PermManage).May(d.Fund.CommunityID)
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	if d.Form == nil {
		d.Form = form{}
	}
	h.tmpl.Render(w, r, status, "fund", web.NewPage(rq, d.Fund.Name+" · "+d.Unit.Name, "funds", d))
}

// done answers a write: the page again with the errors at their fields
// when refused, the fund's page with a flash when saved.
func (h *handler) done(w http.ResponseWriter, r *http.Request, rq *web.Request, fund int64, which string, entry int64, err error, flash string) {
	if fe := fault.FieldsOf(err); fe != nil {
		posted := form{}
		for k := range r.PostForm {
			posted[k] = r.PostFormValue(k)
		}
		h.renderPage(w, r, rq, http.StatusUnprocessableEntity, fund, pageData{Form: posted, Which: which, Entry: entry, Errors: fe})
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, flash)
	http.Redirect(w, r, "/funds/"+itoa(fund)+"#entries", http.StatusSeeOther)
}

func (h *handler) allocate(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	e, err := h.Funds.Allocate(r.Context(), staff(rq, funds.PermManage), pathID(r, "fund"), r.PostFormValue("on_date"))
	rq.Audit.Entity, rq.Audit.ID = "fund_entry", e.ID
	h.done(w, r, rq, pathID(r, "fund"), "allocate", 0, err, "fund_entry_saved")
}

func (h *handler) receive(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	e, err := h.Funds.Receive(r.Context(), staff(rq, funds.PermManage), pathID(r, "fund"), funds.Receipt{
		AmountYuan: r.PostFormValue("amount"), OnDate: r.PostFormValue("on_date"), Payer: r.PostFormValue("payer"),
		Description: r.PostFormValue("description")})
	rq.Audit.Entity, rq.Audit.ID = "fund_entry", e.ID
	h.done(w, r, rq, pathID(r, "fund"), "receipt", 0, err, "fund_entry_saved")
}

func (h *handler) transfer(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	to, _ := strconv.ParseInt(r.PostFormValue("to"), 10, 64)
	e, err := h.Funds.Move(r.Context(), staff(rq, funds.PermManage), pathID(r, "fund"), funds.Transfer{To: to,
		AmountYuan: r.PostFormValue("amount"), OnDate: r.PostFormValue("on_date"), Description: r.PostFormValue("description")})
	rq.Audit.Entity, rq.Audit.ID = "fund_entry", e.ID
	h.done(w, r, rq, pathID(r, "fund"), "transfer", 0, err, "fund_entry_saved")
}

func (h *handler) budget(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	yuan := map[string]string{}
	for _, c := range funds.Categories {
		yuan[c.Code] = r.PostFormValue("budget_" + c.Code)
	}
	err := h.Funds.SetBudget(r.Context(), staff(rq, funds.PermManage), pathID(r, "fund"), yuan)
	rq.Audit.Entity, rq.Audit.ID = "fund", pathID(r, "fund")
	h.done(w, r, rq, pathID(r, "fund"), "budget", 0, err, "fund_budget_saved")
}

func (h *handler) reverse(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id := pathID(r, "entry")
	e, err := h.Funds.Reverse(r.Context(), staff(rq, funds.PermManage), id, r.PostFormValue("reason"))
	rq.Audit.Entity, rq.Audit.ID = "fund_entry", e.ID
	if fe := fault.FieldsOf(err); fe != nil && fe["entry"] != "" {
		fe["reason"] = fe["entry"]
	}
	// The fund is the reversal's when it is saved, the form's when refused
	// (the service has checked the entry lies in the staff's communities).
	fund := e.FundID
	if fund == 0 {
		fund, _ = strconv.ParseInt(r.PostFormValue("fund"), 10, 64)
	}
	h.done(w, r, rq, fund, "reverse", id, err, "fund_reversed")
}

// voucher serves a voucher to who may read the entry's community.
func (h *handler) voucher(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	v, data, err := h.Funds.VoucherData(r.Context(), staff(rq, funds.PermRead), pathID(r, "entry"), pathID(r, "voucher"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	w.Header().Set("Content-Type", v.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="voucher%s"; filename*=UTF-8''%s`,
		v.Name[strings.LastIndex(v.Name, "."):], url.PathEscape(v.Name)))
	w.Write(data)
}

// expenseForm is the new expense form.
type expenseData struct {
	Unit    orgtree.Unit
	Fund    funds.Fund
	Form    form
	Errors  map[string]string
	Summary []web.ErrItem
}

var expenseFields = []string{"amount", "on_date", "category", "payee", "description", "files"}

func (h *handler) expenseForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderExpense(w, r, rq, http.StatusOK, form{"on_date": h.Funds.Now().Format("2006-01-02")}, nil)
}

func (h *handler) renderExpense(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, f form, errs map[string]string) {
	ctx := r.Context()
	fd, err := h.Funds.Fund(ctx, staff(rq, funds.PermManage), pathID(r, "fund"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := expenseData{Fund: fd, Form: f, Errors: errs}
	if d.Unit, err = h.kit.Org.Get(ctx, fd.CommunityID); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	d.Summary = web.Summarize(d.Errors, expenseFields)
	h.tmpl.Render(w, r, status, "expense", web.NewPage(rq, "登记支出 · "+fd.Name, "funds", d))
}

func (h *handler) spend(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	f := form{}
	for _, k := range []string{"amount", "on_date", "category", "payee", "description"} {
		f[k] = r.PostFormValue(k)
	}
	files, msg := vouchersOf(r)
	if msg != "" {
		h.renderExpense(w, r, rq, http.StatusUnprocessableEntity, f, map[string]string{"files": msg})
		return
	}
	e, err := h.Funds.Spend(r.Context(), staff(rq, funds.PermManage), pathID(r, "fund"), funds.Expense{AmountYuan: f["amount"],
		OnDate: f["on_date"], Category: f["category"], Payee: f["payee"], Description: f["description"], Files: files})
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderExpense(w, r, rq, http.StatusUnprocessableEntity, f, fe)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "fund_entry", e.ID
	h.kit.SetFlash(w, "fund_entry_saved")
	http.Redirect(w, r, "/funds/"+itoa(e.FundID)+"#entries", http.StatusSeeOther)
}

// vouchersOf reads the uploaded vouchers; the service checks their
// content.
func vouchersOf(r *http.Request) ([]funds.VoucherFile, string) {
	if r.MultipartForm == nil {
		return nil, ""
	}
	var out []funds.VoucherFile
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Size == 0 && fh.Filename == "" {
			continue // the empty part of a form sent without a file
		}
		if fh.Size > funds.MaxVoucherFile {
			return nil, "每个凭证文件不能超过 5 MB"
		}
		fr, err := fh.Open()
		if err != nil {
			return nil, "凭证文件无法读取"
		}
		data, err := io.ReadAll(io.LimitReader(fr, funds.MaxVoucherFile+1))
		fr.Close()
		if err != nil {
			return nil, "凭证文件无法读取"
		}
		out = append(out, funds.VoucherFile{Name: fh.Filename, Data: data})
	}
	return out, ""
}
