package demo

import (
	"context"

	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"shequ/internal/codes"
	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// Department workbooks: the lists 城北社区's departments keep of its
// residents, as they would send them — written from the same plan the
// chengbei preset loads (same seed, same Today), then made to disagree with
// the register the way real lists do and dirtied the way real spreadsheets
// are:
//
//   - 公安-户籍人口登记表.xlsx (police): registered residents, one sheet per
//     居民小组 plus a sheet of notes; a title and a 填报单位 line above the
//     header, 户号 merged down each household, a 合计 line below. Births not
//     yet in the register (new persons), changed 户籍地址, corrected names,
//     ethnicity and relations (公安 is the authority: merged), different
//     现住址 (the register keeps its own: unchanged); legacy 15-digit ID
//     numbers, full-width digits, padded names, dates as Excel dates and as
//     1990.01.02, 1990年1月2日, 19900102, 1990-1-2; rejected: ID numbers
//     stored as numbers (digits lost), wrong check digits, birth dates that
//     contradict the ID.
//   - 计生-育龄妇女花名册.xlsx (health): women of 15–49, a two-row header
//     with merged group labels; phones the register lacks (merged), phones
//     that differ (queued: no one is the authority for a phone), women new
//     to the register (created, placed in the household at their address),
//     women whose 育龄妇女 tag is missing (merged); phones written every way;
//     birth months without a day (1990.01, unchanged: they agree with the
//     ID); rejected: wrong check digits.
//   - 民政-低保对象花名册.csv (civil), in GBK: everyone holding 低保, with
//     the monthly amount the register's tags lack (merged); 低保 the
//     register lacks or dates it differently (民政 is the authority:
//     merged), names that differ (queued), valid ID numbers other than the
//     register's namesake's (another person: created), missing numbers
//     (found by name and address: queued); numbers with an apostrophe,
//     dates as 2023/5/1, 2023年5月1日 and Excel serials; rejected: numbers in
//     Excel's exponent form.
//   - 残联-残疾人名册.xlsx (disabled): header on rows 4–5 with 残疾类别 and
//     残疾等级 under a merged 残疾情况; every card's category and level (the
//     register had none: merged), persons new to the register and tags the
//     register lacks (merged), phones that differ (queued); rejected: ID
//     numbers stored as numbers, sex contradicting the ID.
//
// Perturbations go to distinct persons, so the four lists can be imported
// in any order with the same result; each Workbook says what its rows
// should become.

// Workbook is one department list written, with the fate of its rows
// against the register as the preset loads it.
type Workbook struct {
	Department string
	File       string
	Rows       int // data rows
	Created    int
	Merged     int
	Queued     int
	Rejected   int
	Unchanged  int
}

// WriteWorkbooks writes the department lists of the chengbei preset into
// dir. opt must be the options the preset was (or will be) loaded with.
func WriteWorkbooks(opt Options, dir string) ([]Workbook, error) {
	if opt.Preset != "chengbei" {
		return nil, fmt.Errorf("部门名册只为 chengbei 预设生成")
	}
	if opt.Today.IsZero() {
		opt.Today = time.Now()
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	w := newWorkbookGen(opt)
	var out []Workbook
	for _, f := range []func(string) (Workbook, error){w.police, w.health, w.civil, w.disabled} {
		wb, err := f(dir)
		if err != nil {
			return nil, err
		}
		out = append(out, wb)
	}
	return out, nil
}

// resident is a person of the plan with what the lists need of them.
type resident struct {
	p       register.Person
	hh      *householdPlan
	age     int
	group   int // 居民小组, 0-based
	tags    map[string]register.Tag
	touched bool // given a perturbation by some list
}

type workbookGen struct {
	rng       *rand.Rand
	plan      *plan
	today     int
	people    []*resident
	byHH      map[*householdPlan][]*resident
	ids       map[string]bool
	names     map[string]bool
	community string
}

func newWorkbookGen(opt Options) *workbookGen {
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	spec := chengbei()
	today := dayOf(opt.Today)
	p := newGenerator(spec, rng, today).community(orgtree.Unit{}, spec.communities()[0])
	w := &workbookGen{rng: rand.New(rand.NewPCG(opt.Seed^0xd0c5, 77)), plan: p, today: today,
		byHH: map[*householdPlan][]*resident{}, ids: map[string]bool{}, names: map[string]bool{}, community: p.community.Name}
	parent := map[int64]int64{}
	for _, u := range p.units {
		parent[u.ID] = u.ParentID
	}
	groupOf := map[int64]int{}
	for i, g := range p.groups {
		groupOf[g.ID] = i
	}
	group := func(unit int64) int {
		for u := unit; u != 0; u = parent[u] {
			if g, ok := groupOf[u]; ok {
				return g
			}
		}
		return 0
	}
	// Who has left the register by today is on no department's current
	// list.
	gone := map[[2]int]bool{}
	for _, hl := range drawLeavings(p, opt.Seed, today) {
		for _, lv := range hl.members {
			gone[[2]int{hl.household, lv.member}] = true
		}
	}
	for hi, hp := range p.households {
		g := group(hp.h.OrgID)
		for i, m := range hp.members {
			w.ids[m.row.IDNumber] = true
			w.names[m.row.Name] = true
			if gone[[2]int{hi, i}] {
				continue
			}
			r := &resident{p: m.row, hh: hp, age: hp.ages[i], group: g, tags: map[string]register.Tag{}}
			for _, t := range hp.tags {
				if t.row.PersonID == m.row.ID && (t.row.EndedOn == "" || t.row.EndedOn >= dateString(today)) {
					r.tags[t.row.Tag] = t.row
				}
			}
			w.people = append(w.people, r)
			w.byHH[hp] = append(w.byHH[hp], r)
		}
	}
	return w
}

// pick chooses up to n persons for which ok holds and marks them touched;
// nobody is perturbed by two lists.
func (w *workbookGen) pick(n int, from []*resident, ok func(*resident) bool) []*resident {
	var out []*resident
	for _, i := range w.rng.Perm(len(from)) {
		if len(out) == n {
			break
		}
		r := from[i]
		if r.touched || !ok(r) {
			continue
		}
		r.touched = true
		out = append(out, r)
	}
	return out
}

func (w *workbookGen) chance(percent float64) bool { return w.rng.Float64()*100 < percent }

// newID makes a resident ID number the register does not hold.
func (w *workbookGen) newID(area string, day int, male bool) string {
	for {
		seq := 900 + 2*w.rng.IntN(50)
		if male {
			seq++
		}
		id := makeResidentID(area, day, seq)
		if !w.ids[id] {
			w.ids[id] = true
			return id
		}
	}
}

// Spreadsheet dirt.

func fullWidthDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r - '0' + '０'
		}
		return r
	}, s)
}

