package procurement

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// Project is a purchased-service project.
type Project struct {
	ID          int64
	CommunityID int64
	Title       string
	Category    string
	Goals       string
	Terms       string
	BudgetFen   int64
	MatterID    int64
	Matter      string // the decision's title
	Decision    string // what the 协商 decided
	WorkItemID  int64
	WorkItem    string
	Status      string // planning, tender, awarded, contract, completed
	PricePoints int
	OpensAt     string // stored times (UTC)
	ClosesAt    string
	AwardBidID  int64
	AwardedAt   string
	ContractFen int64
	SignedOn    string
	StartsOn    string
	EndsOn      string
	CompletedOn string
	Satisfied   int
	Fair        int
	Unsatisfied int
	Evaluation  string
	Version     int
	CreatedAt   string
	UpdatedAt   string
	Criteria    []Criterion
	// Stage is Status with a tender past its deadline as "evaluation".
	Stage string
}

// Criterion is a quality criterion of the evaluation rule.
type Criterion struct {
	ID        int64
	Name      string
	MaxPoints int
}

// StageName and CategoryName say the codes in words.
func (p Project) StageName() string    { return StageName(p.Stage) }
func (p Project) CategoryName() string { return CategoryName(p.Category) }

// Ratings counts the residents' ratings.
func (p Project) Ratings() int { return p.Satisfied + p.Fair + p.Unsatisfied }

// Draft is the new project's form.
type Draft struct {
	Title, Category, Goals, Terms string
	BudgetFen                     int64
	MatterID, WorkItemID          int64
}

// Source is where a need comes from: a passed decision or a catalogue item.
type Source struct {
	ID    int64
	Title string
	Text  string // the decision, or the item's content
	On    string
}

const projectCols = `p.community_id, p.id, p.title, p.category, p.goals, p.terms, p.budget_fen,
	COALESCE(p.matter_id, 0), COALESCE(m.title, ''), COALESCE(m.decision, ''), COALESCE(p.work_item_id, 0), COALESCE(w.title, ''),
	p.status, p.price_points, p.tender_opens_at, p.tender_closes_at, COALESCE(p.award_bid_id, 0), p.awarded_at,
	p.contract_fen, p.contract_signed_on, p.contract_starts_on, p.contract_ends_on, p.completed_on,
	p.satisfied, p.fair, p.unsatisfied, p.evaluation, p.version, p.created_at, p.updated_at
	FROM procurement_projects p
	LEFT JOIN proposals m ON m.community_id = p.community_id AND m.id = p.matter_id
	LEFT JOIN work_items w ON w.id = p.work_item_id`

func (s *Service) scanProject(row interface{ Scan(...any) error }) (Project, error) {
	var p Project
	err := row.Scan(&p.CommunityID, &p.ID, &p.Title, &p.Category, &p.Goals, &p.Terms, &p.BudgetFen,
		&p.MatterID, &p.Matter, &p.Decision, &p.WorkItemID, &p.WorkItem,
		&p.Status, &p.PricePoints, &p.OpensAt, &p.ClosesAt, &p.AwardBidID, &p.AwardedAt,
		&p.ContractFen, &p.SignedOn, &p.StartsOn, &p.EndsOn, &p.CompletedOn,
		&p.Satisfied, &p.Fair, &p.Unsatisfied, &p.Evaluation, &p.Version, &p.CreatedAt, &p.UpdatedAt)
	p.Stage = p.Status
	if p.Status == "tender" && database.FormatTime(s.now()) >= p.ClosesAt {
		p.Stage = "evaluation"
	}
	return p, err
}

// load reads a project with its criteria, without checking who asks.
func (s *Service) load(ctx context.Context, q database.Querier, id int64) (Project, error) {
	p, err := s.scanProject(q.QueryRowContext(ctx, `SELECT `+projectCols+` WHERE p.id = $1`, id))
	if noRows(err) {
		return p, ErrNoProject
	}
	if err != nil {
		return p, err
	}
	rows, err := q.QueryContext(ctx, `SELECT id, name, max_points FROM procurement_criteria WHERE project_id = $1 ORDER BY sort`, id)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Criterion
		if err := rows.Scan(&c.ID, &c.Name, &c.MaxPoints); err != nil {
			return p, err
		}
		p.Criteria = append(p.Criteria, c)
	}
	return p, rows.Err()
}

// Project reads a project in the staff's scope.
func (s *Service) Project(ctx context.Context, st Staff, id int64) (Project, error) {
	p, err := s.load(ctx, s.db, id)
	if err != nil {
		return p, err
	}
	if !st.May(p.CommunityID) {
		return Project{}, ErrNoProject
	}
	return p, nil
}

// List is a community's projects, newest first; stage "" is every stage.
func (s *Service) List(ctx context.Context, st Staff, community int64, stage string) ([]Project, error) {
	if !st.May(community) {
		return nil, ErrNoProject
	}
	return s.list(ctx, []int64{community}, stage)
}

