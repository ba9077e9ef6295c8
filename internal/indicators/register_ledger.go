package indicators

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/codes"
	"shequ/internal/database"
	"shequ/internal/register"
)

// The ledger (台账) of a value lists its records as they stood at the end of
// the period — or, for records gone by then (期内减少), as they last stood.

var registerColumns = map[string][]Column{
	"person": {
		{"name", "姓名", "text"}, {"gender", "性别", "text"}, {"birth_date", "出生日期", "text"},
		{"id_number", "证件号码", "id"}, {"residence", "人口类别", "text"}, {"ethnicity", "民族", "text"},
		{"address", "现住址", "text"}, {"phone", "联系电话", "phone"}, {"", "网格", "text"}, {"status", "状态", "text"},
	},
	"household": {
		{"number", "户号", "text"}, {"kind", "户类别", "text"}, {"head_id", "户主", "text"},
		{"address", "地址", "text"}, {"phone", "联系电话", "phone"}, {"", "网格", "text"},
	},
	"house": {
		{"address", "地址", "text"}, {"number", "房号", "text"}, {"use", "用途", "text"}, {"area_m2", "面积(平方米)", "text"},
		{"owner_name", "产权人", "text"}, {"owner_phone", "产权人电话", "phone"}, {"", "网格", "text"},
	},
	// Buildings are places, not personal data: shown to everyone who may
	// read the ledger.
	"building": {
		{"", "名称", "text"}, {"", "类型", "text"}, {"", "层数", "text"}, {"", "地址", "text"}, {"", "网格", "text"},
	},
	"organisation": {
		{"name", "名称", "text"}, {"kind", "类型", "text"}, {"uscc", "统一社会信用代码", "text"}, {"legal_rep", "法定代表人", "text"},
		{"phone", "联系电话", "phone"}, {"address", "地址", "text"}, {"staff_count", "从业人数", "text"}, {"", "网格", "text"},
	},
	"rental": {
		{"house_id", "房屋地址", "text"}, {"landlord", "出租人", "text"}, {"landlord_phone", "出租人电话", "phone"},
		{"started_on", "起租日期", "text"}, {"ended_on", "到期日期", "text"}, {"monthly_rent", "月租金(元)", "text"},
		{"tenant_ids", "承租人数", "text"},
	},
}

// Columns lists the ledger columns of a register entity.
func (s *RegisterSource) Columns(e *Entity) []Column { return registerColumns[e.Name] }

var liveSelect = map[string]string{
	"person": `SELECT community_id, id, COALESCE(household_id, 0), org_id, COALESCE(grid_id, 0), name, doc_type, id_number,
		gender, birth_date, birth_precision, ethnicity, relation, residence, phone, address, status FROM persons`,
	"household": `SELECT community_id, id, number, kind, COALESCE(house_id, 0), org_id, COALESCE(grid_id, 0),
		COALESCE(head_id, 0), address, phone, status FROM households`,
	"house": `SELECT community_id, id, building_id, org_id, COALESCE(grid_id, 0), number, address, area_m2, use,
		owner_name, owner_phone FROM houses`,
	"building": `SELECT community_id, id, COALESCE(grid_id, 0), name, address, kind, floors, built_year FROM buildings`,
	"organisation": `SELECT community_id, id, name, kind, uscc, legal_rep, phone, address, org_id, COALESCE(grid_id, 0),
		staff_count, status FROM organisations`,
	"rental": `SELECT community_id, id, house_id, landlord, landlord_phone, started_on, COALESCE(ended_on, ''), monthly_rent_fen,
		(SELECT COUNT(*) FROM rental_tenants t WHERE t.community_id = rentals.community_id AND t.rental_id = rentals.id)
		FROM rentals`,
}

func scanLive(entity string, rows interface{ Scan(...any) error }) (any, int64, error) {
	switch entity {
	case "person":
		var p register.Person
		err := rows.Scan(&p.CommunityID, &p.ID, &p.HouseholdID, &p.OrgID, &p.GridID, &p.Name, &p.DocType, &p.IDNumber,
			&p.Gender, &p.BirthDate, &p.BirthPrecision, &p.Ethnicity, &p.Relation, &p.Residence, &p.Phone, &p.Address, &p.Status)
		return &p, p.ID, err
	case "household":
		var h register.Household
		err := rows.Scan(&h.CommunityID, &h.ID, &h.Number, &h.Kind, &h.HouseID, &h.OrgID, &h.GridID, &h.HeadID,
			&h.Address, &h.Phone, &h.Status)
		return &h, h.ID, err
	case "house":
		var h register.House
		err := rows.Scan(&h.CommunityID, &h.ID, &h.BuildingID, &h.OrgID, &h.GridID, &h.Number, &h.Address, &h.AreaM2,
			&h.Use, &h.OwnerName, &h.OwnerPhone)
		return &h, h.ID, err
	case "building":
		var b register.Building
		err := rows.Scan(&b.CommunityID, &b.ID, &b.GridID, &b.Name, &b.Address, &b.Kind, &b.Floors, &b.BuiltYear)
		return &b, b.ID, err
	case "organisation":
		var o register.Organisation
		err := rows.Scan(&o.CommunityID, &o.ID, &o.Name, &o.Kind, &o.USCC, &o.LegalRep, &o.Phone, &o.Address,
			&o.OrgID, &o.GridID, &o.StaffCount, &o.Status)
		return &o, o.ID, err
	case "rental":
		var r register.Rental
		var tenants int
		err := rows.Scan(&r.CommunityID, &r.ID, &r.HouseID, &r.Landlord, &r.LandlordPhone, &r.StartedOn, &r.EndedOn,
			&r.MonthlyRentFen, &tenants)
		r.TenantIDs = make([]int64, tenants)
		return &r, r.ID, err
	}
	return nil, 0, fmt.Errorf("unknown entity %s", entity)
}

