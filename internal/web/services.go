package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/register"
	"shequ/internal/services"
)

// The one-stop service hall (一站式服务大厅) for staff: the hall's overview,
// the queue of each level, the application page with the actions of the
// viewer's level, and the agent's (代办员) cases. Intake, the catalogue,
// certificates, household archives and the public portal have files of
// their own. Handlers call the services package, which checks each
// transition against the viewer's permissions at the case's place; the
// route rules check the same first, so a refusal is the usual 403/404.

func init() {
	labels["svcstatus"] = services.StatusNames
	labels["svclevel"] = map[string]string{
		services.LevelCommunity: "社区", services.LevelStreet: "街道", services.LevelDistrict: "区县",
		services.QueueWindow: "窗口", services.QueueDone: "已办结",
	}
	labels["svcaction"] = services.ActionNames
	labels["material"] = map[string]string{
		services.MaterialReceived: "已收", services.MaterialRegister: "基础信息库调取,免交复印件",
		services.MaterialMissing: "缺", services.MaterialOptional: "非必需,未交",
	}
	labels["entity"]["application"] = "办件"
	labels["entity"]["certificate"] = "证明"
	funcs["svcInc"] = func(n int) int { return n + 1 }
	funcs["svcNeg"] = func(n int) int { return -n }
	funcs["svcStars"] = func() []int { return []int{5, 4, 3, 2, 1} }
	for k, v := range map[string]string{
		"intake": "已收件", "supplied": "材料已补齐", "approved": "已审核通过", "returned": "已退回补正",
		"rejected": "已作不予批准处理", "issued": "证明已出具", "cert_revoked": "证明已作废",
	} {
		flashes[k] = v
	}
}

func (h *handler) servicesRoutes(rt *Routes) {
	if h.Services == nil {
		return
	}
	if h.Lookups == nil {
		h.Lookups = services.DefaultLimiter()
	}
	read := access.Rule{Perm: services.PermRead}
	app := func(perm, action string) access.Rule {
		return access.Rule{Perm: perm, Object: "application", Audit: action}
	}
	h.kit.AddNav("services", "办事", "/services", services.PermRead)
	h.kit.Handle(rt, "GET /services", read, h.servicesHome)
	h.kit.Handle(rt, "GET /services/find", access.Rule{Perm: services.PermRead, Audit: audit.Search}, h.findApplication)
	h.kit.Handle(rt, "GET /services/queue", read, h.serviceQueue)
	h.kit.Handle(rt, "GET /services/agent", access.Rule{Perm: services.PermIntake}, h.agentCases)
	h.kit.Handle(rt, "GET /services/applications/{id}", app(services.PermRead, audit.View), h.application)
	h.kit.Handle(rt, "GET /services/applications/{id}/receipt.pdf", app(services.PermRead, audit.Export), h.receiptPDF)
	h.kit.Handle(rt, "POST /services/applications/{id}/supply", app(services.PermIntake, ""), h.supplyMaterials)
	h.kit.Handle(rt, "POST /services/applications/{id}/refuse", app(services.PermIntake, ""), h.refuseAtWindow)
	// One route per level, each needing that level's permission, so the
	// central check decides who may act on the stage a case is at.
	for _, level := range []string{services.LevelCommunity, services.LevelStreet, services.LevelDistrict} {
		h.kit.Handle(rt, "POST /services/applications/{id}/handle/"+level, app(services.HandlePerm(level), ""), h.handleStage(level))
	}
	h.intakeRoutes(rt)
	h.catalogueRoutes(rt)
	h.certificateRoutes(rt)
	h.portalRoutes(rt)
}

// queueTile is one queue on the hall's overview.
type queueTile struct {
	services.QueueCount
	Name string
	Href string
}

type servicesHomeData struct {
	Queues      []queueTile
	Agent       int // the viewer's own 代办 cases still open
	CanIntake   bool
	CanCertify  bool
	CanManage   bool
	CanCards    bool
	NotFound    string // the tracking number searched for and not found
	TrackingNo  string
	Today       string
	AgentRows   []applicationRow
	AgentMore   bool
	OverdueRows []applicationRow
	OverdueMore bool
}

var queueNames = map[string]string{
	services.QueueWindow:    "窗口待补齐材料",
	services.LevelCommunity: "社区审核",
	services.LevelStreet:    "街道审核",
	services.LevelDistrict:  "区县审批",
}

