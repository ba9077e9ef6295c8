package partyweb

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/partymembers"
	"shequ/internal/web"
)

type membersData struct {
	Unit            orgtree.Unit
	Members         []partymembers.Member
	Active, Overdue int
	DueSoon         int
	OnlyOverdue     bool
	MayManage       bool
}

func maskedPhone(p string) string { return ident.MaskPhone(p) }

func (h *handler) members(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	scope := rq.Viewer.Scope(partymembers.PermRead)
	u, err := h.community(r, scope)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := membersData{Unit: u, OnlyOverdue: r.URL.Query().Get("overdue") == "1",
		MayManage: rq.Viewer.CanAt(partymembers.PermManage, web.UnitPlace(u))}
	all, err := h.Party.Members(r.Context(), scope, partymembers.Filter{Community: u.ID})
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	for _, m := range all {
		d.Active++
		if m.Overdue {
			d.Overdue++
		}
		if m.DueSoon {
			d.DueSoon++
		}
		if !d.OnlyOverdue || m.Overdue {
			d.Members = append(d.Members, m)
		}
	}
	rq.Audit.Rows, rq.Audit.Entity, rq.Audit.ID = len(d.Members), "unit", u.ID
	h.tmpl.Render(w, r, http.StatusOK, "members", web.NewPage(rq, u.Name+" 在职党员", "party", d))
}

type newData struct {
	Unit    orgtree.Unit
	F       map[string]string
	Errors  map[string]string
	Summary []web.ErrItem
}

var registerFields = []string{"id_number", "employer", "party_org", "phone", "reported_on", "note"}

func (h *handler) newForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, err := h.community(r, rq.Viewer.Scope(partymembers.PermManage))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "member_new", web.NewPage(rq, "在职党员报到登记", "party",
		newData{Unit: u, F: map[string]string{"id_number": r.URL.Query().Get("id_number")}, Errors: map[string]string{}}))
}

