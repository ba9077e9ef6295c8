package partymembers

import (
	"context"
	"slices"
	"strings"

	"shequ/internal/database"
)

// MemberFigures is one member's service in a period: what the employer's
// card lists.
type MemberFigures struct {
	ID             int64    `json:"id"`
	CommunityID    int64    `json:"community_id"`
	Name           string   `json:"name"`
	Employer       string   `json:"employer"`
	PartyOrg       string   `json:"party_org,omitempty"`
	ReportedOn     string   `json:"reported_on"`
	LastReportedOn string   `json:"last_reported_on"` // the last report by the period's end (or today)
	NextDueOn      string   `json:"next_due_on"`
	Reports        int      `json:"reports"` // reports in the period
	Overdue        bool     `json:"overdue"` // past the due day at the period's end (or today)
	Active         bool     `json:"active"`  // registered at the period's end
	Minutes        int      `json:"minutes"`
	Records        int      `json:"records"`
	PostMinutes    int      `json:"post_minutes"`
	PairMinutes    int      `json:"pairing_minutes"`
	WishMinutes    int      `json:"wish_minutes"`
	OtherMinutes   int      `json:"other_minutes"`
	Posts          []string `json:"posts"` // posts held in the period
	Pairings       int      `json:"pairings"`
	PairVisits     int      `json:"pairing_visits"`
	Wishes         int      `json:"wishes"` // wishes fulfilled and confirmed in the period
	Grade          string   `json:"grade,omitempty"`
	Comment        string   `json:"comment,omitempty"`
}

// Hours is the member's service in hours, one decimal.
func (m MemberFigures) Hours() string { return Hours(m.Minutes) }

// EmployerFigures sums an employer's members.
type EmployerFigures struct {
	Employer   string          `json:"employer"`
	Members    int             `json:"members"`
	Overdue    int             `json:"overdue"`
	Minutes    int             `json:"minutes"`
	Hours      float64         `json:"hours"`
	Records    int             `json:"records"`
	Posts      int             `json:"posts"` // members holding a post
	Pairings   int             `json:"pairings"`
	PairVisits int             `json:"pairing_visits"`
	Wishes     int             `json:"wishes"`
	People     []MemberFigures `json:"-"`
}

// Summary is a unit's in-service party members in a period.
type Summary struct {
	From       string            `json:"from"`
	To         string            `json:"to"`
	AsOf       string            `json:"as_of"` // the day overdue is judged on: the period's end or today
	Members    int               `json:"members"`
	Overdue    int               `json:"overdue"`
	Minutes    int               `json:"minutes"`
	Hours      float64           `json:"hours"`
	Records    int               `json:"records"`
	Posts      int               `json:"posts"` // claims live in the period
	Pairings   int               `json:"pairings"`
	PairVisits int               `json:"pairing_visits"`
	Wishes     WishFigures       `json:"wishes"`
	Employers  []EmployerFigures `json:"by_employer"`
}

// WishFigures counts the wishes of a period.
type WishFigures struct {
	Posted    int `json:"posted"`    // posted in the period
	Fulfilled int `json:"fulfilled"` // confirmed in the period
	Open      int `json:"open"`      // open or claimed at the period's end
	Overdue   int `json:"overdue"`   // of those, past their deadline
	Cancelled int `json:"cancelled"`
}

func hoursOf(minutes int) float64 { return float64((minutes*10+30)/60) / 10 }

