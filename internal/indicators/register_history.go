package indicators

import (
	"context"

	"shequ/internal/database"
	"shequ/internal/register"
)

// The register's past is in its change events: every write appended an
// event with the row as it stood afterwards. A record nobody touched since
// the period began stood then as it stands now, so the live tables give
// the states of almost every record; only the records with events after
// the day before the period began are looked up in the history. When no
// event after that day changed anything but creations (the common case),
// not even a snapshot has to be read.
//
// A record whose unit moved into another community has events in both:
// the old one's end with its transfer out, the new one's begin with its
// transfer in. A period's report counts it in the community it lay in at
// the period's end (as it rolls the tree up as it stood then), from its
// start: there its transfer in reads as an update, its state at the start
// taken from the old community's events; the old community leaves it out.

type event struct {
	id   int64
	at   string
	op   string
	snap string
}

// history is one record's events after the day before the period (by id,
// oldest first), and its last event up to that day when needed.
type history struct {
	events []event
	before *event
	// gone: the record left the community by the period's end (its last
	// event up to then is its transfer out), so the period is not its.
	gone bool
	// fresh: the record was not in the community before its first event
	// here: created, or transferred in after the period.
	fresh bool
}

// leaves reports whether an event ends the record in its community.
func leaves(op string) bool { return op == "delete" || op == register.OpTransferOut }

// histories are the changed records of one community, by entity and id.
type histories map[string]map[int64]*history

func (h histories) of(entity string, id int64) *history { return h[entity][id] }

// loadHistories reads the events of the community after the day before p
// for the entities given, and the snapshots needed to know each changed
// record's state at the start and the end of p.
func loadHistories(ctx context.Context, db *database.DB, community int64, p Period, entities []string) (histories, error) {
	out := histories{}
	if len(entities) == 0 {
		return out, nil
	}
	startAt := database.EndOfDay(p.Before())
	endAt := database.EndOfDay(p.End())
	for _, e := range entities {
		out[e] = map[int64]*history{}
	}
	q := db.Args()
	rows, err := db.QueryContext(ctx, `SELECT entity, entity_id, id, at, op FROM change_events
		WHERE community_id = `+q.Arg(community)+` AND `+q.In("entity", database.AnyOf(entities)...)+
		` AND at > `+q.Arg(startAt), q.Values()...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var e string
		var id int64
		var ev event
		if err := rows.Scan(&e, &id, &ev.id, &ev.at, &ev.op); err != nil {
			rows.Close()
			return nil, err
		}
		h := out[e][id]
		if h == nil {
			h = &history{}
			out[e][id] = h
		}
		h.events = append(h.events, ev)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Which snapshots are needed: the last event up to the day before for
	// records that existed then; the last event up to the end for records
	// changed after it.
	needBefore := map[string][]int64{}
	var needIDs []int64
	for e, m := range out {
		for id, h := range m {
			sortEvents(h.events)
			first := h.events[0]
			h.fresh = first.op == "create" || (first.op == register.OpTransferIn && first.at > endAt)
			if i := h.lastUpTo(endAt); i >= 0 && h.events[i].op == register.OpTransferOut {
				h.gone = true
				continue
			}
			if !h.fresh {
				needBefore[e] = append(needBefore[e], id)
			}
			if h.events[len(h.events)-1].at > endAt || leaves(h.events[len(h.events)-1].op) {
				// The state at the end is the last event up to it, if any.
				if i := h.lastUpTo(endAt); i >= 0 {
					if j := h.lastLiveUpTo(endAt); j >= 0 {
						needIDs = append(needIDs, h.events[j].id)
					}
				}
			}
		}
	}
	for e, ids := range needBefore {
		for _, chunk := range chunks(ids, 400) {
			q := db.Args()
			rows, err := db.QueryContext(ctx, `SELECT entity_id, id, at, op, snapshot FROM change_events
				WHERE entity = `+q.Arg(e)+` AND `+q.In("entity_id", database.AnyOf(chunk)...)+` AND at <= `+q.Arg(startAt),
				q.Values()...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var id int64
				var ev event
				if err := rows.Scan(&id, &ev.id, &ev.at, &ev.op, &ev.snap); err != nil {
					rows.Close()
					return nil, err
				}
				h := out[e][id]
				if h.before == nil || ev.id > h.before.id {
					evc := ev
					h.before = &evc
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	if len(needIDs) > 0 {
		snaps := map[int64]string{}
		for _, chunk := range chunks(needIDs, 400) {
			q := db.Args(community)
			rows, err := db.QueryContext(ctx, `SELECT id, snapshot FROM change_events
				WHERE community_id = $1 AND `+q.In("id", database.AnyOf(chunk)...), q.Values()...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var id int64
				var s string
				if err := rows.Scan(&id, &s); err != nil {
					rows.Close()
					return nil, err
				}
				snaps[id] = s
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
		for _, m := range out {
			for _, h := range m {
				for i := range h.events {
					if s, ok := snaps[h.events[i].id]; ok {
						h.events[i].snap = s
					}
				}
			}
		}
	}
	return out, nil
}

func sortEvents(evs []event) {
	for i := 1; i < len(evs); i++ {
		for j := i; j > 0 && evs[j].id < evs[j-1].id; j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
}

// lastUpTo is the index of the last event at or before at, -1 if none.
func (h *history) lastUpTo(at string) int {
	for i := len(h.events) - 1; i >= 0; i-- {
		if h.events[i].at <= at {
			return i
		}
	}
	return -1
}

// lastLiveUpTo is the index of the last event up to at that left the
// record existing (not a delete), -1 if none.
func (h *history) lastLiveUpTo(at string) int {
	for i := len(h.events) - 1; i >= 0; i-- {
		if h.events[i].at <= at && !leaves(h.events[i].op) {
			return i
		}
	}
	return -1
}

// existedBefore reports whether the record existed at the end of the day
// before the period, and its snapshot then.
func (h *history) existedBefore() (string, bool) {
	if h.fresh || h.gone {
		return "", false
	}
	if h.before == nil || leaves(h.before.op) || h.before.snap == "" {
		return "", false
	}
	return h.before.snap, true
}

// changedAfter reports whether an event after at changed the record (so
// the live row is not its state at at).
func (h *history) changedAfter(at string) bool {
	return h.events[len(h.events)-1].at > at
}

// stateAt resolves the record at the end of the period: live means the
// live row holds it; otherwise snap is its snapshot, or ok is false when
// it did not exist then.
func (h *history) stateAt(endAt string) (snap string, live, ok bool) {
	if !h.changedAfter(endAt) {
		last := h.events[len(h.events)-1]
		if leaves(last.op) {
			return "", false, false
		}
		return "", true, true
	}
	i := h.lastUpTo(endAt)
	if i < 0 {
		s, ok := h.existedBefore()
		return s, false, ok
	}
	if leaves(h.events[i].op) || h.events[i].snap == "" {
		return "", false, false
	}
	return h.events[i].snap, false, true
}

// duringSnap returns the last state the record had in the period if it
// no longer existed at its end: the snapshot of its last event in the
// period, or its state at the start.
func (h *history) duringSnap(endAt string) (string, bool) {
	if j := h.lastLiveUpTo(endAt); j >= 0 && h.events[j].snap != "" {
		return h.events[j].snap, true
	}
	return h.existedBefore()
}

func chunks(ids []int64, n int) [][]int64 {
	var out [][]int64
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
