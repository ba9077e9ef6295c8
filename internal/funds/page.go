package funds

import "context"

// Page is what a fund's page shows: the fund, its entries, its budget
// against spending, what its rule computes now, and the community's other
// funds of the year (where money may be moved).
type Page struct {
	Fund     Fund
	Entries  []Entry
	Budget   []BudgetLine
	HasRule  bool
	Rule     Rule
	Basis    Basis
	Computed int64
	Others   []Fund
}

// Page reads a fund's page for the staff.
func (s *Service) Page(ctx context.Context, st Staff, fund int64) (Page, error) {
	var p Page
	var err error
	if p.Fund, err = s.Fund(ctx, st, fund); err != nil {
		return p, err
	}
	if p.Entries, err = s.Entries(ctx, st, fund); err != nil {
		return p, err
	}
	if p.Budget, err = s.Budget(ctx, st, fund); err != nil {
		return p, err
	}
	if p.Fund.RuleCode != "" {
		p.HasRule = true
		if p.Rule, p.Basis, p.Computed, err = s.Preview(ctx, st, fund); err != nil {
			return p, err
		}
	}
	all, err := s.ListIn(ctx, []int64{p.Fund.CommunityID}, p.Fund.Year)
	for _, o := range all {
		if o.ID != p.Fund.ID {
			p.Others = append(p.Others, o)
		}
	}
	return p, err
}