// legacyID writes an 18-digit number of someone born in the 1900s the way
// their first-generation card had it: 15 digits, no century, no check.
func legacyID(id string) string { return id[:6] + id[8:17] }

// badCheck gives a number a wrong check digit.
func badCheck(id string) string {
	c := id[17]
	for _, d := range "0123456789X" {
		if byte(d) != c {
			return id[:17] + string(d)
		}
	}
	return id
}

// rounded is an 18-digit number as Excel keeps it when stored as a number:
// 15 significant digits.
func rounded(id string) float64 {
	f, _ := strconv.ParseFloat(id[:15]+"000", 64)
	return f
}

// exponentForm is how a number stored as a number shows in a csv saved
// from Excel: 6.10603E+17.
func exponentForm(id string) string { return id[:1] + "." + id[1:6] + "E+17" }

// otherDigit changes the order code of a number by 2 (the sex stays) and
// recomputes the check digit: a typo no checksum catches.
func otherDigit(id string) string {
	seq, _ := strconv.Atoi(id[14:17])
	seq = (seq + 2) % 1000
	return makeResidentIDRaw(id[:14], seq)
}

// otherBirth moves the birth date in a number by a day, with a valid check
// digit.
func otherBirth(id string) string {
	t, _ := time.Parse("20060102", id[6:14])
	t = t.AddDate(0, 0, 1)
	seq, _ := strconv.Atoi(id[14:17])
	return makeResidentIDRaw(id[:6]+t.Format("20060102"), seq)
}