// Figures sums the members of the communities (nil: all) in from..to
// (YYYY-MM-DD): every member registered at some time in the period, with
// their service in it.
func (s *Service) Figures(ctx context.Context, communities []int64, from, to string) (Summary, error) {
	out := Summary{From: from, To: to, AsOf: min(to, s.today())}
	in := func(a *database.Args, col string) string {
		if communities == nil {
			return ""
		}
		if len(communities) == 0 {
			return " AND 1 = 0"
		}
		return " AND " + a.In(col, database.AnyOf(communities)...)
	}
	a := s.db.Args(to, from)
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, m.community_id, p.name, m.employer, m.party_org, m.reported_on, m.status,
		m.left_on FROM party_members m JOIN persons p ON p.community_id = m.community_id AND p.id = m.person_id
		WHERE m.reported_on <= $1 AND (m.status = 'active' OR m.left_on >= $2)`+in(a, "m.community_id")+`
		ORDER BY m.employer, p.name`, a.Values()...)
	if err != nil {
		return out, err
	}
	var people []*MemberFigures
	byID := map[int64]*MemberFigures{}
	for rows.Next() {
		var m MemberFigures
		var status, left string
		if err := rows.Scan(&m.ID, &m.CommunityID, &m.Name, &m.Employer, &m.PartyOrg, &m.ReportedOn, &status, &left); err != nil {
			rows.Close()
			return out, err
		}
		m.Active = status == StatusActive || left > to
		m.Posts = []string{}
		people = append(people, &m)
		byID[m.ID] = &m
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	// Reports up to the day judged on: the last says when the next is due.
	a = s.db.Args(out.AsOf)
	if err := s.each(ctx, `SELECT r.member_id, r.reported_on FROM party_member_reports r WHERE r.reported_on <= $1`+
		in(a, "r.community_id")+` ORDER BY r.reported_on`, a.Values(), func(id int64, vals []string, _ []int) {
		if m := byID[id]; m != nil {
			m.LastReportedOn = vals[0]
			if vals[0] >= from && vals[0] <= to {
				m.Reports++
			}
		}
	}, 1, 0); err != nil {
		return out, err
	}
	for _, m := range people {
		if m.LastReportedOn == "" {
			m.LastReportedOn = m.ReportedOn
		}
		m.NextDueOn = NextDue(m.LastReportedOn)
		m.Overdue = m.Active && m.NextDueOn < out.AsOf
	}
	a = s.db.Args(from, to)
	if err := s.each(ctx, `SELECT v.member_id, v.kind, v.minutes FROM party_service v WHERE v.served_on >= $1 AND v.served_on <= $2`+
		in(a, "v.community_id"), a.Values(), func(id int64, vals []string, n []int) {
		m := byID[id]
		if m == nil {
			return
		}
		m.Minutes += n[0]
		m.Records++
		switch vals[0] {
		case "post":
			m.PostMinutes += n[0]
		case "pairing":
			m.PairMinutes += n[0]
			m.PairVisits++
		case "wish":
			m.WishMinutes += n[0]
		default:
			m.OtherMinutes += n[0]
		}
	}, 1, 1); err != nil {
		return out, err
	}
	a = s.db.Args(to, from)
	if err := s.each(ctx, `SELECT c.member_id, p.name FROM party_claims c JOIN party_posts p ON p.community_id = c.community_id
		AND p.id = c.post_id WHERE c.claimed_on <= $1 AND (c.ended_on = '' OR c.ended_on >= $2)`+in(a, "c.community_id")+`
		ORDER BY p.sort, p.name`, a.Values(), func(id int64, vals []string, _ []int) {
		if m := byID[id]; m != nil && !slices.Contains(m.Posts, vals[0]) {
			m.Posts = append(m.Posts, vals[0])
		}
	}, 1, 0); err != nil {
		return out, err
	}
	a = s.db.Args(to, from)
	if err := s.each(ctx, `SELECT r.member_id FROM party_pairings r WHERE r.started_on <= $1 AND (r.ended_on = ''
		OR r.ended_on >= $2)`+in(a, "r.community_id"), a.Values(), func(id int64, _ []string, _ []int) {
		if m := byID[id]; m != nil {
			m.Pairings++
		}
	}, 0, 0); err != nil {
		return out, err
	}
	a = s.db.Args(to)
	if err := s.each(ctx, `SELECT COALESCE(w.member_id, 0), w.status, w.posted_on, w.deadline_on, w.confirmed_on, w.updated_at
		FROM party_wishes w WHERE w.posted_on <= $1`+in(a, "w.community_id"), a.Values(), func(id int64, v []string, _ []int) {
		status, posted, deadline, confirmed := v[0], v[1], v[2], v[3]
		if posted >= from {
			out.Wishes.Posted++
		}
		switch {
		case status == WishConfirmed && confirmed >= from && confirmed <= to:
			out.Wishes.Fulfilled++
			if m := byID[id]; m != nil {
				m.Wishes++
			}
		case status == WishCancelled:
			if v[4][:10] >= from {
				out.Wishes.Cancelled++
			}
		case status != WishConfirmed || confirmed > to:
			out.Wishes.Open++
			if deadline < out.AsOf {
				out.Wishes.Overdue++
			}
		}
	}, 5, 0); err != nil {
		return out, err
	}
	byEmployer := map[string]*EmployerFigures{}
	var names []string
	for _, m := range people {
		e := byEmployer[m.Employer]
		if e == nil {
			e = &EmployerFigures{Employer: m.Employer}
			byEmployer[m.Employer] = e
			names = append(names, m.Employer)
		}
		e.People = append(e.People, *m)
		if m.Active {
			e.Members++
			out.Members++
		}
		if m.Overdue {
			e.Overdue++
			out.Overdue++
		}
		e.Minutes += m.Minutes
		e.Records += m.Records
		e.Pairings += m.Pairings
		e.PairVisits += m.PairVisits
		e.Wishes += m.Wishes
		if len(m.Posts) > 0 {
			e.Posts++
		}
		out.Minutes += m.Minutes
		out.Records += m.Records
		out.Posts += len(m.Posts)
		out.Pairings += m.Pairings
		out.PairVisits += m.PairVisits
	}
	slices.SortFunc(names, strings.Compare)
	out.Employers = []EmployerFigures{}
	for _, n := range names {
		e := byEmployer[n]
		e.Hours = hoursOf(e.Minutes)
		out.Employers = append(out.Employers, *e)
	}
	out.Hours = hoursOf(out.Minutes)
	return out, nil
}

// each runs a query whose rows are an id, strs strings and ints ints,
// calling fn for each.
func (s *Service) each(ctx context.Context, query string, args []any, fn func(int64, []string, []int), strs, ints int) error {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals, nums := make([]string, strs), make([]int, ints)
	dest := []any{new(int64)}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	for i := range nums {
		dest = append(dest, &nums[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		fn(*dest[0].(*int64), vals, nums)
	}
	return rows.Err()
}

// Employer returns an employer's figures in a summary, ok false when none
// of its members served in the communities.
func (sum Summary) Employer(name string) (EmployerFigures, bool) {
	for _, e := range sum.Employers {
		if e.Employer == name {
			return e, true
		}
	}
	return EmployerFigures{}, false
}
