package api

import (
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/money"
	"shequ/internal/web"
	"shequ/internal/workaccess"
)

// 费随事转 到账 for other systems: the payments departments made to a
// unit's communities, and recording one (or the reversal of one recorded
// wrongly) where the token's role records payments.

func (h *handler) workFundsRoutes(rt *web.Routes) {
	h.auth(rt, "GET /api/v1/work-funds", access.Rule{Perm: access.RegisterRead, Audit: audit.View}, h.workFunds)
	h.auth(rt, "POST /api/v1/work-funds", access.Rule{Perm: workaccess.PermFunds}, h.receiveWorkFunds)
}

func (h *handler) workFunds(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	if q.Get("org") == "" {
		h.fail(w, r, http.StatusBadRequest, fieldError("org", "请指定组织单元 org"))
		return
	}
	if _, status, err := h.within(r.Context(), c, q.Get("org")); err != nil {
		h.fail(w, r, status, err)
		return
	}
	f := workaccess.FundFilter{Department: q.Get("department"), From: q.Get("from"), To: q.Get("to")}
	if s := q.Get("community"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			h.fail(w, r, http.StatusBadRequest, fieldError("community", "community 应为社区的数字 id"))
			return
		}
		f.Community = id
	}
	org, _ := strconv.ParseInt(q.Get("org"), 10, 64)
	area, err := h.Work.AreaOf(r.Context(), org)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	fs, err := h.Work.Funds(r.Context(), area, f)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	if fs.Entries == nil {
		fs.Entries = []*workaccess.Fund{}
	}
	if fs.Departments == nil {
		fs.Departments = []workaccess.FundTotal{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"org": org, "payments": fs.Entries, "departments": fs.Departments,
		"total_fen": fs.TotalFen})
}

// paymentJSON is a payment as sent: the amount in 元 as a decimal string
// ("1250.50") or in 分 as an integer, never a JSON fraction; or, with
// reverses, the reversal of an entry and why.
type paymentJSON struct {
	Department string `json:"department"`
	Community  int64  `json:"community"`
	Amount     string `json:"amount"`
	AmountFen  int64  `json:"amount_fen"`
	ReceivedOn string `json:"received_on"`
	Voucher    string `json:"voucher"`
	Reverses   int64  `json:"reverses"`
	Note       string `json:"note"`
}

func (h *handler) receiveWorkFunds(w http.ResponseWriter, r *http.Request, c *web.Request) {
	var in paymentJSON
	if err := decode(r.Body, &in); err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	switch {
	case in.Amount != "" && in.AmountFen != 0:
		h.fail(w, r, http.StatusBadRequest, fieldError("amount", "amount(元)与 amount_fen(分)只能给一个"))
		return
	case in.AmountFen < 0:
		h.fail(w, r, http.StatusUnprocessableEntity, fieldError("amount_fen", "金额不能为负数;登记错误的到账请冲销原记录"))
		return
	case in.AmountFen > 0:
		in.Amount = money.Yuan(in.AmountFen)
	}
	fund, err := h.Work.RecordPayment(r.Context(), c.Viewer, workaccess.Payment{Department: in.Department,
		Community: in.Community, AmountYuan: in.Amount, ReceivedOn: in.ReceivedOn, Voucher: in.Voucher,
		Reverses: in.Reverses, Note: in.Note})
	if err != nil {
		h.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"payment": fund})
}
