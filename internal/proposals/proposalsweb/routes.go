// Package proposalsweb serves 议事协商 on the resident's phone under
// /r/proposals: a community's matters, a matter with its counts and
// published arguments, and the vote form for a signed-in resident the
// matter's scope admits. Public routes, no script; the vote form is
// guarded by the kit's double-submit token.
package proposalsweb

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"shequ/internal/fault"
	"shequ/internal/proposals"
	"shequ/internal/residents"
	"shequ/internal/web"
	"shequ/internal/workdays"
)

//go:embed templates/*.html
var templateFS embed.FS

const csrfCookie = "shequ_proposals_csrf"

// Deps are what the pages need: the service and who a request is signed
// in as (residentsweb.SignedIn).
type Deps struct {
	Proposals *proposals.Service
	SignedIn  func(*http.Request) (residents.Resident, bool)
}

type handler struct {
	kit   *web.Kit
	d     Deps
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"status": func(s string) string { return proposals.StatusWords[s] },
	"scope":  func(s string) string { return scopeWords[s] },
	"hasID": func(xs []int64, id int64) bool {
		for _, x := range xs {
			if x == id {
				return true
			}
		}
		return false
	},
	"when": func(t time.Time) string { return t.In(workdays.Shanghai).Format("2006-01-02 15:04") },
}

var scopeWords = map[string]string{proposals.ScopeAdults: "全体成年居民", proposals.ScopeHouseholds: "所选楼栋的住户",
	proposals.ScopeOwners: "业主"}

// Routes registers the pages.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &handler{kit: k, d: d, pages: map[string]*template.Template{}}
	for _, n := range []string{"list", "matter", "receipt", "new", "yishi"} {
		h.pages[n] = template.Must(template.New(n).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+n+".html"))
	}
	k.HandlePublic(rt, "GET /r/proposals", h.list)
	k.HandlePublic(rt, "GET /r/proposals/{c}/{matter}", h.matter)
	k.HandlePublic(rt, "POST /r/proposals/{c}/{matter}/vote", h.vote)
	k.HandlePublic(rt, "GET /r/proposals/new", h.proposeForm)
	k.HandlePublic(rt, "POST /r/proposals/new", h.propose)
	k.HandlePublic(rt, "POST /r/proposals/{c}/{matter}/argue", h.argue)
	k.HandlePublic(rt, "GET /gongkai/{community}/yishi", h.accountability)
	staffRoutes(rt, k, d)
}

type page struct {
	Title string
	CSS   string
	CSRF  string
	R     *residents.Resident
	Data  any
}

