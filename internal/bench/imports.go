package bench

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/codes"
	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/register"
)

// importBench measures importing a department's list as large as the
// register: a csv of every person (1,000,000 for the city preset) into the
// city, as 公安 would send it — 3 % with a changed 户籍地址 (merged), 1 %
// with another phone (queued), 1 % new persons (created), 0.5 % with a
// wrong check digit (rejected), the rest as the register has them — end to
// end through `shequ import` in a child process (its peak RSS measured),
// then the same list again with nothing to change, then the time the
// sqlite3 shell takes to .import the same csv into an empty table, and a
// 100,000-row xlsx. It changes the database: run it on a copy.
// Import changes the database: it runs only when asked for.
var Import = Group{Name: "import", Hidden: true, run: importBench}

func importBench(v env) error {
	ctx, e, db, opt, logw := v.ctx, v.e, v.db, v.opt, v.logw
	if _, _, err := v.persons(); err != nil {
		return err
	}
	if opt.Binary == "" {
		return fmt.Errorf("导入测量需要 shequ 可执行文件")
	}
	root, err := biggestRoot(ctx, db)
	if err != nil {
		return err
	}
	// SHEQU_BENCH_KEEP names a directory to keep the generated lists in,
	// to import them again by hand (with a profile, say).
	dir := os.Getenv("SHEQU_BENCH_KEEP")
	if dir == "" {
		if dir, err = os.MkdirTemp("", "shequ-bench-import-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	var runs int
	db.QueryRowContext(ctx, `SELECT COUNT(*) FROM imports WHERE file_name LIKE 'bench-%'`).Scan(&runs)
	csvPath := filepath.Join(dir, fmt.Sprintf("bench-persons-%d.csv", runs))
	xlsxPath := filepath.Join(dir, fmt.Sprintf("bench-persons-%d.xlsx", runs))
	fmt.Fprintf(logw, "bench: writing %s\n", csvPath)
	rows, err := writeBenchLists(ctx, db, csvPath, xlsxPath, uint64(runs+1))
	if err != nil {
		return err
	}
	fmt.Fprintf(logw, "bench: %d rows; importing\n", rows)
	// The lists just written (400 MB) are still being flushed to disk:
	// flush them first, so that the import is not timed with the
	// benchmark's own writing.
	syscall.Sync()

	run := func(path string) (time.Duration, int64, error) {
		cmd := exec.CommandContext(ctx, opt.Binary, "import", "--db", opt.DSN, "--department", "police",
			"--unit", strconv.FormatInt(root, 10), "--batch", "5000", path)
		cmd.Stderr = io.Discard
		var out strings.Builder
		cmd.Stdout = &out
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, 0, fmt.Errorf("shequ import: %v\n%s", err, out.String())
		}
		took := time.Since(start)
		fmt.Fprint(logw, lastLines(out.String(), 3))
		var rss int64
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss // KiB on Linux
		}
		return took, rss, nil
	}
	took, rss, err := run(csvPath)
	if err != nil {
		return err
	}
	e.emit(Result{Bench: "import_csv", Value: took.Seconds(), Unit: "s", N: rows, Note: "end to end: read, check, match, write"})
	e.emit(Result{Bench: "import_csv_rate", Value: float64(rows) / took.Seconds(), Unit: "rows/s", N: rows})
	e.emit(Result{Bench: "import_csv_rss", Value: float64(rss) / 1024, Unit: "MB", N: rows, Note: "peak RSS of shequ import"})

	// The same list again (one more byte, so it is not recognised as the
	// same file): every row compared, nothing written but the record.
	again := filepath.Join(dir, fmt.Sprintf("bench-persons-%d-again.csv", runs))
	if err := copyAppend(csvPath, again, "\n"); err != nil {
		return err
	}
	took2, _, err := run(again)
	if err != nil {
		return err
	}
	e.emit(Result{Bench: "import_csv_unchanged", Value: took2.Seconds(), Unit: "s", N: rows, Note: "the same list again: nothing to change"})

	if bin, err := exec.LookPath("sqlite3"); err != nil {
		fmt.Fprintln(logw, "bench: sqlite3 命令行工具未安装,跳过对照测量(Debian: apt-get install sqlite3)")
		e.emit(Result{Bench: "sqlite3_import_csv", Value: 0, Unit: "s", Note: "sqlite3 not installed: apt-get install sqlite3"})
	} else {
		plain := filepath.Join(dir, "plain.db")
		cmd := exec.CommandContext(ctx, bin, plain)
		cmd.Stdin = strings.NewReader(".mode csv\n.import '" + csvPath + "' persons\n")
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("sqlite3 .import: %v\n%s", err, out)
		}
		ref := time.Since(start)
		e.emit(Result{Bench: "sqlite3_import_csv", Value: ref.Seconds(), Unit: "s", N: rows, Note: "sqlite3 .import into an empty table, no checks"})
		e.emit(Result{Bench: "import_csv_vs_sqlite3", Value: took.Seconds() / ref.Seconds(), Unit: "x", N: rows})
	}

	took3, rss3, err := run(xlsxPath)
	if err != nil {
		return err
	}
	e.emit(Result{Bench: "import_xlsx_100k", Value: took3.Seconds(), Unit: "s", N: min(rows, xlsxRows)})
	e.emit(Result{Bench: "import_xlsx_100k_rss", Value: float64(rss3) / 1024, Unit: "MB", N: min(rows, xlsxRows)})
	return nil
}

