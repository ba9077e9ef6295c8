package web

import (
	"net/http"

	"shequ/internal/codes"
	"shequ/internal/register"
)

// What the service hall's and the imports' pages still in this package share
// with the register's pages (internal/register/registerweb): the paging of
// lists, rows of persons and households with their household and grid, the
// options of a few selects and a line of a conflict box. This file goes when
// those pages move to their capabilities.

const (
	pageSize = 20
	maxPage  = 250 // deeper pages mean a narrower search, not more paging
)

var residenceOptions = []Option{
	{register.ResidenceRegistered, "户籍"}, {register.ResidenceResident, "常住"},
	{register.ResidenceFloating, "流动"}, {register.ResidenceOverseas, "境外"},
}

// formOptions holds the options of the person form's selects that the
// hall's intake form shows too.
var formOptions = struct{ Relations []Option }{Relations: func() []Option {
	var out []Option
	for _, c := range codes.Relations() {
		out = append(out, Option{c.Code, c.Name})
	}
	return out
}()}

type fieldView struct {
	Field  string
	Label  string
	Before string
	After  string
}

type personRow struct {
	register.Person
	Household register.HouseholdBrief
	Grid      string
}

type householdRow struct {
	register.Household
	Head string
	Grid string
}

func (h *handler) personRows(r *http.Request, rq *Request, ps []register.Person) ([]personRow, error) {
	var hhIDs, gridIDs []int64
	for _, p := range ps {
		hhIDs = append(hhIDs, p.HouseholdID)
		gridIDs = append(gridIDs, p.GridID)
	}
	hhs, err := h.Register.HouseholdBriefs(r.Context(), rq.Read(), hhIDs)
	if err != nil {
		return nil, err
	}
	grids, err := h.Org.Names(r.Context(), gridIDs)
	if err != nil {
		return nil, err
	}
	rows := make([]personRow, len(ps))
	for i, p := range ps {
		rows[i] = personRow{Person: p, Household: hhs[p.HouseholdID], Grid: grids[p.GridID]}
	}
	return rows, nil
}

func (h *handler) householdRows(r *http.Request, rq *Request, hs []register.Household) ([]householdRow, error) {
	var heads, gridIDs []int64
	for _, x := range hs {
		heads = append(heads, x.HeadID)
		gridIDs = append(gridIDs, x.GridID)
	}
	names, err := h.Register.PersonNames(r.Context(), rq.Read(), heads)
	if err != nil {
		return nil, err
	}
	grids, err := h.Org.Names(r.Context(), gridIDs)
	if err != nil {
		return nil, err
	}
	rows := make([]householdRow, len(hs))
	for i, x := range hs {
		rows[i] = householdRow{Household: x, Head: names[x.HeadID], Grid: grids[x.GridID]}
	}
	return rows, nil
}
