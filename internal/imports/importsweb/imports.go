package importsweb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/fault"
	"shequ/internal/imports"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/sheets"
	"shequ/internal/web"
)

// Imports (导入): upload a department's list, map its columns, follow the
// import running in the background, download the rows it could not take,
// and decide the conflict queue.

type importsIndexData struct {
	Imports     []*imports.Import
	Departments []web.Option
	Units       []web.Option
	Department  string
	Unit        string
	Errors      map[string]string
	Summary     []web.ErrItem
	Open        int
	MaxMB       int64
	MaxRows     int
}

// targets are the units v may import into: the communities of v's scope
// and, for a viewer of the whole tree, the units above them.
func (h *handler) importTargets(ctx context.Context, v *access.Viewer) ([]web.Option, error) {
	sc := v.Scope(imports.PermImport)
	var units []orgtree.Unit
	if sc.Whole() {
		roots, err := h.kit.Org.Roots(ctx)
		if err != nil {
			return nil, err
		}
		for _, root := range roots {
			units = append(units, root)
			for _, level := range []string{orgtree.LevelDistrict, orgtree.LevelStreet, orgtree.LevelCommunity} {
				below, err := h.kit.Org.Descendants(ctx, root.ID, level)
				if err != nil {
					return nil, err
				}
				units = append(units, below...)
			}
		}
	} else {
		for _, id := range sc.Units() {
			u, err := h.kit.Org.Get(ctx, id)
			if err != nil {
				return nil, err
			}
			if u.Level == orgtree.LevelCommunity {
				units = append(units, u)
				continue
			}
			below, err := h.kit.Org.Descendants(ctx, id, orgtree.LevelCommunity)
			if err != nil {
				return nil, err
			}
			units = append(units, below...)
		}
	}
	var out []web.Option
	seen := map[int64]bool{}
	for _, u := range units {
		if !seen[u.ID] {
			seen[u.ID] = true
			name := u.Name
			if u.Level != orgtree.LevelCommunity {
				name += "(所辖全部社区,名册须有“所属社区”列)"
			}
			out = append(out, web.Option{Value: strconv.FormatInt(u.ID, 10), Label: name})
		}
	}
	return out, nil
}

func (h *handler) importsIndex(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderImportsIndex(w, r, rq, http.StatusOK, importsIndexData{})
}

