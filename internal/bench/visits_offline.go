package bench

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/visits"
)

// VisitsOffline measures the grid worker's phone over loopback HTTP as the
// phone's script uses it: `--only visits_offline`. It adds a community of
// its own to the database (one grid of 400 households of three, registered
// 200 days ago so that their visits are due), logs in as its grid worker
// and times the offline package (gzip, as a phone asks for it) and the
// sync of 200 queued visits, each with a correction of the register.
// Requirements: package < 300 KB compressed and < 200 ms; sync of 200 < 1 s.
var VisitsOffline = Group{Name: "visits_offline", Hidden: true, run: visitsOfflineBench}

const offlineHouseholds = 400

func visitsOfflineBench(v env) error {
	ctx := v.ctx
	name := fmt.Sprintf("bench-visits-%d", database.NewID()%1e9)
	grid, err := offlineFixture(ctx, v, name)
	if err != nil {
		return fmt.Errorf("the bench grid: %w", err)
	}
	c, stop, err := signedIn(ctx, v, name)
	if err != nil {
		return err
	}
	defer stop()
	var pkg offlinePackage
	var zipped, plain int
	n := min(v.opt.Queries, 200)
	lat, err := timeIt(ctx, n, func(int) error {
		var err error
		pkg, zipped, plain, err = c.offlinePackage()
		return err
	})
	if err != nil {
		return err
	}
	if len(pkg.Households) != offlineHouseholds {
		return fmt.Errorf("the package of grid %d holds %d households, not %d", grid, len(pkg.Households), offlineHouseholds)
	}
	note := fmt.Sprintf("GET /visits/offline.json of a grid worker with %d households (%d persons), gzip; %.0f KB uncompressed, %d on today's list",
		len(pkg.Households), offlineHouseholds*3, float64(plain)/1024, len(pkg.List.Stops))
	v.e.emit(Result{Bench: "visits_offline_package_kb", Value: float64(zipped) / 1024, Unit: "KB", N: 1,
		Note: note + " (requirement < 300 KB)"})
	v.e.emit(Result{Bench: "visits_offline_package_p50", Value: lat.pct(0.50), Unit: "ms", N: len(lat), Note: note})
	v.e.emit(Result{Bench: "visits_offline_package_p99", Value: lat.pct(0.99), Unit: "ms", N: len(lat), Note: "requirement < 200 ms"})

	// Three rounds of 200 visits, each correcting a phone of the household
	// or a member, read from a fresh package; then one round sent again.
	var rounds []time.Duration
	var last url.Values
	for round := range 3 {
		if pkg, _, _, err = c.offlinePackage(); err != nil {
			return err
		}
		batch := offlineBatch(pkg, round)
		form := url.Values{"csrf": {pkg.CSRF}, "batch": {batch}}
		start := time.Now()
		if err := c.sync(form, visits.SyncRecorded); err != nil {
			return err
		}
		rounds = append(rounds, time.Since(start))
		last = form
	}
	start := time.Now()
	if err := c.sync(last, visits.SyncAlready); err != nil {
		return err
	}
	again := time.Since(start)
	sort.Slice(rounds, func(a, b int) bool { return rounds[a] < rounds[b] })
	v.e.emit(Result{Bench: "visits_sync_200_s", Value: rounds[1].Seconds(), Unit: "s", N: len(rounds),
		Note: fmt.Sprintf("POST /visits/sync of 200 queued visits, each correcting a phone (a register change event and the household's schedule recomputed); median of %d rounds, slowest %.2f s (requirement < 1 s)",
			len(rounds), rounds[len(rounds)-1].Seconds())})
	v.e.emit(Result{Bench: "visits_sync_200_again_s", Value: again.Seconds(), Unit: "s", N: 1,
		Note: "the same 200 sent again: each answered already recorded, nothing saved twice"})
	return nil
}

type offlinePackage struct {
	visits.Package
	CSRF string `json:"csrf"`
}

