-- Resident verification (居民身份核验): a resident proves who they are
-- against the register by name, the last six characters of the ID number
-- and the phone, then a one-time SMS code; the session that follows names
-- the register person, for 议事协商 and surveys to check eligibility.

-- A code asked for. Every request makes a row, matched or not (person_id
-- NULL), so that the answer and the work behind it are the same either way
-- and nothing tells whether a person exists. The browser holds the ticket;
-- the table keeps hashes of the ticket and the code, never the phone or the
-- ID number.
CREATE TABLE resident_codes (
    ticket_hash TEXT PRIMARY KEY,
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    person_id BIGINT,                 -- NULL: nothing matched; no code can pass
    code_hash TEXT NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0, -- codes typed so far
    used INTEGER NOT NULL DEFAULT 0,  -- 1 once it signed in
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX resident_codes_expiry ON resident_codes (expires_at);

-- A resident's signed-in phone: the cookie's token, kept hashed.
CREATE TABLE resident_sessions (
    token_hash TEXT PRIMARY KEY,
    community_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at TEXT NOT NULL DEFAULT ''  -- signed out
);
CREATE INDEX resident_sessions_person ON resident_sessions (community_id, person_id);

-- A code request looks a community's persons up by name: without this it
-- reads every person of the community (25,000 in 城北) on each request.
CREATE INDEX persons_name ON persons (community_id, name);
