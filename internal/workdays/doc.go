// Package workdays is the working-day calendar (工作日历) that time limits
// are counted on: Chinese public holidays (休), 调休 make-up working days (班)
// and the working hours of a working day, all in Asia/Shanghai civil time
// (the zone database is embedded, so it works on machines without one).
//
// The calendar is data (migration 040): calendar_days lists the dates that
// differ from the default week — Monday to Friday working, Saturday and
// Sunday rest — calendar_years the years that have a schedule and where it
// came from (an official notice, or 暂定 when built from the statutory rules
// before the notice is out), calendar_hours the working periods
// (08:30–12:00 and 14:00–17:30 unless changed). Years without a schedule are
// counted on weekends alone; Covers tells whether a year has one.
//
//	cal, err := workdays.Load(ctx, db)         // a snapshot; Load again after edits
//	cal.IsWorkday(t)                           // the date of t in Asia/Shanghai
//	due := cal.AddWorkdays(received, 5)        // "5 个工作日内"
//	due := cal.AddWorkingHours(dispatched, 4*time.Hour)
//	spent := cal.WorkingTimeBetween(a, b)      // working time in [a, b)
//	n := cal.WorkdaysBetween(a, b)
//	late := workdays.Overdue(due, time.Now())
//
// # Deadline semantics
//
// A deadline is an instant. A matter is overdue when the present is after
// that instant (now > deadline); at the deadline instant itself it is still
// on time. Overdue is the one definition every list, map, KPI and notice
// uses; in SQL over stored times (database.FormatTime) it is
// deadline < now.
//
// AddWorkdays(t, n) follows the civil rule for periods counted in days
// (民法典 第二百零一条、第二百零三条): the day of t does not count, counting
// starts on the next working day, and the period ends when work stops
// (the end of the last working period) on the n-th working day. Received on
// Friday 2026-02-13 at 10:00, 1 working day ends on Saturday 2026-02-14
// (调休上班) at 17:30; received on Sunday, 1 working day ends on Monday at
// 17:30.
//
// AddWorkingHours(t, d) counts only time inside working periods of working
// days: the clock runs from t if t lies in a working period, else from the
// start of the next one, and the result is the instant at which d of
// working time has run. A limit that runs out exactly at the end of a
// period ends there (17:30), not at the next morning's start.
//
// WorkingTimeBetween(a, b) is the working time inside [a, b), negative
// when b is before a. WorkdaysBetween(a, b) counts the working days after
// the date of a up to and including the date of b, so that
// WorkdaysBetween(t, AddWorkdays(t, n)) == n.
//
// Limits in natural time (紧急 2 hours round the clock, 7 natural days) need
// no calendar: t.Add(d).
package workdays
