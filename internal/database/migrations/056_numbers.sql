-- Each indicator's precision: how many decimal places its value is shown
-- with in pages, workbooks and PDFs. Counts and sums are whole numbers,
-- shares and averages had two places.
ALTER TABLE indicators ADD COLUMN decimals INTEGER NOT NULL DEFAULT 0;
UPDATE indicators SET decimals = 2 WHERE measure IN ('share', 'avg');
-- 性别比 is 男/女×100, not a percentage: the sample item as shipped, if no
-- one has edited it, takes the ratio's unit.
UPDATE indicators SET unit = '比' WHERE code = 'A013' AND sample = 1 AND version = 1 AND unit = '%';
-- An application is late, as an event is, when any of its stages was
-- passed (approved, returned or refused) after that stage's deadline
-- instant, not only when it finished after its legal deadline: a case the
-- queues showed 超期 never ends 按期.
ALTER TABLE service_applications ADD COLUMN stage_late INTEGER NOT NULL DEFAULT 0;
