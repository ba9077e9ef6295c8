package registerweb

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/register"
	"shequ/internal/web"
)

const (
	pageSize = 20
	maxPage  = 250 // deeper pages mean a narrower search, not more paging
)

var householdKindOptions = []web.Option{
	{Value: register.HouseholdRegistered, Label: "户籍户"}, {Value: register.HouseholdFloating, Label: "流动户"}, {Value: register.HouseholdCollective, Label: "集体户"},
}

type searchData struct {
	Tab           string // persons, households, organisations
	Q             string
	Residence     string
	Kind          string
	Page          int
	Searched      bool
	Error         string // the message for the search box
	Persons       []web.PersonRow
	Households    []web.HouseholdRow
	Organisations []register.Organisation
	More          bool
	PrevURL       string
	NextURL       string
	ExportURL     string // the same search as a CSV file, for those who may export
	Residences    []web.Option
	HouseholdKind []web.Option
	OrgKinds      []web.Option
}

// search finds persons (by name, part of an ID number, phone or address),
// households or organisations in the user's scope. Nothing here is logged:
// the query string holds names and ID numbers.
func (h *handler) search(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	d := searchData{Tab: q.Get("tab"), Q: strings.TrimSpace(q.Get("q")), Residence: q.Get("residence"), Kind: q.Get("kind"),
		Residences: web.ResidenceOptions(), HouseholdKind: householdKindOptions, OrgKinds: orgKindOptions()}
	switch d.Tab {
	case "households", "organisations":
	default:
		d.Tab = "persons"
	}
	if _, ok := register.ResidenceNames[d.Residence]; !ok {
		d.Residence = ""
	}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = min(max(d.Page, 1), maxPage)
	// The form always sends q, even empty: its presence means "search now";
	// a bare /search shows only the form.
	d.Searched = q.Has("q")
	if !d.Searched {
		rq.Audit.Nothing = true
		h.tmpl.Render(w, r, http.StatusOK, "search", web.NewPage(rq, "查询", "search", d))
		return
	}
	// The audit log keeps what was searched for; the application log never does.
	rq.Audit.Detail = web.Truncate(d.Tab+": "+d.Q, 200)
	offset := (d.Page - 1) * pageSize
	var err error
	switch d.Tab {
	case "persons":
		var ps []register.Person
		ps, d.More, err = h.Register.SearchPersons(ctx, rq.Read(), register.PersonQuery{
			Text: d.Q, Residence: d.Residence, Limit: pageSize, Offset: offset})
		if err == nil {
			d.Persons, err = web.PersonRows(r.Context(), h.Register, h.Org, rq.Read(), ps)
			rq.Audit.Rows = len(ps)
		}
	case "households":
		if _, ok := register.HouseholdKindNames[d.Kind]; !ok {
			d.Kind = ""
		}
		var hs []register.Household
		hs, d.More, err = h.Register.SearchHouseholds(ctx, rq.Read(), register.HouseholdQuery{
			Text: d.Q, Kind: d.Kind, Limit: pageSize, Offset: offset})
		if err == nil {
			d.Households, err = web.HouseholdRows(r.Context(), h.Register, h.Org, rq.Read(), hs)
			rq.Audit.Rows = len(hs)
		}
	case "organisations":
		if _, ok := register.OrganisationKindNames[d.Kind]; !ok {
			d.Kind = ""
		}
		d.Organisations, d.More, err = h.Register.SearchOrganisations(ctx, rq.Read(), d.Q, d.Kind, pageSize, offset)
		rq.Audit.Rows = len(d.Organisations)
	}
	status := http.StatusOK
	switch fe := fault.FieldsOf(err); {
	case fe != nil:
		d.Error = fe["q"]
		if d.Error == "" {
			d.Error = fe.Error()
		}
		d.More = false
		status = http.StatusUnprocessableEntity
	case err != nil:
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.Tab == "persons" && len(d.Persons) > 0 && rq.Viewer.Can(access.RegisterExport) {
		v := url.Values{"q": {d.Q}}
		if d.Residence != "" {
			v.Set("residence", d.Residence)
		}
		d.ExportURL = "/search/export?" + v.Encode()
	}
	if d.Page > 1 {
		d.PrevURL = d.pageURL(d.Page - 1)
	}
	if d.More && d.Page < maxPage {
		d.NextURL = d.pageURL(d.Page + 1)
	}
	h.tmpl.Render(w, r, status, "search", web.NewPage(rq, "查询", "search", d))
}

func (d searchData) pageURL(page int) string {
	v := url.Values{"tab": {d.Tab}, "q": {d.Q}}
	if d.Residence != "" && d.Tab == "persons" {
		v.Set("residence", d.Residence)
	}
	if d.Kind != "" && d.Tab != "persons" {
		v.Set("kind", d.Kind)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return "/search?" + v.Encode()
}

// TabURL links to another tab keeping the words searched for.
func (d searchData) TabURL(tab string) string {
	v := url.Values{"tab": {tab}}
	if d.Searched {
		v.Set("q", d.Q)
	}
	return "/search?" + v.Encode()
}

func orgKindOptions() []web.Option {
	var out []web.Option
	for _, k := range []string{"unit", "social", "property", "enterprise", "shop", "school", "medical"} {
		out = append(out, web.Option{Value: k, Label: register.OrganisationKindNames[k]})
	}
	return out
}
