-- 费随事转 到账: a payment recorded wrongly is never edited or deleted; a
-- reversing entry (冲销) names the entry it cancels and carries its amount
-- negated, so the sum of the entries is what was received. An entry is
-- reversed at most once. The scanned voucher (凭证扫描件) is kept in the
-- database with the entry, as event photos are: one backup holds
-- everything.
ALTER TABLE work_funds DROP CONSTRAINT work_funds_amount_fen_check;
ALTER TABLE work_funds ADD COLUMN reverses BIGINT REFERENCES work_funds (id);
ALTER TABLE work_funds ADD COLUMN note TEXT NOT NULL DEFAULT '';  -- why an entry was reversed
ALTER TABLE work_funds ADD CONSTRAINT work_funds_amount_sign
    CHECK ((reverses IS NULL AND amount_fen > 0) OR (reverses IS NOT NULL AND amount_fen < 0));
CREATE UNIQUE INDEX work_funds_reverses ON work_funds (reverses);

CREATE TABLE work_fund_vouchers (
    fund_id BIGINT PRIMARY KEY REFERENCES work_funds (id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,          -- application/pdf, image/jpeg or image/png, by the content
    size INTEGER NOT NULL,
    data BYTEA NOT NULL,
    created_at TEXT NOT NULL
);

-- 收件箱: a community marks accepted work done; done work resting on a
-- catalogue item counts in the ledger for the month it was marked done.
ALTER TABLE demands ADD COLUMN done_on TEXT NOT NULL DEFAULT '';
ALTER TABLE demands ADD COLUMN done_by TEXT NOT NULL DEFAULT '';
CREATE INDEX demands_done ON demands (status, done_on);

INSERT INTO permissions (code, name, sort) VALUES
    ('workaccess.funds', '登记费随事转到账经费', 750);

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'workaccess.funds'), ('street_operator', 'workaccess.funds'),
    ('community_head', 'workaccess.funds'), ('community_staff', 'workaccess.funds');
