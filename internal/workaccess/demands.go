package workaccess

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// Permissions of the communities' inbox.
const (
	PermDemand = "workaccess.demand" // a department or the street sends work to communities
	PermInbox  = "workaccess.inbox"  // read a community's inbox
	PermAnswer = "workaccess.answer" // the community accepts or refuses
)

// Demand kinds: whatever a community is asked to do.
var DemandKinds = []Label{{"item", "清单事项到期"}, {"campaign", "专项活动"}, {"inspection", "检查考核"},
	{"meeting", "会议"}, {"plaque", "挂牌"}, {"form", "报表台账"}}

// Demand statuses.
const (
	Open          = "open"
	Accepted      = "accepted"
	DemandRefused = "refused"
	Done          = "done"
)

// DemandStatusName is the Chinese name of a demand status.
func DemandStatusName(s string) string {
	return nameOf([]Label{{Open, "待接收"}, {Accepted, "已接收"}, {DemandRefused, "已拒绝"}, {Done, "已完成"}}, s)
}

// DemandKindName is the Chinese name of a demand kind.
func DemandKindName(k string) string { return nameOf(DemandKinds, k) }

// Demand is one piece of work asked of a community.
type Demand struct {
	ID            int64
	Kind          string
	Title         string
	Department    string // "" when the street itself asks
	FromName      string
	CommunityID   int64
	CommunityName string
	DueOn         string
	WorkItemID    int64
	Status        string
	RefusalReason string
	SentAt        string
	SentBy        string
	AnsweredAt    string
	AnsweredBy    string
	DoneOn        string // the day the community marked it done
	DoneBy        string
	Version       int
	// What the demand rests on, read from the catalogue.
	ItemTitle   string
	ItemKind    string
	ItemStatus  string
	ItemFunding string
}

// Grounds says why a community may refuse the demand without giving a
// reason; "" when it rests on an admitted, funded item and is an
// obligation.
func (d *Demand) Grounds() string {
	switch {
	case d.WorkItemID == 0 || d.ItemStatus != Admitted:
		return "未准入"
	case d.ItemKind == Negative:
		return "负面清单事项"
	case d.ItemFunding == Unfunded:
		return "无经费保障"
	}
	return ""
}

// Obligation reports whether the community must do the work.
func (d *Demand) Obligation() bool { return d.Grounds() == "" }

// DemandDraft is a demand as a sender fills it in.
type DemandDraft struct {
	Kind, Title, Department, DueOn string
	CommunityID, WorkItemID        int64
}

const demandColumns = `m.id, m.kind, m.title, COALESCE(m.department, ''), m.from_name, m.community_id,
	COALESCE(u.name, ''), m.due_on, COALESCE(m.work_item_id, 0), m.status, m.refusal_reason, m.sent_at, m.sent_by,
	m.answered_at, m.answered_by, m.version, COALESCE(i.title, ''), COALESCE(i.kind, ''), COALESCE(i.status, ''),
	COALESCE(i.funding_rule, ''), m.done_on, m.done_by
	FROM demands m LEFT JOIN org_units u ON u.id = m.community_id LEFT JOIN work_items i ON i.id = m.work_item_id`

func scanDemand(row interface{ Scan(...any) error }) (*Demand, error) {
	var d Demand
	err := row.Scan(&d.ID, &d.Kind, &d.Title, &d.Department, &d.FromName, &d.CommunityID, &d.CommunityName, &d.DueOn,
		&d.WorkItemID, &d.Status, &d.RefusalReason, &d.SentAt, &d.SentBy, &d.AnsweredAt, &d.AnsweredBy, &d.Version,
		&d.ItemTitle, &d.ItemKind, &d.ItemStatus, &d.ItemFunding, &d.DoneOn, &d.DoneBy)
	return &d, err
}

// errNoDemand answers a demand that does not exist or lies outside the
// caller's communities: the two are not told apart.
var errNoDemand = fault.New(fault.NotFound, "没有这项派发工作")

