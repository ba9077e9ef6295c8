package visits

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"shequ/internal/access"
	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/register"
)

// A need found at the door (办百家事) becomes an event in one step: the
// worker picks its category on the visit form, or on the visit's page
// afterwards, and the event is reported at the household's place (its
// building, else its grid, else its community) with the household as its
// subject and the visit as its source (visits.event_id). The event and the
// visit's link to it are written in one transaction.

// Need is a need a visit found, to be reported as an event (报事件).
type Need struct {
	Category    string // a 小类 of the events' catalogue
	Urgency     string // normal when empty
	Description string
}

// ErrNeedReported answers a second event for one visit.
var ErrNeedReported = fault.New(fault.Conflict, "这次走访已报过事件,请在事件页面补充")

// UseEvents has needs found on visits reported to ev; without it 报事件
// is refused.
func (s *Service) UseEvents(ev *events.Store) { s.events = ev }

// NeedCategories lists the event categories a need can be reported under:
// the active 小类, in the catalogue's order.
func (s *Service) NeedCategories(ctx context.Context) ([]events.Category, error) {
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

// needFields maps the events' field errors to the visit form's.
var needFields = map[string]string{"category": "need_category", "description": "need_description",
	"urgency": "need_urgency", "org": "need_category"}

// checkNeed refuses, before anything is saved, a need the events would
// refuse: no category, an unknown one, no description, a place outside
// where the viewer may report.
func (s *Service) checkNeed(ctx context.Context, v *access.Viewer, h register.Household, n *Need) error {
	if s.events == nil || v == nil {
		return fault.New(fault.Forbidden, "此处不能直接报事件")
	}
	fe := fault.Fields{}
	n.Description = strings.TrimSpace(n.Description)
	cat, err := s.events.Catalogue(ctx)
	if err != nil {
		return err
	}
	if c, ok := cat.Get(n.Category); n.Category == "" || !ok || !c.Active || c.Parent == "" {
		fe.Add("need_category", "请选择事件的具体小类")
	}
	switch l := utf8.RuneCountInString(n.Description); {
	case l == 0:
		fe.Add("need_description", "请描述发现的需求或问题")
	case l > events.MaxDescription:
		fe.Add("need_description", "描述不能超过2000个字")
	}
	if n.Urgency != "" && events.UrgencyNames[n.Urgency] == "" {
		fe.Add("need_urgency", "紧急程度应为 一般、紧急 或 特急")
	}
	if !v.CanAt(events.PermReport, access.Place{Community: h.CommunityID, Grid: h.GridID, Org: needPlace(h)}) {
		fe.Add("need_category", "您不能在该住户所在地上报事件")
	}
	return fe.Err()
}

// needPlace is the unit an event about a household is reported at.
func needPlace(h register.Household) int64 {
	switch {
	case h.OrgID != 0:
		return h.OrgID
	case h.GridID != 0:
		return h.GridID
	}
	return h.CommunityID
}

// ReportNeed reports a need found on a visit as an event, linked to the
// visit: one event per visit.
func (s *Service) ReportNeed(ctx context.Context, v *access.Viewer, visitID int64, n Need) (*events.Event, error) {
	scope := v.Scope(PermRecord)
	visit, err := s.Visit(ctx, scope, visitID)
	if err != nil {
		return nil, err
	}
	if visit.EventID != 0 {
		return nil, ErrNeedReported
	}
	h, err := s.reg.Household(ctx, scope, visit.HouseholdID)
	if err != nil {
		return nil, err
	}
	if err := s.checkNeed(ctx, v, h, &n); err != nil {
		return nil, err
	}
	return s.reportNeed(ctx, v, visit, h, n)
}

func (s *Service) reportNeed(ctx context.Context, v *access.Viewer, visit Visit, h register.Household, n Need) (*events.Event, error) {
	e, err := s.events.Report(ctx, v, events.Report{OrgID: needPlace(h), Category: n.Category, Urgency: n.Urgency,
		Description: n.Description, Address: h.Address, SubjectKind: "household", SubjectID: h.ID,
		Source: events.SourceGrid, Private: true, // a household's need stays out of the public feed
		Also: func(ctx context.Context, tx *sql.Tx, e *events.Event) error {
			res, err := tx.ExecContext(ctx, `UPDATE visits SET event_id = $1 WHERE community_id = $2 AND id = $3
				AND event_id IS NULL`, e.ID, visit.CommunityID, visit.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrNeedReported // reported by another send meanwhile
			}
			return nil
		}})
	if fe := fault.FieldsOf(err); fe != nil {
		out := fault.Fields{}
		for k, m := range fe {
			if f, ok := needFields[k]; ok {
				out.Add(f, m)
			} else {
				out.Add("need_description", m)
			}
		}
		return nil, out
	}
	if errors.Is(err, ErrNeedReported) {
		return nil, ErrNeedReported
	}
	return e, err
}
