-- A person may be known to be born in a month without the day (出生年月
-- on a 计生 or 民政 roster, with no ID number to give the day). Such a
-- person keeps birth_precision 'month' and, in birth_date, the last day of
-- that month: the day by which they are surely born. Every comparison the
-- code already makes with birth_date then gives the answer that is certain
-- without knowing of months: an age on a date counts the birthday at the end
-- of the month (nobody is counted 80 before the month is out), and a birth
-- lies within a period of whole months exactly when its month does.
ALTER TABLE persons ADD COLUMN birth_precision TEXT NOT NULL DEFAULT 'day';
