// Package proposals is 议事协商: matters (议题) proposed by verified
// residents or by the committee, moderated, deliberated with arguments for
// and against, voted on by a set of the register fixed per matter, decided
// and followed up.
//
// Who may vote is data on the matter (scope and unit), checked as a
// predicate over the voter's own register facts (residents.Resident), so
// no list of the eligible is ever made or shown; the eligible count for
// the contract is one COUNT over the register.
//
// A vote is written as two unlinked rows in one transaction: in
// proposal_ballots a keyed hash of the voter (person or household) whose
// primary key refuses a second vote, and in proposal_tally the choice
// under a random receipt the voter keeps. Neither row has a time or the
// other's key, so the committee can count and recount the tally and see
// that a household voted, but not read back who voted how. The service
// has no path that changes or removes either row.
package proposals

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/residents"
	"shequ/internal/workdays"
)

// Limits of text.
const (
	MaxTitle    = 60
	MaxBody     = 3000
	MaxArgument = 500
	MaxDecision = 2000
	MaxReason   = 200
)

// Statuses of a matter.
const (
	Moderation = "moderation" // a resident's proposal awaiting the committee
	Rejected   = "rejected"
	Open       = "open"   // deliberation
	Voting     = "voting" // between opens_at and closes_at, and after until decided
	Decided    = "decided"
	Done       = "done" // follow-up done
)

// Scopes of eligibility.
const (
	ScopeAdults     = "adults"     // adult residents of the community
	ScopeHouseholds = "households" // households of the listed buildings
	ScopeOwners     = "owners"     // owner-occupied households of the listed buildings (or all)
)

// Units of a vote.
const (
	PerPerson    = "person"
	PerHousehold = "household"
)

// Choices.
const (
	For     = "for"
	Against = "against"
	Abstain = "abstain"
)

// Refusals.
var (
	ErrNoResident  = fault.New(fault.Unauthorized, "请先核验居民身份,再提出议题或投票。")
	ErrNotEligible = fault.New(fault.Refused, "您不在本议题的表决范围内。")
	ErrVoted       = fault.New(fault.Refused, "您(或您家)已就本议题投过票,投票不能更改。")
	ErrNotOpen     = fault.New(fault.Refused, "本议题当前不在投票期内。")
	ErrClosed      = fault.New(fault.Refused, "投票已截止。")
	ErrNotFound    = fault.New(fault.NotFound, "议题不存在。")
)

// Service keeps matters, arguments and votes.
type Service struct {
	db     *database.DB
	now    func() time.Time
	events *events.Store // files follow-up events; nil: linking only
	live   liveCounts    // the counts of matters in voting (livecounts.go)
	facts  ballotFactsCache
	// projects reads the purchased-service projects carrying out
	// decisions; nil: none shown.
	projects Projects
}

// NewService returns the service on db; now nil is time.Now.
func NewService(db *database.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now}
}

// Matter is a proposal and its state.
type Matter struct {
	CommunityID  int64
	ID           int64
	Title, Body  string
	ProposerKind string // resident, committee
	Proposer     string // masked resident name or the staff member
	Status       string
	RejectReason string
	Scope, Unit  string
	Buildings    []int64
	OpensAt      time.Time
	ClosesAt     time.Time
	Eligible     int // taken when the vote opens; -1 before
	Decision     string
	Result       string
	DecidedOn    string
	EventID      int64
	ProjectID    int64
	DoneOn       string
	Version      int
	CreatedAt    time.Time

	VotesFor, VotesAgainst, VotesAbstain int
}

// Draft is what a proposer writes.
type Draft struct {
	CommunityID int64
	Title, Body string
	Scope, Unit string
	Buildings   []int64
	// OwnBuilding: a resident's matter for the households of their own
	// building (本楼住户, one vote a household).
	OwnBuilding bool
}

func checkText(fe fault.Fields, field, s string, max int, empty string) string {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		fe[field] = empty
	case n > max:
		fe[field] = fmt.Sprintf("不超过%d字(现有%d字)", max, n)
	}
	return s
}

