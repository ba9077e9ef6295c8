package workbenchweb

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/workbench"
)

type homeData struct {
	NoGrant  bool
	Place    string // the one place the person works in, if one
	Board    *workbench.Board
	Lists    []workbench.Section // sections whose items are the whole list, shown on the board
	Compares []comparison
}

// comparison is a capability's figures of the overseen communities, as a
// table and two charts.
type comparison struct {
	*workbench.Comparison
	Rows    []compareRow
	Backlog barChart
	OnTime  barChart
}

type compareRow struct {
	workbench.Figures
	Name string
	Href string
}

// home is the workbench of the signed-in person.
func (h *handler) home(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	if len(rq.Viewer.Grants()) == 0 {
		h.tmpl.Render(w, r, http.StatusOK, "home", web.NewPage(rq, "首页", "home", homeData{NoGrant: true}))
		return
	}
	now := h.Now()
	// The board and the comparisons are read at once.
	var b *workbench.Board
	cmps := make([]*workbench.Comparison, len(h.Comparers))
	err := workbench.Each(len(h.Comparers)+1, func(i int) error {
		var err error
		if i == len(h.Comparers) {
			b, err = workbench.Build(ctx, rq.Viewer, now, h.Sources...)
			return err
		}
		cmps[i], err = h.Comparers[i].Compare(ctx, rq.Viewer, now)
		return err
	})
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := homeData{Board: b}
	if rq.Home != nil {
		d.Place = rq.Home.Name
	}
	for _, s := range b.Sections {
		if s.Link == "" {
			d.Lists = append(d.Lists, s)
		}
	}
	for _, cmp := range cmps {
		if cmp == nil || len(cmp.Rows) == 0 {
			continue
		}
		view, err := h.comparison(r, cmp)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		d.Compares = append(d.Compares, view)
	}
	h.tmpl.Render(w, r, http.StatusOK, "home", web.NewPage(rq, "今日待办", "home", d))
}

// comparison names the communities and orders them as the org tree does.
func (h *handler) comparison(r *http.Request, c *workbench.Comparison) (comparison, error) {
	ids := make([]int64, len(c.Rows))
	for i, f := range c.Rows {
		ids[i] = f.Community
	}
	names, err := h.Org.Names(r.Context(), ids)
	if err != nil {
		return comparison{}, err
	}
	out := comparison{Comparison: c}
	for _, f := range c.Rows {
		row := compareRow{Figures: f, Name: names[f.Community]}
		if c.Link != "" {
			row.Href = c.Link + strconv.FormatInt(f.Community, 10)
		}
		out.Rows = append(out.Rows, row)
	}
	slices.SortStableFunc(out.Rows, func(a, b compareRow) int {
		switch {
		case orgtree.NaturalLess(a.Name, b.Name):
			return -1
		case orgtree.NaturalLess(b.Name, a.Name):
			return 1
		}
		return 0
	})
	out.Backlog = backlogChart(c.Title+"积压与逾期", out.Rows)
	out.OnTime = rateChart(c.Period, out.Rows)
	return out, nil
}

// dueText is a deadline as people read it: the capability's own text, or
// the instant in China's time.
func dueText(it workbench.Item) string {
	if it.DueText != "" {
		return it.DueText
	}
	if it.Due.IsZero() {
		return ""
	}
	return it.Due.In(web.China).Format("01-02 15:04")
}

// unixOrEmpty is a deadline for the page's data attributes: seconds since
// 1970, "" for none.
func unixOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.Unix(), 10)
}
