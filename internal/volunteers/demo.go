package volunteers

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"shequ/internal/database"
	"shequ/internal/workdays"
)

// The demo's year of 志愿服务 in a community: its four teams (医疗, 老年文化,
// 红袖章巡逻, 党员) of about a hundred residents, a year of activities with
// shifts, sign-ups, check-ins and check-outs written as the QR writes
// them, training every other month, commendations and the year's evaluations.

// DemoSummary counts what LoadDemo wrote.
type DemoSummary struct {
	Volunteers, Activities, Hours int
}

type demoTeam struct {
	name, kind, skill string
	size              int
	titles            []string
	weekday           time.Weekday
	from, to          int // hours of day
}

var demoTeams = []demoTeam{
	{"医疗志愿服务队", "medical", "medical", 22, []string{"义诊进社区", "测血压血糖", "健康讲座"}, time.Saturday, 9, 11},
	{"老年文化志愿服务队", "culture", "culture", 28, []string{"老年合唱排练", "秧歌队演出", "书法班"}, time.Wednesday, 15, 17},
	{"红袖章巡逻队", "patrol", "patrol", 30, []string{"治安巡逻", "夜间巡逻", "防火巡查"}, time.Tuesday, 19, 21},
	{"党员志愿服务队", "party", "publicity", 24, []string{"环境整治", "政策宣传", "关爱独居老人"}, time.Friday, 9, 11},
}

// LoadDemo writes a year of volunteer service before now in the
// community, in one transaction; a second call adds nothing.
func LoadDemo(ctx context.Context, db *database.DB, community int64, seed uint64, now time.Time) (DemoSummary, error) {
	var sum DemoSummary
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteers WHERE community_id = $1`, community).Scan(&n); err != nil || n > 0 {
		return sum, err
	}
	rng := rand.New(rand.NewPCG(seed^0x701, seed))
	s := NewService(db, func() time.Time { return now })
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		// The organiser: a staff member of the community with an account.
		var orgID sql.NullInt64
		organiser := "社区志愿服务站"
		tx.QueryRowContext(ctx, `SELECT user_id, name FROM org_staff WHERE community_id = $1 AND role <> 'grid_worker'
			ORDER BY CASE role WHEN 'community_staff' THEN 0 ELSE 1 END, id LIMIT 1`, community).Scan(&orgID, &organiser)
		// Residents of working and retired age, with a phone.
		rows, err := tx.QueryContext(ctx, `SELECT id, grid_id, name FROM persons WHERE community_id = $1 AND status = 'active'
			AND doc_type = 'resident_id' AND birth_date <= $2 AND birth_date >= $3 ORDER BY id LIMIT 2000`, community,
			now.AddDate(-20, 0, 0).Format(database.DateLayout), now.AddDate(-75, 0, 0).Format(database.DateLayout))
		if err != nil {
			return err
		}
		var people []personRow
		for rows.Next() {
			var p personRow
			var grid sql.NullInt64
			if err := rows.Scan(&p.id, &grid, &p.name); err != nil {
				rows.Close()
				return err
			}
			p.grid = grid.Int64
			people = append(people, p)
		}
		rows.Close()
		if len(people) < 104 {
			return nil // a community too small for the demo's teams
		}
		rng.Shuffle(len(people), func(i, j int) { people[i], people[j] = people[j], people[i] })
		yearAgo := now.AddDate(-1, 0, 0)
		at := database.FormatTime(yearAgo)
		next := 0
		for _, t := range demoTeams {
			team := Team{ID: database.NewID(), CommunityID: community, Name: t.name, Kind: t.kind}
			if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_teams (community_id, id, name, kind, created_at) VALUES ($1, $2, $3, $4, $5)`,
				community, team.ID, team.Name, team.Kind, at); err != nil {
				return err
			}
			var members []Volunteer
			for i := 0; i < t.size; i++ {
				p := people[next]
				next++
				pr := Profile{Skills: []string{t.skill}, Availability: Availability{Weekdays: []int{isoDay(t.weekday)},
					From: fmt.Sprintf("%02d:00", t.from), To: fmt.Sprintf("%02d:00", t.to)}, TeamIDs: []int64{team.ID}}
				if rng.IntN(3) == 0 {
					pr.Skills = append(pr.Skills, Skills[rng.IntN(8)].Code)
				}
				s.now = func() time.Time { return yearAgo.AddDate(0, 0, -rng.IntN(700)) }
				v, err := s.insertVolunteer(ctx, tx, community, p, pr, "staff", organiser)
				if err != nil {
					return err
				}
				members = append(members, v)
				sum.Volunteers++
			}
			// Weekly activities through the year, a few weeks missed.
			for d := yearAgo; d.Before(now.AddDate(0, 0, 14)); d = d.AddDate(0, 0, 1) {
				if d.Weekday() != t.weekday || rng.IntN(8) == 0 {
					continue
				}
				n, err := demoActivity(ctx, s, tx, rng, community, team.ID, "service", t.titles[rng.IntN(len(t.titles))],
					t.skill, orgID.Int64, organiser, d, t.from, t.to, members, now)
				if err != nil {
					return err
				}
				sum.Activities++
				sum.Hours += n
			}
		}
		// Monthly training for everyone: 急救, 消防, 志愿服务规范.
		all := []Volunteer{}
		for i := 0; i < next; i++ {
			v, err := s.volunteerByPerson(ctx, tx, people[i].id)
			if err != nil {
				return err
			}
			all = append(all, v)
		}
		trainings := []string{"应急救护培训", "消防安全培训", "志愿服务规范培训"}
		for m := 1; m <= 12; m += 2 {
			d := yearAgo.AddDate(0, m, 0)
			n, err := demoActivity(ctx, s, tx, rng, community, 0, "training", trainings[(m/2)%3], "", orgID.Int64,
				organiser, d, 14, 16, all, now)
			if err != nil {
				return err
			}
			sum.Activities++
			sum.Hours += n
		}
		// Commendations and the last year's evaluations.
		s.now = func() time.Time { return now }
		for i := 0; i < 12; i++ {
			v := all[rng.IntN(len(all))]
			given := now.AddDate(0, -rng.IntN(11), 0).In(workdays.Shanghai).Format(database.DateLayout)
			if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_records (community_id, id, volunteer_id, kind, title, grade,
				content, given_on, given_by, created_at, created_by) VALUES ($1, $2, $3, 'commendation', $4, $5, $6, $7, $8, $9, $10)`,
				community, database.NewID(), v.ID, []string{"优秀志愿者", "最美志愿者", "志愿服务先进个人"}[i%3],
				Levels[i%3], "常年参加社区志愿服务", given, []string{"城北社区居委会", "真武洞街道办事处", "安塞区文明办"}[i%3],
				database.FormatTime(now), organiser); err != nil {
				return err
			}
		}
		for i, v := range all {
			if i%4 != 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_records (community_id, id, volunteer_id, kind, title, grade,
				given_on, given_by, created_at, created_by) VALUES ($1, $2, $3, 'evaluation', $4, $5, $6, $7, $8, $9)`,
				community, database.NewID(), v.ID, strconv.Itoa(yearAgo.Year())+"年度志愿服务评价", Grades[rng.IntN(3)],
				yearAgo.AddDate(0, 0, 30).Format(database.DateLayout), "城北社区居委会", database.FormatTime(now), organiser); err != nil {
				return err
			}
		}
		return nil
	})
	return sum, err
}

