-- The working-day calendar (工作日历) that time limits are counted on:
-- public holidays (休) and 调休 make-up working days (班) per date, and the
-- working hours of a working day. Dates and hours are Asia/Shanghai civil
-- time. A small catalogue shared by every community (not sharded).

-- Days that differ from the default week (Monday–Friday working, Saturday
-- and Sunday rest): kind 'holiday' on a weekday or weekend inside a holiday
-- period, 'workday' on a weekend worked in exchange (调休上班).
CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,                 -- YYYY-MM-DD
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL,                   -- 春节, 国庆节 …
    provisional INTEGER NOT NULL DEFAULT 0, -- 1: 暂定, not yet an official schedule
    updated_at TEXT NOT NULL DEFAULT ''
);

-- The years the calendar has a schedule for, and where it came from. A year
-- not listed is counted on weekends alone (and the calendar says so).
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    provisional INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT ''
);

-- Working periods of a working day (作息时间), in order.
CREATE TABLE calendar_hours (
    seq INTEGER PRIMARY KEY,
    starts TEXT NOT NULL,                 -- HH:MM
    ends TEXT NOT NULL                    -- HH:MM, after starts
);
INSERT INTO calendar_hours (seq, starts, ends) VALUES (1, '08:30', '12:00'), (2, '14:00', '17:30');

-- 2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).
INSERT INTO calendar_years (year, provisional, source) VALUES
    (2026, 0, '国务院办公厅关于2026年部分节假日安排的通知(2025年11月4日)');
INSERT INTO calendar_days (day, kind, name, provisional) VALUES
    ('2026-01-01', 'holiday', '元旦', 0), ('2026-01-02', 'holiday', '元旦', 0), ('2026-01-03', 'holiday', '元旦', 0),
    ('2026-01-04', 'workday', '元旦调休上班', 0),
    ('2026-02-14', 'workday', '春节调休上班', 0),
    ('2026-02-15', 'holiday', '春节', 0), ('2026-02-16', 'holiday', '春节', 0), ('2026-02-17', 'holiday', '春节', 0),
    ('2026-02-18', 'holiday', '春节', 0), ('2026-02-19', 'holiday', '春节', 0), ('2026-02-20', 'holiday', '春节', 0),
    ('2026-02-21', 'holiday', '春节', 0), ('2026-02-22', 'holiday', '春节', 0), ('2026-02-23', 'holiday', '春节', 0),
    ('2026-02-28', 'workday', '春节调休上班', 0),
    ('2026-04-04', 'holiday', '清明节', 0), ('2026-04-05', 'holiday', '清明节', 0), ('2026-04-06', 'holiday', '清明节', 0),
    ('2026-05-01', 'holiday', '劳动节', 0), ('2026-05-02', 'holiday', '劳动节', 0), ('2026-05-03', 'holiday', '劳动节', 0),
    ('2026-05-04', 'holiday', '劳动节', 0), ('2026-05-05', 'holiday', '劳动节', 0),
    ('2026-05-09', 'workday', '劳动节调休上班', 0),
    ('2026-06-19', 'holiday', '端午节', 0), ('2026-06-20', 'holiday', '端午节', 0), ('2026-06-21', 'holiday', '端午节', 0),
    ('2026-09-20', 'workday', '国庆节调休上班', 0),
    ('2026-09-25', 'holiday', '中秋节', 0), ('2026-09-26', 'holiday', '中秋节', 0), ('2026-09-27', 'holiday', '中秋节', 0),
    ('2026-10-01', 'holiday', '国庆节', 0), ('2026-10-02', 'holiday', '国庆节', 0), ('2026-10-03', 'holiday', '国庆节', 0),
    ('2026-10-04', 'holiday', '国庆节', 0), ('2026-10-05', 'holiday', '国庆节', 0), ('2026-10-06', 'holiday', '国庆节', 0),
    ('2026-10-07', 'holiday', '国庆节', 0),
    ('2026-10-10', 'workday', '国庆节调休上班', 0);

-- 2027 暂定: the State Council had not published its notice for 2027 when
-- this was written (2026-11-30). Built from the statutory rules alone
-- (全国年节及纪念日放假办法, 2024 revision): 元旦 1 day, 春节 4 days from
-- 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3; a statutory day falling on a
-- Saturday or Sunday is made up (补假) on the following working days. Lunar
-- dates: 除夕 2027-02-05, 端午 06-09, 中秋 09-15; 清明 04-05. The official
-- notice will add 调休 (longer breaks with make-up weekends): replace these
-- rows with `shequ calendar import` when it is published.
INSERT INTO calendar_years (year, provisional, source) VALUES
    (2027, 1, '暂定:按《全国年节及纪念日放假办法》法定假日及补假推算,待国务院办公厅通知发布后替换');
INSERT INTO calendar_days (day, kind, name, provisional) VALUES
    ('2027-01-01', 'holiday', '元旦', 1),
    ('2027-02-05', 'holiday', '春节', 1), ('2027-02-06', 'holiday', '春节', 1), ('2027-02-07', 'holiday', '春节', 1),
    ('2027-02-08', 'holiday', '春节', 1), ('2027-02-09', 'holiday', '春节(补假)', 1), ('2027-02-10', 'holiday', '春节(补假)', 1),
    ('2027-04-05', 'holiday', '清明节', 1),
    ('2027-05-01', 'holiday', '劳动节', 1), ('2027-05-02', 'holiday', '劳动节', 1),
    ('2027-05-03', 'holiday', '劳动节(补假)', 1), ('2027-05-04', 'holiday', '劳动节(补假)', 1),
    ('2027-06-09', 'holiday', '端午节', 1),
    ('2027-09-15', 'holiday', '中秋节', 1),
    ('2027-10-01', 'holiday', '国庆节', 1), ('2027-10-02', 'holiday', '国庆节', 1), ('2027-10-03', 'holiday', '国庆节', 1),
    ('2027-10-04', 'holiday', '国庆节(补假)', 1), ('2027-10-05', 'holiday', '国庆节(补假)', 1);
