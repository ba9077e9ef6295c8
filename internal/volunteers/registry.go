package volunteers

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/ident"
)

// Skills are the coded skills a volunteer offers and an activity or a need
// asks for, in the order the forms show them.
var Skills = []Skill{
	{"medical", "医疗护理"}, {"culture", "文化文艺"}, {"patrol", "巡逻治安"}, {"legal", "法律咨询"},
	{"repair", "维修"}, {"companion", "陪伴照料"}, {"counsel", "心理疏导"}, {"tutoring", "教育辅导"},
	{"publicity", "宣传引导"}, {"environment", "环境卫生"}, {"other", "其他"},
}

// Skill is one coded skill.
type Skill struct{ Code, Name string }

// SkillName names a skill code ("" for an unknown one).
func SkillName(code string) string {
	for _, s := range Skills {
		if s.Code == code {
			return s.Name
		}
	}
	return ""
}

// TeamKinds name the kinds of teams (volunteer_teams.kind).
var TeamKinds = map[string]string{"medical": "医疗", "culture": "文化", "patrol": "巡逻", "party": "党员", "other": "其他"}

// Availability is when a volunteer can serve: weekdays 1 (Monday) to 7
// and a time of day, e.g. weekdays [6,7] from 08:00 to 12:00.
type Availability struct {
	Weekdays []int  `json:"weekdays,omitempty"`
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
}

// Text says the availability in words: 周一、周三 08:00–12:00.
func (a Availability) Text() string {
	if len(a.Weekdays) == 0 && a.From == "" {
		return "未填写"
	}
	names := []string{"", "周一", "周二", "周三", "周四", "周五", "周六", "周日"}
	var ds []string
	for _, d := range a.Weekdays {
		if d >= 1 && d <= 7 {
			ds = append(ds, names[d])
		}
	}
	s := strings.Join(ds, "、")
	if a.From != "" && a.To != "" {
		s += " " + a.From + "–" + a.To
	}
	return strings.TrimSpace(s)
}

// Volunteer is a registered volunteer.
type Volunteer struct {
	ID           int64        `json:"id"`
	CommunityID  int64        `json:"community_id"`
	PersonID     int64        `json:"person_id"`
	Number       string       `json:"number"`
	Name         string       `json:"name"` // the register's name
	Skills       []string     `json:"skills"`
	Availability Availability `json:"availability"`
	GridID       int64        `json:"grid_id,omitempty"`
	Status       string       `json:"status"`
	JoinedOn     string       `json:"joined_on"`
	LeftOn       string       `json:"left_on,omitempty"`
	Source       string       `json:"source"`
	Version      int          `json:"version"`
	Teams        []Team       `json:"teams,omitempty"`
}

// SkillNames says the skills in words.
func (v Volunteer) SkillNames() string {
	var out []string
	for _, c := range v.Skills {
		if n := SkillName(c); n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, "、")
}

// TeamNames names the teams.
func (v Volunteer) TeamNames() string {
	var out []string
	for _, t := range v.Teams {
		out = append(out, t.Name)
	}
	return strings.Join(out, "、")
}

// Team is a volunteer team (志愿服务队).
type Team struct {
	ID          int64  `json:"id"`
	CommunityID int64  `json:"community_id"`
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Members     int    `json:"members"`
}

// Profile is what a registration sets besides the person: skills,
// availability, teams.
type Profile struct {
	Skills       []string
	Availability Availability
	TeamIDs      []int64
}

// Errors of the registry.
var (
	ErrNoVolunteer = fault.New(fault.NotFound, "没有这位志愿者,或不在您的管辖范围内")
	ErrNoPerson    = fault.New(fault.NotFound, "本社区登记的居民中没有这个人")
)

// DuplicateError answers a second registration of a person: 民政部令第67号
// allows one registration, across teams and organisations.
type DuplicateError struct{ Number string }

func (e *DuplicateError) Error() string {
	return "该居民已登记为志愿者,志愿者编号 " + e.Number + ",不能重复登记"
}

// FaultKind makes the duplicate a conflict.
func (e *DuplicateError) FaultKind() fault.Kind { return fault.Conflict }

