package events

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/workdays"
)

// Mediation is the record of a dispute's mediation (矛盾纠纷调解): the
// parties, the mediators, the sessions held, the agreement reached and the
// outcome. Every event of a dispute category has one.
type Mediation struct {
	EventID     int64      `json:"event_id"`
	DisputeType string     `json:"dispute_type"`
	Parties     []Party    `json:"parties"`
	Mediators   []Mediator `json:"mediators"`
	Agreement   string     `json:"agreement"`
	AgreedOn    string     `json:"agreed_on,omitempty"` // YYYY-MM-DD
	Outcome     string     `json:"outcome"`
	OutcomeNote string     `json:"outcome_note,omitempty"`
	Version     int        `json:"version"`
	UpdatedAt   time.Time  `json:"updated_at"`
	UpdatedBy   string     `json:"updated_by,omitempty"`
	Sessions    []Session  `json:"sessions"`
}

// Party is one side of a dispute. Phone and ID numbers are personal data,
// shown as the viewer's field set allows (entity "mediation").
type Party struct {
	Name     string `json:"name"`
	Side     string `json:"side"` // applicant 申请人, respondent 被申请人, third 第三人
	Phone    string `json:"phone,omitempty"`
	IDNumber string `json:"id_number,omitempty"`
}

// Mediator is someone who mediates: a 人民调解员, a grid worker, a lawyer.
type Mediator struct {
	Name string `json:"name"`
	Org  string `json:"org,omitempty"`
}

