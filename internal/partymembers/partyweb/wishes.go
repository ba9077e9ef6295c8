package partyweb

import (
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/partymembers"
	"shequ/internal/web"
)

type wishesData struct {
	Unit      orgtree.Unit
	State     string
	States    []string
	Wishes    []partymembers.Wish
	Counts    map[string]int
	Overdue   int
	MayManage bool
	F         map[string]string
	Errors    map[string]string
	Summary   []web.ErrItem
}

var wishFields = []string{"id_number", "title", "content", "deadline_on"}

func (h *handler) wishes(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderWishes(w, r, rq, http.StatusOK, r.URL.Query().Get("org"), nil, nil)
}

func (h *handler) renderWishes(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, org string, f, errs map[string]string) {
	u, err := h.unitIn(r, rq.Viewer.Scope(partymembers.PermRead), org)
	if err == nil && u.Level != orgtree.LevelCommunity {
		err = fault.New(fault.NotFound, "请选择一个社区")
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := wishesData{Unit: u, State: r.URL.Query().Get("state"), Counts: map[string]int{},
		States:    []string{partymembers.WishOpen, partymembers.WishClaimed, partymembers.WishFulfilled, partymembers.WishConfirmed, partymembers.WishCancelled},
		MayManage: rq.Viewer.CanAt(partymembers.PermManage, web.UnitPlace(u)), F: f, Errors: errs}
	if d.F == nil {
		d.F = map[string]string{}
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	} else {
		d.Summary = web.Summarize(errs, wishFields)
	}
	all, err := h.Party.Wishes(r.Context(), u.ID, "")
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	for _, x := range all {
		d.Counts[x.Status]++
		if x.Overdue {
			d.Overdue++
		}
		if d.State == "" || d.State == x.Status || (d.State == "overdue" && x.Overdue) {
			d.Wishes = append(d.Wishes, x)
		}
	}
	rq.Audit.Rows, rq.Audit.Entity, rq.Audit.ID = len(d.Wishes), "unit", u.ID
	h.tmpl.Render(w, r, status, "wishes", web.NewPage(rq, u.Name+" 微心愿", "party", d))
}

func (h *handler) postWish(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	r.ParseForm()
	f := map[string]string{}
	for _, k := range wishFields {
		f[k] = r.PostFormValue(k)
	}
	org, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	wish, err := h.Party.PostWish(r.Context(), staff(rq, partymembers.PermManage), partymembers.WishForm{Community: org,
		IDNumber: f["id_number"], Title: f["title"], Content: f["content"], DeadlineOn: f["deadline_on"]})
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderWishes(w, r, rq, http.StatusUnprocessableEntity, r.PostFormValue("org"), f, fe)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "party_wish", wish.ID
	h.kit.SetFlash(w, "party_wish_posted")
	http.Redirect(w, r, "/party-wishes/"+strconv.FormatInt(wish.ID, 10), http.StatusSeeOther)
}

type wishData struct {
	W         partymembers.Wish
	Steps     []partymembers.WishStep
	Members   []partymembers.Member
	MayManage bool
	Today     string
	F         map[string]string
	Errors    map[string]string
	Message   string
}

func (h *handler) wish(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderWish(w, r, rq, http.StatusOK, nil, nil, "")
}

func (h *handler) renderWish(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, f, errs map[string]string, msg string) {
	ctx := r.Context()
	x, err := h.Party.Wish(ctx, rq.Viewer.Scope(partymembers.PermRead), pathID(r, "wish"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "party_wish", x.ID
	d := wishData{W: x, F: f, Errors: errs, Message: msg, Today: h.Party.Today(),
		MayManage: rq.Viewer.CanAt(partymembers.PermManage, web.UnitPlace(orgtree.Unit{ID: x.CommunityID, CommunityID: x.CommunityID}))}
	if d.F == nil {
		d.F = map[string]string{}
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	if d.Steps, err = h.Party.Timeline(ctx, x); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if d.MayManage && x.Status == partymembers.WishOpen {
		if d.Members, err = h.Party.Members(ctx, rq.Viewer.Scope(partymembers.PermManage),
			partymembers.Filter{Community: x.CommunityID}); err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
	}
	h.tmpl.Render(w, r, status, "wish", web.NewPage(rq, "微心愿:"+x.Title, "party", d))
}

// stepWish takes the step the button names (action) with its form's
// fields, prefixed by the action.
func (h *handler) stepWish(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	r.ParseForm()
	act := r.PostFormValue("action")
	pf := func(k string) string { return r.PostFormValue(act + "-" + k) }
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	member, _ := strconv.ParseInt(pf("member"), 10, 64)
	id := pathID(r, "wish")
	_, err := h.Party.Step(r.Context(), staff(rq, partymembers.PermManage), id, partymembers.Move{Action: act,
		Version: version, MemberID: member, Day: pf("day"), Hours: pf("hours"), Note: pf("note")})
	if fe := fault.FieldsOf(err); fe != nil {
		vals := map[string]string{}
		for k, v := range r.PostForm {
			if strings.HasPrefix(k, act+"-") {
				vals[k] = v[0]
			}
		}
		h.renderWish(w, r, rq, http.StatusUnprocessableEntity, vals, prefixed(act, fe), "")
		return
	}
	switch fault.KindOf(err) {
	case fault.Illegal, fault.Conflict, fault.Invalid:
		// A step the state does not allow, or taken meanwhile by another:
		// the page says so and shows the wish as it is now.
		h.renderWish(w, r, rq, web.Status(err), nil, nil, fault.Message(err))
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "party_wish", id
	h.kit.SetFlash(w, "party_wish_step")
	http.Redirect(w, r, "/party-wishes/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
