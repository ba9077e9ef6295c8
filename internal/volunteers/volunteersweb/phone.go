package volunteersweb

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/fault"
	"shequ/internal/volunteers"
	"shequ/internal/web"
)

// The volunteer's phone pages (/v/…), public routes: the volunteer is who
// the personal link's cookie names (volunteers.ByKey); forms are guarded
// by a double-submit token of their own. The pages have their own small
// layout, without the staff's navigation or session, on the same
// stylesheet; no script.

const (
	keyCookie  = "shequ_vol"      // the personal link's token
	csrfCookie = "shequ_vol_csrf" // the forms' double-submit token
	keyMaxAge  = 400 * 24 * 3600  // a year and some: a volunteer's season
)

func parsePhone() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, n := range []string{"join", "joined", "me", "shifts", "scan", "message"} {
		out[n] = template.Must(template.New(n).Funcs(funcs()).ParseFS(phoneFS, "phone/layout.html", "phone/"+n+".html"))
	}
	return out
}

type phonePage struct {
	Title string
	CSS   string
	CSRF  string
	V     *volunteers.Volunteer
	Data  any
}

func phoneHeaders(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer") // the QR's secret and the key stay out of referrers
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
		}
		next(w, r)
	}
}

func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name, title string, v *volunteers.Volunteer, data any) {
	p := &phonePage{Title: title, CSS: web.StylesheetURL(), CSRF: h.kit.PublicToken(w, r, csrfCookie), V: v, Data: data}
	var buf bytes.Buffer
	if err := h.phone[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.kit.Log.Error("volunteers: phone template", "name", name, "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (h *handler) message(w http.ResponseWriter, r *http.Request, status int, v *volunteers.Volunteer, title, msg string) {
	h.render(w, r, status, "message", title, v, msg)
}

func (h *handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.kit.Log.Error("volunteers: phone", "path", r.URL.Path, "err", err)
	http.Error(w, "服务器内部错误", http.StatusInternalServerError)
}

// SignedIn tells which volunteer a request is signed in as, by the personal
// link's cookie, for the volunteer's pages other capabilities serve (the
// certificates of service hours); it writes nothing.
func SignedIn(vs *volunteers.Service) func(*http.Request) (int64, bool) {
	return func(r *http.Request) (int64, bool) {
		c, err := r.Cookie(keyCookie)
		if err != nil {
			return 0, false
		}
		v, err := vs.ByKey(r.Context(), c.Value)
		return v.ID, err == nil
	}
}

// signedIn is the volunteer of the cookie; without one the page says how
// to sign in (and nothing else).
func (h *handler) signedIn(w http.ResponseWriter, r *http.Request) (*volunteers.Volunteer, bool) {
	c, err := r.Cookie(keyCookie)
	if err == nil {
		v, err := h.Volunteers.ByKey(r.Context(), c.Value)
		if err == nil {
			return &v, true
		}
		if !errors.Is(err, volunteers.ErrNoKey) {
			h.serverError(w, r, err)
			return nil, false
		}
		h.kit.ClearCookie(w, keyCookie)
	}
	h.render(w, r, http.StatusUnauthorized, "message", "请先登录", nil, "请打开社区发给您的个人链接登录;还不是志愿者的居民,请先在社区的志愿者登记页登记。")
	return nil, false
}

// formOK parses a phone form and checks its token.
func (h *handler) formOK(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil || !web.CleanForm(r) || !web.PublicTokenOK(r, csrfCookie) {
		h.message(w, r, http.StatusBadRequest, nil, "无法提交", "页面已过期或提交的内容无法识别,请返回重新打开页面后再提交。")
		return false
	}
	return true
}

type joinData struct {
	C       int64
	Name    string
	Unit    string
	Next    string
	Profile volunteers.Profile
	Errors  map[string]string
	Number  string
	Link    string
}

// next is where a join goes on: a scan page, else my page.
func next(s string) string {
	if strings.HasPrefix(s, "/v/scan/") && !strings.ContainsAny(s, "\\\r\n") {
		return s
	}
	return "/v/me"
}

func (h *handler) joinForm(w http.ResponseWriter, r *http.Request) {
	c, _ := strconv.ParseInt(r.URL.Query().Get("c"), 10, 64)
	u, err := h.kit.Org.Get(r.Context(), c)
	if err != nil || u.Level != "community" {
		h.message(w, r, http.StatusNotFound, nil, "志愿者登记", "请扫描社区张贴的志愿者登记二维码,或向社区索取登记链接。")
		return
	}
	h.render(w, r, http.StatusOK, "join", "志愿者登记", nil, joinData{C: c, Unit: u.Name, Next: next(r.URL.Query().Get("next")),
		Errors: map[string]string{}})
}

func (h *handler) join(w http.ResponseWriter, r *http.Request) {
	if !h.formOK(w, r) {
		return
	}
	c, _ := strconv.ParseInt(r.PostFormValue("c"), 10, 64)
	u, err := h.kit.Org.Get(r.Context(), c)
	if err != nil || u.Level != "community" {
		h.message(w, r, http.StatusNotFound, nil, "志愿者登记", "请扫描社区张贴的志愿者登记二维码,或向社区索取登记链接。")
		return
	}
	d := joinData{C: c, Unit: u.Name, Name: r.PostFormValue("name"), Next: next(r.PostFormValue("next")), Profile: profileOf(r)}
	if !h.Joins.Allow("join "+web.ClientAddr(r), "join") {
		d.Errors = map[string]string{"id_number": "提交次数过多,请30分钟后再试,或到社区登记。"}
		h.render(w, r, http.StatusTooManyRequests, "join", "志愿者登记", nil, d)
		return
	}
	// The ID number and phone are never echoed back into the page.
	v, token, err := h.Volunteers.Join(r.Context(), c, d.Name, r.PostFormValue("id_number"), r.PostFormValue("phone"), d.Profile)
	var dup *volunteers.DuplicateError
	switch fe := fault.FieldsOf(err); {
	case errors.As(err, &dup):
		d.Errors = map[string]string{"id_number": dup.Error() + "。如需重新获取个人链接,请联系社区。"}
	case fe != nil:
		d.Errors = fe
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	if err != nil {
		h.render(w, r, http.StatusUnprocessableEntity, "join", "志愿者登记", nil, d)
		return
	}
	h.kit.Log.Info("volunteers: joined", "volunteer", v.ID)
	h.kit.SetCookie(w, keyCookie, token, keyMaxAge)
	d.Number, d.Link = v.Number, h.baseURL(r)+"/v/key?k="+token
	h.render(w, r, http.StatusOK, "joined", "登记成功", &v, d)
}

// key signs the phone in with a personal link: the cookie, then my page.
// The token is in the query, which the request log does not keep.
func (h *handler) key(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("k")
	if _, err := h.Volunteers.ByKey(r.Context(), token); err != nil {
		if !errors.Is(err, volunteers.ErrNoKey) {
			h.serverError(w, r, err)
			return
		}
		h.message(w, r, http.StatusNotFound, nil, "个人链接无效", volunteers.ErrNoKey.Error())
		return
	}
	h.kit.SetCookie(w, keyCookie, token, keyMaxAge)
	http.Redirect(w, r, "/v/me", http.StatusSeeOther)
}

func (h *handler) logout(w http.ResponseWriter, r *http.Request) {
	if !h.formOK(w, r) {
		return
	}
	h.kit.ClearCookie(w, keyCookie)
	h.message(w, r, http.StatusOK, nil, "已退出", "已在本机退出。再次登录请打开您的个人链接。")
}

type meData struct {
	Coming, Past []volunteers.MyShift
	Sum          volunteers.Sum
	Ledger       []volunteers.HoursRow
	Change       map[int64][]volunteers.Shift // the shifts each coming one may change to
	Error        string
}

func (h *handler) me(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	h.renderMe(w, r, http.StatusOK, v, "")
}

func (h *handler) renderMe(w http.ResponseWriter, r *http.Request, status int, v *volunteers.Volunteer, msg string) {
	ctx := r.Context()
	d := meData{Error: msg, Change: map[int64][]volunteers.Shift{}}
	var err error
	if d.Coming, d.Past, err = h.Volunteers.MyShifts(ctx, *v); err == nil {
		if d.Sum, err = h.Volunteers.SumOf(ctx, *v); err == nil {
			d.Ledger, err = h.Volunteers.Ledger(ctx, *v, 50)
		}
	}
	for _, m := range d.Coming {
		if err == nil && m.Changeable {
			d.Change[m.ID], err = h.Volunteers.ShiftsOf(ctx, m.ID)
		}
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, status, "me", "我的志愿服务", v, d)
}

type shiftsData struct {
	Shifts []volunteers.OpenShift
	Error  string
}

func (h *handler) openShifts(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	h.renderShifts(w, r, http.StatusOK, v, "")
}

func (h *handler) renderShifts(w http.ResponseWriter, r *http.Request, status int, v *volunteers.Volunteer, msg string) {
	s, err := h.Volunteers.OpenShifts(r.Context(), *v)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, status, "shifts", "报名志愿服务", v, shiftsData{Shifts: s, Error: msg})
}

// refusal shows a refusal in Chinese on the page it came from.
func (h *handler) refusal(w http.ResponseWriter, r *http.Request, v *volunteers.Volunteer, err error, onShifts bool) {
	switch fault.KindOf(err) {
	case fault.Refused, fault.NotFound, fault.Invalid:
		if onShifts {
			h.renderShifts(w, r, http.StatusConflict, v, fault.Message(err))
		} else {
			h.renderMe(w, r, http.StatusConflict, v, fault.Message(err))
		}
	default:
		h.serverError(w, r, err)
	}
}

func (h *handler) signUp(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r)
	if !ok || !h.formOK(w, r) {
		return
	}
	if err := h.Volunteers.SignUp(r.Context(), *v, pathID(r, "shift")); err != nil {
		h.refusal(w, r, v, err, true)
		return
	}
	http.Redirect(w, r, "/v/me", http.StatusSeeOther)
}

func (h *handler) cancel(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r)
	if !ok || !h.formOK(w, r) {
		return
	}
	if err := h.Volunteers.Cancel(r.Context(), *v, pathID(r, "shift")); err != nil {
		h.refusal(w, r, v, err, false)
		return
	}
	http.Redirect(w, r, "/v/me", http.StatusSeeOther)
}

