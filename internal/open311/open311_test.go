package open311_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/orgtree"
	"shequ/internal/server"
)

func TestMain(m *testing.M) {
	accounts.SetCost(accounts.Argon2Params{Time: 1, Memory: 64, Threads: 1})
	dbtest.Main(m)
}

// client is an Open311 GeoReport v2 client written from the published
// specification (wiki.open311.org/GeoReport_v2): resources are
// <endpoint>/<resource>.<format>, POST bodies are form-encoded with the
// api_key among the parameters, lists come back as JSON arrays or as XML
// with a plural root element, errors as a list of {code, description}.
type client struct {
	t    *testing.T
	base string // the endpoint URL from discovery
	key  string
}

// The specification's objects, as a client declares them.
type specService struct {
	ServiceCode string `json:"service_code" xml:"service_code"`
	ServiceName string `json:"service_name" xml:"service_name"`
	Metadata    bool   `json:"metadata" xml:"metadata"`
	Type        string `json:"type" xml:"type"`
	Group       string `json:"group" xml:"group"`
}

type specRequest struct {
	ServiceRequestID  string   `json:"service_request_id" xml:"service_request_id"`
	Token             string   `json:"token" xml:"token"`
	ServiceNotice     string   `json:"service_notice" xml:"service_notice"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	Description       string   `json:"description" xml:"description"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	ExpectedDatetime  string   `json:"expected_datetime" xml:"expected_datetime"`
	Address           string   `json:"address" xml:"address"`
	Lat               *float64 `json:"lat" xml:"lat"`
	Long              *float64 `json:"long" xml:"long"`
	MediaURL          string   `json:"media_url" xml:"media_url"`
	TrackingNo        string   `json:"tracking_no" xml:"tracking_no"`
	Extended          *struct {
		Notes []struct {
			Datetime string `json:"datetime" xml:"datetime"`
			Type     string `json:"type" xml:"type"`
			Summary  string `json:"summary" xml:"summary"`
		} `json:"notes" xml:"notes>note"`
	} `json:"extended_attributes" xml:"extended_attributes"`
}

type specError struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

// get fetches a resource and decodes it; XML lists are unwrapped from
// their root element.
func (c *client) get(path string, q url.Values, into any) (int, http.Header) {
	c.t.Helper()
	if q == nil {
		q = url.Values{}
	}
	if c.key != "" {
		q.Set("api_key", c.key)
	}
	resp, err := http.Get(c.base + path + "?" + q.Encode())
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	c.decode(resp, path, into)
	return resp.StatusCode, resp.Header
}

func (c *client) decode(resp *http.Response, path string, into any) {
	c.t.Helper()
	b, _ := io.ReadAll(resp.Body)
	var err error
	if strings.HasSuffix(path, ".xml") {
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml") {
			c.t.Errorf("%s: content type %s", path, resp.Header.Get("Content-Type"))
		}
		err = xml.Unmarshal(b, into)
	} else {
		err = json.Unmarshal(b, into)
	}
	if err != nil {
		c.t.Fatalf("%s: %v\n%s", path, err, b)
	}
}

// post sends a form (or, with media, a multipart form) to a resource.
func (c *client) post(path string, form url.Values, media []byte, into any) int {
	c.t.Helper()
	if c.key != "" {
		form.Set("api_key", c.key)
	}
	var body io.Reader
	ctype := "application/x-www-form-urlencoded"
	if media != nil {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, vs := range form {
			for _, v := range vs {
				mw.WriteField(k, v)
			}
		}
		fw, _ := mw.CreateFormFile("media", "photo.jpg")
		fw.Write(media)
		mw.Close()
		body, ctype = &buf, mw.FormDataContentType()
	} else {
		body = strings.NewReader(form.Encode())
	}
	resp, err := http.Post(c.base+path, ctype, body)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	c.decode(resp, path, into)
	return resp.StatusCode
}

