package imports

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/register"
)

// work is one batch of rows decided: what to write, in one transaction with
// the checkpoint.
type work struct {
	rows   []*incoming
	done   int // the checkpoint after the batch
	counts Counts

	orig      map[int64]register.Person // persons as read, before this batch
	cur       map[int64]*register.Person
	order     []int64 // persons changed, in the order first changed
	creates   []*register.Person
	tagOrig   map[int64]register.Tag
	tagCur    map[int64]*register.Tag
	tagOrder  []int64
	tagNew    []*register.Tag
	conflicts []*Conflict
	supersede []*Conflict
	rejects   []*incoming
	byKey     map[string]int64 // persons created or renumbered in the batch, by key
	queuedKey map[string]bool  // conflicts queued in the batch, by key
}

// lookups are what the batch's rows need from the database, read before
// the batch's transaction.
type lookups struct {
	global    map[string]*register.Person // persons outside the roster, by key
	full      map[int64]*register.Person  // persons read in full, by id
	links     map[string]*link
	tags      map[int64][]register.Tag // by person, of the import's tag kind
	declined  map[string]bool          // person id|field|value
	open      map[int64][]*Conflict    // open conflicts of this department, by person (kind fields)
	openKeys  map[string]bool          // keys of open conflicts
	candidate map[*incoming][]int64    // persons found by name for rows the register does not know by number
}

type link struct {
	community, person int64
}

