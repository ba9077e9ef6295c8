-- Search and export entries kept the term as typed, so an auditor read the
-- ID and phone numbers others had looked up. New entries store the term
-- masked (internal/audit); the old ones are masked here, once. A term that
-- is one number is masked as the register masks it (a mobile number keeps
-- 3 and 4 digits, any other number 4 at each end, fewer when short); a
-- term with a number among other text is replaced as a whole. Terms of
-- tracking numbers are the case's, not a person's, and stay.
--
-- The append-only trigger is set aside for this one statement only.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;
WITH t AS (
    SELECT id, writer, substr(detail, 1, strpos(detail, ': ') + 1) AS what,
        substr(detail, strpos(detail, ': ') + 2) AS term
    FROM audit_log
    WHERE action IN ('search', 'export') AND strpos(detail, ': ') > 0
        AND substr(detail, 1, strpos(detail, ': ') - 1) <> 'tracking'
        AND substr(detail, strpos(detail, ': ') + 2) ~ '[0-9]{7}'
)
UPDATE audit_log a
SET detail = t.what || CASE
    WHEN t.term ~ '^[0-9Xx]+$' AND length(t.term) = 11 AND left(t.term, 1) = '1'
    THEN left(t.term, 3) || '****' || right(t.term, 4)
    WHEN t.term ~ '^[0-9Xx]+$' AND length(t.term) >= 12
    THEN left(t.term, 4) || repeat('*', length(t.term) - 8) || right(t.term, 4)
    WHEN t.term ~ '^[0-9Xx]+$'
    THEN left(t.term, length(t.term) / 4) || repeat('*', length(t.term) - 2 * (length(t.term) / 4)) || right(t.term, length(t.term) / 4)
    ELSE '(含号码,已隐去)'
END
FROM t
WHERE a.id = t.id AND a.writer = t.writer;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change;
