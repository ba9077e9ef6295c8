package events

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"unicode/utf8"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/workdays"
)

// Report is what a reporter says about a new event.
type Report struct {
	// OrgID is where it is: a community, a grid or a building (楼栋) —
	// the deepest unit known. With Lat/Lon and no OrgID, the grid whose
	// boundary holds the point is used.
	OrgID       int64
	Category    string // a 小类
	Urgency     string // normal when empty
	Title       string // the category's name when empty
	Description string
	Address     string
	Lat, Lon    *float64
	SubjectKind string // household, house, organisation, person: the register record it concerns
	SubjectID   int64
	Source      string
	ExternalRef string // 12345 ticket number, a client's id

	ReporterName  string
	ReporterPhone string
	Anonymous     bool // the reporter's name and phone are not kept
	Private       bool // the description and photos stay out of the public feed

	// Level is where a platform operator files what they take in
	// (12345 transfers): "" or community for the community to accept,
	// street or district to file it there at once.
	Level string

	Photos []Photo // prepared with PreparePhoto

	// Within bounds where an address alone is looked for (Open311's
	// jurisdiction_id); 0 for anywhere.
	Within int64

	// Also runs in the report's transaction once the event is written: the
	// caller's own record of it (a visit's event_id), saved with the event
	// or not at all.
	Also func(ctx context.Context, tx *sql.Tx, e *Event) error

	open311Token string
	actorName    string // who the report step names instead of the viewer (demo data)

	// unplacedOK: a report whose place cannot be found is still taken,
	// at the intake community (Open311 clients may send an address only).
	unplacedOK bool
}

// Limits of a report's fields.
const (
	MaxTitle       = 60
	MaxDescription = 2000
	MaxAddress     = 200
	MaxPhotos      = 6
)

