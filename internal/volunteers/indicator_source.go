package volunteers

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/indicators"
)

// 志愿服务 as entities of report indicators (internal/indicators):
//
//   - 志愿者 (volunteer, 人): a registration, in service from the day it was
//     made (joined_on) to the day the volunteer left (left_on, no longer
//     in service at that day's end) — 注册志愿者人数 (计数, 期末), by 服务队
//     (the team kinds they belonged to on the day), 技能 (as now) and 年龄
//     (on the day).
//   - 服务时长 (volunteer_hours, 条): a row of the hours ledger standing (not
//     reversed, not itself a reversal), from the day it was served — 服务
//     时长 and 培训时长 (求和 of 时长 by 类别, 期内新增). A reversed row and its
//     reversal cancel out to the minute, so leaving both out is the ledger's
//     total exactly, as the summaries of migration 079 count it.
//   - 志愿服务活动 (volunteer_activity, 场): a shift held — of an activity not
//     cancelled, with at least one volunteer checked in by its QR — from
//     its day: 活动场次 (计数, 期内新增). A check-in happens only within its
//     shift's window, so a past month's shifts held do not change later.
//
// Everything is dated (joined_on, left_on, the team memberships' days,
// served_on, the shift's day), so a past period is computed again the
// same; only a correction (a reversal, a row recorded late for its day)
// changes it, and a confirmed report then shows the difference.
// Volunteers and their rows lie where their person lies today; a shift in
// its community.
var _ indicators.SourceFunc = NewIndicatorSource

type indicatorSource struct {
	db                        *database.DB
	volunteer, hours, held    *indicators.Entity
	teams, skills, age        *indicators.Field
	kind, hoursOf, team, scan *indicators.Field
	heldKind, heldTeam, came  *indicators.Field
}

// teamKindOrder lists TeamKinds in the order reports show them.
var teamKindOrder = []string{"medical", "culture", "patrol", "party", "other"}

// NewIndicatorSource makes the source of 志愿者, 服务时长 and 志愿服务活动 on db.
func NewIndicatorSource(ctx context.Context, db *database.DB) (indicators.Source, error) {
	s := &indicatorSource{db: db}
	var teamKinds, skills []indicators.Value
	for _, k := range teamKindOrder {
		teamKinds = append(teamKinds, indicators.Value{Code: k, Name: TeamKinds[k]})
	}
	for _, k := range Skills {
		skills = append(skills, indicators.Value{Code: k.Code, Name: k.Name})
	}
	// A row or a shift of no team: a value of its own, so a filter can ask for it.
	rowTeams := append(append([]indicators.Value{}, teamKinds...), indicators.Value{Code: "", Name: "无服务队"})
	kinds := []indicators.Value{{Code: "service", Name: "服务"}, {Code: "training", Name: "培训"}}

	s.teams = &indicators.Field{Name: "teams", Label: "服务队", Kind: indicators.Set, Values: teamKinds,
		Note: "当日所在服务队的类别(医疗、文化、巡逻、党员、其他)"}
	s.skills = &indicators.Field{Name: "skills", Label: "技能", Kind: indicators.Set, Values: skills,
		Note: "以现在登记的技能计"}
	s.age = &indicators.Field{Name: "age", Label: "年龄", Kind: indicators.Number, Unit: "岁", Note: "当日的周岁年龄"}
	s.volunteer = &indicators.Entity{Name: "volunteer", Label: "志愿者", Unit: "人",
		Note:   "在本社区注册的志愿者,自注册之日起、至退出之日止",
		Fields: []*indicators.Field{s.teams, s.skills, s.age}}

	s.kind = &indicators.Field{Name: "kind", Label: "类别", Kind: indicators.Enum, Values: kinds}
	s.hoursOf = &indicators.Field{Name: "hours", Label: "时长", Kind: indicators.Number, Unit: "小时"}
	s.team = &indicators.Field{Name: "team", Label: "服务队", Kind: indicators.Enum, Values: rowTeams,
		Note: "记录所属服务队的类别"}
	s.scan = &indicators.Field{Name: "scanned", Label: "扫码签退", Kind: indicators.Bool,
		Note: "由活动现场扫码签到、签退记录;否则为工作人员补录"}
	s.hours = &indicators.Entity{Name: "volunteer_hours", Label: "志愿服务时长", Unit: "条",
		Note:   "服务时长台账中有效的记录(已冲销的记录和冲销记录不计),自服务之日起计;培训时长另计",
		Fields: []*indicators.Field{s.kind, s.hoursOf, s.team, s.scan}}

	s.heldKind = &indicators.Field{Name: "kind", Label: "类别", Kind: indicators.Enum, Values: kinds}
	s.heldTeam = &indicators.Field{Name: "team", Label: "服务队", Kind: indicators.Enum, Values: rowTeams}
	s.came = &indicators.Field{Name: "checked_in", Label: "签到人数", Kind: indicators.Number, Unit: "人"}
	s.held = &indicators.Entity{Name: "volunteer_activity", Label: "志愿服务活动", Unit: "场",
		Note:   "举行了的志愿服务活动班次(至少一名志愿者扫码签到;已取消的活动不计),自活动之日起计",
		Fields: []*indicators.Field{s.heldKind, s.heldTeam, s.came}}
	return s, nil
}

