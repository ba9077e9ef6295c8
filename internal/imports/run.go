package imports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/sheets"
)

// run is one execution of an import, from its checkpoint to its end.
type run struct {
	s        *Service
	im       *Import
	viewer   *access.Viewer
	scope    access.Scope
	file     *os.File // opened as a book by the reader (read.go), while the roster loads
	size     int64
	roster   *roster
	rules    rules
	tag      string
	tagNames map[string]string // of the tag the list is about and of those its tag columns give
	today    time.Time
	todayStr string

	unit        orgtree.Unit
	communities map[int64]orgtree.Unit
	byName      map[string]int64 // community name or code → id
	households  map[int64]*householdIndex
}

// Progress reports rows handled out of the rows expected.
type Progress func(done, total int)

// Run takes an import to its end, starting from its checkpoint. v is the
// person on whose behalf it runs: rows must fall in v's scope for
// register.import, and changes are recorded under v's name with the source
// import:<department>. path is the file when the import keeps no spool of
// its own (the command line). Running an import that is done does nothing.
func (s *Service) Run(ctx context.Context, v *access.Viewer, id int64, path string, progress Progress) error {
	im, err := s.get(ctx, s.db, id)
	if err != nil {
		return err
	}
	if im.Status == StatusDone {
		return nil
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	err = s.execute(ctx, v, im, path, progress)
	switch {
	case err == nil:
		_, err = s.db.ExecContext(ctx, `UPDATE imports SET status = $1, finished_at = $2, rows_total = rows_done,
			message = '', spool_path = '', version = version + 1 WHERE id = $3`, StatusDone, database.FormatTime(s.now()), im.ID)
		if err == nil && im.SpoolPath != "" {
			os.Remove(im.SpoolPath)
		}
		return err
	case ctx.Err() != nil:
		// Stopped from outside (shutdown, Ctrl-C): it stays running and
		// resumes from its checkpoint next time.
		return err
	case errors.Is(err, errElsewhere):
		// Another run has the import: its status is that run's to set.
		if now, gerr := s.get(ctx, s.db, im.ID); gerr == nil && now.Status == StatusDone {
			return nil
		}
		return err
	}
	msg := "导入中断:内部错误,请重试;如仍失败请联系管理员"
	var se *sheets.Error
	var fe fault.Fields
	var ue *userError
	switch {
	case errors.As(err, &se):
		msg = se.Msg
	case errors.As(err, &fe):
		msg = fe.Error()
	case errors.As(err, &ue):
		msg = ue.msg
	default:
		slog.Error("import failed", "import", im.ID, "err", err)
	}
	s.db.ExecContext(context.WithoutCancel(ctx), `UPDATE imports SET status = $1, message = $2, version = version + 1
		WHERE id = $3`, StatusFailed, msg, im.ID)
	return err
}

// userError is a failure to tell the person who imports, in Chinese.
type userError struct{ msg string }

func (e *userError) Error() string { return e.msg }

func failf(format string, args ...any) error { return &userError{msg: fmt.Sprintf(format, args...)} }

func (s *Service) execute(ctx context.Context, v *access.Viewer, im *Import, path string, progress Progress) error {
	if path == "" {
		path = im.SpoolPath
	}
	if path == "" {
		return failf("导入的原始文件已不在,请重新上传该文件")
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return failf("导入的原始文件已不在,请重新上传该文件")
	}
	if err != nil {
		return err
	}
	defer f.Close()
	hash, size, err := s.hashFile(f)
	if err != nil {
		return err
	}
	if hash != im.FileHash {
		return failf("文件 %s 与开始导入时的内容不同,不能继续;请作为新的导入重新开始", im.FileName)
	}
	now := s.now()
	if _, err := s.db.ExecContext(ctx, `UPDATE imports SET status = $1, message = '',
		started_at = CASE WHEN started_at = '' THEN $2 ELSE started_at END, version = version + 1 WHERE id = $3 AND status <> $4`,
		StatusRunning, database.FormatTime(now), im.ID, StatusDone); err != nil {
		return err
	}
	// The update waited for any batch still being committed (a killed
	// client's, which PostgreSQL finishes): the checkpoint is read after it.
	fresh, err := s.get(ctx, s.db, im.ID)
	if err != nil {
		return err
	}
	if fresh.Status == StatusDone {
		return nil
	}
	im.RowsDone, im.Counts = fresh.RowsDone, fresh.Counts
	r := &run{s: s, im: im, viewer: v, scope: v.Scope(PermImport), file: f, size: size, tag: im.Options.Tag,
		today: now, todayStr: now.Format("2006-01-02"), households: map[int64]*householdIndex{}}
	return r.rows(ctx, progress)
}

// prepare loads what the rows are matched against: the target's
// communities, the roster of their persons and the source rules.
func (r *run) prepare(ctx context.Context) error {
	u, err := r.s.org.Get(ctx, r.im.UnitID)
	if err != nil {
		return err
	}
	r.unit = u
	comms, err := r.s.communities(ctx, u)
	if err != nil {
		return err
	}
	r.communities = map[int64]orgtree.Unit{}
	r.byName = map[string]int64{}
	ids := make([]int64, 0, len(comms))
	for _, c := range comms {
		r.communities[c.ID] = c
		ids = append(ids, c.ID)
		r.byName[c.Name] = c.ID
		r.byName[strings.TrimSuffix(c.Name, "社区")] = c.ID
		r.byName[strings.TrimSuffix(c.Name, "居委会")] = c.ID
		if c.Code != "" {
			r.byName[c.Code] = c.ID
		}
	}
	if err := r.loadTagNames(ctx); err != nil {
		return err
	}
	compared := map[string]bool{}
	for _, sl := range r.im.Layout.Sheets {
		for _, f := range sl.Fields {
			if fieldIndex(f) >= 0 {
				compared[f] = true
			}
		}
	}
	compared["doc_type"], compared["birth_date"], compared["gender"] = true, true, true
	var fields []string
	for _, f := range personFields {
		if compared[f] {
			fields = append(fields, f)
		}
	}
	r.roster = newRoster(fields)
	if err := r.roster.load(ctx, r.s.reg, ids); err != nil {
		return err
	}
	r.rules, err = loadRules(ctx, r.s.db)
	return err
}

func (r *run) communityName(id int64) string {
	if c, ok := r.communities[id]; ok {
		return c.Name
	}
	u, err := r.s.org.Get(context.Background(), id)
	if err != nil {
		return "其他社区"
	}
	return u.Name
}

// rows reads the file on one goroutine, parsing rows in batches, while this
// one matches and writes the batches before.
func (r *run) rows(ctx context.Context, progress Progress) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []*incoming, 4)
	readErr := make(chan error, 1)
	size := r.im.Options.BatchRows
	if size <= 0 {
		size = defaultBatch
	}
	// The file is read while the roster loads.
	checkpoint := r.im.RowsDone
	go func() {
		defer close(batches)
		readErr <- r.read(ctx, size, checkpoint, batches)
	}()
	if err := r.prepare(ctx); err != nil {
		cancel()
		for range batches {
		}
		<-readErr
		return err
	}
	progress(r.im.RowsDone, r.im.RowsTotal)
	fail := func(err error) error {
		cancel()
		for range batches {
		}
		<-readErr
		return err
	}
	// Each batch is looked up while the one before is written: the reads
	// of one and the writes of the other go on together. When what the
	// earlier batch wrote could change what the later one read, the later
	// one is looked up again, so the result is that of one batch after
	// another (see stale).
	var prev *work
	for b := range batches {
		for _, in := range b {
			in.reasons = in.reasons[:in.parsed]
		}
		var lk *lookups
		var err error
		if prev != nil {
			werr := make(chan error, 1)
			go func(w *work) { werr <- r.write(ctx, w) }(prev)
			lk, err = r.lookup(ctx, b)
			redone, e := r.written(ctx, prev, <-werr, progress)
			if e != nil {
				return fail(e)
			}
			if err != nil {
				return fail(err)
			}
			if redone || r.stale(lk, b, prev) {
				lk = nil
			}
		}
		if lk == nil {
			if lk, err = r.lookup(ctx, b); err != nil {
				return fail(err)
			}
		}
		prev = r.decide(b, lk)
		prev.done = b[len(b)-1].seq + 1
	}
	if prev != nil {
		if _, err := r.written(ctx, prev, r.write(ctx, prev), progress); err != nil {
			return fail(err)
		}
	}
	if err := <-readErr; err != nil {
		return err
	}
	progress(r.im.RowsDone, r.im.RowsDone)
	return nil
}

