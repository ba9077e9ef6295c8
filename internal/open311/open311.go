// Package open311 serves Open311 GeoReport v2 under /open311/v2, so that
// outside applications (a city app, a WeChat mini-program, another
// government system) can list our event categories as services, report
// residents' problems as service requests and follow them.
//
// Mapping: a service is an event 小类 (service_code = its code, group = its
// 大类) offered to the public; service_request_id is the event's id; status
// is open until the event is closed, rejected, merged or transferred;
// agency_responsible is the department it is dispatched to; expected is
// its handling deadline; status_notes the latest answer to the reporter.
// The attributes of every service are urgency (一般/紧急/特急) and private.
//
// Creating needs an api_key: an API token (shequ token create) of an
// account holding events.report where the request lies — the role
// open311_client exists for such applications. Requests are placed by
// lat/long (the grid whose boundary holds the point, and its nearest
// building), by address_id (an org unit id: a building, grid or
// community), or by address_string alone (looked up among the register's
// buildings, grids and communities; accepted unplaced at the intake
// community when it names none — see events.Store.Geocode). Reading is
// open: without a key the feed shows only what residents reported
// themselves (here or on the public page) in public, non-dispute
// categories, with the address given as community and grid, coordinates
// rounded to about 100 m, and the resident's description and photo —
// numbers in it masked — unless they asked to keep them private
// (attribute[private]=true); with a key whose account reads events it
// shows what that account sees, in full.
//
// Extensions: page and page_size on GET requests (page_size up to 1000,
// default 50); media upload as a multipart "media" part on POST (one
// photo, 10 MB, stored as the report's photo); extensions=true adds
// extended_attributes with the request's history as notes (opened,
// activity, closed) and our own status; the POST answer carries
// tracking_no, the number a resident follows and rates the request by on
// the public page.
package open311

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/workdays"
)

// Deps are what the Open311 endpoint needs.
type Deps struct {
	Events *events.Store
	Org    *orgtree.Store
	Audit  *audit.Log
	Log    *slog.Logger
	// BaseURL is the site's public address, for media_url and discovery
	// (the request's own host when empty).
	BaseURL string
}

type handler struct {
	Deps
	kit *web.Kit
}

// Routes registers /open311/v2 on rt. The routes are public: creating
// requests checks the api_key itself, as the specification puts it in the
// request.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	h := &handler{Deps: d, kit: k}
	public := access.Rule{Public: true}
	rt.Handle("GET /open311/v2/{file}", public, http.HandlerFunc(h.top))
	rt.Handle("POST /open311/v2/{file}", public, http.HandlerFunc(h.create))
	rt.Handle("GET /open311/v2/services/{file}", public, http.HandlerFunc(h.definition))
	rt.Handle("GET /open311/v2/requests/{file}", public, http.HandlerFunc(h.one))
	rt.Handle("GET /open311/v2/tokens/{file}", public, http.HandlerFunc(h.token))
	rt.Handle("GET /open311/v2/media/{request}/{photo}", public, http.HandlerFunc(h.media))
}

// split reads "name.format"; the format is json or xml.
func split(file string) (name, format string, ok bool) {
	i := strings.LastIndexByte(file, '.')
	if i < 0 {
		return file, "json", false
	}
	name, format = file[:i], file[i+1:]
	return name, format, format == "json" || format == "xml"
}

