package certificates

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/workdays"
)

// ExportColumns is the layout of the export for the national volunteer
// system (全国志愿服务信息系统), one service record a line, in this order:
//
//	志愿者编号      the volunteer's number in shequ's registry
//	姓名            as the register has it
//	证件类型        居民身份证, 护照, 港澳居民来往内地通行证 … (ident's names)
//	证件号码        in full: the national system matches volunteers by it
//	服务日期        YYYY-MM-DD
//	开始时间        HH:MM when the row came from a check-in, else empty
//	结束时间        HH:MM likewise
//	服务时长(小时)  minutes as hours with one decimal (90 min → 1.5)
//	服务内容        the ledger row's content
//	活动名称        the activity's name where the registry names it, else empty
//	服务队          the team the row was served in, else empty
//	核实人          who verified the row (the organiser or the staff who recorded it)
//	记录编号        the ledger row's id: a re-import recognises a row already sent
//	所属社区        the community that keeps the record
//
// Only standing service rows are exported: training hours are not service
// time, and a reversed row and its reversal are left out together, so the
// file's hours are the ledger's. The file is UTF-8 with a byte-order mark,
// so that Excel opens the Chinese text as such, and RFC 4180 quoting.
var ExportColumns = []string{"志愿者编号", "姓名", "证件类型", "证件号码", "服务日期", "开始时间", "结束时间",
	"服务时长(小时)", "服务内容", "活动名称", "服务队", "核实人", "记录编号", "所属社区"}

// ExportLimit bounds one file; a street's or city's year beyond it is
// exported community by community or by shorter periods.
const ExportLimit = 100000

// ExportQuery is a unit (community, street, city) and a period.
type ExportQuery struct {
	Org      int64
	From, To string
}

// ExportRow is one line of the export.
type ExportRow struct {
	HoursID         int64
	VolunteerNumber string
	Name            string
	DocType         string
	IDNumber        string
	ServedOn        string
	Start, End      string
	Minutes         int
	Content         string
	ActivityID      int64
	Activity        string
	Team            string
	VerifiedBy      string
	Community       string
}

// Export reads the service records of the volunteers at or below a unit
// within a period, for the viewer's export scope: persons outside it are
// left out, a unit outside it is not found. The caller records the export
// (with its row count) before writing it anywhere.
func (s *Service) Export(ctx context.Context, scope access.Scope, q ExportQuery) ([]ExportRow, error) {
	fe := fault.Fields{}
	from, to := s.period(fe, q.From, q.To)
	if len(fe) > 0 {
		return nil, fe
	}
	u, err := s.org.Get(ctx, q.Org)
	if err != nil || !scope.Contains(access.Place{Community: u.CommunityID, Grid: u.GridID, Org: u.ID}) {
		return nil, fault.Fields{"org": "没有这个组织单元,或不在您的导出范围内"}
	}
	args := s.db.Args(u.ID, from, to)
	rows, err := s.db.QueryContext(ctx, `SELECT h.id, v.number, p.name, p.doc_type, p.id_number, h.served_on, h.started_at,
		h.ended_at, h.minutes, h.content, COALESCE(h.activity_id, 0), COALESCE(t.name, ''), h.verified_by, COALESCE(cu.name, '')
		FROM volunteer_hours h
		JOIN volunteers v ON v.community_id = h.community_id AND v.id = h.volunteer_id
		JOIN persons p ON p.community_id = v.community_id AND p.id = v.person_id
		JOIN org_closure oc ON oc.unit_id = p.org_id AND oc.ancestor_id = $1
		LEFT JOIN volunteer_teams t ON t.community_id = h.community_id AND t.id = h.team_id
		LEFT JOIN org_units cu ON cu.id = h.community_id
		WHERE h.kind = 'service' AND h.served_on >= $2 AND h.served_on <= $3
		AND h.reverses_id IS NULL AND h.reversed = 0 AND h.minutes > 0`+scope.Where(args, "p")+`
		ORDER BY h.community_id, v.number, h.served_on, h.id LIMIT `+strconv.Itoa(ExportLimit+1), args.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ExportRow
	activities := map[int64]bool{}
	for rows.Next() {
		var r ExportRow
		if err := rows.Scan(&r.HoursID, &r.VolunteerNumber, &r.Name, &r.DocType, &r.IDNumber, &r.ServedOn, &r.Start, &r.End,
			&r.Minutes, &r.Content, &r.ActivityID, &r.Team, &r.VerifiedBy, &r.Community); err != nil {
			return nil, err
		}
		if r.ActivityID != 0 {
			activities[r.ActivityID] = true
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) > ExportLimit {
		return nil, fault.Fields{"to": fmt.Sprintf("记录超过%d条,请缩短期间或选择下级单位分别导出", ExportLimit)}
	}
	if s.activities != nil && len(activities) > 0 {
		ids := make([]int64, 0, len(activities))
		for id := range activities {
			ids = append(ids, id)
		}
		names, err := s.activities(ctx, ids)
		if err != nil {
			return nil, err
		}
		for i := range out {
			out[i].Activity = names[out[i].ActivityID]
		}
	}
	return out, nil
}

// WriteCSV writes rows in the layout of ExportColumns.
func WriteCSV(w io.Writer, rows []ExportRow) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // Excel and the national system's importer read CRLF lines
	if err := cw.Write(ExportColumns); err != nil {
		return err
	}
	for _, r := range rows {
		doc := ident.DocType(r.DocType).Label()
		if err := cw.Write([]string{r.VolunteerNumber, r.Name, doc, r.IDNumber, r.ServedOn, clock(r.Start), clock(r.End),
			Hours(r.Minutes), r.Content, r.Activity, r.Team, r.VerifiedBy, strconv.FormatInt(r.HoursID, 10),
			r.Community}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// clock shows a stored instant (the house's UTC layout, or RFC 3339) or a
// time of day as HH:MM in Shanghai; anything else as it is.
func clock(s string) string {
	switch {
	case s == "":
		return ""
	case len(s) == 5 && s[2] == ':':
		return s
	}
	if t := database.ParseTime(s); !t.IsZero() {
		return t.In(workdays.Shanghai).Format("15:04")
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.In(workdays.Shanghai).Format("15:04")
	}
	return s
}
