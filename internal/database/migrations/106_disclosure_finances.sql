-- 财务公开: the shipped 财务收支 row publishes the period's statement from
-- the funds' ledger (migration 104), where a community has not changed the
-- sample row. The staff's text is still published beside it.
UPDATE disclosure_items SET computed = 'finances'
    WHERE id = 1 AND sample = 1 AND version = 1 AND computed = '';
