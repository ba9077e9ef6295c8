// Package demo generates demo registers that reproduce the communities of the
// source documents and cities of any size, and loads them through the
// register's bulk Loader:
//
//   - chengbei: 陕西省延安市安塞区真武洞街道城北社区 — 7,891 households and
//     25,369 persons, of whom 3,112 floating households with 10,180 persons;
//     5 居民小组 (an org level "group" added at rank 50), 19 grids, 40 中心户长,
//     38 organisations (14 schools, 2 medical institutions) and 21 staff.
//   - zinan: 山西省临汾市侯马市路东街道紫南社区 — 1,685 households, 5,216
//     persons, 4 grids and 5 staff.
//   - city: a 乌海-like city of Options.Persons residents over 海勃湾区, 海南区
//     and 乌达区: communities of about 3,000 households, grids of about 400,
//     streets of 6–10 communities, 20–40 % floating residents.
//
// Staff: Summary.Staff counts community staff, the people on the community
// unit (书记 and 社区工作者: 城北's "社区现有工作人员21名"). Grid workers are
// counted apart, by grid: in chengbei and zinan each 网格员 is one of the
// community workers (19 of 城北's 21 run its 19 grids; the secretary and one
// worker do not), in the city preset 网格员 are people of their own.
// 中心户长, 居民小组长 and 楼栋长 are residents, recorded under their names.
//
// Everything is drawn from one PCG source seeded with Options.Seed, so the
// same seed and Today give the same names, ID numbers, households and
// structure; only the database ids (time-based) differ between loads. ID
// numbers are valid (GB 11643 check digit), fit birth date and sex, and are
// distinct within a load; each preset uses its own range of order codes
// (chengbei 000–299, zinan 300–499, city 500–999) so presets loaded into one
// database do not collide either.
//
// The counts are of everyone the register holds. Some of them have left in
// the last two years (history.go: about one in twenty moved away or died),
// so the register's present count, and the departments' lists, are that
// much lower; reports' 期内减少 items count the leavings month by month.
//
// Rows carry the date they entered the register: the first collection in the
// first half of 2015 for residents who were there before, the moving-in (or
// birth) date for later ones, so the register read as of a past date grows.
package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"shequ/internal/database"
	"shequ/internal/datareq"
	"shequ/internal/disclosure"
	"shequ/internal/events"
	"shequ/internal/funds"
	"shequ/internal/orgtree"
	"shequ/internal/partymembers"
	"shequ/internal/procurement"
	"shequ/internal/proposals"
	"shequ/internal/register"
	"shequ/internal/reports"
	"shequ/internal/residents"
	"shequ/internal/satisfaction"
	"shequ/internal/services"
	"shequ/internal/socialorgs"
	"shequ/internal/surveys"
	"shequ/internal/visits"
	"shequ/internal/volunteers"
	"shequ/internal/volunteers/certificates"
	"shequ/internal/workaccess"
	"shequ/internal/workforce"
)

// Options selects and sizes a preset.
type Options struct {
	Preset  string    // chengbei, zinan or city
	Persons int       // city only: residents to generate, at least 1,000
	Seed    uint64    // the same seed gives the same data
	Today   time.Time // the register's present; zero means now
}

// Summary counts what was loaded.
type Summary struct {
	Preset      string
	Communities int
	Groups      int // 居民小组
	Grids       int
	Buildings   int // 楼栋 and 平房院落
	Units       int // 单元 of the multi-storey buildings
	Houses      int
	HouseUse    map[string]int // owner, rented, vacant

	Households           int
	FloatingHouseholds   int
	CollectiveHouseholds int
	Persons              int
	FloatingPersons      int
	ResidentPersons      int // 常住: living here, 户籍 elsewhere
	Rentals              int
	Employed             int // persons employed by the community's organisations

	Organisations       int
	OrganisationsByKind map[string]int

	// Staff is the community staff (书记 and 社区工作者 on the community
	// unit), 21 for 城北. The other roles are counted by assignment.
	Staff            int
	GridWorkers      int // one 网格员 per grid
	GridWorkersStaff int // of those, held by community staff (城北: 19)
	CenterHeads      int
	GroupLeaders     int
	BuildingHeads    int
	StaffRows        int // org_staff rows written

	Tags map[string]int // by tag_kinds code

	// The leavings of the last two years (history.go): persons moved out
	// and deceased (still rows, counted in Persons), households dissolved
	// and rentals ended with them.
	MovedOut, Deceased, Dissolved, RentalsEnded int
}

