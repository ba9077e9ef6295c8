package disclosure

import "context"

// Finances is a community's accounts over a period ("2026-03",
// "2026-Q1") in the words of a notice: the server gives it the funds'
// statement, so 财务公开 publishes the ledger's own figures rather than
// figures typed again.
type Finances func(ctx context.Context, community int64, period string) (string, error)

// WithFinances lets the 财务收支 rows publish the statement; without it
// they publish the staff's text only.
func (s *Service) WithFinances(f Finances) *Service {
	s.finances = f
	return s
}

// financeBlock is the statement of a publication's period, "" without
// Finances or for a decision's publication (it has no period).
func (s *Service) financeBlock(ctx context.Context, community int64, period string) (string, error) {
	name := periodName(period)
	if s.finances == nil || name == "" {
		return "", nil
	}
	text, err := s.finances(ctx, community, period)
	if err != nil || text == "" {
		return "", err
	}
	return name + "财务收支:" + text, nil
}
