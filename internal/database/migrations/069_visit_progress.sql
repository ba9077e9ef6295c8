-- How far each household has come with each rule: the day of the last
-- visit that satisfied an interval rule (anchor ''), and for a series (its
-- anchor, 't<tag id>') the last of its visits done; rule 0 is the last
-- visit of any rule where someone was met. Recomputation and coverage read
-- this instead of every done schedule row, whose number grows with each
-- visit ever made.
CREATE TABLE visit_progress (
    community_id BIGINT NOT NULL,
    household_id BIGINT NOT NULL,
    rule_id BIGINT NOT NULL,
    anchor TEXT NOT NULL,
    done_on TEXT NOT NULL,
    done_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, household_id, rule_id, anchor)
);
-- Coverage's "ever visited": rule 0 of a community's households.
CREATE INDEX visit_progress_rule ON visit_progress (community_id, rule_id, household_id);
