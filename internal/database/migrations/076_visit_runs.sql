-- The schedules' last run over every household (the nightly run): the day
-- it ran for, the rules it ran with (a fingerprint of them) and how far it
-- had read the register's change events. The next run recomputes only the
-- households changed since — by an event, or by a tag starting, ending or
-- its follow-ups lapsing on a day in between — unless the rules changed.
CREATE TABLE visit_runs (
    name TEXT PRIMARY KEY,
    ran_on TEXT NOT NULL,
    rules TEXT NOT NULL,
    after_id BIGINT NOT NULL
);