func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name, title string, res *residents.Resident, data any) {
	w.Header().Set("Cache-Control", "no-store")
	p := &page{Title: title, CSS: web.StylesheetURL(), CSRF: h.kit.PublicToken(w, r, csrfCookie), R: res, Data: data}
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.kit.Log.Error("proposals: template", "name", name, "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (h *handler) resident(r *http.Request) *residents.Resident {
	if h.d.SignedIn == nil {
		return nil
	}
	if res, ok := h.d.SignedIn(r); ok {
		return &res
	}
	return nil
}

type listData struct {
	C       int64
	R       *residents.Resident
	Matters []proposals.Matter
}

// list shows a community's matters past moderation: ?c= names it, else
// the signed-in resident's.
func (h *handler) list(w http.ResponseWriter, r *http.Request) {
	res := h.resident(r)
	c, _ := strconv.ParseInt(r.URL.Query().Get("c"), 10, 64)
	if c == 0 && res != nil {
		c = res.CommunityID
	}
	if c <= 0 {
		http.Redirect(w, r, "/r/verify", http.StatusSeeOther)
		return
	}
	ms, _, err := h.d.Proposals.List(r.Context(), proposals.Filter{Communities: []int64{c}, Size: 100})
	if err != nil {
		h.kit.Log.Error("proposals: list", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	shown := ms[:0]
	for _, m := range ms {
		if m.Status != proposals.Moderation && m.Status != proposals.Rejected {
			shown = append(shown, m)
		}
	}
	h.render(w, r, http.StatusOK, "list", "议事协商", res, listData{C: c, R: res, Matters: shown})
}

type matterData struct {
	M            proposals.Matter
	For, Against []proposals.Argument
	CanVote      bool
	CanArgue     bool // a resident of the community, while deliberated or voted on
	Argued       bool // an argument was just filed for moderation
	ArgErrors    map[string]string
	Side         string
	ArgBody      string
	Note, Error  string
}

func ids(r *http.Request) (int64, int64, bool) {
	c, err1 := strconv.ParseInt(r.PathValue("c"), 10, 64)
	id, err2 := strconv.ParseInt(r.PathValue("matter"), 10, 64)
	return c, id, err1 == nil && err2 == nil && c > 0 && id > 0
}

// matterPage shows a matter to res (nil: nobody signed in), resolved once
// per request by the caller.
func (h *handler) matterPage(w http.ResponseWriter, r *http.Request, res *residents.Resident, status int, c, id int64, d matterData) {
	m, err := h.d.Proposals.Get(r.Context(), c, id)
	if err != nil || m.Status == proposals.Moderation || m.Status == proposals.Rejected {
		if err != nil && !fault.Is(err, fault.NotFound) {
			h.kit.Log.Error("proposals: matter", "err", err)
		}
		http.NotFound(w, r)
		return
	}
	d.M = m
	args, err := h.d.Proposals.Arguments(r.Context(), c, id, false)
	if err != nil {
		h.kit.Log.Error("proposals: arguments", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	for _, a := range args {
		if a.Side == proposals.For {
			d.For = append(d.For, a)
		} else {
			d.Against = append(d.Against, a)
		}
	}
	d.CanArgue = res != nil && res.CommunityID == m.CommunityID &&
		(m.Status == proposals.Open || m.Status == proposals.Voting) && !d.Argued
	if d.ArgErrors == nil {
		d.ArgErrors = map[string]string{}
	}
	open := h.d.Proposals.VotingOpen(m)
	switch {
	case !open:
	case res == nil:
		d.Note = "核验居民身份后可以投票。"
	case !proposals.Eligible(m, *res):
		d.Note = proposals.ErrNotEligible.Error()
	default:
		voted, err := h.d.Proposals.HasVoted(r.Context(), *res, m)
		if err != nil {
			h.kit.Log.Error("proposals: has voted", "err", err)
		}
		if voted {
			d.Note = "您(或您家)已就本议题投过票。"
		} else {
			d.CanVote = true
		}
	}
	h.render(w, r, status, "matter", m.Title, res, d)
}

func (h *handler) matter(w http.ResponseWriter, r *http.Request) {
	c, id, ok := ids(r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	h.matterPage(w, r, h.resident(r), http.StatusOK, c, id, matterData{})
}

func (h *handler) vote(w http.ResponseWriter, r *http.Request) {
	c, id, ok := ids(r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil || !web.CleanForm(r) || !web.PublicTokenOK(r, csrfCookie) {
		http.Error(w, "页面已过期,请返回重新打开页面后再提交。", http.StatusBadRequest)
		return
	}
	res := h.resident(r)
	b, err := h.d.Proposals.Vote(r.Context(), res, c, id, r.PostFormValue("choice"))
	if err != nil {
		status := http.StatusUnprocessableEntity
		msg := fault.Message(err)
		if fe := fault.FieldsOf(err); fe != nil {
			msg = fe["choice"]
		}
		switch {
		case errors.Is(err, proposals.ErrNoResident):
			status = http.StatusUnauthorized
		case fault.Is(err, fault.NotFound):
			http.NotFound(w, r)
			return
		case fault.Is(err, fault.Refused):
			status = http.StatusConflict
		case fault.KindOf(err) == fault.Internal:
			h.kit.Log.Error("proposals: vote", "err", err)
			http.Error(w, "服务器内部错误", http.StatusInternalServerError)
			return
		}
		h.matterPage(w, r, res, status, c, id, matterData{Error: msg})
		return
	}
	// A small receipt, not the matter page: at the peak of a vote every
	// page answering one counted, read and rendered the whole matter again.
	h.render(w, r, http.StatusOK, "receipt", "已投票", res, receiptData{C: c, ID: id, Title: b.Title, Receipt: b.Receipt})
}

type receiptData struct {
	C, ID          int64
	Title, Receipt string
}
