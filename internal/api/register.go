package api

import (
	"net/http"
	"strconv"

	"shequ/internal/audit"
	"shequ/internal/register"
	"shequ/internal/web"
)

func (h *handler) searchPersons(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	scope, status, err := h.within(r.Context(), c, q.Get("org"))
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	limit, err := intParam(r, "limit", 20)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	offset, err := intParam(r, "offset", 0)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	residence := q.Get("residence")
	if _, ok := register.ResidenceNames[residence]; residence != "" && !ok {
		h.fail(w, r, http.StatusBadRequest, fieldError("residence", "residence 应为 registered、resident、floating 或 overseas"))
		return
	}
	c.Audit.Detail = audit.SearchDetail("persons", web.Truncate(q.Get("q"), 200))
	ps, more, err := h.Register.SearchPersons(r.Context(), scope, register.PersonQuery{
		Text: q.Get("q"), Residence: residence, Status: q.Get("status"), Limit: limit, Offset: offset})
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	c.Audit.Rows = len(ps)
	writeJSON(w, http.StatusOK, map[string]any{"persons": nonNil(ps), "more": more})
}

func (h *handler) person(w http.ResponseWriter, r *http.Request, c *web.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	if asOf := r.URL.Query().Get("as_of"); asOf != "" {
		p, found, err := h.Register.PersonAsOf(r.Context(), c.Read(), id, asOf)
		if err != nil {
			h.fail(w, r, http.StatusBadRequest, err)
			return
		}
		if !found {
			writeError(w, http.StatusNotFound, "该人员在 "+asOf+" 尚未登记", nil)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"person": p, "as_of": asOf})
		return
	}
	p, err := h.Register.Person(r.Context(), c.Read(), id)
	if err != nil {
		h.fail(w, r, http.StatusNotFound, err)
		return
	}
	tags, err := h.Register.TagsOf(r.Context(), c.Read(), p, "")
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"person": p, "tags": nonNil(tags)})
}

func (h *handler) createPerson(w http.ResponseWriter, r *http.Request, c *web.Request) {
	var p register.Person
	if err := decode(r.Body, &p); err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	p.ID, p.Version = 0, 0
	if err := h.Register.CreatePerson(r.Context(), c.Actor, c.Write(), &p); err != nil {
		h.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"person": p})
}

func (h *handler) updatePerson(w http.ResponseWriter, r *http.Request, c *web.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	var p register.Person
	if err := decode(r.Body, &p); err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	if p.Version <= 0 {
		h.fail(w, r, http.StatusBadRequest, fieldError("version", "请提供读取时的 version,用于检测并发修改"))
		return
	}
	p.ID = id
	if err := h.Register.UpdatePerson(r.Context(), c.Actor, c.Write(), &p); err != nil {
		h.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	// Answer with the person as the caller may see them, not as sent.
	if p, err = h.Register.Person(r.Context(), c.Read(), id); err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"person": p})
}

func (h *handler) history(entity string) func(http.ResponseWriter, *http.Request, *web.Request) {
	return func(w http.ResponseWriter, r *http.Request, c *web.Request) {
		id, err := pathID(r)
		if err != nil {
			h.fail(w, r, http.StatusBadRequest, err)
			return
		}
		cs, err := h.Register.History(r.Context(), c.Read().Fields(c.Place), entity, id)
		if err != nil {
			h.fail(w, r, 0, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"changes": nonNil(cs)})
	}
}

func (h *handler) searchHouseholds(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	scope, status, err := h.within(r.Context(), c, q.Get("org"))
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	limit, err1 := intParam(r, "limit", 20)
	offset, err2 := intParam(r, "offset", 0)
	if err1 != nil || err2 != nil {
		h.fail(w, r, http.StatusBadRequest, firstErr(err1, err2))
		return
	}
	kind := q.Get("kind")
	if _, ok := register.HouseholdKindNames[kind]; kind != "" && !ok {
		h.fail(w, r, http.StatusBadRequest, fieldError("kind", "kind 应为 registered、floating 或 collective"))
		return
	}
	c.Audit.Detail = audit.SearchDetail("households", web.Truncate(q.Get("q"), 200))
	hs, more, err := h.Register.SearchHouseholds(r.Context(), scope, register.HouseholdQuery{
		Text: q.Get("q"), Kind: kind, Limit: limit, Offset: offset})
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	c.Audit.Rows = len(hs)
	writeJSON(w, http.StatusOK, map[string]any{"households": nonNil(hs), "more": more})
}

func (h *handler) household(w http.ResponseWriter, r *http.Request, c *web.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	hh, err := h.Register.Household(r.Context(), c.Read(), id)
	if err != nil {
		h.fail(w, r, http.StatusNotFound, err)
		return
	}
	members, err := h.Register.Members(r.Context(), c.Read(), hh)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"household": hh, "members": nonNil(members)})
}

