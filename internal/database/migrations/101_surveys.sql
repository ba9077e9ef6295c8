-- 问卷调查: a community's surveys, answered by verified residents on their
-- phone. Who may answer is data on the survey (surveys.unit, age range,
-- gender, survey_buildings), checked as a predicate over the respondent's
-- own register facts; no list of the targeted is made.

-- A survey. status: draft (questions editable), open (answered between
-- opens_at and closes_at), closed. anonymous 1: the answers keep no link
-- to the person. respondent_salt keys the hashes in survey_respondents.
-- target is the targeted set's size when the survey opened (-1 before).
CREATE TABLE surveys (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    title TEXT NOT NULL,
    intro TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    anonymous INTEGER NOT NULL DEFAULT 1,
    unit TEXT NOT NULL DEFAULT 'person',   -- person, household (one answer per household)
    age_min INTEGER NOT NULL DEFAULT 18,
    age_max INTEGER NOT NULL DEFAULT 0,    -- 0: no upper bound
    gender TEXT NOT NULL DEFAULT '',       -- '', M, F
    opens_at TEXT NOT NULL DEFAULT '',
    closes_at TEXT NOT NULL DEFAULT '',
    closed_at TEXT NOT NULL DEFAULT '',
    target INTEGER NOT NULL DEFAULT -1,
    respondent_salt TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
);
CREATE INDEX surveys_list ON surveys (community_id, created_at, id);

-- The buildings a survey is limited to; none: the whole community.
CREATE TABLE survey_buildings (
    community_id BIGINT NOT NULL,
    survey_id BIGINT NOT NULL,
    building_id BIGINT NOT NULL,
    PRIMARY KEY (community_id, survey_id, building_id)
);

-- A question. kind: single, multiple, rating (1–5), text, number. options
-- are the choices, one a line, for single and multiple. max_len bounds a
-- text answer; number_min/number_max a number.
CREATE TABLE survey_questions (
    community_id BIGINT NOT NULL,
    survey_id BIGINT NOT NULL,
    position INTEGER NOT NULL,             -- 1, 2, …
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '',
    required INTEGER NOT NULL DEFAULT 1,
    max_len INTEGER NOT NULL DEFAULT 0,
    number_min BIGINT NOT NULL DEFAULT 0,
    number_max BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, survey_id, position)
);

-- Who has answered, without what: a keyed hash of the person or household,
-- unique per survey, so a second response fails on the key. No time, no
-- response id: nothing joins it to survey_responses.
CREATE TABLE survey_respondents (
    community_id BIGINT NOT NULL,
    survey_id BIGINT NOT NULL,
    respondent_hash TEXT NOT NULL,
    PRIMARY KEY (community_id, survey_id, respondent_hash)
);

-- A response under a random id. person_id and submitted_at only for named
-- surveys; an anonymous survey's responses carry neither.
CREATE TABLE survey_responses (
    community_id BIGINT NOT NULL,
    survey_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    person_id BIGINT,
    submitted_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, survey_id, id)
);

-- The answers of a response: one row per question, and per chosen option
-- of a multiple choice (choice 1, 2, …; 0 when the question has none).
CREATE TABLE survey_answers (
    community_id BIGINT NOT NULL,
    survey_id BIGINT NOT NULL,
    response_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    choice INTEGER NOT NULL DEFAULT 0,
    number BIGINT,                         -- a rating or a number
    text TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, survey_id, response_id, position, choice)
);
CREATE INDEX survey_answers_question ON survey_answers (community_id, survey_id, position, choice);
