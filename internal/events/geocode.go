package events

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"shequ/internal/orgtree"
)

// Placing an address as people write it (Open311's address_string, the
// public form's 具体位置): against the register's buildings — their
// address and their name with the community's or grid's — then grids and
// communities by name. An address that names exactly one place is placed
// there; one that fits several equally well is placed at what they share.

type namedPlace struct {
	id, community, grid int64
	level               string
	name, address       string // normalised
	communityName       string // normalised
	gridName            string // normalised
}

type placeNames struct {
	places []namedPlace
	loaded time.Time
}

func (s *Store) placeNames(ctx context.Context) (*placeNames, error) {
	s.mu.Lock()
	pn := s.placeIdx
	s.mu.Unlock()
	if pn != nil && time.Since(pn.loaded) < 5*time.Minute {
		return pn, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.level, u.name, COALESCE(u.community_id, 0), COALESCE(u.grid_id, 0),
			COALESCE(b.address, ''), COALESCE(c.name, ''), COALESCE(g.name, '')
		FROM org_units u
		LEFT JOIN buildings b ON b.community_id = u.community_id AND b.id = u.id
		LEFT JOIN org_units c ON c.id = u.community_id
		LEFT JOIN org_units g ON g.id = u.grid_id
		WHERE u.level IN ('community', 'grid', 'building') AND u.retired_on IS NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	pn = &placeNames{loaded: time.Now()}
	for rows.Next() {
		var p namedPlace
		if err := rows.Scan(&p.id, &p.level, &p.name, &p.community, &p.grid, &p.address, &p.communityName, &p.gridName); err != nil {
			return nil, err
		}
		p.name, p.address = normalAddress(p.name), normalAddress(p.address)
		p.communityName, p.gridName = normalAddress(p.communityName), normalAddress(p.gridName)
		pn.places = append(pn.places, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.placeIdx = pn
	s.mu.Unlock()
	return pn, nil
}

// normalAddress folds full-width letters and digits to ASCII, lowers
// case and drops spaces and punctuation, so that "幸福路 １２号楼" and
// "幸福路12号楼" are the same address.
func normalAddress(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return r
	}, s)
}

// containsWord reports whether hay holds needle not as part of a longer
// number: "13号楼" does not hold "3号楼".
func containsWord(hay, needle string) bool {
	if needle == "" {
		return false
	}
	first, _ := utf8.DecodeRuneInString(needle)
	last, _ := utf8.DecodeLastRuneInString(needle)
	for from := 0; from <= len(hay)-len(needle); {
		i := strings.Index(hay[from:], needle)
		if i < 0 {
			return false
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(hay[:i])
		after, _ := utf8.DecodeRuneInString(hay[i+len(needle):])
		if !(i > 0 && isDigit(before) && isDigit(first)) && !(i+len(needle) < len(hay) && isDigit(after) && isDigit(last)) {
			return true
		}
		from = i + 1
	}
	return false
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func runes(s string) int { return utf8.RuneCountInString(s) }

// Geocode places an address within a unit (0: anywhere): the id of the
// building, grid or community it names, 0 when it names none.
func (s *Store) Geocode(ctx context.Context, address string, within int64) (int64, error) {
	in := normalAddress(address)
	if runes(in) < 2 {
		return 0, nil
	}
	pn, err := s.placeNames(ctx)
	if err != nil {
		return 0, err
	}
	var communities map[int64]bool
	if within != 0 {
		if communities, err = s.communitiesUnder(ctx, within); err != nil {
			return 0, err
		}
	}
	var best []namedPlace
	top := 0
	for _, p := range pn.places {
		if communities != nil && !communities[p.community] {
			continue
		}
		score := placeScore(p, in, communities != nil && len(communities) == 1)
		switch {
		case score == 0 || score < top:
		case score > top:
			top, best = score, []namedPlace{p}
		default:
			best = append(best, p)
		}
	}
	return shared(best), nil
}

// placeScore is how well the address in names p: 0 not at all, more for
// more of it matched. An exact address outranks any partial one.
func placeScore(p namedPlace, in string, oneCommunity bool) int {
	const exact = 1000
	score := 0
	switch p.level {
	case orgtree.LevelBuilding:
		if p.address != "" && (in == p.address || in == p.communityName+p.address) {
			return exact
		}
		if in == p.communityName+p.name || in == p.communityName+p.gridName+p.name || oneCommunity && in == p.name {
			return exact
		}
		if p.address != "" && containsWord(in, p.address) {
			score = 2 * runes(p.address)
		} else if p.address != "" && runes(in) >= 3 && containsWord(p.address, in) {
			score = runes(in)
		}
		if containsWord(in, p.name) && (containsWord(in, p.communityName) || containsWord(in, p.gridName) || oneCommunity) {
			score = max(score, 2*runes(p.name)+runes(p.communityName))
		}
	case orgtree.LevelGrid:
		if containsWord(in, p.name) && (containsWord(in, p.communityName) || oneCommunity) {
			score = runes(p.name)
		}
	case orgtree.LevelCommunity:
		if containsWord(in, p.name) {
			score = 1
		}
	}
	return score
}

// shared is the one place all of ps lie in: itself when there is one, else
// their common grid or community, 0 when they are in different
// communities.
func shared(ps []namedPlace) int64 {
	if len(ps) == 0 {
		return 0
	}
	if len(ps) == 1 {
		return ps[0].id
	}
	grid, community := ps[0].grid, ps[0].community
	for _, p := range ps[1:] {
		if p.grid != grid {
			grid = 0
		}
		if p.community != community {
			return 0
		}
	}
	if grid != 0 {
		return grid
	}
	return community
}

// communitiesUnder lists the communities within a unit, or the one it lies
// in.
func (s *Store) communitiesUnder(ctx context.Context, unit int64) (map[int64]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id FROM org_closure c JOIN org_units u ON u.id = c.unit_id
		WHERE c.ancestor_id = $1 AND u.level = 'community'
		UNION SELECT community_id FROM org_units WHERE id = $1 AND community_id IS NOT NULL`, unit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// intakeCommunity is where a report no address places goes: the community
// of within, or the first community under it (or in the whole tree), whose
// office and street platform see it in their queues and move it (改地点,
// 转办) once they know where it is.
func (s *Store) intakeCommunity(ctx context.Context, within int64) (int64, error) {
	if within != 0 {
		cs, err := s.communitiesUnder(ctx, within)
		if err != nil {
			return 0, err
		}
		var units []orgtree.Unit
		for id := range cs {
			var u orgtree.Unit
			if err := s.db.QueryRowContext(ctx, `SELECT id, name, sort FROM org_units WHERE id = $1 AND retired_on IS NULL`, id).
				Scan(&u.ID, &u.Name, &u.Sort); err == nil {
				units = append(units, u)
			}
		}
		if len(units) > 0 {
			orgtree.Sort(units)
			return units[0].ID, nil
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, sort FROM org_units WHERE level = 'community' AND retired_on IS NULL`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var units []orgtree.Unit
	for rows.Next() {
		var u orgtree.Unit
		if err := rows.Scan(&u.ID, &u.Name, &u.Sort); err != nil {
			return 0, err
		}
		units = append(units, u)
	}
	if err := rows.Err(); err != nil || len(units) == 0 {
		return 0, err
	}
	orgtree.Sort(units)
	return units[0].ID, nil
}
