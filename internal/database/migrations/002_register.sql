-- The base register (基础信息库): buildings, houses, households, persons,
-- organisations and special-group tags. Every row carries community_id and
-- leads its primary key with it, so a distributed PostgreSQL (Citus) can
-- shard by community; joins and foreign keys stay inside one community except
-- to the org tree and code lists. Ids are made by the application.
-- org_id is the deepest org unit the row hangs on (单元, 楼栋 or 网格) and
-- grid_id its grid, both copied down so scoped queries need no tree walk.

CREATE TABLE buildings (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL REFERENCES org_units (id),  -- a building is also an org unit
    grid_id BIGINT,
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'residential',    -- residential, bungalow, commercial, mixed, public
    floors INTEGER NOT NULL DEFAULT 0,
    built_year INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id)
);
CREATE INDEX buildings_id ON buildings (id);
CREATE INDEX buildings_grid ON buildings (grid_id);

CREATE TABLE houses (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    building_id BIGINT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES org_units (id),
    grid_id BIGINT,
    number TEXT NOT NULL,                        -- 房号, e.g. 2-301
    address TEXT NOT NULL DEFAULT '',
    area_m2 REAL NOT NULL DEFAULT 0,
    use TEXT NOT NULL DEFAULT 'owner',           -- owner 自住, rented 出租, vacant 空置
    owner_name TEXT NOT NULL DEFAULT '',
    owner_phone TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, building_id, number),
    FOREIGN KEY (community_id, building_id) REFERENCES buildings (community_id, id)
);
CREATE INDEX houses_id ON houses (id);
CREATE INDEX houses_org ON houses (org_id);
CREATE INDEX houses_grid ON houses (grid_id, use);

CREATE TABLE households (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    number TEXT NOT NULL,                        -- 户号
    kind TEXT NOT NULL,                          -- registered 户籍, floating 流动, collective 集体
    house_id BIGINT,
    org_id BIGINT NOT NULL REFERENCES org_units (id),
    grid_id BIGINT,
    head_id BIGINT,                              -- persons.id of the 户主
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active',       -- active, dissolved
    search TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, number),
    FOREIGN KEY (community_id, house_id) REFERENCES houses (community_id, id)
);
CREATE INDEX households_id ON households (id);
CREATE INDEX households_org ON households (org_id);
CREATE INDEX households_grid ON households (grid_id, status);
CREATE INDEX households_house ON households (community_id, house_id);

CREATE TABLE organisations (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,                          -- unit 驻区单位, social 社会组织, property 物业, enterprise 企业, shop 个体工商户, school 学校, medical 医疗机构
    uscc TEXT NOT NULL DEFAULT '',               -- 统一社会信用代码
    legal_rep TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    org_id BIGINT NOT NULL REFERENCES org_units (id),
    grid_id BIGINT,
    staff_count INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'active',
    search TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id)
);
CREATE INDEX organisations_id ON organisations (id);
CREATE INDEX organisations_org ON organisations (org_id);
CREATE INDEX organisations_uscc ON organisations (uscc);

CREATE TABLE persons (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    household_id BIGINT,
    org_id BIGINT NOT NULL REFERENCES org_units (id),
    grid_id BIGINT,
    name TEXT NOT NULL,
    doc_type TEXT NOT NULL DEFAULT 'resident_id',
    id_number TEXT NOT NULL,
    gender TEXT NOT NULL,                        -- M, F
    birth_date TEXT NOT NULL,
    ethnicity TEXT NOT NULL DEFAULT '',          -- GB/T 3304 code
    relation TEXT NOT NULL DEFAULT '',           -- GB/T 4761 code, relation to the household head
    residence TEXT NOT NULL,                     -- registered 户籍, resident 常住, floating 流动, overseas 境外
    phone TEXT NOT NULL DEFAULT '',
    hukou_address TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    employer_id BIGINT,                          -- organisations.id; may lie in another community
    occupation TEXT NOT NULL DEFAULT '',
    moved_in_on TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active',       -- active, moved_out, deceased
    search TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, doc_type, id_number),
    FOREIGN KEY (community_id, household_id) REFERENCES households (community_id, id)
);
CREATE INDEX persons_id ON persons (id);
CREATE INDEX persons_id_number ON persons (id_number);
CREATE INDEX persons_household ON persons (community_id, household_id);
CREATE INDEX persons_org ON persons (org_id);
CREATE INDEX persons_grid ON persons (grid_id, residence);
CREATE INDEX persons_employer ON persons (employer_id);