func (h *handler) base(r *http.Request) string {
	if h.BaseURL != "" {
		return strings.TrimRight(h.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (h *handler) top(w http.ResponseWriter, r *http.Request) {
	name, format, ok := split(r.PathValue("file"))
	if !ok {
		writeErrors(w, "json", http.StatusNotFound, "格式应为 .json 或 .xml")
		return
	}
	switch name {
	case "discovery":
		h.discovery(w, r, format)
	case "services":
		h.services(w, r, format)
	case "requests":
		h.requests(w, r, format)
	default:
		writeErrors(w, format, http.StatusNotFound, "没有这个接口")
	}
}

func (h *handler) discovery(w http.ResponseWriter, r *http.Request, format string) {
	write(w, format, http.StatusOK, "", discovery{
		Changeset:  "2026-11-30T00:00:00+08:00",
		Contact:    "请联系本系统管理员申请 api_key(Open311 客户端角色)",
		KeyService: h.base(r) + "/login",
		Endpoints: []endpoint{{Specification: "http://wiki.open311.org/GeoReport_v2", URL: h.base(r) + "/open311/v2",
			Changeset: "2026-11-30T00:00:00+08:00", Type: "production", Formats: []string{"application/json", "text/xml"}}},
	})
}

// jurisdiction checks the optional jurisdiction_id: an org unit's code or
// id. It returns the unit (0 for none).
func (h *handler) jurisdiction(ctx context.Context, r *http.Request) (int64, error) {
	j := strings.TrimSpace(r.FormValue("jurisdiction_id"))
	if j == "" {
		return 0, nil
	}
	if id, err := strconv.ParseInt(j, 10, 64); err == nil && len(j) < 12 {
		if _, err := h.Org.Get(ctx, id); err == nil {
			return id, nil
		}
	}
	u, err := h.Org.ByCode(ctx, j)
	if err != nil {
		return 0, errors.New("jurisdiction_id 不存在")
	}
	return u.ID, nil
}

func (h *handler) services(w http.ResponseWriter, r *http.Request, format string) {
	if _, err := h.jurisdiction(r.Context(), r); err != nil {
		writeErrors(w, format, http.StatusNotFound, err.Error())
		return
	}
	cat, err := h.Events.Catalogue(r.Context())
	if err != nil {
		h.fail(w, r, format, err)
		return
	}
	out := []service{}
	for _, p := range cat.Children("") {
		if !p.Active {
			continue
		}
		for _, c := range cat.Children(p.Code) {
			if !c.Active || !c.Public {
				continue
			}
			out = append(out, service{ServiceCode: c.Code, ServiceName: c.Name, Description: c.Description,
				Metadata: true, Type: "realtime", Keywords: p.Name + "," + c.Name, Group: p.Name})
		}
	}
	write(w, format, http.StatusOK, "services", out)
}

var urgencyAttribute = attribute{Variable: true, Code: "urgency", Datatype: "singlevaluelist", Required: false,
	DatatypeDescription: "紧急程度,默认一般", Order: 1, Description: "紧急程度",
	Values: []value{{events.UrgencyNormal, "一般"}, {events.UrgencyUrgent, "紧急"}, {events.UrgencyCritical, "特急"}}}

// privateAttribute lets the reporter keep their description and photo out
// of the public feed (the web form's "不公开我的描述").
var privateAttribute = attribute{Variable: true, Code: "private", Datatype: "singlevaluelist", Required: false,
	DatatypeDescription: "是否公开描述和照片,默认公开(其中的电话、身份证号会遮挡)", Order: 2, Description: "不公开我的描述",
	Values: []value{{"false", "公开"}, {"true", "不公开"}}}

func (h *handler) definition(w http.ResponseWriter, r *http.Request) {
	code, format, ok := split(r.PathValue("file"))
	if !ok {
		writeErrors(w, "json", http.StatusNotFound, "格式应为 .json 或 .xml")
		return
	}
	cat, err := h.Events.Catalogue(r.Context())
	if err != nil {
		h.fail(w, r, format, err)
		return
	}
	c, found := cat.Get(code)
	if !found || c.Parent == "" || !c.Public || !c.Active {
		writeErrors(w, format, http.StatusNotFound, "service_code 不存在")
		return
	}
	write(w, format, http.StatusOK, "", serviceDefinition{ServiceCode: code, Attributes: []attribute{urgencyAttribute, privateAttribute}})
}

// caller resolves an api_key into the viewer of its account, as the API
// resolves a bearer token; nil with no key.
func (h *handler) caller(r *http.Request) (*access.Viewer, accounts.User, error) {
	key := strings.TrimSpace(r.FormValue("api_key"))
	if key == "" {
		return nil, accounts.User{}, nil
	}
	rq, err := h.kit.TokenRequest(r.Context(), key, "open311")
	if err != nil {
		return nil, accounts.User{}, err
	}
	return rq.Viewer, rq.User, nil
}

func (h *handler) create(w http.ResponseWriter, r *http.Request) {
	name, format, ok := split(r.PathValue("file"))
	if !ok || name != "requests" {
		writeErrors(w, format, http.StatusNotFound, "没有这个接口")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, events.MaxUpload+1<<20)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			writeErrors(w, format, http.StatusBadRequest, "请求体无法解析")
			return
		}
	} else if err := r.ParseForm(); err != nil {
		writeErrors(w, format, http.StatusBadRequest, "请求体无法解析")
		return
	}
	ctx := r.Context()
	v, u, err := h.caller(r)
	switch {
	case errors.Is(err, accounts.ErrBadToken):
		h.Audit.Record(audit.Entry{Addr: web.ClientAddr(r), Action: audit.TokenUsed, Route: "POST /open311/v2/requests", Status: http.StatusForbidden})
		writeErrors(w, format, http.StatusForbidden, "api_key 无效或已吊销")
		return
	case err != nil:
		h.fail(w, r, format, err)
		return
	case v == nil:
		writeErrors(w, format, http.StatusForbidden, "创建请求需要 api_key")
		return
	case !v.Can(events.PermReport):
		h.Audit.Record(audit.Entry{UserID: u.ID, UserName: u.Name, Addr: web.ClientAddr(r), Action: audit.Denied,
			Route: "POST /open311/v2/requests", Status: http.StatusForbidden})
		writeErrors(w, format, http.StatusForbidden, "该 api_key 不能上报事件")
		return
	}
	unit, err := h.jurisdiction(ctx, r)
	if err != nil {
		writeErrors(w, format, http.StatusNotFound, err.Error())
		return
	}
	var msgs []string
	rep := events.Report{Category: strings.TrimSpace(r.FormValue("service_code")), Description: r.FormValue("description"),
		Address: r.FormValue("address_string"), ReporterPhone: r.FormValue("phone"),
		ReporterName: strings.TrimSpace(r.FormValue("last_name") + r.FormValue("first_name")),
		Urgency:      r.FormValue("attribute[urgency]"), ExternalRef: r.FormValue("account_id"), Within: unit}
	switch p := r.FormValue("attribute[private]"); p {
	case "", "false", "0":
	case "true", "1":
		rep.Private = true
	default:
		msgs = append(msgs, "attribute[private] 应为 true 或 false")
	}
	if rep.Category == "" {
		msgs = append(msgs, "service_code 必填")
	}
	if lat, long := r.FormValue("lat"), r.FormValue("long"); lat != "" || long != "" {
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(long, 64)
		if err1 != nil || err2 != nil || math.IsNaN(la) || math.IsNaN(lo) {
			msgs = append(msgs, "lat 和 long 应为 WGS84 经纬度数值")
		} else {
			rep.Lat, rep.Lon = &la, &lo
		}
	}
	if a := r.FormValue("address_id"); a != "" {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			msgs = append(msgs, "address_id 应为地址(楼栋、网格或社区)的数字编号")
		}
		rep.OrgID = id
	}
	if rep.OrgID == 0 && rep.Lat == nil && strings.TrimSpace(rep.Address) == "" {
		if unit != 0 {
			rep.OrgID = unit // a community given as the jurisdiction
		} else {
			msgs = append(msgs, "需要提供位置:lat/long、address_string 或 address_id")
		}
	}
	if r.MultipartForm != nil {
		if files := r.MultipartForm.File["media"]; len(files) > 0 {
			f, err := files[0].Open()
			if err == nil {
				data, _ := io.ReadAll(io.LimitReader(f, events.MaxUpload+1))
				f.Close()
				p, err := events.PreparePhoto(files[0].Filename, data)
				if err != nil {
					msgs = append(msgs, "media: "+err.Error())
				} else {
					rep.Photos = []events.Photo{p}
				}
			}
		}
	}
	if len(msgs) > 0 {
		writeErrors(w, format, http.StatusBadRequest, msgs...)
		return
	}
	e, err := h.Events.ReportFromClient(ctx, v, rep)
	if err != nil {
		h.fail(w, r, format, err)
		return
	}
	h.Audit.Record(audit.Entry{UserID: u.ID, UserName: u.Name, Addr: web.ClientAddr(r), Action: audit.Change, Entity: "event",
		EntityID: e.ID, CommunityID: e.CommunityID, Route: "POST /open311/v2/requests", Status: http.StatusCreated})
	h.Log.Info("open311 request", "event", e.ID, "user", u.ID)
	notice := "已收到,将于 " + h.kit.When(e.DueAt) + " 前受理"
	write(w, format, http.StatusCreated, "service_requests", []created{{ServiceRequestID: strconv.FormatInt(e.ID, 10),
		Token: e.Open311Token, ServiceNotice: notice, AccountID: r.FormValue("account_id"), TrackingNo: e.TrackingNo}})
}