// Session is one mediation meeting.
type Session struct {
	ID        int64     `json:"id"`
	HeldOn    string    `json:"held_on"` // YYYY-MM-DD
	Place     string    `json:"place,omitempty"`
	Mediators string    `json:"mediators,omitempty"`
	Summary   string    `json:"summary"`
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Dispute types and outcomes.
var (
	DisputeTypes = []string{"邻里纠纷", "婚姻家庭", "物业纠纷", "劳资纠纷", "房屋土地", "损害赔偿", "消费纠纷", "其他"}
	SideNames    = map[string]string{"applicant": "申请人", "respondent": "被申请人", "third": "第三人"}
	OutcomeNames = map[string]string{"": "调解中", "success": "调解成功", "partial": "部分达成", "failed": "调解不成",
		"withdrawn": "当事人撤回", "referred": "转诉讼/仲裁/信访"}
)

func createMediation(ctx context.Context, q database.Querier, e *Event, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO event_mediations (community_id, event_id, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (community_id, event_id) DO NOTHING`, e.CommunityID, e.ID, fmtT(now))
	return err
}

// personalFields is what v may see of the people named in e (its reporter,
// the parties of its mediation): v's field set for events where v reads
// events, or else where v handles them.
func personalFields(v *access.Viewer, e *Event) access.Fields {
	if v.Scope(PermRead).Contains(e.Place()) {
		return v.Scope(PermRead).Fields(e.Place())
	}
	return v.Scope(PermHandle).Fields(e.Place())
}

// CanMediate reports whether v may keep e's mediation record: the
// community office, or the department it is dispatched to.
func CanMediate(v *access.Viewer, e *Event) bool {
	return v.CanAt(PermAccept, e.Place()) || inDepartment(v, e)
}

// Mediation returns e's mediation record as v may see it (nil when e is
// not a dispute).
func (s *Store) Mediation(ctx context.Context, v *access.Viewer, e *Event) (*Mediation, error) {
	m, err := s.mediation(ctx, s.db, e)
	if err != nil || m == nil {
		return m, err
	}
	f := personalFields(v, e)
	for i := range m.Parties {
		p := &m.Parties[i]
		p.Name = f.Text("mediation", "party_name", p.Name)
		p.Phone = f.Phone("mediation", "party_phone", p.Phone)
		p.IDNumber = f.ID("mediation", "party_id_number", p.IDNumber)
	}
	return m, nil
}

func (s *Store) mediation(ctx context.Context, q database.Querier, e *Event) (*Mediation, error) {
	m := &Mediation{EventID: e.ID}
	var parties, mediators, updated string
	err := q.QueryRowContext(ctx, `SELECT dispute_type, parties, mediators, agreement, agreed_on, outcome, outcome_note,
		version, updated_at, updated_by FROM event_mediations WHERE community_id = $1 AND event_id = $2`, e.CommunityID, e.ID).
		Scan(&m.DisputeType, &parties, &mediators, &m.Agreement, &m.AgreedOn, &m.Outcome, &m.OutcomeNote, &m.Version,
			&updated, &m.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m.UpdatedAt = parseT(updated)
	json.Unmarshal([]byte(parties), &m.Parties)
	json.Unmarshal([]byte(mediators), &m.Mediators)
	rows, err := q.QueryContext(ctx, `SELECT id, held_on, place, mediators, summary, created_by, created_at
		FROM event_mediation_sessions WHERE community_id = $1 AND event_id = $2 ORDER BY held_on, id`, e.CommunityID, e.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ss Session
		var created string
		if err := rows.Scan(&ss.ID, &ss.HeldOn, &ss.Place, &ss.Mediators, &ss.Summary, &ss.CreatedBy, &created); err != nil {
			return nil, err
		}
		ss.CreatedAt = parseT(created)
		m.Sessions = append(m.Sessions, ss)
	}
	return m, rows.Err()
}

// SaveMediation changes e's mediation record for v. m.Version must be the
// version v read. A party's phone or ID number sent back in the masked form
// v was shown keeps the stored value.
func (s *Store) SaveMediation(ctx context.Context, v *access.Viewer, id int64, m Mediation) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		e, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !CanSee(v, e) {
			return ErrNotFound
		}
		if !CanMediate(v, e) {
			return ErrForbidden
		}
		old, err := s.mediation(ctx, tx, e)
		if err != nil {
			return err
		}
		if old == nil {
			return fault.Fields{"mediation": "该事件不是矛盾纠纷,没有调解记录"}
		}
		if m.Version != old.Version {
			return fault.Fields{"version": fmt.Sprintf("调解记录已被 %s 修改,请刷新后再改", old.UpdatedBy)}
		}
		fe := fault.Fields{}
		m.DisputeType = strings.TrimSpace(m.DisputeType)
		if m.DisputeType != "" && !hasString(DisputeTypes, m.DisputeType) {
			fe["dispute_type"] = "纠纷类型无效"
		}
		if _, ok := OutcomeNames[m.Outcome]; !ok {
			fe["outcome"] = "调解结果无效"
		}
		if m.Outcome == "success" || m.Outcome == "partial" {
			if strings.TrimSpace(m.Agreement) == "" {
				fe["agreement"] = "达成协议的,请填写协议内容"
			}
		}
		if m.AgreedOn != "" {
			if _, err := time.Parse("2006-01-02", m.AgreedOn); err != nil {
				fe["agreed_on"] = "日期应为 年-月-日"
			}
		}
		if utf8.RuneCountInString(m.Agreement) > 5000 {
			fe["agreement"] = "协议内容不能超过5000字"
		}
		f := personalFields(v, e)
		var parties []Party
		for i, p := range m.Parties {
			p.Name, p.Phone, p.IDNumber = strings.TrimSpace(p.Name), strings.TrimSpace(p.Phone), strings.TrimSpace(p.IDNumber)
			if p.Name == "" && p.Phone == "" && p.IDNumber == "" {
				continue
			}
			field := fmt.Sprintf("parties.%d", i)
			if p.Name == "" {
				fe[field+".name"] = "请填写当事人姓名"
			}
			if SideNames[p.Side] == "" {
				fe[field+".side"] = "请选择当事人身份"
			}
			// A masked value sent back unchanged keeps what is stored.
			if i < len(old.Parties) {
				o := old.Parties[i]
				if p.Phone != "" && p.Phone == f.Phone("mediation", "party_phone", o.Phone) {
					p.Phone = o.Phone
				}
				if p.IDNumber != "" && p.IDNumber == f.ID("mediation", "party_id_number", o.IDNumber) {
					p.IDNumber = o.IDNumber
				}
			}
			if p.Phone != "" {
				if n, err := ident.ParsePhone(p.Phone); err != nil {
					fe[field+".phone"] = "电话号码格式不对"
				} else {
					p.Phone = n
				}
			}
			if p.IDNumber != "" {
				if id, err := ident.ParseResidentID(p.IDNumber, s.now()); err != nil {
					fe[field+".id_number"] = "身份证号码无效"
				} else {
					p.IDNumber = id.Number
				}
			}
			parties = append(parties, p)
		}
		var mediators []Mediator
		for _, md := range m.Mediators {
			md.Name, md.Org = strings.TrimSpace(md.Name), strings.TrimSpace(md.Org)
			if md.Name != "" {
				mediators = append(mediators, md)
			}
		}
		if len(fe) > 0 {
			return fe
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE event_mediations SET dispute_type = $1, parties = $2, mediators = $3,
			agreement = $4, agreed_on = $5, outcome = $6, outcome_note = $7, version = version + 1, updated_at = $8,
			updated_by = $9 WHERE community_id = $10 AND event_id = $11`,
			m.DisputeType, jsonData(nonNil(parties)), jsonData(nonNil(mediators)), strings.TrimSpace(m.Agreement), m.AgreedOn,
			m.Outcome, strings.TrimSpace(m.OutcomeNote), fmtT(now), s.actorName(ctx, v), e.CommunityID, e.ID); err != nil {
			return err
		}
		note := "更新调解记录"
		if m.Outcome != old.Outcome {
			note = "调解结果:" + OutcomeNames[m.Outcome]
		}
		return s.insertStep(ctx, tx, e, &Step{Action: ActMediate, FromStatus: e.Status, ToStatus: e.Status,
			ActorUserID: v.UserID, ActorName: s.actorName(ctx, v), Level: e.Level, Note: note, CreatedAt: now}, nil)
	})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// AddSession records a mediation session of e.