func makeResidentIDRaw(first14 string, seq int) string {
	b := []byte(first14 + fmt.Sprintf("%03d", seq))
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(b[i]-'0') * idWeights[i]
	}
	return string(b) + string("10X98765432"[sum%11])
}

// dateText writes a date in one of the ways lists do.
func dateText(day int, style int) string {
	y, m, d := civilFromDays(day)
	switch style % 5 {
	case 0:
		return fmt.Sprintf("%d.%02d.%02d", y, m, d)
	case 1:
		return fmt.Sprintf("%d年%d月%d日", y, m, d)
	case 2:
		return fmt.Sprintf("%04d%02d%02d", y, m, d)
	case 3:
		return fmt.Sprintf("%d-%d-%d", y, m, d)
	}
	return fmt.Sprintf("%d/%d/%d", y, m, d)
}

func dayOfString(s string) int {
	t, _ := time.Parse("2006-01-02", s)
	return dayOf(t)
}

// phoneText writes a mobile number the ways people type it.
func phoneText(p string, style int) string {
	if len(p) != 11 {
		return p
	}
	switch style % 6 {
	case 0:
		return p[:3] + "-" + p[3:7] + "-" + p[7:]
	case 1:
		return "+86 " + p
	case 2:
		return p[:3] + " " + p[3:7] + " " + p[7:]
	case 3:
		return fullWidthDigits(p)
	}
	return p
}

func ethnicityName(code string) string {
	n, _ := codes.EthnicityName(code)
	return n
}

func relationName(code string) string {
	n, _ := codes.RelationName(code)
	return n
}

func genderName(g string) string { return register.GenderNames[g] }

var nameChars = []rune("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华")

// variant changes the last character of a name: 王建国 → 王建华.
func variant(name string, r *rand.Rand) string {
	rs := []rune(name)
	for {
		c := nameChars[r.IntN(len(nameChars))]
		if c != rs[len(rs)-1] {
			rs[len(rs)-1] = c
			return string(rs)
		}
	}
}

// fate tallies what a list's rows should become.
func (wb *Workbook) fate(kind string) {
	wb.Rows++
	switch kind {
	case "created":
		wb.Created++
	case "merged":
		wb.Merged++
	case "queued":
		wb.Queued++
	case "rejected":
		wb.Rejected++
	default:
		wb.Unchanged++
	}
}

// change is what a list does to one person's row, and what it should make
// of them.
type change struct {
	fate  string
	apply func(row []any)
}

