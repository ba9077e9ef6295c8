package procurementweb

import (
	"net/http"
	"strconv"

	"shequ/internal/fault"
	"shequ/internal/procurement"
	"shequ/internal/web"
)

// done maps a stage's result: a field refusal shows the page again with
// the form as posted, a refusal by the stage's rules the page with the
// rule, any other fault its page, success the project with a flash.
func (h *handler) done(w http.ResponseWriter, r *http.Request, rq *web.Request, err error, flash string) {
	if fe := fault.FieldsOf(err); fe != nil {
		form := map[string]string{}
		for k, v := range r.PostForm {
			if len(v) > 0 && k != "csrf" {
				form[k] = v[0]
			}
		}
		h.renderPage(w, r, rq, http.StatusUnprocessableEntity, fe, form)
		return
	}
	if fault.Is(err, fault.Conflict) || fault.Is(err, fault.Refused) {
		// A rule of the stage said no (a late bid, a conflicted member, a
		// payment before acceptance): the page again, the rule said on top.
		h.renderPage(w, r, rq, web.Status(err), map[string]string{"stage": fault.Message(err)}, nil)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, flash)
	http.Redirect(w, r, "/projects/"+r.PathValue("project"), http.StatusSeeOther)
}

func version(r *http.Request) int { return formInt(r, "version") }

func (h *handler) publish(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	t := procurement.Tender{PricePoints: formInt(r, "price_points"), ClosesAt: r.PostFormValue("closes_at")}
	for i := range procurement.MaxCriteria {
		n := strconv.Itoa(i)
		t.Criteria = append(t.Criteria, procurement.CriterionDraft{Name: r.PostFormValue("criterion" + n), Points: r.PostFormValue("points" + n)})
	}
	err := h.Projects.Publish(r.Context(), staff(rq, procurement.PermManage), pathID(r, "project"), version(r), t)
	h.done(w, r, rq, err, "tender_published")
}

func (h *handler) bid(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	_, err := h.Projects.SubmitBid(r.Context(), staff(rq, procurement.PermManage), pathID(r, "project"),
		procurement.BidDraft{OrgID: formID(r, "org"), PriceFen: formFen(r, "price"), Proposal: r.PostFormValue("proposal")})
	h.done(w, r, rq, err, "bid_saved")
}

func (h *handler) withdraw(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	err := h.Projects.WithdrawBid(r.Context(), staff(rq, procurement.PermManage), pathID(r, "project"), pathID(r, "bid"))
	h.done(w, r, rq, err, "bid_withdrawn")
}

func (h *handler) member(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	err := h.Projects.AddMember(r.Context(), staff(rq, procurement.PermManage), pathID(r, "project"), formID(r, "person"))
	h.done(w, r, rq, err, "panel_saved")
}

func (h *handler) score(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	points := map[int64]int{}
	for k, v := range r.PostForm {
		if len(k) > 1 && k[0] == 'c' && len(v) > 0 {
			id, err1 := strconv.ParseInt(k[1:], 10, 64)
			n, err2 := strconv.Atoi(v[0])
			if err1 == nil && err2 == nil {
				points[id] = n
			} else if err1 == nil {
				points[id] = -1 // not a whole number: refused at its field
			}
		}
	}
	err := h.Projects.Score(r.Context(), staff(rq, procurement.PermManage), pathID(r, "project"), formID(r, "person"), formID(r, "bid"), points)
	h.done(w, r, rq, err, "score_saved")
}

func (h *handler) award(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	err := h.Projects.Award(r.Context(), staff(rq, procurement.PermManage), pathID(r, "project"), version(r))
	h.done(w, r, rq, err, "project_awarded")
}

func (h *handler) sign(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	err := h.Projects.Sign(r.Context(), staff(rq, procurement.PermManage), pathID(r, "project"), version(r),
		procurement.ContractDraft{ValueFen: formFen(r, "value"), SignedOn: r.PostFormValue("signed_on"),
			StartsOn: r.PostFormValue("starts_on"), EndsOn: r.PostFormValue("ends_on")})
	h.done(w, r, rq, err, "contract_saved")
}

func (h *handler) milestone(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	err := h.Projects.AddMilestone(r.Context(), staff(rq, procurement.PermManage), pathID(r, "project"),
		procurement.MilestoneDraft{Title: r.PostFormValue("title"), DueOn: r.PostFormValue("due_on"), AmountFen: formFen(r, "amount")})
	h.done(w, r, rq, err, "milestone_saved")
}

func (h *handler) accept(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	err := h.Projects.Accept(r.Context(), staff(rq, procurement.PermManage), pathID(r, "project"), pathID(r, "milestone"),
		r.PostFormValue("accepted_on"))
	h.done(w, r, rq, err, "milestone_accepted")
}

func (h *handler) pay(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	err := h.Projects.Pay(r.Context(), staff(rq, procurement.PermManage), pathID(r, "project"),
		procurement.PaymentDraft{MilestoneID: formID(r, "milestone"), AmountFen: formFen(r, "amount"),
			PaidOn: r.PostFormValue("paid_on"), FundID: formID(r, "fund"), Memo: r.PostFormValue("memo")})
	h.done(w, r, rq, err, "payment_saved")
}

func (h *handler) complete(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	err := h.Projects.Complete(r.Context(), staff(rq, procurement.PermManage), pathID(r, "project"), version(r),
		procurement.Rating{Satisfied: formInt(r, "satisfied"), Fair: formInt(r, "fair"), Unsatisfied: formInt(r, "unsatisfied"),
			Evaluation: r.PostFormValue("evaluation"), On: r.PostFormValue("completed_on")})
	h.done(w, r, rq, err, "project_completed")
}
