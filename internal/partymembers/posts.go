package partymembers

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
)

// Post is a service post (服务岗位) a community publishes for its members
// to claim.
type Post struct {
	CommunityID int64  `json:"community_id"`
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Slots       int    `json:"slots"` // 0: no limit
	Active      bool   `json:"active"`
	Version     int    `json:"version"`
	Claimed     int    `json:"claimed"` // live claims
	Minutes     int    `json:"minutes"` // service recorded on it
}

// Claim is a member on a post.
type Claim struct {
	ID        int64  `json:"id"`
	PostID    int64  `json:"post_id"`
	Post      string `json:"post"`
	MemberID  int64  `json:"member_id"`
	Member    string `json:"member"`
	ClaimedOn string `json:"claimed_on"`
	EndedOn   string `json:"ended_on,omitempty"`
}

// ServiceKinds name the kinds of service.
var ServiceKinds = map[string]string{"post": "岗位服务", "pairing": "结对走访", "wish": "微心愿", "other": "其他服务"}

// Service is one stint of service a member gave.
type ServiceRecord struct {
	ID          int64  `json:"id"`
	MemberID    int64  `json:"member_id"`
	Member      string `json:"member,omitempty"`
	Kind        string `json:"kind"`
	PostID      int64  `json:"post_id,omitempty"`
	Post        string `json:"post,omitempty"`
	HouseholdID int64  `json:"household_id,omitempty"`
	ServedOn    string `json:"served_on"`
	Minutes     int    `json:"minutes"`
	Content     string `json:"content"`
	Source      string `json:"source"`
	ByMember    bool   `json:"by_member"`
	RecordedBy  string `json:"recorded_by"`
}

var errNoPost = fault.New(fault.NotFound, "没有这个服务岗位,或不在您的管辖范围内")

// PostForm is a post as staff write it.
type PostForm struct {
	Community   int64
	ID          int64 // 0: a new post
	Version     int
	Name        string
	Description string
	Slots       string
	Active      bool
}

func inCommunity(scope access.Scope, community int64) bool {
	return community != 0 && scope.Contains(access.Place{Community: community, Org: community})
}