// police writes 公安's list of registered residents.
func (w *workbookGen) police(dir string) (Workbook, error) {
	wb := Workbook{Department: "police", File: "公安-户籍人口登记表.xlsx"}
	var reg []*resident
	for _, r := range w.people {
		if r.p.Residence == register.ResidenceRegistered {
			reg = append(reg, r)
		}
	}
	const (
		cNo, cHH, cName, cSex, cEth, cBirth, cID, cRel, cHukou, cAddr, width = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
	)
	// Only persons no other list names are changed in ways another
	// department could dispute.
	plain := func(r *resident) bool { return len(r.tags) == 0 && !(r.p.Gender == "F" && r.age >= 15 && r.age < 50) }
	man := func(r *resident) bool { return plain(r) && r.p.Gender == "M" && r.age >= 18 && r.age < 60 }
	changes := map[*resident]change{}
	for _, r := range w.pick(8, reg, plain) {
		id := r.p.IDNumber
		changes[r] = change{"rejected", func(row []any) { row[cID] = rounded(id) }}
	}
	for _, r := range w.pick(6, reg, plain) {
		id := r.p.IDNumber
		changes[r] = change{"rejected", func(row []any) { row[cID] = badCheck(id) }}
	}
	for _, r := range w.pick(4, reg, plain) {
		day := dayOfString(r.p.BirthDate) + 40
		changes[r] = change{"rejected", func(row []any) { row[cBirth] = dateText(day, 3) }}
	}
	for _, r := range w.pick(40, reg, plain) {
		hukou := r.p.HukouAddress + "附1号"
		changes[r] = change{"merged", func(row []any) { row[cHukou] = hukou }}
	}
	for _, r := range w.pick(12, reg, man) {
		name := variant(r.p.Name, w.rng)
		changes[r] = change{"merged", func(row []any) { row[cName] = name }}
	}
	for _, r := range w.pick(5, reg, func(r *resident) bool { return man(r) && r.p.Ethnicity == "01" }) {
		changes[r] = change{"merged", func(row []any) { row[cEth] = "回族" }}
	}
	for _, r := range w.pick(8, reg, func(r *resident) bool {
		return man(r) && (r.p.Relation == "21" || r.p.Relation == "22" || r.p.Relation == "23")
	}) {
		rel := map[string]string{"21": "长子", "22": "次子", "23": "长子"}[r.p.Relation]
		changes[r] = change{"merged", func(row []any) { row[cRel] = rel }}
	}
	for _, r := range w.pick(20, reg, plain) {
		changes[r] = change{"unchanged", func(row []any) { row[cAddr] = "城北社区(住址待核实)" }}
	}
	// Births the police registered that the register has not yet heard of.
	babies := map[*householdPlan][]register.Person{}
	var families []*householdPlan
	for _, hp := range w.plan.households {
		if hp.h.Kind == register.HouseholdRegistered && len(w.byHH[hp]) >= 2 && w.byHH[hp][0].p.Residence == register.ResidenceRegistered {
			families = append(families, hp)
		}
	}
	for _, i := range w.rng.Perm(len(families))[:25] {
		hp := families[i]
		head := hp.members[0].row
		male := w.chance(51)
		day := w.today - 20 - w.rng.IntN(150)
		p := register.Person{Name: string([]rune(head.Name)[:1]) + givenName(w.rng, yearOf(day), male),
			IDNumber: w.newID("610603", day, male), Gender: "F", BirthDate: dateString(day), Ethnicity: head.Ethnicity,
			Relation: "30", HukouAddress: head.HukouAddress, Address: head.Address}
		if male {
			p.Gender, p.Relation = "M", "20"
		}
		babies[hp] = append(babies[hp], p)
	}

	b, err := newXBook()
	if err != nil {
		return wb, err
	}
	asOf := time.Unix(int64(w.today)*86400, 0).UTC()
	for g, unit := range w.plan.groups {
		if err := b.sheet(unit.Name, 6, 12, 9, 5, 7, 12, 21, 10, 36, 30); err != nil {
			return wb, err
		}
		b.add(w.community + unit.Name + "户籍人口登记表")
		b.merge("A1", "J1")
		b.add(fmt.Sprintf("填报单位:安塞区公安局城北派出所      统计时间:%d年%d月", asOf.Year(), asOf.Month()))
		b.merge("A2", "J2")
		b.headerRow("序号", "户号", "姓名", "性别", "民族", "出生日期", "公民身份号码", "与户主关系", "户籍地址", "现住址")
		n := 0
		for _, hp := range w.plan.households {
			members := w.byHH[hp]
			if len(members) == 0 || members[0].group != g {
				continue
			}
			var rows [][]any
			for _, r := range members {
				if r.p.Residence != register.ResidenceRegistered {
					continue
				}
				row := w.policeRow(b, r.p)
				fate := "unchanged"
				if c, ok := changes[r]; ok {
					c.apply(row)
					fate = c.fate
				}
				wb.fate(fate)
				rows = append(rows, row)
			}
			for _, p := range babies[hp] {
				rows = append(rows, w.policeRow(b, p))
				wb.fate("created")
			}
			first := b.row + 1
			for i, row := range rows {
				n++
				row[cNo] = n
				if i == 0 {
					row[cHH] = hp.h.Number
				} else {
					row[cHH] = nil
				}
				if err := b.add(row...); err != nil {
					return wb, err
				}
			}
			if len(rows) > 1 {
				b.merge(cellName(cHH+1, first), cellName(cHH+1, b.row))
			}
		}
		b.add("合计", nil, fmt.Sprintf("共 %d 人", n))
	}
	if err := b.sheet("填表说明", 80); err != nil {
		return wb, err
	}
	for _, line := range []string{"填表说明", "1. 本表以户为单位填写,户号相同者为同一户。",
		"2. 公民身份号码须填写18位,1984年前签发的15位旧号码可照录。", "3. 出生日期以公民身份号码为准。"} {
		b.add(line)
	}
	return wb, b.save(filepath.Join(dir, wb.File))
}