// Send puts a demand in a community's inbox. A department sends in its own
// name where its role covers the community; the street in its own.
func (s *Service) Send(ctx context.Context, v *access.Viewer, d DemandDraft) (*Demand, error) {
	fe := fault.Fields{}
	if nameOf(DemandKinds, d.Kind) == d.Kind {
		fe.Add("kind", "请选择工作类别")
	}
	d.Title = strings.TrimSpace(d.Title)
	if d.Title == "" {
		fe.Add("title", "请填写工作名称")
	}
	due, err := workdays.ParseDate(d.DueOn)
	if err != nil {
		fe.Add("due_on", "完成期限应为 年-月-日")
	}
	from := "街道"
	if d.Department != "" {
		depts, err := s.Departments(ctx)
		if err != nil {
			return nil, err
		}
		if from = depts[d.Department]; from == "" {
			fe.Add("department", "请选择派发部门")
		}
	}
	// A department sends in its own name where its role covers the
	// community; the street and the administrator in theirs or any.
	sc := v.Scope(PermDemand)
	if own := v.DepartmentScopes(PermDemand); len(own) > 0 {
		sc = own[d.Department]
		if d.Department == "" {
			fe.Add("department", "请选择派发部门")
		} else if sc.Empty() {
			fe.Add("department", "只能以本人所在部门的名义派发")
		}
	}
	if d.CommunityID == 0 {
		fe.Add("community_id", "请选择社区")
	} else if !sc.Contains(access.Place{Community: d.CommunityID}) {
		fe.Add("community_id", "只能向本人负责范围内的社区派发")
	}
	if d.WorkItemID != 0 {
		if _, err := s.Item(ctx, d.WorkItemID); err != nil {
			fe.Add("work_item_id", "清单中没有这个事项")
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	id := database.NewID()
	var dept, item any
	if d.Department != "" {
		dept = d.Department
	}
	if d.WorkItemID != 0 {
		item = d.WorkItemID
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO demands (id, kind, title, department, from_name, community_id, due_on,
		work_item_id, sent_at, sent_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		id, d.Kind, d.Title, dept, from, d.CommunityID, dateOf(due), item, database.FormatTime(s.now()), v.Name)
	if err != nil {
		return nil, err
	}
	return s.demand(ctx, id)
}

func (s *Service) demand(ctx context.Context, id int64) (*Demand, error) {
	d, err := scanDemand(s.db.QueryRowContext(ctx, `SELECT `+demandColumns+` WHERE m.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoDemand
	}
	return d, err
}

// Demands lists what v may see, open ones first by due date: a community
// its inbox, the street its communities', a department what it sent within
// its scope (so that it reads the refusals).
func (s *Service) Demands(ctx context.Context, v *access.Viewer, status string) ([]*Demand, error) {
	a := s.db.Args()
	var or []string
	scopes := []access.Scope{v.Scope(PermInbox)}
	depts := v.DepartmentScopes(PermDemand)
	if len(depts) == 0 {
		scopes = append(scopes, v.Scope(PermDemand))
	}
	for _, sc := range scopes {
		switch {
		case sc.Empty():
		case sc.Whole():
			or = append(or, "1 = 1")
		default:
			or = append(or, a.In("m.community_id", database.AnyOf(sc.Communities())...))
		}
	}
	for dept, sc := range depts {
		c := "m.department = " + a.Arg(dept)
		if !sc.Whole() {
			c += " AND " + a.In("m.community_id", database.AnyOf(sc.Communities())...)
		}
		or = append(or, "("+c+")")
	}
	if len(or) == 0 {
		return nil, nil
	}
	q := `SELECT ` + demandColumns + ` WHERE (` + strings.Join(or, " OR ") + `)`
	if status != "" {
		q += ` AND m.status = ` + a.Arg(status)
	}
	q += ` ORDER BY CASE m.status WHEN 'open' THEN 0 ELSE 1 END, m.due_on, m.id`
	rows, err := s.db.QueryContext(ctx, q, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Demand
	for rows.Next() {
		d, err := scanDemand(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Answer is a community's accept (refuse false) or refusal of a demand at
// its version. Work on no admitted item, on the negative list or unfunded
// is refused in one step, its grounds recorded; an obligation is refused
// only with the community's reason.
func (s *Service) Answer(ctx context.Context, v *access.Viewer, id int64, version int, refuse bool, reason string) (*Demand, error) {
	d, err := s.demand(ctx, id)
	if err != nil {
		return nil, err
	}
	if !v.CanAt(PermAnswer, access.Place{Community: d.CommunityID}) {
		return nil, errNoDemand
	}
	if d.Status != Open {
		return nil, fault.New(fault.Illegal, "这项工作已答复")
	}
	status, reason := Accepted, strings.TrimSpace(reason)
	if refuse {
		status = DemandRefused
		switch g := d.Grounds(); {
		case g == "" && reason == "":
			return nil, fault.Fields{"reason": "该工作属已准入且有经费的事项,拒绝须写明理由"}
		case g != "" && reason == "":
			reason = g
		case g != "":
			reason = g + ":" + reason
		}
	} else {
		reason = ""
	}
	res, err := s.db.ExecContext(ctx, `UPDATE demands SET status = $1, refusal_reason = $2, answered_at = $3,
		answered_by = $4, version = version + 1 WHERE id = $5 AND version = $6 AND status = 'open'`,
		status, reason, database.FormatTime(s.now()), v.Name, id, version)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, fault.New(fault.Conflict, "这项工作在您打开后已被他人答复,请刷新后查看")
	}
	return s.demand(ctx, id)
}

// Community is a community a sender may address.
type Community struct {
	ID   int64
	Name string
}

// SendTo lists the communities v may send demands to.
func (s *Service) SendTo(ctx context.Context, v *access.Viewer) ([]Community, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name FROM org_units WHERE level = 'community' ORDER BY sort, name, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Community
	for rows.Next() {
		var c Community
		if err := rows.Scan(&c.ID, &c.Name); err != nil {
			return nil, err
		}
		if v.CanAt(PermDemand, access.Place{Community: c.ID}) {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}
