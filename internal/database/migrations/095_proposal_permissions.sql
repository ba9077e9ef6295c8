-- Who keeps 议事协商: the community's staff moderate proposals and
-- arguments, put matters to the vote and record decisions
-- (proposals.manage); the street and the district read the matters and
-- their results (proposals.read). Residents act through their verified
-- session, not through a role.
INSERT INTO permissions (code, name, sort) VALUES
    ('proposals.manage', '议事协商:审核议题和意见、发起表决、记录决定和落实', 880),
    ('proposals.read', '查看议事协商议题及表决结果', 890);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'proposals.read'),
    ('community_head', 'proposals.manage'), ('community_head', 'proposals.read'),
    ('community_staff', 'proposals.manage'), ('community_staff', 'proposals.read'),
    ('street_operator', 'proposals.read'), ('district_operator', 'proposals.read');
