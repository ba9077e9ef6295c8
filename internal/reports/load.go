package reports

import (
	"context"
	"strconv"
)

// ReportLoad counts what the report templates ask of each community: all
// their items, and of those the ones computed from the register (the rest
// are typed by hand). The burden dashboard compares the two.
func (s *Service) ReportLoad(ctx context.Context) (items, computed int, err error) {
	ts, err := s.Templates(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, t := range ts {
		full, err := s.Template(ctx, strconv.FormatInt(t.ID, 10))
		if err != nil {
			return 0, 0, err
		}
		b, err := s.TemplateBurden(ctx, full)
		if err != nil {
			return 0, 0, err
		}
		items += b.Items
		computed += b.Computed
	}
	return items, computed, nil
}
