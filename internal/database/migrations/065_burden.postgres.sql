-- community_households follows every household written, moved, dissolved
-- or deleted.
CREATE FUNCTION community_households_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'active' THEN
        UPDATE community_households SET active = active - 1 WHERE community_id = OLD.community_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'active' THEN
        INSERT INTO community_households (community_id, active) VALUES (NEW.community_id, 1)
            ON CONFLICT (community_id) DO UPDATE SET active = community_households.active + 1;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER households_count AFTER INSERT OR DELETE ON households
    FOR EACH ROW EXECUTE FUNCTION community_households_follow();
CREATE TRIGGER households_count_update AFTER UPDATE OF status, community_id ON households
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.community_id IS DISTINCT FROM NEW.community_id)
    EXECUTE FUNCTION community_households_follow();
