-- Photos and other attachments of event steps, kept in the database with
-- the step they belong to: one backup holds everything, a step and its
-- photos commit or fail together, and nothing depends on a shared disk when
-- several servers share one PostgreSQL. Photos are re-encoded on upload
-- (at most 1600 px, which also drops EXIF location data), so they stay
-- around 200-400 KB.
CREATE TABLE event_attachments (
    community_id BIGINT NOT NULL,
    event_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    step_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    width INTEGER NOT NULL DEFAULT 0,
    height INTEGER NOT NULL DEFAULT 0,
    public INTEGER NOT NULL DEFAULT 0,  -- the reporter's own photos, shown on the public page and to Open311
    data BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, event_id, id)
);