func (d *Draft) check() error {
	fe := fault.Fields{}
	d.Title = checkText(fe, "title", d.Title, MaxTitle, "请填写议题标题")
	d.Body = checkText(fe, "body", d.Body, MaxBody, "请说明议题内容")
	if d.Scope == "" {
		d.Scope = ScopeAdults
	}
	if d.Unit == "" {
		d.Unit = PerPerson
	}
	switch d.Scope {
	case ScopeAdults:
		if len(d.Buildings) > 0 {
			fe["buildings"] = "全体成年居民表决时不选楼栋"
		}
		if d.Unit != PerPerson {
			fe["unit"] = "全体成年居民表决为一人一票"
		}
	case ScopeHouseholds:
		if len(d.Buildings) == 0 {
			fe["buildings"] = "请选择参与表决的楼栋"
		}
		if d.Unit != PerHousehold {
			fe["unit"] = "按楼栋住户表决为一户一票"
		}
	case ScopeOwners:
	default:
		fe["scope"] = "请选择表决范围"
	}
	if d.Unit != PerPerson && d.Unit != PerHousehold {
		fe["unit"] = "请选择一人一票或一户一票"
	}
	if len(d.Buildings) > 200 {
		fe["buildings"] = "楼栋过多"
	}
	if len(fe) > 0 {
		return fe
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ProposeAsResident files a resident's proposal for moderation. r is the
// signed-in resident; without one the proposal is refused.
func (s *Service) ProposeAsResident(ctx context.Context, r *residents.Resident, d Draft) (Matter, error) {
	if r == nil || r.PersonID == 0 {
		return Matter{}, ErrNoResident
	}
	if !r.Adult {
		return Matter{}, fault.New(fault.Refused, "年满18周岁的居民才能提出议题。")
	}
	d.CommunityID = r.CommunityID
	if d.OwnBuilding {
		if r.BuildingID == 0 || r.HouseholdID == 0 {
			fe := fault.Fields{}
			if err := d.check(); err != nil {
				fe = fault.FieldsOf(err)
			}
			fe["scope"] = "登记簿中没有您所在的楼栋,请选择全体成年居民"
			return Matter{}, fe
		}
		d.Scope, d.Unit, d.Buildings = ScopeHouseholds, PerHousehold, []int64{r.BuildingID}
	}
	return s.create(ctx, d, "resident", r.PersonID, r.MaskedName(), Moderation)
}

// ProposeAsCommittee puts the committee's matter straight to deliberation.
func (s *Service) ProposeAsCommittee(ctx context.Context, staff string, d Draft) (Matter, error) {
	if d.CommunityID == 0 {
		return Matter{}, fault.Fields{"community": "请选择社区"}
	}
	return s.create(ctx, d, "committee", 0, staff, Open)
}

func (s *Service) create(ctx context.Context, d Draft, kind string, person int64, name, status string) (Matter, error) {
	if err := d.check(); err != nil {
		return Matter{}, err
	}
	now := s.now()
	id := database.NewID()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		// The buildings must be the community's own.
		for _, b := range d.Buildings {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM buildings WHERE community_id = $1 AND id = $2`,
				d.CommunityID, b).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fault.Fields{"buildings": "所选楼栋不属于本社区"}
			}
		}
		var p any
		if person != 0 {
			p = person
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO proposals (community_id, id, title, body, proposer_kind,
			proposer_person_id, proposer_name, status, scope, unit, ballot_salt, created_at, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)`, d.CommunityID, id, d.Title, d.Body,
			kind, p, name, status, d.Scope, d.Unit, randomHex(32), database.FormatTime(now), name); err != nil {
			return err
		}
		for _, b := range d.Buildings {
			if _, err := tx.ExecContext(ctx, `INSERT INTO proposal_buildings (community_id, proposal_id, building_id)
				VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, d.CommunityID, id, b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Matter{}, err
	}
	return s.Get(ctx, d.CommunityID, id)
}

const matterColumns = `community_id, id, title, body, proposer_kind, proposer_name, status, reject_reason, scope, unit,
	opens_at, closes_at, eligible, decision, result, decided_on, COALESCE(event_id, 0), COALESCE(project_id, 0), done_on,
	version, created_at`

// scanMatter reads matterColumns and then the columns of more.
func scanMatter(sc interface{ Scan(...any) error }, more ...any) (Matter, error) {
	var m Matter
	var opens, closes, created string
	err := sc.Scan(append([]any{&m.CommunityID, &m.ID, &m.Title, &m.Body, &m.ProposerKind, &m.Proposer, &m.Status,
		&m.RejectReason, &m.Scope, &m.Unit, &opens, &closes, &m.Eligible, &m.Decision, &m.Result, &m.DecidedOn, &m.EventID,
		&m.ProjectID, &m.DoneOn, &m.Version, &created}, more...)...)
	if opens != "" {
		m.OpensAt = database.ParseTime(opens)
	}
	if closes != "" {
		m.ClosesAt = database.ParseTime(closes)
	}
	m.CreatedAt = database.ParseTime(created)
	return m, err
}

// Get reads one matter with its buildings and counts.
func (s *Service) Get(ctx context.Context, community, id int64) (Matter, error) {
	m, err := s.matter(ctx, community, id)
	if err != nil {
		return Matter{}, err
	}
	if s.VotingOpen(m) {
		err = s.countsLive(ctx, &m)
	} else {
		ms := []Matter{m}
		err = s.counts(ctx, community, ms)
		m = ms[0]
	}
	if err != nil {
		return Matter{}, err
	}
	return m, nil
}

// matter reads one matter with its buildings, without counting its votes:
// what a vote needs, so a vote's cost does not grow with the votes cast.
func (s *Service) matter(ctx context.Context, community, id int64) (Matter, error) {
	m, err := scanMatter(s.db.QueryRowContext(ctx, `SELECT `+matterColumns+` FROM proposals
		WHERE community_id = $1 AND id = $2`, community, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Matter{}, ErrNotFound
	}
	if err != nil {
		return Matter{}, err
	}
	if m.Buildings, err = s.buildings(ctx, community, id); err != nil {
		return Matter{}, err
	}
	return m, nil
}

// counts fills the vote counts of ms from the tally: one grouped query.
func (s *Service) counts(ctx context.Context, community int64, ms []Matter) error {
	if len(ms) == 0 {
		return nil
	}
	q := s.db.Args(community)
	ids := make([]int64, len(ms))
	at := map[int64]int{}
	for i, m := range ms {
		ids[i] = m.ID
		at[m.ID] = i
	}
	rows, err := s.db.QueryContext(ctx, `SELECT proposal_id, choice, COUNT(*) FROM proposal_tally
		WHERE community_id = $1 AND `+q.In("proposal_id", database.AnyOf(ids)...)+` GROUP BY proposal_id, choice`,
		q.Values()...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var choice string
		var n int
		if err := rows.Scan(&id, &choice, &n); err != nil {
			return err
		}
		m := &ms[at[id]]
		switch choice {
		case For:
			m.VotesFor = n
		case Against:
			m.VotesAgainst = n
		case Abstain:
			m.VotesAbstain = n
		}
	}
	return rows.Err()
}

// step moves a matter from one status to another at the version the
// caller saw; set is extra assignments with arguments from $5 on.
func (s *Service) step(ctx context.Context, q database.Querier, m Matter, version int, to, staff, set string, args ...any) error {
	res, err := q.ExecContext(ctx, `UPDATE proposals SET status = $1, version = version + 1, updated_at = $2,
		updated_by = $3`+set+` WHERE community_id = $4 AND id = $5 AND version = $6`,
		append([]any{to, database.FormatTime(s.now()), staff, m.CommunityID, m.ID, version}, args...)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.New(fault.Conflict, "议题已被他人修改,请刷新后再操作。")
	}
	return nil
}

func (s *Service) load(ctx context.Context, community, id int64, from ...string) (Matter, error) {
	m, err := s.Get(ctx, community, id)
	if err != nil {
		return m, err
	}
	for _, f := range from {
		if m.Status == f {
			return m, nil
		}
	}
	return m, fault.New(fault.Illegal, "议题当前状态("+StatusWords[m.Status]+")不能进行此操作。")
}

// StatusWords names the statuses.
var StatusWords = map[string]string{Moderation: "待审核", Rejected: "未通过审核", Open: "协商中", Voting: "表决中",
	Decided: "已决定", Done: "已落实"}

// Approve admits a resident's proposal to deliberation.
func (s *Service) Approve(ctx context.Context, staff string, community, id int64, version int) error {
	m, err := s.load(ctx, community, id, Moderation)
	if err != nil {
		return err
	}
	return s.stepAndTell(ctx, m, version, Open, staff, "approved", "已通过审核,进入协商,欢迎发表意见。", "")
}

// Reject refuses a resident's proposal with a reason the proposer sees.
func (s *Service) Reject(ctx context.Context, staff string, community, id int64, version int, reason string) error {
	fe := fault.Fields{}
	reason = checkText(fe, "reason", reason, MaxReason, "请说明不予通过的理由")
	if len(fe) > 0 {
		return fe
	}
	m, err := s.load(ctx, community, id, Moderation)
	if err != nil {
		return err
	}
	return s.stepAndTell(ctx, m, version, Rejected, staff, "rejected", "未通过审核。理由:"+reason, ", reject_reason = $7", reason)
}

// OpenVoting sets the voting period of a matter in deliberation.
func (s *Service) OpenVoting(ctx context.Context, staff string, community, id int64, version int, opens, closes time.Time) error {
	fe := fault.Fields{}
	if opens.IsZero() {
		fe["opens_at"] = "请填写投票开始时间"
	}
	if closes.IsZero() {
		fe["closes_at"] = "请填写投票截止时间"
	} else if !closes.After(opens) {
		fe["closes_at"] = "截止时间须晚于开始时间"
	} else if !closes.After(s.now()) {
		fe["closes_at"] = "截止时间须晚于现在"
	}
	if len(fe) > 0 {
		return fe
	}
	m, err := s.load(ctx, community, id, Open)
	if err != nil {
		return err
	}
	// The electorate's size is taken when the vote opens, as a roll is
	// closed on a date; lists and the API then count nothing per matter.
	n, err := s.EligibleCount(ctx, m)
	if err != nil {
		return err
	}
	return s.step(ctx, s.db, m, version, Voting, staff, ", opens_at = $7, closes_at = $8, eligible = $9",
		database.FormatTime(opens), database.FormatTime(closes), n)
}

// Ballot is a vote cast: the receipt lets the voter find it in the tally.
type Ballot struct {
	Receipt string
	Title   string // the matter's, for the receipt page
}

// Eligible says whether a resident may vote on m: a predicate over the
// resident's register facts; building lists are the matter's own.
func Eligible(m Matter, r residents.Resident) bool {
	if r.PersonID == 0 || r.CommunityID != m.CommunityID || !r.Adult {
		return false
	}
	if m.Unit == PerHousehold && r.HouseholdID == 0 {
		return false
	}
	inBuildings := len(m.Buildings) == 0
	for _, b := range m.Buildings {
		if b == r.BuildingID {
			inBuildings = true
		}
	}
	switch m.Scope {
	case ScopeAdults:
		return true
	case ScopeHouseholds:
		return r.HouseholdID != 0 && r.BuildingID != 0 && inBuildings
	case ScopeOwners:
		return r.Owner && r.HouseID != 0 && inBuildings
	}
	return false
}

// voterHash is the key of a voter on a matter: the person or household,
// hashed with the matter's salt so the ballots table holds no register id.
func voterHash(salt string, m Matter, r residents.Resident) string {
	who := fmt.Sprintf("person:%d", r.PersonID)
	if m.Unit == PerHousehold {
		who = fmt.Sprintf("household:%d", r.HouseholdID)
	}
	h := hmac.New(sha256.New, []byte(salt))
	fmt.Fprintf(h, "%d:%d:%s", m.CommunityID, m.ID, who)
	return hex.EncodeToString(h.Sum(nil))
}

// Vote casts a resident's vote. Refused without a session, outside the
// voting period, outside the eligible set, and a second time.
//
// It is one short write: the matter's voting facts are kept per process
// (ballotfacts.go), so the transaction holds two INSERTs and, on SQLite,
// joins the group commit of the votes waiting with it.
func (s *Service) Vote(ctx context.Context, r *residents.Resident, community, id int64, choice string) (Ballot, error) {
	if r == nil || r.PersonID == 0 {
		return Ballot{}, ErrNoResident
	}
	if choice != For && choice != Against && choice != Abstain {
		return Ballot{}, fault.Fields{"choice": "请选择赞成、反对或弃权"}
	}
	f, err := s.ballotFacts(ctx, community, id)
	if err != nil {
		return Ballot{}, err
	}
	m := f.m
	now := s.now()
	switch {
	case m.Status != Voting || now.Before(m.OpensAt):
		if m.Status == Decided || m.Status == Done {
			return Ballot{}, ErrClosed
		}
		return Ballot{}, ErrNotOpen
	case !now.Before(m.ClosesAt):
		return Ballot{}, ErrClosed
	}
	if !Eligible(m, *r) {
		return Ballot{}, ErrNotEligible
	}
	b := Ballot{Receipt: randomHex(8), Title: m.Title}
	voter := voterHash(f.salt, m, *r)
	err = s.db.GroupTx(ctx, func(tx *sql.Tx) error {
		// The ballot row is written only while the matter is in voting
		// in the database, whatever this process keeps of it.
		res, err := tx.ExecContext(ctx, `INSERT INTO proposal_ballots (community_id, proposal_id, voter_hash)
			SELECT community_id, id, $3 FROM proposals WHERE community_id = $1 AND id = $2 AND status = $4
			ON CONFLICT DO NOTHING`, community, id, voter, Voting)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var status string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM proposals WHERE community_id = $1 AND id = $2`,
				community, id).Scan(&status); err != nil {
				return err
			}
			switch status {
			case Voting:
				return ErrVoted
			case Decided, Done:
				return ErrClosed
			}
			return ErrNotOpen
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO proposal_tally (community_id, proposal_id, receipt, choice)
			VALUES ($1, $2, $3, $4)`, community, id, b.Receipt, choice)
		return err
	})
	if err != nil {
		return Ballot{}, err
	}
	s.countVote(community, id, choice)
	return b, nil
}

// HasVoted says whether the resident (or their household) has voted on m:
// for their own page, never a list.
func (s *Service) HasVoted(ctx context.Context, r residents.Resident, m Matter) (bool, error) {
	f, err := s.ballotFacts(ctx, m.CommunityID, m.ID)
	if err != nil {
		return false, err
	}
	var n int
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM proposal_ballots WHERE community_id = $1 AND proposal_id = $2
		AND voter_hash = $3`, m.CommunityID, m.ID, voterHash(f.salt, f.m, r)).Scan(&n)
	return n > 0, err
}

// EligibleCount is the size of a matter's eligible set now: one COUNT over
// the register, the same predicate as Eligible.
func (s *Service) EligibleCount(ctx context.Context, m Matter) (int, error) {
	today := s.now().In(workdays.Shanghai).AddDate(-18, 0, 0).Format("2006-01-02")
	unit := "p.id"
	if m.Unit == PerHousehold {
		unit = "p.household_id"
	}
	where := ""
	switch m.Scope {
	case ScopeHouseholds:
		where = " AND p.household_id IS NOT NULL AND ho.building_id IS NOT NULL"
	case ScopeOwners:
		where = " AND ho.use = 'owner'"
	}
	if m.Unit == PerHousehold {
		where += " AND p.household_id IS NOT NULL"
	}
	q := s.db.Args(m.CommunityID, today)
	if len(m.Buildings) > 0 {
		where += ` AND ho.building_id IN (SELECT building_id FROM proposal_buildings pb
			WHERE pb.community_id = p.community_id AND pb.proposal_id = ` + q.Arg(m.ID) + `)`
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT `+unit+`) FROM persons p
		LEFT JOIN households h ON h.community_id = p.community_id AND h.id = p.household_id
		LEFT JOIN houses ho ON ho.community_id = h.community_id AND ho.id = h.house_id
		WHERE p.community_id = $1 AND p.status = 'active' AND LENGTH(p.birth_date) >= 10
		AND SUBSTR(p.birth_date, 1, 10) <= $2`+where, q.Values()...).Scan(&n)
	return n, err
}

// Decide records the committee's decision after the vote closed.
func (s *Service) Decide(ctx context.Context, staff string, community, id int64, version int, result, text string) error {
	fe := fault.Fields{}
	text = checkText(fe, "decision", text, MaxDecision, "请填写决定内容")
	if result != "passed" && result != "failed" {
		fe["result"] = "请选择通过或未通过"
	}
	if len(fe) > 0 {
		return fe
	}
	m, err := s.load(ctx, community, id, Voting, Open)
	if err != nil {
		return err
	}
	if m.Status == Voting && s.now().Before(m.ClosesAt) {
		return fault.New(fault.Illegal, "投票尚未截止,不能作出决定。")
	}
	words := "已作出决定:通过。"
	if result != "passed" {
		words = "已作出决定:未通过。"
	}
	return s.stepAndTell(ctx, m, version, Decided, staff, "decided", words+"详见社区议事公开。",
		", decision = $7, result = $8, decided_on = $9", text, result, s.now().In(workdays.Shanghai).Format("2006-01-02"))
}

// FollowUp links the decision to the event or project that carries it
// out; done marks the follow-up done.
func (s *Service) FollowUp(ctx context.Context, staff string, community, id int64, version int, event, project int64, done bool) error {
	m, err := s.load(ctx, community, id, Decided)
	if err != nil {
		return err
	}
	var ev, pr any
	if event != 0 {
		ev = event
	}
	if project != 0 {
		pr = project
	}
	to, doneOn := Decided, ""
	if done {
		to, doneOn = Done, s.now().In(workdays.Shanghai).Format("2006-01-02")
	}
	return s.step(ctx, s.db, m, version, to, staff, ", event_id = $7, project_id = $8, done_on = $9", ev, pr, doneOn)
}

// Now is the service's clock, for pages that show times relative to it.
func (s *Service) Now() time.Time { return s.now() }

// VotingOpen says whether m takes votes now, on the service's clock.
func (s *Service) VotingOpen(m Matter) bool {
	now := s.now()
	return m.Status == Voting && !now.Before(m.OpensAt) && now.Before(m.ClosesAt)
}