// fieldName maps our form fields onto the specification's parameters.
func fieldName(k string) string {
	switch k {
	case "category":
		return "service_code"
	case "org", "location":
		return "lat/long/address_id"
	case "reporter_phone":
		return "phone"
	case "reporter_name":
		return "first_name/last_name"
	case "address":
		return "address_string"
	case "urgency":
		return "attribute[urgency]"
	}
	return k
}

func (h *handler) requests(w http.ResponseWriter, r *http.Request, format string) {
	ctx := r.Context()
	v, user, err := h.caller(r)
	if errors.Is(err, accounts.ErrBadToken) {
		writeErrors(w, format, http.StatusForbidden, "api_key 无效或已吊销")
		return
	}
	if err != nil {
		h.fail(w, r, format, err)
		return
	}
	unit, err := h.jurisdiction(ctx, r)
	if err != nil {
		writeErrors(w, format, http.StatusNotFound, err.Error())
		return
	}
	fq := events.FeedQuery{Unit: unit}
	q := r.URL.Query()
	var msgs []string
	if ids := q.Get("service_request_id"); ids != "" {
		for _, s := range strings.Split(ids, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil || id <= 0 {
				msgs = append(msgs, "service_request_id 应为逗号分隔的编号")
				break
			}
			fq.IDs = append(fq.IDs, id)
		}
		if len(fq.IDs) > 100 {
			msgs = append(msgs, "service_request_id 一次最多100个")
		}
	} else {
		if c := q.Get("service_code"); c != "" {
			fq.Categories = strings.Split(c, ",")
		}
		for _, p := range []struct {
			name string
			dst  *time.Time
		}{{"start_date", &fq.From}, {"end_date", &fq.To}} {
			if s := q.Get(p.name); s != "" {
				t, err := time.Parse(time.RFC3339, s)
				if err != nil {
					msgs = append(msgs, p.name+" 应为 ISO 8601 时间,如 2026-11-01T00:00:00+08:00")
				}
				*p.dst = t
			}
		}
		if !fq.From.IsZero() && !fq.To.IsZero() && fq.To.Sub(fq.From) > 90*24*time.Hour {
			msgs = append(msgs, "start_date 与 end_date 相隔不能超过90天")
		}
		if fq.From.IsZero() && fq.To.IsZero() {
			fq.From = h.Events.Now().AddDate(0, 0, -90)
		}
		switch st := q.Get("status"); st {
		case "":
		case "open", "closed":
			open := st == "open"
			fq.Open = &open
		default:
			if st != "open,closed" && st != "closed,open" {
				msgs = append(msgs, "status 应为 open 或 closed")
			}
		}
	}
	page, size := 1, 50
	if s := q.Get("page_size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			msgs = append(msgs, "page_size 应为 1 到 1000")
		}
		size = n
	}
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			msgs = append(msgs, "page 应为正整数")
		}
		page = n
	}
	if len(msgs) > 0 {
		writeErrors(w, format, http.StatusBadRequest, msgs...)
		return
	}
	fq.Limit, fq.Offset = size, (page-1)*size
	list, total, err := h.Events.Feed(ctx, v, fq)
	if err != nil {
		h.fail(w, r, format, err)
		return
	}
	h.recordLookup(r, user, "GET /open311/v2/requests", lookupTerm(q), len(list))
	out := []request{}
	for _, e := range list {
		rq, err := h.request(r, v, e, q.Get("extensions") == "true")
		if err != nil {
			h.fail(w, r, format, err)
			return
		}
		out = append(out, rq)
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	write(w, format, http.StatusOK, "service_requests", out)
}