// SavePost publishes a post or changes one (version checked).
func (s *Service) SavePost(ctx context.Context, by Staff, f PostForm) (Post, error) {
	if !inCommunity(by.Scope, f.Community) {
		return Post{}, fault.New(fault.NotFound, "没有这个社区,或不在您的管辖范围内")
	}
	fe := fault.Fields{}
	textField(fe, "name", "岗位名称", &f.Name, 30, true)
	textField(fe, "description", "岗位职责", &f.Description, 500, false)
	slots := 0
	if v := strings.TrimSpace(f.Slots); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			fe.Add("slots", "人数应为 0 到 1000 的整数(0 为不限)")
		}
		slots = n
	}
	if err := fe.Err(); err != nil {
		return Post{}, err
	}
	now := database.FormatTime(s.now())
	var err error
	if f.ID == 0 {
		f.ID = database.NewID()
		_, err = s.db.ExecContext(ctx, `INSERT INTO party_posts (community_id, id, name, description, slots, active, sort, version,
			created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, 1, 0, 1, $6, $6, $7)`,
			f.Community, f.ID, f.Name, f.Description, slots, now, by.Name)
	} else {
		var res sql.Result
		res, err = s.db.ExecContext(ctx, `UPDATE party_posts SET name = $1, description = $2, slots = $3, active = $4,
			version = version + 1, updated_at = $5, updated_by = $6 WHERE community_id = $7 AND id = $8 AND version = $9`,
			f.Name, f.Description, slots, boolInt(f.Active), now, by.Name, f.Community, f.ID, f.Version)
		if err == nil {
			if n, _ := res.RowsAffected(); n != 1 {
				return Post{}, fault.New(fault.Conflict, "这个岗位已被他人修改,请刷新页面后再保存")
			}
		}
	}
	if err != nil {
		var n int
		if s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM party_posts WHERE community_id = $1 AND name = $2 AND id <> $3`,
			f.Community, f.Name, f.ID).Scan(&n) == nil && n > 0 {
			return Post{}, fault.Fields{"name": "本社区已有同名岗位"}
		}
		return Post{}, err
	}
	return s.Post(ctx, by.Scope, f.ID)
}

const postColumns = `p.community_id, p.id, p.name, p.description, p.slots, p.active, p.version,
	(SELECT COUNT(*) FROM party_claims c WHERE c.community_id = p.community_id AND c.post_id = p.id AND c.ended_on = ''),
	(SELECT COALESCE(SUM(v.minutes), 0) FROM party_service v WHERE v.community_id = p.community_id AND v.post_id = p.id)`

func scanPost(row interface{ Scan(...any) error }) (Post, error) {
	var p Post
	var active int
	err := row.Scan(&p.CommunityID, &p.ID, &p.Name, &p.Description, &p.Slots, &active, &p.Version, &p.Claimed, &p.Minutes)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errNoPost
	}
	p.Active = active != 0
	return p, err
}

// Post returns a post in the scope.
func (s *Service) Post(ctx context.Context, scope access.Scope, id int64) (Post, error) {
	a := s.db.Args(id)
	return scanPost(s.db.QueryRowContext(ctx, `SELECT `+postColumns+` FROM party_posts p WHERE p.id = $1`+
		scope.CommunityWhere(a, "p"), a.Values()...))
}

// Posts lists a community's posts, the active first.
func (s *Service) Posts(ctx context.Context, community int64) ([]Post, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+postColumns+` FROM party_posts p WHERE p.community_id = $1
		ORDER BY p.active DESC, p.sort, p.name`, community)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ClaimPost puts a member on a post (岗位认领) from day ("": today).
func (s *Service) ClaimPost(ctx context.Context, by Staff, member, post int64, day string) (Claim, error) {
	m, err := s.Member(ctx, by.Scope, member)
	if err != nil {
		return Claim{}, err
	}
	if m.Status != StatusActive {
		return Claim{}, fault.New(fault.Illegal, "该党员已退出报到,不能认领岗位")
	}
	p, err := s.Post(ctx, by.Scope, post)
	if err != nil || p.CommunityID != m.CommunityID {
		return Claim{}, fault.Fields{"post": "请选择本社区的服务岗位"}
	}
	fe := fault.Fields{}
	if !p.Active {
		fe.Add("post", "该岗位已停用,不能认领")
	} else if p.Slots > 0 && p.Claimed >= p.Slots {
		fe.Add("post", "该岗位已满员(共 "+strconv.Itoa(p.Slots)+" 人)")
	}
	s.dayField(fe, "claimed_on", "认领日期", &day, m.ReportedOn)
	if err := fe.Err(); err != nil {
		return Claim{}, err
	}
	c := Claim{ID: database.NewID(), PostID: p.ID, Post: p.Name, MemberID: m.ID, Member: m.Name, ClaimedOn: day}
	_, err = s.db.ExecContext(ctx, `INSERT INTO party_claims (community_id, id, post_id, member_id, claimed_on, created_by)
		VALUES ($1, $2, $3, $4, $5, $6)`, m.CommunityID, c.ID, p.ID, m.ID, day, by.Name)
	if err != nil {
		var n int
		if s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM party_claims WHERE community_id = $1 AND post_id = $2 AND member_id = $3
			AND ended_on = ''`, m.CommunityID, p.ID, m.ID).Scan(&n) == nil && n > 0 {
			return Claim{}, fault.Fields{"post": "该党员已认领这个岗位"}
		}
		return Claim{}, err
	}
	return c, nil
}