// checkProfile normalises a profile and adds its faults to fe.
func checkProfile(fe fault.Fields, p *Profile) {
	var skills []string
	for _, c := range p.Skills {
		if SkillName(c) == "" {
			fe.Add("skills", "技能须从列表中选择")
			continue
		}
		if !slices.Contains(skills, c) {
			skills = append(skills, c)
		}
	}
	p.Skills = skills
	a := &p.Availability
	var days []int
	for _, d := range a.Weekdays {
		if d < 1 || d > 7 {
			fe.Add("weekdays", "可服务的日子须为周一至周日")
			continue
		}
		if !slices.Contains(days, d) {
			days = append(days, d)
		}
	}
	slices.Sort(days)
	a.Weekdays = days
	a.From, a.To = strings.TrimSpace(a.From), strings.TrimSpace(a.To)
	if (a.From == "") != (a.To == "") || (a.From != "" && (!clockTime(a.From) || !clockTime(a.To) || a.From >= a.To)) {
		fe.Add("available_from", "可服务时段请填写开始和结束时间,如 08:00 至 12:00")
	}
}

// clockTime reports whether s is HH:MM.
func clockTime(s string) bool {
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	return err1 == nil && err2 == nil && h >= 0 && h < 24 && m >= 0 && m < 60
}

type personRow struct {
	id, grid           int64
	name, phone, state string
}

// personByID finds an active person of the community by ID number.
func (s *Service) personByNumber(ctx context.Context, q database.Querier, community int64, number string) (personRow, error) {
	var p personRow
	var grid sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, grid_id, name, phone, status FROM persons
		WHERE community_id = $1 AND id_number = $2 AND doc_type <> 'none'`, community, number).
		Scan(&p.id, &grid, &p.name, &p.phone, &p.state)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && p.state != "active") {
		return p, ErrNoPerson
	}
	p.grid = grid.Int64
	return p, err
}

func (s *Service) personByID(ctx context.Context, q database.Querier, community, id int64) (personRow, error) {
	var p personRow
	var grid sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, grid_id, name, phone, status FROM persons
		WHERE community_id = $1 AND id = $2`, community, id).Scan(&p.id, &grid, &p.name, &p.phone, &p.state)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && p.state != "active") {
		return p, ErrNoPerson
	}
	p.grid = grid.Int64
	return p, err
}

// Registration is staff registering a person of the register: the person
// by id, or by ID number in the community.
type Registration struct {
	CommunityID int64
	PersonID    int64
	IDNumber    string
	Profile
}

// Register registers a person of the register as a volunteer (staff).
func (s *Service) Register(ctx context.Context, st Staff, r Registration) (Volunteer, error) {
	fe := fault.Fields{}
	if r.CommunityID == 0 || !st.May(r.CommunityID) {
		return Volunteer{}, fault.Fields{"community": "请选择您管辖的社区"}
	}
	number := ""
	if r.PersonID == 0 {
		n, err := ident.ParseDocument(ident.DocResidentID, r.IDNumber, s.now())
		if err != nil {
			fe.Add("id_number", err.Error())
		}
		number = n
	}
	checkProfile(fe, &r.Profile)
	if err := fe.Err(); err != nil {
		return Volunteer{}, err
	}
	var v Volunteer
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var p personRow
		var err error
		if r.PersonID != 0 {
			p, err = s.personByID(ctx, tx, r.CommunityID, r.PersonID)
		} else {
			p, err = s.personByNumber(ctx, tx, r.CommunityID, number)
		}
		if errors.Is(err, ErrNoPerson) {
			return fault.Fields{"id_number": ErrNoPerson.Error() + ",请先在登记簿中登记"}
		}
		if err != nil {
			return err
		}
		v, err = s.insertVolunteer(ctx, tx, r.CommunityID, p, r.Profile, "staff", st.Name)
		return err
	})
	return v, err
}

// Join is a resident registering on their phone (the public join page):
// name, ID number and phone must be those of an active person of the
// community's register. It returns the volunteer and a new personal link
// token, the phone's session. A person the register does not know, or
// knows with another name or phone, gets one answer that says nothing of
// which it was.
func (s *Service) Join(ctx context.Context, community int64, name, idNumber, phone string, p Profile) (Volunteer, string, error) {
	fe := fault.Fields{}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 40 {
		fe.Add("name", "请填写姓名(与户口登记一致)")
	}
	number, err := ident.ParseDocument(ident.DocResidentID, idNumber, s.now())
	if err != nil {
		fe.Add("id_number", err.Error())
	}
	mobile, err := ident.ParseMobile(phone)
	if err != nil {
		fe.Add("phone", "请填写11位手机号码")
	}
	checkProfile(fe, &p)
	if err := fe.Err(); err != nil {
		return Volunteer{}, "", err
	}
	var v Volunteer
	var token string
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		pr, err := s.personByNumber(ctx, tx, community, number)
		if errors.Is(err, ErrNoPerson) || (err == nil && (pr.name != name || pr.phone != mobile)) {
			return fault.Fields{"id_number": "本社区的居民登记中没有与所填姓名、身份证号和手机号一致的记录,请核对,或到社区登记或更新手机号"}
		}
		if err != nil {
			return err
		}
		v, err = s.insertVolunteer(ctx, tx, community, pr, p, "self", "本人")
		if err != nil {
			return err
		}
		token, err = s.issueKey(ctx, tx, v, "本人")
		return err
	})
	return v, token, err
}

