package partymembers

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
)

// Sending the employers' cards. The card is made on demand, as often as
// anyone asks; what the community owes each employer is one card a
// quarter and one evaluation a year, so the first card the community's
// own staff produce after the period ended is its sending (送达), kept in
// party_cards_sent. Later downloads are re-prints; a card of a period not
// yet over is a preview (its figures would still grow); a download by
// someone who only reads (the street looking over the community's
// shoulder) sends nothing. The sendings are staff's work the burden
// dashboard counts (DoneByMonth) and what /party-service shows as sent.

// CardFile is an employer's card as the document staff download.
type CardFile struct {
	Card
	Format string // pdf, xlsx
	Body   []byte
	// Sent: this download was the card's sending, recorded now.
	Sent bool
}

// SendCard makes an employer's card of a period (a quarter or a year) in
// a community as PDF or xlsx ("" is PDF) and, when it is the card's first
// production by the community's staff (by.Scope: their party.manage
// grants) after the period ended, records it as sent.
func (s *Service) SendCard(ctx context.Context, by Staff, community int64, employer, period, format string) (CardFile, error) {
	if format == "" {
		format = "pdf"
	}
	if format != "pdf" && format != "xlsx" {
		return CardFile{}, fault.Fields{"format": "格式应为 pdf 或 xlsx"}
	}
	c, err := s.Card(ctx, community, employer, period)
	if err != nil {
		return CardFile{}, err
	}
	f := CardFile{Card: c, Format: format}
	if format == "xlsx" {
		var buf bytes.Buffer
		if err := c.XLSX(&buf); err != nil {
			return f, err
		}
		f.Body = buf.Bytes()
	} else if f.Body, err = c.PDF(); err != nil {
		return f, err
	}
	// Recorded once the document exists: a card that failed to render
	// was not sent.
	today := s.today()
	if today <= c.To || !by.Scope.Contains(access.Place{Community: community, Org: community}) {
		return f, nil
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO party_cards_sent (community_id, employer, period, yearly, members, format,
		sent_on, sent_at, sent_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (community_id, employer, period) DO NOTHING`,
		community, c.Employer, c.Code, boolInt(c.Yearly), len(c.Figures.People), format, today,
		database.FormatTime(s.now()), by.Name)
	if err != nil {
		return f, err
	}
	n, _ := res.RowsAffected()
	f.Sent = n == 1
	return f, nil
}

// periodCode is a period's code as the sendings record it: 2026Q3, 2026.
func periodCode(from string, yearly bool) string {
	if yearly {
		return from[:4]
	}
	m, _ := strconv.Atoi(from[5:7])
	return from[:4] + "Q" + strconv.Itoa((m+2)/3)
}

// LastQuarter is the last quarter over by today (2026Q2 on 2026-07-01):
// the one whose cards are due.
func (s *Service) LastQuarter() string {
	t, _ := time.Parse(dayLayout, s.today())
	first := time.Date(t.Year(), time.Month(3*((int(t.Month())-1)/3)+1), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -3, 0)
	return periodCode(first.Format(dayLayout), false)
}

// CardState is whether a community sent an employer its card of a
// period.
type CardState struct {
	CommunityID int64  `json:"community_id"`
	Community   string `json:"community"`
	Employer    string `json:"employer"`
	Members     int    `json:"members"` // registered at some time in the period: those the card lists
	SentOn      string `json:"sent_on,omitempty"`
	SentBy      string `json:"sent_by,omitempty"`
}

// Sent reports whether the card went out.
func (c CardState) Sent() bool { return c.SentOn != "" }

// CardsDue lists, in the communities, every employer with a member
// registered at some time in the period (those a card can be made for,
// as Figures counts them) and whether its card of the period was sent,
// by community and employer; sent counts those sent.
func (s *Service) CardsDue(ctx context.Context, communities []int64, period string) (due []CardState, sent int, err error) {
	from, to, _, yearly, err := Period(period)
	if err != nil || len(communities) == 0 {
		return nil, 0, err
	}
	a := s.db.Args(to, from, periodCode(from, yearly))
	rows, err := s.db.QueryContext(ctx, `SELECT m.community_id, o.name, m.employer, COUNT(*), COALESCE(MIN(c.sent_on), ''),
		COALESCE(MIN(c.sent_by), '') FROM party_members m JOIN org_units o ON o.id = m.community_id
		LEFT JOIN party_cards_sent c ON c.community_id = m.community_id AND c.employer = m.employer AND c.period = $3
		WHERE m.reported_on <= $1 AND (m.status = 'active' OR m.left_on >= $2) AND `+a.In("m.community_id", database.AnyOf(communities)...)+`
		GROUP BY m.community_id, o.name, m.employer`, a.Values()...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var c CardState
		if err := rows.Scan(&c.CommunityID, &c.Community, &c.Employer, &c.Members, &c.SentOn, &c.SentBy); err != nil {
			return nil, 0, err
		}
		if c.Sent() {
			sent++
		}
		due = append(due, c)
	}
	// Sorted here: the engines collate Chinese differently.
	slices.SortFunc(due, func(x, y CardState) int {
		return cmp.Or(strings.Compare(x.Community, y.Community), cmp.Compare(x.CommunityID, y.CommunityID),
			strings.Compare(x.Employer, y.Employer))
	})
	return due, sent, rows.Err()
}
