package registerweb

import (
	"net/http"

	"shequ/internal/register"
	"shequ/internal/web"
)

// An organisation's employees (从业人员): a registered resident named by the
// ID number on the employer's staff list, and the end of their employment.

var employeeAddFields = []string{"id_number", "occupation"}

func (h *handler) organisationToWrite(w http.ResponseWriter, r *http.Request, rq *web.Request) (register.Organisation, bool) {
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return register.Organisation{}, false
	}
	o, err := h.Register.Organisation(r.Context(), rq.Write(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return o, false
	}
	return o, true
}

func (h *handler) employeeAddForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	o, ok := h.organisationToWrite(w, r, rq)
	if !ok {
		return
	}
	f := actionForm{Title: "登记从业人员", Back: "/organisations/" + idString(o.ID), Values: map[string]string{}, Data: o}
	h.renderAction(w, r, rq, http.StatusOK, "employee_add", f, employeeAddFields)
}

func (h *handler) addEmployee(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	o, ok := h.organisationToWrite(w, r, rq)
	if !ok {
		return
	}
	v := posted(r, employeeAddFields...)
	_, err := h.Register.AddEmployee(r.Context(), rq.Actor, rq.Write(), register.Employment{OrganisationID: o.ID,
		IDNumber: v["id_number"], Occupation: v["occupation"]})
	// The ID number typed is not shown back on success; on an error it is,
	// as typed, to the user who typed it.
	f := actionForm{Title: "登记从业人员", Back: "/organisations/" + idString(o.ID), Values: v, Data: o}
	h.done(w, r, rq, err, "/organisations/"+idString(o.ID), "added", "employee_add", f, employeeAddFields)
}

// endEmployee ends an employment from the organisation's list of employees;
// the list carries each person's version.
func (h *handler) endEmployee(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	o, ok := h.organisationToWrite(w, r, rq)
	if !ok {
		return
	}
	pid, ok := pathInt64(r, "person")
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	err := h.Register.EndEmployment(r.Context(), rq.Actor, rq.Write(), o.ID, pid, web.FormVersion(r))
	if err != nil {
		// No form to send back: the list is shown again by the error page
		// with the reason (a conflict says someone changed the person).
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "saved")
	http.Redirect(w, r, "/organisations/"+idString(o.ID), http.StatusSeeOther)
}
