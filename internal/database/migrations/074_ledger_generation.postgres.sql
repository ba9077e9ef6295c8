-- Every statement writing the ledger's tables advances the generation once.
CREATE FUNCTION work_ledger_advance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE work_ledger_generation SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER work_done_generation AFTER INSERT OR UPDATE OR DELETE ON work_done
    FOR EACH STATEMENT EXECUTE FUNCTION work_ledger_advance();
CREATE TRIGGER demands_generation AFTER INSERT OR UPDATE OR DELETE ON demands
    FOR EACH STATEMENT EXECUTE FUNCTION work_ledger_advance();
CREATE TRIGGER work_funds_generation AFTER INSERT OR UPDATE OR DELETE ON work_funds
    FOR EACH STATEMENT EXECUTE FUNCTION work_ledger_advance();