func (s *indicatorSource) Entities() []*indicators.Entity {
	return []*indicators.Entity{s.volunteer, s.hours, s.held}
}

func (s *indicatorSource) Scan(ctx context.Context, req indicators.ScanRequest, emit func(*indicators.Entity, *indicators.Record)) error {
	if req.Wants(s.volunteer.Name) {
		if err := s.scanVolunteers(ctx, req, emit); err != nil {
			return err
		}
	}
	start, end := req.Period.Start(), req.Period.End()
	if req.Wants(s.hours.Name) {
		rows, err := s.db.QueryContext(ctx, `SELECT h.id, COALESCE(p.grid_id, 0), p.org_id, h.kind, h.minutes, h.served_on,
			COALESCE(t.kind, ''), CASE WHEN h.source LIKE 'shift:%' OR h.source LIKE '%:shift:%' THEN 1 ELSE 0 END
			FROM volunteer_hours h JOIN volunteers v ON v.community_id = h.community_id AND v.id = h.volunteer_id
			JOIN persons p ON p.community_id = v.community_id AND p.id = v.person_id
			LEFT JOIN volunteer_teams t ON t.community_id = h.community_id AND t.id = h.team_id
			WHERE h.community_id = $1 AND h.served_on <= $2 AND h.reversed = 0 AND h.reverses_id IS NULL`, req.Community, end)
		if err != nil {
			return err
		}
		v := indicators.NewValues(s.hours)
		var rec indicators.Record
		for rows.Next() {
			var kind, on, team string
			var minutes, scanned int
			if err := rows.Scan(&rec.ID, &rec.Place.Grid, &rec.Place.Org, &kind, &minutes, &on, &team, &scanned); err != nil {
				rows.Close()
				return err
			}
			rec.Place.Community = req.Community
			v.Enum[s.kind.Slot()] = int32(s.kind.CodeIndex(kind))
			v.Enum[s.team.Slot()] = int32(s.team.CodeIndex(team))
			v.Enum[s.scan.Slot()] = int32(scanned)
			v.Num[s.hoursOf.Slot()] = float64(minutes) / 60
			rec.Start, rec.End, rec.During = nil, v, v
			if on < start {
				rec.Start = v
			}
			emit(s.hours, &rec)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if !req.Wants(s.held.Name) {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT sh.id, sh.served_on, a.kind, COALESCE(t.kind, ''),
		(SELECT COUNT(*) FROM volunteer_signups u WHERE u.community_id = sh.community_id AND u.shift_id = sh.id AND u.checked_in_at <> '')
		FROM volunteer_shifts sh JOIN volunteer_activities a ON a.community_id = sh.community_id AND a.id = sh.activity_id
		LEFT JOIN volunteer_teams t ON t.community_id = a.community_id AND t.id = a.team_id
		WHERE sh.community_id = $1 AND sh.served_on <= $2 AND a.status = 'open'`, req.Community, end)
	if err != nil {
		return err
	}
	defer rows.Close()
	v := indicators.NewValues(s.held)
	rec := indicators.Record{Place: access.Place{Community: req.Community, Org: req.Community}}
	for rows.Next() {
		var on, kind, team string
		var came int
		if err := rows.Scan(&rec.ID, &on, &kind, &team, &came); err != nil {
			return err
		}
		if came == 0 {
			continue // planned, or no one came: not held
		}
		v.Enum[s.heldKind.Slot()] = int32(s.heldKind.CodeIndex(kind))
		v.Enum[s.heldTeam.Slot()] = int32(s.heldTeam.CodeIndex(team))
		v.Num[s.came.Slot()] = float64(came)
		rec.Start, rec.End, rec.During = nil, v, v
		if on < start {
			rec.Start = v
		}
		emit(s.held, &rec)
	}
	return rows.Err()
}

// inService says whether a registration from joined to left (empty: not
// left) is in service at the end of day: leaving on a day ends the
// service that day.
func inService(joined, left, day string) bool {
	return joined <= day && (left == "" || left > day)
}

// scanVolunteers emits the registrations in service at some time in the
// period, with the teams they belonged to at its start and end.
func (s *indicatorSource) scanVolunteers(ctx context.Context, req indicators.ScanRequest,
	emit func(*indicators.Entity, *indicators.Record)) error {
	start, end, before := req.Period.Start(), req.Period.End(), req.Period.Before()
	type stint struct {
		kind, joined, left string
	}
	teams := map[int64][]stint{}
	if req.WantsField(s.volunteer.Name, s.teams.Name) {
		rows, err := s.db.QueryContext(ctx, `SELECT m.volunteer_id, t.kind, m.joined_on, m.left_on FROM volunteer_team_members m
			JOIN volunteer_teams t ON t.community_id = m.community_id AND t.id = m.team_id
			WHERE m.community_id = $1 AND m.joined_on <= $2 AND (m.left_on = '' OR m.left_on >= $3)`, req.Community, end, start)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var st stint
			if err := rows.Scan(&id, &st.kind, &st.joined, &st.left); err != nil {
				rows.Close()
				return err
			}
			teams[id] = append(teams[id], st)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT v.id, COALESCE(p.grid_id, 0), p.org_id, v.joined_on, v.left_on, v.skills, p.birth_date
		FROM volunteers v JOIN persons p ON p.community_id = v.community_id AND p.id = v.person_id
		WHERE v.community_id = $1 AND v.joined_on <= $2 AND (v.left_on = '' OR v.left_on >= $3)`, req.Community, end, start)
	if err != nil {
		return err
	}
	defer rows.Close()
	startV, endV := indicators.NewValues(s.volunteer), indicators.NewValues(s.volunteer)
	state := func(v *indicators.Values, id int64, skills uint64, birth, day string) {
		var set uint64
		for _, st := range teams[id] {
			if i := s.teams.CodeIndex(st.kind); i >= 0 && inService(st.joined, st.left, day) {
				set |= 1 << i
			}
		}
		v.Set[s.teams.Slot()] = set
		v.Set[s.skills.Slot()] = skills
		v.Num[s.age.Slot()] = ageOn(birth, day)
	}
	var rec indicators.Record
	for rows.Next() {
		var joined, left, skillsJSON, birth string
		if err := rows.Scan(&rec.ID, &rec.Place.Grid, &rec.Place.Org, &joined, &left, &skillsJSON, &birth); err != nil {
			return err
		}
		rec.Place.Community = req.Community
		var codes []string
		json.Unmarshal([]byte(skillsJSON), &codes) // unreadable skills count as none
		var skills uint64
		for _, c := range codes {
			if i := s.skills.CodeIndex(c); i >= 0 {
				skills |= 1 << i
			}
		}
		rec.Start, rec.End = nil, nil
		if inService(joined, left, end) {
			state(endV, rec.ID, skills, birth, end)
			rec.End = endV
		}
		if inService(joined, left, before) {
			state(startV, rec.ID, skills, birth, before)
			rec.Start = startV
		}
		rec.During = rec.End
		if rec.During == nil {
			rec.During = rec.Start
		}
		if rec.During == nil {
			// Joined and left within the period: in service on the day joined.
			state(startV, rec.ID, skills, birth, joined)
			rec.During = startV
		}
		emit(s.volunteer, &rec)
	}
	return rows.Err()
}

// ageOn is the age in whole years on day of someone born on birth (both
// YYYY-MM-DD); NaN (unknown) when birth is not a date.
func ageOn(birth, day string) float64 {
	if len(birth) != 10 || len(day) != 10 {
		return math.NaN()
	}
	by, err1 := strconv.Atoi(birth[:4])
	dy, err2 := strconv.Atoi(day[:4])
	if err1 != nil || err2 != nil {
		return math.NaN()
	}
	age := dy - by
	if day[5:] < birth[5:] {
		age--
	}
	return float64(age)
}

func (s *indicatorSource) Columns(e *indicators.Entity) []indicators.Column {
	switch e.Name {
	case s.volunteer.Name:
		return []indicators.Column{{Label: "志愿者编号", Kind: "text"}, {Label: "姓名", Kind: "text"}, {Label: "注册日期", Kind: "text"},
			{Label: "退出日期", Kind: "text"}}
	case s.hours.Name:
		return []indicators.Column{{Label: "日期", Kind: "text"}, {Label: "志愿者", Kind: "text"}, {Label: "类别", Kind: "text"},
			{Label: "服务内容", Kind: "text"}, {Label: "时长(小时)", Kind: "text"}}
	}
	return []indicators.Column{{Label: "日期", Kind: "text"}, {Label: "活动", Kind: "text"}, {Label: "类别", Kind: "text"},
		{Label: "签到人数", Kind: "text"}}
}

func (s *indicatorSource) Describe(ctx context.Context, e *indicators.Entity, p indicators.Period, community int64, ids []int64) ([]indicators.LedgerRow, error) {
	var out []indicators.LedgerRow
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 400)]
		ids = ids[len(chunk):]
		a := s.db.Args(community)
		var q string
		switch e.Name {
		case s.volunteer.Name:
			q = `SELECT v.id, COALESCE(p.grid_id, 0), p.org_id, v.number, p.name, v.joined_on, v.left_on, '' FROM volunteers v
				JOIN persons p ON p.community_id = v.community_id AND p.id = v.person_id
				WHERE v.community_id = $1 AND ` + a.In("v.id", database.AnyOf(chunk)...)
		case s.hours.Name:
			q = `SELECT h.id, COALESCE(p.grid_id, 0), p.org_id, h.served_on, p.name, h.kind, h.content, CAST(h.minutes AS TEXT)
				FROM volunteer_hours h JOIN volunteers v ON v.community_id = h.community_id AND v.id = h.volunteer_id
				JOIN persons p ON p.community_id = v.community_id AND p.id = v.person_id
				WHERE h.community_id = $1 AND ` + a.In("h.id", database.AnyOf(chunk)...)
		default:
			q = `SELECT sh.id, 0, sh.community_id, sh.served_on, a.title, a.kind, '', CAST((SELECT COUNT(*) FROM volunteer_signups u
				WHERE u.community_id = sh.community_id AND u.shift_id = sh.id AND u.checked_in_at <> '') AS TEXT)
				FROM volunteer_shifts sh JOIN volunteer_activities a ON a.community_id = sh.community_id AND a.id = sh.activity_id
				WHERE sh.community_id = $1 AND ` + a.In("sh.id", database.AnyOf(chunk)...)
		}
		rows, err := s.db.QueryContext(ctx, q, a.Values()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r := indicators.LedgerRow{Place: access.Place{Community: community}}
			var c1, c2, c3, c4, c5 string
			if err := rows.Scan(&r.ID, &r.Place.Grid, &r.Place.Org, &c1, &c2, &c3, &c4, &c5); err != nil {
				rows.Close()
				return nil, err
			}
			switch e.Name {
			case s.volunteer.Name:
				r.Cells = []string{c1, c2, c3, c4}
			case s.hours.Name:
				n, _ := strconv.Atoi(strings.TrimSpace(c5))
				r.Cells = []string{c1, c2, KindName(c3), c4, strconv.FormatFloat(Hours(n), 'f', 1, 64)}
			default:
				r.Cells = []string{c1, c2, KindName(c3), strings.TrimSpace(c5)}
			}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
