-- Who keeps 问卷调查: the community's staff write surveys, open and close
-- them and read their results with the names of named respondents
-- (surveys.manage); the street and the district read surveys and results
-- without names (surveys.read). Residents answer through their verified
-- session, not through a role.
INSERT INTO permissions (code, name, sort) VALUES
    ('surveys.manage', '问卷调查:编写、发布和结束问卷,查看结果及实名问卷的答卷人', 940),
    ('surveys.read', '查看问卷调查及统计结果', 950);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'surveys.read'),
    ('community_head', 'surveys.manage'), ('community_head', 'surveys.read'),
    ('community_staff', 'surveys.manage'), ('community_staff', 'surveys.read'),
    ('street_operator', 'surveys.read'), ('district_operator', 'surveys.read');