func (h *handler) one(w http.ResponseWriter, r *http.Request) {
	name, format, ok := split(r.PathValue("file"))
	if !ok {
		writeErrors(w, "json", http.StatusNotFound, "格式应为 .json 或 .xml")
		return
	}
	id, err := strconv.ParseInt(name, 10, 64)
	if err != nil || id <= 0 {
		writeErrors(w, format, http.StatusNotFound, "service_request_id 不存在")
		return
	}
	v, user, err := h.caller(r)
	if errors.Is(err, accounts.ErrBadToken) {
		writeErrors(w, format, http.StatusForbidden, "api_key 无效或已吊销")
		return
	}
	if err != nil {
		h.fail(w, r, format, err)
		return
	}
	list, _, err := h.Events.Feed(r.Context(), v, events.FeedQuery{IDs: []int64{id}})
	if err != nil {
		h.fail(w, r, format, err)
		return
	}
	h.recordLookup(r, user, "GET /open311/v2/requests/{file}", "service_request_id="+name, len(list))
	if len(list) == 0 {
		writeErrors(w, format, http.StatusNotFound, "service_request_id 不存在")
		return
	}
	rq, err := h.request(r, v, list[0], r.URL.Query().Get("extensions") == "true")
	if err != nil {
		h.fail(w, r, format, err)
		return
	}
	write(w, format, http.StatusOK, "service_requests", []request{rq})
}