// place of an org unit: its community, grid and itself.
func (s *Store) resolvePlace(ctx context.Context, q database.Querier, orgID int64) (access.Place, string, error) {
	var p access.Place
	var level string
	var community, grid sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT level, community_id, grid_id FROM org_units WHERE id = $1`, orgID).
		Scan(&level, &community, &grid)
	if errors.Is(err, sql.ErrNoRows) {
		return p, "", ErrNotFound
	}
	if err != nil {
		return p, "", err
	}
	if !community.Valid || community.Int64 == 0 {
		return p, level, ErrNotFound
	}
	return access.Place{Community: community.Int64, Grid: grid.Int64, Org: orgID}, level, nil
}

// Report records a new event reported by v, who must hold events.report at
// its place. Bad input is refused with fault.Fields naming each field.
func (s *Store) Report(ctx context.Context, v *access.Viewer, r Report) (*Event, error) {
	return s.report(ctx, v, r, false)
}

// ReportPublic records a resident's report from the public page or an
// outside client: only public categories, no platform level, source
// resident (or open311).
func (s *Store) ReportPublic(ctx context.Context, r Report) (*Event, error) {
	if r.Source != SourceOpen311 {
		r.Source = SourceResident
	}
	r.Level = ""
	return s.report(ctx, access.System, r, true)
}

func (s *Store) report(ctx context.Context, v *access.Viewer, r Report, public bool) (*Event, error) {
	cat, err := s.Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	fe := fault.Fields{}
	c, ok := cat.Get(r.Category)
	switch {
	case r.Category == "":
		fe["category"] = "请选择事件类别"
	case !ok || !c.Active:
		fe["category"] = "事件类别不存在或已停用"
	case c.Parent == "":
		fe["category"] = "请选择具体的小类"
	case public && !c.Public:
		fe["category"] = "该类别不接受群众直接上报,请拨打12345"
	}
	if r.Urgency == "" {
		r.Urgency = UrgencyNormal
	}
	if UrgencyNames[r.Urgency] == "" {
		fe["urgency"] = "紧急程度应为 一般、紧急 或 特急"
	}
	r.Title = strings.TrimSpace(r.Title)
	r.Description = strings.TrimSpace(r.Description)
	r.Address = strings.TrimSpace(r.Address)
	if utf8.RuneCountInString(r.Title) > MaxTitle {
		fe["title"] = "标题不能超过60个字"
	}
	switch n := utf8.RuneCountInString(r.Description); {
	case n == 0:
		fe["description"] = "请描述发现的问题"
	case n > MaxDescription:
		fe["description"] = "描述不能超过2000个字"
	}
	if utf8.RuneCountInString(r.Address) > MaxAddress {
		fe["address"] = "地址不能超过200个字"
	}
	if (r.Lat == nil) != (r.Lon == nil) {
		fe["location"] = "经纬度应同时提供"
	} else if r.Lat != nil && (math.IsNaN(*r.Lat) || math.IsNaN(*r.Lon) || *r.Lat < -90 || *r.Lat > 90 || *r.Lon < -180 || *r.Lon > 180) {
		fe["location"] = "经纬度超出范围"
	}
	if r.Source == "" {
		r.Source = SourceOffice
	}
	if SourceNames[r.Source] == "" {
		fe["source"] = "来源无效"
	}
	r.ReporterName = strings.TrimSpace(r.ReporterName)
	if utf8.RuneCountInString(r.ReporterName) > 40 {
		fe["reporter_name"] = "姓名不能超过40个字"
	}
	if p := strings.TrimSpace(r.ReporterPhone); p != "" {
		n, err := ident.ParsePhone(p)
		if err != nil {
			fe["reporter_phone"] = "联系电话应为11位手机号或带区号的固定电话"
		}
		r.ReporterPhone = n
	}
	if r.Anonymous {
		r.ReporterName, r.ReporterPhone = "", ""
	}
	if utf8.RuneCountInString(r.ExternalRef) > 60 {
		fe["external_ref"] = "外部编号不能超过60个字符"
	}
	if r.SubjectKind != "" && !hasString([]string{"household", "house", "organisation", "person"}, r.SubjectKind) {
		fe["subject"] = "关联对象类型无效"
	}
	if len(r.Photos) > MaxPhotos {
		fe["photos"] = "照片最多6张"
	}
	if r.Level == "" {
		r.Level = LevelCommunity
	}
	if LevelNames[r.Level] == "" {
		fe["level"] = "受理层级无效"
	}
	// Where: the unit named, or the point's grid and nearest building, or
	// the place the address names.
	outside := false
	if r.OrgID == 0 && r.Lat != nil && fe["location"] == "" {
		sp, err := s.Locate(ctx, *r.Lat, *r.Lon)
		if err != nil {
			return nil, err
		}
		r.OrgID, outside = sp.Grid, sp.Grid == 0
		if sp.Building != 0 {
			r.OrgID = sp.Building
		}
	}
	if r.OrgID == 0 && (r.Lat == nil || r.unplacedOK) && r.Address != "" {
		if r.OrgID, err = s.Geocode(ctx, r.Address, r.Within); err != nil {
			return nil, err
		}
	}
	unplaced := false
	if r.OrgID == 0 && r.unplacedOK {
		if r.OrgID, err = s.intakeCommunity(ctx, r.Within); err != nil {
			return nil, err
		}
		unplaced = true
	}
	var place access.Place
	if r.OrgID == 0 && outside {
		fe["org"] = "该位置不在任何网格内,请从列表中选择地点"
	} else if r.OrgID == 0 {
		fe["org"] = "请选择事件所在的社区、网格或楼栋"
	} else {
		p, level, err := s.resolvePlace(ctx, s.db, r.OrgID)
		switch {
		case errors.Is(err, ErrNotFound) && level != "":
			fe["org"] = "请选择社区、网格或楼栋,而不是街道或区县"
		case errors.Is(err, ErrNotFound):
			fe["org"] = "所选地点不存在"
		case err != nil:
			return nil, err
		case level == orgtree.LevelUnit:
			// A 单元 is finer than events are kept at; its building will do.
			var parent int64
			if err := s.db.QueryRowContext(ctx, `SELECT parent_id FROM org_units WHERE id = $1`, r.OrgID).Scan(&parent); err != nil {
				return nil, err
			}
			p.Org = parent
			place = p
		default:
			place = p
		}
	}
	if place.Community != 0 && !v.CanAt(PermReport, place) {
		fe["org"] = "该地点不在您负责的范围内"
	}
	if len(fe) > 0 {
		return nil, fe
	}
	e := &Event{
		CommunityID: place.Community, ID: database.NewID(), GridID: place.Grid, OrgID: place.Org,
		Category: r.Category, Urgency: r.Urgency, Title: r.Title, Description: r.Description, Address: r.Address,
		Lat: r.Lat, Lon: r.Lon, SubjectKind: r.SubjectKind, SubjectID: r.SubjectID, Source: r.Source,
		ExternalRef: strings.TrimSpace(r.ExternalRef), ReporterUserID: v.UserID, ReporterName: r.ReporterName,
		ReporterPhone: r.ReporterPhone, Anonymous: r.Anonymous, Private: r.Private, Status: StatusReported, Level: LevelCommunity,
		Open311Token: r.open311Token, Version: 1,
	}
	if e.Title == "" {
		e.Title = c.Name
	}
	actor := s.actorName(ctx, v)
	if e.ReporterName == "" && v != access.System && !r.Anonymous {
		e.ReporterName = actor
	}
	now := s.now()
	e.CreatedAt, e.UpdatedAt = now, now
	// A platform operator files what they take in at their own level.
	var filed *Step
	if r.Level != LevelCommunity {
		ok, err := s.atLevel(ctx, v, PermDispatch, e, r.Level)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fault.Fields{"level": "您不能在" + LevelNames[r.Level] + "平台直接立案"}
		}
		p, err := s.placeOf(ctx, e.CommunityID)
		if err != nil {
			return nil, err
		}
		e.Level, e.AcceptedAt = r.Level, now
		e.Status = StatusFiled
		if r.Level == LevelDistrict {
			e.Status = StatusDistrict
		}
		filed = &Step{Action: ActFile, FromStatus: StatusReported, ToStatus: e.Status, ActorUserID: v.UserID,
			ActorName: actor, ActorUnit: p.UnitName(r.Level), Level: r.Level}
	}
	startClock(cat, cal, e, now)
	// Warm what the transaction reads, so that it needs no second connection.
	if _, err := s.placeOf(ctx, e.CommunityID); err != nil {
		return nil, err
	}
	if _, err := s.Departments(ctx); err != nil {
		return nil, err
	}
	first := &Step{Action: ActReport, FromStatus: "", ToStatus: StatusReported, ActorUserID: v.UserID,
		ActorName: reporterLabel(e, v, actor), Level: LevelCommunity}
	if r.actorName != "" {
		first.ActorName = r.actorName
	}
	if unplaced {
		first.Note = "地址未能定位到楼栋、网格或社区,请核实地点后改地点或转办"
	}
	if filed == nil {
		first.DueAt = e.DueAt
	} else {
		filed.DueAt = e.DueAt
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		for i := 0; ; i++ {
			e.TrackingNo = newTracking(now)
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM events WHERE tracking_no = $1`, e.TrackingNo).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				break
			}
			if i > 5 {
				return errors.New("events: no free tracking number")
			}
		}
		if err := s.insertEvent(ctx, tx, e); err != nil {
			return err
		}
		if err := s.insertStep(ctx, tx, e, first, r.Photos); err != nil {
			return err
		}
		if filed != nil {
			if err := s.insertStep(ctx, tx, e, filed, nil); err != nil {
				return err
			}
		}
		if c.Kind == KindDispute {
			if err := createMediation(ctx, tx, e, now); err != nil {
				return err
			}
		}
		if r.Also != nil {
			if err := r.Also(ctx, tx, e); err != nil {
				return err
			}
		}
		last := first
		if filed != nil {
			last = filed
		}
		return s.notifyStep(ctx, tx, e, last, "")
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func reporterLabel(e *Event, v *access.Viewer, actor string) string {
	switch {
	case v != access.System:
		return actor
	case e.Anonymous || e.ReporterName == "":
		return "群众(匿名)"
	}
	return "群众"
}

