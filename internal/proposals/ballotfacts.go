package proposals

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// A vote needs of its matter only what OpenVoting fixes: scope, unit,
// buildings, the period and the ballot salt. Nothing changes them while
// the matter is in voting (it leaves voting only by a decision after
// closes_at, and no route edits a matter's buildings), so each process
// keeps them for a matter it has seen in voting and a vote reads no row of
// the matter before its transaction. That the matter is still in voting
// is checked by the ballot's own INSERT (Vote), not by these copies, so a
// decision taken on another server is never voted past.

// ballotFacts is what a vote reads of its matter.
type ballotFacts struct {
	m    Matter // without counts
	salt string
}

type ballotFactsCache struct {
	mu sync.Mutex
	m  map[liveKey]*ballotFacts
}

// maxBallotFacts bounds the matters kept; matters in voting at once are few.
const maxBallotFacts = 1000

// ballotFacts returns the voting facts of a matter: kept ones while it is
// in voting, else read (and kept if in voting).
func (s *Service) ballotFacts(ctx context.Context, community, id int64) (*ballotFacts, error) {
	k := liveKey{community, id}
	s.facts.mu.Lock()
	f := s.facts.m[k]
	s.facts.mu.Unlock()
	if f != nil {
		return f, nil
	}
	f = &ballotFacts{}
	var err error
	f.m, err = scanMatter(s.db.QueryRowContext(ctx, `SELECT `+matterColumns+`, ballot_salt FROM proposals
		WHERE community_id = $1 AND id = $2`, community, id), &f.salt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if f.m.Buildings, err = s.buildings(ctx, community, id); err != nil {
		return nil, err
	}
	f.m.Body = "" // a vote does not need it; a thousand kept matters stay small
	if f.m.Status != Voting {
		return f, nil
	}
	s.facts.mu.Lock()
	defer s.facts.mu.Unlock()
	if s.facts.m == nil || len(s.facts.m) >= maxBallotFacts {
		s.facts.m = map[liveKey]*ballotFacts{}
	}
	s.facts.m[k] = f
	return f, nil
}
