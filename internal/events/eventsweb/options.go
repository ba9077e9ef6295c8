package eventsweb

import (
	"context"
	"sort"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

// The choices of the forms' select fields: categories, places, departments.

type optGroup struct {
	Label   string
	Options []web.Option
}

// categoryGroups lists the categories as Option groups by 大类; with
// groups, each 大类 is itself an Option (for filters).
func (h *handler) categoryGroups(ctx context.Context, publicOnly, groups bool) ([]optGroup, error) {
	cat, err := h.Events.Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	var out []optGroup
	for _, p := range cat.Children("") {
		if !p.Active {
			continue
		}
		g := optGroup{Label: p.Name}
		if groups {
			g.Options = append(g.Options, web.Option{Value: p.Code, Label: p.Name + "(全部)"})
		}
		for _, c := range cat.Children(p.Code) {
			if c.Active && (!publicOnly || c.Public) {
				g.Options = append(g.Options, web.Option{Value: c.Code, Label: c.Name})
			}
		}
		if len(g.Options) > 0 {
			out = append(out, g)
		}
	}
	return out, nil
}

// reportPlaces lists where the viewer may report: for one community or
// less, its grids with their buildings; for more, communities with their
// grids.
func (h *handler) reportPlaces(ctx context.Context, sc access.Scope) ([]optGroup, error) {
	var communities []orgtree.Unit
	var err error
	if sc.Whole() {
		communities, err = h.allCommunities(ctx)
	} else {
		for _, id := range sc.Communities() {
			u, err := h.Org.Get(ctx, id)
			if err == nil {
				communities = append(communities, u)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	// Naturally: 第2网格 before 第10网格.
	orgtree.Sort(communities)
	option := func(u orgtree.Unit, label string) web.Option {
		return web.Option{Value: strconv.FormatInt(u.ID, 10), Label: label}
	}
	var out []optGroup
	for _, c := range communities {
		grids, err := h.Org.Descendants(ctx, c.ID, orgtree.LevelGrid)
		if err != nil {
			return nil, err
		}
		orgtree.Sort(grids)
		if len(communities) > 1 {
			g := optGroup{Label: c.Name}
			if sc.Contains(web.UnitPlace(c)) {
				g.Options = append(g.Options, option(c, c.Name+"(社区)"))
			}
			for _, gr := range grids {
				if sc.Contains(web.UnitPlace(gr)) {
					g.Options = append(g.Options, option(gr, c.Name+" "+gr.Name))
				}
			}
			if len(g.Options) > 0 {
				out = append(out, g)
			}
			continue
		}
		for _, gr := range grids {
			g := optGroup{Label: gr.Name}
			if sc.Contains(web.UnitPlace(gr)) {
				g.Options = append(g.Options, option(gr, gr.Name+"(整个网格)"))
			}
			buildings, err := h.Org.Descendants(ctx, gr.ID, orgtree.LevelBuilding)
			if err != nil {
				return nil, err
			}
			orgtree.Sort(buildings)
			for _, b := range buildings {
				if sc.Contains(web.UnitPlace(b)) {
					g.Options = append(g.Options, option(b, b.Name))
				}
			}
			if len(g.Options) > 0 {
				out = append(out, g)
			}
		}
		if sc.Contains(web.UnitPlace(c)) {
			out = append([]optGroup{{Label: c.Name, Options: []web.Option{option(c, c.Name+"(不限网格)")}}}, out...)
		}
	}
	return out, nil
}

func (h *handler) allCommunities(ctx context.Context) ([]orgtree.Unit, error) {
	roots, err := h.Org.Roots(ctx)
	if err != nil {
		return nil, err
	}
	var out []orgtree.Unit
	for _, root := range roots {
		cs, err := h.Org.Descendants(ctx, root.ID, orgtree.LevelCommunity)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// communityUnits lists the grids and buildings of a community, for 改地点.
func (h *handler) communityUnits(ctx context.Context, community int64) ([]web.Option, error) {
	units, err := h.Org.Descendants(ctx, community, "")
	if err != nil {
		return nil, err
	}
	c, err := h.Org.Get(ctx, community)
	if err != nil {
		return nil, err
	}
	out := []web.Option{{Value: strconv.FormatInt(c.ID, 10), Label: c.Name + "(社区)"}}
	for _, u := range units {
		if u.Level == orgtree.LevelGrid || u.Level == orgtree.LevelBuilding {
			out = append(out, web.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
		}
	}
	return out, nil
}

// departmentOptions lists the departments by name.
func departmentOptions(depts map[string]string) []web.Option {
	codes := make([]string, 0, len(depts))
	for k := range depts {
		codes = append(codes, k)
	}
	sort.Slice(codes, func(i, j int) bool { return depts[codes[i]] < depts[codes[j]] })
	out := make([]web.Option, 0, len(codes))
	for _, c := range codes {
		out = append(out, web.Option{Value: c, Label: depts[c]})
	}
	return out
}

// options lists codes with their names, in the order given.
func options(codes []string, names map[string]string) []web.Option {
	out := make([]web.Option, 0, len(codes))
	for _, c := range codes {
		out = append(out, web.Option{Value: c, Label: names[c]})
	}
	return out
}