func (h *handler) renderImportsIndex(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d importsIndexData) {
	ctx := r.Context()
	var err error
	if d.Imports, err = h.Imports.Imports(ctx, rq.Viewer, imports.ListQuery{Limit: 30}); err == nil {
		if d.Departments, err = h.kit.DepartmentOptions(ctx); err == nil {
			if d.Units, err = h.importTargets(ctx, rq.Viewer); err == nil {
				d.Open, err = h.Imports.CountConflicts(ctx, rq.Viewer.Scope(imports.PermResolve))
			}
		}
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.Unit == "" && rq.Home != nil {
		d.Unit = strconv.FormatInt(rq.Home.ID, 10)
	}
	d.MaxMB, d.MaxRows = h.Imports.Limits.MaxBytes>>20, h.Imports.Limits.MaxRows
	d.Summary = web.Summarize(d.Errors, []string{"file", "department", "unit"})
	h.tmpl.Render(w, r, status, "imports", web.NewPage(rq, "导入部门名册", "imports", d))
}

// uploadImport keeps the file sent and goes on to its column mapping.
func (h *handler) uploadImport(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d := importsIndexData{Department: r.PostFormValue("department"), Unit: r.PostFormValue("unit"), Errors: map[string]string{}}
	unit, err := strconv.ParseInt(d.Unit, 10, 64)
	if err != nil {
		d.Errors["unit"] = "请选择导入到哪个社区"
	}
	if d.Department == "" {
		d.Errors["department"] = "请选择名册来自哪个部门"
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		d.Errors["file"] = "请选择要导入的文件(xlsx 或 csv)"
	}
	if len(d.Errors) > 0 {
		h.renderImportsIndex(w, r, rq, http.StatusUnprocessableEntity, d)
		return
	}
	defer file.Close()
	up, _, err := h.Imports.SaveUpload(rq.User.ID, d.Department, unit, header.Filename, file)
	if fe := ImportErrors(err); fe != nil {
		d.Errors = fe
		h.renderImportsIndex(w, r, rq, http.StatusUnprocessableEntity, d)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.kit.Log.Info("import uploaded", "user", rq.User.ID, "bytes", up.Size)
	http.Redirect(w, r, "/uploads/"+up.Token, http.StatusSeeOther)
}

// ImportErrors turns a refusal of the imports package into form messages.
func ImportErrors(err error) map[string]string {
	var se *sheets.Error
	switch fe := fault.FieldsOf(err); {
	case err == nil:
		return nil
	case fe != nil:
		return fe
	case errors.As(err, &se):
		return map[string]string{"file": se.Msg}
	case errors.Is(err, imports.ErrNoUpload):
		return map[string]string{"file": err.Error()}
	}
	return nil
}

// mappingColumn is one distinct column label of a file, with the field it
// is mapped to and a few values from the file.
type mappingColumn struct {
	N         int
	Label     string
	Field     string
	Suggested bool
	Samples   string
}

type mappingData struct {
	Token      string
	Upload     *imports.Upload
	Analysis   *imports.Analysis
	Department string
	Unit       string
	Columns    []mappingColumn
	Sheets     []imports.SheetLayout
	Fields     []web.Option
	Tags       []web.Option
	Tag        string
	Residences []web.Option
	Residence  string
	Errors     map[string]string
	Summary    []web.ErrItem
}

func (h *handler) mappingForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderMapping(w, r, rq, http.StatusOK, nil, nil)
}

// renderMapping shows how the file will be read: each sheet's header and
// each column's field, for the person to correct; form carries their
// choices when a submission is sent back.
func (h *handler) renderMapping(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, form url.Values, errs map[string]string) {
	ctx := r.Context()
	token := r.PathValue("token")
	up, path, err := h.Imports.Upload(token, rq.User.ID)
	if err != nil {
		h.renderImportsIndex(w, r, rq, http.StatusNotFound, importsIndexData{Errors: map[string]string{"file": err.Error()}})
		return
	}
	a, err := h.Imports.Analyse(ctx, path, up.FileName, up.Department)
	if fe := ImportErrors(err); fe != nil {
		h.Imports.ForgetUpload(token, false)
		h.renderImportsIndex(w, r, rq, http.StatusUnprocessableEntity, importsIndexData{Errors: fe,
			Department: up.Department, Unit: strconv.FormatInt(up.UnitID, 10)})
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d := mappingData{Token: token, Upload: up, Analysis: a, Sheets: a.Layout.Sheets, Tag: a.Options.Tag,
		Residence: a.Options.Residence, Errors: errs}
	byLabel := map[string]int{}
	for _, sl := range a.Layout.Sheets {
		if sl.HeaderRow == 0 {
			continue
		}
		for c, l := range sl.Labels {
			if l == "" {
				continue
			}
			i, ok := byLabel[l]
			if !ok {
				i = len(d.Columns)
				byLabel[l] = i
				d.Columns = append(d.Columns, mappingColumn{N: i, Label: l, Field: sl.Fields[c], Suggested: sl.Suggested[c]})
			}
			col := &d.Columns[i]
			var vals []string
			for _, s := range sl.Samples {
				if c < len(s) && strings.TrimSpace(s[c]) != "" && len(vals) < 2 {
					vals = append(vals, web.Truncate(s[c], 20))
				}
			}
			if col.Samples == "" {
				col.Samples = strings.Join(vals, " / ")
			}
		}
	}
	if form != nil {
		for i := range d.Columns {
			d.Columns[i].Field = form.Get(fmt.Sprintf("map-%d", i))
			d.Columns[i].Suggested = false
		}
		d.Tag, d.Residence = form.Get("tag"), form.Get("residence")
	}
	d.Fields = append(d.Fields, web.Option{Value: "", Label: "不导入"})
	for _, f := range imports.Fields {
		d.Fields = append(d.Fields, web.Option{Value: f.Key, Label: f.Label})
	}
	kinds, err := h.Register.TagKinds(ctx)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, k := range kinds {
		d.Tags = append(d.Tags, web.Option{Value: k.Code, Label: k.Name})
	}
	d.Residences = web.ResidenceOptions()
	d.Summary = web.Summarize(d.Errors, []string{"mapping", "tag", "residence", "unit", "file"})
	h.tmpl.Render(w, r, status, "import_mapping", web.NewPage(rq, "核对列对应", "imports", d))
}

// startImport records the import with the mapping chosen and starts it in
// the background.
func (h *handler) startImport(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	token := r.PathValue("token")
	up, path, err := h.Imports.Upload(token, rq.User.ID)
	if err != nil {
		h.renderImportsIndex(w, r, rq, http.StatusNotFound, importsIndexData{Errors: map[string]string{"file": err.Error()}})
		return
	}
	a, err := h.Imports.Analyse(ctx, path, up.FileName, up.Department)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	mapping := map[string]string{}
	seen := map[string]bool{}
	n := 0
	for _, sl := range a.Layout.Sheets {
		for _, l := range sl.Labels {
			if l == "" || seen[l] {
				continue
			}
			seen[l] = true
			mapping[l] = r.PostFormValue(fmt.Sprintf("map-%d", n))
			n++
		}
	}
	opt := a.Options
	opt.Tag, opt.Residence = r.PostFormValue("tag"), r.PostFormValue("residence")
	im, how, err := h.Imports.Create(ctx, rq.Viewer, imports.Request{UnitID: up.UnitID, Department: up.Department,
		Path: path, FileName: up.FileName, Spool: true, Mapping: mapping, Options: &opt})
	if fe := ImportErrors(err); fe != nil {
		h.renderMapping(w, r, rq, http.StatusUnprocessableEntity, r.PostForm, fe)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.Imports.ForgetUpload(token, true)
	rq.Audit.Entity, rq.Audit.ID, rq.Audit.Detail = "import", im.ID, "开始导入"
	switch how {
	case imports.CreatedDuplicate:
		h.kit.SetFlash(w, "import_duplicate")
	default:
		h.Imports.Go(rq.Viewer, im.ID)
		h.kit.SetFlash(w, "import_started")
	}
	http.Redirect(w, r, "/imports/"+strconv.FormatInt(im.ID, 10), http.StatusSeeOther)
}

type importPageData struct {
	Im       *imports.Import
	Active   bool // running in this server now: the page refreshes itself
	Stalled  bool // left running by a stopped server, or failed: it can go on
	Columns  [][2]string
	Rejects  []imports.Reject
	Conflict int
}

func (h *handler) importPage(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	id, _ := web.PathID(r)
	im, err := h.Imports.Import(ctx, rq.Viewer.Scope(imports.PermImport), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := importPageData{Im: im, Active: h.Imports.Running(im.ID)}
	d.Stalled = !d.Active && (im.Status == imports.StatusRunning || im.Status == imports.StatusFailed || im.Status == imports.StatusPending)
	for _, sl := range im.Layout.Sheets {
		for c, l := range sl.Labels {
			if l != "" && sl.Skipped == "" && sl.HeaderRow > 0 {
				d.Columns = append(d.Columns, [2]string{l, imports.FieldLabel(sl.Fields[c])})
			}
		}
	}
	if im.Rejected > 0 {
		if d.Rejects, err = h.Imports.Rejects(ctx, rq.Viewer.Scope(imports.PermImport), im.ID, 20, 0); err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
	}
	if rq.Viewer.Can(imports.PermResolve) {
		cs, _, err := h.Imports.Conflicts(ctx, rq.Viewer.Scope(imports.PermResolve), imports.ConflictQuery{ImportID: im.ID, Limit: 200})
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		d.Conflict = len(cs)
	}
	p := web.NewPage(rq, "导入 "+im.FileName, "imports", d)
	if d.Active {
		p.Refresh = 2
	}
	h.tmpl.Render(w, r, http.StatusOK, "import", p)
}

func (h *handler) resumeImport(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id, _ := web.PathID(r)
	if _, err := h.Imports.Import(r.Context(), rq.Viewer.Scope(imports.PermImport), id); err != nil {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	h.Imports.Go(rq.Viewer, id)
	http.Redirect(w, r, "/imports/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// importRejects downloads the rows an import did not take, with reasons:
// personal data, so the download is audited with its row count first.
func (h *handler) importRejects(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	id, _ := web.PathID(r)
	sc := rq.Viewer.Scope(imports.PermImport)
	im, err := h.Imports.Import(ctx, sc, id)
	if err != nil {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	f, err := os.CreateTemp("", "shequ-rejects-*.xlsx")
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	n, err := h.Imports.WriteRejects(ctx, sc, id, f)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if err := h.kit.Audit.RecordNow(ctx, audit.Entry{UserID: rq.User.ID, UserName: rq.User.Name, Addr: web.ClientAddr(r),
		Action: audit.Export, Entity: "import", EntityID: im.ID, CommunityID: im.CommunityID,
		Route: "GET /imports/{id}/rejects", Status: http.StatusOK, Rows: n, Detail: "未导入的行"}); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	name := "未导入-" + strings.TrimSuffix(strings.TrimSuffix(im.FileName, ".xlsx"), ".csv") + ".xlsx"
	w.Header().Set("Content-Type", sheets.ContentType("xlsx"))
	w.Header().Set("Content-Disposition", "attachment; filename=\"rejected.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
	io.Copy(w, f)
}

type conflictListData struct {
	Conflicts []*imports.Conflict
	More      bool
	Next      int
	ImportID  int64
	// Fields are the fields the listed conflicts disagree on, for the
	// bulk decision of one import.
	Fields []imports.FieldDiff
	Errors map[string]string
	Result *imports.BulkResult
}

func (h *handler) conflictList(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	importID, _ := strconv.ParseInt(q.Get("import"), 10, 64)
	cs, more, err := h.Imports.Conflicts(r.Context(), rq.Viewer.Scope(imports.PermResolve),
		imports.ConflictQuery{ImportID: importID, Limit: 50, Offset: max(offset, 0)})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rq.Audit.Rows = len(cs)
	d := conflictListData{Conflicts: cs, More: more, Next: max(offset, 0) + len(cs), ImportID: importID}
	seen := map[string]bool{}
	for _, c := range cs {
		for _, f := range c.Fields {
			if c.Kind == imports.KindFields && !seen[f.Field] {
				seen[f.Field] = true
				d.Fields = append(d.Fields, f)
			}
		}
	}
	h.tmpl.Render(w, r, http.StatusOK, "conflicts", web.NewPage(rq, "待核实", "imports", d))
}

// resolveBulk decides one field, or every field, of an import's open
// conflicts the same way.
func (h *handler) resolveBulk(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id, _ := web.PathID(r)
	b := imports.Bulk{ImportID: id, Field: r.PostFormValue("field"), Choice: r.PostFormValue("choice")}
	res, err := h.Imports.ResolveBulk(r.Context(), rq.Viewer, b)
	if fe := ImportErrors(err); fe != nil {
		q := url.Values{"import": {strconv.FormatInt(id, 10)}}
		r.URL.RawQuery = q.Encode()
		cs, more, lerr := h.Imports.Conflicts(r.Context(), rq.Viewer.Scope(imports.PermResolve),
			imports.ConflictQuery{ImportID: id, Limit: 50})
		if lerr != nil {
			h.kit.ServerError(w, r, rq, lerr)
			return
		}
		h.tmpl.Render(w, r, http.StatusUnprocessableEntity, "conflicts", web.NewPage(rq, "待核实", "imports",
			conflictListData{Conflicts: cs, More: more, Next: len(cs), ImportID: id, Errors: fe}))
		return
	}
	if errors.Is(err, imports.ErrNotFound) {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rq.Audit.Detail = fmt.Sprintf("批量核实:%s %s,处理 %d 条,部分 %d 条,未能处理 %d 条", orAll(b.Field), b.Choice,
		res.Decided, res.Partly, res.Failed)
	h.kit.SetFlash(w, "bulk_resolved")
	http.Redirect(w, r, "/conflicts?import="+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func orAll(field string) string {
	if field == "" {
		return "全部字段"
	}
	return field
}

// conflictRow is a field of a conflict as the viewer may see it.
type conflictRow struct {
	Field    string
	Label    string
	Register string
	Incoming string
	Choice   string
	Err      string
}

type conflictData struct {
	C        *imports.Conflict
	Person   *register.Person
	Rows     []conflictRow
	Decision string
	Errors   map[string]string
	Summary  []web.ErrItem
}

func (h *handler) conflictPage(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderConflict(w, r, rq, http.StatusOK, nil, nil)
}

func (h *handler) renderConflict(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, form url.Values, errs map[string]string) {
	ctx := r.Context()
	id, _ := web.PathID(r)
	sc := rq.Viewer.Scope(imports.PermResolve)
	c, err := h.Imports.Conflict(ctx, sc, id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := conflictData{C: c, Errors: errs, Decision: form.Get("decision")}
	if p, err := h.Register.Person(ctx, rq.Read(), c.PersonID); err == nil {
		d.Person = &p
	}
	// Numbers shown as the viewer's field set shows them.
	f := sc.Fields(c.Place())
	for _, fd := range c.Fields {
		row := conflictRow{Field: fd.Field, Label: fd.Label, Register: fd.RegisterShown, Incoming: fd.IncomingShown,
			Choice: form.Get("choice_" + fd.Field), Err: errs["choice_"+fd.Field]}
		switch fd.Field {
		case "id_number":
			row.Register, row.Incoming = f.ID("person", fd.Field, fd.Register), f.ID("person", fd.Field, fd.Incoming)
		case "phone":
			row.Register, row.Incoming = f.Phone("person", fd.Field, fd.Register), f.Phone("person", fd.Field, fd.Incoming)
		default:
			if !strings.HasPrefix(fd.Field, "tag.") {
				row.Register, row.Incoming = f.Text("person", fd.Field, row.Register), f.Text("person", fd.Field, row.Incoming)
			}
		}
		d.Rows = append(d.Rows, row)
	}
	var fields []string
	for _, fd := range c.Fields {
		fields = append(fields, "choice_"+fd.Field)
	}
	d.Summary = web.Summarize(d.Errors, append([]string{"decision", "version"}, fields...))
	h.tmpl.Render(w, r, status, "conflict", web.NewPage(rq, "核实:"+c.Incoming.Person.Name, "imports", d))
}

func (h *handler) resolveConflict(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	id, _ := web.PathID(r)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	res := imports.Resolution{Version: version, Decision: r.PostFormValue("decision"), Choices: map[string]string{}}
	for k, v := range r.PostForm {
		if f, ok := strings.CutPrefix(k, "choice_"); ok && len(v) > 0 {
			res.Choices[f] = v[0]
		}
	}
	err := h.Imports.Resolve(ctx, rq.Viewer, id, res)
	if fe := ImportErrors(err); fe != nil {
		h.renderConflict(w, r, rq, http.StatusUnprocessableEntity, r.PostForm, fe)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Detail = "核实:" + res.Decision
	h.kit.SetFlash(w, "resolved")
	// On to the next one of the queue.
	next, _, err := h.Imports.Conflicts(ctx, rq.Viewer.Scope(imports.PermResolve), imports.ConflictQuery{Limit: 1})
	if err == nil && len(next) == 1 {
		http.Redirect(w, r, "/conflicts/"+strconv.FormatInt(next[0].ID, 10), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/conflicts", http.StatusSeeOther)
}