func (h *handler) updateHousehold(w http.ResponseWriter, r *http.Request, c *web.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	var hh register.Household
	if err := decode(r.Body, &hh); err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	if hh.Version <= 0 {
		h.fail(w, r, http.StatusBadRequest, fieldError("version", "请提供读取时的 version,用于检测并发修改"))
		return
	}
	hh.ID = id
	if err := h.Register.UpdateHousehold(r.Context(), c.Actor, c.Write(), &hh); err != nil {
		h.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	if hh, err = h.Register.Household(r.Context(), c.Read(), id); err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"household": hh})
}

func (h *handler) house(w http.ResponseWriter, r *http.Request, c *web.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	hs, err := h.Register.House(r.Context(), c.Read(), id)
	if err != nil {
		h.fail(w, r, http.StatusNotFound, err)
		return
	}
	households, err := h.Register.HouseholdsOfHouse(r.Context(), c.Read(), hs)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	rentals, err := h.Register.RentalsOfHouse(r.Context(), c.Read(), hs)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"house": hs, "households": nonNil(households), "rentals": nonNil(rentals)})
}

func (h *handler) building(w http.ResponseWriter, r *http.Request, c *web.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	b, err := h.Register.Building(r.Context(), c.Read(), id)
	if err != nil {
		h.fail(w, r, http.StatusNotFound, err)
		return
	}
	houses, err := h.Register.HousesOfBuilding(r.Context(), c.Read(), id)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"building": b, "houses": nonNil(houses)})
}

func (h *handler) searchOrganisations(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	scope, status, err := h.within(r.Context(), c, q.Get("org"))
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	limit, err1 := intParam(r, "limit", 50)
	offset, err2 := intParam(r, "offset", 0)
	if err1 != nil || err2 != nil {
		h.fail(w, r, http.StatusBadRequest, firstErr(err1, err2))
		return
	}
	c.Audit.Detail = audit.SearchDetail("organisations", web.Truncate(q.Get("q"), 200))
	os, more, err := h.Register.SearchOrganisations(r.Context(), scope, q.Get("q"), q.Get("kind"), limit, offset)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	c.Audit.Rows = len(os)
	writeJSON(w, http.StatusOK, map[string]any{"organisations": nonNil(os), "more": more})
}

func (h *handler) organisation(w http.ResponseWriter, r *http.Request, c *web.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	o, err := h.Register.Organisation(r.Context(), c.Read(), id)
	if err != nil {
		h.fail(w, r, http.StatusNotFound, err)
		return
	}
	employees, err := h.Register.Employees(r.Context(), c.Read(), id)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"organisation": o, "employees": nonNil(employees)})
}

// changes is the change feed: subscribers pass the last id they processed.
func (h *handler) changes(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	var since int64
	if v := q.Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			h.fail(w, r, http.StatusBadRequest, fieldError("since", "since 应为上次收到的最后一条变更的 id"))
			return
		}
		since = n
	}
	limit, err := intParam(r, "limit", 100)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	scope, status, err := h.within(r.Context(), c, q.Get("org"))
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	cs, next, err := h.Register.Feed(r.Context(), scope, since, limit)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	c.Audit.Rows, c.Audit.Detail = len(cs), "since="+strconv.FormatInt(since, 10)
	writeJSON(w, http.StatusOK, map[string]any{"changes": nonNil(cs), "next_since": next})
}

// asOf reads the register as it stood at the end of a past date.
func (h *handler) asOf(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	if q.Get("date") == "" {
		h.fail(w, r, http.StatusBadRequest, fieldError("date", "请提供 date=YYYY-MM-DD"))
		return
	}
	entity := q.Get("entity")
	if entity == "" {
		entity = "person"
	}
	var after int64
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			h.fail(w, r, http.StatusBadRequest, fieldError("after", "after 应为上一页最后一行的 id"))
			return
		}
		after = n
	}
	limit, err := intParam(r, "limit", 100)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	scope, status, err := h.within(r.Context(), c, q.Get("org"))
	if err != nil {
		h.fail(w, r, status, err)
		return
	}
	rows, err := h.Register.AsOf(r.Context(), scope, entity, q.Get("date"), after, limit)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	var last int64
	if len(rows) > 0 {
		last = rows[len(rows)-1].ID
	}
	c.Audit.Rows, c.Audit.Detail = len(rows), entity+"@"+q.Get("date")
	writeJSON(w, http.StatusOK, map[string]any{"date": q.Get("date"), "entity": entity, "rows": nonNil(rows), "next_after": last})
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
