package socialorgsweb

import (
	"net/http"
	"strconv"

	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/socialorgs"
	"shequ/internal/web"
)

type listData struct {
	Unit   orgtree.Unit
	Filter socialorgs.Filter
	Orgs   []socialorgs.Org
	Filed  int
	Total  int
	Manage bool
}

func (h *handler) list(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.community(r, rq, socialorgs.PermRead)
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	q := r.URL.Query()
	d := listData{Unit: u, Filter: socialorgs.Filter{Kind: q.Get("kind"), Status: q.Get("status"), Hub: q.Get("hub") == "1",
		Query: q.Get("q")}, Manage: staff(rq, socialorgs.PermManage).May(u.ID)}
	var err error
	if d.Orgs, err = h.Orgs.List(r.Context(), staff(rq, socialorgs.PermRead), u.ID, d.Filter); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	for _, o := range d.Orgs {
		if o.Status == "filed" {
			d.Filed++
		}
	}
	d.Total = len(d.Orgs)
	h.tmpl.Render(w, r, http.StatusOK, "socialorgs", web.NewPage(rq, u.Name+" 社会组织", "socialorgs", d))
}

type formData struct {
	Unit   orgtree.Unit
	Org    socialorgs.Org // the organisation edited (ID 0: a new one)
	Draft  socialorgs.Draft
	Others []socialorgs.Org
	Teams  []socialorgs.Ref
	// Leaders are whom the leader may be: the current members.
	Leaders []socialorgs.Member
	Errors  map[string]string
}

func (h *handler) newForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderNew(w, r, rq, http.StatusOK, socialorgs.Draft{Kind: r.URL.Query().Get("kind")}, nil)
}

func (h *handler) renderNew(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, dr socialorgs.Draft, errs map[string]string) {
	u, ok := h.community(r, rq, socialorgs.PermManage)
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	d := formData{Unit: u, Draft: dr, Errors: errs}
	var err error
	if d.Others, err = h.Orgs.List(r.Context(), staff(rq, socialorgs.PermManage), u.ID, socialorgs.Filter{}); err == nil {
		d.Teams, err = h.Orgs.Teams(r.Context(), u.ID)
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	h.tmpl.Render(w, r, status, "socialorg_form", web.NewPage(rq, "登记社会组织", "socialorgs", d))
}

func (h *handler) create(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.community(r, rq, socialorgs.PermManage)
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	dr := draftOf(r)
	o, err := h.Orgs.Create(r.Context(), staff(rq, socialorgs.PermManage), u.ID, dr)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderNew(w, r, rq, http.StatusUnprocessableEntity, dr, fe)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "socialorg_saved")
	http.Redirect(w, r, "/social-orgs/"+itoa(o.ID), http.StatusSeeOther)
}

type pageData struct {
	formData
	Members    []socialorgs.Member
	Activities []socialorgs.Activity
	History    []socialorgs.Change
	Year       int
	Who        string              // the name searched for a new member
	Matches    []socialorgs.Person // the register's persons of that name
	Activity   socialorgs.Activity // the activity form as posted
	Manage     bool
}

func (h *handler) page(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderPage(w, r, rq, http.StatusOK, pageData{Who: r.URL.Query().Get("who")}, nil)
}

