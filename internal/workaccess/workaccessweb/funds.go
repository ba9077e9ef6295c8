package workaccessweb

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/workaccess"
	"shequ/internal/workdays"
)

// paymentForm is the payment form as typed.
type paymentForm struct {
	Department, Community, Amount, ReceivedOn, Voucher string
}

type fundsData struct {
	Unit        orgtree.Unit
	Filter      workaccess.FundFilter
	Community   string // the filter's community, as in the URL
	Funds       *workaccess.Funds
	Departments []web.Option
	Communities []web.Option // of the area, for the filter
	RecordTo    []web.Option // where the viewer may record
	F           paymentForm
	Errors      map[string]string
	Summary     []web.ErrItem
	CanReverse  map[int64]bool // entries the viewer may reverse
	// A reversal refused, at its entry.
	ReverseErr  map[int64]string
	ReverseNote map[int64]string
}

var paymentFields = []string{"department", "community", "amount", "received_on", "voucher", "file"}

// fundsUnit reads the unit of ?org= the viewer may read, by default the
// first community of the viewer's part of the tree.
func (h *handler) fundsUnit(r *http.Request, rq *web.Request, org string) (orgtree.Unit, error) {
	id, _ := strconv.ParseInt(org, 10, 64)
	if id == 0 {
		if cs := rq.Read().Communities(); len(cs) > 0 {
			id = cs[0]
		}
	}
	u, err := h.kit.Org.Get(r.Context(), id)
	if err != nil || !rq.Read().Contains(access.Place{Community: u.CommunityID, Grid: u.GridID, Org: u.ID}) {
		return u, errNoUnit
	}
	return u, nil
}

// funds is 费随事转 到账 of /work-funds?org=: the payments departments made
// to a community or a street's communities, filtered by department,
// community and months, with the sums per department and, where the viewer
// records payments, the form to record one and the reversal of each entry.
func (h *handler) funds(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderFunds(w, r, rq, http.StatusOK, r.URL.Query(), fundsData{})
}

