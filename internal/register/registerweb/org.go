package registerweb

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/web"
)

type homeData struct {
	Unit    *orgtree.Unit  // the user's unit; nil for a viewer of the whole tree
	Places  []orgtree.Unit // every place the user's grants cover, when there are several
	Roots   []orgtree.Unit // the tops of the tree, for a viewer of the whole tree
	Stats   register.Stats
	ShowMap bool
	Menu    []web.NavItem // what the user may do, for a user without the register
	NoGrant bool          // the account has no grant at all
}

// home shows the user's places in the tree and what the register holds there.
func (h *handler) home(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d := homeData{Unit: rq.Home, Menu: h.kit.NavFor(rq.Viewer)}
	if !rq.Viewer.Can(access.RegisterRead) {
		d.Unit = nil
		d.NoGrant = len(rq.Viewer.Grants()) == 0
		h.tmpl.Render(w, r, http.StatusOK, "home", web.NewPage(rq, "首页", "home", d))
		return
	}
	switch {
	case rq.Read().Whole():
		d.Unit = nil
		roots, err := h.Org.Roots(r.Context())
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		orgtree.Sort(roots)
		d.Roots = roots
	case rq.Home != nil:
		d.ShowMap = hasMap(*rq.Home)
	default:
		places, err := h.places(r, rq)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		d.Places = places
	}
	st, err := h.Register.Stats(r.Context(), rq.Read())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.Stats = st
	h.tmpl.Render(w, r, http.StatusOK, "home", web.NewPage(rq, "首页", "home", d))
}

// hasMap reports whether a unit has grids to draw: grids themselves and
// everything above them.
func hasMap(u orgtree.Unit) bool {
	return u.Level != orgtree.LevelBuilding && u.Level != orgtree.LevelUnit
}

type rootsData struct {
	Purpose string // "org" or "map": where each root links to
	Roots   []orgtree.Unit
}