func decodeSnapshot(entity, snap string) (any, error) {
	var v any
	switch entity {
	case "person":
		v = &register.Person{}
	case "household":
		v = &register.Household{}
	case "house":
		v = &register.House{}
	case "building":
		v = &register.Building{}
	case "organisation":
		v = &register.Organisation{}
	case "rental":
		v = &register.Rental{}
	default:
		return nil, fmt.Errorf("unknown entity %s", entity)
	}
	return v, json.Unmarshal([]byte(snap), v)
}

// Describe returns the ledger rows of records of a register entity as they
// stood at the end of the period (or last stood during it).
func (s *RegisterSource) Describe(ctx context.Context, e *Entity, p Period, community int64, ids []int64) ([]LedgerRow, error) {
	q, ok := liveSelect[e.Name]
	if !ok {
		return nil, fmt.Errorf("实体 %s 没有台账", e.Name)
	}
	endAt := database.EndOfDay(p.End())
	byID := map[int64]any{}
	changed := map[int64]bool{}
	for _, chunk := range chunks(ids, 400) {
		a := s.db.Args(community)
		rows, err := s.db.QueryContext(ctx, q+` WHERE community_id = $1 AND `+a.In("id", database.AnyOf(chunk)...), a.Values()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			v, id, err := scanLive(e.Name, rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			byID[id] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		// Records changed after the period, or gone: their snapshot then.
		a = s.db.Args(e.Name, endAt)
		rows, err = s.db.QueryContext(ctx, `SELECT DISTINCT entity_id FROM change_events
			WHERE entity = $1 AND at > $2 AND `+a.In("entity_id", database.AnyOf(chunk)...), a.Values()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			changed[id] = true
		}
		rows.Close()
	}
	var need []int64
	for _, id := range ids {
		if changed[id] || byID[id] == nil {
			need = append(need, id)
		}
	}
	for _, chunk := range chunks(need, 400) {
		a := s.db.Args(e.Name, endAt)
		rows, err := s.db.QueryContext(ctx, `SELECT entity_id, id, op, snapshot FROM change_events
			WHERE entity = $1 AND at <= $2 AND `+a.In("entity_id", database.AnyOf(chunk)...)+` ORDER BY id`, a.Values()...)
		if err != nil {
			return nil, err
		}
		last := map[int64]string{}
		for rows.Next() {
			var id, evID int64
			var op, snap string
			if err := rows.Scan(&id, &evID, &op, &snap); err != nil {
				rows.Close()
				return nil, err
			}
			if op != "delete" && snap != "" {
				last[id] = snap
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for id, snap := range last {
			v, err := decodeSnapshot(e.Name, snap)
			if err != nil {
				return nil, err
			}
			byID[id] = v
		}
	}
	names, places, err := s.lookupNames(ctx, e.Name, community, byID)
	if err != nil {
		return nil, err
	}
	out := make([]LedgerRow, 0, len(ids))
	for _, id := range ids {
		v := byID[id]
		if v == nil {
			continue
		}
		row := s.ledgerRow(e.Name, v, names)
		if r, ok := v.(*register.Rental); ok {
			row.Place = places[r.HouseID]
		}
		out = append(out, row)
	}
	return out, nil
}

// lookupNames finds the names a ledger shows instead of ids — grids,
// household heads, rented houses' addresses — and the places of rented
// houses, where their rentals lie.
func (s *RegisterSource) lookupNames(ctx context.Context, entity string, community int64, rows map[int64]any) (map[int64]string, map[int64]access.Place, error) {
	names := map[int64]string{}
	places := map[int64]access.Place{}
	r, err := s.db.QueryContext(ctx, `SELECT id, name FROM org_units WHERE community_id = $1 AND level = 'grid'`, community)
	if err != nil {
		return nil, nil, err
	}
	for r.Next() {
		var id int64
		var n string
		if err := r.Scan(&id, &n); err != nil {
			r.Close()
			return nil, nil, err
		}
		names[id] = n
	}
	r.Close()
	// A record of a past period may have moved with its grid into another
	// community since: its grid is named by id.
	var grids []int64
	for _, v := range rows {
		if g := gridOf(v); g != 0 && names[g] == "" {
			grids = append(grids, g)
		}
	}
	for _, chunk := range chunks(grids, 400) {
		a := s.db.Args()
		r, err := s.db.QueryContext(ctx, `SELECT id, name FROM org_units WHERE `+a.In("id", database.AnyOf(chunk)...), a.Values()...)
		if err != nil {
			return nil, nil, err
		}
		for r.Next() {
			var id int64
			var n string
			if err := r.Scan(&id, &n); err != nil {
				r.Close()
				return nil, nil, err
			}
			names[id] = n
		}
		r.Close()
	}
	var refs []int64
	var q string
	switch entity {
	case "household":
		q = `SELECT id, name, 0, 0 FROM persons`
		for _, v := range rows {
			if h := v.(*register.Household); h.HeadID != 0 {
				refs = append(refs, h.HeadID)
			}
		}
	case "rental":
		q = `SELECT id, address || ' ' || number, org_id, COALESCE(grid_id, 0) FROM houses`
		for _, v := range rows {
			refs = append(refs, v.(*register.Rental).HouseID)
		}
	}
	// Heads and houses by id alone: ids are unique across communities, and
	// those of a past period may lie in another one now.
	for _, chunk := range chunks(refs, 400) {
		a := s.db.Args()
		r, err := s.db.QueryContext(ctx, q+` WHERE `+a.In("id", database.AnyOf(chunk)...), a.Values()...)
		if err != nil {
			return nil, nil, err
		}
		for r.Next() {
			var id, org, grid int64
			var n string
			if err := r.Scan(&id, &n, &org, &grid); err != nil {
				r.Close()
				return nil, nil, err
			}
			names[id] = n
			places[id] = access.Place{Community: community, Grid: grid, Org: org}
		}
		r.Close()
	}
	return names, places, nil
}

// gridOf is the grid of a ledger's record, 0 for one without.
func gridOf(v any) int64 {
	switch r := v.(type) {
	case *register.Person:
		return r.GridID
	case *register.Household:
		return r.GridID
	case *register.House:
		return r.GridID
	case *register.Building:
		return r.GridID
	case *register.Organisation:
		return r.GridID
	}
	return 0
}

func (s *RegisterSource) ledgerRow(entity string, v any, names map[int64]string) LedgerRow {
	name := func(m map[string]string, code string) string {
		if n, ok := m[code]; ok {
			return n
		}
		return code
	}
	switch entity {
	case "person":
		p := v.(*register.Person)
		eth, _ := codes.EthnicityName(p.Ethnicity)
		return LedgerRow{ID: p.ID, Place: access.Place{Community: p.CommunityID, Grid: p.GridID, Org: p.OrgID},
			Cells: []string{p.Name, name(register.GenderNames, p.Gender), p.Birth(), p.IDNumber,
				name(register.ResidenceNames, p.Residence), eth, p.Address, p.Phone, names[p.GridID],
				name(register.PersonStatusNames, p.Status)}}
	case "household":
		h := v.(*register.Household)
		return LedgerRow{ID: h.ID, Place: access.Place{Community: h.CommunityID, Grid: h.GridID, Org: h.OrgID},
			Cells: []string{h.Number, name(register.HouseholdKindNames, h.Kind), names[h.HeadID], h.Address, h.Phone, names[h.GridID]}}
	case "house":
		h := v.(*register.House)
		return LedgerRow{ID: h.ID, Place: access.Place{Community: h.CommunityID, Grid: h.GridID, Org: h.OrgID},
			Cells: []string{h.Address, h.Number, name(register.HouseUseNames, h.Use), strconv.FormatFloat(h.AreaM2, 'f', -1, 64),
				h.OwnerName, h.OwnerPhone, names[h.GridID]}}
	case "building":
		b := v.(*register.Building)
		return LedgerRow{ID: b.ID, Place: access.Place{Community: b.CommunityID, Grid: b.GridID, Org: b.ID},
			Cells: []string{b.Name, name(register.BuildingKindNames, b.Kind), strconv.Itoa(b.Floors), b.Address, names[b.GridID]}}
	case "organisation":
		o := v.(*register.Organisation)
		return LedgerRow{ID: o.ID, Place: access.Place{Community: o.CommunityID, Grid: o.GridID, Org: o.OrgID},
			Cells: []string{o.Name, name(register.OrganisationKindNames, o.Kind), o.USCC, o.LegalRep, o.Phone, o.Address,
				strconv.Itoa(o.StaffCount), names[o.GridID]}}
	case "rental":
		r := v.(*register.Rental)
		tenants := ""
		if r.TenantIDs != nil {
			tenants = strconv.Itoa(len(r.TenantIDs))
		}
		return LedgerRow{ID: r.ID, Place: access.Place{Community: r.CommunityID},
			Cells: []string{names[r.HouseID], r.Landlord, r.LandlordPhone, r.StartedOn, r.EndedOn, r.MonthlyRentYuan(), tenants}}
	}
	return LedgerRow{}
}
