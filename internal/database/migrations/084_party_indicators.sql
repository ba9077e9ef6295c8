-- 组织部 asks for the in-service party members' figures; the catalogue
-- gains them (示例), computed from the entities 在职党员, 党员服务 and 微心愿
-- (internal/partymembers).
INSERT INTO departments (code, name, sort) VALUES ('organization', '组织部', 160);

INSERT INTO indicators (code, name, entity, filter_expr, measure, field, denominator, period_rule, unit, decimals,
    department, note, sample, version, updated_at, updated_by) VALUES
    ('DY01', '在职党员报到人数', 'party_member', '', 'count', '', '', 'end', '人', 0, 'organization',
     '期末在本社区报到的在职党员', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('DY02', '逾期未报到在职党员', 'party_member', '逾期 = 是', 'count', '', '', 'end', '人', 0, 'organization',
     '期末已过每半年报到日仍未再次报到的在职党员', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('DY03', '在职党员服务时长', 'party_service', '', 'sum', 'hours', '', 'new', '小时', 1, 'organization',
     '期内在职党员岗位服务、结对走访和微心愿的时长', 1, 1, '2026-01-01T00:00:00Z', '示例'),
    ('DY04', '微心愿实现数', 'party_wish', '已实现 = 是', 'count', '', '', 'new', '个', 0, 'organization',
     '期内经确认实现的微心愿', 1, 1, '2026-01-01T00:00:00Z', '示例');