func (h *handler) change(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r)
	if !ok || !h.formOK(w, r) {
		return
	}
	to, _ := strconv.ParseInt(r.PostFormValue("to"), 10, 64)
	if err := h.Volunteers.Change(r.Context(), *v, pathID(r, "shift"), to); err != nil {
		h.refusal(w, r, v, err, false)
		return
	}
	http.Redirect(w, r, "/v/me", http.StatusSeeOther)
}

type scanData struct {
	R     volunteers.ScanResult
	Error string
	Join  string // where to register first, for someone not signed in
}

// scan is the QR's page: opened by a signed-in volunteer it checks in, and
// opened again after the service it checks out. It acts on GET because a
// phone's camera opens the link; it needs the volunteer's cookie and the
// shift's secret, and a second open within minutes is refused as a second
// check-in, so a reload does nothing twice.
func (h *handler) scan(w http.ResponseWriter, r *http.Request) {
	shift, secret := pathID(r, "shift"), r.URL.Query().Get("k")
	c, err := r.Cookie(keyCookie)
	var v volunteers.Volunteer
	if err == nil {
		v, err = h.Volunteers.ByKey(r.Context(), c.Value)
	}
	if err != nil {
		if err != http.ErrNoCookie && !errors.Is(err, volunteers.ErrNoKey) {
			h.serverError(w, r, err)
			return
		}
		sh, _, qerr := h.Volunteers.ShiftOfQR(r.Context(), shift, secret)
		if qerr != nil {
			h.message(w, r, http.StatusNotFound, nil, "签到", volunteers.ErrBadQR.Error())
			return
		}
		back := "/v/scan/" + itoa(shift) + "?k=" + secret
		h.render(w, r, http.StatusUnauthorized, "scan", "签到", nil, scanData{
			Join: "/v/join?c=" + itoa(sh.CommunityID) + "&next=" + urlEscape(back)})
		return
	}
	res, err := h.Volunteers.Scan(r.Context(), v, shift, secret)
	if err != nil {
		switch fault.KindOf(err) {
		case fault.Refused, fault.NotFound:
			h.render(w, r, http.StatusConflict, "scan", "签到", &v, scanData{Error: fault.Message(err), R: res})
		default:
			h.serverError(w, r, err)
		}
		return
	}
	title := "签到成功"
	if !res.CheckedIn {
		title = "签退成功"
	}
	h.render(w, r, http.StatusOK, "scan", title, &v, scanData{R: res})
}