func (h *handler) token(w http.ResponseWriter, r *http.Request) {
	name, format, ok := split(r.PathValue("file"))
	if !ok {
		writeErrors(w, "json", http.StatusNotFound, "格式应为 .json 或 .xml")
		return
	}
	e, err := h.Events.GetByToken(r.Context(), name)
	if errors.Is(err, events.ErrNotFound) {
		writeErrors(w, format, http.StatusNotFound, "token 不存在")
		return
	}
	if err != nil {
		h.fail(w, r, format, err)
		return
	}
	write(w, format, http.StatusOK, "service_requests", []tokenAnswer{{ServiceRequestID: strconv.FormatInt(e.ID, 10), Token: name}})
}

// open reports whether a status counts as open for Open311.
func open(status string) bool { return !events.Final(status) }

func iso(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(workdays.Shanghai).Format(time.RFC3339)
}

// request builds the GeoReport view of an event: in full for a viewer who
// reads it, else the public fields.
func (h *handler) request(r *http.Request, v *access.Viewer, e *events.Event, ext bool) (request, error) {
	ctx := r.Context()
	cat, err := h.Events.Catalogue(ctx)
	if err != nil {
		return request{}, err
	}
	depts, err := h.Events.Departments(ctx)
	if err != nil {
		return request{}, err
	}
	steps, err := h.Events.Steps(ctx, e)
	if err != nil {
		return request{}, err
	}
	full := v != nil && events.CanSee(v, e)
	// The 小类's own name, as services lists it (not 大类/小类).
	c, _ := cat.Get(e.Category)
	name := c.Name
	if name == "" {
		name = e.Category
	}
	rq := request{ServiceRequestID: strconv.FormatInt(e.ID, 10), Status: "closed", ServiceName: name,
		ServiceCode: e.Category, AgencyResponsible: depts[e.Department], RequestedDatetime: iso(e.CreatedAt),
		UpdatedDatetime: iso(e.UpdatedAt)}
	if open(e.Status) {
		rq.Status = "open"
		if !e.HandleDueAt.IsZero() {
			rq.ExpectedDatetime = iso(e.HandleDueAt)
		}
	}
	rq.ServiceNotice = events.PublicStatus(e.Status)
	for _, st := range steps {
		if st.PublicNote != "" {
			rq.StatusNotes = st.PublicNote
		}
	}
	community, grid := "", ""
	if u, err := h.Org.Get(ctx, e.CommunityID); err == nil {
		community = u.Name
	}
	if e.GridID != 0 {
		if u, err := h.Org.Get(ctx, e.GridID); err == nil {
			grid = u.Name
		}
		rq.AddressID = strconv.FormatInt(e.GridID, 10)
	}
	if full {
		rq.Description, rq.Address, rq.Lat, rq.Long = e.Description, strings.TrimSpace(e.Address+" "+community+grid), e.Lat, e.Lon
		rq.AddressID = strconv.FormatInt(e.OrgID, 10)
	} else {
		rq.Description = events.PublicDescription(e)
		rq.Address = strings.TrimSpace(community + " " + grid)
		if e.Lat != nil {
			la, lo := math.Round(*e.Lat*1000)/1000, math.Round(*e.Lon*1000)/1000
			rq.Lat, rq.Long = &la, &lo
		}
	}
	for _, st := range steps {
		if full || st.Action == events.ActReport && !e.Private {
			for _, a := range st.Attachments {
				if a.Public || full {
					rq.MediaURL = fmt.Sprintf("%s/open311/v2/media/%d/%d.jpg", h.base(r), e.ID, a.ID)
					break
				}
			}
		}
		if rq.MediaURL != "" {
			break
		}
	}
	if ext {
		x := &extended{Status: events.StatusNames[e.Status], Notes: []note{}}
		for _, st := range steps {
			switch st.Action {
			case events.ActComment, events.ActMediate, events.ActTimeout, events.ActSupervise:
				if !full {
					continue
				}
			}
			n := note{Datetime: iso(st.CreatedAt), Type: "activity", Summary: events.ActionNames[st.Action], Description: st.PublicNote}
			if st.Action == events.ActReport {
				n.Type = "opened"
			} else if events.Final(st.ToStatus) && !events.Final(st.FromStatus) {
				n.Type = "closed"
			}
			if full && st.Note != "" {
				n.Description = strings.TrimSpace(st.PublicNote + " " + st.Note)
			}
			x.Notes = append(x.Notes, n)
		}
		rq.Extended = x
	}
	return rq, nil
}

