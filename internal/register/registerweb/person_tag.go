package registerweb

import (
	"net/http"

	"shequ/internal/register"
	"shequ/internal/web"
)

// A special-group tag (低保, 独居老人, 残疾 …) added with its first day and
// the evidence it rests on, and ended with its last day and why.

var tagAddFields = []string{"tag", "started_on", "ended_on", "evidence", "note"}
var tagEndFields = []string{"ended_on", "evidence"}

// tagChoices are the kinds of tag the user may add at the person.
func (h *handler) tagChoices(r *http.Request, rq *web.Request, p register.Person) ([]web.Option, error) {
	kinds, err := h.Register.TagKinds(r.Context())
	if err != nil {
		return nil, err
	}
	f := rq.Write().Fields(p.Place())
	var out []web.Option
	for _, k := range kinds {
		if f.CanEditTag(k.Code) {
			out = append(out, web.Option{Value: k.Code, Label: k.Name})
		}
	}
	return out, nil
}

func (h *handler) tagAddForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.personToWrite(w, r, rq)
	if !ok {
		return
	}
	choices, err := h.tagChoices(r, rq, p)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	f := actionForm{Title: "添加标签", Back: "/persons/" + idString(p.ID), Values: map[string]string{"started_on": today()},
		Data: personActionData{P: p, Choices: choices}}
	h.renderAction(w, r, rq, http.StatusOK, "tag_add", f, tagAddFields)
}

func (h *handler) addTag(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.personToWrite(w, r, rq)
	if !ok {
		return
	}
	choices, err := h.tagChoices(r, rq, p)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	v := posted(r, tagAddFields...)
	t := register.Tag{PersonID: p.ID, Tag: v["tag"], StartedOn: v["started_on"], EndedOn: v["ended_on"],
		Evidence: v["evidence"], Note: v["note"]}
	err = h.Register.AddTag(r.Context(), rq.Actor, rq.Write(), &t)
	f := actionForm{Title: "添加标签", Back: "/persons/" + idString(p.ID), Values: v, Data: personActionData{P: p, Choices: choices}}
	h.done(w, r, rq, err, "/persons/"+idString(p.ID), "added", "tag_add", f, tagAddFields)
}

type tagEndData struct {
	P register.Person
	T register.Tag
}

func (h *handler) tagToEnd(w http.ResponseWriter, r *http.Request, rq *web.Request) (register.Person, register.Tag, bool) {
	p, ok := h.personToWrite(w, r, rq)
	if !ok {
		return p, register.Tag{}, false
	}
	tid, ok := pathInt64(r, "tag")
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return p, register.Tag{}, false
	}
	t, err := h.Register.Tag(r.Context(), rq.Write(), p.ID, tid)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return p, t, false
	}
	return p, t, true
}

func (h *handler) tagEndForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, t, ok := h.tagToEnd(w, r, rq)
	if !ok {
		return
	}
	f := actionForm{Title: "结束标签", Back: "/persons/" + idString(p.ID), Version: t.Version,
		Values: map[string]string{"ended_on": today()}, Data: tagEndData{P: p, T: t}}
	h.renderAction(w, r, rq, http.StatusOK, "tag_end", f, tagEndFields)
}

func (h *handler) endTag(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, t, ok := h.tagToEnd(w, r, rq)
	if !ok {
		return
	}
	v := posted(r, tagEndFields...)
	version := web.FormVersion(r)
	err := h.Register.CloseTag(r.Context(), rq.Actor, rq.Write(), register.TagEnding{TagID: t.ID, PersonID: p.ID, Version: version,
		EndedOn: v["ended_on"], Evidence: v["evidence"]})
	f := actionForm{Title: "结束标签", Back: "/persons/" + idString(p.ID), Version: version, Values: v, Data: tagEndData{P: p, T: t}}
	h.done(w, r, rq, err, "/persons/"+idString(p.ID), "saved", "tag_end", f, tagEndFields)
}
