package events

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
)

// What outside clients (Open311) may read and create.

// ReportFromClient records a report an outside application sends for a
// resident with its API key (v must hold events.report at the place), and
// returns the event and a token the client can later exchange for the
// event's id.
func (s *Store) ReportFromClient(ctx context.Context, v *access.Viewer, r Report) (*Event, error) {
	b := make([]byte, 12)
	rand.Read(b)
	r.Source, r.open311Token, r.Level, r.unplacedOK = SourceOpen311, hex.EncodeToString(b), "", true
	return s.report(ctx, v, r, true)
}

// GetByToken returns the event a client's token names.
func (s *Store) GetByToken(ctx context.Context, token string) (*Event, error) {
	if token == "" || len(token) > 64 {
		return nil, ErrNotFound
	}
	e, err := scanEvent(s.db.QueryRowContext(ctx, `SELECT `+eventCols+` FROM events e WHERE e.open311_token = $1`, token))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return e, err
}

// FeedQuery selects events for an outside client.
type FeedQuery struct {
	IDs        []int64  // these events only
	Categories []string // of these 小类
	Open       *bool    // open (true) or final (false)
	From, To   time.Time
	Unit       int64
	Limit      int
	Offset     int
}

// Feed lists events for an outside client, newest first, with the total.
// With a viewer that reads events it is what that viewer sees; without one
// (nil) it is the public feed: reports residents made themselves (through
// the public page or Open311) in public categories that are not disputes.
func (s *Store) Feed(ctx context.Context, v *access.Viewer, fq FeedQuery) ([]*Event, int, error) {
	var b *q
	var err error
	if v != nil && v.Can(PermRead) {
		b, err = s.filterSQL(ctx, v, Filter{Unit: fq.Unit, From: fq.From, To: fq.To}, s.now())
	} else {
		b, err = s.filterSQL(ctx, access.System, Filter{Unit: fq.Unit, From: fq.From, To: fq.To}, s.now())
		if err == nil {
			b.add("e.source IN (?, ?)", SourceResident, SourceOpen311)
			b.where = append(b.where, `e.category IN (SELECT c.code FROM event_categories c WHERE c.public = 1 AND c.kind <> 'dispute')`)
		}
	}
	if err != nil {
		return nil, 0, err
	}
	if len(fq.IDs) > 0 {
		b.where = append(b.where, b.In("e.id", database.AnyOf(fq.IDs)...))
	}
	if len(fq.Categories) > 0 {
		b.where = append(b.where, b.in("e.category", fq.Categories))
	}
	if fq.Open != nil {
		if *fq.Open {
			b.where = append(b.where, b.in("e.status", OpenStatuses))
		} else {
			b.where = append(b.where, b.NotIn("e.status", database.AnyOf(OpenStatuses)...))
		}
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM events e WHERE 1 = 1`+b.sql(), b.Values()...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if fq.Limit <= 0 || fq.Limit > 1000 {
		fq.Limit = 50
	}
	list, err := s.scanList(ctx, `SELECT `+eventCols+` FROM events e WHERE 1 = 1`+b.sql()+
		` ORDER BY e.created_at DESC, e.id DESC LIMIT `+strconv.Itoa(fq.Limit)+` OFFSET `+strconv.Itoa(max(0, fq.Offset)), b.Values()...)
	return list, total, err
}