func declinedKey(person int64, field, value string) string {
	return strconv.FormatInt(person, 10) + "|" + field + "|" + value
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func placeOf(p *register.Person) access.Place {
	return access.Place{Community: p.CommunityID, Grid: p.GridID, Org: p.OrgID}
}

// lookup reads, for a batch, the persons its rows match and what decisions
// earlier imports and people took about them.
func (r *run) lookup(ctx context.Context, rows []*incoming) (*lookups, error) {
	lk := &lookups{global: map[string]*register.Person{}, full: map[int64]*register.Person{}, links: map[string]*link{},
		tags: map[int64][]register.Tag{}, declined: map[string]bool{}, open: map[int64][]*Conflict{},
		openKeys: map[string]bool{}, candidate: map[*incoming][]int64{}}
	var unknown []string
	seen := map[string]bool{}
	var fetch []int64
	fetching := map[int64]bool{}
	want := func(id int64) {
		if !fetching[id] {
			fetching[id] = true
			fetch = append(fetch, id)
		}
	}
	// Which rows the roster knows, looked up once: a million look-ups in
	// a million-entry map are a million cache misses. (The roster does
	// not change while a batch is looked up.)
	known := make([]bool, len(rows))
	var noIDKeys []string
	for k, in := range rows {
		if in.skip || in.dup || len(in.reasons) > 0 {
			continue
		}
		if in.noID {
			noIDKeys = append(noIDKeys, matchKey(in))
			continue
		}
		if i, ok := r.roster.found(in); ok {
			known[k] = true
			if r.tag != "" || in.extra != nil || !r.roster.same(i, in) {
				want(r.roster.people[i].id)
			}
			continue
		}
		if !seen[in.key] {
			seen[in.key] = true
			unknown = append(unknown, in.key)
		}
	}
	if len(unknown) > 0 {
		numbers := make([]string, len(unknown))
		for i, k := range unknown {
			numbers[i] = k[strings.IndexByte(k, ':')+1:]
		}
		ps, err := r.s.reg.PersonsByDocument(ctx, numbers)
		if err != nil {
			return nil, err
		}
		for i := range ps {
			p := &ps[i]
			lk.global[docKey(p.DocType, p.IDNumber)] = p
			lk.full[p.ID] = p
		}
	}
	var stillUnknown []string
	for _, k := range unknown {
		if lk.global[k] == nil {
			stillUnknown = append(stillUnknown, k)
		}
	}
	if err := r.readLinks(ctx, append(stillUnknown, noIDKeys...), lk); err != nil {
		return nil, err
	}
	for _, l := range lk.links {
		if l.person != 0 {
			want(l.person)
		}
	}
	// Rows the register does not know by number: candidates by name.
	for k, in := range rows {
		if in.skip || in.dup || len(in.reasons) > 0 || known[k] || lk.global[in.key] != nil || lk.links[matchKey(in)] != nil {
			continue
		}
		idx := r.roster.named(in.person.Name)
		birth := dateNumber(in.person.BirthDate)
		month := monthNumber(in.birthMonth)
		// A row with a valid resident ID is nobody the register holds by
		// another one: namesakes are other people.
		resident := !in.noID && in.rok
		var ids []int64
		for _, i := range idx {
			p := r.roster.people[i]
			if resident && p.resident() {
				continue
			}
			// A person known by a birth month is a candidate for a date in
			// that month.
			if len(idx) <= 3 || birth == 0 && month == 0 || p.birthDate() == birth || month != 0 && p.birthDate()/100 == month ||
				p.monthOnly() && birth/100 == p.birthDate()/100 {
				ids = append(ids, p.id)
			}
		}
		if len(ids) > 0 {
			lk.candidate[in] = ids
			for _, id := range ids {
				want(id)
			}
		}
		// The row may bring a new person: their community's households
		// are read here, while the batch before is being written, rather
		// than when the batch is decided.
		if c, err := r.communityOfNew(in); err == nil {
			if _, err := r.householdsOf(ctx, c.ID); err != nil {
				return nil, err
			}
		}
	}
	fetch = slicesWithout(fetch, lk.full)
	if len(fetch) > 0 {
		ps, err := r.s.reg.PersonsByID(ctx, fetch)
		if err != nil {
			return nil, err
		}
		for i := range ps {
			lk.full[ps[i].ID] = &ps[i]
		}
	}
	ids := make([]int64, 0, len(lk.full))
	for id := range lk.full {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, code := range r.tagKinds() {
		if len(ids) == 0 {
			break
		}
		ts, err := r.s.reg.TagsOfPersons(ctx, code, ids)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			lk.tags[t.PersonID] = append(lk.tags[t.PersonID], t)
		}
	}
	if err := r.readDecisions(ctx, ids, stillUnknown, lk); err != nil {
		return nil, err
	}
	return lk, nil
}

func slicesWithout(ids []int64, have map[int64]*register.Person) []int64 {
	out := ids[:0]
	for _, id := range ids {
		if have[id] == nil {
			out = append(out, id)
		}
	}
	return out
}

// decide works out, row by row, what each row does to the register. Rows
// are taken in file order against the register as the earlier rows of the
// batch leave it, so a person listed twice is matched the second time to
// the first row's result.
func (r *run) decide(rows []*incoming, lk *lookups) *work {
	w := &work{rows: rows, orig: map[int64]register.Person{}, cur: map[int64]*register.Person{},
		tagOrig: map[int64]register.Tag{}, tagCur: map[int64]*register.Tag{}, byKey: map[string]int64{},
		queuedKey: map[string]bool{}}
	for _, in := range rows {
		switch {
		case in.skip:
		case len(in.reasons) > 0:
			w.reject(in)
		case in.dup:
			w.counts.Unchanged++
		default:
			r.decideRow(w, lk, in)
		}
	}
	return w
}

func (w *work) reject(in *incoming) {
	w.rejects = append(w.rejects, in)
	w.counts.Rejected++
}

// person returns the current state of a person known to the batch.
func (w *work) person(lk *lookups, id int64) *register.Person {
	if p := w.cur[id]; p != nil {
		return p
	}
	p := lk.full[id]
	if p == nil {
		return nil
	}
	c := *p
	w.orig[id] = *p
	w.cur[id] = &c
	return &c
}

func (r *run) decideRow(w *work, lk *lookups, in *incoming) {
	// By number: a person created earlier in the batch, the roster, the
	// register elsewhere, or a link a person decided.
	var p *register.Person
	sameByHash := false
	if in.noID {
		if id, ok := w.byKey[matchKey(in)]; ok {
			// Made by an earlier row of the batch.
			p = w.cur[id]
		} else if l := lk.links[matchKey(in)]; l != nil {
			if l.person == 0 {
				w.counts.Unchanged++
				return
			}
			p = w.person(lk, l.person)
		}
	} else if id, ok := w.byKey[in.key]; ok {
		p = w.cur[id]
	} else if i, ok := r.roster.of(in); ok {
		id := r.roster.people[i].id
		if w.cur[id] == nil && lk.full[id] == nil {
			// Not read in full: lookup found every given field equal.
			sameByHash = true
		} else {
			p = w.person(lk, id)
		}
	} else if g := lk.global[in.key]; g != nil {
		p = w.person(lk, g.ID)
	} else if l := lk.links[in.key]; l != nil {
		if l.person == 0 {
			// A person decided this department's row is not ours.
			w.counts.Unchanged++
			return
		}
		p = w.person(lk, l.person)
	}
	if sameByHash {
		w.counts.Unchanged++
		return
	}
	if p != nil {
		if !r.scope.Contains(placeOf(p)) {
			in.reasons = append(in.reasons, fmt.Sprintf("该人员登记在%s,不在您可导入的范围内,请联系该社区处理", r.communityName(p.CommunityID)))
			w.reject(in)
			return
		}
		r.merge(w, lk, in, p, 0)
		return
	}
	// By name, birth date and address.
	best, score := r.bestCandidate(w, lk, in)
	switch {
	case best != nil && score >= mergeScore && r.scope.Contains(placeOf(best)):
		r.merge(w, lk, in, best, score)
	case best != nil && score >= reviewScore && r.scope.Contains(placeOf(best)):
		r.queueIdentity(w, lk, in, best, score)
	default:
		r.create(w, lk, in)
	}
}

func (r *run) bestCandidate(w *work, lk *lookups, in *incoming) (*register.Person, float64) {
	var best *register.Person
	bestScore := 0.0
	for _, id := range lk.candidate[in] {
		c := w.person(lk, id)
		if c == nil || c.Name != in.person.Name || !in.noID && otherDocument(&in.person, c) {
			continue
		}
		s := 0.0
		if in.noID {
			s = noIDScore(in, c)
		} else {
			s = matchScore(&in.person, c)
		}
		if s > bestScore {
			best, bestScore = c, s
		}
	}
	return best, bestScore
}

// merge compares the row with its person field by field. Equal fields are
// left alone; an empty register field is filled; otherwise the source rule
// decides: the department's value replaces the register's, the register's
// stays, or the field goes to the queue (unless a person already declined
// that value). The same is done for the tag the list is about.
func (r *run) merge(w *work, lk *lookups, in *incoming, p *register.Person, score float64) {
	var diffs []FieldDiff
	changed := false
	fields := personFields
	// A person registered without a document takes the row's: the number
	// the register lacked, and its type with it.
	numbered := !in.noID && p.IDNumber == ""
	if numbered {
		p.DocType, p.IDNumber = in.person.DocType, in.person.IDNumber
		changed = true
	} else if !in.noID && in.key != docKey(p.DocType, p.IDNumber) {
		// Matched by name: the numbers differ, and which is right is a
		// field like any other.
		fields = append([]string{"id_number"}, personFields...)
	}
	for _, f := range fields {
		if f != "id_number" && !in.has.has(f) || numbered && f == "doc_type" {
			continue
		}
		inc, reg := personValue(&in.person, f), personValue(p, f)
		if foldWidth(inc) == foldWidth(reg) || lk.declined[declinedKey(p.ID, f, inc)] {
			// A value a person declined stays out, whoever's rule.
			continue
		}
		if reg == "" || f == "birth_date" && p.SameBirthMonth(inc) {
			// Nothing, or only the month of the birth, was known: the
			// row's value is what the register lacked.
			setPersonValue(p, f, inc)
			changed = true
			continue
		}
		switch r.rules.rule(r.im.Department, "person", f) {
		case RuleSource:
			setPersonValue(p, f, inc)
			changed = true
		case RuleReview:
			diffs = append(diffs, personDiff(f, reg, inc))
		}
	}
	if changed {
		w.touch(p.ID)
		r.pending(w, p)
	}
	tagDiffs, tagChanged := r.mergeTag(w, lk, in, p)
	diffs = append(diffs, tagDiffs...)
	changed = changed || tagChanged
	switch {
	case len(diffs) > 0:
		r.queueFields(w, lk, in, p, diffs, score)
	case changed:
		w.counts.Merged++
	default:
		w.counts.Unchanged++
	}
}

// touch notes that a person changes in this batch. A person the batch
// creates is changed in place before it is written.
func (w *work) touch(id int64) {
	if _, ok := w.orig[id]; !ok {
		return
	}
	for _, x := range w.order {
		if x == id {
			return
		}
	}
	w.order = append(w.order, id)
}

// pending keeps the batch's later rows matching p as it will be stored.
func (r *run) pending(w *work, p *register.Person) {
	if o, ok := w.orig[p.ID]; ok && docKey(o.DocType, o.IDNumber) != docKey(p.DocType, p.IDNumber) {
		w.byKey[docKey(p.DocType, p.IDNumber)] = p.ID
	}
}

// openTag returns the person's tag of the kind code in force today, if any.
func (r *run) openTag(w *work, lk *lookups, personID int64, code string) *register.Tag {
	for _, t := range w.tagNew {
		if t.PersonID == personID && t.Tag == code && (t.EndedOn == "" || t.EndedOn >= r.todayStr) {
			return t
		}
	}
	for _, t := range lk.tags[personID] {
		if t.Tag == code && (t.EndedOn == "" || t.EndedOn >= r.todayStr) {
			if c := w.tagCur[t.ID]; c != nil {
				if c.EndedOn == "" || c.EndedOn >= r.todayStr {
					return c
				}
				continue
			}
			return w.tagState(t)
		}
	}
	return nil
}

func (w *work) tagState(t register.Tag) *register.Tag {
	if c := w.tagCur[t.ID]; c != nil {
		return c
	}
	c := t
	w.tagOrig[t.ID] = t
	w.tagCur[t.ID] = &c
	return &c
}

func (w *work) touchTag(id int64) {
	for _, x := range w.tagOrder {
		if x == id {
			return
		}
	}
	w.tagOrder = append(w.tagOrder, id)
}

// rowTags lists what the row says of tags: the tag the list is about, then
// those of its tag columns.
func (r *run) rowTags(in *incoming) []*tagIn {
	var out []*tagIn
	if r.tag != "" && in.tag != nil {
		out = append(out, in.tag)
	}
	for _, t := range in.extra {
		if t.Code != r.tag {
			out = append(out, t)
		}
	}
	return out
}

// mergeTag compares what the row says about each tag it carries with the
// person's tags of that kind.
func (r *run) mergeTag(w *work, lk *lookups, in *incoming, p *register.Person) ([]FieldDiff, bool) {
	var diffs []FieldDiff
	changed := false
	for _, t := range r.rowTags(in) {
		d, c := r.mergeTagKind(w, lk, t, p)
		diffs = append(diffs, d...)
		changed = changed || c
	}
	return diffs, changed
}

func (r *run) mergeTagKind(w *work, lk *lookups, in *tagIn, p *register.Person) ([]FieldDiff, bool) {
	rule := r.rules.rule(r.im.Department, "tag", in.Code)
	field := "tag." + in.Code
	name := r.tagNames[in.Code]
	open := r.openTag(w, lk, p.ID, in.Code)
	ended := in.EndedOn != "" && in.EndedOn < r.todayStr
	if open == nil {
		if ended {
			// The list records a tag that has ended: history the register
			// may lack, but nothing to act on now.
			return nil, false
		}
		start := in.StartedOn
		if start == "" {
			start = r.todayStr
		}
		switch rule {
		case RuleSource:
			w.tagNew = append(w.tagNew, &register.Tag{CommunityID: p.CommunityID, ID: database.NewID(), PersonID: p.ID,
				Tag: in.Code, StartedOn: start, EndedOn: in.EndedOn, Note: in.Note})
			return nil, true
		case RuleReview:
			// The list's own start, "" when it gives none: the question is
			// the same tomorrow, and a copy of the list imported then must
			// find it already asked (its start is the day it is decided).
			if lk.declined[declinedKey(p.ID, field, in.StartedOn)] {
				return nil, false
			}
			shownStart := "处理之日起"
			if in.StartedOn != "" {
				shownStart = in.StartedOn + " 起"
			}
			return []FieldDiff{{Field: field, Label: name, Register: "", Incoming: in.StartedOn,
				RegisterShown: "无", IncomingShown: shownStart}}, false
		}
		return nil, false
	}
	var diffs []FieldDiff
	changed := false
	apply := func(sub, label, reg, inc string, set func(string)) {
		if inc == "" || inc == reg {
			return
		}
		f := field + "." + sub
		switch {
		case reg == "" && sub != "ended_on", rule == RuleSource:
			set(inc)
			changed = true
		case rule == RuleReview:
			if !lk.declined[declinedKey(p.ID, f, inc)] {
				diffs = append(diffs, FieldDiff{Field: f, Label: name + label, Register: reg, Incoming: inc,
					RegisterShown: reg, IncomingShown: inc})
			}
		}
	}
	t := open
	apply("started_on", "开始日期", t.StartedOn, in.StartedOn, func(v string) { t.StartedOn = v })
	apply("note", "备注", t.Note, in.Note, func(v string) { t.Note = v })
	apply("ended_on", "结束日期", t.EndedOn, in.EndedOn, func(v string) { t.EndedOn = v })
	if changed && w.tagCur[t.ID] == t {
		w.touchTag(t.ID)
	}
	return diffs, changed
}

// queueFields puts the disagreeing fields of a matched row in the queue,
// unless the same disagreement is already waiting. An open conflict of the
// same department about the same person with other values gives way to
// this one.
func (r *run) queueFields(w *work, lk *lookups, in *incoming, p *register.Person, diffs []FieldDiff, score float64) {
	key := fieldsKey(r.im.Department, p.ID, diffs)
	w.counts.Queued++
	if lk.openKeys[key] || w.queuedKey[key] {
		return
	}
	for _, old := range lk.open[p.ID] {
		if old.Kind == KindFields && old.Status == ConflictOpen {
			old.Status = ConflictSuperseded
			w.supersede = append(w.supersede, old)
		}
	}
	w.queuedKey[key] = true
	w.conflicts = append(w.conflicts, r.conflict(in, KindFields, p, score, key, diffs))
}

// queueIdentity asks a person whether the row is the register person p.
func (r *run) queueIdentity(w *work, lk *lookups, in *incoming, p *register.Person, score float64) {
	key := identityKey(r.im.Department, matchKey(in))
	w.counts.Queued++
	if lk.openKeys[key] || w.queuedKey[key] {
		return
	}
	w.queuedKey[key] = true
	var diffs []FieldDiff
	for _, f := range append([]string{"id_number"}, personFields...) {
		if f == "id_number" && in.noID || f != "id_number" && !in.has.has(f) {
			continue
		}
		inc, reg := personValue(&in.person, f), personValue(p, f)
		if foldWidth(inc) != foldWidth(reg) && !(f == "birth_date" && p.SameBirthMonth(inc)) {
			// (A date in the month the register knows is no
			// disagreement: confirmed the same person, they take it.)
			diffs = append(diffs, personDiff(f, reg, inc))
		}
	}
	c := r.conflict(in, KindIdentity, p, score, key, diffs)
	if community, _, err := r.placeNew(in); err == nil {
		c.Incoming.CommunityID = community.ID
	}
	w.conflicts = append(w.conflicts, c)
}

func (r *run) conflict(in *incoming, kind string, p *register.Person, score float64, key string, diffs []FieldDiff) *Conflict {
	c := &Conflict{CommunityID: p.CommunityID, ID: database.NewID(), GridID: p.GridID, OrgID: p.OrgID, ImportID: r.im.ID,
		Department: r.im.Department, Kind: kind, PersonID: p.ID, Score: score, Key: key, Fields: diffs,
		Sheet: r.im.Layout.Sheets[in.sheet].Name, RowNum: in.rowNum, Status: ConflictOpen, Version: 1,
		CreatedAt: database.FormatTime(r.s.now())}
	c.Incoming = Incoming{Person: in.person, Tag: in.tag, Tags: in.extra, Household: in.household,
		Residence: r.im.Options.Residence, BirthMonth: in.birthMonth}
	for _, f := range personFields {
		if in.has.has(f) {
			c.Incoming.Has = append(c.Incoming.Has, f)
		}
	}
	return c
}

// create adds the row as a new person, placed in the household its 户号 or
// address names, or else on its community.
func (r *run) create(w *work, lk *lookups, in *incoming) {
	if in.noID {
		if msg := noIDCreateRefusal(&in.person, in.birthMonth); msg != "" {
			in.reasons = append(in.reasons, "登记册中未找到相符的人员(按姓名、出生日期和住址),"+msg)
			w.reject(in)
			return
		}
	}
	p := in.person
	if in.noID && p.BirthDate == "" {
		// Known to the month only: the register holds the month.
		p.BirthDate, p.BirthPrecision = in.birthMonth, register.BirthByMonth
	}
	community, household, err := r.placeNew(in)
	if err != nil {
		in.reasons = append(in.reasons, err.Error())
		w.reject(in)
		return
	}
	if p.Name == "" {
		in.reasons = append(in.reasons, "登记册中没有此人,新登记须有姓名")
		w.reject(in)
		return
	}
	if p.Residence == "" {
		p.Residence = r.im.Options.Residence
	}
	if p.Residence == "" {
		in.reasons = append(in.reasons, "登记册中没有此人,新登记须有人口类别(户籍、常住、流动或境外)")
		w.reject(in)
		return
	}
	p.CommunityID = community.ID
	if household != nil {
		p.HouseholdID, p.OrgID, p.GridID = household.ID, household.OrgID, household.GridID
	} else {
		p.OrgID, p.GridID = community.ID, 0
	}
	if err := register.ValidatePerson(&p, r.today); err != nil {
		in.reasons = append(in.reasons, "新登记未通过校验:"+err.Error())
		w.reject(in)
		return
	}
	if !r.scope.Contains(placeOf(&p)) {
		in.reasons = append(in.reasons, "新登记的位置不在您可导入的范围内")
		w.reject(in)
		return
	}
	p.ID = database.NewID()
	p.Status = "active"
	w.creates = append(w.creates, &p)
	w.cur[p.ID] = &p
	w.byKey[matchKey(in)] = p.ID
	for _, t := range r.rowTags(in) {
		if t.EndedOn != "" && t.EndedOn < r.todayStr {
			continue
		}
		start := t.StartedOn
		if start == "" {
			start = r.todayStr
		}
		if r.rules.rule(r.im.Department, "tag", t.Code) != RuleRegister {
			// A person new to the register comes with what the list says
			// of them: there is nothing to disagree with.
			w.tagNew = append(w.tagNew, &register.Tag{CommunityID: p.CommunityID, ID: database.NewID(), PersonID: p.ID,
				Tag: t.Code, StartedOn: start, EndedOn: t.EndedOn, Note: t.Note})
		}
	}
	w.counts.Created++
}