func (h *handler) register(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	r.ParseForm()
	f := map[string]string{}
	for _, k := range registerFields {
		f[k] = r.PostFormValue(k)
	}
	m, err := h.Party.Register(r.Context(), staff(rq, partymembers.PermManage), partymembers.Registration{
		IDNumber: f["id_number"], Employer: f["employer"], PartyOrg: f["party_org"], Phone: f["phone"],
		ReportedOn: f["reported_on"], Note: f["note"]})
	if fe := fault.FieldsOf(err); fe != nil {
		u, uerr := h.unitIn(r, rq.Viewer.Scope(partymembers.PermManage), r.PostFormValue("org"))
		if uerr != nil {
			h.kit.Fail(w, r, rq, uerr)
			return
		}
		h.tmpl.Render(w, r, http.StatusUnprocessableEntity, "member_new", web.NewPage(rq, "在职党员报到登记", "party",
			newData{Unit: u, F: f, Errors: fe, Summary: web.Summarize(fe, registerFields)}))
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "party_member", m.ID
	h.kit.SetFlash(w, "party_registered")
	http.Redirect(w, r, "/party-members/"+strconv.FormatInt(m.ID, 10), http.StatusSeeOther)
}

type memberData struct {
	M           partymembers.Member
	Phone       string
	IDNumber    string
	RemindedOn  string
	Reports     []partymembers.Report
	Claims      []partymembers.Claim
	Pairings    []partymembers.Pairing
	Service     []partymembers.ServiceRecord
	Evaluations []partymembers.Evaluation
	Posts       []partymembers.Post
	MayManage   bool
	Today       string
	Year        string
	FormKey     string
	F           map[string]string // values sent back
	Errors      map[string]string // by prefixed field
	Message     string            // a refusal of the whole step
	Total       int
}

func (h *handler) member(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderMember(w, r, rq, http.StatusOK, nil, nil, "")
}

func (h *handler) renderMember(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, f, errs map[string]string, msg string) {
	ctx := r.Context()
	m, err := h.Party.Member(ctx, rq.Viewer.Scope(partymembers.PermRead), pathID(r, "member"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "party_member", m.ID
	d := memberData{M: m, Phone: maskedPhone(m.Phone), IDNumber: ident.MaskID(m.IDNumber), F: f, Errors: errs, Message: msg,
		MayManage: rq.Viewer.CanAt(partymembers.PermManage, web.UnitPlace(orgtree.Unit{ID: m.CommunityID, CommunityID: m.CommunityID}))}
	if d.F == nil {
		d.F = map[string]string{}
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	d.FormKey = partymembers.NewKey()
	if d.RemindedOn, err = h.Party.RemindedOn(ctx, m); err == nil {
		if d.Reports, err = h.Party.Reports(ctx, m); err == nil {
			if d.Claims, err = h.Party.Claims(ctx, m); err == nil {
				if d.Pairings, err = h.Party.Pairings(ctx, m); err == nil {
					if d.Service, err = h.Party.ServiceOf(ctx, m, 50); err == nil {
						if d.Evaluations, err = h.Party.Evaluations(ctx, m); err == nil {
							d.Posts, err = h.Party.Posts(ctx, m.CommunityID)
						}
					}
				}
			}
		}
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	for _, s := range d.Service {
		d.Total += s.Minutes
	}
	d.Today = h.Party.Today()
	d.Year = d.Today[:4]
	h.tmpl.Render(w, r, status, "member", web.NewPage(rq, m.Name+" 在职党员", "party", d))
}

// memberAction takes a step on a member: report, edit, leave, claim,
// service, pair, grade. A field error sends the page back with the form's
// values and errors; a refusal of the step is shown above the forms.
func (h *handler) memberAction(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.act(w, r, rq, r.PathValue("act"), 0)
}

func (h *handler) memberItemAction(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.act(w, r, rq, r.PathValue("act"), pathID(r, "item"))
}

func (h *handler) act(w http.ResponseWriter, r *http.Request, rq *web.Request, act string, item int64) {
	ctx := r.Context()
	r.ParseForm()
	by := staff(rq, partymembers.PermManage)
	id := pathID(r, "member")
	form := act
	pf := func(k string) string { return r.PostFormValue(form + "-" + k) }
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	flash := "party_saved"
	var err error
	switch act {
	case "report":
		_, err = h.Party.ReportAgain(ctx, by, id, version, pf("reported_on"), pf("note"))
		flash = "party_reported"
	case "edit":
		_, err = h.Party.Update(ctx, by, id, partymembers.Change{Version: version, Employer: pf("employer"),
			PartyOrg: pf("party_org"), Phone: pf("phone"), Note: pf("note")})
	case "leave":
		_, err = h.Party.Leave(ctx, by, id, version, pf("left_on"), pf("note"))
		flash = "party_left"
	case "claims":
		if item != 0 {
			err = h.Party.EndClaim(ctx, by, id, item)
			break
		}
		post, _ := strconv.ParseInt(pf("post"), 10, 64)
		_, err = h.Party.ClaimPost(ctx, by, id, post, pf("claimed_on"))
	case "service":
		post, _ := strconv.ParseInt(pf("post"), 10, 64)
		_, err = h.Party.RecordService(ctx, by, id, partymembers.ServiceForm{Key: pf("key"), PostID: post,
			ServedOn: pf("served_on"), Hours: pf("hours"), Content: pf("content"), ByMember: pf("by_member") == "1"})
	case "pairings":
		if item != 0 {
			err = h.Party.EndPairing(ctx, by, id, item)
			break
		}
		_, err = h.Party.Pair(ctx, by, id, pf("household"), pf("started_on"), pf("note"))
	case "visit":
		form = "visit" + strconv.FormatInt(item, 10)
		_, err = h.Party.RecordPairingVisit(ctx, by, id, item, partymembers.PairVisit{Key: pf("key"),
			VisitedOn: pf("visited_on"), Met: pf("met"), Findings: pf("findings"), Hours: pf("hours")})
		flash = "party_visit"
	case "grade":
		v, _ := strconv.Atoi(pf("version"))
		err = h.Party.Grade(ctx, by, id, pf("year"), pf("grade"), pf("comment"), v)
		flash = "party_graded"
	default:
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if fe := fault.FieldsOf(err); fe != nil {
		vals := map[string]string{}
		for k, v := range r.PostForm {
			if strings.HasPrefix(k, form+"-") {
				vals[k] = v[0]
			}
		}
		h.renderMember(w, r, rq, http.StatusUnprocessableEntity, vals, prefixed(form, fe), "")
		return
	}
	var fk interface{ FaultKind() fault.Kind }
	if err != nil && errors.As(err, &fk) && fault.KindOf(err) != fault.NotFound && fault.KindOf(err) != fault.Internal {
		h.renderMember(w, r, rq, web.Status(err), nil, nil, fault.Message(err))
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "party_member", id
	h.kit.SetFlash(w, flash)
	http.Redirect(w, r, "/party-members/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