-- A rental (出租) links a rented house to the persons living in it (以房管人).
CREATE TABLE rentals (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    house_id BIGINT NOT NULL,
    landlord TEXT NOT NULL DEFAULT '',
    landlord_phone TEXT NOT NULL DEFAULT '',
    started_on TEXT NOT NULL,
    ended_on TEXT,
    monthly_rent INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, house_id) REFERENCES houses (community_id, id)
);
CREATE INDEX rentals_house ON rentals (community_id, house_id);

CREATE TABLE rental_tenants (
    community_id BIGINT NOT NULL,
    rental_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    PRIMARY KEY (community_id, rental_id, person_id),
    FOREIGN KEY (community_id, rental_id) REFERENCES rentals (community_id, id),
    FOREIGN KEY (community_id, person_id) REFERENCES persons (community_id, id)
);
CREATE INDEX rental_tenants_person ON rental_tenants (community_id, person_id);

-- Special-group tags (特殊人群/服务对象标签). The catalogue is small and
-- replicated; sensitive marks the tags only some roles may see.
CREATE TABLE tag_kinds (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,          -- service 服务对象, special 特殊人群, other
    sensitive INTEGER NOT NULL DEFAULT 0,
    sort INTEGER NOT NULL DEFAULT 0
);
INSERT INTO tag_kinds (code, name, category, sensitive, sort) VALUES
    ('dibao', '低保', 'service', 0, 10),
    ('tekun', '特困', 'service', 0, 20),
    ('disabled', '残疾', 'service', 0, 30),
    ('living_alone', '独居老人', 'service', 0, 40),
    ('very_old', '高龄', 'service', 0, 50),
    ('childbearing', '育龄妇女', 'service', 0, 60),
    ('pregnant', '孕情', 'service', 0, 65),
    ('veteran', '退役军人', 'service', 0, 70),
    ('preferential', '优抚对象', 'service', 0, 75),
    ('unemployed', '失业', 'service', 0, 80),
    ('key_youth', '重点青少年', 'special', 0, 90),
    ('correction', '社区矫正', 'special', 1, 100),
    ('mental', '精神障碍', 'special', 1, 110),
    ('drug', '吸毒', 'special', 1, 120),
    ('released', '刑满释放', 'special', 1, 130);

CREATE TABLE person_tags (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    tag TEXT NOT NULL REFERENCES tag_kinds (code),
    started_on TEXT NOT NULL,
    ended_on TEXT,                   -- NULL while the tag holds
    note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, person_id) REFERENCES persons (community_id, id)
);
CREATE INDEX person_tags_person ON person_tags (community_id, person_id);
CREATE INDEX person_tags_tag ON person_tags (tag, started_on);

-- Every change to the register is one append-only event with who, when, the
-- fields that changed (before and after) and the row as it stood afterwards,
-- so the register can be read as of any past instant and departments can
-- follow changes with ?since=.
CREATE TABLE change_events (
    community_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor_id BIGINT,
    actor TEXT NOT NULL,             -- user name, or the source system
    source TEXT NOT NULL,            -- web, api, cli, demo, import:…
    entity TEXT NOT NULL,            -- person, household, house, building, organisation, tag, rental
    entity_id BIGINT NOT NULL,
    op TEXT NOT NULL,                -- create, update, delete
    version INTEGER NOT NULL,        -- the row's version after the change
    changes TEXT NOT NULL,           -- JSON {"field": [before, after]}
    snapshot TEXT NOT NULL,          -- JSON of the row after the change ('' after delete)
    PRIMARY KEY (community_id, id)
);
CREATE INDEX change_events_entity ON change_events (entity, entity_id, id);
CREATE INDEX change_events_feed ON change_events (id);
CREATE INDEX change_events_at ON change_events (community_id, entity, at);
