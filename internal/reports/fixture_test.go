package reports

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/ident"
	"shequ/internal/indicators"
	"shequ/internal/orgtree"
	"shequ/internal/partymembers"
	"shequ/internal/register"
	"shequ/internal/satisfaction"
	"shequ/internal/services"
	"shequ/internal/socialorgs"
	"shequ/internal/visits"
	"shequ/internal/volunteers"
	"shequ/internal/workforce"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// sources are the server's (server.IndicatorSources, which this package
// cannot import): the sample counts applications (办件); the catalogue
// holds visits' indicators (走访户数, 覆盖率).
var sources = []indicators.SourceFunc{events.NewIndicatorSource, services.NewIndicatorSource, visits.NewIndicatorSource,
	partymembers.NewIndicatorSource,
	workforce.NewIndicatorSource,
	volunteers.NewIndicatorSource,
	socialorgs.NewIndicatorSource,
	satisfaction.NewIndicatorSource}

// town is a random register over a street of two communities with three
// grids each, every row dated between 2015 and mid-2026.
type town struct {
	street      orgtree.Unit
	communities []orgtree.Unit
	grids       []orgtree.Unit
	persons     []*register.Person
}

func buildTown(t *testing.T, db *database.DB, seed uint64, personsPerGrid int) *town {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, seed+7))
	org := orgtree.NewStore(db)
	tw := &town{}
	mk := func(u *orgtree.Unit) {
		t.Helper()
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatalf("create %s: %v", u.Name, err)
		}
	}
	district := orgtree.Unit{Level: "district", Name: "海勃湾区", Code: "150302"}
	mk(&district)
	tw.street = orgtree.Unit{ParentID: district.ID, Level: "street", Name: "新华街道", Code: "150302001000"}
	mk(&tw.street)
	day := func(from, to int) time.Time { // a day between two years
		a := time.Date(from, 1, 1, 9, 0, 0, 0, time.UTC)
		b := time.Date(to, 6, 30, 9, 0, 0, 0, time.UTC)
		return a.Add(time.Duration(rng.Int64N(int64(b.Sub(a)/time.Hour))) * time.Hour)
	}
	date := func(from, to int) string { return day(from, to).Format("2006-01-02") }
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	seq := 0
	for ci := 0; ci < 2; ci++ {
		comm := orgtree.Unit{ParentID: tw.street.ID, Level: "community", Name: fmt.Sprintf("第%d社区", ci+1),
			Code: fmt.Sprintf("15030200100%d", ci+1)}
		mk(&comm)
		tw.communities = append(tw.communities, comm)
		l, err := register.NewLoader(ctx, db, register.Actor{Name: "测试", Source: "test"})
		if err != nil {
			t.Fatal(err)
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				l.Rollback()
				t.Fatal(err)
			}
		}
		var orgs []int64
		for gi := 0; gi < 3; gi++ {
			grid := orgtree.Unit{ParentID: comm.ID, Level: "grid", Name: fmt.Sprintf("%s第%d网格", comm.Name, gi+1)}
			if err := org.Create(ctx, l.Tx(), &grid); err != nil {
				t.Fatal(err)
			}
			tw.grids = append(tw.grids, grid)
			if err := org.AddStaff(ctx, l.Tx(), &orgtree.Staff{UnitID: grid.ID, Role: pick("grid_worker", "building_head", "center_head"),
				Name: "工作人员", StartedOn: date(2015, 2025)}); err != nil {
				t.Fatal(err)
			}
			for k := 0; k < 2; k++ {
				o := &register.Organisation{CommunityID: comm.ID, Name: fmt.Sprintf("单位%d-%d-%d", ci, gi, k),
					Kind: pick("unit", "enterprise", "shop", "social", "school"), OrgID: grid.ID, GridID: grid.ID,
					StaffCount: rng.IntN(80)}
				if rng.IntN(2) == 0 {
					o.USCC = "91150302MA0N00000" + fmt.Sprint(k)
				}
				if rng.IntN(8) == 0 {
					o.Status = "closed"
				}
				must(l.Organisation(ctx, day(2015, 2026), o))
				orgs = append(orgs, o.ID)
			}
			var houses []*register.House
			for bi := 0; bi < 2; bi++ {
				bu := orgtree.Unit{ParentID: grid.ID, Level: "building", Name: fmt.Sprintf("%d号楼", bi+1)}
				if err := org.Create(ctx, l.Tx(), &bu); err != nil {
					t.Fatal(err)
				}
				must(l.Building(ctx, day(2015, 2016), &register.Building{CommunityID: comm.ID, ID: bu.ID, GridID: grid.ID,
					Name: bu.Name, Kind: pick("residential", "bungalow", "mixed"), Floors: rng.IntN(20), BuiltYear: 1980 + rng.IntN(40)}))
				for hi := 0; hi < personsPerGrid/6+1; hi++ {
					h := &register.House{CommunityID: comm.ID, BuildingID: bu.ID, OrgID: bu.ID, GridID: grid.ID,
						Number: fmt.Sprintf("%d", 101+hi), Use: pick("owner", "owner", "rented", "vacant"), AreaM2: float64(rng.IntN(150))}
					must(l.House(ctx, day(2015, 2016), h))
					houses = append(houses, h)
				}
			}
			made := 0
			for made < personsPerGrid {
				u := houses[rng.IntN(len(houses))]
				hh := &register.Household{CommunityID: comm.ID, Number: fmt.Sprintf("H%d-%d", ci, seq), Kind: pick("registered", "registered", "floating", "collective"),
					HouseID: u.ID, OrgID: u.OrgID, GridID: u.GridID}
				if rng.IntN(15) == 0 {
					hh.Status = "dissolved"
				}
				at := day(2015, 2026)
				must(l.Household(ctx, at, hh, "户主"))
				n := 1 + rng.IntN(5)
				var members []int64
				for m := 0; m < n && made < personsPerGrid; m++ {
					seq++
					made++
					birth := day(1925, 2026)
					if birth.After(at) {
						birth = at.AddDate(0, 0, -1)
					}
					p := &register.Person{CommunityID: comm.ID, HouseholdID: hh.ID, OrgID: u.OrgID, GridID: u.GridID,
						Name: "居民", IDNumber: ident.MakeResidentID("150302", birth, seq), Gender: pick("M", "F"),
						BirthDate: birth.Format("2006-01-02"), Residence: pick("registered", "registered", "resident", "floating", "overseas"),
						Ethnicity: pick("01", "01", "01", "02", "03", "11"), Relation: pick("02", "10", "20", "30"),
						Status: pick("active", "active", "active", "active", "active", "moved_out", "deceased")}
					if rng.IntN(3) == 0 {
						p.EmployerID = orgs[rng.IntN(len(orgs))]
					}
					must(l.Person(ctx, at, p))
					tw.persons = append(tw.persons, p)
					members = append(members, p.ID)
					for _, tag := range []string{"dibao", "tekun", "disabled", "living_alone", "very_old", "childbearing",
						"pregnant", "veteran", "preferential", "unemployed", "key_youth", "correction", "mental", "drug", "released"} {
						if rng.IntN(9) != 0 {
							continue
						}
						tg := &register.Tag{CommunityID: comm.ID, PersonID: p.ID, Tag: tag, StartedOn: date(2010, 2026)}
						if rng.IntN(3) == 0 {
							tg.EndedOn = date(2020, 2027)
							if tg.EndedOn < tg.StartedOn {
								tg.EndedOn = tg.StartedOn
							}
						}
						must(l.Tag(ctx, at, tg))
					}
				}
				if u.Use == "rented" && rng.IntN(2) == 0 {
					r := &register.Rental{CommunityID: comm.ID, HouseID: u.ID, Landlord: "房东", StartedOn: date(2015, 2026),
						MonthlyRentFen: int64(rng.IntN(3000)) * 100, TenantIDs: members}
					if rng.IntN(4) == 0 {
						r.EndedOn = date(2020, 2027)
						if r.EndedOn < r.StartedOn {
							r.EndedOn = r.StartedOn
						}
					}
					must(l.Rental(ctx, at, r))
				}
			}
		}
		must(l.Commit(ctx))
	}
	return tw
}
