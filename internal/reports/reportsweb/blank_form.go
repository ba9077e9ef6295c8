package reportsweb

import (
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"shequ/internal/web"
)

// blankFormUpload stores the department's blank form of a template.
func (h *handler) blankFormUpload(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	var name string
	var data []byte
	if file, header, err := r.FormFile("file"); err == nil {
		defer file.Close()
		if data, err = io.ReadAll(file); err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		name = uploadName(header.Filename)
	}
	err := h.Reports.SaveBlankForm(r.Context(), rq.Actor.Name, t.ID, web.FormVersion(r), name, data)
	if err == nil {
		h.kit.Log.Info("report blank form uploaded", "template", t.ID, "bytes", len(data))
	}
	h.templateChanged(w, r, rq, t, err, templatePageData{Form: "upload"}, "form_uploaded", 0)
}

// uploadName is the base name of an uploaded file, as the browser named it,
// shortened to 100 characters.
func uploadName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if !utf8.ValidString(name) || name == "." || name == "/" {
		return ""
	}
	if r := []rune(name); len(r) > 100 {
		name = string(r[len(r)-100:])
	}
	return name
}

// blankFormDelete removes a template's blank form.
func (h *handler) blankFormDelete(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	err := h.Reports.DeleteBlankForm(r.Context(), rq.Actor.Name, t.ID, web.FormVersion(r))
	h.templateChanged(w, r, rq, t, err, templatePageData{Form: "upload"}, "form_deleted", 0)
}

// blankFormDownload sends the stored blank form as it was uploaded.
func (h *handler) blankFormDownload(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	t, ok := h.templateOf(w, r, rq)
	if !ok {
		return
	}
	fi, data, err := h.Reports.BlankForm(r.Context(), t.ID)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="form.xlsx"; filename*=UTF-8''`+url.PathEscape(fi.Name))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}
