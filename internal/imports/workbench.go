package imports

import (
	"context"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/workbench"
)

// conflictActions say what a conflict asks of the person who resolves it.
var conflictActions = map[string]string{KindIdentity: "确认是否同一人", KindFields: "核实不一致的字段"}

// Workbench is the imports' part of a viewer's workbench: the open
// conflicts of the departments' lists in the viewer's scope, oldest first,
// as the queue at /conflicts lists them. Conflicts carry no deadline. The
// items name the list and its row, not the person: the board is read at a
// glance, the person's data on the conflict's own (audited) page.
func (s *Service) Workbench(ctx context.Context, v *access.Viewer, _ time.Time) ([]workbench.Section, error) {
	if !v.Can(PermResolve) {
		return nil, nil
	}
	sc := v.Scope(PermResolve)
	n, err := s.CountConflicts(ctx, sc)
	if err != nil || n == 0 {
		return nil, err
	}
	cs, _, err := s.Conflicts(ctx, sc, ConflictQuery{Limit: workbench.SectionItems})
	if err != nil {
		return nil, err
	}
	sec := workbench.Section{Kind: "conflicts", Title: "导入待核实", Count: n, Link: "/conflicts"}
	for _, c := range cs {
		title := c.DepartmentName + "名册"
		if c.Sheet != "" {
			title += " · " + c.Sheet
		}
		if c.RowNum > 0 {
			title += " 第 " + strconv.Itoa(c.RowNum) + " 行"
		}
		sec.Items = append(sec.Items, workbench.Item{Title: title, Detail: "导入于 " + shortDate(c.CreatedAt),
			Action: conflictActions[c.Kind], Link: "/conflicts/" + strconv.FormatInt(c.ID, 10)})
	}
	return []workbench.Section{sec}, nil
}

func shortDate(s string) string {
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}
