-- Who keeps the in-service party members: the community's staff register
-- them, record their service, post wishes and grade them (party.manage);
-- the street and the district read their service and the employers'
-- cards (party.read).
INSERT INTO permissions (code, name, sort) VALUES
    ('party.manage', '在职党员报到、岗位、结对、微心愿登记与评价', 860),
    ('party.read', '查看在职党员服务情况和单位反馈卡', 870);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'party.read'),
    ('community_head', 'party.manage'), ('community_head', 'party.read'),
    ('community_staff', 'party.manage'), ('community_staff', 'party.read'),
    ('street_operator', 'party.read'), ('district_operator', 'party.read');