// media serves a request's photo: the reporter's to anyone who may see the
// request in the public feed, any to a key that reads the event.
func (h *handler) media(w http.ResponseWriter, r *http.Request) {
	id, err1 := strconv.ParseInt(r.PathValue("request"), 10, 64)
	photo, err2 := strconv.ParseInt(strings.TrimSuffix(r.PathValue("photo"), ".jpg"), 10, 64)
	if err1 != nil || err2 != nil {
		http.NotFound(w, r)
		return
	}
	v, _, err := h.caller(r)
	if err != nil {
		http.Error(w, "api_key 无效", http.StatusForbidden)
		return
	}
	list, _, err := h.Events.Feed(r.Context(), v, events.FeedQuery{IDs: []int64{id}})
	if err != nil || len(list) == 0 {
		http.NotFound(w, r)
		return
	}
	e := list[0]
	a, data, err := h.Events.AttachmentData(r.Context(), e, photo)
	seen := v != nil && events.CanSee(v, e)
	if err != nil || (!a.Public || e.Private) && !seen {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(data)
}

// fail answers err by its fault kind (web.Status), in Open311's terms:
// bad input is 400 and a refused key 403, as the GeoReport v2 spec has
// clients expect, each field's message named by its Open311 parameter.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, format string, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	status := web.Status(err)
	switch fault.KindOf(err) {
	case fault.Invalid:
		var out []string
		for k, m := range fault.FieldsOf(err) {
			out = append(out, fieldName(k)+": "+m)
		}
		if len(out) == 0 {
			out = append(out, fault.Message(err))
		}
		sort.Strings(out)
		writeErrors(w, format, http.StatusBadRequest, out...)
	case fault.Unauthorized:
		writeErrors(w, format, http.StatusForbidden, fault.Message(err))
	case fault.Internal:
		h.Log.Error("open311", "method", r.Method, "path", r.URL.Path, "err", err)
		writeErrors(w, format, status, "服务器内部错误")
	default:
		writeErrors(w, format, status, fault.Message(err))
	}
}

// recordLookup adds a lookup of requests to the audit log, with what was
// asked for and how many requests came back: requests carry residents'
// words and places, whoever asks.
func (h *handler) recordLookup(r *http.Request, u accounts.User, route, term string, rows int) {
	h.Audit.Record(audit.Entry{UserID: u.ID, UserName: u.Name, Addr: web.ClientAddr(r), Action: audit.Search,
		Entity: "event", Route: route, Status: http.StatusOK, Rows: rows, Detail: audit.SearchDetail("open311", web.Truncate(term, 200))})
}

// lookupTerm is what a lookup of requests asked for, its parameters in a
// fixed order; the api_key is not among them.
func lookupTerm(q url.Values) string {
	var parts []string
	for _, k := range []string{"service_request_id", "service_code", "status", "start_date", "end_date", "jurisdiction_id", "page", "page_size"} {
		if v := q.Get(k); v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, " ")
}
