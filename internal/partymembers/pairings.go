package partymembers

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/visits"
)

// Pairing is a member paired with a household of the register (结对).
type Pairing struct {
	ID          int64  `json:"id"`
	MemberID    int64  `json:"member_id"`
	HouseholdID int64  `json:"household_id"`
	Household   string `json:"household"` // its number
	Head        string `json:"head,omitempty"`
	StartedOn   string `json:"started_on"`
	EndedOn     string `json:"ended_on,omitempty"`
	Note        string `json:"note,omitempty"`
	Visits      int    `json:"visits"`
	LastVisit   string `json:"last_visit,omitempty"`
}

// Pair pairs a member with a household of their community, named by its
// number (户号), from day ("": today).
func (s *Service) Pair(ctx context.Context, by Staff, member int64, household, day, note string) (Pairing, error) {
	m, err := s.Member(ctx, by.Scope, member)
	if err != nil {
		return Pairing{}, err
	}
	if m.Status != StatusActive {
		return Pairing{}, fault.New(fault.Illegal, "该党员已退出报到,不能结对")
	}
	fe := fault.Fields{}
	household = strings.TrimSpace(household)
	var hid int64
	if household == "" {
		fe.Add("household", "请填写结对户的户号")
	} else {
		err := s.db.QueryRowContext(ctx, `SELECT id FROM households WHERE community_id = $1 AND number = $2 AND status = 'active'`,
			m.CommunityID, household).Scan(&hid)
		if errors.Is(err, sql.ErrNoRows) {
			fe.Add("household", "本社区没有户号为 "+household+" 的在册住户")
		} else if err != nil {
			return Pairing{}, err
		}
	}
	s.dayField(fe, "started_on", "结对日期", &day, m.ReportedOn)
	textField(fe, "note", "结对说明", &note, 200, false)
	if err := fe.Err(); err != nil {
		return Pairing{}, err
	}
	p := Pairing{ID: database.NewID(), MemberID: m.ID, HouseholdID: hid, Household: household, StartedOn: day, Note: note}
	_, err = s.db.ExecContext(ctx, `INSERT INTO party_pairings (community_id, id, member_id, household_id, started_on, note,
		created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`, m.CommunityID, p.ID, m.ID, hid, day, note, by.Name)
	if err != nil {
		var n int
		if s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM party_pairings WHERE community_id = $1 AND member_id = $2
			AND household_id = $3 AND ended_on = ''`, m.CommunityID, m.ID, hid).Scan(&n) == nil && n > 0 {
			return Pairing{}, fault.Fields{"household": "该党员已与这户结对"}
		}
		return Pairing{}, err
	}
	return p, nil
}

// EndPairing ends a pairing today.
func (s *Service) EndPairing(ctx context.Context, by Staff, member, pairing int64) error {
	m, err := s.Member(ctx, by.Scope, member)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE party_pairings SET ended_on = $1 WHERE community_id = $2 AND id = $3
		AND member_id = $4 AND ended_on = ''`, s.today(), m.CommunityID, pairing, m.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fault.New(fault.Illegal, "这个结对已结束或不存在")
	}
	return nil
}