func (s *Store) insertEvent(ctx context.Context, q database.Querier, e *Event) error {
	var lat, lon any
	if e.Lat != nil {
		lat, lon = *e.Lat, *e.Lon
	}
	_, err := q.ExecContext(ctx, `INSERT INTO events (community_id, id, grid_id, org_id, tracking_no, category, urgency,
		title, description, address, lat, lon, subject_kind, subject_id, source, external_ref, reporter_user_id,
		reporter_name, reporter_phone, anonymous, status, level, due_step, step_started_at, due_at, timer_at,
		accepted_at, open311_token, version, created_at, updated_at, reported_on, private)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
		$23, $24, $25, $26, $27, $28, $29, $30, $30, $31, $32)`,
		e.CommunityID, e.ID, nullInt(e.GridID), e.OrgID, e.TrackingNo, e.Category, e.Urgency, e.Title, e.Description,
		e.Address, lat, lon, e.SubjectKind, nullInt(e.SubjectID), e.Source, e.ExternalRef, nullInt(e.ReporterUserID),
		e.ReporterName, e.ReporterPhone, b2i(e.Anonymous), e.Status, e.Level, e.DueStep, fmtT(e.StepStartedAt),
		fmtT(e.DueAt), fmtT(e.TimerAt), fmtT(e.AcceptedAt), e.Open311Token, e.Version, fmtT(e.CreatedAt),
		e.CreatedAt.In(workdays.Shanghai).Format("2006-01-02"), b2i(e.Private))
	return err
}