// offlinePackage GETs the package as the phone does, returning it with its
// size on the wire and uncompressed.
func (c *formClient) offlinePackage() (offlinePackage, int, int, error) {
	var p offlinePackage
	req, err := http.NewRequestWithContext(c.ctx, "GET", c.base+"/visits/offline.json", nil)
	if err != nil {
		return p, 0, 0, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := c.http.Do(req)
	if err != nil {
		return p, 0, 0, err
	}
	defer resp.Body.Close()
	zipped, err := io.ReadAll(resp.Body)
	if err != nil {
		return p, 0, 0, err
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "gzip" {
		return p, 0, 0, fmt.Errorf("GET /visits/offline.json: %s %s", resp.Status, resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(strings.NewReader(string(zipped)))
	if err != nil {
		return p, 0, 0, err
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		return p, 0, 0, err
	}
	return p, len(zipped), len(plain), json.Unmarshal(plain, &p)
}

// sync sends a batch and checks that every record was answered want.
func (c *formClient) sync(form url.Values, want string) error {
	resp, body, err := c.do("POST", "/visits/sync", form)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST /visits/sync: %s %.300s", resp.Status, body)
	}
	var a struct {
		Results []visits.Synced `json:"results"`
	}
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		return err
	}
	for _, r := range a.Results {
		if r.Status != want {
			return fmt.Errorf("sync: %s answered %s (%s), want %s", r.ClientUUID, r.Status, r.Message, want)
		}
	}
	return nil
}

// offlineBatch makes 200 visits of the package's households as the phone's
// script queues them.
func offlineBatch(p offlinePackage, round int) string {
	now := time.Now().Format(time.RFC3339)
	var out []visits.Observation
	for i := range 200 {
		h := p.Households[(i+round*200)%len(p.Households)]
		o := visits.Observation{ClientUUID: visits.NewClientUUID(), HouseholdID: h.ID, DeviceTime: now,
			Outcome: visits.OutcomeMet, Met: "户主本人", Notes: "老人身体还好,孩子在外地上学,无新的需求。",
			HouseholdVersion: h.Version}
		phone := fmt.Sprintf("139%08d", round*10000+i)
		if i%2 == 0 {
			o.HouseholdPhone = &phone
		} else {
			m := h.Members[0]
			o.PersonPhones = []visits.ObservedPhone{{PersonID: m.ID, Version: m.Version, Phone: phone}}
			o.Present = []int64{m.ID}
		}
		out = append(out, o)
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// offlineFixture adds a community with one grid of 400 households of three
// and its grid worker, an account named name; it returns the grid.
func offlineFixture(ctx context.Context, v env, name string) (int64, error) {
	org := orgtree.NewStore(v.db)
	mk := func(u *orgtree.Unit) error { return org.Create(ctx, v.db, u) }
	street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "基准离线走访街道 " + name}
	if err := mk(&street); err != nil {
		return 0, err
	}
	cb := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "基准离线走访社区"}
	if err := mk(&cb); err != nil {
		return 0, err
	}
	grid := orgtree.Unit{ParentID: cb.ID, Level: orgtree.LevelGrid, Name: "第一网格"}
	if err := mk(&grid); err != nil {
		return 0, err
	}
	// Registered 200 days ago: the half-yearly visit of every household is due.
	past := time.Now().AddDate(0, 0, -200)
	reg := register.NewStore(v.db).WithClock(func() time.Time { return past })
	actor := register.Actor{Name: "bench", Source: "cli"}
	var ids []int64
	// Births spread by the run, so that a second run on the same database
	// makes other ID numbers.
	born := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(database.NewID()%7000))
	fmt.Fprintf(v.logw, "visits_offline: registering %d households\n", offlineHouseholds)
	for b := range offlineHouseholds / 40 {
		bu := orgtree.Unit{ParentID: grid.ID, Level: orgtree.LevelBuilding, Name: fmt.Sprintf("%d号楼", b+1)}
		if err := mk(&bu); err != nil {
			return 0, err
		}
		rb := register.Building{ID: bu.ID, Name: bu.Name, Kind: "residential", Floors: 6}
		if err := reg.CreateBuilding(ctx, actor, access.Everything, &rb); err != nil {
			return 0, err
		}
		for i := range 40 {
			house := register.House{BuildingID: bu.ID, Number: fmt.Sprintf("%d-%d0%d", i/12+1, i%12/2+1, i%2+1), Use: register.HouseOwner}
			if err := reg.CreateHouse(ctx, actor, access.Everything, &house); err != nil {
				return 0, err
			}
			seq := b*40 + i
			hh := register.Household{Number: fmt.Sprintf("BX%05d", seq), Kind: register.HouseholdRegistered, HouseID: house.ID,
				Phone: fmt.Sprintf("0911-8%06d", seq)}
			if err := reg.CreateHousehold(ctx, actor, access.Everything, &hh); err != nil {
				return 0, err
			}
			for m := range 3 {
				p := register.Person{HouseholdID: hh.ID, Name: fmt.Sprintf("居民%d", seq*3+m), Relation: []string{"02", "10", "20"}[m],
					Ethnicity: "01", Residence: register.ResidenceRegistered, Phone: fmt.Sprintf("138%08d", seq*3+m),
					IDNumber: ident.MakeResidentID("610603", born.AddDate(m*25, 0, 0), (seq*3+m)%998+1)}
				if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
					return 0, err
				}
			}
			ids = append(ids, hh.ID)
		}
	}
	u, err := benchUser(ctx, v.db, name, "基准网格员", "grid_worker", []int64{grid.ID})
	if err != nil {
		return 0, err
	}
	st := orgtree.Staff{UnitID: grid.ID, CommunityID: cb.ID, Role: "grid_worker", Name: "基准网格员", UserID: u.ID,
		StartedOn: past.Format("2006-01-02")}
	if err := org.AddStaff(ctx, v.db, &st); err != nil {
		return 0, err
	}
	if _, err := visits.NewService(v.db, register.NewStore(v.db), nil, nil).RecomputeHouseholds(ctx, ids); err != nil {
		return 0, err
	}
	return grid.ID, nil
}
