package workdays

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"shequ/internal/database"
)

// Load reads the calendar from the database.
func Load(ctx context.Context, q database.Querier) (*Calendar, error) {
	var days []Day
	rows, err := q.QueryContext(ctx, `SELECT day, kind, name, provisional FROM calendar_days ORDER BY day`)
	if err != nil {
		return nil, fmt.Errorf("workdays: %w", err)
	}
	for rows.Next() {
		var d Day
		var prov int
		if err := rows.Scan(&d.Date, &d.Kind, &d.Name, &prov); err != nil {
			rows.Close()
			return nil, err
		}
		d.Provisional = prov != 0
		days = append(days, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var years []Year
	rows, err = q.QueryContext(ctx, `SELECT year, provisional, source FROM calendar_years ORDER BY year`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var y Year
		var prov int
		if err := rows.Scan(&y.Year, &prov, &y.Source); err != nil {
			rows.Close()
			return nil, err
		}
		y.Provisional = prov != 0
		years = append(years, y)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var hours []Period
	rows, err = q.QueryContext(ctx, `SELECT starts, ends FROM calendar_hours ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s, e string
		if err := rows.Scan(&s, &e); err != nil {
			return nil, err
		}
		p, err := parsePeriod(s, e)
		if err != nil {
			return nil, err
		}
		hours = append(hours, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(hours) == 0 {
		hours = nil // DefaultHours
	}
	return New(days, hours, years)
}

func parsePeriod(s, e string) (Period, error) {
	a, err := ParseClock(s)
	if err != nil {
		return Period{}, err
	}
	b, err := ParseClock(e)
	if err != nil {
		return Period{}, err
	}
	return Period{a, b}, nil
}

// SetDay lists or changes one date.
func SetDay(ctx context.Context, q database.Querier, d Day) error {
	if _, err := parseDate(d.Date); err != nil {
		return err
	}
	if d.Kind != Holiday && d.Kind != Workday {
		return fmt.Errorf("%s: 类型应为 休(holiday)或 班(workday)", d.Date)
	}
	if strings.TrimSpace(d.Name) == "" {
		return fmt.Errorf("%s: 请填写名称(如 春节、国庆节调休上班)", d.Date)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO calendar_days (day, kind, name, provisional, updated_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name,
			provisional = excluded.provisional, updated_at = excluded.updated_at`,
		d.Date, string(d.Kind), strings.TrimSpace(d.Name), boolInt(d.Provisional), database.FormatTime(time.Now()))
	return err
}

// DeleteDay returns a date to the default week.
func DeleteDay(ctx context.Context, q database.Querier, date string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM calendar_days WHERE day = $1`, date)
	return err
}

// SetYear records that a year has a schedule and where it came from.
func SetYear(ctx context.Context, q database.Querier, y Year) error {
	if y.Year < 1949 || y.Year > 2200 {
		return fmt.Errorf("年份 %d 无效", y.Year)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO calendar_years (year, provisional, source, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (year) DO UPDATE SET provisional = excluded.provisional, source = excluded.source, updated_at = excluded.updated_at`,
		y.Year, boolInt(y.Provisional), y.Source, database.FormatTime(time.Now()))
	return err
}

// SetHours replaces the working periods.
func SetHours(ctx context.Context, db *database.DB, hours []Period) error {
	if err := checkHours(hours); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_hours`); err != nil {
			return err
		}
		for i, p := range hours {
			if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_hours (seq, starts, ends) VALUES ($1, $2, $3)`,
				i+1, p.Start.String(), p.End.String()); err != nil {
				return err
			}
		}
		return nil
	})
}

// ImportError is a bad line of an imported schedule.
type ImportError struct {
	Line int
	Msg  string
}

func (e *ImportError) Error() string { return fmt.Sprintf("第 %d 行:%s", e.Line, e.Msg) }

// ImportCSV replaces the schedules of the years a file lists. Each line is
// date,kind,name[,暂定]: kind 休/holiday or 班/workday; a fourth column of
// 暂定 (or 1, true, provisional) marks the date provisional. A header line
// and blank lines are skipped. Every year in the file is replaced as a
// whole, in one transaction, with source as its origin; nothing is saved if
// any line is bad. It returns the years replaced.
func ImportCSV(ctx context.Context, db *database.DB, r io.Reader, source string) ([]Year, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var days []Day
	years := map[int]*Year{}
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &ImportError{Line: line, Msg: "无法读取:" + err.Error()}
		}
		if len(rec) == 0 || (len(rec) == 1 && strings.TrimSpace(rec[0]) == "") {
			continue
		}
		date := strings.TrimPrefix(strings.TrimSpace(rec[0]), "\ufeff")
		if line == 1 && (date == "date" || date == "日期") {
			continue
		}
		if len(rec) < 3 {
			return nil, &ImportError{Line: line, Msg: "应有 日期,类型,名称 三列"}
		}
		n, err := parseDate(date)
		if err != nil {
			return nil, &ImportError{Line: line, Msg: err.Error()}
		}
		var kind Kind
		switch strings.TrimSpace(rec[1]) {
		case "休", "holiday":
			kind = Holiday
		case "班", "workday":
			kind = Workday
		default:
			return nil, &ImportError{Line: line, Msg: fmt.Sprintf("类型 %q 应为 休 或 班", rec[1])}
		}
		name := strings.TrimSpace(rec[2])
		if name == "" {
			return nil, &ImportError{Line: line, Msg: "缺少名称"}
		}
		prov := false
		if len(rec) > 3 {
			switch strings.TrimSpace(rec[3]) {
			case "暂定", "1", "true", "provisional":
				prov = true
			case "", "0", "false":
			default:
				return nil, &ImportError{Line: line, Msg: fmt.Sprintf("第四列 %q 应为 暂定 或留空", rec[3])}
			}
		}
		y := time.Unix(int64(n)*86400, 0).UTC().Year()
		if years[y] == nil {
			years[y] = &Year{Year: y, Source: source}
		}
		years[y].Provisional = years[y].Provisional || prov
		days = append(days, Day{Date: date, Kind: kind, Name: name, Provisional: prov})
	}
	if len(days) == 0 {
		return nil, errors.New("文件中没有日期")
	}
	var out []Year
	for _, y := range years {
		out = append(out, *y)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		for _, y := range out {
			prefix := strconv.Itoa(y.Year) + "-"
			if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_days WHERE day >= $1 AND day < $2`,
				prefix+"01-01", strconv.Itoa(y.Year+1)+"-01-01"); err != nil {
				return err
			}
			if err := SetYear(ctx, tx, y); err != nil {
				return err
			}
		}
		for _, d := range days {
			if err := SetDay(ctx, tx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// WriteCSV writes a year's listed dates in the format ImportCSV reads.
func (c *Calendar) WriteCSV(w io.Writer, year int) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"日期", "类型", "名称", "暂定"})
	for _, d := range c.Days(year) {
		prov := ""
		if d.Provisional {
			prov = "暂定"
		}
		cw.Write([]string{d.Date, d.Kind.Label(), d.Name, prov})
	}
	cw.Flush()
	return cw.Error()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
