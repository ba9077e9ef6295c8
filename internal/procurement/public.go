package procurement

import (
	"context"
	"strings"
)

// Candidate is a person of the register who may sit on a panel, as staff
// find them by name: the name and the year of birth, nothing more.
type Candidate struct {
	ID   int64
	Name string
	Born string
}

// FindPersons finds the community's active persons by name, for the panel.
func (s *Service) FindPersons(ctx context.Context, st Staff, community int64, name string) ([]Candidate, error) {
	name = strings.TrimSpace(name)
	if name == "" || !st.May(community) {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, SUBSTR(birth_date, 1, 4) FROM persons
		WHERE community_id = $1 AND status = 'active' AND name = $2 ORDER BY id LIMIT 20`, community, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Candidate
		if err := rows.Scan(&c.ID, &c.Name, &c.Born); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PublicList is the communities' projects past planning, for anyone:
// tenders, awards, contracts and their results are public (102号令 第五条).
func (s *Service) PublicList(ctx context.Context, communities []int64) ([]Project, error) {
	ps, err := s.list(ctx, communities, "")
	out := ps[:0]
	for _, p := range ps {
		if p.Status != "planning" {
			out = append(out, p)
		}
	}
	return out, err
}

// Public is a tendered project for anyone, with its evaluation once
// awarded (scores by seat, never by name), milestones and payments.
type Public struct {
	Evaluation
	Milestones []Milestone
	PaidFen    int64
}

// PublicProject reads a tendered project for its public page.
func (s *Service) PublicProject(ctx context.Context, id int64) (Public, error) {
	p, err := s.load(ctx, s.db, id)
	if err != nil {
		return Public{}, err
	}
	if p.Status == "planning" {
		return Public{}, ErrNoProject
	}
	var out Public
	if out.Evaluation, err = s.evaluate(ctx, s.db, p); err != nil {
		return out, err
	}
	out.Panel = nil // the public knows the seats, not the persons
	if p.AwardBidID == 0 {
		// Bids stay sealed until the award publishes them with their scores.
		out.Bids, out.Ranking = nil, nil
	}
	if out.Milestones, err = s.Milestones(ctx, id); err != nil {
		return out, err
	}
	for _, m := range out.Milestones {
		out.PaidFen += m.PaidFen
	}
	return out, nil
}