func (h *handler) servicesHome(w http.ResponseWriter, r *http.Request, rq *Request) {
	h.renderServicesHome(w, r, rq, http.StatusOK, "")
}

func (h *handler) renderServicesHome(w http.ResponseWriter, r *http.Request, rq *Request, status int, notFound string) {
	ctx := r.Context()
	scope := rq.Viewer.Scope(services.PermRead)
	counts, err := h.Services.Queues(ctx, scope)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d := servicesHomeData{CanIntake: rq.Viewer.Can(services.PermIntake), CanCertify: rq.Viewer.Can(services.PermCertify),
		CanManage: rq.Viewer.Can(services.PermManage), CanCards: rq.Viewer.Can(access.RegisterExport),
		NotFound: notFound, Today: h.Services.Today()}
	for _, c := range counts {
		d.Queues = append(d.Queues, queueTile{QueueCount: c, Name: queueNames[c.Queue], Href: "/services/queue?level=" + c.Queue})
	}
	overdue, more, err := h.Services.List(ctx, scope, services.Filter{Overdue: true, Limit: 10})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.OverdueRows, d.OverdueMore = h.rows(overdue), more
	if d.CanIntake {
		mine, more, err := h.Services.List(ctx, scope, services.Filter{Agent: rq.User.ID, Open: true, Limit: 10})
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		d.AgentRows, d.AgentMore = h.rows(mine), more
	}
	h.tmpl.Render(w, r, status, "services_home", NewPage(rq, "办事大厅", "services", d))
}