// written finishes a batch after its write: the roster and record move on;
// a batch that met a person changed meanwhile is done again on its own
// (redone reports it).
func (r *run) written(ctx context.Context, w *work, err error, progress Progress) (redone bool, _ error) {
	if errors.Is(err, register.ErrStale) {
		redone, err = true, r.batch(ctx, w.rows)
	} else if err == nil {
		r.committed(w)
	}
	if err == nil {
		progress(r.im.RowsDone, max(r.im.RowsTotal, r.im.RowsDone))
	}
	return redone, err
}

// stale reports whether a batch's lookups, made while the batch before was
// being written, may have missed what that batch wrote: a person it changed,
// tagged or queued, or a person it created who would now be a candidate by
// name for a row of this batch.
func (r *run) stale(lk *lookups, rows []*incoming, prev *work) bool {
	touched := map[int64]bool{}
	for _, id := range prev.order {
		touched[id] = true
	}
	for _, id := range prev.tagOrder {
		touched[prev.tagCur[id].PersonID] = true
	}
	for _, t := range prev.tagNew {
		touched[t.PersonID] = true
	}
	for _, c := range prev.conflicts {
		touched[c.PersonID] = true
	}
	for _, c := range prev.supersede {
		touched[c.PersonID] = true
	}
	for id := range lk.full {
		if touched[id] {
			return true
		}
	}
	if len(prev.creates) == 0 {
		return false
	}
	created := map[string]bool{}
	for _, p := range prev.creates {
		created[p.Name] = true
	}
	for _, in := range rows {
		if !in.skip && !in.dup && len(in.reasons) == 0 && created[in.person.Name] {
			if _, known := r.roster.byKey.of(in); !known && lk.global[in.key] == nil && lk.links[in.key] == nil {
				return true
			}
		}
	}
	return false
}

