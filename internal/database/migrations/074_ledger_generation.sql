-- The ledger's generation: a counter every write to the tables a burden
-- board sums over a year (work done, demands, funds received) advances, by
-- trigger (the .sqlite and .postgres parts), whoever writes — the pages,
-- the demo, an import, another process. A board keeps a unit's year of
-- sums while the counter stands, so a city of 500 communities is not read
-- again row by row each time its dashboard is shown.
CREATE TABLE work_ledger_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO work_ledger_generation (id, n) VALUES (1, 0);
