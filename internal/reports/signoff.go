package reports

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/indicators"
	"shequ/internal/orgtree"
)

// SignOff is a community's confirmation (确认) of a period's report, with
// the values as they were confirmed. Later changes to the register, to the
// definitions or to manual values do not change it: a recomputation shows
// them as differences until the community confirms again.
type SignOff struct {
	CommunityID int64        `json:"community_id"`
	ID          int64        `json:"id"`
	TemplateID  int64        `json:"template_id"`
	Period      string       `json:"period"`
	SignedBy    string       `json:"signed_by"`
	SignedByID  int64        `json:"signed_by_id,omitempty"`
	SignedAt    string       `json:"signed_at"`
	Note        string       `json:"note,omitempty"`
	RevokedAt   string       `json:"revoked_at,omitempty"`
	RevokedBy   string       `json:"revoked_by,omitempty"`
	Items       []SignedItem `json:"items"`
}

// SignedItem is one item's value as confirmed; Value nil when the item had
// no value (not due, not entered).
type SignedItem struct {
	Item      int64    `json:"item"`
	Indicator string   `json:"indicator"`
	Value     *float64 `json:"value"`
	Manual    bool     `json:"manual,omitempty"`
}

// ErrNotCommunity is returned when a sign-off is asked for a unit that is
// not a community.
var ErrNotCommunity = fault.New(fault.Forbidden, "只有社区可以确认报表")

func snapshotOf(rows []*Row) []SignedItem {
	out := make([]SignedItem, 0, len(rows))
	for _, r := range rows {
		si := SignedItem{Item: r.Item.ID, Indicator: r.Indicator, Manual: r.Manual}
		if r.Due && r.Known {
			v := r.Value
			si.Value = &v
		}
		out = append(out, si)
	}
	return out
}

// compare marks the rows whose value differs from the confirmed one and
// returns them.
func (so *SignOff) compare(rows []*Row) []*Row {
	byItem := map[int64]SignedItem{}
	for _, si := range so.Items {
		byItem[si.Item] = si
	}
	var diffs []*Row
	for _, r := range rows {
		si, ok := byItem[r.Item.ID]
		if !ok {
			r.Changed = true // an item added since
			diffs = append(diffs, r)
			continue
		}
		if si.Value != nil {
			r.Confirmed, r.HasConfirmed = *si.Value, true
		}
		now := r.Due && r.Known
		if now != (si.Value != nil) || (now && !same(r.Value, *si.Value)) {
			r.Changed = true
			diffs = append(diffs, r)
		}
	}
	return diffs
}

func same(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(a)) }

const signOffColumns = `community_id, id, template_id, period, snapshot, signed_by, COALESCE(signed_by_id, 0),
	signed_at, note, COALESCE(revoked_at, ''), revoked_by`

func scanSignOff(row interface{ Scan(...any) error }) (*SignOff, error) {
	so := &SignOff{}
	var snap string
	if err := row.Scan(&so.CommunityID, &so.ID, &so.TemplateID, &so.Period, &snap, &so.SignedBy, &so.SignedByID,
		&so.SignedAt, &so.Note, &so.RevokedAt, &so.RevokedBy); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(snap), &so.Items); err != nil {
		return nil, fmt.Errorf("sign-off %d: %w", so.ID, err)
	}
	return so, nil
}

