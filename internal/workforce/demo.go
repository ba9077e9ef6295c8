package workforce

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/workdays"
)

// The demo's roster: 城北 (code 610603100001) with its 21 staff and 40 中心户
// 长 as the demo's org tree made them, given coordinators — the posts of
// 协管员 and eight 五老 carrying the 五大员 duties, residents of the
// community — certificates (a third of the staff 助理社会工作师 or 社会工作师),
// a year of monthly training and two assessment rounds (last year's annual,
// the last finished quarter); the other communities a lighter roster of
// three coordinators, a few certificates and quarterly training — except
// 紫南 (141081001001), whose five staff hold no 社会工作师 certificate, as
// its report says (还是空白).

const chengbeiCode, zinanCode = "610603100001", "141081001001"

var demoTraining = []struct{ title, organiser string }{
	{"社区工作者岗位能力提升培训", "安塞区民政局"}, {"网格化服务管理实务", "真武洞街道办事处"},
	{"社会救助政策解读", "安塞区民政局"}, {"矛盾纠纷排查调解实务", "安塞区司法局"},
	{"消防安全与应急处置", "安塞区应急管理局"}, {"人口信息采集规范", "安塞区公安局"},
	{"党建引领基层治理专题", "中共安塞区委组织部"}, {"社会工作者职业资格考前辅导", "安塞区民政局"},
	{"心理疏导与危机干预", "安塞区卫生健康局"}, {"反电信诈骗宣传培训", "城北派出所"},
	{"养老服务政策与居家照护", "安塞区民政局"}, {"就业创业政策与劳动保障", "安塞区人社局"},
}

// coordinatorPosts are 城北's coordinators by post, with the employer that
// places them.
var coordinatorPosts = []struct{ post, employer string }{
	{"labour", "安塞区人社局"}, {"family_planning", "安塞区卫生健康局"}, {"disability", "安塞区残联"},
	{"zongzhi", "安塞区委政法委"}, {"zongzhi", "安塞区委政法委"}, {"rental", "城北派出所"}, {"urban", "安塞区城管局"},
	{"correction", "安塞区司法局"}, {"elderly", "安塞区民政局"},
}

