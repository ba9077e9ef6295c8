-- 群众满意度: the resident's ratings of visits and of volunteer
-- activities, beside the ratings events (042) and applications (030)
-- already hold, and the indicators that put the four parts together.
--
-- A rating is 1–5 stars as events and applications take them; 4 or 5 is
-- 满意. rated_on is the day in Beijing time, for counts by month.

-- A household's rating of a visit (入户走访), by a verified member of it:
-- one per visit, never changed.
CREATE TABLE visit_ratings (
    community_id BIGINT NOT NULL,
    visit_id BIGINT NOT NULL,
    household_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    rated_at TEXT NOT NULL,
    rated_on TEXT NOT NULL,
    PRIMARY KEY (community_id, visit_id)
);
CREATE INDEX visit_ratings_day ON visit_ratings (community_id, rated_on);

-- A volunteer's rating of an activity they served in (checked in): one
-- per activity and volunteer, never changed. id names the rating itself
-- (an activity has many), for the indicators' ledger.
CREATE TABLE volunteer_activity_ratings (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    activity_id BIGINT NOT NULL,
    volunteer_id BIGINT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    rated_at TEXT NOT NULL,
    rated_on TEXT NOT NULL,
    PRIMARY KEY (community_id, activity_id, volunteer_id)
);
CREATE INDEX volunteer_activity_ratings_day ON volunteer_activity_ratings (community_id, rated_on);

-- The figures, computed from the entity satisfaction_rating of
-- internal/satisfaction (every rating of the four parts, from its day):
-- the ratings given in the period, the satisfied ones, and the share. The
-- combined 满意率 is satisfied ÷ rated over all four parts: each part
-- weighs by its number of ratings, so a part few residents rated moves it
-- little. 民政 owns them: 城乡社区治理 assessments ask the residents'
-- satisfaction of the community's services.
INSERT INTO indicators (code, name, entity, filter_expr, measure, field, denominator, period_rule, unit, decimals,
    department, note, sample, version, updated_at, updated_by) VALUES
    ('MY01', '居民评价次数', 'satisfaction_rating', '', 'count', '', '', 'new', '次', 0, 'civil',
     '期内居民对事件、办件、走访和志愿服务活动的评价次数', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('MY02', '满意评价次数', 'satisfaction_rating', '满意 = 是', 'count', '', '', 'new', '次', 0, 'civil',
     '期内评4星或5星的评价次数', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('MY03', '群众综合满意率', 'satisfaction_rating', '满意 = 是', 'share', '', 'MY01', 'new', '%', 1, 'civil',
     '满意评价次数 ÷ 评价次数 × 100,四部分按各自评价次数加权', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('MY11', '事件处置评价次数', 'satisfaction_rating', '部分 = 事件处置', 'count', '', '', 'new', '次', 0, 'civil',
     '期内反映人对已结案事件的评价次数', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('MY12', '事件处置满意率', 'satisfaction_rating', '部分 = 事件处置 且 满意 = 是', 'share', '', 'MY11', 'new', '%', 1, 'civil',
     '事件处置评价中评4星或5星的比例', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('MY21', '办事评价次数', 'satisfaction_rating', '部分 = 办事', 'count', '', '', 'new', '次', 0, 'civil',
     '期内申请人对办结办件的评价次数', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('MY22', '办事满意率', 'satisfaction_rating', '部分 = 办事 且 满意 = 是', 'share', '', 'MY21', 'new', '%', 1, 'civil',
     '办事评价中评4星或5星的比例', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('MY31', '入户走访评价次数', 'satisfaction_rating', '部分 = 入户走访', 'count', '', '', 'new', '次', 0, 'civil',
     '期内居民对入户走访的评价次数', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('MY32', '入户走访满意率', 'satisfaction_rating', '部分 = 入户走访 且 满意 = 是', 'share', '', 'MY31', 'new', '%', 1, 'civil',
     '入户走访评价中评4星或5星的比例', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('MY41', '志愿服务活动评价次数', 'satisfaction_rating', '部分 = 志愿服务活动', 'count', '', '', 'new', '次', 0, 'civil',
     '期内参加者对志愿服务活动的评价次数', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('MY42', '志愿服务活动满意率', 'satisfaction_rating', '部分 = 志愿服务活动 且 满意 = 是', 'share', '', 'MY41', 'new', '%', 1, 'civil',
     '志愿服务活动评价中评4星或5星的比例', 1, 1, '2026-01-01T00:00:00Z', '示例');
