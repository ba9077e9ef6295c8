// Package archive assembles a household's archive (户档案): the page that
// gathers, besides the register's own members, house and tags, what every
// other capability holds about the household — service applications and
// certificates, events, visits.
//
// A capability contributes by registering a Contributor on the Registry
// the server builds (one per server, not a global):
//
//	reg.Add("events", "事件", 30, func(ctx context.Context, v *access.Viewer, h archive.Household) (archive.Section, error) {
//		// list the household's events that v may see (filter with
//		// v.Scope(yourPerm), return an empty Section when it sees none)
//	})
//
// The archive page calls every contributor in sort order with the viewer
// and the household (its ids, place and member ids) and shows each
// non-empty Section as a list of Entries. A contributor must apply the
// viewer's scope itself and must not put into Title or Detail anything the
// viewer's role may not see; a failing contributor fails the page (an
// archive with a silently missing part would mislead).
package archive

import (
	"context"
	"sort"
	"sync"

	"shequ/internal/access"
)

// Household names the household an archive is built for.
type Household struct {
	CommunityID int64
	ID          int64
	Place       access.Place
	Members     []int64 // person ids, head first
}

// Entry is one line of a section: a dated item with a link to its page.
type Entry struct {
	Date   string `json:"date"`   // YYYY-MM-DD
	Title  string `json:"title"`  // what it is: 城乡低保申请, 居住证明 …
	Detail string `json:"detail"` // who and how far: 李建国 · 街道审核中
	Status string `json:"status"` // short state label
	Alert  bool   `json:"alert"`  // needs attention (overdue, unresolved)
	Link   string `json:"link"`   // path of the item's page, "" for none
}

// Section is one capability's part of the archive.
type Section struct {
	Key     string  `json:"key"`
	Title   string  `json:"title"`
	Entries []Entry `json:"entries"`
	More    bool    `json:"more"` // there are more than shown
}

// Contributor returns a capability's section of a household's archive.
type Contributor func(ctx context.Context, v *access.Viewer, h Household) (Section, error)

type contributor struct {
	key, title string
	sort       int
	fn         Contributor
}

// Registry holds the contributors.
type Registry struct {
	mu   sync.Mutex
	list []contributor
}

// Add registers a contributor under key (replacing one of the same key),
// shown under title in sort order.
func (r *Registry) Add(key, title string, order int, fn Contributor) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.list {
		if r.list[i].key == key {
			r.list[i] = contributor{key, title, order, fn}
			return
		}
	}
	r.list = append(r.list, contributor{key, title, order, fn})
	sort.SliceStable(r.list, func(i, j int) bool { return r.list[i].sort < r.list[j].sort })
}

// Keys lists the registered contributors' keys in order.
func (r *Registry) Keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.list))
	for i, c := range r.list {
		out[i] = c.key
	}
	return out
}

// Sections builds every contributor's section for the household, in order;
// empty sections are left out.
func (r *Registry) Sections(ctx context.Context, v *access.Viewer, h Household) ([]Section, error) {
	r.mu.Lock()
	list := append([]contributor(nil), r.list...)
	r.mu.Unlock()
	var out []Section
	for _, c := range list {
		s, err := c.fn(ctx, v, h)
		if err != nil {
			return nil, err
		}
		if len(s.Entries) == 0 {
			continue
		}
		s.Key = c.key
		if s.Title == "" {
			s.Title = c.title
		}
		out = append(out, s)
	}
	return out, nil
}
