-- 出租登记: the monthly rent in 分 like every other amount, where it was
-- kept in whole 元 (monthly_rent). Old rents are exact: 元 × 100. The old
-- column goes, so nothing reads yuan by mistake; the report index follows.
DROP INDEX rentals_report;
ALTER TABLE rentals ADD COLUMN monthly_rent_fen BIGINT NOT NULL DEFAULT 0;
UPDATE rentals SET monthly_rent_fen = monthly_rent * 100;
ALTER TABLE rentals DROP COLUMN monthly_rent;
CREATE INDEX rentals_report ON rentals (community_id, id, house_id, started_on, ended_on, monthly_rent_fen);
