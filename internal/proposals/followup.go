package proposals

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// The follow-up (落实) of a decision is real work in the events
// capability: the committee files a new event from the decision, or links
// one already filed, and the accountability page reads that event's state
// each time it is shown, so a closed event shows closed without anyone
// copying a flag.

// UseEvents lets the committee file a decision's follow-up as an event;
// without it only linking an existing event number is possible.
func (s *Service) UseEvents(ev *events.Store) { s.events = ev }

// FollowUpCategories are the event categories a follow-up can be filed
// under: the active 小类 in the catalogue's order.
func (s *Service) FollowUpCategories(ctx context.Context) ([]events.Category, error) {
	if s.events == nil {
		return nil, nil
	}
	cat, err := s.events.Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	var out []events.Category
	for _, c := range cat.Categories() {
		if c.Parent != "" && c.Active {
			out = append(out, c)
		}
	}
	return out, nil
}

// ErrFollowedUp refuses a second follow-up event for one decision.
var ErrFollowedUp = fault.New(fault.Conflict, "本议题已关联落实事件。")

// FollowUpEvent files the decision's follow-up as a new event at the
// community, reported by v (who needs events.report there), and links it
// to the matter in the event's own transaction: both or neither.
func (s *Service) FollowUpEvent(ctx context.Context, v *access.Viewer, staff string, community, id int64, version int, category string) (*events.Event, error) {
	if s.events == nil || v == nil {
		return nil, fault.New(fault.Forbidden, "此处不能直接报事件。")
	}
	if category == "" {
		return nil, fault.Fields{"category": "请选择落实事件的类别"}
	}
	m, err := s.load(ctx, community, id, Decided)
	if err != nil {
		return nil, err
	}
	if m.Version != version {
		return nil, errConflict
	}
	if m.EventID != 0 {
		return nil, ErrFollowedUp
	}
	if m.Result != "passed" {
		return nil, fault.New(fault.Illegal, "议题未通过,无需落实。")
	}
	title := "议事落实:" + m.Title
	if utf8.RuneCountInString(title) > events.MaxTitle {
		title = string([]rune(title)[:events.MaxTitle])
	}
	e, err := s.events.Report(ctx, v, events.Report{OrgID: community, Category: category, Title: title,
		Description: truncate(m.Decision, events.MaxDescription), Source: events.SourceOffice,
		Also: func(ctx context.Context, tx *sql.Tx, e *events.Event) error {
			return s.step(ctx, tx, m, version, Decided, staff, ", event_id = $7", e.ID)
		}})
	if fe := fault.FieldsOf(err); fe != nil {
		// The events' field errors belong to the one field of this form.
		msg := fe["category"]
		if msg == "" {
			for _, v := range fe {
				msg = v
				break
			}
		}
		return nil, fault.Fields{"category": msg}
	}
	return e, err
}