// insertVolunteer registers the person under the community's next number,
// refusing a person registered already (anywhere).
func (s *Service) insertVolunteer(ctx context.Context, tx *sql.Tx, community int64, p personRow, pr Profile, source, by string) (Volunteer, error) {
	var existing string
	err := tx.QueryRowContext(ctx, `SELECT number FROM volunteers WHERE person_id = $1`, p.id).Scan(&existing)
	if err == nil {
		return Volunteer{}, &DuplicateError{Number: existing}
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Volunteer{}, err
	}
	number, err := s.nextNumber(ctx, tx, community)
	if err != nil {
		return Volunteer{}, err
	}
	now := database.FormatTime(s.now())
	v := Volunteer{ID: database.NewID(), CommunityID: community, PersonID: p.id, Number: number, Name: p.name,
		Skills: pr.Skills, Availability: pr.Availability, GridID: p.grid, Status: "active", JoinedOn: s.today(),
		Source: source, Version: 1}
	skills, _ := json.Marshal(v.Skills)
	avail, _ := json.Marshal(v.Availability)
	if _, err := tx.ExecContext(ctx, `INSERT INTO volunteers (community_id, id, person_id, number, skills, availability,
		grid_id, status, joined_on, source, version, created_at, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, 1, $10, $10, $11)`, community, v.ID, p.id, number,
		string(skills), string(avail), nullID(p.grid), v.JoinedOn, source, now, by); err != nil {
		if isUnique(err) {
			return Volunteer{}, fault.New(fault.Conflict, "刚刚有人同时登记,请再提交一次")
		}
		return Volunteer{}, err
	}
	if err := s.setTeams(ctx, tx, v, pr.TeamIDs); err != nil {
		return Volunteer{}, err
	}
	return v, nil
}

// nextNumber is the community's next volunteer number: the community's
// 12-digit statistical code (its id where it has none) and a five-digit
// sequence, e.g. 610113001002-00017. Numbers are never reused.
func (s *Service) nextNumber(ctx context.Context, tx *sql.Tx, community int64) (string, error) {
	var code string
	if err := tx.QueryRowContext(ctx, `SELECT code FROM org_units WHERE id = $1`, community).Scan(&code); err != nil {
		return "", fmt.Errorf("volunteers: the community %d: %w", community, err)
	}
	if code == "" {
		code = "C" + strconv.FormatInt(community, 10)
	}
	var last sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT MAX(number) FROM volunteers WHERE community_id = $1 AND number LIKE $2`,
		community, code+"-%").Scan(&last); err != nil {
		return "", err
	}
	seq := 0
	if last.Valid {
		seq, _ = strconv.Atoi(strings.TrimPrefix(last.String, code+"-"))
	}
	return fmt.Sprintf("%s-%05d", code, seq+1), nil
}

// setTeams makes the volunteer a member of exactly the teams named (of
// their community), ending other memberships.
func (s *Service) setTeams(ctx context.Context, tx *sql.Tx, v Volunteer, teams []int64) error {
	today := s.today()
	for _, t := range teams {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_teams WHERE community_id = $1 AND id = $2`,
			v.CommunityID, t).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fault.Fields{"teams": "服务队须是本社区的服务队"}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM volunteer_team_members WHERE community_id = $1 AND team_id = $2
			AND volunteer_id = $3 AND left_on <> ''`, v.CommunityID, t, v.ID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_team_members WHERE community_id = $1
			AND team_id = $2 AND volunteer_id = $3`, v.CommunityID, t, v.ID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_team_members (community_id, team_id, volunteer_id, joined_on)
				VALUES ($1, $2, $3, $4)`, v.CommunityID, t, v.ID, today); err != nil {
				return err
			}
		}
	}
	a := s.db.Args(today, v.CommunityID, v.ID)
	keep := ""
	if len(teams) > 0 {
		keep = " AND " + a.NotIn("team_id", database.AnyOf(teams)...)
	}
	_, err := tx.ExecContext(ctx, `UPDATE volunteer_team_members SET left_on = $1 WHERE community_id = $2
		AND volunteer_id = $3 AND left_on = ''`+keep, a.Values()...)
	return err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func isUnique(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// Edit is a change of a volunteer's profile, on the version read.
type Edit struct {
	Profile
	Version int
	Left    bool // 退出: left the service today
}

// Update changes a volunteer's skills, availability, teams or status; a
// version changed meanwhile is a conflict.
func (s *Service) Update(ctx context.Context, st Staff, id int64, e Edit) (Volunteer, error) {
	v, err := s.Volunteer(ctx, st, id)
	if err != nil {
		return v, err
	}
	fe := fault.Fields{}
	checkProfile(fe, &e.Profile)
	if err := fe.Err(); err != nil {
		return v, err
	}
	status, left := "active", ""
	if e.Left {
		status, left = "left", s.today()
		if v.Status == "left" {
			// Left already: the day they left stays, or a later edit of
			// their profile would move it and change the past periods'
			// figures (the reports count volunteers by joined_on, left_on).
			left = v.LeftOn
		}
	}
	skills, _ := json.Marshal(e.Skills)
	avail, _ := json.Marshal(e.Availability)
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE volunteers SET skills = $1, availability = $2, status = $3, left_on = $4,
			version = version + 1, updated_at = $5, updated_by = $6 WHERE community_id = $7 AND id = $8 AND version = $9`,
			string(skills), string(avail), status, left, database.FormatTime(s.now()), st.Name, v.CommunityID, v.ID, e.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrChanged
		}
		return s.setTeams(ctx, tx, v, e.TeamIDs)
	})
	if err != nil {
		return v, err
	}
	return s.Volunteer(ctx, st, id)
}

