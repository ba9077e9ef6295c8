-- Summaries of the hours ledger, so that a city's year is read from
-- thousands of rows instead of a million. They are kept by the ledger's
-- one write path in the same transaction as the row: a row standing adds
-- one record and its minutes, a reversal takes one record and the
-- reversed row's minutes away (its minutes are negative), so the sums
-- stay exact. Only rows standing count: a reversed row and its reversal
-- cancel out.

-- Per volunteer and year: who served (serving volunteers) and their sums.
CREATE TABLE volunteer_year_sums (
    community_id BIGINT NOT NULL,
    year TEXT NOT NULL,                    -- YYYY
    kind TEXT NOT NULL,
    volunteer_id BIGINT NOT NULL,
    records INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    PRIMARY KEY (community_id, year, kind, volunteer_id)
);
-- No index for the city: it reads the whole year's rows, one per volunteer,
-- and an index of its own only tempts the planner away from the key for
-- one community.

-- Per community, month, kind and team (0: none): the year's months and teams.
CREATE TABLE volunteer_month_sums (
    community_id BIGINT NOT NULL,
    month TEXT NOT NULL,                   -- YYYY-MM
    kind TEXT NOT NULL,
    team_id BIGINT NOT NULL DEFAULT 0,
    records INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    PRIMARY KEY (community_id, month, kind, team_id)
);
CREATE INDEX volunteer_month_sums_city ON volunteer_month_sums (month);

INSERT INTO volunteer_year_sums (community_id, year, kind, volunteer_id, records, minutes)
    SELECT community_id, SUBSTR(served_on, 1, 4), kind, volunteer_id, COUNT(*), SUM(minutes) FROM volunteer_hours
    WHERE reversed = 0 AND reverses_id IS NULL GROUP BY community_id, SUBSTR(served_on, 1, 4), kind, volunteer_id;
INSERT INTO volunteer_month_sums (community_id, month, kind, team_id, records, minutes)
    SELECT community_id, SUBSTR(served_on, 1, 7), kind, COALESCE(team_id, 0), COUNT(*), SUM(minutes) FROM volunteer_hours
    WHERE reversed = 0 AND reverses_id IS NULL GROUP BY community_id, SUBSTR(served_on, 1, 7), kind, COALESCE(team_id, 0);