const xlsxRows = 100_000

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n") + "\n"
}

func copyAppend(from, to, extra string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	out.WriteString(extra)
	return out.Close()
}

// biggestRoot is the top unit with the most communities below it: the
// city of the city preset.
func biggestRoot(ctx context.Context, db *database.DB) (int64, error) {
	var id int64
	err := db.QueryRowContext(ctx, `SELECT u.id FROM org_units u JOIN org_closure c ON c.ancestor_id = u.id
		JOIN org_units x ON x.id = c.unit_id AND x.level = 'community'
		WHERE u.parent_id IS NULL GROUP BY u.id ORDER BY COUNT(*) DESC, u.id LIMIT 1`).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("没有找到包含社区的顶层单元: %w", err)
	}
	return id, nil
}

var benchFields = []string{"gender", "birth_date", "ethnicity", "relation", "residence", "phone", "hukou_address", "address"}

// writeBenchLists writes every person of the register as 公安's list (csv),
// perturbed as importBench says, and the first 100,000 as an xlsx.
func writeBenchLists(ctx context.Context, db *database.DB, csvPath, xlsxPath string, seed uint64) (int, error) {
	names := map[int64]string{}
	rows, err := db.QueryContext(ctx, `SELECT id, name FROM org_units WHERE level = 'community'`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return 0, err
		}
		names[id] = n
	}
	rows.Close()
	f, err := os.Create(csvPath)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	cw := csv.NewWriter(bw)
	header := []string{"姓名", "公民身份号码", "性别", "出生日期", "民族", "与户主关系", "人口类别", "联系电话", "户籍地址", "现住址", "所属社区"}
	cw.Write(header)

	xf := excelize.NewFile()
	defer xf.Close()
	sw, err := xf.NewStreamWriter("Sheet1")
	if err != nil {
		return 0, err
	}
	hv := make([]any, len(header))
	for i, h := range header {
		hv[i] = h
	}
	sw.SetRow("A1", hv)

	r := newRand(seed)
	today := time.Now()
	// The numbers in the register, so that new persons get numbers of
	// their own.
	made := map[string]bool{}
	ids, err := db.QueryContext(ctx, `SELECT id_number FROM persons`)
	if err != nil {
		return 0, err
	}
	for ids.Next() {
		var s string
		if err := ids.Scan(&s); err != nil {
			ids.Close()
			return 0, err
		}
		made[s] = true
	}
	ids.Close()
	n := 0
	record := make([]string, len(header))
	err = register.NewStore(db).ScanRoster(ctx, nil, benchFields, func(p *register.RosterRow) error {
		v := p.Values
		record[0], record[1] = p.Name, p.IDNumber
		record[2] = register.GenderNames[v[0]]
		record[3] = v[1]
		record[4], _ = codes.EthnicityName(v[2])
		record[5], _ = codes.RelationName(v[3])
		record[6] = register.ResidenceNames[v[4]]
		record[7], record[8], record[9] = v[5], v[6], v[7]
		record[10] = names[p.CommunityID]
		switch x := r.IntN(1000); {
		case x < 30:
			record[8] = v[6] + "附" + strconv.Itoa(1+r.IntN(9)) + "号"
		case x < 40:
			record[7] = "139" + fmt.Sprintf("%08d", r.IntN(100000000))
		case x < 45:
			record[1] = p.IDNumber[:17] + string("10X98765432"[(strings.IndexByte("10X98765432", p.IDNumber[17])+1)%11])
		case x < 55:
			// Somebody the register does not know.
			for {
				birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(20000))
				record[1] = ident.MakeResidentID("150302", birth, 990+r.IntN(10))
				record[3] = birth.Format("2006-01-02")
				if !made[record[1]] {
					made[record[1]] = true
					break
				}
			}
			if id, err := ident.ParseResidentID(record[1], today); err == nil && id.Male {
				record[2] = "男"
			} else {
				record[2] = "女"
			}
			record[9] = "新迁入待落户"
		}
		if err := cw.Write(record); err != nil {
			return err
		}
		n++
		if n <= xlsxRows {
			vals := make([]any, len(record))
			for i, s := range record {
				vals[i] = s
			}
			cell, _ := excelize.CoordinatesToCellName(1, n+1)
			if err := sw.SetRow(cell, vals); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.Close()
		return 0, err
	}
	cw.Flush()
	if err := bw.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	if err := sw.Flush(); err != nil {
		return 0, err
	}
	return n, xf.SaveAs(xlsxPath)
}
