-- Node numbers for ids (id.go): a process writing the database leases one
-- when it opens it, renews the lease while it runs and frees it when it
-- closes, so that no two live processes make ids with the same node. A row
-- is free when its lease has expired: a process that died without freeing
-- its node loses it after the lease time. Rows appear as nodes are first
-- leased; the number of nodes is the id layout's, in id.go.
CREATE TABLE id_nodes (
    node INTEGER PRIMARY KEY,
    holder TEXT NOT NULL,           -- host:pid:random of the process, '' when freed
    expires_ms BIGINT NOT NULL,     -- Unix milliseconds, by the database's clock
    -- the highest id millisecond the node has used: ids borrow milliseconds
    -- ahead of the clock in bulk, and the next holder starts past them
    last_ms BIGINT NOT NULL,
    leased_at TEXT NOT NULL
);
