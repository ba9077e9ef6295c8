package bench

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"shequ/internal/indicators"
	"shequ/internal/orgtree"
	"shequ/internal/reports"
)

// Reports runs for minutes (the naive way is slow by design): only when
// asked for.
var Reports = Group{Name: "reports", Hidden: true, run: reportsBench}

// reportsBench measures issue 5's figure (shequ bench --only reports): the
// whole sample template (358 items) computed for every org unit of the
// city down to the grids, for last month, from the tables (the row cache
// empty: the figure) and again with the rows the first run cached (what a
// server does from the second report on), and the memory the computation
// took above what the process held before; then the naive way, one SQL
// query per indicator per org unit, on a sample of indicators and units,
// the total extrapolated, and the ratio to the figure. A community's
// report (what a page shows) is timed too.
//
// Both ways run on a database with planner statistics (ANALYZE, taken
// first): without them SQLite drives the naive way's tag lookups from the
// tag index across the whole city, and one grid's query takes a minute —
// a ratio that would say more about the planner than about the design.
func reportsBench(v env) error {
	ctx, db := v.ctx, v.db
	svc := reports.New(db, nil, v.opt.Sources...)
	if _, err := svc.InstallSample(ctx); err != nil {
		return err
	}
	started := time.Now()
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		return err
	}
	fmt.Fprintf(v.logw, "bench: ANALYZE took %.1f s\n", time.Since(started).Seconds())
	var root orgtree.Unit
	roots, err := orgtree.NewStore(db).Roots(ctx)
	if err != nil {
		return err
	}
	for _, r := range roots {
		if r.Level == orgtree.LevelCity || root.ID == 0 {
			root = r
		}
	}
	if root.ID == 0 {
		return fmt.Errorf("数据库中没有组织单元;请先用 --load 载入 city 预设")
	}
	period := indicators.Current(indicators.Monthly, time.Now()).Previous()
	fmt.Fprintf(v.logw, "bench: reports for %s, %s\n", root.Name, period)

	runtime.GC()
	rssBefore := procStatus("VmRSS")
	var peakHeap atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peakHeap.Load() {
				peakHeap.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	// Three runs from the tables (the cache emptied before each), then
	// three from the cache.
	var cold, warm []time.Duration
	var r *reports.Report
	for i := 0; i < 6; i++ {
		if i < 3 {
			svc.DropCache()
			runtime.GC()
		}
		start := time.Now()
		r, err = svc.Compute(ctx, reports.SampleCode, root.ID, period, reports.Options{})
		if err != nil {
			close(stop)
			return err
		}
		if i < 3 {
			cold = append(cold, time.Since(start))
		} else {
			warm = append(warm, time.Since(start))
		}
	}
	close(stop)
	rssPeak := procStatus("VmHWM")
	median := func(ds []time.Duration) time.Duration {
		s := append([]time.Duration(nil), ds...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		return s[len(s)/2]
	}
	first, coldMedian, warmMedian := cold[0], median(cold), median(warm)
	var computed int
	for _, row := range r.Rows {
		if !row.Manual {
			computed++
		}
	}
	levels := map[string]int{}
	for _, u := range r.Units {
		levels[u.Level]++
	}
	v.e.emit(Result{Bench: "reports_template_city", Value: coldMedian.Seconds(), Unit: "s", N: len(r.Units),
		Note: fmt.Sprintf("358 项(计算 %d 项)× %d 个单位(%s),%s;从表读取,三次中位数,首次 %.2f s", computed, len(r.Units),
			levelNote(levels), period, first.Seconds())})
	v.e.emit(Result{Bench: "reports_template_city_cached", Value: warmMedian.Seconds(), Unit: "s", N: len(r.Units),
		Note: "同上,行数据取自上次计算的缓存(社区无新变更时),三次中位数"})
	extra := float64(rssPeak-rssBefore) / 1024
	v.e.emit(Result{Bench: "reports_template_city_memory", Value: math.Round(extra), Unit: "MB",
		Note: fmt.Sprintf("计算期间进程峰值 RSS 比计算前多出的部分;Go 堆峰值 %d MB", peakHeap.Load()>>20)})

	// A community's report, as its page computes it.
	var community int64
	for _, u := range r.Units {
		if u.Level == orgtree.LevelCommunity {
			community = u.ID
			break
		}
	}
	lat, err := timeIt(ctx, 10, func(int) error {
		_, err := svc.Compute(ctx, reports.SampleCode, community, period, reports.Options{})
		return err
	})
	if err != nil {
		return err
	}
	v.e.emit(Result{Bench: "reports_template_community_p50", Value: lat.pct(0.5), Unit: "ms", N: len(lat),
		Note: "一个社区的整张报表(报表页的计算),行数据已缓存"})

	return naiveBench(v, svc, r, period, computed, coldMedian)
}

// naiveTimeout bounds one naive query; one that hits it counts as taking
// that long (so the estimate errs on the naive way's side).
const naiveTimeout = 30 * time.Second

// naiveBench times one SQL query per indicator per unit — every tenth
// computed indicator, on four grids, two communities and one unit of each
// level above — and extrapolates: each level's mean time per query times
// its units times the computed indicators. A level without a sampled unit
// (none here) would take the street's mean scaled by population.
func naiveBench(v env, svc *reports.Service, r *reports.Report, period indicators.Period, computed int, ours time.Duration) error {
	ctx, db := v.ctx, v.db
	reg, err := svc.Registry(ctx)
	if err != nil {
		return err
	}
	all := map[string]indicators.Indicator{}
	inds, err := svc.Indicators(ctx)
	if err != nil {
		return err
	}
	for _, ind := range inds {
		all[ind.Code] = ind
	}
	var list []*indicators.Compiled
	n := 0
	for _, row := range r.Rows {
		if row.Manual {
			continue
		}
		if n%10 == 0 {
			c, err := indicators.Compile(reg, all[row.Indicator], func(code string) (indicators.Indicator, bool) {
				o, ok := all[code]
				return o, ok
			})
			if err != nil {
				return err
			}
			list = append(list, c)
		}
		n++
	}
	pop := r.Values("A001") // population per unit, to scale by
	org := orgtree.NewStore(db)
	perLevel := map[string]int{}
	popLevel := map[string]float64{}
	want := map[string]int{orgtree.LevelGrid: 4, orgtree.LevelCommunity: 2, orgtree.LevelStreet: 1,
		orgtree.LevelDistrict: 1, orgtree.LevelCity: 1}
	sample := map[string][]orgtree.Unit{}
	samplePop := map[string]float64{}
	for i, u := range r.Units {
		perLevel[u.Level]++
		popLevel[u.Level] += pop[i]
		// Units spread over the city: every 97th grid, the first community
		// and street found.
		if len(sample[u.Level]) < want[u.Level] && (u.Level != orgtree.LevelGrid || perLevel[u.Level]%97 == 1) {
			full, err := org.Get(ctx, u.ID)
			if err != nil {
				return err
			}
			sample[u.Level] = append(sample[u.Level], full)
			samplePop[u.Level] += pop[i]
		}
	}
	mean := map[string]float64{}
	var queries, timedOut int
	for _, level := range []string{orgtree.LevelGrid, orgtree.LevelCommunity, orgtree.LevelStreet,
		orgtree.LevelDistrict, orgtree.LevelCity} {
		var total time.Duration
		count := 0
		for _, u := range sample[level] {
			for _, c := range list {
				qctx, cancel := context.WithTimeout(ctx, naiveTimeout)
				start := time.Now()
				_, err := indicators.NaiveValue(qctx, db, c, u, period, 1)
				took := time.Since(start)
				cancel()
				if err != nil {
					if qctx.Err() == nil {
						return err
					}
					took = naiveTimeout
					timedOut++
				}
				total += took
				count++
			}
		}
		if count == 0 {
			continue
		}
		mean[level] = total.Seconds() / float64(count)
		queries += count
		v.e.emit(Result{Bench: "reports_naive_query_" + level, Value: math.Round(mean[level]*1e4) / 10, Unit: "ms", N: count,
			Note: fmt.Sprintf("每单位平均 %.0f 人", samplePop[level]/float64(len(sample[level])))})
	}
	var estimate float64
	var notes []string
	levels := make([]string, 0, len(perLevel))
	for l := range perLevel {
		levels = append(levels, l)
	}
	sort.Strings(levels)
	streetPop := samplePop[orgtree.LevelStreet] / float64(max(1, len(sample[orgtree.LevelStreet])))
	for _, level := range levels {
		m, ok := mean[level]
		how := "实测"
		if !ok {
			// Scaled from the street by population per unit.
			m = mean[orgtree.LevelStreet] * (popLevel[level] / float64(perLevel[level])) / streetPop
			how = "按人口从街道外推"
		}
		estimate += m * float64(perLevel[level]) * float64(computed)
		notes = append(notes, fmt.Sprintf("%s %d 个 × %.1f ms(%s)", level, perLevel[level], m*1000, how))
	}
	note := fmt.Sprintf("逐项逐单位 SQL:%d 个指标(每十项取一)在 4 个网格、2 个社区和街道、区、市各 1 个上实测 %d 次查询(已 ANALYZE),"+
		"按级平均耗时外推到 %d 个计算项 × 全部单位:%s", len(list), queries, computed, strings.Join(notes, ";"))
	if timedOut > 0 {
		note += fmt.Sprintf(";%d 次查询超过 %s 按 %s 计", timedOut, naiveTimeout, naiveTimeout)
	}
	v.e.emit(Result{Bench: "reports_naive_estimate", Value: math.Round(estimate), Unit: "s", N: queries, Note: note})
	v.e.emit(Result{Bench: "reports_speedup", Value: math.Round(estimate/ours.Seconds()*10) / 10, Unit: "x",
		Note: "逐项逐单位 SQL 的外推总耗时 ÷ 从表读取计算全部单位的耗时(中位数)"})
	return nil
}

func levelNote(levels map[string]int) string {
	var keys []string
	for k := range levels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, levels[k]))
	}
	return strings.Join(parts, ",")
}

// procStatus reads a memory figure (in kB) from /proc/self/status; 0 where
// there is none.
func procStatus(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && k == field {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