// insertStep records a step of e (at e's current version) with its photos.
func (s *Store) insertStep(ctx context.Context, q database.Querier, e *Event, st *Step, photos []Photo) error {
	st.CommunityID, st.EventID = e.CommunityID, e.ID
	if st.ID == 0 {
		st.ID = database.NewID()
	}
	if st.CreatedAt.IsZero() {
		st.CreatedAt = s.now()
	}
	if st.Department == "" && st.Action == ActDispatch {
		st.Department = e.Department
	}
	_, err := q.ExecContext(ctx, `INSERT INTO event_steps (community_id, event_id, id, action, from_status, to_status,
		actor_user_id, actor_name, actor_unit, level, department, note, public_note, data, due_at, late, version, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		st.CommunityID, st.EventID, st.ID, st.Action, st.FromStatus, st.ToStatus, nullInt(st.ActorUserID),
		st.ActorName, st.ActorUnit, st.Level, st.Department, st.Note, st.PublicNote, st.Data, fmtT(st.DueAt),
		b2i(st.Late), e.Version, fmtT(st.CreatedAt))
	if err != nil {
		return err
	}
	for i, p := range photos {
		a := Attachment{ID: database.NewID(), StepID: st.ID, Name: p.Name, ContentType: p.ContentType,
			Size: len(p.Data), Width: p.Width, Height: p.Height, Public: st.Action == ActReport}
		if a.Name == "" {
			a.Name = "照片" + itoa(int64(i+1)) + ".jpg"
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO event_attachments (community_id, event_id, id, step_id, name,
			content_type, size, width, height, public, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			e.CommunityID, e.ID, a.ID, a.StepID, a.Name, a.ContentType, a.Size, a.Width, a.Height, b2i(a.Public),
			p.Data, fmtT(st.CreatedAt)); err != nil {
			return err
		}
		st.Attachments = append(st.Attachments, a)
	}
	return nil
}

func jsonData(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
