-- Two processes writing the audit log (the server and `shequ import`) make
-- ids from generators with a random 4-bit node, and collide one time in 16
-- when they write in the same millisecond. Each audit writer now stamps its
-- entries with its own random 63-bit number, and an entry is keyed on
-- (id, writer): two writers no longer collide, and a writer that retries a
-- batch whose commit it did not see confirmed can insert it again with
-- ON CONFLICT DO NOTHING, neither losing nor doubling an entry. Entries
-- written before carry writer 0. (A constant default changes no row, so the
-- append-only triggers are not involved.)
ALTER TABLE audit_log ADD COLUMN writer BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey;
ALTER TABLE audit_log ADD PRIMARY KEY (id, writer);
