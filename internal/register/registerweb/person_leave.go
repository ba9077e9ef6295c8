package registerweb

import (
	"net/http"

	"shequ/internal/register"
	"shequ/internal/web"
)

// 迁出 or death: the person leaves the register's count with the day and,
// for a move, where to.

var personLeaveFields = []string{"status", "left_on", "left_to"}

var leaveChoices = []web.Option{{Value: "moved_out", Label: "迁出本社区"}, {Value: "deceased", Label: "死亡"}}

type personActionData struct {
	P       register.Person
	Choices []web.Option
}

func personLeaveForm(p register.Person, values map[string]string) actionForm {
	return actionForm{Title: "迁出或死亡登记", Back: "/persons/" + idString(p.ID), Version: p.Version, Values: values,
		Data: personActionData{P: p, Choices: leaveChoices}}
}

func (h *handler) personLeaveForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.personToWrite(w, r, rq)
	if !ok {
		return
	}
	f := personLeaveForm(p, map[string]string{"status": "moved_out", "left_on": today()})
	h.renderAction(w, r, rq, http.StatusOK, "person_leave", f, personLeaveFields)
}

func (h *handler) recordPersonLeaving(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.personToWrite(w, r, rq)
	if !ok {
		return
	}
	v := posted(r, personLeaveFields...)
	version := web.FormVersion(r)
	err := h.Register.RecordLeaving(r.Context(), rq.Actor, rq.Write(), register.Leaving{PersonID: p.ID, Version: version,
		Status: v["status"], On: v["left_on"], To: v["left_to"]})
	f := personLeaveForm(p, v)
	f.Version = version
	h.done(w, r, rq, err, "/persons/"+idString(p.ID), "saved", "person_leave", f, personLeaveFields)
}
