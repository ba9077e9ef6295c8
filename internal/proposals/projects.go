package proposals

import "context"

// Project is a purchased-service project (政府购买服务) created from a
// decision to carry it out, as it stands now: its stage is read live each
// time, never copied here.
type Project struct {
	ID     int64
	Title  string
	Stage  string // in words: 立项, 招标中 … 已结项
	Public bool   // past planning: its tender page is public
}

// Projects reads the projects created from a community's decisions, by
// decision. internal/procurement keeps them and reads this package's
// decisions, so it is not imported here: the server wires it.
type Projects interface {
	DecisionProjects(ctx context.Context, community int64) (map[int64][]Project, error)
}

// UseProjects shows on the accounts of decisions the projects carrying
// them out.
func (s *Service) UseProjects(p Projects) { s.projects = p }

// addProjects gives each account the projects created from its decision.
func (s *Service) addProjects(ctx context.Context, community int64, as []Account) error {
	if s.projects == nil || len(as) == 0 {
		return nil
	}
	by, err := s.projects.DecisionProjects(ctx, community)
	if err != nil {
		return err
	}
	for i := range as {
		as[i].Projects = by[as[i].ID]
	}
	return nil
}