func (h *handler) renderFunds(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, q url.Values, d fundsData) {
	ctx := r.Context()
	u, err := h.fundsUnit(r, rq, q.Get("org"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.Unit = u
	now := time.Now().In(workdays.Shanghai)
	d.Filter = workaccess.FundFilter{Department: q.Get("department"), From: q.Get("from"), To: q.Get("to")}
	if d.Filter.From == "" && d.Filter.To == "" {
		d.Filter.From, d.Filter.To = now.Format("2006")+"-01", now.Format("2006-01")
	}
	d.Community = q.Get("community")
	d.Filter.Community, _ = strconv.ParseInt(d.Community, 10, 64)
	area, err := h.Work.AreaOf(ctx, u.ID)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.Funds, err = h.Work.Funds(ctx, area, d.Filter); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if d.Departments, err = h.kit.DepartmentOptions(ctx); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	cs := []orgtree.Unit{u}
	if u.Level != orgtree.LevelCommunity {
		if cs, err = h.kit.Org.Descendants(ctx, u.ID, orgtree.LevelCommunity); err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
	}
	for _, c := range cs {
		if _, ok := area.Communities[c.ID]; !ok {
			continue
		}
		o := web.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name}
		d.Communities = append(d.Communities, o)
		if rq.Viewer.CanAt(workaccess.PermFunds, access.Place{Community: c.ID}) {
			d.RecordTo = append(d.RecordTo, o)
		}
	}
	d.CanReverse = map[int64]bool{}
	for _, e := range d.Funds.Entries {
		d.CanReverse[e.ID] = e.Reverses == nil && e.ReversedBy == nil &&
			rq.Viewer.CanAt(workaccess.PermFunds, access.Place{Community: e.Community})
	}
	if d.F == (paymentForm{}) {
		d.F.ReceivedOn = now.Format("2006-01-02")
		if len(d.RecordTo) == 1 {
			d.F.Community = d.RecordTo[0].Value
		}
	}
	d.Summary = web.Summarize(d.Errors, paymentFields)
	h.tmpl.Render(w, r, status, "funds", web.NewPage(rq, "费随事转到账 "+u.Name, "workaccess", d))
}

// receive records a payment from the form, with its scanned voucher.
func (h *handler) receive(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	f := paymentForm{Department: r.PostFormValue("department"), Community: r.PostFormValue("community"),
		Amount: r.PostFormValue("amount"), ReceivedOn: r.PostFormValue("received_on"), Voucher: r.PostFormValue("voucher")}
	back := url.Values{"org": {r.PostFormValue("org")}}
	community, _ := strconv.ParseInt(strings.TrimSpace(f.Community), 10, 64)
	p := workaccess.Payment{Department: f.Department, Community: community, AmountYuan: f.Amount,
		ReceivedOn: f.ReceivedOn, Voucher: f.Voucher}
	file, msg := voucherFileOf(r)
	if msg != "" {
		h.renderFunds(w, r, rq, http.StatusUnprocessableEntity, back, fundsData{F: f, Errors: map[string]string{"file": msg}})
		return
	}
	p.File = file
	fund, err := h.Work.RecordPayment(r.Context(), rq.Viewer, p)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderFunds(w, r, rq, http.StatusUnprocessableEntity, back, fundsData{F: f, Errors: fe})
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "work_fund", fund.ID
	h.kit.SetFlash(w, "work_fund_saved")
	http.Redirect(w, r, "/work-funds?org="+url.QueryEscape(back.Get("org")), http.StatusSeeOther)
}

// voucherFileOf reads the optional scanned voucher of the form; a message
// for the field when it cannot be read. The service checks its content.
func voucherFileOf(r *http.Request) (*workaccess.VoucherFile, string) {
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) == 0 {
		return nil, ""
	}
	fh := r.MultipartForm.File["file"][0]
	if fh.Size == 0 && fh.Filename == "" {
		return nil, "" // the empty part of a form sent without a file
	}
	if fh.Size > workaccess.MaxVoucherFile {
		return nil, "凭证文件不能超过 5 MB"
	}
	fr, err := fh.Open()
	if err != nil {
		return nil, "凭证文件无法读取"
	}
	defer fr.Close()
	data, err := io.ReadAll(io.LimitReader(fr, workaccess.MaxVoucherFile+1))
	if err != nil {
		return nil, "凭证文件无法读取"
	}
	return &workaccess.VoucherFile{Name: fh.Filename, Data: data}, ""
}

// reverse records the reversal (冲销) of an entry recorded wrongly.
func (h *handler) reverse(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id := pathID(r, "fund")
	note := r.PostFormValue(fmt.Sprintf("note-%d", id))
	back := url.Values{"org": {r.PostFormValue("org")}}
	fund, err := h.Work.RecordPayment(r.Context(), rq.Viewer, workaccess.Payment{Reverses: id, Note: note})
	if fe := fault.FieldsOf(err); fe != nil || fault.Is(err, fault.Conflict) {
		msg, status := fe["note"]+fe["reverses"], http.StatusUnprocessableEntity
		if fe == nil {
			msg, status = fault.Message(err), http.StatusConflict
		}
		h.renderFunds(w, r, rq, status, back, fundsData{ReverseErr: map[int64]string{id: msg}, ReverseNote: map[int64]string{id: note}})
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "work_fund", fund.ID
	h.kit.SetFlash(w, "work_fund_reversed")
	http.Redirect(w, r, "/work-funds?org="+url.QueryEscape(back.Get("org")), http.StatusSeeOther)
}

// voucher serves an entry's scanned voucher to who may read its
// community's register.
func (h *handler) voucher(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	f, err := h.Work.VoucherOf(r.Context(), rq.Read(), pathID(r, "fund"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="voucher%s"; filename*=UTF-8''%s`,
		f.Name[strings.LastIndex(f.Name, "."):], url.PathEscape(f.Name)))
	w.Write(f.Data)
}
