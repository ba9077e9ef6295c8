-- Who keeps 居务公开: the community's staff keep its catalogue rows,
-- publish and answer residents' questions (disclosure.manage); the street
-- and the district watch the schedule and its overdue rows (disclosure.read).
INSERT INTO permissions (code, name, sort) VALUES
    ('disclosure.manage', '居务公开目录维护、发布与答复居民提问', 880),
    ('disclosure.read', '查看居务公开的发布情况与逾期', 890);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'disclosure.read'), ('admin', 'disclosure.manage'),
    ('community_head', 'disclosure.manage'), ('community_head', 'disclosure.read'),
    ('community_staff', 'disclosure.manage'), ('community_staff', 'disclosure.read'),
    ('street_operator', 'disclosure.read'), ('district_operator', 'disclosure.read');
