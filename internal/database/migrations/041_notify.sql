-- The notification outbox (通知发件箱): messages are written here inside the
-- transaction of the change they announce, and a dispatcher sends them
-- afterwards through the configured gateway, retrying with backoff. The
-- table is the queue, so nothing is lost when the server stops; delivery is
-- at least once, and each message carries an idempotency key the gateway
-- can deduplicate by.
CREATE TABLE notify_outbox (
    community_id BIGINT NOT NULL,       -- 0 when the message concerns no community
    id BIGINT NOT NULL,
    idem_key TEXT NOT NULL,             -- the same key enqueued twice is one message
    channel TEXT NOT NULL,              -- sms
    recipient TEXT NOT NULL,            -- a phone number: personal data, never logged
    user_id BIGINT,                     -- the recipient's account, when known
    body TEXT NOT NULL,
    ref TEXT NOT NULL DEFAULT '',       -- what it is about, for the log: event:123
    status TEXT NOT NULL,               -- pending, sent, failed
    attempts INTEGER NOT NULL DEFAULT 0,
    -- pending: when to try next; while a dispatcher holds the message, the
    -- end of its lease (so a crashed dispatcher's message comes due again)
    next_at TEXT NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    sent_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, idem_key)
);
CREATE INDEX notify_outbox_due ON notify_outbox (status, next_at);
