package registerweb

import (
	"errors"
	"net/http"
	"slices"

	"shequ/internal/access"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/web"
)

type crumb struct {
	Unit orgtree.Unit
	Link bool // false above the user's own unit, which they may not open
}

type childRow struct {
	Unit orgtree.Unit
	register.Counts
}

type orgData struct {
	Unit       orgtree.Unit
	Crumbs     []crumb
	Stats      register.Stats
	Children   []childRow
	Staff      []orgtree.Staff
	StaffTotal int
	StaffRoles []orgtree.RoleCount // how many of each role, for the summary line
	StaffMore  int                 // staff left off the list
	// Above the communities only the number of staff per role is shown:
	// working out each person's workload over a district's register is slow
	// and a list of thousands helps nobody.
	StaffSummaryOnly bool
	ShowMap          bool
	// What the user may register here: a house in a building or 单元, an
	// organisation anywhere inside a community.
	CanAddHouse, CanAddOrganisation bool
	// For a building (or a 单元 of one): its register record, houses and
	// households.
	Building        *register.Building
	Houses          []register.House
	Households      []register.Household
	HouseholdsMore  bool
	Heads           map[int64]string
	HouseholdsShown bool
	CanManage       bool // the viewer keeps the tree: link to the unit's management page
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
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := orgData{Unit: unit, ShowMap: hasMap(unit), CanManage: rq.Viewer.Can(access.OrgManage)}
	if unit.CommunityID != 0 && rq.Viewer.CanAt(access.RegisterWrite, web.UnitPlace(unit)) {
		d.CanAddOrganisation = true
		d.CanAddHouse = unit.Level == orgtree.LevelBuilding || unit.Level == orgtree.LevelUnit
	}
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
	cc, err := h.Register.ChildCounts(ctx, unit, children)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, c := range children {
		d.Children = append(d.Children, childRow{Unit: c, Counts: cc[c.ID]})
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
		d.StaffRoles, d.StaffTotal, err = h.Org.StaffByRole(ctx, unit.ID)
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
			d.StaffRoles = append(d.StaffRoles, orgtree.RoleCount{Role: st.Role})
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