// Pairings lists a member's pairings with their visits, the live first.
func (s *Service) Pairings(ctx context.Context, m Member) ([]Pairing, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.household_id, h.number, COALESCE(hp.name, ''), r.started_on, r.ended_on,
		r.note, (SELECT COUNT(*) FROM party_service v WHERE v.community_id = r.community_id AND v.member_id = r.member_id
			AND v.household_id = r.household_id AND v.kind = 'pairing'),
		(SELECT COALESCE(MAX(v.served_on), '') FROM party_service v WHERE v.community_id = r.community_id
			AND v.member_id = r.member_id AND v.household_id = r.household_id AND v.kind = 'pairing')
		FROM party_pairings r JOIN households h ON h.community_id = r.community_id AND h.id = r.household_id
		LEFT JOIN persons hp ON hp.community_id = h.community_id AND hp.id = h.head_id
		WHERE r.community_id = $1 AND r.member_id = $2 ORDER BY r.ended_on, r.started_on`, m.CommunityID, m.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Pairing
	for rows.Next() {
		p := Pairing{MemberID: m.ID}
		if err := rows.Scan(&p.ID, &p.HouseholdID, &p.Household, &p.Head, &p.StartedOn, &p.EndedOn, &p.Note, &p.Visits,
			&p.LastVisit); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PairVisit is a member's visit of a paired household as staff record it.
type PairVisit struct {
	Key       string // the form's id: a form sent twice is one visit
	VisitedOn string
	Met       string // who was met
	Findings  string
	Hours     string
}

// RecordPairingVisit records a member's visit of a household paired with
// them: as a visit of 百家熟 (visits.RecordVisit, so that the household's
// due visits count it and the burden dashboard counts it as visit work),
// and as the member's service of the pairing, one record per visit. The
// two are written one after the other, not in one transaction (the visit
// is the visits capability's); both are keyed by the form's id, so that a
// form sent again after a failure between them completes what is missing
// and doubles nothing.
func (s *Service) RecordPairingVisit(ctx context.Context, by Staff, member, pairing int64, f PairVisit) (visits.Visit, error) {
	if s.visits == nil {
		return visits.Visit{}, fault.New(fault.Refused, "走访登记未启用,不能登记结对走访")
	}
	m, err := s.Member(ctx, by.Scope, member)
	if err != nil {
		return visits.Visit{}, err
	}
	var hid int64
	var started, ended string
	err = s.db.QueryRowContext(ctx, `SELECT household_id, started_on, ended_on FROM party_pairings WHERE community_id = $1
		AND id = $2 AND member_id = $3`, m.CommunityID, pairing, m.ID).Scan(&hid, &started, &ended)
	if errors.Is(err, sql.ErrNoRows) {
		return visits.Visit{}, fault.New(fault.NotFound, "没有这个结对")
	}
	if err != nil {
		return visits.Visit{}, err
	}
	fe := fault.Fields{}
	s.dayField(fe, "visited_on", "走访日期", &f.VisitedOn, started)
	if ended != "" && f.VisitedOn > ended {
		fe.Add("visited_on", "结对已于 "+ended+" 结束,走访日期不能晚于此日")
	}
	minutes, ok := parseHours(f.Hours)
	if !ok {
		fe.Add("hours", "走访时长应为大于 0、不超过 24 的小时数,最多一位小数(如 1)")
	}
	if err := fe.Err(); err != nil {
		return visits.Visit{}, err
	}
	key := strings.TrimSpace(f.Key)
	if key == "" || len(key) > 50 {
		key = visits.NewClientUUID()
	}
	if ok, err := s.dayRoom(ctx, m, f.VisitedOn, minutes); err != nil {
		return visits.Visit{}, err
	} else if !ok {
		// A form sent again whose service is already stored is not refused.
		var n int
		s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM visits WHERE community_id = $1 AND client_uuid = $2`,
			m.CommunityID, "party-"+key).Scan(&n)
		if n == 0 {
			return visits.Visit{}, fault.Fields{"hours": "该党员当天的服务时长合计将超过 24 小时"}
		}
	}
	v, _, err := s.visits.RecordVisit(ctx, visits.Visitor{UserID: by.UserID, Name: m.Name + "(在职党员)", Scope: by.Scope},
		visits.Record{HouseholdID: hid, ClientUUID: "party-" + key, VisitedOn: f.VisitedOn, Outcome: visits.OutcomeMet,
			Met: f.Met, Findings: f.Findings, Notes: "在职党员结对走访,由" + by.Name + "登记"})
	if err != nil {
		return v, err
	}
	content := "结对走访"
	if f.Findings != "" {
		content += ":" + strings.TrimSpace(f.Findings)
	}
	if len([]rune(content)) > 500 {
		content = string([]rune(content)[:500])
	}
	err = s.addService(ctx, s.db, m.CommunityID, ServiceRecord{ID: database.NewID(), MemberID: m.ID, Kind: "pairing",
		HouseholdID: hid, ServedOn: v.VisitedOn, Minutes: minutes, Content: content, Source: "visit:" + itoa(v.ID),
		RecordedBy: by.Name})
	return v, err
}