// ErrChanged answers a save on a version someone changed meanwhile.
var ErrChanged = fault.New(fault.Conflict, "保存冲突:这位志愿者的信息刚被他人修改,请刷新后重新填写")

const volunteerColumns = `v.community_id, v.id, v.person_id, v.number, p.name, v.skills, v.availability, v.grid_id,
	v.status, v.joined_on, v.left_on, v.source, v.version`

func scanVolunteer(row interface{ Scan(...any) error }) (Volunteer, error) {
	var v Volunteer
	var skills, avail string
	var grid sql.NullInt64
	err := row.Scan(&v.CommunityID, &v.ID, &v.PersonID, &v.Number, &v.Name, &skills, &avail, &grid, &v.Status,
		&v.JoinedOn, &v.LeftOn, &v.Source, &v.Version)
	if err != nil {
		return v, err
	}
	v.GridID = grid.Int64
	json.Unmarshal([]byte(skills), &v.Skills)
	json.Unmarshal([]byte(avail), &v.Availability)
	return v, nil
}

// Volunteer reads a volunteer the staff may see.
func (s *Service) Volunteer(ctx context.Context, st Staff, id int64) (Volunteer, error) {
	v, err := s.volunteer(ctx, s.db, id)
	if err != nil {
		return v, err
	}
	if !st.May(v.CommunityID) {
		return Volunteer{}, ErrNoVolunteer
	}
	return v, nil
}

