package workaccess

import "context"

// Scores is the departments' demand score (需求评分) published to everyone
// who signs in: for the year up to a month, across the whole tree, the
// staff-hours each department's items imposed on communities against those
// its money carried, and what it owes against what it paid. It is the
// figure a department is asked to answer for, so it is shown beside every
// other department's, not only to the department itself.
type Scores struct {
	Period   string
	YearFrom string
	Lines    []Line // the largest arrears first
}

// FundedShare is the share of the imposed staff time the department's
// money carries, in whole percent; -1 when its items imposed none.
func FundedShare(l Line) int {
	if l.ImposedMinutes == 0 {
		return -1
	}
	return int((l.FundedMinutes*100 + l.ImposedMinutes/2) / l.ImposedMinutes)
}

// Scores sums the boards of the tree's top units for the year up to
// period (YYYY-MM).
func (s *Service) Scores(ctx context.Context, period string) (*Scores, error) {
	m, ok := ParsePeriod(period)
	if !ok {
		return nil, errPeriod
	}
	roots, err := s.org.Roots(ctx)
	if err != nil {
		return nil, err
	}
	out := &Scores{Period: period, YearFrom: m.Format("2006") + "-01"}
	byDept := map[string]*Line{}
	for _, root := range roots {
		b, err := s.Board(ctx, root.ID, period)
		if err != nil {
			return nil, err
		}
		for _, l := range b.YearDepartments {
			sum := byDept[l.Department]
			if sum == nil {
				sum = &Line{Department: l.Department, DepartmentName: l.DepartmentName}
				byDept[l.Department] = sum
			}
			sum.DueFen += l.DueFen
			sum.ReceivedFen += l.ReceivedFen
			sum.ImposedMinutes += l.ImposedMinutes
			sum.FundedMinutes += l.FundedMinutes
		}
	}
	out.Lines = sortedLines(byDept)
	return out, nil
}
