package hallweb

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/services"
	"shequ/internal/web"
)

// The one-stop service hall (一站式服务大厅) for staff: the hall's overview,
// the queue of each level, the application page with the actions of the
// viewer's level, and the agent's (代办员) cases. Intake, the catalogue and
// certificates have files of their own; the household archive stays with
// the register's pages and the public portal is portalweb. Handlers call the services package, which checks each
// transition against the viewer's permissions at the case's place; the
// route rules check the same first, so a refusal is the usual 403/404.

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

func (h *pages) servicesHome(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderServicesHome(w, r, rq, http.StatusOK, "")
}

func (h *pages) renderServicesHome(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, notFound string) {
	ctx := r.Context()
	scope := rq.Viewer.Scope(services.PermRead)
	counts, err := h.svc.Queues(ctx, scope)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d := servicesHomeData{CanIntake: rq.Viewer.Can(services.PermIntake), CanCertify: rq.Viewer.Can(services.PermCertify),
		CanManage: rq.Viewer.Can(services.PermManage), CanCards: rq.Viewer.Can(access.RegisterExport),
		NotFound: notFound, Today: h.svc.Today()}
	for _, c := range counts {
		d.Queues = append(d.Queues, queueTile{QueueCount: c, Name: queueNames[c.Queue], Href: "/services/queue?level=" + c.Queue})
	}
	overdue, more, err := h.svc.List(ctx, scope, services.Filter{Overdue: true, Limit: 10})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.OverdueRows, d.OverdueMore = h.rows(overdue), more
	if d.CanIntake {
		mine, more, err := h.svc.List(ctx, scope, services.Filter{Agent: rq.User.ID, Open: true, Limit: 10})
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		d.AgentRows, d.AgentMore = h.rows(mine), more
	}
	h.tmpl.Render(w, r, status, "services_home", web.NewPage(rq, "办事大厅", "services", d))
}

