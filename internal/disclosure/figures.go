package disclosure

import (
	"context"
	"fmt"
	"math"
	"strings"

	"shequ/internal/database"
)

// Figures computes report indicators of the catalogue for a community and
// a period ("2026-03", "2026-Q1"), by code: the server gives it the
// reports' computation, so a publication shows the numbers the
// community's report of that period shows.
type Figures func(ctx context.Context, community int64, period string, codes ...string) (map[string]float64, error)

// WithFigures lets the rows computed from report figures publish them;
// without it they publish no block.
func (s *Service) WithFigures(f Figures) *Service {
	s.figures = f
	return s
}

// The indicators the blocks publish (migrations 099 and 100): the
// combined 满意率 and each part's ratings and 满意率; events and
// applications taken in and finished.
var (
	satisfactionParts = []struct{ name, rated, share string }{
		{"事件处置", "MY11", "MY12"}, {"办事", "MY21", "MY22"}, {"入户走访", "MY31", "MY32"}, {"志愿服务活动", "MY41", "MY42"},
	}
	handlingCodes = []string{"GK01", "GK02", "GK03", "GK04"}
)

// figurePeriod is the report period a publication's figures cover: its own
// period, or for a decision the month it was decided in.
func figurePeriod(period, decidedOn string) string {
	if len(period) >= 7 && period[4] == '-' { // 2026-03, 2026-Q1; a decision's is D and its id
		return period
	}
	if len(decidedOn) >= 7 {
		return decidedOn[:7]
	}
	return ""
}

// count prints a count; a value the report has none of is 0 here (a count
// is never missing).
func count(v float64) int64 {
	if math.IsNaN(v) {
		return 0
	}
	return int64(math.Round(v))
}

// pct prints a share, — when nothing was there to divide.
func pct(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", v)
}

// figureBlock is a publication's block computed from report figures, ""
// for the other kinds or without Figures.
func (s *Service) figureBlock(ctx context.Context, community int64, kind, period, decidedOn string) (string, error) {
	if kind == ComputedFinances {
		return s.financeBlock(ctx, community, period)
	}
	if s.figures == nil || (kind != ComputedSatisfaction && kind != ComputedHandling) {
		return "", nil
	}
	p := figurePeriod(period, decidedOn)
	if p == "" {
		return "", nil
	}
	name := periodName(p)
	switch kind {
	case ComputedSatisfaction:
		codes := []string{"MY01", "MY03"}
		for _, sp := range satisfactionParts {
			codes = append(codes, sp.rated, sp.share)
		}
		v, err := s.figures(ctx, community, p, codes...)
		if err != nil {
			return "", err
		}
		var parts []string
		for _, sp := range satisfactionParts {
			parts = append(parts, fmt.Sprintf("%s %s(%d 次)", sp.name, pct(v[sp.share]), count(v[sp.rated])))
		}
		return fmt.Sprintf("%s群众综合满意率 %s(居民评价 %d 次)\n%s\n满意率为评4星或5星的评价所占比例,综合满意率按各部分评价次数加权(来自社区报表)",
			name, pct(v["MY03"]), count(v["MY01"]), strings.Join(parts, ";")), nil
	default:
		v, err := s.figures(ctx, community, p, handlingCodes...)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s受理群众反映事件 %d 件,结案 %d 件;受理办事申请 %d 件,办结 %d 件(来自社区报表)",
			name, count(v["GK01"]), count(v["GK02"]), count(v["GK03"]), count(v["GK04"])), nil
	}
}

// maskName keeps a name's first character: 王**. Always two stars, so the
// mask does not tell the name's length either.
func maskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	if len(r) == 0 {
		return "**"
	}
	return string(r[0]) + "**"
}

// dibaoList is the 低保 households of a community as the 公示 rules allow:
// the head's name masked and how many of the household hold 低保, with the
// totals. Nothing else of the register: no ID number, phone or address.
// The amounts are set and paid by 民政 and not held here.
func dibaoList(ctx context.Context, q database.Querier, community int64) (string, error) {
	// The holders are grouped by household first and the head's name read
	// for each group: joined the other way SQLite walked the community's
	// tags once for every household (6 s on the chengbei demo, now 0.07).
	rows, err := q.QueryContext(ctx, `SELECT x.hid, COALESCE((SELECT hp.name FROM households h
			JOIN persons hp ON hp.community_id = h.community_id AND hp.id = h.head_id
			WHERE h.community_id = $1 AND h.id = x.hid), x.anyname), x.n
		FROM (SELECT p.household_id AS hid, COUNT(DISTINCT p.id) AS n, MIN(p.name) AS anyname
			FROM person_tags t
			JOIN persons p ON p.community_id = t.community_id AND p.id = t.person_id
			WHERE t.community_id = $2 AND t.tag = 'dibao' AND t.ended_on IS NULL AND p.status = 'active'
				AND p.household_id IS NOT NULL
			GROUP BY p.household_id) x
		ORDER BY x.hid`, community, community)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	persons := 0
	for rows.Next() {
		var id int64
		var name string
		var n int
		if err := rows.Scan(&id, &name, &n); err != nil {
			return "", err
		}
		persons += n
		lines = append(lines, fmt.Sprintf("%d. 户主 %s,在保 %d 人", len(lines)+1, maskName(name), n))
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	head := fmt.Sprintf("在保低保 %d 户 %d 人(来自社区人口登记;姓名按规定隐去,保障金额以民政部门核定为准)", len(lines), persons)
	return strings.Join(append([]string{head}, lines...), "\n"), nil
}
