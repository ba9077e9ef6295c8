package proposals

import (
	"context"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/residents"
)

// Permissions.
const (
	PermManage = "proposals.manage" // moderate, open votes, decide, follow up
	PermRead   = "proposals.read"   // read matters and results
)

// Argument is a resident's short text for or against a matter.
type Argument struct {
	CommunityID  int64
	ID           int64
	ProposalID   int64
	Side         string // for, against
	Body         string
	Author       string // masked
	Status       string // moderation, published, rejected
	RejectReason string
	CreatedAt    time.Time
}

// Argue files a verified resident's argument for moderation, while the
// matter is deliberated or voted on.
func (s *Service) Argue(ctx context.Context, r *residents.Resident, community, id int64, side, body string) (Argument, error) {
	if r == nil || r.PersonID == 0 {
		return Argument{}, ErrNoResident
	}
	fe := fault.Fields{}
	if side != For && side != Against {
		fe["side"] = "请选择支持或反对"
	}
	body = checkText(fe, "body", body, MaxArgument, "请填写意见")
	if len(fe) > 0 {
		return Argument{}, fe
	}
	if r.CommunityID != community {
		return Argument{}, fault.New(fault.Refused, "只有本社区居民可以发表意见。")
	}
	if _, err := s.load(ctx, community, id, Open, Voting); err != nil {
		return Argument{}, err
	}
	a := Argument{CommunityID: community, ID: database.NewID(), ProposalID: id, Side: side, Body: body,
		Author: r.MaskedName(), Status: Moderation, CreatedAt: s.now()}
	_, err := s.db.ExecContext(ctx, `INSERT INTO proposal_arguments (community_id, id, proposal_id, side, body, person_id,
		author, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, community, a.ID, id, side, body,
		r.PersonID, a.Author, a.Status, database.FormatTime(a.CreatedAt))
	return a, err
}

// ModerateArgument publishes an argument, or rejects it with a reason.
func (s *Service) ModerateArgument(ctx context.Context, community, id int64, publish bool, reason string) error {
	to := "published"
	if !publish {
		fe := fault.Fields{}
		reason = checkText(fe, "reason", reason, MaxReason, "请说明不予发布的理由")
		if len(fe) > 0 {
			return fe
		}
		to = Rejected
	}
	res, err := s.db.ExecContext(ctx, `UPDATE proposal_arguments SET status = $1, reject_reason = $2
		WHERE community_id = $3 AND id = $4 AND status = 'moderation'`, to, reason, community, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.New(fault.Illegal, "该意见已审核或不存在。")
	}
	return nil
}

// Arguments lists a matter's arguments: published ones, or those awaiting
// moderation when pending.
func (s *Service) Arguments(ctx context.Context, community, id int64, pending bool) ([]Argument, error) {
	status := "published"
	if pending {
		status = Moderation
	}
	q := `SELECT community_id, id, proposal_id, side, body, author, status, reject_reason, created_at
		FROM proposal_arguments WHERE community_id = $1 AND status = $2`
	args := []any{community, status}
	if id != 0 {
		q += ` AND proposal_id = $3`
		args = append(args, id)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Argument
	for rows.Next() {
		var a Argument
		var at string
		if err := rows.Scan(&a.CommunityID, &a.ID, &a.ProposalID, &a.Side, &a.Body, &a.Author, &a.Status,
			&a.RejectReason, &at); err != nil {
			return nil, err
		}
		a.CreatedAt = database.ParseTime(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// Filter narrows a list of matters; empty fields do not.
type Filter struct {
	Communities []int64 // nil: all
	Status      string
	Page, Size  int // Page from 1; Size default 50, at most 200
}

// List pages through matters, newest first, with their counts (one grouped
// query a page) and eligible sets as taken when the vote opened.
func (s *Service) List(ctx context.Context, f Filter) ([]Matter, int, error) {
	if f.Size <= 0 || f.Size > 200 {
		f.Size = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	q := s.db.Args()
	where := " WHERE 1 = 1"
	if f.Communities != nil {
		if len(f.Communities) == 0 {
			return nil, 0, nil
		}
		where += " AND " + q.In("community_id", database.AnyOf(f.Communities)...)
	}
	if f.Status != "" {
		if _, ok := StatusWords[f.Status]; !ok {
			return nil, 0, fault.Fields{"status": "未知的状态"}
		}
		where += " AND status = " + q.Arg(f.Status)
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM proposals`+where, q.Values()...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+matterColumns+` FROM proposals`+where+
		` ORDER BY created_at DESC, id DESC LIMIT `+q.Arg(f.Size)+` OFFSET `+q.Arg((f.Page-1)*f.Size), q.Values()...)
	if err != nil {
		return nil, 0, err
	}
	var ms []Matter
	for rows.Next() {
		m, err := scanMatter(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		ms = append(ms, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	byCommunity := map[int64][]int{}
	for i, m := range ms {
		byCommunity[m.CommunityID] = append(byCommunity[m.CommunityID], i)
	}
	for c, idx := range byCommunity {
		part := make([]Matter, len(idx))
		for k, i := range idx {
			part[k] = ms[i]
		}
		if err := s.counts(ctx, c, part); err != nil {
			return nil, 0, err
		}
		for k, i := range idx {
			ms[i].VotesFor, ms[i].VotesAgainst, ms[i].VotesAbstain = part[k].VotesFor, part[k].VotesAgainst, part[k].VotesAbstain
		}
	}
	return ms, total, nil
}

func (s *Service) buildings(ctx context.Context, community, id int64) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT building_id FROM proposal_buildings
		WHERE community_id = $1 AND proposal_id = $2 ORDER BY building_id`, community, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var b int64
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Queue is the moderation queue of a community: proposals and arguments
// awaiting the committee.
func (s *Service) Queue(ctx context.Context, community int64) ([]Matter, []Argument, error) {
	ms, _, err := s.List(ctx, Filter{Communities: []int64{community}, Status: Moderation, Size: 200})
	if err != nil {
		return nil, nil, err
	}
	as, err := s.Arguments(ctx, community, 0, true)
	return ms, as, err
}