// findApplication opens a case by its tracking number (受理编号), as a
// resident hands it over at the window.
func (h *pages) findApplication(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	no := strings.TrimSpace(r.URL.Query().Get("no"))
	rq.Audit.Detail = web.Truncate("tracking: "+no, 60)
	a, err := h.svc.ByTrackingNo(r.Context(), rq.Viewer.Scope(services.PermRead), no)
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

// applicationData is the application page.
type applicationData struct {
	A           services.Application
	Phone       string // as the viewer may see it
	PersonLink  bool
	ArchiveLink bool
	Stages      []services.StageState
	Steps       []services.Step
	Row         applicationRow
	DueDays     int // working days to the legal deadline

	CanSupply   bool   // materials may be handed in here (window)
	HandleLevel string // the level whose actions the viewer may take now, "" for none
	CanCertify  bool   // a certificate may be issued for the finished case
	Certificate *services.Certificate
	Template    string // the certificate template of the item
	GrantName   string // the register tag the case grants, by name
	GrantLevel  string // the level that may end or revoke what it granted, "" for none

	Action  string       // the form that was sent back: supply, refuse, approve, return, reject
	Errors  fault.Fields // its messages, by field
	Message string       // a conflict or state message
	Form    url.Values   // what was typed
}

func (h *pages) application(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.showApplication(w, r, rq, http.StatusOK, applicationData{})
}

func (h *pages) showApplication(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d applicationData) {
	ctx := r.Context()
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	a, err := h.svc.Application(ctx, rq.Viewer.Scope(services.PermRead), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
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
		d.DueDays = h.svc.DaysLeft(a.DueOn)
	}
	d.Stages = services.ChainStates(a.Chain, a.Stage, a.Status)
	if d.Steps, err = h.svc.Steps(ctx, a); err != nil {
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
		if last := a.Chain[len(a.Chain)-1].Level; a.GrantsTag != "" && a.TagEndedOn == "" &&
			rq.Viewer.CanAt(services.HandlePerm(last), place) {
			d.GrantLevel = last
		}
		if a.Certificate == 0 && rq.Viewer.CanAt(services.PermCertify, place) {
			it, err := h.svc.Item(ctx, a.ItemCode)
			if err != nil && !errors.Is(err, services.ErrNotFound) {
				h.kit.ServerError(w, r, rq, err)
				return
			}
			d.Template = it.Certificate
			d.CanCertify = it.Certificate != ""
		}
	}
	if a.Certificate != 0 {
		c, err := h.svc.Certificate(ctx, rq.Viewer.Scope(services.PermRead), a.Certificate)
		if err == nil {
			d.Certificate = &c
		} else if !errors.Is(err, services.ErrNotFound) {
			h.kit.ServerError(w, r, rq, err)
			return
		}
	}
	if a.GrantsTag != "" {
		kinds, err := h.svc.GrantableTags(ctx)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		d.GrantName = a.GrantsTag
		for _, k := range kinds {
			if k.Code == a.GrantsTag {
				d.GrantName = k.Name
			}
		}
	}
	if d.Form == nil {
		d.Form = url.Values{}
	}
	h.tmpl.Render(w, r, status, "services_application", web.NewPage(rq, a.ItemName+" "+a.TrackingNo, "services", d))
}

// actionResult turns the outcome of a transition into the page's answer:
// a redirect with a flash message on success, the page again with the
// messages at the fields (422), the conflict or state message (409).
func (h *pages) actionResult(w http.ResponseWriter, r *http.Request, rq *web.Request, action, flash string, err error) {
	var ce *services.ConflictError
	var se *services.StateError
	d := applicationData{Action: action, Form: r.PostForm}
	switch fe := fault.FieldsOf(err); {
	case err == nil:
		id, _ := web.PathID(r)
		h.kit.Log.Info("application "+action, "application", id, "user", rq.User.ID)
		h.kit.SetFlash(w, flash)
		http.Redirect(w, r, applicationURL(id), http.StatusSeeOther)
		return
	case fe != nil:
		d.Errors = fe
		h.showApplication(w, r, rq, http.StatusUnprocessableEntity, d)
	case errors.As(err, &ce):
		d.Message = ce.Text(h.kit.When)
		d.Form = url.Values{} // the form shows the case as it is now
		h.showApplication(w, r, rq, http.StatusConflict, d)
	case errors.As(err, &se):
		d.Message = se.Error()
		h.showApplication(w, r, rq, http.StatusConflict, d)
	default:
		h.kit.Fail(w, r, rq, err)
	}
}

// supplyMaterials records materials handed in at the window later: an
// incomplete case is then accepted, a returned one goes back to its stage.
func (h *pages) supplyMaterials(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id, _ := web.PathID(r)
	_, err := h.svc.Supply(r.Context(), staff(rq), id, web.FormVersion(r), r.PostForm["received"])
	h.actionResult(w, r, rq, "supply", "supplied", err)
}

// refuseAtWindow refuses a case still waiting at the window (不予受理).
// Cases in progress are refused by their stage's handler instead.
func (h *pages) refuseAtWindow(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id, _ := web.PathID(r)
	_, err := h.svc.RefuseAtWindow(r.Context(), staff(rq), id, web.FormVersion(r), r.PostFormValue("reason"))
	h.actionResult(w, r, rq, "refuse", "rejected", err)
}

// decisionFlashes are the messages after each decision a level may take.
var decisionFlashes = map[string]string{"approve": "approved", "return": "returned", "reject": "rejected",
	"end": "grant_ended", "revoke": "grant_revoked"}

// handleStage takes the decision of a level on a case at that level's
// stage: approve (pass on or finish), return for materials, or reject.
func (h *pages) handleStage(level string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, rq *web.Request) {
		id, _ := web.PathID(r)
		action := r.PostFormValue("action")
		_, err := h.svc.Decide(r.Context(), staff(rq), level, id, web.FormVersion(r), services.Decision{Action: action,
			Note: r.PostFormValue("note"), Reason: r.PostFormValue("reason"), Materials: r.PostForm["materials"],
			Other: r.PostFormValue("other"), EndedOn: r.PostFormValue("ended_on")})
		flash, ok := decisionFlashes[action]
		var se *services.StateError
		if !ok && !errors.As(err, &se) {
			action = "" // no decision was chosen: the page asks for one
		}
		h.actionResult(w, r, rq, action, flash, err)
	}
}

// receiptPDF downloads the receipt (受理回执), or the one-time complete
// notice (一次性告知书) while materials are missing. It names the
// applicant, so it is an export of personal data: recorded before it goes
// out.
func (h *pages) receiptPDF(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	id, _ := web.PathID(r)
	a, err := h.svc.Application(ctx, rq.Viewer.Scope(services.PermRead), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	hall := a.ItemName
	if st, err := h.svc.StationOf(ctx, a.CommunityID); err == nil {
		hall = st.Name
	} else if names, err := h.org.Names(ctx, []int64{a.CommunityID}); err == nil && names[a.CommunityID] != "" {
		hall = names[a.CommunityID] + "便民服务站"
	}
	var buf bytes.Buffer
	if err := h.svc.WriteReceipt(&buf, a, hall); err != nil {
		h.kit.PDFFail(w, r, rq, err)
		return
	}
	name := "receipt-" + a.TrackingNo + ".pdf"
	if len(a.Missing()) > 0 {
		name = "notice-" + a.TrackingNo + ".pdf"
	}
	h.kit.SendPDF(w, r, rq, web.PDF{Route: "GET /services/applications/{id}/receipt.pdf", Entity: "application",
		ID: a.ID, Community: a.CommunityID, Rows: 1, Detail: "受理回执/一次性告知书", Filename: name, Body: buf.Bytes()})
}