func (s *Service) volunteer(ctx context.Context, q database.Querier, id int64) (Volunteer, error) {
	v, err := scanVolunteer(q.QueryRowContext(ctx, `SELECT `+volunteerColumns+` FROM volunteers v
		JOIN persons p ON p.community_id = v.community_id AND p.id = v.person_id WHERE v.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return v, ErrNoVolunteer
	}
	if err != nil {
		return v, err
	}
	teams, err := s.teamsOf(ctx, q, []int64{v.ID})
	v.Teams = teams[v.ID]
	return v, err
}

// teamsOf gives the current teams of volunteers.
func (s *Service) teamsOf(ctx context.Context, q database.Querier, ids []int64) (map[int64][]Team, error) {
	out := map[int64][]Team{}
	if len(ids) == 0 {
		return out, nil
	}
	a := s.db.Args()
	rows, err := q.QueryContext(ctx, `SELECT m.volunteer_id, t.community_id, t.id, t.name, t.kind
		FROM volunteer_team_members m JOIN volunteer_teams t ON t.community_id = m.community_id AND t.id = m.team_id
		WHERE m.left_on = '' AND `+a.In("m.volunteer_id", database.AnyOf(ids)...)+` ORDER BY t.name`, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var v int64
		var t Team
		if err := rows.Scan(&v, &t.CommunityID, &t.ID, &t.Name, &t.Kind); err != nil {
			return nil, err
		}
		out[v] = append(out[v], t)
	}
	return out, rows.Err()
}

// Listing is a community's volunteers with their hours of a year.
type Listing struct {
	Volunteer
	ServiceMinutes, TrainingMinutes int
}

// List lists a community's volunteers (team 0: all; else the team's),
// with their hours of the year, by number.
func (s *Service) List(ctx context.Context, st Staff, community, team int64, year int) ([]Listing, error) {
	if !st.May(community) {
		return nil, ErrNoVolunteer
	}
	from, to := yearRange(year)
	q := `SELECT ` + volunteerColumns + `,
		COALESCE((SELECT SUM(CASE WHEN h.kind = 'service' THEN h.minutes ELSE 0 END) FROM volunteer_hours h
			WHERE h.volunteer_id = v.id AND h.served_on >= $2 AND h.served_on <= $3), 0),
		COALESCE((SELECT SUM(CASE WHEN h.kind = 'training' THEN h.minutes ELSE 0 END) FROM volunteer_hours h
			WHERE h.volunteer_id = v.id AND h.served_on >= $2 AND h.served_on <= $3), 0)
		FROM volunteers v JOIN persons p ON p.community_id = v.community_id AND p.id = v.person_id
		WHERE v.community_id = $1`
	args := []any{community, from, to}
	if team != 0 {
		q += ` AND v.id IN (SELECT volunteer_id FROM volunteer_team_members WHERE community_id = $1 AND team_id = $4 AND left_on = '')`
		args = append(args, team)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY v.status, v.number`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Listing
	var ids []int64
	for rows.Next() {
		var l Listing
		var skills, avail string
		var grid sql.NullInt64
		if err := rows.Scan(&l.CommunityID, &l.ID, &l.PersonID, &l.Number, &l.Name, &skills, &avail, &grid, &l.Status,
			&l.JoinedOn, &l.LeftOn, &l.Source, &l.Version, &l.ServiceMinutes, &l.TrainingMinutes); err != nil {
			return nil, err
		}
		l.GridID = grid.Int64
		json.Unmarshal([]byte(skills), &l.Skills)
		json.Unmarshal([]byte(avail), &l.Availability)
		out = append(out, l)
		ids = append(ids, l.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	teams, err := s.teamsOf(ctx, s.db, ids)
	for i := range out {
		out[i].Teams = teams[out[i].ID]
	}
	return out, err
}

func yearRange(year int) (string, string) {
	y := fmt.Sprintf("%04d", year)
	return y + "-01-01", y + "-12-31"
}

// Teams lists a community's teams with their current members.
func (s *Service) Teams(ctx context.Context, community int64) ([]Team, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT t.community_id, t.id, t.name, t.kind,
		(SELECT COUNT(*) FROM volunteer_team_members m WHERE m.community_id = t.community_id AND m.team_id = t.id AND m.left_on = '')
		FROM volunteer_teams t WHERE t.community_id = $1 ORDER BY t.name`, community)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Team
	for rows.Next() {
		var t Team
		if err := rows.Scan(&t.CommunityID, &t.ID, &t.Name, &t.Kind, &t.Members); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// CreateTeam founds a team in a community.
func (s *Service) CreateTeam(ctx context.Context, st Staff, community int64, name, kind string) (Team, error) {
	if !st.May(community) {
		return Team{}, fault.Fields{"community": "请选择您管辖的社区"}
	}
	name = strings.TrimSpace(name)
	fe := fault.Fields{}
	if name == "" || utf8.RuneCountInString(name) > 40 {
		fe.Add("team_name", "请填写服务队名称(不超过40字)")
	}
	if TeamKinds[kind] == "" {
		fe.Add("team_kind", "请选择服务队类别")
	}
	if err := fe.Err(); err != nil {
		return Team{}, err
	}
	t := Team{ID: database.NewID(), CommunityID: community, Name: name, Kind: kind}
	_, err := s.db.ExecContext(ctx, `INSERT INTO volunteer_teams (community_id, id, name, kind, created_at) VALUES ($1, $2, $3, $4, $5)`,
		community, t.ID, name, kind, database.FormatTime(s.now()))
	if err != nil && isUnique(err) {
		return t, fault.Fields{"team_name": "本社区已有同名服务队"}
	}
	return t, err
}
