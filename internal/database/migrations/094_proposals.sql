-- 议事协商: matters (议题) proposed by verified residents or the committee,
-- deliberated with arguments for and against, voted on by a set of the
-- register fixed per matter, decided and followed up.

-- A matter. scope says who may vote (adults: every adult resident of the
-- community; households: the households of the buildings listed in
-- proposal_buildings; owners: the owner-occupied households of those
-- buildings, or of the whole community when none is listed); unit says one
-- vote per person or per household. ballot_salt keys the hashes of the
-- voters in proposal_ballots. eligible is the set's size when the vote opened.
CREATE TABLE proposals (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    proposer_kind TEXT NOT NULL,              -- resident, committee
    proposer_person_id BIGINT,                -- the resident who proposed
    proposer_name TEXT NOT NULL DEFAULT '',   -- masked (张**) or the staff member
    status TEXT NOT NULL,                     -- moderation, rejected, open, voting, decided, done
    reject_reason TEXT NOT NULL DEFAULT '',
    scope TEXT NOT NULL DEFAULT 'adults',     -- adults, households, owners
    unit TEXT NOT NULL DEFAULT 'person',      -- person, household
    opens_at TEXT NOT NULL DEFAULT '',
    closes_at TEXT NOT NULL DEFAULT '',
    ballot_salt TEXT NOT NULL,
    eligible INTEGER NOT NULL DEFAULT -1,     -- -1 until the vote opens
    decision TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '',          -- passed, failed, ''
    decided_on TEXT NOT NULL DEFAULT '',
    event_id BIGINT,                          -- the follow-up's event
    project_id BIGINT,                        -- the follow-up's project
    done_on TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
-- The list pages newest first, by status or not.
CREATE INDEX proposals_list ON proposals (community_id, status, created_at, id);
CREATE INDEX proposals_recent ON proposals (community_id, created_at, id);

-- The buildings a households or owners matter is limited to.
CREATE TABLE proposal_buildings (
    community_id BIGINT NOT NULL,
    proposal_id BIGINT NOT NULL,
    building_id BIGINT NOT NULL,
    PRIMARY KEY (community_id, proposal_id, building_id)
);

-- Who has voted, without how: a keyed hash of the voting person or
-- household, unique per matter, so that a second vote fails on the key.
-- No time and no choice, so nothing joins it to proposal_tally.
CREATE TABLE proposal_ballots (
    community_id BIGINT NOT NULL,
    proposal_id BIGINT NOT NULL,
    voter_hash TEXT NOT NULL,
    PRIMARY KEY (community_id, proposal_id, voter_hash)
);

-- How was voted, without who: one row a vote, keyed by a random receipt
-- the voter keeps to find their vote in the published tally. No time and
-- no voter. Nothing updates or deletes these rows.
CREATE TABLE proposal_tally (
    community_id BIGINT NOT NULL,
    proposal_id BIGINT NOT NULL,
    receipt TEXT NOT NULL,
    choice TEXT NOT NULL,                     -- for, against, abstain
    PRIMARY KEY (community_id, proposal_id, receipt)
);

-- Deliberation: short arguments for and against, moderated like proposals.
CREATE TABLE proposal_arguments (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    proposal_id BIGINT NOT NULL,
    side TEXT NOT NULL,                       -- for, against
    body TEXT NOT NULL,
    person_id BIGINT NOT NULL,
    author TEXT NOT NULL,                     -- masked name
    status TEXT NOT NULL,                     -- moderation, published, rejected
    reject_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id)
);
CREATE INDEX proposal_arguments_of ON proposal_arguments (community_id, proposal_id, status);
