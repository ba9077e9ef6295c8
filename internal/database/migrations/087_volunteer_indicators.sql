-- 志愿服务 in the catalogue of indicators (示例), computed from the entities
-- of internal/volunteers: volunteers registered and in service at the
-- period's end, the period's service and training hours from the hours
-- ledger (rows standing, so exact with reversals), the activities held
-- (shifts with a volunteer checked in), and volunteers per hundred
-- residents — over the register's persons of WF006 (migration 086), the
-- figure 文明城市 assessments ask (注册志愿者占常住人口比例). 民政 owns them:
-- the 志愿服务条例 (第五条) makes the civil affairs departments the
-- administration of volunteer service, and the national volunteer system
-- the export feeds is theirs.
INSERT INTO indicators (code, name, entity, filter_expr, measure, field, denominator, period_rule, unit, decimals,
    department, note, sample, version, updated_at, updated_by) VALUES
    ('ZY01', '注册志愿者人数', 'volunteer', '', 'count', '', '', 'end', '人', 0, 'civil',
     '期末在本社区注册且未退出的志愿者', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('ZY02', '志愿服务时长', 'volunteer_hours', '类别 = 服务', 'sum', 'hours', '', 'new', '小时', 1, 'civil',
     '期内志愿服务的时长合计(按服务日期;冲销的记录不计)', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('ZY03', '志愿者培训时长', 'volunteer_hours', '类别 = 培训', 'sum', 'hours', '', 'new', '小时', 1, 'civil',
     '期内志愿者参加培训的时长合计,与服务时长分开统计', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('ZY04', '志愿服务活动场次', 'volunteer_activity', '类别 = 服务', 'count', '', '', 'new', '场', 0, 'civil',
     '期内举行的志愿服务活动班次(至少一名志愿者签到)', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('ZY05', '注册志愿者占实有人口比例', 'volunteer', '', 'share', '', 'WF006', 'end', '%', 1, 'civil',
     '期末注册志愿者人数 ÷ 实有人口 × 100', 1, 1, '2026-01-01T00:00:00Z', '示例');

-- The burden dashboard (减负看板) counts the activities held as the work
-- done of the catalogue's volunteer item (社区志愿服务组织与记录, 1007):
-- one occurrence per shift held, for a community and month its staff did
-- not record by hand (counted_from 'volunteers', as 'visits' in 075). Its
-- staff minutes become those of one activity — publishing it, the
-- sign-ups, the QR on site and verifying the hours: an hour — instead of
-- the month's four. Only while the item is still the sample as shipped:
-- an administrator's edit stands.
UPDATE work_items SET counted_from = 'volunteers', staff_minutes = 60,
    content = '社区依法履行:社区志愿服务组织与记录;每举行一场志愿服务活动(一个班次,有志愿者签到)计一次'
    WHERE id = 1007 AND sample = 1 AND version = 1 AND counted_from = '';