// Presets lists the preset names.
func Presets() []string { return []string{"chengbei", "zinan", "city"} }

// Load generates the preset and writes it to db, one Loader transaction per
// community, calling progress with the persons written so far and the
// persons expected. Loading a preset whose communities are already in the
// database is refused.
func Load(ctx context.Context, db *database.DB, opt Options, progress func(done, total int)) (sum Summary, loadErr error) {
	if opt.Today.IsZero() {
		opt.Today = time.Now()
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	today := dayOf(opt.Today)
	if today < daysFromCivil(2016, 1, 1) {
		return Summary{}, fmt.Errorf("演示数据从2015年起登记,当前日期应在2016年之后")
	}
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	var spec *presetSpec
	switch opt.Preset {
	case "chengbei":
		spec = chengbei()
	case "zinan":
		spec = zinan()
	case "city":
		if opt.Persons < 1000 {
			return Summary{}, fmt.Errorf("city 预设至少需要 1000 人(当前 %d)", opt.Persons)
		}
		spec = city(rng, opt.Persons)
	default:
		return Summary{}, fmt.Errorf("未知预设 %q,可选: chengbei、zinan、city", opt.Preset)
	}
	sum = Summary{Preset: spec.name, HouseUse: map[string]int{}, OrganisationsByKind: map[string]int{}, Tags: map[string]int{}}
	comms := spec.communities()
	total := 0
	groups := false
	for _, c := range comms {
		total += c.persons
		groups = groups || c.groups > 0
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_units WHERE level = $1 AND code = $2`,
			orgtree.LevelCommunity, c.code).Scan(&n); err != nil {
			return sum, err
		}
		if n > 0 {
			return sum, fmt.Errorf("%s(区划代码 %s)已在数据库中,预设 %s 不能重复载入", c.name, c.code, spec.name)
		}
	}
	store := orgtree.NewStore(db)
	if groups {
		if err := store.SetLevel(ctx, orgtree.Level{Kind: orgtree.LevelGroup, Name: "居民小组", Rank: 50}); err != nil {
			return sum, err
		}
	}
	streets, err := upper(ctx, db, store, spec)
	if err != nil {
		return sum, err
	}

	// Into an empty register the rows go in first and the indexes are built
	// after them (however the load ends: a failed load keeps its rows).
	restore, err := register.DeferIndexes(ctx, db)
	if err != nil {
		return sum, err
	}
	defer func() {
		if err := restore(context.WithoutCancel(ctx)); err != nil && loadErr == nil {
			loadErr = err
		}
	}()

	// Plans are made one community ahead on their own goroutine, while the
	// previous one is written.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	plans := make(chan *plan, 1)
	go func() {
		defer close(plans)
		g := newGenerator(spec, rng, today)
		for i, c := range comms {
			select {
			case plans <- g.community(streets[i], c):
			case <-ctx.Done():
				return
			}
		}
	}()
	done := 0
	for p := range plans {
		if loadErr != nil {
			continue
		}
		first := sum.Communities == 0
		if err := write(ctx, db, store, p, first, func(n int) { progress(done+n, total) }); err != nil {
			loadErr = fmt.Errorf("%s: %w", p.spec.name, err)
			cancel()
			continue
		}
		left, err := writeHistory(ctx, db, p, opt.Seed, today)
		if err != nil {
			loadErr = fmt.Errorf("%s 的迁出与死亡: %w", p.spec.name, err)
			cancel()
			continue
		}
		sum.MovedOut += left.movedOut
		sum.Deceased += left.deceased
		sum.Dissolved += left.dissolved
		sum.RentalsEnded += left.rentalsEnded
		done += p.persons
		progress(done, total)
		sum.add(p)
	}
	if loadErr != nil {
		return sum, loadErr
	}
	if loadErr = restore(ctx); loadErr != nil {
		return sum, loadErr
	}
	restore = func(context.Context) error { return nil }
	if loadErr == nil {
		loadErr = loadServices(ctx, db, opt, &sum)
	}
	if loadErr == nil {
		loadErr = events.LoadDemo(ctx, db, opt.Seed, opt.Today) // events in every stage, in the first communities
	}
	if loadErr != nil {
		return sum, loadErr
	}
	// The sample monthly report (示例, 358 items), so that the demo shows a
	// computed report; installing it again is a no-op. It counts 事件 and
	// 办件, whose sources it compiles its indicators against.
	if _, err := reports.New(db, nil, events.NewIndicatorSource, services.NewIndicatorSource).InstallSample(ctx); err != nil {
		return sum, fmt.Errorf("示例报表: %w", err)
	}
	// 城北 shows the work catalogue in use: a few months of departments'
	// requests and the review group's decisions on them.
	if opt.Preset == "chengbei" {
		if err := workaccess.LoadDemo(ctx, db, opt.Seed, opt.Today); err != nil {
			return sum, fmt.Errorf("工作准入申请: %w", err)
		}
		if err := workaccess.LoadLedgerDemo(ctx, db, opt.Seed, opt.Today); err != nil {
			return sum, fmt.Errorf("费随事转: %w", err)
		}
		// 民政 and 卫健 ask the street for data: a subscription each, and
		// the items the register cannot answer decided one by one.
		var street int64
		if err := db.QueryRowContext(ctx, `SELECT parent_id FROM org_units WHERE level = $1 AND code = $2`,
			orgtree.LevelCommunity, comms[0].code).Scan(&street); err != nil {
			return sum, err
		}
		rep := reports.New(db, nil, events.NewIndicatorSource, services.NewIndicatorSource)
		if err := datareq.LoadDemo(ctx, db, rep, street, opt.Today); err != nil {
			return sum, fmt.Errorf("数据需求: %w", err)
		}
		// Two years of 百家熟 visits, with the gaps of real work.
		var ids []int64
		for _, c := range comms {
			var id int64
			if err := db.QueryRowContext(ctx, `SELECT id FROM org_units WHERE level = $1 AND code = $2`,
				orgtree.LevelCommunity, c.code).Scan(&id); err != nil {
				return sum, err
			}
			ids = append(ids, id)
		}
		vs, err := visits.LoadDemo(ctx, db, register.NewStore(db), ids, opt.Seed, opt.Today)
		if err != nil {
			return sum, fmt.Errorf("入户走访: %w", err)
		}
		// What the visits found: members moved away, pregnancies.
		sum.MovedOut += vs.MovedOut
		sum.Tags["pregnant"] += vs.Pregnancies
		// A year of 在职党员双报到 in 城北: members, posts, service,
		// pairings and their visits, wishes.
		if _, err := partymembers.LoadDemo(ctx, db, register.NewStore(db), ids[0], opt.Seed, opt.Today); err != nil {
			return sum, fmt.Errorf("在职党员: %w", err)
		}
		// A year of 志愿服务 in the first community: four teams, activities, hours.
		if _, err := volunteers.LoadDemo(ctx, db, ids[0], opt.Seed, opt.Today); err != nil {
			return sum, fmt.Errorf("志愿服务: %w", err)
		}
		// 群众满意度: households rate one in eight of the visits they met, in
		// every community, and volunteers the activities they served in;
		// events and applications carry their ratings already.
		for i, c := range ids {
			if _, err := visits.LoadRatingsDemo(ctx, db, c, opt.Seed+uint64(i), opt.Today); err != nil {
				return sum, fmt.Errorf("走访评价: %w", err)
			}
		}
		if _, err := volunteers.LoadRatingsDemo(ctx, db, ids[0], opt.Seed, opt.Today); err != nil {
			return sum, fmt.Errorf("志愿服务活动评价: %w", err)
		}
		// 社区社会组织 in the first community: filed, with members and a year of activities.
		if _, err := socialorgs.LoadDemo(ctx, db, ids[0], opt.Seed, opt.Today); err != nil {
			return sum, fmt.Errorf("社区社会组织: %w", err)
		}
		// Certificates of those hours: issued, in notice, one objected to.
		if _, err := certificates.LoadDemo(ctx, db, ids[:1], opt.Today); err != nil {
			return sum, fmt.Errorf("志愿服务记录证明: %w", err)
		}
		// Ten months of 居民身份核验 in the first community: codes asked
		// for, typed or lapsed, and the sessions they opened.
		if _, err := residents.LoadDemo(ctx, db, ids[0], opt.Seed, opt.Today); err != nil {
			return sum, fmt.Errorf("居民身份核验: %w", err)
		}
		// A year of 社区经费 in the first community: allocations by rule,
		// monthly expenses, 费随事转 spent against the payments above, a
		// reversal and an idle special fund; before 政府购买服务, which pays
		// from them, and 居务公开, which publishes their statements.
		if _, err := funds.LoadDemo(ctx, db, ids[0], opt.Seed, opt.Today); err != nil {
			return sum, fmt.Errorf("社区经费: %w", err)
		}
		// A year of 议事协商 in the first community: matters, arguments,
		// votes by the register's residents, decisions and follow-up.
		if _, err := proposals.LoadDemo(ctx, db, ids[0], opt.Seed, opt.Today); err != nil {
			return sum, fmt.Errorf("议事协商: %w", err)
		}
		// A year of 问卷调查 in the first community: closed surveys with
		// hundreds of responses from the register's residents, one open.
		if _, err := surveys.LoadDemo(ctx, db, ids[0], opt.Seed, opt.Today); err != nil {
			return sum, fmt.Errorf("问卷调查: %w", err)
		}
		// 政府购买服务 in the first community: a project at every stage,
		// from its passed decisions, bid for by its filed organisations,
		// its payments booked on the accounts as 服务购买.
		if _, err := procurement.LoadDemo(ctx, db, ids[0], opt.Seed, opt.Today, fundPayer{db}); err != nil {
			return sum, fmt.Errorf("政府购买服务: %w", err)
		}
		// A year of 居务公开: every period published, some late, one month
		// of 城北's finances missed (overdue), its decisions and questions.
		// Its rows of report figures publish what the reports compute, its
		// 财务收支 rows the funds' statements, after every capability that
		// spends from them.
		figures := reports.New(db, nil, events.NewIndicatorSource, services.NewIndicatorSource, satisfaction.NewIndicatorSource)
		if _, err := disclosure.LoadDemo(ctx, db, ids, opt.Seed, opt.Today, figures.PeriodFigures,
			funds.NewService(db, nil).PublicStatement); err != nil {
			return sum, fmt.Errorf("居务公开: %w", err)
		}
	}
	// The roster's coordinators, certificates, training and assessments.
	coordinators, err := workforce.LoadDemo(ctx, db, opt.Seed, opt.Today)
	if err != nil {
		return sum, fmt.Errorf("社区工作者与协管员: %w", err)
	}
	sum.StaffRows += coordinators // 协管员, on org_staff as role coordinator
	return sum, nil
}

// upper creates (or finds) the city, districts and streets, returning each
// community's street.
func upper(ctx context.Context, db *database.DB, store *orgtree.Store, spec *presetSpec) ([]orgtree.Unit, error) {
	var out []orgtree.Unit
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		city, err := findOrCreate(ctx, tx, store, 0, orgtree.LevelCity, spec.city, spec.cityCode)
		if err != nil {
			return err
		}
		for _, d := range spec.districts {
			if len(d.streets) == 0 {
				continue
			}
			du, err := findOrCreate(ctx, tx, store, city.ID, orgtree.LevelDistrict, d.name, d.code)
			if err != nil {
				return err
			}
			for _, s := range d.streets {
				su, err := findOrCreate(ctx, tx, store, du.ID, orgtree.LevelStreet, s.name, s.code)
				if err != nil {
					return err
				}
				for range s.communities {
					out = append(out, su)
				}
			}
		}
		return nil
	})
	return out, err
}

func findOrCreate(ctx context.Context, tx *sql.Tx, store *orgtree.Store, parent int64, level, name, code string) (orgtree.Unit, error) {
	u := orgtree.Unit{ParentID: parent, Level: level, Name: name, Code: code}
	err := tx.QueryRowContext(ctx, `SELECT id FROM org_units WHERE level = $1 AND code = $2`, level, code).Scan(&u.ID)
	if err == nil {
		return u, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return u, err
	}
	return u, store.Create(ctx, tx, &u)
}

// write stores one community in its own Loader transaction: the org units
// and staff first (on the Loader's transaction, before any row is queued),
// then organisations, buildings, houses and the households with their
// members, rentals and tags.
func write(ctx context.Context, db *database.DB, store *orgtree.Store, p *plan, first bool, progress func(int)) error {
	l, err := register.NewLoader(ctx, db, register.Actor{Name: "演示数据", Source: "demo"})
	if err != nil {
		return err
	}
	if err := writeRows(ctx, db, l, store, p, first, progress); err != nil {
		l.Rollback()
		return err
	}
	return l.Commit(ctx)
}

func writeRows(ctx context.Context, db *database.DB, l *register.Loader, store *orgtree.Store, p *plan, analyze bool,
	progress func(int)) error {
	tx := l.Tx()
	// The units were there when the register's history begins: their
	// pages say so, and show each assignment on the day it began.
	actor := orgtree.Actor{Name: "演示数据", Source: "demo"}
	since := time.Now()
	for _, b := range p.buildings {
		if b.at.Before(since) {
			since = b.at
		}
	}
	for i := range p.units {
		if err := store.Create(ctx, tx, &p.units[i]); err != nil {
			return fmt.Errorf("%s: %w", p.units[i].Name, err)
		}
		if err := store.RecordCreated(ctx, tx, actor, since, p.units[i]); err != nil {
			return err
		}
	}
	for i := range p.staff {
		if err := store.AddStaff(ctx, tx, &p.staff[i]); err != nil {
			return err
		}
		if err := store.RecordAssigned(ctx, tx, actor, p.staff[i]); err != nil {
			return err
		}
	}
	for i := range p.orgs {
		if err := l.Organisation(ctx, p.orgs[i].at, &p.orgs[i].row); err != nil {
			return err
		}
	}
	for i := range p.buildings {
		if err := l.Building(ctx, p.buildings[i].at, &p.buildings[i].row); err != nil {
			return err
		}
	}
	for i := range p.houses {
		if err := l.House(ctx, p.houses[i].at, &p.houses[i].row); err != nil {
			return err
		}
	}
	written, reported := 0, 0
	for _, hp := range p.households {
		if err := l.Household(ctx, hp.at, &hp.h, hp.members[0].row.Name); err != nil {
			return err
		}
		for i := range hp.members {
			if err := l.Person(ctx, hp.members[i].at, &hp.members[i].row); err != nil {
				return err
			}
		}
		if hp.rental != nil {
			if err := l.Rental(ctx, hp.rental.at, &hp.rental.row); err != nil {
				return err
			}
		}
		for i := range hp.tags {
			if err := l.Tag(ctx, hp.tags[i].at, &hp.tags[i].row); err != nil {
				return err
			}
		}
		written += len(hp.members)
		if analyze && written >= 3000 {
			// PostgreSQL plans the foreign-key checks of person_tags,
			// rental_tenants and persons with the statistics of the empty
			// tables and then scans whole communities for each row (城北
			// took 43 s instead of 5 s). Statistics taken once the first
			// rows are in fix the plans. The Loader on PostgreSQL runs its
			// statements synchronously, so its transaction is free here
			// (SQLite, whose Loader writes on its own goroutine, plans
			// without statistics: Analyze does nothing there).
			// TODO: remove once register.Loader does this itself.
			analyze = false
			if err := db.Analyze(ctx, l.Tx(), "buildings", "houses", "households", "persons", "rentals"); err != nil {
				return err
			}
		}
		if written-reported >= 2000 {
			reported = written
			progress(written)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// add counts a written community.
func (s *Summary) add(p *plan) {
	s.Communities++
	s.Groups += len(p.groups)
	s.Grids += len(p.grids)
	s.Buildings += len(p.buildings)
	for _, u := range p.units {
		if u.Level == orgtree.LevelUnit {
			s.Units++
		}
	}
	s.Houses += len(p.houses)
	for _, h := range p.houses {
		s.HouseUse[h.row.Use]++
	}
	for _, o := range p.orgs {
		s.Organisations++
		s.OrganisationsByKind[o.row.Kind]++
	}
	for _, hp := range p.households {
		s.Households++
		switch hp.h.Kind {
		case register.HouseholdFloating:
			s.FloatingHouseholds++
		case register.HouseholdCollective:
			s.CollectiveHouseholds++
		}
		for _, m := range hp.members {
			s.Persons++
			switch m.row.Residence {
			case register.ResidenceFloating:
				s.FloatingPersons++
			case register.ResidenceResident:
				s.ResidentPersons++
			}
			if m.row.EmployerID != 0 {
				s.Employed++
			}
		}
		if hp.rental != nil {
			s.Rentals++
		}
		for _, t := range hp.tags {
			s.Tags[t.row.Tag]++
		}
	}
	for _, st := range p.staff {
		s.StaffRows++
		switch st.Role {
		case orgtree.RoleSecretary, orgtree.RoleCommunityStaff:
			s.Staff++
		case orgtree.RoleGridWorker:
			s.GridWorkers++
			if !p.spec.gridWorkersApart {
				s.GridWorkersStaff++
			}
		case orgtree.RoleCenterHead:
			s.CenterHeads++
		case orgtree.RoleGroupLeader:
			s.GroupLeaders++
		case orgtree.RoleBuildingHead:
			s.BuildingHeads++
		}
	}
}
