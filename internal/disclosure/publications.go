package disclosure

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
)

// Publication is one scheduled publication of a catalogue row in a community.
type Publication struct {
	ID          int64  `json:"id"`
	CommunityID int64  `json:"community_id"`
	ItemID      int64  `json:"item_id"`
	Item        string `json:"item"`
	Category    string `json:"category"`
	Rule        string `json:"rule"`
	Period      string `json:"period"`
	Title       string `json:"title"`
	DecidedOn   string `json:"decided_on,omitempty"`
	DueOn       string `json:"due_on"`
	PublishedOn string `json:"published_on"`
	Body        string `json:"body,omitempty"`
	Computed    string `json:"computed,omitempty"`
	PublishedBy string `json:"-"`
	EscalatedOn string `json:"escalated_on,omitempty"`
	Overdue     bool   `json:"overdue"`
	Late        bool   `json:"late"`
	Version     int    `json:"version"`
	Questions   int    `json:"questions"`
}

// Name is what the publication covers: its period, or its decision's title.
func (p Publication) Name() string {
	if n := periodName(p.Period); n != "" {
		return n
	}
	return p.Title
}

// ErrNoPublication answers a publication that does not exist or lies
// outside the caller's part.
var ErrNoPublication = fault.New(fault.NotFound, "没有这项公开")

const pubColumns = `p.id, p.community_id, p.item_id, i.item, i.category, i.rule, p.period, p.title, p.decided_on,
	p.due_on, p.published_on, p.body, p.computed, p.published_by, p.escalated_on, p.version,
	(SELECT COUNT(*) FROM disclosure_questions q WHERE q.community_id = p.community_id AND q.publication_id = p.id)`

const pubFrom = ` FROM disclosure_publications p JOIN disclosure_items i ON i.id = p.item_id`

func scanPub(row interface{ Scan(...any) error }, today string) (Publication, error) {
	var p Publication
	err := row.Scan(&p.ID, &p.CommunityID, &p.ItemID, &p.Item, &p.Category, &p.Rule, &p.Period, &p.Title,
		&p.DecidedOn, &p.DueOn, &p.PublishedOn, &p.Body, &p.Computed, &p.PublishedBy, &p.EscalatedOn, &p.Version,
		&p.Questions)
	p.Overdue, p.Late = Overdue(p.DueOn, p.PublishedOn, today), Late(p.DueOn, p.PublishedOn)
	return p, err
}

// Filter picks publications.
type Filter struct {
	Community int64  // only this community's (0: every one in scope)
	Overdue   bool   // only the overdue
	Published bool   // only the published
	From, To  string // due between (inclusive); "" open
	Limit     int    // at most this many, the earliest due first (0: all, the latest first)
}

