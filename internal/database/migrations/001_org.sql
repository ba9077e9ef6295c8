-- The org tree (组织架构): 市 > 区 > 街道 > 社区 > (居民小组) > 网格 > 楼栋 > 单元.
-- Level names and order are data so each deployment can rename or insert
-- levels; the code relies only on the kinds 'community' and 'grid'.
CREATE TABLE org_levels (
    kind TEXT PRIMARY KEY,          -- stable key: city, district, street, community, group, grid, building, unit
    name TEXT NOT NULL,             -- shown to users: 市, 区, 街道 …
    rank INTEGER NOT NULL UNIQUE    -- order from the top, 1 = highest
);

INSERT INTO org_levels (kind, name, rank) VALUES
    ('city', '市', 10),
    ('district', '区', 20),
    ('street', '街道', 30),
    ('community', '社区', 40),
    ('grid', '网格', 60),
    ('building', '楼栋', 70),
    ('unit', '单元', 80);

CREATE TABLE org_units (
    id BIGINT PRIMARY KEY,
    parent_id BIGINT REFERENCES org_units (id),
    level TEXT NOT NULL REFERENCES org_levels (kind),
    name TEXT NOT NULL,
    -- GB/T 2260 six-digit code (市, 区) or twelve-digit statistical code (街道, 社区).
    code TEXT NOT NULL DEFAULT '',
    -- The community and grid this unit lies in (itself when it is one), so
    -- that rows hanging on a unit can be filtered without walking the tree.
    community_id BIGINT,
    grid_id BIGINT,
    boundary TEXT NOT NULL DEFAULT '',  -- GeoJSON geometry (grids)
    sort INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX org_units_parent ON org_units (parent_id, sort, name);
CREATE INDEX org_units_level ON org_units (level);
CREATE INDEX org_units_community ON org_units (community_id);
CREATE INDEX org_units_grid ON org_units (grid_id);

-- Closure table: one row per (ancestor, descendant) pair, including each unit
-- with itself at depth 0. Subtree queries are one indexed range, however deep.
CREATE TABLE org_closure (
    ancestor_id BIGINT NOT NULL REFERENCES org_units (id),
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    depth INTEGER NOT NULL,
    PRIMARY KEY (ancestor_id, unit_id)
);
CREATE INDEX org_closure_unit ON org_closure (unit_id, depth);

-- People who work for a unit: 网格员 on a grid, 楼栋长 on a building,
-- 中心户长 on a group of buildings, community staff on the community.
CREATE TABLE org_staff (
    id BIGINT PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    community_id BIGINT,
    role TEXT NOT NULL,            -- grid_worker, center_head, building_head, community_staff, secretary
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    user_id BIGINT,                -- login account, when the person has one
    started_on TEXT NOT NULL,
    ended_on TEXT
);
CREATE INDEX org_staff_unit ON org_staff (unit_id);
CREATE INDEX org_staff_community ON org_staff (community_id, role);
