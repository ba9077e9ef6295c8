-- Vouchers (凭证) of an entry: receipts, invoices, photos, kept in the
-- database with the entry as event photos and 费随事转 vouchers are, so one
-- backup holds everything and an expense and its vouchers commit together.
CREATE TABLE fund_vouchers (
    community_id BIGINT NOT NULL,
    entry_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,               -- application/pdf, image/jpeg or image/png, by the content
    size INTEGER NOT NULL,
    data BYTEA NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, entry_id, id)
);