func (s *Store) AddSession(ctx context.Context, v *access.Viewer, id int64, ss Session) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		e, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !CanSee(v, e) {
			return ErrNotFound
		}
		if !CanMediate(v, e) {
			return ErrForbidden
		}
		m, err := s.mediation(ctx, tx, e)
		if err != nil {
			return err
		}
		if m == nil {
			return fault.Fields{"mediation": "该事件不是矛盾纠纷,没有调解记录"}
		}
		fe := fault.Fields{}
		held, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(ss.HeldOn), workdays.Shanghai)
		if err != nil {
			fe["held_on"] = "请填写调解日期(年-月-日)"
		} else if held.After(s.now()) {
			fe["held_on"] = "调解日期不能晚于今天"
		}
		ss.Summary = strings.TrimSpace(ss.Summary)
		if ss.Summary == "" {
			fe["summary"] = "请填写调解情况"
		}
		if utf8.RuneCountInString(ss.Summary) > 3000 {
			fe["summary"] = "调解情况不能超过3000字"
		}
		if len(fe) > 0 {
			return fe
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO event_mediation_sessions (community_id, event_id, id, held_on, place,
			mediators, summary, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			e.CommunityID, e.ID, database.NewID(), held.Format("2006-01-02"), strings.TrimSpace(ss.Place),
			strings.TrimSpace(ss.Mediators), ss.Summary, fmtT(now), s.actorName(ctx, v)); err != nil {
			return err
		}
		return s.insertStep(ctx, tx, e, &Step{Action: ActMediate, FromStatus: e.Status, ToStatus: e.Status,
			ActorUserID: v.UserID, ActorName: s.actorName(ctx, v), Level: e.Level, Note: "调解会议 " + held.Format("2006-01-02"),
			CreatedAt: now}, nil)
	})
}