func isoDay(d time.Weekday) int {
	if d == time.Sunday {
		return 7
	}
	return int(d)
}

func (s *Service) volunteerByPerson(ctx context.Context, q database.Querier, person int64) (Volunteer, error) {
	var id int64
	if err := q.QueryRowContext(ctx, `SELECT id FROM volunteers WHERE person_id = $1`, person).Scan(&id); err != nil {
		return Volunteer{}, err
	}
	return s.volunteer(ctx, q, id)
}

// demoActivity writes one activity of a day with one shift, a handful of
// its members signed up, and — for a past shift — their check-ins and
// check-outs with the rows the check-out writes. It returns the rows.
func demoActivity(ctx context.Context, s *Service, tx *sql.Tx, rng *rand.Rand, community, team int64, kind, title, skill string,
	orgID int64, organiser string, d time.Time, from, to int, members []Volunteer, now time.Time) (int, error) {
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, workdays.Shanghai)
	start, end := day.Add(time.Duration(from)*time.Hour), day.Add(time.Duration(to)*time.Hour)
	a := Activity{ID: database.NewID(), CommunityID: community, Title: title, Kind: kind, TeamID: team, Skill: skill,
		OrganiserID: orgID, Organiser: organiser, Status: "open"}
	created := database.FormatTime(start.AddDate(0, 0, -7))
	if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_activities (community_id, id, title, content, place, kind, team_id,
		skill, organiser_id, organiser, source, status, version, created_at, updated_at) VALUES ($1, $2, $3, '', '社区党群服务中心',
		$4, $5, $6, $7, $8, '', 'open', 1, $9, $9)`, community, a.ID, title, kind, nullID(team), skill, orgID, organiser, created); err != nil {
		return 0, err
	}
	slots := 6 + rng.IntN(6)
	if kind == "training" {
		slots = 40
	}
	s.now = func() time.Time { return start.AddDate(0, 0, -7) }
	sh, err := s.insertShift(ctx, tx, a, start, end, slots)
	if err != nil {
		return 0, err
	}
	rows := 0
	picked := rng.Perm(len(members))
	for i := 0; i < slots-rng.IntN(3) && i < len(picked); i++ {
		v := members[picked[i]]
		if err := s.take(ctx, tx, v, sh, false); err != nil {
			return rows, err
		}
		if !end.Before(now) || rng.IntN(12) == 0 {
			continue // to come, or did not show
		}
		in := start.Add(time.Duration(rng.IntN(40)-25) * time.Minute)
		out := end.Add(time.Duration(rng.IntN(30)-5) * time.Minute)
		if _, err := tx.ExecContext(ctx, `UPDATE volunteer_signups SET checked_in_at = $1 WHERE community_id = $2 AND shift_id = $3
			AND volunteer_id = $4`, database.FormatTime(in), community, sh.ID, v.ID); err != nil {
			return rows, err
		}
		s.now = func() time.Time { return out }
		r := ScanResult{At: out}
		if err := s.checkOut(ctx, tx, v, a, sh, in, &r); err != nil {
			return rows, err
		}
		rows++
	}
	return rows, nil
}
