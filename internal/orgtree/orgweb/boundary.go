package orgweb

import (
	"io"
	"net/http"
	"strings"

	"shequ/internal/web"
)

// boundaryForm takes a boundary as a GeoJSON file or pasted text.
func (h *handler) boundaryForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	p.Values["boundary"] = p.Unit.Boundary
	h.tmpl.Render(w, r, http.StatusOK, "boundary", web.NewPage(rq, "网格边界", "orgadmin", p))
}

func (h *handler) boundary(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.load(w, r, rq)
	if !ok {
		return
	}
	text := r.PostFormValue("boundary")
	if f, _, err := r.FormFile("file"); err == nil {
		b, err := io.ReadAll(io.LimitReader(f, maxBoundary))
		f.Close()
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		if len(strings.TrimSpace(string(b))) > 0 {
			text = string(b)
		}
	}
	p.Values["boundary"] = text
	clear := r.PostFormValue("clear") != ""
	if clear {
		text = ""
	} else if strings.TrimSpace(text) == "" {
		h.answer(w, r, rq, p, "boundary", "网格边界", []string{"boundary"},
			fieldError("boundary", "请选择 GeoJSON 文件或粘贴边界内容"))
		return
	}
	err := h.m.SetBoundary(r.Context(), actor(rq), p.Unit.ID, web.FormVersion(r), text)
	if err == nil {
		h.done(w, r, "org-boundary", p.Unit.ID)
		return
	}
	h.answer(w, r, rq, p, "boundary", "网格边界", []string{"boundary"}, err)
}
