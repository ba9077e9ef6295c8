-- How far the 居务公开 pass has scheduled each community: the month it
-- last ran in (every period ended before that month is scheduled) and the
-- catalogue it read then (rows, their versions, the last change), so that
-- the hourly pass skips a community when neither has moved.
CREATE TABLE disclosure_pass (
    community_id BIGINT NOT NULL PRIMARY KEY,
    month TEXT NOT NULL,
    catalogue TEXT NOT NULL
);

-- The publications not yet published nor escalated (督办), by due day: the
-- pass escalates the ones due before today from here, reading only the
-- rows whose due day passed or that were added since the last pass, not
-- every community's history.
CREATE INDEX disclosure_publications_pending ON disclosure_publications (due_on)
    WHERE published_on = '' AND escalated_on = '';