func (s *Service) currentSignOff(ctx context.Context, templateID, community int64, p indicators.Period) (*SignOff, error) {
	so, err := scanSignOff(s.db.QueryRowContext(ctx, `SELECT `+signOffColumns+` FROM report_signoffs
		WHERE community_id = $1 AND template_id = $2 AND period = $3 AND revoked_at IS NULL
		ORDER BY signed_at DESC, id DESC LIMIT 1`, community, templateID, p.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return so, err
}

// SignOffs lists a community's confirmations of a template for a period,
// newest first (revoked ones too).
func (s *Service) SignOffs(ctx context.Context, templateID, community int64, p indicators.Period) ([]*SignOff, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+signOffColumns+` FROM report_signoffs
		WHERE community_id = $1 AND template_id = $2 AND period = $3 ORDER BY signed_at DESC, id DESC`,
		community, templateID, p.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*SignOff
	for rows.Next() {
		so, err := scanSignOff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, so)
	}
	return out, rows.Err()
}

// Sign confirms a community's report for a period: the report is computed
// afresh and its values stored. A previous confirmation of the same period
// is revoked (kept as history). The caller checks the user may sign for
// the community.
func (s *Service) Sign(ctx context.Context, by string, byID int64, templateID string, community int64, p indicators.Period, note string) (*SignOff, error) {
	u, err := s.org.Get(ctx, community)
	if err != nil {
		return nil, err
	}
	if u.Level != orgtree.LevelCommunity {
		return nil, ErrNotCommunity
	}
	if len([]rune(note)) > 500 {
		return nil, fmt.Errorf("说明不能超过 500 字")
	}
	r, err := s.Compute(ctx, templateID, community, p, Options{})
	if err != nil {
		return nil, err
	}
	if err := unentered(r.Rows); err != nil {
		return nil, err
	}
	snap, err := json.Marshal(snapshotOf(r.Rows))
	if err != nil {
		return nil, err
	}
	now := database.FormatTime(s.now())
	so := &SignOff{CommunityID: community, ID: database.NewID(), TemplateID: r.Template.ID, Period: p.String(),
		SignedBy: by, SignedByID: byID, SignedAt: now, Note: strings.TrimSpace(note), Items: snapshotOf(r.Rows)}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE report_signoffs SET revoked_at = $1, revoked_by = $2
			WHERE community_id = $3 AND template_id = $4 AND period = $5 AND revoked_at IS NULL`,
			now, by, community, r.Template.ID, p.String()); err != nil {
			return err
		}
		var byIDArg any
		if byID != 0 {
			byIDArg = byID
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO report_signoffs (community_id, id, template_id, period, snapshot,
			signed_by, signed_by_id, signed_at, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			community, so.ID, r.Template.ID, p.String(), string(snap), by, byIDArg, now, so.Note)
		return err
	})
	if err != nil {
		return nil, err
	}
	return so, nil
}

// None is the note of a manual value marked 无: nothing of the kind
// happened in the period. Its value is 0.
const None = "无"

// unentered refuses a sign-off while manual items due are left empty: an
// empty item is not a zero, so each must be entered or marked 无. The
// error names each at its field (manual.<indicator code>), in Chinese,
// and lists them all under "manual".
func unentered(rows []*Row) error {
	fe := fault.Fields{}
	var names []string
	for _, r := range rows {
		if r.Manual && r.Due && !r.Known {
			fe["manual."+r.Indicator] = "「" + r.Label + "」未填报:请填写数值,本期没有发生的请标记「无」"
			names = append(names, "「"+r.Label+"」")
		}
	}
	if len(names) == 0 {
		return nil
	}
	fe["manual"] = fmt.Sprintf("还有 %d 个手工项未填报,不能确认:%s。请填写数值,本期没有发生的标记「无」", len(names), strings.Join(names, "、"))
	return fe
}

// Revoke withdraws a community's confirmation of a period.
func (s *Service) Revoke(ctx context.Context, by string, templateID, community int64, p indicators.Period) error {
	res, err := s.db.ExecContext(ctx, `UPDATE report_signoffs SET revoked_at = $1, revoked_by = $2
		WHERE community_id = $3 AND template_id = $4 AND period = $5 AND revoked_at IS NULL`,
		database.FormatTime(s.now()), by, community, templateID, p.String())
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// CommunityStatus is one community's sign-off as a street sees it.
type CommunityStatus struct {
	Unit    indicators.Unit
	SignOff *SignOff
	// Changed counts the items whose value now differs from the confirmed.
	Changed int
}

// Overview lists the communities below a unit with their confirmation of a
// period's report and how many items changed since, from one computation
// of the unit.
func (s *Service) Overview(ctx context.Context, templateID string, unitID int64, p indicators.Period) (*Report, []CommunityStatus, error) {
	r, err := s.Compute(ctx, templateID, unitID, p, Options{})
	if err != nil {
		return nil, nil, err
	}
	var communities []int64
	for _, u := range r.Units {
		if u.Level == orgtree.LevelCommunity {
			communities = append(communities, u.ID)
		}
	}
	manual, err := s.manualValues(ctx, communities, p.String())
	if err != nil {
		return nil, nil, err
	}
	var out []CommunityStatus
	for i, u := range r.Units {
		if u.Level != orgtree.LevelCommunity {
			continue
		}
		st := CommunityStatus{Unit: u}
		so, err := s.currentSignOff(ctx, r.Template.ID, u.ID, p)
		if err != nil {
			return nil, nil, err
		}
		if so != nil {
			st.SignOff = so
			vals := r.unitValues(i)
			for _, si := range so.Items {
				var now *float64
				if row := r.rowByItem(si.Item); row != nil && row.Due {
					if row.Manual {
						if mv, ok := manual[u.ID][si.Indicator]; ok {
							v := mv.Value
							now = &v
						}
					} else if row.Period == p {
						if v, ok := vals[si.Indicator]; ok && !math.IsNaN(v) {
							now = &v
						}
					} else if si.Value != nil {
						now = si.Value // items of a longer period are not recomputed here
					}
				}
				if (now == nil) != (si.Value == nil) || (now != nil && !same(*now, *si.Value)) {
					st.Changed++
				}
			}
		}
		out = append(out, st)
	}
	return r, out, nil
}

func (r *Report) rowByItem(id int64) *Row {
	for _, row := range r.Rows {
		if row.Item.ID == id {
			return row
		}
	}
	return nil
}
