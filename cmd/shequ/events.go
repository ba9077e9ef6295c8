package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"shequ/internal/events"
	"shequ/internal/notify"
	"shequ/internal/workdays"
)

// calendarCmd shows and edits the working-day calendar.
func calendarCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("用法: shequ calendar show|import|set-hours [--db …] …")
	}
	sub, args := args[0], args[1:]
	fs, dsn := newFlags("calendar "+sub, stderr)
	year := fs.Int("year", time.Now().In(workdays.Shanghai).Year(), "年份")
	file := fs.String("file", "", "节假日安排 CSV:日期,休|班,名称[,暂定];导入时替换文件中各年份的全部安排")
	source := fs.String("source", "", "安排的出处,如 国务院办公厅关于2027年部分节假日安排的通知")
	hours := fs.String("hours", "", "作息时间,如 08:30-12:00,14:00-17:30")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "show":
		cal, err := workdays.Load(ctx, db)
		if err != nil {
			return err
		}
		for _, y := range cal.Years() {
			mark := ""
			if y.Provisional {
				mark = "(暂定)"
			}
			fmt.Fprintf(stderr, "%d 年%s:%s\n", y.Year, mark, y.Source)
		}
		if !cal.Covers(*year) {
			fmt.Fprintf(stderr, "注意:%d 年没有节假日安排,只按周末计算。\n", *year)
		}
		var hs []string
		for _, p := range cal.Hours() {
			hs = append(hs, p.String())
		}
		fmt.Fprintf(stderr, "作息时间:%s\n", strings.Join(hs, "、"))
		return cal.WriteCSV(stdout, *year)
	case "import":
		if *file == "" || *source == "" {
			return fmt.Errorf("需要 --file 和 --source")
		}
		f, err := os.Open(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		years, err := workdays.ImportCSV(ctx, db, f, *source)
		if err != nil {
			return err
		}
		for _, y := range years {
			fmt.Fprintf(stdout, "已替换 %d 年的节假日安排\n", y.Year)
		}
		return nil
	case "set-hours":
		var ps []workdays.Period
		for _, part := range strings.Split(*hours, ",") {
			a, b, ok := strings.Cut(strings.TrimSpace(part), "-")
			if !ok {
				return fmt.Errorf("作息时间应为 开始-结束,多个用逗号分隔,如 08:30-12:00,14:00-17:30")
			}
			s, err := workdays.ParseClock(a)
			if err != nil {
				return err
			}
			e, err := workdays.ParseClock(b)
			if err != nil {
				return err
			}
			ps = append(ps, workdays.Period{Start: s, End: e})
		}
		if err := workdays.SetHours(ctx, db, ps); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "已更新作息时间")
		return nil
	}
	return fmt.Errorf("未知子命令 %q", sub)
}

// eventsCmd lists categories, runs the 督办 scheduler once and looks after
// the notification outbox.
func eventsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("用法: shequ events categories|scan|outbox [--db …] …")
	}
	sub, args := args[0], args[1:]
	fs, dsn := newFlags("events "+sub, stderr)
	requeue := fs.Bool("requeue", false, "outbox:把发送失败的通知重新排队")
	send := fs.Bool("send", false, "outbox:立即发送到期的通知一轮(用日志发送器)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	s := events.NewStore(db)
	log := slog.New(slog.NewTextHandler(stderr, nil))
	switch sub {
	case "categories":
		cat, err := s.Catalogue(ctx)
		if err != nil {
			return err
		}
		depts, err := s.Departments(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "编码\t名称\t层级\t归口部门\t受理\t处置\t核查")
		for _, c := range cat.Categories() {
			e := cat.Effective(c.Code)
			name := c.Name
			if c.Parent != "" {
				name = "  " + name
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Code, name, events.LevelNames[e.Level], depts[e.Department],
				cat.Limit(c.Code, events.StepAccept, events.UrgencyNormal), cat.Limit(c.Code, events.StepHandle, events.UrgencyNormal),
				cat.Limit(c.Code, events.StepVerify, events.UrgencyNormal))
		}
		return tw.Flush()
	case "scan":
		n, err := (&events.Scheduler{Store: s, Log: log}).RunOnce(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "发出督办通知 %d 条\n", n)
		return nil
	case "outbox":
		if *requeue {
			n, err := notify.Requeue(ctx, db)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "重新排队 %d 条\n", n)
		}
		if *send {
			n, err := notify.NewDispatcher(db, notify.LogSender{Log: log}, log).RunOnce(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "处理 %d 条\n", n)
		}
		c, err := notify.Counts(ctx, db)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "待发 %d,已发 %d,失败 %d\n", c[notify.Pending], c[notify.Sent], c[notify.Failed])
		return nil
	}
	return fmt.Errorf("未知子命令 %q", sub)
}