// policeRow writes a person as 公安's list has them, with the cosmetic dirt
// of a hand-kept spreadsheet.
func (w *workbookGen) policeRow(b *xbook, p register.Person) []any {
	name := p.Name
	switch {
	case w.chance(5):
		name += "  "
	case w.chance(3) && len([]rune(name)) == 2:
		rs := []rune(name)
		name = string(rs[0]) + "\u3000" + string(rs[1])
	}
	id := p.IDNumber
	birth := dayOfString(p.BirthDate)
	switch {
	case yearOf(birth) >= 1920 && yearOf(birth) < 1984 && w.chance(10):
		id = legacyID(id)
	case w.chance(3):
		id = fullWidthDigits(id)
	}
	var date any = b.dateCell(birth)
	if !w.chance(50) {
		date = dateText(birth, w.rng.IntN(4))
	}
	return []any{0, "", name, genderName(p.Gender), ethnicityName(p.Ethnicity), date, id, relationName(p.Relation),
		p.HukouAddress, p.Address}
}

// newPerson makes a person the register does not know, living at the
// address of one of the plan's households of kind.
func (w *workbookGen) newPerson(kind string, male bool, age int) (register.Person, *householdPlan) {
	var homes []*householdPlan
	for _, hp := range w.plan.households {
		if hp.h.Kind == kind {
			homes = append(homes, hp)
		}
	}
	hp := homes[w.rng.IntN(len(homes))]
	head := w.byHH[hp][0]
	day := addYears(w.today, -age) - w.rng.IntN(300)
	area := head.p.IDNumber[:6]
	// A name nobody in the community has, so the person cannot be taken
	// for someone the register knows.
	name := surnameOf(head.p.Name) + givenName(w.rng, yearOf(day), male)
	for w.names[name] {
		name = surnameOf(head.p.Name) + givenName(w.rng, yearOf(day), male)
	}
	w.names[name] = true
	p := register.Person{Name: name,
		IDNumber: w.newID(area, day, male), Gender: "F", BirthDate: dateString(day), Ethnicity: "01",
		Residence: head.p.Residence, Address: hp.h.Address, HukouAddress: head.p.HukouAddress}
	if male {
		p.Gender = "M"
	}
	return p, hp
}

func surnameOf(name string) string { return string([]rune(name)[:1]) }

