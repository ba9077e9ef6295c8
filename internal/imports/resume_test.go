package imports

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/testdb"
)

// Environment of the child process TestKillAndResume starts and kills.
const (
	envChild     = "SHEQU_IMPORT_CHILD"
	envChildDSN  = "SHEQU_IMPORT_CHILD_DSN"
	envChildFile = "SHEQU_IMPORT_CHILD_FILE"
)

// resumeRegister loads, identically into any database, a community of
// 1,200 persons in 40 households.
func resumeRegister(t *testing.T, db *database.DB) (community int64, people []register.Person) {
	t.Helper()
	ctx := context.Background()
	org := orgtree.NewStore(db)
	street := orgtree.Unit{Level: "street", Name: "真武洞街道", Code: "610603100000"}
	if err := org.Create(ctx, db, &street); err != nil {
		t.Fatal(err)
	}
	cb := orgtree.Unit{ParentID: street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}
	if err := org.Create(ctx, db, &cb); err != nil {
		t.Fatal(err)
	}
	grid := orgtree.Unit{ParentID: cb.ID, Level: "grid", Name: "第一网格"}
	if err := org.Create(ctx, db, &grid); err != nil {
		t.Fatal(err)
	}
	l, err := register.NewLoader(ctx, db, register.Actor{Name: "测试", Source: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	at := date(2020, 1, 1)
	r := rand.New(rand.NewPCG(7, 7))
	for h := 0; h < 40; h++ {
		hh := register.Household{CommunityID: cb.ID, OrgID: grid.ID, GridID: grid.ID, Number: fmt.Sprintf("H%03d", h),
			Kind: register.HouseholdRegistered, Address: fmt.Sprintf("城北路%d号", h+1)}
		if err := l.Household(ctx, at, &hh, ""); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 30; i++ {
			birth := date(1940+r.IntN(80), 1+r.IntN(12), 1+r.IntN(28))
			seq := 100 + 2*r.IntN(400) + r.IntN(2)
			p := register.Person{CommunityID: cb.ID, HouseholdID: hh.ID, OrgID: grid.ID, GridID: grid.ID,
				Name: "居民" + strconv.Itoa(h*30+i), IDNumber: ident.MakeResidentID("610603", birth, seq),
				BirthDate: birth.Format("2006-01-02"), Gender: []string{"F", "M"}[seq%2], Residence: register.ResidenceRegistered,
				Phone: fmt.Sprintf("139%08d", h*30+i), HukouAddress: "安塞区" + hh.Address, Address: hh.Address, Ethnicity: "01"}
			if err := l.Person(ctx, at, &p); err != nil {
				t.Fatal(err)
			}
			people = append(people, p)
		}
	}
	if err := l.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return cb.ID, people
}

// resumeList is 公安's list of them: changed 户籍地址 (merged), other
// phones (queued), new persons (created), bad check digits (rejected),
// repeated rows (unchanged) and birth-date typos (queued by name).
func resumeList(t *testing.T, people []register.Person, path string) {
	t.Helper()
	x := excelize.NewFile()
	x.SetSheetRow("Sheet1", "A1", &[]any{"户号", "姓名", "公民身份号码", "户籍地址", "联系电话"})
	r := rand.New(rand.NewPCG(9, 9))
	n := 1
	add := func(vals ...any) {
		n++
		cell, _ := excelize.CoordinatesToCellName(1, n)
		x.SetSheetRow("Sheet1", cell, &vals)
	}
	for i, p := range people {
		hh := fmt.Sprintf("H%03d", i/30)
		hukou, phone, id := p.HukouAddress, p.Phone, p.IDNumber
		switch x := r.IntN(100); {
		case x < 10:
			hukou += "附1号"
		case x < 15:
			phone = fmt.Sprintf("137%08d", i)
		case x < 20:
			id = id[:17] + string("10X98765432"[(strings.IndexByte("10X98765432", id[17])+1)%11])
		case x < 23:
			b, _ := time.Parse("2006-01-02", p.BirthDate)
			id = ident.MakeResidentID("610603", b.AddDate(0, 0, 1), 900+i%50*2+(strings.IndexByte("FM", p.Gender[0])))
		}
		add(hh, p.Name, id, hukou, phone)
		if r.IntN(100) < 5 {
			add(hh, p.Name, id, hukou, phone)
		}
		if r.IntN(100) < 30 {
			birth := date(2010+r.IntN(10), 1+r.IntN(12), 1+r.IntN(28))
			add(hh, "新人"+strconv.Itoa(i), ident.MakeResidentID("610603", birth, 950+r.IntN(49)), p.HukouAddress, "")
		}
	}
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// TestImportChild is the child of TestKillAndResume: it imports the list
// (resuming an interrupted import of it) and is killed at random moments.
func TestImportChild(t *testing.T) {
	if os.Getenv(envChild) != "1" {
		t.Skip("run by TestKillAndResume")
	}
	ctx := context.Background()
	db, err := database.Open(ctx, os.Getenv(envChildDSN))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := importResumeList(ctx, db, os.Getenv(envChildFile)); err != nil {
		t.Fatal(err)
	}
}

func importResumeList(ctx context.Context, db *database.DB, path string) error {
	var unit int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM org_units WHERE level = 'community'`).Scan(&unit); err != nil {
		return err
	}
	svc := NewService(db)
	im, _, err := svc.Create(ctx, access.System, Request{UnitID: unit, Department: "police", Path: path,
		FileName: filepath.Base(path), Options: &Options{Residence: "registered", BatchRows: 40}})
	if err != nil {
		return err
	}
	return svc.Run(ctx, access.System, im.ID, path, nil)
}

// state is what an import leaves, without the ids and times that differ
// between two databases.
func state(t *testing.T, db *database.DB) string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for _, q := range []string{
		`SELECT p.id_number || '|' || p.name || '|' || p.hukou_address || '|' || p.phone || '|' || p.version || '|' ||
			COALESCE(h.number, '') FROM persons p LEFT JOIN households h ON h.id = p.household_id`,
		`SELECT i.status || '|' || i.rows_done || '|' || i.created || '|' || i.merged || '|' || i.queued || '|' ||
			i.rejected || '|' || i.unchanged FROM imports i`,
		`SELECT r.seq || '|' || r.row_num || '|' || r.reason FROM import_rejects r`,
		`SELECT c.kind || '|' || c.status || '|' || c.sheet || '|' || c.row_num || '|' || c.fields FROM import_conflicts c`,
		`SELECT e.entity || '|' || e.op || '|' || e.source || '|' || e.version || '|' || e.changes FROM change_events e
			WHERE e.source = 'import:police'`,
	} {
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var lines []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, s)
		}
		rows.Close()
		sort.Strings(lines)
		out = append(out, strings.Join(lines, "\n"))
	}
	return strings.Join(out, "\n----\n")
}

// TestKillAndResume kills a real import process with SIGKILL at random
// moments, again and again, and runs it once more each time: the end state
// must be exactly that of one uninterrupted run.
func TestKillAndResume(t *testing.T) {
	if os.Getenv(envChild) == "1" {
		t.Skip("in the child")
	}
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			open := func() (*database.DB, string) {
				dsn := e.DSN(t)
				db, err := database.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				return db, dsn
			}
			ref, _ := open()
			_, people := resumeRegister(t, ref)
			path := filepath.Join(t.TempDir(), "公安.xlsx")
			resumeList(t, people, path)
			if err := importResumeList(ctx, ref, path); err != nil {
				t.Fatal(err)
			}
			want := state(t, ref)

			db, dsn := open()
			resumeRegister(t, db)
			var total int
			ref.QueryRowContext(ctx, `SELECT rows_done FROM imports`).Scan(&total)
			// Each child is killed once the import has passed a random row
			// (and a random few milliseconds more, to land inside a
			// batch's transaction as often as between two), until a child
			// runs to the end.
			r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
			var kills []int
			for attempt := 0; ; attempt++ {
				if attempt > 40 {
					t.Fatal("the import did not finish")
				}
				var now int
				db.QueryRowContext(ctx, `SELECT COALESCE(MAX(rows_done), 0) FROM imports`).Scan(&now)
				target := now + 1 + r.IntN(total/6)
				cmd := exec.Command(os.Args[0], "-test.run=^TestImportChild$", "-test.count=1")
				cmd.Env = append(os.Environ(), envChild+"=1", envChildDSN+"="+dsn, envChildFile+"="+path)
				out := &strings.Builder{}
				cmd.Stdout, cmd.Stderr = out, out
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				killed := false
			watch:
				for {
					select {
					case err := <-done:
						if err != nil {
							t.Fatalf("child: %v\n%s", err, out)
						}
						break watch
					case <-time.After(2 * time.Millisecond):
					}
					var at int
					db.QueryRowContext(ctx, `SELECT COALESCE(MAX(rows_done), 0) FROM imports`).Scan(&at)
					if at >= target && attempt < 12 {
						time.Sleep(time.Duration(r.IntN(15)) * time.Millisecond)
						cmd.Process.Signal(syscall.SIGKILL)
						<-done
						db.QueryRowContext(ctx, `SELECT COALESCE(MAX(rows_done), 0) FROM imports`).Scan(&at)
						kills = append(kills, at)
						killed = true
						break watch
					}
				}
				if !killed {
					break
				}
			}
			t.Logf("killed at rows %v of %d", kills, total)
			if len(kills) == 0 {
				t.Error("no kill landed")
			}
			if got := state(t, db); got != want {
				t.Errorf("after %d kills the state differs from one uninterrupted run:\n%s", len(kills), firstDiff(got, want))
			}
		})
	}
}

func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n got %s\nwant %s", i, la[i], lb[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(la), len(lb))
}
