package services

import (
	"context"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/indicators"
)

// Certificates as an entity of report indicators: 证明, counted from the
// day each was issued (Beijing time), where its holder lived — so 开具证明件数
// is computed (证明 | 全部 | 计数 | 期内新增), not typed. A revoked
// certificate was still issued: 已撤销 tells it apart, as of each day.
type certificateEntity struct {
	ent                       *indicators.Entity
	template, revoked, linked *indicators.Field
}

func newCertificateEntity(ctx context.Context, db *database.DB) (*certificateEntity, error) {
	var templates []indicators.Value
	rows, err := db.QueryContext(ctx, `SELECT code, name FROM certificate_templates ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var v indicators.Value
		if err := rows.Scan(&v.Code, &v.Name); err != nil {
			rows.Close()
			return nil, err
		}
		templates = append(templates, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	c := &certificateEntity{}
	c.template = &indicators.Field{Name: "template", Label: "证明类型", Kind: indicators.Enum, Values: templates}
	c.revoked = &indicators.Field{Name: "revoked", Label: "已撤销", Kind: indicators.Bool, Note: "当日结束时已撤销"}
	c.linked = &indicators.Field{Name: "linked", Label: "随办件出具", Kind: indicators.Bool, Note: "为大厅的办件出具"}
	c.ent = &indicators.Entity{Name: "certificate", Label: "证明", Unit: "件",
		Note:   "社区出具的证明,自出具之日起计,按持证人所在的社区、网格统计;撤销的证明仍计为已出具",
		Fields: []*indicators.Field{c.template, c.revoked, c.linked}}
	return c, nil
}

// scan emits the certificates of a community issued by the end of the
// period: absent at the start when issued within it.
func (c *certificateEntity) scan(ctx context.Context, db *database.DB, req indicators.ScanRequest,
	emit func(*indicators.Entity, *indicators.Record)) error {
	startCut, endCut := cutoffs(req.Period)
	rows, err := db.QueryContext(ctx, `SELECT id, COALESCE(grid_id, 0), org_id, template, status, revoked_at,
			CASE WHEN application_id IS NULL THEN 0 ELSE 1 END, issued_at
		FROM certificates WHERE community_id = $1 AND issued_at < $2`, req.Community, endCut)
	if err != nil {
		return err
	}
	defer rows.Close()
	startV, endV := indicators.NewValues(c.ent), indicators.NewValues(c.ent)
	var rec indicators.Record
	for rows.Next() {
		var tpl, status, revokedAt, issuedAt string
		var linked int
		if err := rows.Scan(&rec.ID, &rec.Place.Grid, &rec.Place.Org, &tpl, &status, &revokedAt, &linked, &issuedAt); err != nil {
			return err
		}
		rec.Place.Community = req.Community
		revokedBy := func(cut string) int32 {
			return int32(boolInt(status == "revoked" && revokedAt != "" && revokedAt < cut))
		}
		endV.Enum[c.template.Slot()] = int32(c.template.CodeIndex(tpl))
		endV.Enum[c.linked.Slot()] = int32(linked)
		endV.Enum[c.revoked.Slot()] = revokedBy(endCut)
		rec.Start, rec.End, rec.During = nil, endV, endV
		if issuedAt < startCut {
			startV.CopyFrom(endV)
			startV.Enum[c.revoked.Slot()] = revokedBy(startCut)
			rec.Start = startV
		}
		emit(c.ent, &rec)
	}
	return rows.Err()
}

func (c *certificateEntity) columns() []indicators.Column {
	return []indicators.Column{{Label: "证明编号", Kind: "text"}, {Label: "证明类型", Kind: "text"},
		{Label: "出具日期", Kind: "text"}, {Label: "状态", Kind: "text"}}
}

// describe lists certificates by id without their holders: the ledger is
// for viewers who hold reports.read.
func (c *certificateEntity) describe(ctx context.Context, db *database.DB, p indicators.Period, community int64, ids []int64) ([]indicators.LedgerRow, error) {
	_, endCut := cutoffs(p)
	var out []indicators.LedgerRow
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 400)]
		ids = ids[len(chunk):]
		a := db.Args(community)
		rows, err := db.QueryContext(ctx, `SELECT id, COALESCE(grid_id, 0), org_id, number, title, issued_at, status, revoked_at
			FROM certificates WHERE community_id = $1 AND `+a.In("id", database.AnyOf(chunk)...)+` ORDER BY issued_at, id`,
			a.Values()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r := indicators.LedgerRow{Place: access.Place{Community: community}}
			var number, title, issuedAt, status, revokedAt string
			if err := rows.Scan(&r.ID, &r.Place.Grid, &r.Place.Org, &number, &title, &issuedAt, &status, &revokedAt); err != nil {
				rows.Close()
				return nil, err
			}
			state := "有效"
			if status == "revoked" && revokedAt != "" && revokedAt < endCut {
				state = "已撤销"
			}
			r.Cells = []string{number, title, dateOf(database.ParseTime(issuedAt)), state}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