// health writes 计生's list of women of child-bearing age.
func (w *workbookGen) health(dir string) (Workbook, error) {
	wb := Workbook{Department: "health", File: "计生-育龄妇女花名册.xlsx"}
	var women []*resident
	for _, r := range w.people {
		if r.p.Gender == "F" && r.age >= 15 && r.age <= 49 {
			women = append(women, r)
		}
	}
	const cNo, cName, cID, cBirth, cEth, cRes, cPhone, cAddr, cMarried, cKids = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9
	changes := map[*resident]change{}
	for _, r := range w.pick(5, women, func(*resident) bool { return true }) {
		y, m, _ := civilFromDays(dayOfString(r.p.BirthDate))
		// A birth month (出生年月) that agrees with the ID: nothing new.
		changes[r] = change{"unchanged", func(row []any) { row[cBirth] = fmt.Sprintf("%d.%02d", y, m) }}
	}
	for _, r := range w.pick(3, women, func(*resident) bool { return true }) {
		id := r.p.IDNumber
		changes[r] = change{"rejected", func(row []any) { row[cID] = badCheck(id) }}
	}
	for _, r := range w.pick(30, women, func(r *resident) bool { return r.p.Phone != "" }) {
		phone := "139" + fmt.Sprintf("%08d", 10000000+w.rng.IntN(89999999))
		changes[r] = change{"queued", func(row []any) { row[cPhone] = phone }}
	}
	for _, r := range w.pick(20, women, func(r *resident) bool { return r.p.Phone == "" && r.age >= 18 }) {
		phone := "137" + fmt.Sprintf("%08d", 10000000+w.rng.IntN(89999999))
		changes[r] = change{"merged", func(row []any) { row[cPhone] = phone }}
	}
	b, err := newXBook()
	if err != nil {
		return wb, err
	}
	if err := b.sheet("育龄妇女", 6, 9, 21, 12, 7, 9, 15, 34, 9, 10); err != nil {
		return wb, err
	}
	b.add(w.community + "育龄妇女花名册")
	b.merge("A1", "J1")
	asOf := time.Unix(int64(w.today)*86400, 0).UTC()
	b.add(fmt.Sprintf("统计时间:%d年%d月%d日", asOf.Year(), asOf.Month(), asOf.Day()))
	b.headerRow("序号", "基本情况", "", "", "", "", "联系方式", "", "婚育情况", "")
	b.headerRow("", "姓名", "身份证号", "出生日期", "民族", "人口类别", "联系电话", "现居住地址", "婚姻状况", "现有子女数")
	b.merge("A3", "A4")
	b.merge("B3", "F3")
	b.merge("G3", "H3")
	b.merge("I3", "J3")
	n := 0
	row := func(p register.Person, married bool, kids int) []any {
		n++
		name := p.Name
		if w.chance(4) {
			name = " " + name + " "
		}
		id := p.IDNumber
		if strings.HasSuffix(id, "X") && w.chance(50) {
			id = strings.ToLower(id)
		}
		birth := dayOfString(p.BirthDate)
		var date any = b.dateCell(birth)
		if w.chance(40) {
			date = dateText(birth, w.rng.IntN(5))
		}
		status := "未婚"
		if married {
			status = "已婚"
		}
		return []any{n, name, id, date, ethnicityName(p.Ethnicity), register.ResidenceNames[p.Residence],
			phoneText(p.Phone, w.rng.IntN(6)), p.Address, status, kids}
	}
	for _, r := range women {
		kids := 0
		for _, o := range w.byHH[r.hh] {
			if o.age < r.age-16 && (o.p.Relation >= "20" && o.p.Relation < "40") {
				kids++
			}
		}
		vals := row(r.p, r.p.Relation == "12" || r.p.Relation == "02" && r.age > 24, kids)
		fate := "unchanged"
		if c, ok := changes[r]; ok {
			c.apply(vals)
			fate = c.fate
		}
		wb.fate(fate)
		if err := b.add(vals...); err != nil {
			return wb, err
		}
	}
	// Women who came to live here and are not in the register yet.
	for i := 0; i < 15; i++ {
		p, _ := w.newPerson(register.HouseholdFloating, false, 20+w.rng.IntN(20))
		p.Phone = "135" + fmt.Sprintf("%08d", 10000000+w.rng.IntN(89999999))
		if err := b.add(row(p, true, w.rng.IntN(3))...); err != nil {
			return wb, err
		}
		wb.fate("created")
	}
	return wb, b.save(filepath.Join(dir, wb.File))
}