// batch decides and writes one batch, with its checkpoint, in one
// transaction. When someone changed a person between the reads and the
// writes, the batch is read and decided again.
func (r *run) batch(ctx context.Context, rows []*incoming) error {
	for attempt := 0; ; attempt++ {
		for _, in := range rows {
			in.reasons = in.reasons[:in.parsed]
		}
		lk, err := r.lookup(ctx, rows)
		if err != nil {
			return err
		}
		w := r.decide(rows, lk)
		w.done = rows[len(rows)-1].seq + 1
		err = r.write(ctx, w)
		if errors.Is(err, register.ErrStale) && attempt < 5 {
			continue
		}
		if err != nil {
			return err
		}
		r.committed(w)
		return nil
	}
}

// committed brings the roster and the record in memory up to the batch.
func (r *run) committed(w *work) {
	r.roster.commit()
	for _, id := range w.order {
		o := w.orig[id]
		p := w.cur[id]
		if k := personKey(&o); k != personKey(p) {
			r.roster.remove(k)
		}
		r.roster.set(p)
	}
	for _, p := range w.creates {
		r.roster.set(p)
	}
	r.im.RowsDone = w.done
	r.im.Counts.add(w.counts)
}

// tagKinds lists the tag kinds the import deals with: the one the list is
// about, then those its tag columns give.
func (r *run) tagKinds() []string {
	var out []string
	if r.tag != "" {
		out = append(out, r.tag)
	}
	for _, sl := range r.im.Layout.Sheets {
		for _, f := range sl.Fields {
			if code, _, ok := tagColumnOf(f); ok && !slices.Contains(out, code) {
				out = append(out, code)
			}
		}
	}
	return out
}

// loadTagNames reads the names of the import's tag kinds, which must exist.
func (r *run) loadTagNames(ctx context.Context) error {
	r.tagNames = map[string]string{}
	for _, code := range r.tagKinds() {
		var name string
		err := r.s.db.QueryRowContext(ctx, `SELECT name FROM tag_kinds WHERE code = $1`, code).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return failf("登记册中没有标签“%s”,无法导入该列", code)
		}
		if err != nil {
			return err
		}
		r.tagNames[code] = name
	}
	return nil
}
