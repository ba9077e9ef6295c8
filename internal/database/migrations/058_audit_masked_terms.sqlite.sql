-- Search and export entries kept the term as typed, so an auditor read the
-- ID and phone numbers others had looked up. New entries store the term
-- masked (internal/audit); the old ones are masked here, once. A term that
-- is one number is masked as the register masks it (a mobile number keeps
-- 3 and 4 digits, any other number 4 at each end, fewer when short); a
-- term with a number among other text is replaced as a whole. Terms of
-- tracking numbers are the case's, not a person's, and stay.
--
-- The append-only triggers are set aside for this one statement only.
DROP TRIGGER audit_log_no_update;
UPDATE audit_log
SET detail = substr(detail, 1, instr(detail, ': ') + 1) || CASE
    WHEN substr(detail, instr(detail, ': ') + 2) NOT GLOB '*[^0-9Xx]*'
        AND length(substr(detail, instr(detail, ': ') + 2)) = 11
        AND substr(detail, instr(detail, ': ') + 2, 1) = '1'
    THEN substr(detail, instr(detail, ': ') + 2, 3) || '****' || substr(detail, -4)
    WHEN substr(detail, instr(detail, ': ') + 2) NOT GLOB '*[^0-9Xx]*'
        AND length(substr(detail, instr(detail, ': ') + 2)) >= 12
    THEN substr(detail, instr(detail, ': ') + 2, 4)
        || substr('**************************************', 1, length(substr(detail, instr(detail, ': ') + 2)) - 8)
        || substr(detail, -4)
    WHEN substr(detail, instr(detail, ': ') + 2) NOT GLOB '*[^0-9Xx]*'
    THEN substr(detail, instr(detail, ': ') + 2, length(substr(detail, instr(detail, ': ') + 2)) / 4)
        || substr('**************************************', 1, length(substr(detail, instr(detail, ': ') + 2)) - 2 * (length(substr(detail, instr(detail, ': ') + 2)) / 4))
        || substr(detail, length(detail) - length(substr(detail, instr(detail, ': ') + 2)) / 4 + 1)
    ELSE '(含号码,已隐去)'
END
WHERE action IN ('search', 'export') AND instr(detail, ': ') > 0
    AND substr(detail, 1, instr(detail, ': ') - 1) <> 'tracking'
    AND substr(detail, instr(detail, ': ') + 2) GLOB '*[0-9][0-9][0-9][0-9][0-9][0-9][0-9]*';
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, '审计日志不可修改');
END;