func (s *Service) list(ctx context.Context, communities []int64, stage string) ([]Project, error) {
	if len(communities) == 0 {
		return nil, nil
	}
	a := s.db.Args()
	rows, err := s.db.QueryContext(ctx, `SELECT `+projectCols+` WHERE `+a.In("p.community_id", database.AnyOf(communities)...)+
		` ORDER BY p.created_at DESC, p.id DESC`, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Project
	for rows.Next() {
		p, err := s.scanProject(rows)
		if err != nil {
			return nil, err
		}
		if stage == "" || p.Stage == stage {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}

// ByMatter are the community's projects created from 协商 decisions, by
// decision, newest first, as they stand now.
func (s *Service) ByMatter(ctx context.Context, community int64) (map[int64][]Project, error) {
	ps, err := s.list(ctx, []int64{community}, "")
	out := map[int64][]Project{}
	for _, p := range ps {
		if p.MatterID != 0 {
			out[p.MatterID] = append(out[p.MatterID], p)
		}
	}
	return out, err
}

// Matters are the community's passed 协商 decisions a project may carry out.
func (s *Service) Matters(ctx context.Context, community int64) ([]Source, error) {
	return s.sources(ctx, `SELECT id, title, decision, decided_on FROM proposals
		WHERE community_id = $1 AND status IN ('decided', 'done') AND result = 'passed' ORDER BY decided_on DESC, id`, community)
}

// WorkItems are the admitted catalogue items (履职、协助) a project may serve.
func (s *Service) WorkItems(ctx context.Context) ([]Source, error) {
	return s.sources(ctx, `SELECT id, title, content, valid_from FROM work_items
		WHERE status = 'admitted' AND kind IN ('duty', 'assistance') ORDER BY title, id`)
}

func (s *Service) sources(ctx context.Context, query string, args ...any) ([]Source, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		var x Source
		if err := rows.Scan(&x.ID, &x.Title, &x.Text, &x.On); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// check normalises a draft and says what is wrong with it, by field.
func (d *Draft) check() fault.Fields {
	fe := fault.Fields{}
	d.Title, d.Goals, d.Terms = strings.TrimSpace(d.Title), strings.TrimSpace(d.Goals), strings.TrimSpace(d.Terms)
	if (d.MatterID == 0) == (d.WorkItemID == 0) {
		fe.Add("source", "请选择项目来源:一项通过的协商决定,或一项准入的工作事项(二选一)")
	}
	if d.Title == "" || utf8.RuneCountInString(d.Title) > 60 {
		fe.Add("title", "请填写项目名称(60字以内)")
	}
	if CategoryName(d.Category) == "" {
		fe.Add("category", "请选择服务类别")
	}
	if d.Goals == "" || utf8.RuneCountInString(d.Goals) > 1000 {
		fe.Add("goals", "请填写服务目标(1000字以内)")
	}
	if utf8.RuneCountInString(d.Terms) > 2000 {
		fe.Add("terms", "服务要求与期限请在2000字以内")
	}
	if d.BudgetFen <= 0 || d.BudgetFen > 1e10 {
		fe.Add("budget", "请填写预算金额(元,最多两位小数,不超过1亿元)")
	}
	if rule := negative(d.Title); rule != "" {
		fe.Add("title", "属于政府购买服务负面清单,不得购买:"+rule)
	} else if rule := negative(d.Goals); rule != "" {
		fe.Add("goals", "属于政府购买服务负面清单,不得购买:"+rule)
	}
	return fe
}

// Create makes a project of a community's need.
func (s *Service) Create(ctx context.Context, st Staff, community int64, d Draft) (Project, error) {
	if community == 0 || !st.May(community) {
		return Project{}, fault.Fields{"org": "请选择您管辖的社区"}
	}
	fe := d.check()
	id := database.NewID()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if d.MatterID != 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM proposals WHERE community_id = $1 AND id = $2
				AND status IN ('decided', 'done') AND result = 'passed'`, community, d.MatterID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				fe.Add("source", "只能依据本社区表决通过的协商决定立项")
			}
		}
		if d.WorkItemID != 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM work_items WHERE id = $1 AND status = 'admitted'
				AND kind IN ('duty', 'assistance')`, d.WorkItemID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				fe.Add("source", "只能依据准入目录中有效的工作事项立项")
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		now := database.FormatTime(s.now())
		_, err := tx.ExecContext(ctx, `INSERT INTO procurement_projects (community_id, id, title, category, goals, terms,
			budget_fen, matter_id, work_item_id, status, created_at, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'planning', $10, $10, $11)`,
			community, id, d.Title, d.Category, d.Goals, d.Terms, d.BudgetFen, nullID(d.MatterID), nullID(d.WorkItemID), now, st.Name)
		return err
	})
	if err != nil {
		return Project{}, err
	}
	return s.load(ctx, s.db, id)
}

// bump moves a project on one version, refusing a stale one; the caller's
// transaction then writes the stage's own columns.
func (s *Service) bump(ctx context.Context, tx *sql.Tx, st Staff, p Project, version int, set string, args ...any) error {
	a := append([]any{p.ID, version, database.FormatTime(s.now()), st.Name}, args...)
	res, err := tx.ExecContext(ctx, `UPDATE procurement_projects SET version = version + 1, updated_at = $3, updated_by = $4`+set+
		` WHERE id = $1 AND version = $2`, a...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrChanged
	}
	return nil
}

// managed loads a project the staff may act on, in tx.
func (s *Service) managed(ctx context.Context, tx *sql.Tx, st Staff, id int64) (Project, error) {
	p, err := s.load(ctx, tx, id)
	if err == nil && !st.May(p.CommunityID) {
		err = ErrNoProject
	}
	return p, err
}

// managedAt is managed for a step that only one stage takes: the project
// in any other is refused with ErrStage.
func (s *Service) managedAt(ctx context.Context, tx *sql.Tx, st Staff, id int64, status string) (Project, error) {
	p, err := s.managed(ctx, tx, st, id)
	if err == nil && p.Status != status {
		err = ErrStage
	}
	return p, err
}

// localDay is a stored time as the day in China.
func localDay(stored string) string {
	if stored == "" {
		return ""
	}
	return database.ParseTime(stored).In(workdays.Shanghai).Format(database.DateLayout)
}