// findApplication opens a case by its tracking number (受理编号), as a
// resident hands it over at the window.
func (h *handler) findApplication(w http.ResponseWriter, r *http.Request, rq *Request) {
	no := strings.TrimSpace(r.URL.Query().Get("no"))
	rq.Audit.Detail = Truncate("tracking: "+no, 60)
	a, err := h.Services.ByTrackingNo(r.Context(), rq.Viewer.Scope(services.PermRead), no)
	if errors.Is(err, services.ErrNotFound) {
		h.renderServicesHome(w, r, rq, http.StatusNotFound, no)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rq.Audit.Rows = 1
	http.Redirect(w, r, applicationURL(a.ID), http.StatusSeeOther)
}

func applicationURL(id int64) string { return "/services/applications/" + strconv.FormatInt(id, 10) }

// stageView is one stage of a case's chain as the page draws it.
type stageView struct {
	services.Stage
	State string // done, current, todo
}

// applicationData is the application page.
type applicationData struct {
	A           services.Application
	Phone       string // as the viewer may see it
	PersonLink  bool
	ArchiveLink bool
	Stages      []stageView
	Steps       []services.Step
	Row         applicationRow
	DueDays     int // working days to the legal deadline

	CanSupply   bool   // materials may be handed in here (window)
	HandleLevel string // the level whose actions the viewer may take now, "" for none
	CanCertify  bool   // a certificate may be issued for the finished case
	Certificate *services.Certificate
	Template    string // the certificate template of the item

	Action  string               // the form that was sent back: supply, refuse, approve, return, reject
	Errors  register.FieldErrors // its messages, by field
	Message string               // a conflict or state message
	Form    url.Values           // what was typed
}

func (h *handler) application(w http.ResponseWriter, r *http.Request, rq *Request) {
	h.showApplication(w, r, rq, http.StatusOK, applicationData{})
}

func (h *handler) showApplication(w http.ResponseWriter, r *http.Request, rq *Request, status int, d applicationData) {
	ctx := r.Context()
	id, ok := PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	a, err := h.Services.Application(ctx, rq.Viewer.Scope(services.PermRead), id)
	if err != nil {
		h.serviceFail(w, r, rq, err)
		return
	}
	place := a.Place()
	f := rq.Viewer.Scope(services.PermRead).Fields(place)
	d.A = a
	d.Phone = f.Phone("person", "phone", a.Phone)
	d.PersonLink = rq.Read().Contains(place)
	d.ArchiveLink = a.HouseholdID != 0 && d.PersonLink
	d.Row = h.rows([]services.Application{a})[0]
	if a.DueOn != "" && !a.Finished() {
		d.DueDays = h.Services.DaysLeft(a.DueOn)
	}
	for i, st := range a.Chain {
		sv := stageView{Stage: st, State: "todo"}
		switch {
		case a.Status == services.StatusApproved || i < a.Stage:
			sv.State = "done"
		case i == a.Stage && a.Status == services.StatusProcessing:
			sv.State = "current"
		case i == a.Stage && a.Status == services.StatusRejected:
			sv.State = "rejected"
		}
		d.Stages = append(d.Stages, sv)
	}
	if d.Steps, err = h.Services.Steps(ctx, a); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	switch a.Status {
	case services.StatusIncomplete, services.StatusReturned:
		d.CanSupply = rq.Viewer.CanAt(services.PermIntake, place)
	case services.StatusProcessing:
		if l := a.CurrentStage().Level; rq.Viewer.CanAt(services.HandlePerm(l), place) {
			d.HandleLevel = l
		}
	case services.StatusApproved:
		if a.Certificate == 0 && rq.Viewer.CanAt(services.PermCertify, place) {
			it, err := h.Services.Item(ctx, a.ItemCode)
			if err != nil && !errors.Is(err, services.ErrNotFound) {
				h.kit.ServerError(w, r, rq, err)
				return
			}
			d.Template = it.Certificate
			d.CanCertify = it.Certificate != ""
		}
	}
	if a.Certificate != 0 {
		c, err := h.Services.Certificate(ctx, rq.Viewer.Scope(services.PermRead), a.Certificate)
		if err == nil {
			d.Certificate = &c
		} else if !errors.Is(err, services.ErrNotFound) {
			h.kit.ServerError(w, r, rq, err)
			return
		}
	}
	if d.Form == nil {
		d.Form = url.Values{}
	}
	h.tmpl.Render(w, r, status, "services_application", NewPage(rq, a.ItemName+" "+a.TrackingNo, "services", d))
}

// serviceFail answers a services error outside a form: not found (or out
// of scope) is the 404 page, a refused permission the 403 page.
func (h *handler) serviceFail(w http.ResponseWriter, r *http.Request, rq *Request, err error) {
	switch {
	case errors.Is(err, services.ErrNotFound), errors.Is(err, register.ErrNotFound):
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
	case errors.Is(err, services.ErrNotAllowed), errors.Is(err, access.ErrForbidden):
		h.kit.ErrorPage(w, r, rq, http.StatusForbidden)
	default:
		h.kit.ServerError(w, r, rq, err)
	}
}

// actionResult turns the outcome of a transition into the page's answer:
// a redirect with a flash message on success, the page again with the
// messages at the fields (422), the conflict or state message (409).
func (h *handler) actionResult(w http.ResponseWriter, r *http.Request, rq *Request, action, flash string, err error) {
	var fe register.FieldErrors
	var ce *services.ConflictError
	var se *services.StateError
	d := applicationData{Action: action, Form: r.PostForm}
	switch {
	case err == nil:
		id, _ := PathID(r)
		h.Log.Info("application "+action, "application", id, "user", rq.User.ID)
		h.kit.SetFlash(w, flash)
		http.Redirect(w, r, applicationURL(id), http.StatusSeeOther)
		return
	case errors.As(err, &fe):
		d.Errors = fe
		h.showApplication(w, r, rq, http.StatusUnprocessableEntity, d)
	case errors.As(err, &ce):
		d.Message = ce.Error()
		d.Form = url.Values{} // the form shows the case as it is now
		h.showApplication(w, r, rq, http.StatusConflict, d)
	case errors.As(err, &se):
		d.Message = se.Error()
		h.showApplication(w, r, rq, http.StatusConflict, d)
	default:
		h.serviceFail(w, r, rq, err)
	}
}

func formVersion(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	return v
}

// supplyMaterials records materials handed in at the window later: an
// incomplete case is then accepted, a returned one goes back to its stage.
func (h *handler) supplyMaterials(w http.ResponseWriter, r *http.Request, rq *Request) {
	id, _ := PathID(r)
	_, err := h.Services.Supply(r.Context(), rq.staff(), id, formVersion(r), r.PostForm["received"])
	h.actionResult(w, r, rq, "supply", "supplied", err)
}

// refuseAtWindow refuses a case still waiting at the window (不予受理).
// Cases in progress are refused by their stage's handler instead.
func (h *handler) refuseAtWindow(w http.ResponseWriter, r *http.Request, rq *Request) {
	ctx := r.Context()
	id, _ := PathID(r)
	a, err := h.Services.Application(ctx, rq.Viewer.Scope(services.PermIntake), id)
	if err != nil {
		h.serviceFail(w, r, rq, err)
		return
	}
	if a.Status != services.StatusIncomplete && a.Status != services.StatusReturned {
		h.actionResult(w, r, rq, "refuse", "", &services.StateError{Msg: "该办件" + a.StatusName() + ",不在窗口,不能作不予受理处理"})
		return
	}
	_, err = h.Services.Reject(ctx, rq.staff(), id, formVersion(r), r.PostFormValue("reason"))
	h.actionResult(w, r, rq, "refuse", "rejected", err)
}

// handleStage takes the decision of a level on a case at that level's
// stage: approve (pass on or finish), return for materials, or reject.
func (h *handler) handleStage(level string) func(http.ResponseWriter, *http.Request, *Request) {
	return func(w http.ResponseWriter, r *http.Request, rq *Request) {
		ctx := r.Context()
		id, _ := PathID(r)
		a, err := h.Services.Application(ctx, rq.Viewer.Scope(services.HandlePerm(level)), id)
		if err != nil {
			h.serviceFail(w, r, rq, err)
			return
		}
		action := r.PostFormValue("action")
		if a.Status != services.StatusProcessing || a.CurrentStage().Level != level {
			where := a.StatusName()
			if a.Status == services.StatusProcessing {
				where = "在" + a.CurrentStage().Name + "环节"
			}
			h.actionResult(w, r, rq, action, "", &services.StateError{Msg: "该办件当前" + where + ",不在" +
				services.LevelNames[level] + "审核环节,未作处理。"})
			return
		}
		version := formVersion(r)
		switch action {
		case "approve":
			_, err = h.Services.Approve(ctx, rq.staff(), id, version, r.PostFormValue("note"))
			h.actionResult(w, r, rq, action, "approved", err)
		case "return":
			_, err = h.Services.Return(ctx, rq.staff(), id, version, r.PostFormValue("reason"), r.PostForm["materials"],
				r.PostFormValue("other"))
			h.actionResult(w, r, rq, action, "returned", err)
		case "reject":
			_, err = h.Services.Reject(ctx, rq.staff(), id, version, r.PostFormValue("reason"))
			h.actionResult(w, r, rq, action, "rejected", err)
		default:
			h.actionResult(w, r, rq, "", "", register.FieldErrors{"action": "请选择审核结果:通过、退回补正或不予批准"})
		}
	}
}

// receiptPDF downloads the receipt (受理回执), or the one-time complete
// notice (一次性告知书) while materials are missing. It names the
// applicant, so it is an export of personal data: recorded before it goes
// out.
func (h *handler) receiptPDF(w http.ResponseWriter, r *http.Request, rq *Request) {
	ctx := r.Context()
	id, _ := PathID(r)
	a, err := h.Services.Application(ctx, rq.Viewer.Scope(services.PermRead), id)
	if err != nil {
		h.serviceFail(w, r, rq, err)
		return
	}
	hall := a.ItemName
	if st, err := h.Services.StationOf(ctx, a.CommunityID); err == nil {
		hall = st.Name
	} else if names, err := h.Org.Names(ctx, []int64{a.CommunityID}); err == nil && names[a.CommunityID] != "" {
		hall = names[a.CommunityID] + "便民服务站"
	}
	var buf bytes.Buffer
	if err := h.Services.WriteReceipt(&buf, a, hall); err != nil {
		h.servicePDFFail(w, r, rq, err)
		return
	}
	name := "receipt-" + a.TrackingNo + ".pdf"
	if len(a.Missing()) > 0 {
		name = "notice-" + a.TrackingNo + ".pdf"
	}
	h.sendServicePDF(w, r, rq, "GET /services/applications/{id}/receipt.pdf", "application", a.ID, a.CommunityID, 1,
		"受理回执/一次性告知书", name, buf.Bytes())
}

// staff is the caller as the service hall records them on every step,
// receipt and certificate: by their display name (窗口小刘), not their
// login name.
func (rq *Request) staff() *access.Viewer {
	v := *rq.Viewer
	v.Name = rq.Actor.Name
	return &v
}