// renderPage shows an organisation; dr non-nil is the edit form as posted.
func (h *handler) renderPage(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d pageData, dr *socialorgs.Draft) {
	ctx := r.Context()
	st := staff(rq, socialorgs.PermRead)
	o, err := h.Orgs.Org(ctx, st, pathID(r, "so"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.Org, d.Year = o, h.Orgs.Now().Year()
	d.Manage = staff(rq, socialorgs.PermManage).May(o.CommunityID)
	if d.Unit, err = h.kit.Org.Get(ctx, o.CommunityID); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if dr != nil {
		d.Draft = *dr
	} else {
		d.Draft = socialorgs.Draft{Name: o.Name, Kind: o.Kind, Status: o.Status, FilingNumber: o.FilingNumber,
			FiledOn: o.FiledOn, DissolvedOn: o.DissolvedOn, LeaderID: o.LeaderID, Hub: o.Hub, TeamID: o.TeamID, Purpose: o.Purpose}
		for _, s := range o.Supports {
			d.Draft.Supports = append(d.Draft.Supports, s.ID)
		}
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	if d.Members, err = h.Orgs.Members(ctx, st, o.ID, true); err == nil {
		if d.Activities, err = h.Orgs.Activities(ctx, st, o.ID, d.Year); err == nil {
			if d.History, err = h.Orgs.History(ctx, st, o.ID); err == nil {
				if d.Others, err = h.Orgs.List(ctx, st, o.CommunityID, socialorgs.Filter{}); err == nil {
					d.Teams, err = h.Orgs.Teams(ctx, o.CommunityID)
				}
			}
		}
	}
	for _, m := range d.Members {
		if m.LeftOn == "" {
			d.Leaders = append(d.Leaders, m)
		}
	}
	if err == nil && d.Manage && d.Who != "" {
		d.Matches, err = h.Orgs.FindPersons(ctx, staff(rq, socialorgs.PermManage), o.CommunityID, d.Who)
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, status, "socialorg", web.NewPage(rq, o.Name, "socialorgs", d))
}

func (h *handler) edit(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	dr := draftOf(r)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	o, err := h.Orgs.Update(r.Context(), staff(rq, socialorgs.PermManage), pathID(r, "so"), version, dr)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderPage(w, r, rq, http.StatusUnprocessableEntity, pageData{formData: formData{Errors: fe}}, &dr)
		return
	}
	if fault.Is(err, fault.Conflict) {
		h.renderPage(w, r, rq, http.StatusConflict, pageData{formData: formData{Errors: map[string]string{"form": fault.Message(err)}}}, nil)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "socialorg_saved")
	http.Redirect(w, r, "/social-orgs/"+itoa(o.ID), http.StatusSeeOther)
}

func (h *handler) join(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	person, _ := strconv.ParseInt(r.PostFormValue("person"), 10, 64)
	id := pathID(r, "so")
	_, err := h.Orgs.Join(r.Context(), staff(rq, socialorgs.PermManage), id, person, r.PostFormValue("role"), r.PostFormValue("joined_on"))
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderPage(w, r, rq, http.StatusUnprocessableEntity, pageData{formData: formData{Errors: fe}}, nil)
		return
	}
	if fault.Is(err, fault.Conflict) {
		h.renderPage(w, r, rq, http.StatusConflict, pageData{formData: formData{Errors: map[string]string{"person": fault.Message(err)}}}, nil)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "socialorg_member_saved")
	http.Redirect(w, r, "/social-orgs/"+itoa(id)+"#members", http.StatusSeeOther)
}

func (h *handler) leave(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id := pathID(r, "so")
	member, _ := strconv.ParseInt(r.PostFormValue("member"), 10, 64)
	err := h.Orgs.Leave(r.Context(), staff(rq, socialorgs.PermManage), id, member, r.PostFormValue("left_on"))
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderPage(w, r, rq, http.StatusUnprocessableEntity, pageData{formData: formData{Errors: fe}}, nil)
		return
	}
	if fault.Is(err, fault.NotFound) {
		h.renderPage(w, r, rq, http.StatusUnprocessableEntity, pageData{formData: formData{Errors: map[string]string{"member": fault.Message(err)}}}, nil)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "socialorg_member_left")
	http.Redirect(w, r, "/social-orgs/"+itoa(id)+"#members", http.StatusSeeOther)
}

func (h *handler) record(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id := pathID(r, "so")
	a := socialorgs.Activity{Title: r.PostFormValue("title"), Place: r.PostFormValue("place"), HeldOn: r.PostFormValue("held_on")}
	a.Participants, _ = strconv.Atoi(r.PostFormValue("participants"))
	for _, v := range r.PostForm["members"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			a.PersonIDs = append(a.PersonIDs, n)
		}
	}
	_, err := h.Orgs.Record(r.Context(), staff(rq, socialorgs.PermManage), id, a)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderPage(w, r, rq, http.StatusUnprocessableEntity, pageData{formData: formData{Errors: fe}, Activity: a}, nil)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "socialorg_activity_saved")
	http.Redirect(w, r, "/social-orgs/"+itoa(id)+"#activities", http.StatusSeeOther)
}

type publicData struct {
	Unit orgtree.Unit
	Orgs []socialorgs.Public
}

// public is a community's filed organisations for anyone: names, kinds,
// filing, member and activity counts; no person.
func (h *handler) public(w http.ResponseWriter, r *http.Request) {
	u, err := h.kit.Org.Get(r.Context(), pathID(r, "org"))
	if err != nil || u.Level != orgtree.LevelCommunity {
		h.kit.ErrorPage(w, r, nil, http.StatusNotFound)
		return
	}
	orgs, err := h.Orgs.PublicList(r.Context(), u.ID)
	if err != nil {
		h.kit.ServerError(w, r, nil, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "socialorgs_public", &web.Page{Title: u.Name + " 社区社会组织", Data: publicData{Unit: u, Orgs: orgs}})
}