func TestGeoReportV2(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		mk := func(parent int64, level, name, code, boundary string) orgtree.Unit {
			u := orgtree.Unit{ParentID: parent, Level: level, Name: name, Code: code, Boundary: boundary}
			if err := org.Create(ctx, db, &u); err != nil {
				t.Fatal(err)
			}
			return u
		}
		district := mk(0, "district", "安塞区", "610603", "")
		street := mk(district.ID, "street", "真武洞街道", "610603100000", "")
		cb := mk(street.ID, "community", "城北社区", "610603100001", "")
		grid := mk(cb.ID, "grid", "第一网格", "", `{"type":"Polygon","coordinates":[[[109.30,36.86],[109.31,36.86],[109.31,36.87],[109.30,36.87],[109.30,36.86]]]}`)
		building := mk(grid.ID, "building", "3号楼", "", "")
		acc := accounts.NewStore(db)
		acs := access.NewService(db)
		key := func(name, role string, units ...int64) string {
			u := &accounts.User{Name: name}
			if err := acc.AddUser(ctx, nil, u, "some-password-1"); err != nil {
				t.Fatal(err)
			}
			if err := acs.AddGrant(ctx, nil, &access.Grant{UserID: u.ID, Role: role, Units: units}); err != nil {
				t.Fatal(err)
			}
			s, _, err := acc.CreateToken(ctx, name, "open311", 0)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		appKey := key("cityapp", "open311_client")
		streetKey := key("street", "street_operator", street.ID)
		auditorKey := key("auditor", "auditor")
		app := server.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Config{})
		t.Cleanup(app.Close)
		srv := httptest.NewServer(app.Handler)
		t.Cleanup(srv.Close)

		// Discovery gives the endpoint; everything else goes there.
		var disc struct {
			Endpoints []struct {
				Specification string   `json:"specification"`
				URL           string   `json:"url"`
				Formats       []string `json:"formats"`
			} `json:"endpoints"`
		}
		c := &client{t: t, base: srv.URL + "/open311/v2"}
		if code, _ := c.get("/discovery.json", nil, &disc); code != 200 || len(disc.Endpoints) != 1 ||
			!strings.Contains(disc.Endpoints[0].Specification, "GeoReport_v2") || len(disc.Endpoints[0].Formats) != 2 {
			t.Fatalf("discovery: %d %+v", code, disc)
		}
		c.base = disc.Endpoints[0].URL
		var xdisc struct {
			Endpoints []string `xml:"endpoints>endpoint>url"`
		}
		c.get("/discovery.xml", nil, &xdisc)
		if len(xdisc.Endpoints) != 1 {
			t.Errorf("discovery.xml: %+v", xdisc)
		}

		var svcs []specService
		if code, _ := c.get("/services.json", nil, &svcs); code != 200 {
			t.Fatalf("services: %d", code)
		}
		found := false
		for _, s := range svcs {
			if s.ServiceCode == "facility.lamp" && s.Group == "公用设施" && s.Metadata && s.Type == "realtime" {
				found = true
			}
		}
		if !found {
			t.Errorf("services lack 路灯不亮: %+v", svcs)
		}
		var xsvcs struct {
			Services []specService `xml:"service"`
		}
		c.get("/services.xml", nil, &xsvcs)
		if len(xsvcs.Services) != len(svcs) {
			t.Errorf("services.xml lists %d, json %d", len(xsvcs.Services), len(svcs))
		}
		var def struct {
			ServiceCode string `json:"service_code"`
			Attributes  []struct {
				Code     string `json:"code"`
				Datatype string `json:"datatype"`
				Values   []struct{ Key, Name string }
			} `json:"attributes"`
		}
		if code, _ := c.get("/services/facility.lamp.json", nil, &def); code != 200 || len(def.Attributes) != 2 ||
			def.Attributes[0].Code != "urgency" || len(def.Attributes[0].Values) != 3 || def.Attributes[1].Code != "private" {
			t.Errorf("service definition: %d %+v", code, def)
		}
		var errs []specError
		if code, _ := c.get("/services/nothing.json", nil, &errs); code != 404 || len(errs) != 1 || errs[0].Code != 404 {
			t.Errorf("unknown service: %d %+v", code, errs)
		}

		// Creating needs a key that may report.
		form := func() url.Values {
			return url.Values{"service_code": {"facility.lamp"}, "lat": {"36.865"}, "long": {"109.305"},
				"address_string": {"幸福路3号楼北侧"}, "description": {"路灯不亮已三天,联系13912345678"}, "first_name": {"梅梅"},
				"last_name": {"韩"}, "phone": {"13912345678"}, "attribute[urgency]": {"urgent"}, "jurisdiction_id": {"610603"}}
		}
		if code := c.post("/requests.json", form(), nil, &errs); code != 403 || len(errs) != 1 {
			t.Errorf("no key: %d %+v", code, errs)
		}
		c.key = auditorKey
		if code := c.post("/requests.json", form(), nil, &errs); code != 403 {
			t.Errorf("a key that cannot report: %d", code)
		}
		c.key = appKey
		bad := form()
		bad.Set("service_code", "facility")
		bad.Set("lat", "north")
		if code := c.post("/requests.json", bad, nil, &errs); code != 400 || !strings.Contains(errs[0].Description, "lat") {
			t.Errorf("bad request: %d %+v", code, errs)
		}
		bad = form()
		bad.Set("service_code", "facility")
		if code := c.post("/requests.json", bad, nil, &errs); code != 400 || !strings.Contains(errs[0].Description, "service_code") {
			t.Errorf("a 大类 as service: %d %+v", code, errs)
		}
		var made []specRequest
		if code := c.post("/requests.json", form(), nil, &made); code != 201 || len(made) != 1 || made[0].ServiceRequestID == "" ||
			made[0].Token == "" || made[0].ServiceNotice == "" || events.NormalizeTracking(made[0].TrackingNo) == "" {
			t.Fatalf("create: %d %+v", code, made)
		}
		first := made[0]

		// A second one by address_id, with a photo, answered in XML.
		img := image.NewRGBA(image.Rect(0, 0, 640, 480))
		var jb bytes.Buffer
		jpeg.Encode(&jb, img, nil)
		f2 := form()
		f2.Del("lat")
		f2.Del("long")
		f2.Set("address_id", strconv.FormatInt(building.ID, 10))
		f2.Set("service_code", "env.garbage")
		var xmade struct {
			Requests []specRequest `xml:"request"`
		}
		if code := c.post("/requests.xml", f2, jb.Bytes(), &xmade); code != 201 || len(xmade.Requests) != 1 {
			t.Fatalf("create with media: %d %+v", code, xmade)
		}
		second := xmade.Requests[0]

		// The token names the request.
		var toks []specRequest
		if code, _ := c.get("/tokens/"+first.Token+".json", nil, &toks); code != 200 || len(toks) != 1 || toks[0].ServiceRequestID != first.ServiceRequestID {
			t.Errorf("token: %d %+v", code, toks)
		}

		// Read back without a key: the public view.
		c.key = ""
		var got []specRequest
		if code, _ := c.get("/requests/"+first.ServiceRequestID+".json", url.Values{"extensions": {"true"}}, &got); code != 200 || len(got) != 1 {
			t.Fatalf("get: %d %+v", code, got)
		}
		r := got[0]
		if r.Status != "open" || r.ServiceCode != "facility.lamp" || r.Description != "路灯不亮已三天,联系139****5678" || strings.Contains(r.Address, "幸福路") ||
			r.Address != "城北社区 第一网格" || r.Lat == nil || *r.Lat != 36.865 || r.Extended == nil || len(r.Extended.Notes) != 1 ||
			r.Extended.Notes[0].Type != "opened" {
			t.Errorf("public request: %+v", r)
		}
		// With a key that reads events there: in full.
		c.key = streetKey
		c.get("/requests/"+second.ServiceRequestID+".json", nil, &got)
		if len(got) != 1 || got[0].Description != "路灯不亮已三天,联系13912345678" || got[0].MediaURL == "" {
			t.Fatalf("full request: %+v", got)
		}
		resp, err := http.Get(got[0].MediaURL + "?api_key=" + streetKey)
		if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("media: %v %v", err, resp)
		}
		resp.Body.Close()

		// Queries: several ids in XML, pages, status.
		c.key = ""
		var xlist struct {
			Requests []specRequest `xml:"request"`
		}
		c.get("/requests.xml", url.Values{"service_request_id": {first.ServiceRequestID + "," + second.ServiceRequestID}}, &xlist)
		if len(xlist.Requests) != 2 {
			t.Errorf("two ids: %+v", xlist)
		}
		var page []specRequest
		code, hdr := c.get("/requests.json", url.Values{"page_size": {"1"}, "page": {"2"}}, &page)
		if code != 200 || len(page) != 1 || hdr.Get("X-Total-Count") != "2" {
			t.Errorf("page 2 of 2: %d %d %s", code, len(page), hdr.Get("X-Total-Count"))
		}
		c.get("/requests.json", url.Values{"status": {"closed"}}, &page)
		if len(page) != 0 {
			t.Errorf("closed requests: %+v", page)
		}
		if code, _ := c.get("/requests.json", url.Values{"start_date": {"yesterday"}}, &errs); code != 400 {
			t.Errorf("bad date: %d", code)
		}

		// Our workflow moves on; the request follows.
		st := app.Events
		id, _ := strconv.ParseInt(first.ServiceRequestID, 10, 64)
		for _, a := range []events.Action{{Name: events.ActAccept, Route: events.LevelStreet}, {Name: events.ActFile},
			{Name: events.ActDispatch}, {Name: events.ActFeedback, PublicNote: "已修复"}, {Name: events.ActVerifyPass},
			{Name: events.ActClose, PublicNote: "问题已解决"}} {
			if _, err := st.Act(ctx, access.System, id, a); err != nil {
				t.Fatalf("%s: %v", a.Name, err)
			}
		}
		c.get("/requests/"+first.ServiceRequestID+".json", url.Values{"extensions": {"true"}}, &got)
		if r := got[0]; r.Status != "closed" || r.StatusNotes != "问题已解决" || r.AgencyResponsible != "城市管理" ||
			r.Extended.Notes[len(r.Extended.Notes)-1].Type != "closed" {
			t.Errorf("closed request: %+v", r)
		}
	})
}