// places are the units of the user's grants that let them read the register.
func (h *handler) places(r *http.Request, rq *web.Request) ([]orgtree.Unit, error) {
	var out []orgtree.Unit
	for _, id := range rq.Read().Units() {
		u, err := h.Org.Get(r.Context(), id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	orgtree.Sort(out)
	return out, nil
}

// orgIndex opens the user's own unit, or lets the user choose among their
// places (the tops of the tree, for a viewer of all of it).
func (h *handler) orgIndex(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	if rq.Home != nil {
		http.Redirect(w, r, "/org/"+strconv.FormatInt(rq.Home.ID, 10), http.StatusSeeOther)
		return
	}
	if !rq.Read().Whole() {
		places, err := h.places(r, rq)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		h.tmpl.Render(w, r, http.StatusOK, "roots", web.NewPage(rq, "组织", "org", rootsData{Purpose: "org", Roots: places}))
		return
	}
	roots, err := h.Org.Roots(r.Context())
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if len(roots) == 1 {
		http.Redirect(w, r, "/org/"+strconv.FormatInt(roots[0].ID, 10), http.StatusSeeOther)
		return
	}
	orgtree.Sort(roots)
	h.tmpl.Render(w, r, http.StatusOK, "roots", web.NewPage(rq, "组织", "org", rootsData{Purpose: "org", Roots: roots}))
}

type crumb struct {
	Unit orgtree.Unit
	Link bool // false above the user's own unit, which they may not open
}

type roleCount struct {
	Role string
	N    int
}

type childRow struct {
	Unit orgtree.Unit
	counts
}

type orgData struct {
	Unit       orgtree.Unit
	Crumbs     []crumb
	Stats      register.Stats
	Children   []childRow
	Staff      []orgtree.Staff
	StaffTotal int
	StaffRoles []roleCount // how many of each role, for the summary line
	StaffMore  int         // staff left off the list
	// Above the communities only the number of staff per role is shown:
	// working out each person's workload over a district's register is slow
	// and a list of thousands helps nobody.
	StaffSummaryOnly bool
	ShowMap          bool
	// For a building (or a 单元 of one): its register record, houses and
	// households.
	Building        *register.Building
	Houses          []register.House
	Households      []register.Household
	HouseholdsMore  bool
	Heads           map[int64]string
	HouseholdsShown bool
}

// staffShown bounds the staff list of large units (a district has hundreds).
const staffShown = 100

// orgUnit is the org-tree browser: where the unit sits, what lies below it
// with its weight, who works there and, for a building, its houses.
func (h *handler) orgUnit(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	unit, err := h.Org.Get(ctx, id)
	if err != nil {
		h.fail(w, r, rq, err)
		return
	}
	d := orgData{Unit: unit, ShowMap: hasMap(unit)}
	path, err := h.Org.Ancestors(ctx, id)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, u := range path {
		d.Crumbs = append(d.Crumbs, crumb{Unit: u, Link: u.ID != id && visible(rq, u)})
	}
	scope, err := h.Access.Narrow(ctx, rq.Read(), id)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.Stats, err = h.Register.Stats(ctx, scope); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	children, err := h.Org.Children(ctx, id)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	orgtree.Sort(children)
	children = slices.DeleteFunc(children, func(c orgtree.Unit) bool { return !visible(rq, c) })
	cc, err := h.childCounts(ctx, unit, children)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, c := range children {
		d.Children = append(d.Children, childRow{Unit: c, counts: cc[c.ID]})
	}
	if err := h.staffSection(r, unit, &d); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if unit.Level == orgtree.LevelBuilding || unit.Level == orgtree.LevelUnit {
		if err := h.buildingParts(r, rq, scope, unit, path, &d); err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
	}
	h.tmpl.Render(w, r, http.StatusOK, "org", web.NewPage(rq, unit.Name, "org", d))
}

// staffSection lists the staff of the unit's subtree with their workload,
// or above the communities only counts them by role.
func (h *handler) staffSection(r *http.Request, unit orgtree.Unit, d *orgData) error {
	ctx := r.Context()
	if unit.CommunityID == 0 {
		d.StaffSummaryOnly = true
		var err error
		d.StaffRoles, d.StaffTotal, err = h.staffByRole(ctx, unit.ID)
		return err
	}
	staff, err := h.Org.StaffWithin(ctx, unit.ID)
	if err != nil {
		return err
	}
	d.StaffTotal = len(staff)
	byRole := map[string]int{}
	for _, st := range staff {
		if byRole[st.Role] == 0 {
			d.StaffRoles = append(d.StaffRoles, roleCount{Role: st.Role})
		}
		byRole[st.Role]++
	}
	for i := range d.StaffRoles {
		d.StaffRoles[i].N = byRole[d.StaffRoles[i].Role]
	}
	if len(staff) > staffShown {
		d.StaffMore = len(staff) - staffShown
		staff = staff[:staffShown]
	}
	d.Staff = staff
	return nil
}

// buildingParts loads a building's record, houses and households; for a
// 单元 only those of the 单元.
func (h *handler) buildingParts(r *http.Request, rq *web.Request, scope access.Scope, unit orgtree.Unit, path []orgtree.Unit, d *orgData) error {
	ctx := r.Context()
	buildingID := unit.ID
	if unit.Level == orgtree.LevelUnit {
		for _, u := range path {
			if u.Level == orgtree.LevelBuilding {
				buildingID = u.ID
			}
		}
	}
	b, err := h.Register.Building(ctx, rq.Read(), buildingID)
	switch {
	case errors.Is(err, register.ErrNotFound):
		// An org unit of building level without register details yet.
	case err != nil:
		return err
	default:
		d.Building = &b
	}
	houses, err := h.Register.HousesOfBuilding(ctx, rq.Read(), buildingID)
	if err != nil {
		return err
	}
	if unit.Level == orgtree.LevelUnit {
		houses = slices.DeleteFunc(houses, func(x register.House) bool { return x.OrgID != unit.ID })
	}
	slices.SortStableFunc(houses, func(a, b register.House) int {
		if orgtree.NaturalLess(a.Number, b.Number) {
			return -1
		}
		if orgtree.NaturalLess(b.Number, a.Number) {
			return 1
		}
		return 0
	})
	d.Houses = houses
	hs, more, err := h.Register.SearchHouseholds(ctx, scope, register.HouseholdQuery{Limit: 200})
	if err != nil {
		return err
	}
	var heads []int64
	for _, x := range hs {
		heads = append(heads, x.HeadID)
	}
	if d.Heads, err = h.Register.PersonNames(ctx, rq.Read(), heads); err != nil {
		return err
	}
	d.Households, d.HouseholdsMore, d.HouseholdsShown = hs, more, true
	return nil
}
