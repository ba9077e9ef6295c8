package services

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"sync"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/indicators"
	"shequ/internal/workdays"
)

// Applications as an entity of report indicators (internal/indicators):
// 办件 counted with the same filters, measures and period rules as the
// register's records — 本月收件 (计数, 期内新增), 本月受理 (已受理 = 是,
// 期内新增), 期末在办 (在办 = 是, 期末), 本月办结 (已办结 = 是, 期内新增),
// 按期办结率 (按期 = 是 as 占比 of 本月办结), 代办件数 (代办 = 是), 平均评价
// (平均(评价)). An application exists from the day it was taken in at the
// window (Beijing time) and lies where its applicant lived then
// (community, grid, unit), like its access checks.
//
// Its state on a past day is replayed from its steps through the same
// transitions the hall runs (accept, pass, pause, resume, finish), so
// status, level, 在办, 已受理, 已办结, 按期, 逾期, 办理用时 and the number of
// returns hold for past periods; a rating counts from the day it was given.
// The item's name, category and department are today's catalogue; 代办 and
// the approving level are fixed at intake.
var _ indicators.SourceFunc = NewIndicatorSource

type indicatorSource struct {
	db   *database.DB
	ent  *indicators.Entity
	cert *certificateEntity

	item, category, department, finalLevel, status, level, open, accepted, finished *indicators.Field
	onTime, overdue, proxy, rating, days, returns                                   *indicators.Field

	categoryOf, departmentOf map[string]string // item code → category, department

	// hall replays the steps on the shared working-day calendar, loaded
	// when first needed: a registry is made for every report page, most of
	// which count no applications.
	hallMu sync.Mutex
	hall   *Service
}

// The entity's names of the states. 批准 is what the hall calls 已办结:
// here 已办结 is the yes/no field that also holds for 不予批准, as the
// on-time rate counts both.
var statusValues = []indicators.Value{
	{Code: StatusIncomplete, Name: "待补齐材料"}, {Code: StatusProcessing, Name: "办理中"},
	{Code: StatusReturned, Name: "退回补正"}, {Code: StatusApproved, Name: "批准"}, {Code: StatusRejected, Name: "不予批准"},
}

var levelValues = []indicators.Value{
	{Code: QueueWindow, Name: "窗口"}, {Code: LevelCommunity, Name: LevelNames[LevelCommunity]},
	{Code: LevelStreet, Name: LevelNames[LevelStreet]}, {Code: LevelDistrict, Name: LevelNames[LevelDistrict]},
	{Code: QueueDone, Name: "办结"},
}

