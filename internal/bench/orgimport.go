package bench

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"shequ/internal/orgtree"
)

// OrgImport measures `shequ org import` of a province's grids: a generated
// list of about 100,000 units (5 cities, 10 districts each, 12 streets, 12
// communities, 13 grids with their boundaries), imported into the
// database, then imported again with nothing to change. It adds the units
// to the database: run it on an empty one or a copy.
var OrgImport = Group{Name: "orgimport", Hidden: true, run: orgImportBench}

func orgImportBench(v env) error {
	ctx, db := v.ctx, v.db
	// Each run adds a tree of its own, under roots and codes no earlier
	// run used.
	var run int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_units WHERE parent_id IS NULL AND name LIKE '基准%'`).
		Scan(&run); err != nil {
		return err
	}
	if run >= 50 {
		return fmt.Errorf("数据库中已有 %d 次组织架构测量的单元,请换一个空数据库", run/5)
	}
	dir, err := os.MkdirTemp("", "shequ-bench-org-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "org.csv")
	units, err := writeOrgList(path, run/5)
	if err != nil {
		return err
	}
	fmt.Fprintf(v.logw, "bench: %d units in %s\n", units, path)
	store := orgtree.NewStore(db)
	actor := orgtree.Actor{Name: "bench", Source: "import:org"}
	importOnce := func() (orgtree.ImportResult, time.Duration, time.Duration, error) {
		start := time.Now()
		f, err := os.Open(path)
		if err != nil {
			return orgtree.ImportResult{}, 0, 0, err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return orgtree.ImportResult{}, 0, 0, err
		}
		file, err := orgtree.ReadImportFile(f, st.Size(), "org.csv")
		if err != nil {
			return orgtree.ImportResult{}, 0, 0, err
		}
		read := time.Since(start)
		res, err := store.Import(ctx, actor, file)
		return res, read, time.Since(start), err
	}
	res, read, total, err := importOnce()
	if err != nil {
		return err
	}
	if res.Created != units {
		return fmt.Errorf("created %d units of %d", res.Created, units)
	}
	v.e.emit(Result{Bench: "org_import_read", Value: read.Seconds(), Unit: "s", N: units,
		Note: "reading and parsing the csv with boundaries"})
	v.e.emit(Result{Bench: "org_import", Value: total.Seconds(), Unit: "s", N: units,
		Note: "target < 20 s: read, check every row, write units, closure and change records in one transaction"})
	res, _, total, err = importOnce()
	if err != nil {
		return err
	}
	if res.Unchanged != units {
		return fmt.Errorf("the same list again changed %d units", units-res.Unchanged)
	}
	v.e.emit(Result{Bench: "org_import_again", Value: total.Seconds(), Unit: "s", N: units, Note: "the same list: nothing to change"})
	return nil
}

// writeOrgList writes the tree of bench run r as a list and returns its
// number of units. Cities are named by path, streets and below by their
// parent's code or path in turn, as deployments mix them.
func writeOrgList(path string, r int) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "层级,名称,上级,代码,边界")
	n := 0
	row := func(format string, args ...any) {
		fmt.Fprintf(w, format+"\n", args...)
		n++
	}
	for c := 1; c <= 5; c++ {
		city := fmt.Sprintf("基准%d市%d", r, c)
		cityCode := fmt.Sprintf("9%d%02d00", r, c)
		row("市,%s,,%s,", city, cityCode)
		for d := 1; d <= 10; d++ {
			district := fmt.Sprintf("第%d区", d)
			dCode := cityCode[:4] + fmt.Sprintf("%02d", d)
			row("区,%s,%s,%s,", district, city, dCode)
			for s := 1; s <= 12; s++ {
				street := fmt.Sprintf("第%d街道", s)
				sCode := dCode + fmt.Sprintf("%03d000", s)
				row("街道,%s,%s/%s,%s,", street, city, district, sCode)
				for m := 1; m <= 12; m++ {
					community := fmt.Sprintf("第%d社区", m)
					mCode := sCode[:9] + fmt.Sprintf("%03d", m)
					row("社区,%s,%s,%s,", community, sCode, mCode)
					for g := 1; g <= 13; g++ {
						lon := 100 + float64(d)*0.5 + float64(m)*0.02 + float64(g)*0.001
						lat := 30 + float64(c)*2 + float64(s)*0.1
						row(`网格,第%d网格,%s/%s/%s/%s,,"{""type"":""Polygon"",""coordinates"":[[[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]]}"`,
							g, city, district, street, community,
							lon, lat, lon+0.001, lat, lon+0.001, lat+0.001, lon, lat+0.001, lon, lat)
					}
				}
			}
		}
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	return n, f.Close()
}