// civil writes 民政's 低保 roll as the csv its old system exports: GBK.
func (w *workbookGen) civil(dir string) (Workbook, error) {
	wb := Workbook{Department: "civil", File: "民政-低保对象花名册.csv"}
	var roll, others []*resident
	names := map[string]int{}
	for _, r := range w.people {
		names[r.p.Name]++
	}
	for _, r := range w.people {
		if _, ok := r.tags["dibao"]; ok {
			roll = append(roll, r)
		} else if r.p.Residence == register.ResidenceRegistered && r.age >= 18 {
			others = append(others, r)
		}
	}
	const cNo, cName, cRel, cID, cSize, cAmount, cDate, cAddr, cPhone = 0, 1, 2, 3, 4, 5, 6, 7, 8
	changes := map[*resident]change{}
	everyone := func(*resident) bool { return true }
	for _, r := range w.pick(3, roll, everyone) {
		id := r.p.IDNumber
		changes[r] = change{"rejected", func(row []any) { row[cID] = exponentForm(id) }}
	}
	for _, r := range w.pick(2, roll, everyone) {
		// Without a number the row is found by name and address: a
		// person confirms it.
		changes[r] = change{"queued", func(row []any) { row[cID] = "" }}
	}
	for _, r := range w.pick(10, roll, everyone) {
		day := dayOfString(r.tags["dibao"].StartedOn) - 31 - w.rng.IntN(200)
		changes[r] = change{"merged", func(row []any) { row[cDate] = dateText(day, 3) }}
	}
	for _, r := range w.pick(4, roll, func(r *resident) bool { return len([]rune(r.p.Name)) >= 2 }) {
		name := variant(r.p.Name, w.rng)
		changes[r] = change{"queued", func(row []any) { row[cName] = name }}
	}
	for _, r := range w.pick(3, roll, func(r *resident) bool { return r.p.Address != "" }) {
		id := otherDigit(r.p.IDNumber)
		for w.ids[id] {
			id = otherDigit(id)
		}
		w.ids[id] = true
		// Another valid number is another person, whatever the name.
		changes[r] = change{"created", func(row []any) { row[cID] = id }}
	}
	for _, r := range w.pick(2, roll, func(r *resident) bool { return names[r.p.Name] == 1 && r.p.Address != "" }) {
		id := otherBirth(r.p.IDNumber)
		w.ids[id] = true
		changes[r] = change{"created", func(row []any) { row[cID] = id }}
	}
	var rows [][]any
	n := 0
	line := func(r *resident, start string) []any {
		n++
		id := r.p.IDNumber
		if w.chance(20) {
			id = "'" + id
		}
		day := dayOfString(start)
		var date string
		switch w.rng.IntN(4) {
		case 0:
			date = strconv.Itoa(day - daysFromCivil(1899, 12, 30)) // an Excel serial
		default:
			date = dateText(day, []int{4, 1, 3}[w.rng.IntN(3)])
		}
		size := len(w.byHH[r.hh])
		return []any{n, r.p.Name, relationName(r.p.Relation), id, size, 300 * size, date, r.p.Address, phoneText(r.p.Phone, 2)}
	}
	for _, r := range roll {
		vals := line(r, r.tags["dibao"].StartedOn)
		// The register's 低保 tags carry no amount; the list's fills it.
		fate := "merged"
		if c, ok := changes[r]; ok {
			c.apply(vals)
			fate = c.fate
		}
		wb.fate(fate)
		rows = append(rows, vals)
	}
	// Households granted 低保 since the register was last brought up to date.
	for _, r := range w.pick(15, others, everyone) {
		rows = append(rows, line(r, dateString(w.today-30-w.rng.IntN(90))))
		wb.fate("merged")
	}
	var sb strings.Builder
	sb.WriteString("序号,姓名,与户主关系,身份证号码,家庭人口,月保障金额,批准日期,家庭住址,联系电话\r\n")
	for _, row := range rows {
		for i, v := range row {
			if i > 0 {
				sb.WriteByte(',')
			}
			s := fmt.Sprint(v)
			if v == nil {
				s = ""
			}
			if strings.ContainsAny(s, ",\"") {
				s = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
			}
			sb.WriteString(s)
		}
		sb.WriteString("\r\n")
	}
	sb.WriteString(fmt.Sprintf("合计,%d人,,,,,,,\r\n", len(rows)))
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(sb.String())
	if err != nil {
		return wb, fmt.Errorf("民政名册不能写成 GBK: %w", err)
	}
	return wb, os.WriteFile(filepath.Join(dir, wb.File), []byte(gbk), 0o644)
}

var (
	disabilityKinds  = []string{"视力", "听力", "言语", "肢体", "智力", "精神", "多重"}
	disabilityLevels = []string{"一级", "二级", "三级", "四级"}
)

