// Package surveys is 问卷调查: a community's surveys of single and
// multiple choice, 1–5 ratings, short texts and numbers, written by its
// staff, answered by verified residents on their phone, counted and
// exported.
//
// Who may answer is data on the survey (the unit, an age range, a gender,
// buildings), checked as a predicate over the respondent's own register
// facts (Targets), so no list of the targeted is ever made or shown; the
// target's size is one COUNT over the register, taken when the survey
// opens.
//
// A response is written as unlinked rows in one transaction: in
// survey_respondents a keyed hash of the person or household, whose
// primary key refuses a second response, and in survey_responses and
// survey_answers the answers under a random id. An anonymous survey's
// response has no person and no time, so nothing joins the two; a named
// survey's keeps the person and the time, for its staff.
package surveys

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Permissions.
const (
	PermManage = "surveys.manage" // write, open, close; results with names
	PermRead   = "surveys.read"   // surveys and results without names
)

// Statuses.
const (
	Draft  = "draft"  // questions editable
	Open   = "open"   // answered between OpensAt and ClosesAt
	Closed = "closed" // closed by staff
)

// Units of a response.
const (
	PerPerson    = "person"
	PerHousehold = "household" // one response per household
)

// Kinds of question.
const (
	Single   = "single"
	Multiple = "multiple"
	Rating   = "rating" // 1–5
	Text     = "text"
	Number   = "number"
)

// Limits.
const (
	MaxTitle     = 60
	MaxIntro     = 1000
	MaxQuestions = 30
	MaxQuestion  = 200 // a question's text
	MaxOptions   = 12
	MaxOption    = 40
	MaxTextLen   = 1000 // the most a text answer may be allowed
	DefTextLen   = 200
)

// KindWords and StatusWords name kinds and statuses.
var (
	KindWords   = map[string]string{Single: "单选", Multiple: "多选", Rating: "评分(1–5分)", Text: "简答", Number: "数字"}
	StatusWords = map[string]string{Draft: "草稿", Open: "进行中", Closed: "已结束"}
	Kinds       = []string{Single, Multiple, Rating, Text, Number}
)

// Refusals a respondent sees.
var (
	ErrNoResident  = fault.New(fault.Unauthorized, "请先核验居民身份,再填写问卷。")
	ErrNotTargeted = fault.New(fault.Refused, "本问卷面向特定居民,您不在调查范围内。")
	ErrAnswered    = fault.New(fault.Refused, "您(或您家)已填写过本问卷,每人(户)只能填写一次。")
	ErrNotOpen     = fault.New(fault.Refused, "本问卷尚未开始。")
	ErrClosed      = fault.New(fault.Refused, "本问卷已结束,不再接受填写。")
	ErrNotFound    = fault.New(fault.NotFound, "问卷不存在。")
)

// Service keeps surveys and their responses.
type Service struct {
	db  *database.DB
	now func() time.Time
}

// NewService returns the service on db; now nil is time.Now.
func NewService(db *database.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now}
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Question is one question of a survey.
type Question struct {
	Position int
	Kind     string
	Text     string
	Options  []string // single, multiple
	Required bool
	MaxLen   int   // text: the most characters
	Min, Max int64 // number: the range, when Max > Min
}

// Survey is a survey and its state.
type Survey struct {
	CommunityID int64
	ID          int64
	Title       string
	Intro       string
	Status      string
	Anonymous   bool
	Unit        string
	AgeMin      int
	AgeMax      int    // 0: no upper bound
	Gender      string // '', M, F
	Buildings   []int64
	OpensAt     time.Time
	ClosesAt    time.Time
	ClosedAt    time.Time
	Target      int // the targeted set's size when it opened; -1 before
	Version     int
	CreatedAt   time.Time
	UpdatedBy   string
	Questions   []Question
	Responses   int
}

// Answering says whether the survey takes responses at now.
func (sv Survey) Answering(now time.Time) bool {
	return sv.Status == Open && !now.Before(sv.OpensAt) && now.Before(sv.ClosesAt)
}

// Phase is the survey's state as people see it at now: draft, scheduled
// (open but not begun), open, closed (closed or past its period).
func (sv Survey) Phase(now time.Time) string {
	switch {
	case sv.Status == Open && now.Before(sv.OpensAt):
		return "scheduled"
	case sv.Status == Open && !now.Before(sv.ClosesAt):
		return Closed
	}
	return sv.Status
}

// PhaseWords names the phases.
var PhaseWords = map[string]string{Draft: "草稿", "scheduled": "未开始", Open: "进行中", Closed: "已结束"}

