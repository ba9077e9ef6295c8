-- Every row written to the ledger's tables advances the generation.
CREATE TRIGGER work_done_generation_insert AFTER INSERT ON work_done
BEGIN
    UPDATE work_ledger_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER work_done_generation_update AFTER UPDATE ON work_done
BEGIN
    UPDATE work_ledger_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER work_done_generation_delete AFTER DELETE ON work_done
BEGIN
    UPDATE work_ledger_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER demands_generation_insert AFTER INSERT ON demands
BEGIN
    UPDATE work_ledger_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER demands_generation_update AFTER UPDATE ON demands
BEGIN
    UPDATE work_ledger_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER demands_generation_delete AFTER DELETE ON demands
BEGIN
    UPDATE work_ledger_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER work_funds_generation_insert AFTER INSERT ON work_funds
BEGIN
    UPDATE work_ledger_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER work_funds_generation_update AFTER UPDATE ON work_funds
BEGIN
    UPDATE work_ledger_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER work_funds_generation_delete AFTER DELETE ON work_funds
BEGIN
    UPDATE work_ledger_generation SET n = n + 1 WHERE id = 1;
END;
