package proposalsweb

import (
	"net/http"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/proposals"
	"shequ/internal/web"
	"shequ/internal/workdays"
)

// The committee's pages: the community's matters by status, a matter with
// the form its status calls for (open the vote, record the decision, file
// or link the follow-up event, mark it carried out), and the committee's
// own proposal. Every form carries the version it was read at.

func manageRoutes(rt *web.Routes, k *web.Kit, h *staff) {
	manage := access.Rule{Perm: proposals.PermManage}
	k.AddFlashes(map[string]string{"proposal_saved": "议题已提出,进入协商", "proposal_voting": "已发起表决",
		"proposal_decided": "决定已记录,已通知提出人", "proposal_followed": "落实情况已更新"})
	k.Handle(rt, "GET /proposals", manage, h.list)
	k.Handle(rt, "GET /proposals/new", manage, h.newForm)
	k.Handle(rt, "POST /proposals/new", manage, h.create)
	k.Handle(rt, "GET /proposals/{c}/{matter}", manage, h.page)
	k.Handle(rt, "POST /proposals/{c}/{matter}/voting", manage, h.openVoting)
	k.Handle(rt, "POST /proposals/{c}/{matter}/decide", manage, h.decide)
	k.Handle(rt, "POST /proposals/{c}/{matter}/followup", manage, h.followUp)
}

// own is ?c= or the staff member's first community, in their scope.
func (h *staff) own(r *http.Request, rq *web.Request) int64 {
	v := r.URL.Query().Get("c")
	if cs := rq.Viewer.Scope(proposals.PermManage).Communities(); v == "" && len(cs) > 0 {
		v = strconv.FormatInt(cs[0], 10)
	}
	return h.community(rq, v)
}

func (h *staff) communityName(r *http.Request, c int64) string {
	if u, err := h.kit.Org.Get(r.Context(), c); err == nil {
		return u.Name
	}
	return ""
}

func who(rq *web.Request) string {
	if rq.User.DisplayName != "" {
		return rq.User.DisplayName
	}
	return rq.User.Name
}

type listPage struct {
	C        int64
	Name     string
	Status   string
	Statuses []string
	Matters  []proposals.Matter
	Total    int
	Pending  int // matters and arguments awaiting moderation
}

var statusOrder = []string{proposals.Moderation, proposals.Open, proposals.Voting, proposals.Decided, proposals.Done,
	proposals.Rejected}

func (h *staff) list(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	c := h.own(r, rq)
	if c == 0 {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	status := r.URL.Query().Get("status")
	if proposals.StatusWords[status] == "" {
		status = ""
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	ms, total, err := h.d.Proposals.List(r.Context(), proposals.Filter{Communities: []int64{c}, Status: status, Page: page, Size: 50})
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	qm, qa, err := h.d.Proposals.Queue(r.Context(), c)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "manage_list", web.NewPage(rq, "议事协商", "proposals",
		listPage{C: c, Name: h.communityName(r, c), Status: status, Statuses: statusOrder, Matters: ms, Total: total,
			Pending: len(qm) + len(qa)}))
}

type formPage struct {
	C         int64
	Name      string
	Draft     proposals.Draft
	Buildings []proposals.Building
	Errors    map[string]string
}

func (h *staff) newForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderForm(w, r, rq, http.StatusOK, h.own(r, rq), proposals.Draft{}, nil)
}