// EndClaim ends a member's claim of a post today.
func (s *Service) EndClaim(ctx context.Context, by Staff, member, claim int64) error {
	m, err := s.Member(ctx, by.Scope, member)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE party_claims SET ended_on = $1 WHERE community_id = $2 AND id = $3
		AND member_id = $4 AND ended_on = ''`, s.today(), m.CommunityID, claim, m.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fault.New(fault.Illegal, "这个认领已结束或不存在")
	}
	return nil
}

// Claims lists a member's claims, the live first.
func (s *Service) Claims(ctx context.Context, m Member) ([]Claim, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.post_id, p.name, c.member_id, c.claimed_on, c.ended_on
		FROM party_claims c JOIN party_posts p ON p.community_id = c.community_id AND p.id = c.post_id
		WHERE c.community_id = $1 AND c.member_id = $2 ORDER BY c.ended_on, c.claimed_on`, m.CommunityID, m.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Claim
	for rows.Next() {
		c := Claim{Member: m.Name}
		if err := rows.Scan(&c.ID, &c.PostID, &c.Post, &c.MemberID, &c.ClaimedOn, &c.EndedOn); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ServiceForm is a stint of service as staff write it: on a post the
// member claimed, or other service.
type ServiceForm struct {
	Key      string // the form's id: a form sent twice is one record
	PostID   int64  // 0: other service
	ServedOn string
	Hours    string // 1.5
	Content  string
	ByMember bool // the member reported it
}

// parseHours reads hours with at most one decimal as minutes (0 < h ≤ 24).
func parseHours(v string) (int, bool) {
	v = strings.TrimSpace(v)
	whole, frac, _ := strings.Cut(v, ".")
	h, err := strconv.Atoi(whole)
	if err != nil || len(frac) > 2 || whole == "" || strings.HasPrefix(whole, "-") || strings.HasPrefix(whole, "+") {
		return 0, false
	}
	m := h * 60
	if frac != "" {
		f, err := strconv.Atoi(frac)
		if err != nil || f < 0 {
			return 0, false
		}
		if len(frac) == 1 {
			f *= 10
		}
		m += f * 60 / 100
	}
	return m, m > 0 && m <= 24*60
}

// RecordService records a stint of service of a member.
func (s *Service) RecordService(ctx context.Context, by Staff, member int64, f ServiceForm) (ServiceRecord, error) {
	m, err := s.Member(ctx, by.Scope, member)
	if err != nil {
		return ServiceRecord{}, err
	}
	fe := fault.Fields{}
	s.dayField(fe, "served_on", "服务日期", &f.ServedOn, m.ReportedOn)
	if m.LeftOn != "" && f.ServedOn > m.LeftOn {
		fe.Add("served_on", "服务日期不能晚于退出报到的日期 "+m.LeftOn)
	}
	minutes, ok := parseHours(f.Hours)
	if !ok {
		fe.Add("hours", "服务时长应为大于 0、不超过 24 的小时数,最多一位小数(如 1.5)")
	}
	textField(fe, "content", "服务内容", &f.Content, 500, true)
	kind := "other"
	if f.PostID != 0 {
		kind = "post"
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM party_claims WHERE community_id = $1 AND member_id = $2
			AND post_id = $3 AND claimed_on <= $4 AND (ended_on = '' OR ended_on >= $4)`,
			m.CommunityID, m.ID, f.PostID, f.ServedOn).Scan(&n); err != nil {
			return ServiceRecord{}, err
		}
		if n == 0 {
			fe.Add("post", "该党员在服务日期没有认领这个岗位")
		}
	}
	if err := fe.Err(); err != nil {
		return ServiceRecord{}, err
	}
	if ok, err := s.dayRoom(ctx, m, f.ServedOn, minutes); err != nil {
		return ServiceRecord{}, err
	} else if !ok {
		return ServiceRecord{}, fault.Fields{"hours": "该党员当天的服务时长合计将超过 24 小时"}
	}
	key := strings.TrimSpace(f.Key)
	if key == "" || len(key) > 64 {
		key = itoa(database.NewID())
	}
	r := ServiceRecord{ID: database.NewID(), MemberID: m.ID, Member: m.Name, Kind: kind, PostID: f.PostID,
		ServedOn: f.ServedOn, Minutes: minutes, Content: f.Content, Source: "form:" + key, ByMember: f.ByMember,
		RecordedBy: by.Name}
	if err := s.addService(ctx, s.db, m.CommunityID, r); err != nil {
		return r, err
	}
	return r, nil
}

// dayRoom reports whether minutes more on a day keep a member's service
// that day within 24 hours.
func (s *Service) dayRoom(ctx context.Context, m Member, day string, minutes int) (bool, error) {
	var sum int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(minutes), 0) FROM party_service WHERE community_id = $1
		AND member_id = $2 AND served_on = $3`, m.CommunityID, m.ID, day).Scan(&sum)
	return sum+minutes <= 24*60, err
}

// addService stores a record once per source: the same source again (a
// form sent twice, a visit recorded again) stores nothing.
func (s *Service) addService(ctx context.Context, q database.Querier, community int64, r ServiceRecord) error {
	_, err := q.ExecContext(ctx, `INSERT INTO party_service (community_id, id, member_id, kind, post_id, household_id, served_on,
		minutes, content, source, by_member, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (community_id, source) DO NOTHING`,
		community, r.ID, r.MemberID, r.Kind, nullID(r.PostID), nullID(r.HouseholdID), r.ServedOn, r.Minutes, r.Content,
		r.Source, boolInt(r.ByMember), r.RecordedBy, database.FormatTime(s.now()))
	return err
}

// ServiceOf lists a member's service, newest first.
func (s *Service) ServiceOf(ctx context.Context, m Member, limit int) ([]ServiceRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT v.id, v.member_id, v.kind, COALESCE(v.post_id, 0), COALESCE(p.name, ''),
		COALESCE(v.household_id, 0), v.served_on, v.minutes, v.content, v.source, v.by_member, v.recorded_by
		FROM party_service v LEFT JOIN party_posts p ON p.community_id = v.community_id AND p.id = v.post_id
		WHERE v.community_id = $1 AND v.member_id = $2 ORDER BY v.served_on DESC, v.created_at DESC LIMIT $3`,
		m.CommunityID, m.ID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ServiceRecord
	for rows.Next() {
		r := ServiceRecord{Member: m.Name}
		var byMember int
		if err := rows.Scan(&r.ID, &r.MemberID, &r.Kind, &r.PostID, &r.Post, &r.HouseholdID, &r.ServedOn, &r.Minutes,
			&r.Content, &r.Source, &byMember, &r.RecordedBy); err != nil {
			return nil, err
		}
		r.ByMember = byMember != 0
		out = append(out, r)
	}
	return out, rows.Err()
}