// Publications lists the publications of the communities in scope, the
// latest due first. The periods ended are there once the daily pass ran
// (the server runs it at start and every hour: a read never writes).
func (s *Service) Publications(ctx context.Context, scope access.Scope, f Filter) ([]Publication, error) {
	today := s.today()
	q := s.db.Args()
	where := []string{"1 = 1" + scope.CommunityWhere(q, "p")} // " AND …" or ""

	if f.Overdue {
		where = append(where, "p.published_on = '' AND p.due_on < "+q.Arg(today))
	}
	if f.Community != 0 {
		where = append(where, "p.community_id = "+q.Arg(f.Community))
	}
	if f.Published {
		where = append(where, "p.published_on <> ''")
	}
	if f.From != "" {
		where = append(where, "p.due_on >= "+q.Arg(f.From))
	}
	if f.To != "" {
		where = append(where, "p.due_on <= "+q.Arg(f.To))
	}
	order := ` ORDER BY p.due_on DESC, i.sort, p.id`
	if f.Limit > 0 { // the most urgent: the longest overdue
		order = ` ORDER BY p.due_on, i.sort, p.id LIMIT ` + strconv.Itoa(f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+pubColumns+pubFrom+` WHERE `+strings.Join(where, " AND ")+order, q.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Publication
	for rows.Next() {
		p, err := scanPub(rows, today)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CountOverdue counts the overdue publications of the communities in scope.
func (s *Service) CountOverdue(ctx context.Context, scope access.Scope) (int, error) {
	q := s.db.Args(s.today())
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM disclosure_publications p
		WHERE p.published_on = '' AND p.due_on < $1`+scope.CommunityWhere(q, "p"), q.Values()...).Scan(&n)
	return n, err
}

// Publication returns one publication of a community.
func (s *Service) Publication(ctx context.Context, community, id int64) (Publication, error) {
	p, err := scanPub(s.db.QueryRowContext(ctx, `SELECT `+pubColumns+pubFrom+` WHERE p.community_id = $1 AND p.id = $2`,
		community, id), s.today())
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNoPublication
	}
	return p, err
}

// Communities lists the communities of the org tree, for the daily pass.
func (s *Service) Communities(ctx context.Context) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM org_units WHERE level = 'community' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// DecisionDraft is a decision an event-driven row must publish.
type DecisionDraft struct {
	CommunityID int64
	ItemID      int64
	Title       string
	DecidedOn   string
}

// RecordDecision schedules the publication of a decision under an
// event-driven row (重大事项, 居民会议决定): due its rule's days after.
func (s *Service) RecordDecision(ctx context.Context, st Staff, d DecisionDraft) (Publication, error) {
	if !st.Scope.Contains(access.Place{Community: d.CommunityID}) {
		return Publication{}, ErrNoPublication
	}
	fe := fault.Fields{}
	title := text(fe, "title", d.Title, "事项名称", 80, true)
	it, err := s.Item(ctx, d.ItemID)
	if err != nil || (it.CommunityID != 0 && it.CommunityID != d.CommunityID) || !it.Active {
		fe.Add("item", "请选择公开事项")
	} else if it.Periodic() {
		fe.Add("item", "定期公开的事项按月或按季自动安排,无需登记决定")
	}
	due, ok := DecisionDue(it.Rule, it.RuleDays, strings.TrimSpace(d.DecidedOn))
	if !ok && !it.Periodic() {
		fe.Add("decided_on", "请按 2026-01-01 的格式填写决定日期")
	} else if strings.TrimSpace(d.DecidedOn) > s.today() {
		fe.Add("decided_on", "决定日期不能晚于今天")
	}
	if err := fe.Err(); err != nil {
		return Publication{}, err
	}
	id := database.NewID()
	_, err = s.db.ExecContext(ctx, `INSERT INTO disclosure_publications (community_id, id, item_id, period, title,
		decided_on, due_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		d.CommunityID, id, it.ID, fmt.Sprintf("D%d", id), title, strings.TrimSpace(d.DecidedOn), due, s.stamp())
	if err != nil {
		return Publication{}, err
	}
	return s.Publication(ctx, d.CommunityID, id)
}

// PublishDraft is what staff publish.
type PublishDraft struct {
	Body    string
	Version int
}

// Publish publishes a scheduled publication today: the staff's text and
// the block the row computes from the register, frozen as it stands now.
// A publication is published once; a correction is a new decision.
func (s *Service) Publish(ctx context.Context, st Staff, community, id int64, d PublishDraft) (Publication, error) {
	if !st.Scope.Contains(access.Place{Community: community}) {
		return Publication{}, ErrNoPublication
	}
	fe := fault.Fields{}
	body := text(fe, "body", d.Body, "公开内容", 5000, true)
	if err := fe.Err(); err != nil {
		return Publication{}, err
	}
	// Report figures are computed before the transaction: the computation
	// reads through connections of its own.
	var kind, period, decided string
	err := s.db.QueryRowContext(ctx, `SELECT i.computed, p.period, p.decided_on`+pubFrom+`
		WHERE p.community_id = $1 AND p.id = $2`, community, id).Scan(&kind, &period, &decided)
	if errors.Is(err, sql.ErrNoRows) {
		return Publication{}, ErrNoPublication
	}
	if err != nil {
		return Publication{}, err
	}
	figures, err := s.figureBlock(ctx, community, kind, period, decided)
	if err != nil {
		return Publication{}, err
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var computed, published string
		var version int
		err := tx.QueryRowContext(ctx, `SELECT i.computed, p.published_on, p.version`+pubFrom+`
			WHERE p.community_id = $1 AND p.id = $2`, community, id).Scan(&computed, &published, &version)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNoPublication
		}
		if err != nil {
			return err
		}
		if published != "" {
			return fault.New(fault.Illegal, "这项公开已于 "+published+" 发布")
		}
		if version != d.Version {
			return ErrChanged
		}
		block := figures
		if computed != kind { // the row changed meanwhile
			return ErrChanged
		}
		if block == "" {
			if block, err = computeBlock(ctx, tx, community, computed); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE disclosure_publications SET body = $1, computed = $2, published_on = $3,
			published_by = $4, version = version + 1 WHERE community_id = $5 AND id = $6 AND version = $7`,
			body, block, s.today(), st.Name, community, id, d.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrChanged
		}
		return nil
	})
	if err != nil {
		return Publication{}, err
	}
	return s.Publication(ctx, community, id)
}

// computeBlock is the content shequ adds from the register: counts, and
// the 低保 list with names masked as the rules allow; nothing else
// personal is ever published by the machine.
func computeBlock(ctx context.Context, q database.Querier, community int64, what string) (string, error) {
	switch what {
	case ComputedRegister:
		var persons, households int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons WHERE community_id = $1 AND status = 'active'`,
			community).Scan(&persons); err != nil {
			return "", err
		}
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM households WHERE community_id = $1 AND status = 'active'`,
			community).Scan(&households); err != nil {
			return "", err
		}
		return fmt.Sprintf("实有人口 %d 人,%d 户(来自社区人口登记)", persons, households), nil
	case ComputedDibao:
		var households, persons int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT p.household_id), COUNT(DISTINCT p.id)
			FROM person_tags t JOIN persons p ON p.community_id = t.community_id AND p.id = t.person_id
			WHERE t.community_id = $1 AND t.tag = 'dibao' AND t.ended_on IS NULL AND p.status = 'active'`,
			community).Scan(&households, &persons); err != nil {
			return "", err
		}
		return fmt.Sprintf("在保低保 %d 户 %d 人(来自社区人口登记)", households, persons), nil
	case ComputedDibaoList:
		return dibaoList(ctx, q, community)
	}
	return "", nil
}

// PublicationIn is Publication for a caller who may see the communities
// of scope only; one outside it is not found.
func (s *Service) PublicationIn(ctx context.Context, scope access.Scope, community, id int64) (Publication, error) {
	if !scope.Contains(access.Place{Community: community}) {
		return Publication{}, ErrNoPublication
	}
	return s.Publication(ctx, community, id)
}

// Board is a community's public 居务公开 page: what is in force (each
// item's latest publication), what is overdue, and what came before.
type Board struct {
	CommunityID int64
	Community   string
	InForce     []Publication
	Overdue     []Publication
	Past        []Publication
}

// ErrNoCommunity answers a public page of a unit that is no community.
var ErrNoCommunity = fault.New(fault.NotFound, "没有这个社区")

// PublicBoard is the public page of a community (no login): published
// texts and the counts computed at publication; never a phone or a name
// from the register.
func (s *Service) PublicBoard(ctx context.Context, community int64) (Board, error) {
	b := Board{CommunityID: community}
	err := s.db.QueryRowContext(ctx, `SELECT name FROM org_units WHERE id = $1 AND level = 'community'`, community).Scan(&b.Community)
	if errors.Is(err, sql.ErrNoRows) {
		return b, ErrNoCommunity
	}
	if err != nil {
		return b, err
	}
	pubs, err := s.Publications(ctx, access.Everything, Filter{Community: community})
	if err != nil {
		return b, err
	}
	seen := map[int64]bool{}
	for _, p := range pubs { // the latest due first
		switch {
		case p.Overdue:
			b.Overdue = append(b.Overdue, p)
		case p.PublishedOn == "":
		case !seen[p.ItemID]:
			seen[p.ItemID] = true
			b.InForce = append(b.InForce, p)
		default:
			b.Past = append(b.Past, p)
		}
	}
	return b, nil
}
