package api

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"shequ/internal/web"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/exports"
	"shequ/internal/sheets"
)

// Sharing back out (一次采集、多方共享): a department's system pulls what
// changed since its last confirmed pull, and the register in the
// department's own layout.

func (h *handler) exportRoutes(rt *web.Routes) {
	h.auth(rt, "GET /api/v1/feed", access.Rule{Perm: access.RegisterRead, Audit: audit.Export}, h.feed)
	h.auth(rt, "GET /api/v1/exports", access.Rule{Perm: exports.Perm}, h.exportTemplates)
	// The download records itself in the audit log, before it is sent.
	h.auth(rt, "GET /api/v1/exports/{template}", access.Rule{Perm: exports.Perm}, h.exportDownload)
}

// feed returns the changes since the cursor this token (its user and
// grant) last confirmed; ack confirms the cursor of an earlier answer.
func (h *handler) feed(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	var ack *int64
	if v := q.Get("ack"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			h.fail(w, r, http.StatusBadRequest, fieldError("ack", "ack 应为上次返回的 cursor"))
			return
		}
		ack = &n
	}
	limit, err := intParam(r, "limit", 100)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	cs, cursor, err := h.Exports.Pull(r.Context(), exports.Subscriber{UserID: c.User.ID, GrantID: c.Grant}, c.Read(), ack, limit)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	c.Audit.Rows, c.Audit.Detail = len(cs), "feed cursor="+strconv.FormatInt(cursor, 10)
	writeJSON(w, http.StatusOK, map[string]any{"changes": nonNil(cs), "cursor": cursor})
}

// templatesFor are the templates a caller may use: its departments'; all
// for a caller of the whole tree.
func (h *handler) templatesFor(r *http.Request, c *web.Request) ([]*exports.Template, error) {
	return h.Exports.Templates(r.Context(), exports.Departments(c.Viewer))
}

func (h *handler) exportTemplates(w http.ResponseWriter, r *http.Request, c *web.Request) {
	ts, err := h.templatesFor(r, c)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"templates": nonNil(ts)})
}

// exportDownload fills a template for the caller's scope; the download is
// audited with its row count before it is sent.
func (h *handler) exportDownload(w http.ResponseWriter, r *http.Request, c *web.Request) {
	id, err := strconv.ParseInt(r.PathValue("template"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, http.StatusBadRequest, fieldError("template", "template 应为模板 id"))
		return
	}
	ts, err := h.templatesFor(r, c)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	var t *exports.Template
	for _, x := range ts {
		if x.ID == id {
			t = x
		}
	}
	if t == nil {
		writeError(w, http.StatusNotFound, "导出模板不存在", nil)
		return
	}
	sc, _ := exports.ScopeFor(c.Viewer, t.Department)
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "xlsx" {
		h.fail(w, r, http.StatusBadRequest, fieldError("format", "format 应为 csv 或 xlsx"))
		return
	}
	f, n, err := h.Exports.Download(r.Context(), h.Audit, audit.Entry{UserID: c.User.ID, UserName: c.User.Name,
		Addr: web.ClientAddr(r), Route: "GET /api/v1/exports/{template}", Status: http.StatusOK}, sc, t, format)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	defer f.Close()
	c.Audit.Rows = n
	w.Header().Set("Content-Type", sheets.ContentType(format))
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"export.%s\"; filename*=UTF-8''%s",
		format, url.PathEscape(t.Name+"."+format)))
	io.Copy(w, f)
}