// LoadDemo gives every community of the database its roster's records;
// a community that has coordinators already is left as it is. It returns
// the coordinators' assignments it added to org_staff.
func LoadDemo(ctx context.Context, db *database.DB, seed uint64, today time.Time) (int, error) {
	rng := rand.New(rand.NewPCG(seed^0x5ca1ab1e, seed+17))
	rows, err := db.QueryContext(ctx, `SELECT id, code FROM org_units WHERE level = 'community' ORDER BY sort, name, id`)
	if err != nil {
		return 0, err
	}
	type comm struct {
		id   int64
		code string
	}
	var cs []comm
	for rows.Next() {
		var c comm
		if err := rows.Scan(&c.id, &c.code); err != nil {
			rows.Close()
			return 0, err
		}
		cs = append(cs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	day := today.In(workdays.Shanghai).Format(database.DateLayout)
	s := NewService(db, func() time.Time { return today })
	bands, err := s.Bands(ctx)
	if err != nil {
		return 0, err
	}
	added := 0
	for _, c := range cs {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_staff WHERE community_id = $1 AND role = 'coordinator'`,
			c.id).Scan(&n); err != nil {
			return added, err
		}
		if n > 0 {
			continue
		}
		d := demo{s: s, rng: rng, community: c.id, today: day, bands: bands, full: c.code == chengbeiCode,
			noSocialWork: c.code == zinanCode}
		if err := db.InTx(ctx, d.load); err != nil {
			return added, fmt.Errorf("社区 %s 的工作人员: %w", c.code, err)
		}
		added += d.added
	}
	return added, nil
}

type demo struct {
	s            *Service
	rng          *rand.Rand
	community    int64
	today        string
	bands        []Band
	full         bool // 城北: the full roster
	noSocialWork bool
	added        int // coordinators' assignments written
}

func (d *demo) between(lo, hi int) int { return lo + d.rng.IntN(hi-lo+1) }

func (d *demo) date(y, m, day int) string { return fmt.Sprintf("%04d-%02d-%02d", y, m, day) }

func (d *demo) load(tx *sql.Tx) error {
	ctx := context.Background()
	year, _ := strconv.Atoi(d.today[:4])
	// Residents who serve as coordinators: grown-ups of the community
	// with a phone; the 五老 among those over 60.
	pick := func(old bool, n int) ([]resident, error) {
		cut := d.date(year-60, 1, 1)
		q := `SELECT id, name, phone FROM persons WHERE community_id = $1 AND status = 'active' AND phone <> ''
			AND birth_date > $2 AND birth_date <= $3 ORDER BY id`
		lo, hi := cut, d.date(year-25, 1, 1)
		if old {
			lo, hi = d.date(year-82, 1, 1), cut
		}
		rows, err := tx.QueryContext(ctx, q, d.community, lo, hi)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var all []resident
		for rows.Next() {
			var r resident
			if err := rows.Scan(&r.id, &r.name, &r.phone); err != nil {
				return nil, err
			}
			all = append(all, r)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		var out []resident
		for i := 0; i < n && len(all) > 0; i++ {
			j := d.rng.IntN(len(all))
			out = append(out, all[j])
			all[j] = all[len(all)-1]
			all = all[:len(all)-1]
		}
		return out, nil
	}
	type coord struct {
		post, employer, wulao, title string
		duties                       []string
	}
	var cos []coord
	if d.full {
		for _, p := range coordinatorPosts {
			cos = append(cos, coord{post: p.post, employer: p.employer})
		}
		// 五老 as 治安/综治 coordinators, each with two or three of the 五大员.
		for i := 0; i < 8; i++ {
			var duties []string
			for _, k := range d.rng.Perm(len(Duties))[:d.between(2, 3)] {
				duties = append(duties, Duties[k].Code)
			}
			cos = append(cos, coord{post: []string{"security", "zongzhi"}[i%2], wulao: Wulao[i%len(Wulao)].Code,
				duties: duties, title: "五老志愿协管员"})
		}
	} else {
		cos = []coord{{post: "labour", employer: "区人社局"}, {post: "family_planning", employer: "区卫生健康局"},
			{post: "security", wulao: "soldier", duties: []string{"patrol", "informant"}, title: "五老志愿协管员"}}
	}
	young, err := pick(false, len(cos))
	if err != nil {
		return err
	}
	old, err := pick(true, len(cos))
	if err != nil {
		return err
	}
	actor := orgtree.Actor{Name: "演示数据", Source: "demo"}
	at := database.FormatTime(time.Now())
	for i, c := range cos {
		pool := young
		if c.wulao != "" {
			pool = old
		}
		if len(pool) == 0 {
			continue
		}
		r := pool[i%len(pool)]
		started := d.date(d.between(year-8, year-1), d.between(1, 12), d.between(1, 28))
		st := orgtree.Staff{UnitID: d.community, Role: orgtree.RoleCoordinator, Name: r.name, Phone: r.phone, StartedOn: started}
		if err := d.s.org.AddStaff(ctx, tx, &st); err != nil {
			return err
		}
		if err := d.s.org.RecordAssigned(ctx, tx, actor, st); err != nil {
			return err
		}
		d.added++
		duties := ""
		for j, x := range c.duties {
			if j > 0 {
				duties += ","
			}
			duties += x
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO workforce_profiles (community_id, staff_id, post, title, wulao, duties,
			employer, person_id, version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, '演示数据')`,
			d.community, st.ID, c.post, c.title, c.wulao, duties, c.employer, r.id, at); err != nil {
			return err
		}
	}
	// The people now on the roster, each by the assignment heading their line.
	as, err := d.s.assignments(ctx, tx, d.community)
	if err != nil {
		return err
	}
	for _, m := range people(d.community, as) {
		if m.EndedOn != "" || m.Kind == KindPost {
			continue
		}
		if err := d.records(ctx, tx, m, year, at); err != nil {
			return err
		}
	}
	return nil
}

type resident struct {
	id          int64
	name, phone string
}

// records writes a person's certificates, training and assessments.
func (d *demo) records(ctx context.Context, tx *sql.Tx, m *Member, year int, at string) error {
	staff := m.Kind == KindStaff
	// Certificates: a third of 城北's staff, a fifth elsewhere, none in 紫南.
	share := 5
	if d.full {
		share = 3
	}
	if staff && !d.noSocialWork && d.rng.IntN(share) == 0 {
		kind := []string{"sw_assistant", "sw_assistant", "sw"}[d.rng.IntN(3)]
		if m.Role == orgtree.RoleSecretary {
			kind = "sw"
		}
		y := d.between(year-9, year-1)
		if _, err := tx.ExecContext(ctx, `INSERT INTO workforce_qualifications (community_id, id, staff_id, kind, name, number,
			issued_on, expires_on, issuer, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $9, '演示数据')`,
			d.community, database.NewID(), m.StaffID, kind, QualKindName(kind), fmt.Sprintf("%d%06d", y, d.rng.IntN(1000000)),
			d.date(y, 12, d.between(1, 20)), "人力资源和社会保障部、民政部", at); err != nil {
			return err
		}
	}
	if staff && d.rng.IntN(4) == 0 {
		y := d.between(year-4, year-1)
		if _, err := tx.ExecContext(ctx, `INSERT INTO workforce_qualifications (community_id, id, staff_id, kind, name, number,
			issued_on, expires_on, issuer, recorded_at, recorded_by) VALUES ($1, $2, $3, 'other', $4, $5, $6, $7, $8, $9, '演示数据')`,
			d.community, database.NewID(), m.StaffID, "人民调解员资格证", fmt.Sprintf("TJ%d%04d", y, d.rng.IntN(10000)),
			d.date(y, d.between(3, 10), 15), d.date(y+3, d.between(3, 10), 14), "区司法局", at); err != nil {
			return err
		}
	}
	// Training: over the last twelve months, monthly for 城北's staff,
	// quarterly elsewhere and for coordinators.
	every := 3
	if d.full && staff {
		every = 1
	}
	t, _ := time.Parse(database.DateLayout, d.today)
	for k := 12; k >= 1; k -= every {
		when := t.AddDate(0, -k, 0)
		if d.rng.IntN(10) == 0 {
			continue // away that month
		}
		tr := demoTraining[d.rng.IntN(len(demoTraining))]
		on := when.Format("2006-01-") + fmt.Sprintf("%02d", d.between(3, 26))
		if on > d.today {
			continue
		}
		minutes := []int{90, 120, 180, 240, 360}[d.rng.IntN(5)]
		if _, err := tx.ExecContext(ctx, `INSERT INTO workforce_training (community_id, id, staff_id, held_on, title, organiser,
			minutes, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '演示数据')`,
			d.community, database.NewID(), m.StaffID, on, tr.title, tr.organiser, minutes, at); err != nil {
			return err
		}
	}
	// Two rounds: last year's annual and the last finished quarter.
	q := (int(t.Month()) - 1) / 3 // quarters finished this year
	last := fmt.Sprintf("%dQ%d", year, q)
	if q == 0 {
		last = fmt.Sprintf("%dQ4", year-1)
	}
	assessor := "真武洞街道考核组"
	if !staff {
		assessor = "社区两委"
	}
	for _, period := range []string{strconv.Itoa(year - 1), last} {
		if m.StartedOn > periodEnd(period) {
			continue
		}
		score := min(99, max(52, int(d.rng.NormFloat64()*7+84)))
		if _, err := tx.ExecContext(ctx, `INSERT INTO workforce_assessments (community_id, id, staff_id, period, score, grade,
			assessor, note, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, '演示数据')`,
			d.community, database.NewID(), m.StaffID, period, score, GradeOf(d.bands, score).Grade, assessor, at); err != nil {
			return err
		}
	}
	return nil
}
