package proposals

import (
	"context"
	"sync"
	"time"
)

// While a matter is being voted on, every vote answers with the matter's
// page and its counts, and counting the tally reads every vote cast so
// far: a vote's cost would grow with the votes before it (17,000 adults in
// 城北 made the last votes a hundred times dearer than the first). So the
// counts of a matter in voting are counted at most once a LiveCountsFor,
// and each vote this process records adds itself: a resident sees their
// own vote counted at once, another server's within LiveCountsFor. Closed
// matters, lists and decisions count the tally itself.

// LiveCountsFor is how long the counts of a matter in voting are kept.
const LiveCountsFor = time.Second

type liveKey struct{ community, id int64 }

type liveEntry struct {
	at               time.Time
	yes, no, abstain int
	counting         bool // one request recounts; the others meanwhile show these
}

type liveCounts struct {
	mu sync.Mutex
	m  map[liveKey]*liveEntry
}

// countsLive fills m's counts from the kept ones, counting the tally when
// they are older than LiveCountsFor.
func (s *Service) countsLive(ctx context.Context, m *Matter) error {
	k, now := liveKey{m.CommunityID, m.ID}, s.now()
	s.live.mu.Lock()
	e := s.live.m[k]
	if e != nil && (e.counting || now.Sub(e.at) < LiveCountsFor && !now.Before(e.at)) {
		m.VotesFor, m.VotesAgainst, m.VotesAbstain = e.yes, e.no, e.abstain
		s.live.mu.Unlock()
		return nil
	}
	// When the kept counts expire, the pages open at that moment would
	// all count the whole tally at once; one does.
	if e != nil {
		e.counting = true
	}
	s.live.mu.Unlock()
	ms := []Matter{*m}
	if err := s.counts(ctx, m.CommunityID, ms); err != nil {
		if e != nil {
			s.live.mu.Lock()
			e.counting = false
			s.live.mu.Unlock()
		}
		return err
	}
	m.VotesFor, m.VotesAgainst, m.VotesAbstain = ms[0].VotesFor, ms[0].VotesAgainst, ms[0].VotesAbstain
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	if s.live.m == nil || len(s.live.m) > 1000 { // matters voted on at once are few: forget the old
		s.live.m = map[liveKey]*liveEntry{}
	}
	s.live.m[k] = &liveEntry{at: now, yes: m.VotesFor, no: m.VotesAgainst, abstain: m.VotesAbstain}
	return nil
}

// countVote adds a vote just recorded to the kept counts.
func (s *Service) countVote(community, id int64, choice string) {
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	e := s.live.m[liveKey{community, id}]
	if e == nil {
		return
	}
	switch choice {
	case For:
		e.yes++
	case Against:
		e.no++
	case Abstain:
		e.abstain++
	}
}
