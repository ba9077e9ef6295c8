package orgweb

import (
	"net/http"

	"shequ/internal/orgtree"
	"shequ/internal/web"
)

var staffFields = []string{"role", "name", "phone", "started_on"}

// staffRoles are offered in the order units are staffed.
var staffRoles = []string{orgtree.RoleGridWorker, orgtree.RoleCenterHead, orgtree.RoleBuildingHead,
	orgtree.RoleGroupLeader, orgtree.RoleCommunityStaff, orgtree.RoleSecretary}

// staffForm assigns a person to the unit, offering first the role the
// unit's level is staffed with.
func (h *handler) staffForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	role := orgtree.RoleCommunityStaff
	switch p.Unit.Level {
	case orgtree.LevelGrid:
		role = orgtree.RoleGridWorker
	case orgtree.LevelBuilding, orgtree.LevelUnit:
		role = orgtree.RoleBuildingHead
	}
	p.Values = map[string]string{"role": role, "started_on": today()}
	h.renderStaff(w, r, rq, http.StatusOK, p)
}

func (h *handler) renderStaff(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, p *page) {
	p.Options = nil
	for _, role := range staffRoles {
		p.Options = append(p.Options, web.Option{Value: role, Label: orgtree.StaffRoleNames[role]})
	}
	h.tmpl.Render(w, r, status, "staff", web.NewPage(rq, "任命工作人员", "orgadmin", p))
}

func (h *handler) assign(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	p.Values = values(r, "role", "name", "phone", "started_on")
	st := orgtree.Staff{UnitID: p.Unit.ID, Role: p.Values["role"], Name: p.Values["name"], Phone: p.Values["phone"],
		StartedOn: p.Values["started_on"]}
	err := h.m.Assign(r.Context(), actor(rq), &st)
	if err == nil {
		h.done(w, r, "org-assigned", p.Unit.ID)
		return
	}
	p.Options = nil
	for _, role := range staffRoles {
		p.Options = append(p.Options, web.Option{Value: role, Label: orgtree.StaffRoleNames[role]})
	}
	h.answer(w, r, rq, p, "staff", "任命工作人员", staffFields, err)
}