// disabled writes 残联's list of card holders.
func (w *workbookGen) disabled(dir string) (Workbook, error) {
	wb := Workbook{Department: "disabled", File: "残联-残疾人名册.xlsx"}
	var holders, others []*resident
	for _, r := range w.people {
		if _, ok := r.tags["disabled"]; ok {
			holders = append(holders, r)
		} else if r.age >= 6 {
			others = append(others, r)
		}
	}
	const cNo, cName, cSex, cID, cKind, cLevel, cCard, cDate, cAddr, cPhone = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9
	changes := map[*resident]change{}
	everyone := func(*resident) bool { return true }
	for _, r := range w.pick(4, holders, everyone) {
		id := r.p.IDNumber
		changes[r] = change{"rejected", func(row []any) { row[cID] = rounded(id) }}
	}
	for _, r := range w.pick(2, holders, everyone) {
		sex := map[string]string{"M": "女", "F": "男"}[r.p.Gender]
		changes[r] = change{"rejected", func(row []any) { row[cSex] = sex }}
	}
	for _, r := range w.pick(5, holders, func(r *resident) bool { return r.p.Phone != "" }) {
		phone := "136" + fmt.Sprintf("%08d", 10000000+w.rng.IntN(89999999))
		changes[r] = change{"queued", func(row []any) { row[cPhone] = phone }}
	}
	b, err := newXBook()
	if err != nil {
		return wb, err
	}
	if err := b.sheet("残疾人名册", 6, 9, 5, 21, 9, 9, 23, 12, 34, 14); err != nil {
		return wb, err
	}
	b.add(w.community + "持证残疾人名册")
	b.merge("A1", "J1")
	b.add("填报单位:城北社区残疾人协会")
	b.add("说明:残疾类别分视力、听力、言语、肢体、智力、精神、多重;残疾等级分一至四级")
	b.merge("A3", "J3")
	b.headerRow("序号", "姓名", "性别", "身份证号", "残疾情况", "", "残疾证号", "发证日期", "现住址", "联系电话")
	b.headerRow("", "", "", "", "残疾类别", "残疾等级", "", "", "", "")
	for _, c := range []string{"A", "B", "C", "D", "G", "H", "I", "J"} {
		b.merge(c+"4", c+"5")
	}
	b.merge("E4", "F4")
	n := 0
	row := func(p register.Person, start string) []any {
		n++
		kind, level := w.rng.IntN(len(disabilityKinds)), w.rng.IntN(len(disabilityLevels))
		id := p.IDNumber
		birth := dayOfString(p.BirthDate)
		if yearOf(birth) >= 1920 && yearOf(birth) < 1984 && w.chance(15) {
			id = legacyID(id)
		}
		var date any = b.dateCell(dayOfString(start))
		if w.chance(30) {
			date = dateText(dayOfString(start), w.rng.IntN(5))
		}
		return []any{n, p.Name, genderName(p.Gender), id, disabilityKinds[kind], disabilityLevels[level],
			p.IDNumber + strconv.Itoa(kind+1) + strconv.Itoa(level+1), date, p.Address, p.Phone}
	}
	for _, r := range holders {
		vals := row(r.p, r.tags["disabled"].StartedOn)
		// The register knew the tag, not the card's category and level.
		fate := "merged"
		if c, ok := changes[r]; ok {
			c.apply(vals)
			fate = c.fate
		}
		wb.fate(fate)
		if err := b.add(vals...); err != nil {
			return wb, err
		}
	}
	for _, r := range w.pick(10, others, everyone) {
		if err := b.add(row(r.p, dateString(w.today-10-w.rng.IntN(300)))...); err != nil {
			return wb, err
		}
		wb.fate("merged")
	}
	for i := 0; i < 5; i++ {
		p, _ := w.newPerson(register.HouseholdRegistered, w.chance(50), 30+w.rng.IntN(40))
		if err := b.add(row(p, dateString(w.today-10-w.rng.IntN(300)))...); err != nil {
			return wb, err
		}
		wb.fate("created")
	}
	return wb, b.save(filepath.Join(dir, wb.File))
}

// Loaded reports whether a preset's communities are already in db.
func Loaded(ctx context.Context, db *database.DB, preset string) (bool, error) {
	var spec *presetSpec
	switch preset {
	case "chengbei":
		spec = chengbei()
	case "zinan":
		spec = zinan()
	default:
		return false, nil
	}
	for _, c := range spec.communities() {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_units WHERE level = $1 AND code = $2`,
			orgtree.LevelCommunity, c.code).Scan(&n); err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}