func (h *staff) renderForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, c int64, d proposals.Draft, errs map[string]string) {
	if c == 0 {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	bs, err := h.d.Proposals.Buildings(r.Context(), c)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if errs == nil {
		errs = map[string]string{}
	}
	h.tmpl.Render(w, r, status, "manage_new", web.NewPage(rq, "发起议题", "proposals",
		formPage{C: c, Name: h.communityName(r, c), Draft: d, Buildings: bs, Errors: errs}))
}

func (h *staff) create(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	c := h.own(r, rq)
	d := proposals.Draft{CommunityID: c, Title: r.PostFormValue("title"), Body: r.PostFormValue("body"),
		Scope: r.PostFormValue("scope"), Unit: r.PostFormValue("unit")}
	for _, v := range r.PostForm["buildings"] {
		if b, err := strconv.ParseInt(v, 10, 64); err == nil {
			d.Buildings = append(d.Buildings, b)
		}
	}
	if c == 0 {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	m, err := h.d.Proposals.ProposeAsCommittee(r.Context(), who(rq), d)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderForm(w, r, rq, http.StatusUnprocessableEntity, c, d, fe)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "proposal_saved")
	http.Redirect(w, r, matterURL(m.CommunityID, m.ID), http.StatusSeeOther)
}

func matterURL(c, id int64) string {
	return "/proposals/" + strconv.FormatInt(c, 10) + "/" + strconv.FormatInt(id, 10)
}

type matterPage struct {
	M            proposals.Matter
	Name         string
	Pending      []proposals.Argument
	For, Against []proposals.Argument
	VoteClosed   bool // the voting period has ended: the decision may be recorded
	Opens        string
	Closes       string
	Categories   []events.Category
	Event        string // the linked event's tracking number and state
	Projects     []proposals.Project
	Errors       map[string]string
	Message      string
	Form         map[string]string // what was posted, shown back
}

func (h *staff) page(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderMatter(w, r, rq, http.StatusOK, matterPage{})
}

func (h *staff) ids(r *http.Request, rq *web.Request) (int64, int64) {
	c := h.community(rq, r.PathValue("c"))
	id, err := strconv.ParseInt(r.PathValue("matter"), 10, 64)
	if c == 0 || err != nil || id <= 0 {
		return 0, 0
	}
	return c, id
}

func (h *staff) renderMatter(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d matterPage) {
	c, id := h.ids(r, rq)
	if c == 0 {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	ctx := r.Context()
	m, err := h.d.Proposals.Get(ctx, c, id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.M, d.Name = m, h.communityName(r, c)
	if d.Pending, err = h.d.Proposals.Arguments(ctx, c, id, true); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	published, err := h.d.Proposals.Arguments(ctx, c, id, false)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	for _, a := range published {
		if a.Side == proposals.For {
			d.For = append(d.For, a)
		} else {
			d.Against = append(d.Against, a)
		}
	}
	now := h.d.Proposals.Now()
	d.VoteClosed = m.Status == proposals.Voting && !now.Before(m.ClosesAt)
	if d.Form == nil {
		d.Form = map[string]string{}
	}
	if d.Form["opens_at"] == "" {
		d.Form["opens_at"] = now.In(workdays.Shanghai).Format(dateTimeLocal)
		d.Form["closes_at"] = now.In(workdays.Shanghai).AddDate(0, 0, 7).Format(dateTimeLocal)
	}
	if m.Status == proposals.Decided && m.EventID == 0 {
		if d.Categories, err = h.d.Proposals.FollowUpCategories(ctx); err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
	}
	if m.Status == proposals.Decided || m.Status == proposals.Done {
		a, err := h.d.Proposals.Account(ctx, c, id)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		if m.EventID != 0 {
			d.Event = a.TrackingNo + " · " + a.FollowUpState()
		}
		d.Projects = a.Projects
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	h.tmpl.Render(w, r, status, "manage_matter", web.NewPage(rq, m.Title, "proposals", d))
}

// dateTimeLocal is the value of an <input type="datetime-local">.
const dateTimeLocal = "2006-01-02T15:04"

func parseLocal(v string) time.Time {
	t, err := time.ParseInLocation(dateTimeLocal, v, workdays.Shanghai)
	if err != nil {
		return time.Time{}
	}
	return t
}

// after answers a form's post: back to the matter with a flash, or the
// page again with the error at its field (or above the forms).
func (h *staff) after(w http.ResponseWriter, r *http.Request, rq *web.Request, err error, flash string) {
	if err == nil {
		c, id := h.ids(r, rq)
		h.kit.SetFlash(w, flash)
		http.Redirect(w, r, matterURL(c, id), http.StatusSeeOther)
		return
	}
	status := web.Status(err)
	if status >= 500 {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d := matterPage{Errors: fault.FieldsOf(err), Form: map[string]string{}}
	if d.Errors == nil {
		d.Message = fault.Message(err)
	}
	for k, v := range r.PostForm {
		if k != "csrf" && len(v) > 0 {
			d.Form[k] = v[0]
		}
	}
	h.renderMatter(w, r, rq, status, d)
}

func version(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	return v
}

func (h *staff) openVoting(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	c, id := h.ids(r, rq)
	if c == 0 {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	h.after(w, r, rq, h.d.Proposals.OpenVoting(r.Context(), who(rq), c, id, version(r),
		parseLocal(r.PostFormValue("opens_at")), parseLocal(r.PostFormValue("closes_at"))), "proposal_voting")
}

func (h *staff) decide(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	c, id := h.ids(r, rq)
	if c == 0 {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	h.after(w, r, rq, h.d.Proposals.Decide(r.Context(), who(rq), c, id, version(r), r.PostFormValue("result"),
		r.PostFormValue("decision")), "proposal_decided")
}

// followUp files a new event from the decision, links one by its number,
// or marks the follow-up carried out: the button pressed says which.
func (h *staff) followUp(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	c, id := h.ids(r, rq)
	if c == 0 {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	var err error
	switch r.PostFormValue("do") {
	case "event":
		_, err = h.d.Proposals.FollowUpEvent(r.Context(), rq.Viewer, who(rq), c, id, version(r), r.PostFormValue("category"))
	case "link":
		err = h.d.Proposals.LinkEvent(r.Context(), who(rq), c, id, version(r), r.PostFormValue("tracking_no"))
	case "done":
		err = h.d.Proposals.MarkDone(r.Context(), who(rq), c, id, version(r))
	default:
		err = fault.New(fault.Invalid, "请选择落实方式")
	}
	h.after(w, r, rq, err, "proposal_followed")
}