// Share is n of total as a percentage with one decimal, exact in integers.
func Share(n, total int) string {
	if total <= 0 {
		return "0.0%"
	}
	p := (n*1000 + total/2) / total
	return fmt.Sprintf("%d.%d%%", p/10, p%10)
}

// Form is what staff write: the survey's text, targeting and questions.
type Form struct {
	Title, Intro string
	Anonymous    bool
	Unit         string
	AgeMin       int
	AgeMax       int
	Gender       string
	Buildings    []int64
	Questions    []Question
}

func checkText(fe fault.Fields, field, s string, max int, empty string) string {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && empty != "":
		fe.Add(field, empty)
	case n > max:
		fe.Add(field, fmt.Sprintf("不超过%d字(现有%d字)", max, n))
	}
	return s
}

// check reads a form; errors name the field: title, q3_text, q3_options …
func (f *Form) check() error {
	fe := fault.Fields{}
	f.Title = checkText(fe, "title", f.Title, MaxTitle, "请填写问卷标题")
	f.Intro = checkText(fe, "intro", f.Intro, MaxIntro, "")
	if f.Unit == "" {
		f.Unit = PerPerson
	}
	if f.Unit != PerPerson && f.Unit != PerHousehold {
		fe.Add("unit", "请选择每人填写或每户填写")
	}
	if f.AgeMin == 0 {
		f.AgeMin = 18
	}
	switch {
	case f.AgeMin < 18 || f.AgeMin > 120:
		fe.Add("age_min", "最低年龄为18至120岁(问卷只面向成年居民)")
	case f.AgeMax != 0 && (f.AgeMax < f.AgeMin || f.AgeMax > 120):
		fe.Add("age_max", "最高年龄须不低于最低年龄且不超过120岁,不限请留空")
	}
	if f.Gender != "" && f.Gender != "M" && f.Gender != "F" {
		fe.Add("gender", "请选择性别或不限")
	}
	if len(f.Buildings) > 200 {
		fe.Add("buildings", "楼栋过多")
	}
	if len(f.Questions) == 0 {
		fe.Add("questions", "请至少填写一道题目")
	}
	if len(f.Questions) > MaxQuestions {
		fe.Add("questions", fmt.Sprintf("至多%d道题目", MaxQuestions))
	}
	for i := range f.Questions {
		q := &f.Questions[i]
		q.Position = i + 1
		p := fmt.Sprintf("q%d_", q.Position)
		q.Text = checkText(fe, p+"text", q.Text, MaxQuestion, "请填写题目")
		var opts []string
		for _, o := range q.Options {
			if o = strings.TrimSpace(o); o != "" {
				opts = append(opts, o)
			}
		}
		q.Options = nil
		switch q.Kind {
		case Single, Multiple:
			seen := map[string]bool{}
			for _, o := range opts {
				if n := utf8.RuneCountInString(o); n > MaxOption {
					fe.Add(p+"options", fmt.Sprintf("每个选项不超过%d字(“%s”有%d字)", MaxOption, o, n))
				}
				if seen[o] {
					fe.Add(p+"options", "选项“"+o+"”重复")
				}
				seen[o] = true
			}
			if len(opts) < 2 || len(opts) > MaxOptions {
				fe.Add(p+"options", fmt.Sprintf("请填写2至%d个选项,每行一个", MaxOptions))
			}
			q.Options = opts
			q.MaxLen, q.Min, q.Max = 0, 0, 0
		case Rating:
			q.MaxLen, q.Min, q.Max = 0, 1, 5
		case Text:
			if q.MaxLen == 0 {
				q.MaxLen = DefTextLen
			}
			if q.MaxLen < 1 || q.MaxLen > MaxTextLen {
				fe.Add(p+"max", fmt.Sprintf("字数上限为1至%d", MaxTextLen))
			}
			q.Min, q.Max = 0, 0
		case Number:
			q.MaxLen = 0
			if q.Max < q.Min {
				fe.Add(p+"max", "最大值须不小于最小值")
			}
		default:
			fe.Add(p+"kind", "请选择题型")
		}
	}
	return fe.Err()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Create saves a new survey as a draft of the community.
func (s *Service) Create(ctx context.Context, staff string, community int64, f Form) (Survey, error) {
	if community == 0 {
		return Survey{}, fault.Fields{"community": "请选择社区"}
	}
	if err := f.check(); err != nil {
		return Survey{}, err
	}
	id := database.NewID()
	now := database.FormatTime(s.now())
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO surveys (community_id, id, title, intro, anonymous, unit, age_min,
			age_max, gender, respondent_salt, created_at, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12)`, community, id, f.Title, f.Intro,
			boolInt(f.Anonymous), f.Unit, f.AgeMin, f.AgeMax, f.Gender, randomHex(32), now, staff); err != nil {
			return err
		}
		return writeParts(ctx, tx, community, id, f)
	})
	if err != nil {
		return Survey{}, err
	}
	return s.Get(ctx, community, id)
}

// Update replaces a draft's text, targeting and questions at the version
// the editor saw; once open, a survey's questions stay as answered.
func (s *Service) Update(ctx context.Context, staff string, community, id int64, version int, f Form) (Survey, error) {
	if err := f.check(); err != nil {
		return Survey{}, err
	}
	sv, err := s.survey(ctx, community, id)
	if err != nil {
		return Survey{}, err
	}
	if sv.Status != Draft {
		return Survey{}, fault.New(fault.Illegal, "问卷已发布,题目不能再修改。")
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE surveys SET title = $1, intro = $2, anonymous = $3, unit = $4, age_min = $5,
			age_max = $6, gender = $7, version = version + 1, updated_at = $8, updated_by = $9
			WHERE community_id = $10 AND id = $11 AND version = $12 AND status = 'draft'`, f.Title, f.Intro,
			boolInt(f.Anonymous), f.Unit, f.AgeMin, f.AgeMax, f.Gender, database.FormatTime(s.now()), staff,
			community, id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errConflict
		}
		for _, t := range []string{"survey_questions", "survey_buildings"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE community_id = $1 AND survey_id = $2`, community, id); err != nil {
				return err
			}
		}
		return writeParts(ctx, tx, community, id, f)
	})
	if err != nil {
		return Survey{}, err
	}
	return s.Get(ctx, community, id)
}

var errConflict = fault.New(fault.Conflict, "问卷已被他人修改或已发布,请刷新后再操作。")

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// writeParts writes a survey's buildings, checked to be the community's
// own, and its questions.
func writeParts(ctx context.Context, tx *sql.Tx, community, id int64, f Form) error {
	for _, b := range f.Buildings {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM buildings WHERE community_id = $1 AND id = $2`,
			community, b).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fault.Fields{"buildings": "所选楼栋不属于本社区"}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO survey_buildings (community_id, survey_id, building_id)
			VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, community, id, b); err != nil {
			return err
		}
	}
	for _, q := range f.Questions {
		if _, err := tx.ExecContext(ctx, `INSERT INTO survey_questions (community_id, survey_id, position, kind, text,
			options, required, max_len, number_min, number_max) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			community, id, q.Position, q.Kind, q.Text, strings.Join(q.Options, "\n"), boolInt(q.Required), q.MaxLen,
			q.Min, q.Max); err != nil {
			return err
		}
	}
	return nil
}

const surveyColumns = `community_id, id, title, intro, status, anonymous, unit, age_min, age_max, gender, opens_at,
	closes_at, closed_at, target, version, created_at, updated_by`

func scanSurvey(sc interface{ Scan(...any) error }) (Survey, error) {
	var sv Survey
	var anon int
	var opens, closes, closed, created string
	err := sc.Scan(&sv.CommunityID, &sv.ID, &sv.Title, &sv.Intro, &sv.Status, &anon, &sv.Unit, &sv.AgeMin, &sv.AgeMax,
		&sv.Gender, &opens, &closes, &closed, &sv.Target, &sv.Version, &created, &sv.UpdatedBy)
	sv.Anonymous = anon == 1
	for _, t := range []struct {
		s  string
		to *time.Time
	}{{opens, &sv.OpensAt}, {closes, &sv.ClosesAt}, {closed, &sv.ClosedAt}, {created, &sv.CreatedAt}} {
		if t.s != "" {
			*t.to = database.ParseTime(t.s)
		}
	}
	return sv, err
}

// survey reads one survey with its buildings and questions.
func (s *Service) survey(ctx context.Context, community, id int64) (Survey, error) {
	sv, err := scanSurvey(s.db.QueryRowContext(ctx, `SELECT `+surveyColumns+` FROM surveys
		WHERE community_id = $1 AND id = $2`, community, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Survey{}, ErrNotFound
	}
	if err != nil {
		return Survey{}, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT building_id FROM survey_buildings WHERE community_id = $1 AND survey_id = $2
		ORDER BY building_id`, community, id)
	if err != nil {
		return Survey{}, err
	}
	for rows.Next() {
		var b int64
		if err := rows.Scan(&b); err != nil {
			rows.Close()
			return Survey{}, err
		}
		sv.Buildings = append(sv.Buildings, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Survey{}, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT position, kind, text, options, required, max_len, number_min, number_max
		FROM survey_questions WHERE community_id = $1 AND survey_id = $2 ORDER BY position`, community, id)
	if err != nil {
		return Survey{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var q Question
		var opts string
		var req int
		if err := rows.Scan(&q.Position, &q.Kind, &q.Text, &opts, &req, &q.MaxLen, &q.Min, &q.Max); err != nil {
			return Survey{}, err
		}
		if opts != "" {
			q.Options = strings.Split(opts, "\n")
		}
		q.Required = req == 1
		sv.Questions = append(sv.Questions, q)
	}
	return sv, rows.Err()
}

// Get reads a survey with its questions and its count of responses.
func (s *Service) Get(ctx context.Context, community, id int64) (Survey, error) {
	sv, err := s.survey(ctx, community, id)
	if err != nil {
		return Survey{}, err
	}
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_responses WHERE community_id = $1 AND survey_id = $2`,
		community, id).Scan(&sv.Responses)
	return sv, err
}

// List reads the surveys of communities (nil: every community), newest
// first, at most 500, with their counts of responses (without questions).
func (s *Service) List(ctx context.Context, communities []int64) ([]Survey, error) {
	if communities != nil && len(communities) == 0 {
		return nil, nil
	}
	q := s.db.Args()
	where := "1 = 1"
	if communities != nil {
		where = q.In("community_id", database.AnyOf(communities)...)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+surveyColumns+`, (SELECT COUNT(*) FROM survey_responses r
		WHERE r.community_id = surveys.community_id AND r.survey_id = surveys.id) FROM surveys
		WHERE `+where+` ORDER BY created_at DESC, id DESC LIMIT 500`, q.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Survey
	for rows.Next() {
		var n int
		sv, err := scanSurvey(scanFirst{rows, &n})
		if err != nil {
			return nil, err
		}
		sv.Responses = n
		out = append(out, sv)
	}
	return out, rows.Err()
}

// scanFirst scans a survey's columns and one more after them.
type scanFirst struct {
	rows *sql.Rows
	more *int
}

func (f scanFirst) Scan(dest ...any) error { return f.rows.Scan(append(dest, f.more)...) }

// step moves a survey between statuses at the version the caller saw;
// set is extra assignments with arguments from $7 on.
func (s *Service) step(ctx context.Context, sv Survey, version int, from, to, staff, set string, args ...any) error {
	res, err := s.db.ExecContext(ctx, `UPDATE surveys SET status = $1, version = version + 1, updated_at = $2,
		updated_by = $3`+set+` WHERE community_id = $4 AND id = $5 AND version = $6 AND status = '`+from+`'`,
		append([]any{to, database.FormatTime(s.now()), staff, sv.CommunityID, sv.ID, version}, args...)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errConflict
	}
	return nil
}

// OpenSurvey publishes a draft for the period from opens to closes and
// takes the size of its target.
func (s *Service) OpenSurvey(ctx context.Context, staff string, community, id int64, version int, opens, closes time.Time) error {
	fe := fault.Fields{}
	if opens.IsZero() {
		fe.Add("opens_at", "请填写开始时间")
	}
	switch {
	case closes.IsZero():
		fe.Add("closes_at", "请填写截止时间")
	case !closes.After(opens):
		fe.Add("closes_at", "截止时间须晚于开始时间")
	case !closes.After(s.now()):
		fe.Add("closes_at", "截止时间须晚于现在")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	sv, err := s.survey(ctx, community, id)
	if err != nil {
		return err
	}
	if sv.Status != Draft {
		return fault.New(fault.Illegal, "问卷已发布。")
	}
	if len(sv.Questions) == 0 {
		return fault.New(fault.Illegal, "问卷还没有题目,不能发布。")
	}
	n, err := s.TargetCount(ctx, sv)
	if err != nil {
		return err
	}
	return s.step(ctx, sv, version, Draft, Open, staff, ", opens_at = $7, closes_at = $8, target = $9",
		database.FormatTime(opens), database.FormatTime(closes), n)
}

// CloseSurvey ends an open survey now, before or after its period.
func (s *Service) CloseSurvey(ctx context.Context, staff string, community, id int64, version int) error {
	sv, err := s.survey(ctx, community, id)
	if err != nil {
		return err
	}
	if sv.Status != Open {
		return fault.New(fault.Illegal, "只有进行中的问卷可以结束。")
	}
	return s.step(ctx, sv, version, Open, Closed, staff, ", closed_at = $7", database.FormatTime(s.now()))
}

// Building is a building of the community, for the target form.
type Building struct {
	ID   int64
	Name string
}

// Buildings lists a community's buildings by name.
func (s *Service) Buildings(ctx context.Context, community int64) ([]Building, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name FROM buildings WHERE community_id = $1 ORDER BY name, id LIMIT 1000`, community)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Building
	for rows.Next() {
		var b Building
		if err := rows.Scan(&b.ID, &b.Name); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