// LinkEvent links an event already filed in the community, by its
// tracking number (事件编号), as the decision's follow-up.
func (s *Service) LinkEvent(ctx context.Context, staff string, community, id int64, version int, tracking string) error {
	no := events.NormalizeTracking(tracking)
	if no == "" {
		return fault.Fields{"tracking_no": "请填写事件编号"}
	}
	var event int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM events WHERE community_id = $1 AND tracking_no = $2`,
		community, no).Scan(&event)
	if errors.Is(err, sql.ErrNoRows) {
		return fault.Fields{"tracking_no": "本社区没有这个编号的事件"}
	}
	if err != nil {
		return err
	}
	m, err := s.load(ctx, community, id, Decided)
	if err != nil {
		return err
	}
	return s.step(ctx, s.db, m, version, Decided, staff, ", event_id = $7", event)
}

// MarkDone records that the decision has been carried out (已落实).
func (s *Service) MarkDone(ctx context.Context, staff string, community, id int64, version int) error {
	m, err := s.load(ctx, community, id, Decided)
	if err != nil {
		return err
	}
	return s.step(ctx, s.db, m, version, Done, staff, ", done_on = $7", s.now().In(workdays.Shanghai).Format("2006-01-02"))
}

var errConflict = fault.New(fault.Conflict, "议题已被他人修改,请刷新后再操作。")

func truncate(s string, max int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		return string([]rune(s)[:max])
	}
	return s
}

// Account is a decided matter as the public accountability page (议事
// 落实公开) shows it: the decision and its follow-up's live state.
type Account struct {
	Matter
	EventStatus string    // the linked event's status; "" without one
	EventClosed time.Time // when the linked event was closed
	TrackingNo  string
	Projects    []Project // purchased-service projects created from the decision
}

// FollowUpState is the follow-up in a resident's words, computed from the
// linked event as it stands: 已办结 with the date once the event is closed.
func (a Account) FollowUpState() string {
	switch {
	case a.Result != "passed":
		return "未通过,无需落实"
	case a.EventStatus == events.StatusClosed:
		return "已办结(" + a.EventClosed.In(workdays.Shanghai).Format("2006-01-02") + ")"
	case a.EventStatus != "":
		return events.PublicStatus(a.EventStatus)
	case a.Status == Done:
		return "已落实(" + a.DoneOn + ")"
	}
	return "待落实"
}

// Closed says whether the follow-up's event is closed.
func (a Account) Closed() bool { return a.EventStatus == events.StatusClosed }

// Accountability lists a community's decided matters, newest decision
// first, each with its follow-up's event read as it is now.
func (s *Service) Accountability(ctx context.Context, community int64, limit int) ([]Account, error) {
	if limit <= 0 || limit > 200 {
		limit = 100
	}
	return s.accounts(ctx, community, 0, limit)
}

// Account reads one decided matter's account, for the committee's page.
func (s *Service) Account(ctx context.Context, community, id int64) (Account, error) {
	as, err := s.accounts(ctx, community, id, 1)
	if err != nil {
		return Account{}, err
	}
	if len(as) == 0 {
		return Account{}, ErrNotFound
	}
	return as[0], nil
}

// accounts reads decided matters, all (id 0) or one.
func (s *Service) accounts(ctx context.Context, community, id int64, limit int) ([]Account, error) {
	one := ""
	if id != 0 {
		one = " AND p.id = $3"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT p.community_id, p.id, p.title, p.body, p.proposer_kind, p.proposer_name,
		p.status, p.reject_reason, p.scope, p.unit, p.opens_at, p.closes_at, p.eligible, p.decision, p.result, p.decided_on,
		COALESCE(p.event_id, 0), COALESCE(p.project_id, 0), p.done_on, p.version, p.created_at,
		COALESCE(e.status, ''), COALESCE(e.closed_at, ''),
		COALESCE(e.tracking_no, '') FROM proposals p
		LEFT JOIN events e ON e.community_id = p.community_id AND e.id = p.event_id
		WHERE p.community_id = $1 AND p.status IN ('decided', 'done') `+one+`
		ORDER BY p.decided_on DESC, p.id DESC LIMIT $2`, append([]any{community, limit}, nonZero(id)...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var a Account
		var opens, closes, created, closed string
		err := rows.Scan(&a.CommunityID, &a.ID, &a.Title, &a.Body, &a.ProposerKind, &a.Proposer, &a.Status, &a.RejectReason,
			&a.Scope, &a.Unit, &opens, &closes, &a.Eligible, &a.Decision, &a.Result, &a.DecidedOn, &a.EventID, &a.ProjectID,
			&a.DoneOn, &a.Version, &created, &a.EventStatus, &closed, &a.TrackingNo)
		if err != nil {
			return nil, err
		}
		a.OpensAt, a.ClosesAt, a.CreatedAt = parseOpt(opens), parseOpt(closes), parseOpt(created)
		a.EventClosed = parseOpt(closed)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ms := make([]Matter, len(out))
	for i := range out {
		ms[i] = out[i].Matter
	}
	if err := s.counts(ctx, community, ms); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Matter = ms[i]
	}
	return out, s.addProjects(ctx, community, out)
}

// nonZero is id as a query argument when it names one matter.
func nonZero(id int64) []any {
	if id == 0 {
		return nil
	}
	return []any{id}
}

func parseOpt(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	return database.ParseTime(s)
}

// Building is a building of the community, for choosing who votes.
type Building struct {
	ID   int64
	Name string
}

// Buildings lists the community's buildings by name.
func (s *Service) Buildings(ctx context.Context, community int64) ([]Building, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name FROM buildings WHERE community_id = $1 ORDER BY name, id`, community)
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