// NewIndicatorSource makes the source of 办件 on db, reading the service
// items and departments its values come from.
func NewIndicatorSource(ctx context.Context, db *database.DB) (indicators.Source, error) {
	s := &indicatorSource{db: db, categoryOf: map[string]string{}, departmentOf: map[string]string{}}
	var items, categories, depts []indicators.Value
	// Inactive items too: their applications are still counted.
	rows, err := db.QueryContext(ctx, `SELECT code, name, category, COALESCE(department, '') FROM service_items ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for rows.Next() {
		var code, name, category, dept string
		if err := rows.Scan(&code, &name, &category, &dept); err != nil {
			rows.Close()
			return nil, err
		}
		items = append(items, indicators.Value{Code: code, Name: name})
		s.categoryOf[code], s.departmentOf[code] = category, dept
		if !seen[category] {
			seen[category] = true
			categories = append(categories, indicators.Value{Code: category, Name: category})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.QueryContext(ctx, `SELECT code, name FROM departments ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var v indicators.Value
		if err := rows.Scan(&v.Code, &v.Name); err != nil {
			rows.Close()
			return nil, err
		}
		depts = append(depts, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	yesNo := func(name, label, note string) *indicators.Field {
		return &indicators.Field{Name: name, Label: label, Kind: indicators.Bool, Note: note}
	}
	s.item = &indicators.Field{Name: "item", Label: "事项", Kind: indicators.Enum, Values: items,
		Note: "服务事项;名称带括号的请写编码(dibao)或用「」括起"}
	s.category = &indicators.Field{Name: "category", Label: "事项类别", Kind: indicators.Enum, Values: categories,
		Note: "按当前服务事项目录"}
	s.department = &indicators.Field{Name: "department", Label: "主管部门", Kind: indicators.Enum, Values: depts,
		Note: "事项的主管部门,按当前服务事项目录"}
	s.finalLevel = &indicators.Field{Name: "final_level", Label: "审批层级", Kind: indicators.Enum,
		Values: levelValues[1:4], Note: "办理流程的最后一级(收件时的流程)"}
	s.status = &indicators.Field{Name: "status", Label: "状态", Kind: indicators.Enum, Values: statusValues,
		Note: "当日(北京时间)结束时的状态;批准即大厅所说的已办结"}
	s.level = &indicators.Field{Name: "level", Label: "所在层级", Kind: indicators.Enum, Values: levelValues,
		Note: "当日结束时在哪一级的队列:待补齐材料或退回补正的在窗口,办结的为办结"}
	s.open = yesNo("open", "在办", "当日结束时尚未办结(含在窗口等待材料的)")
	s.accepted = yesNo("accepted", "已受理", "当日结束时材料已齐、已受理(法定时限开始计算)")
	s.finished = yesNo("finished", "已办结", "当日结束时已办结:批准或不予批准")
	s.onTime = yesNo("on_time", "按期", "每个环节都在其期限内办理、且在法定时限内办结(办结后才有值)")
	s.overdue = yesNo("overdue", "逾期", "当日结束时办理中且已过本环节期限(期限日下班之后即为逾期)")
	s.proxy = yesNo("proxy", "代办", "工作人员代办,跨层级全程代跑")
	s.rating = &indicators.Field{Name: "rating", Label: "评价", Kind: indicators.Number, Unit: "分",
		Note: "居民对办结办件的评价,1–5(评价后才有值)"}
	s.days = &indicators.Field{Name: "handling_days", Label: "办理用时", Kind: indicators.Number, Unit: "工作日",
		Note: "从受理到办结的工作日数(含退回补正的时间;办结后才有值)"}
	s.returns = &indicators.Field{Name: "return_count", Label: "退回补正次数", Kind: indicators.Number, Unit: "次"}
	s.ent = &indicators.Entity{Name: "application", Label: "办件", Unit: "件",
		Note: "一站式服务大厅的办件,自窗口收件之日起计,按申请人所在的社区、网格统计。状态、所在层级、在办、已受理、已办结、按期、" +
			"逾期、办理用时、退回补正次数按办理记录回溯到当日,评价自评价之日起计;事项的名称、类别、主管部门为当前目录",
		Fields: []*indicators.Field{s.item, s.category, s.department, s.finalLevel, s.status, s.level, s.open,
			s.accepted, s.finished, s.onTime, s.overdue, s.proxy, s.rating, s.days, s.returns}}
	if s.cert, err = newCertificateEntity(ctx, db); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *indicatorSource) Entities() []*indicators.Entity {
	return []*indicators.Entity{s.ent, s.cert.ent}
}

// service returns the hall that replays steps, on the calendar of the
// database.
func (s *indicatorSource) service(ctx context.Context) (*Service, error) {
	s.hallMu.Lock()
	defer s.hallMu.Unlock()
	if s.hall == nil {
		cal, err := workdays.Load(ctx, s.db)
		if err != nil {
			return nil, err
		}
		s.hall = New(s.db, nil, Options{Calendar: cal, Quiet: true})
	}
	return s.hall, nil
}

// pastStep is what the replay needs of a recorded step.
type pastStep struct {
	at      string // stored instant
	stage   int
	action  string
	missing bool // an intake that listed missing materials
}

// stepsBefore reads the steps of a community's applications (those in ids,
// or all when nil) recorded before the cutoff, oldest first.
func (s *indicatorSource) stepsBefore(ctx context.Context, community int64, cutoff string, ids []int64) (map[int64][]pastStep, error) {
	q := `SELECT application_id, at, stage, action, CASE WHEN materials = '' THEN 0 ELSE 1 END
		FROM service_steps WHERE community_id = $1 AND at < $2`
	a := s.db.Args(community, cutoff)
	if ids != nil {
		q += ` AND ` + a.In("application_id", database.AnyOf(ids)...)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY application_id, id`, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]pastStep{}
	for rows.Next() {
		var id int64
		var st pastStep
		var missing int
		if err := rows.Scan(&id, &st.at, &st.stage, &st.action, &missing); err != nil {
			return nil, err
		}
		st.missing = missing != 0
		out[id] = append(out[id], st)
	}
	return out, rows.Err()
}

// pastState is an application as its steps had left it at some instant.
type pastState struct {
	Application // status, stage, level, deadlines, dates and 按期 as the row held them
	rated       bool
	returns     int
}

// replay applies steps to the application as taken in (a holds its chain
// and time limit; nothing has happened yet): the transitions the hall ran,
// on the day each was taken, so the deadlines come out as they were set.
// It returns the state before the first step at or after cutoff (the end
// of the day before the period), and the state after all of them.
func (s *Service) replay(a Application, steps []pastStep, cutoff string) (before, after pastState) {
	st := pastState{Application: a}
	st.Status, st.StageLevel = StatusIncomplete, QueueWindow
	before = st
	taken := false
	for _, p := range steps {
		if !taken && p.at >= cutoff {
			before, taken = st, true
		}
		at := database.ParseTime(p.at)
		today := dateOf(at)
		switch p.action {
		case ActIntake:
			if !p.missing {
				s.accept(&st.Application, today)
			}
		case ActComplete:
			s.accept(&st.Application, today)
		case ActApprove:
			st.Stage = p.stage // the stage it was approved at
			s.pass(&st.Application, at)
		case ActReturn:
			s.pause(&st.Application, at)
			st.returns++
		case ActResubmit:
			s.resume(&st.Application, today)
		case ActReject:
			s.finish(&st.Application, StatusRejected, at)
		case ActRate:
			st.rated = true
		}
	}
	if !taken {
		before = st
	}
	return before, st
}

// cutoffs are the stored instants that end the day before the period and
// its last day in Beijing time: a step before the cutoff had happened by
// the end of that day.
func cutoffs(p indicators.Period) (start, end string) {
	day := func(d string, plus int) string {
		t, _ := workdays.ParseDate(d)
		return database.FormatTime(t.AddDate(0, 0, plus))
	}
	return day(p.Start(), 0), day(p.End(), 1)
}

// replayed lists the fields that need the steps.
var replayed = []string{"status", "level", "open", "accepted", "finished", "on_time", "overdue", "rating",
	"handling_days", "return_count"}

// Scan supplies the applications of one community taken in by the end of
// the period.
func (s *indicatorSource) Scan(ctx context.Context, req indicators.ScanRequest, emit func(*indicators.Entity, *indicators.Record)) error {
	if req.Wants(s.cert.ent.Name) {
		if err := s.cert.scan(ctx, s.db, req, emit); err != nil {
			return err
		}
	}
	if !req.Wants(s.ent.Name) {
		return nil
	}
	p := req.Period
	startCut, endCut := cutoffs(p)
	var hall *Service
	var steps map[int64][]pastStep
	for _, f := range replayed {
		if req.WantsField(s.ent.Name, f) && hall == nil {
			var err error
			if hall, err = s.service(ctx); err != nil {
				return err
			}
			if steps, err = s.stepsBefore(ctx, req.Community, endCut, nil); err != nil {
				return err
			}
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(grid_id, 0), org_id, item_code, chain, time_limit, proxy,
			rating, created_at
		FROM service_applications WHERE community_id = $1 AND created_at < $2`, req.Community, endCut)
	if err != nil {
		return err
	}
	defer rows.Close()
	before, end := p.Before(), p.End()
	startV, endV := indicators.NewValues(s.ent), indicators.NewValues(s.ent)
	var rec indicators.Record
	for rows.Next() {
		var item, chain, createdAt string
		var timeLimit, proxy int
		var rating sql.NullInt64
		if err := rows.Scan(&rec.ID, &rec.Place.Grid, &rec.Place.Org, &item, &chain, &timeLimit, &proxy,
			&rating, &createdAt); err != nil {
			return err
		}
		rec.Place.Community = req.Community
		a := Application{TimeLimit: timeLimit}
		if err := json.Unmarshal([]byte(chain), &a.Chain); err != nil {
			return err
		}
		v := endV
		v.Enum[s.item.Slot()] = int32(s.item.CodeIndex(item))
		v.Enum[s.category.Slot()] = int32(s.category.CodeIndex(s.categoryOf[item]))
		v.Enum[s.department.Slot()] = int32(s.department.CodeIndex(s.departmentOf[item]))
		v.Enum[s.finalLevel.Slot()] = -1
		if len(a.Chain) > 0 {
			v.Enum[s.finalLevel.Slot()] = int32(s.finalLevel.CodeIndex(a.Chain[len(a.Chain)-1].Level))
		}
		v.Enum[s.proxy.Slot()] = int32(min(1, max(0, proxy)))
		var first, last pastState
		if hall != nil {
			first, last = hall.replay(a, steps[rec.ID], startCut)
		}
		s.setState(endV, hall, last, end, rating)
		rec.Start, rec.End, rec.During = nil, endV, endV
		if createdAt < startCut {
			startV.CopyFrom(endV)
			s.setState(startV, hall, first, before, rating)
			rec.Start = startV
		}
		emit(s.ent, &rec)
	}
	return rows.Err()
}

// setState fills the replayed fields as st stood at the end of day; hall is
// nil when no indicator asked for them.
func (s *indicatorSource) setState(v *indicators.Values, hall *Service, st pastState, day string, rating sql.NullInt64) {
	if hall == nil {
		return
	}
	v.Enum[s.status.Slot()] = int32(s.status.CodeIndex(st.Status))
	v.Enum[s.level.Slot()] = int32(s.level.CodeIndex(st.StageLevel))
	v.Enum[s.open.Slot()] = int32(boolInt(!st.Finished()))
	v.Enum[s.accepted.Slot()] = int32(boolInt(st.AcceptedOn != ""))
	v.Enum[s.finished.Slot()] = int32(boolInt(st.Finished()))
	dayEnd, _ := workdays.ParseDate(day)
	v.Enum[s.overdue.Slot()] = int32(boolInt(hall.OverdueAt(st.Application, dayEnd.AddDate(0, 0, 1))))
	v.Enum[s.onTime.Slot()] = -1
	v.Num[s.days.Slot()] = math.NaN()
	if st.OnTime != nil {
		v.Enum[s.onTime.Slot()] = int32(boolInt(*st.OnTime))
	}
	if st.Finished() && st.AcceptedOn != "" {
		v.Num[s.days.Slot()] = float64(hall.cal.WorkdaysBetween(st.AcceptedOn, st.FinishedOn))
	}
	v.Num[s.rating.Slot()] = math.NaN()
	if st.rated && rating.Valid {
		v.Num[s.rating.Slot()] = float64(rating.Int64)
	}
	v.Num[s.returns.Slot()] = float64(st.returns)
}

// Columns lists the ledger's columns: what a clerk sees in a queue, less
// the applicant. Names, phone numbers, reasons and notes are left out: the
// ledger is for viewers who hold reports.read, not necessarily
// services.read. The tracking number alone opens nothing: the public
// lookup also asks for the phone's last four digits.
func (s *indicatorSource) Columns(e *indicators.Entity) []indicators.Column {
	if e.Name == s.cert.ent.Name {
		return s.cert.columns()
	}
	return []indicators.Column{{Label: "受理编号", Kind: "text"}, {Label: "事项", Kind: "text"}, {Label: "收件日期", Kind: "text"},
		{Label: "期末状态", Kind: "text"}, {Label: "办理环节", Kind: "text"}, {Label: "办结日期", Kind: "text"},
		{Label: "代办", Kind: "text"}}
}

// Describe lists applications by id as they stood at the end of the
// period.
func (s *indicatorSource) Describe(ctx context.Context, e *indicators.Entity, p indicators.Period, community int64, ids []int64) ([]indicators.LedgerRow, error) {
	if e.Name == s.cert.ent.Name {
		return s.cert.describe(ctx, s.db, p, community, ids)
	}
	hall, err := s.service(ctx)
	if err != nil {
		return nil, err
	}
	startCut, endCut := cutoffs(p)
	var out []indicators.LedgerRow
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 400)]
		ids = ids[len(chunk):]
		steps, err := s.stepsBefore(ctx, community, endCut, chunk)
		if err != nil {
			return nil, err
		}
		a := s.db.Args(community)
		rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(grid_id, 0), org_id, tracking_no, item_name, chain, time_limit,
				proxy, created_at
			FROM service_applications WHERE community_id = $1 AND `+a.In("id", database.AnyOf(chunk)...)+` ORDER BY created_at, id`,
			a.Values()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r := indicators.LedgerRow{Place: access.Place{Community: community}}
			var no, item, chain, createdAt string
			var timeLimit, proxy int
			if err := rows.Scan(&r.ID, &r.Place.Grid, &r.Place.Org, &no, &item, &chain, &timeLimit, &proxy, &createdAt); err != nil {
				rows.Close()
				return nil, err
			}
			a := Application{TimeLimit: timeLimit}
			if err := json.Unmarshal([]byte(chain), &a.Chain); err != nil {
				rows.Close()
				return nil, err
			}
			_, st := hall.replay(a, steps[r.ID], startCut)
			stage := "窗口"
			switch {
			case st.Finished():
				stage = ""
			case st.Status == StatusProcessing:
				stage = st.CurrentStage().Name
			}
			r.Cells = []string{no, item, dateOf(database.ParseTime(createdAt)), statusValues[s.status.CodeIndex(st.Status)].Name,
				stage, st.FinishedOn, map[bool]string{true: "是", false: "否"}[proxy != 0]}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
