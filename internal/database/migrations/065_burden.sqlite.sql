-- community_households follows every household written, moved, dissolved
-- or deleted.
CREATE TRIGGER households_count_insert AFTER INSERT ON households WHEN NEW.status = 'active'
BEGIN
    INSERT INTO community_households (community_id, active) VALUES (NEW.community_id, 1)
        ON CONFLICT (community_id) DO UPDATE SET active = active + 1;
END;
CREATE TRIGGER households_count_delete AFTER DELETE ON households WHEN OLD.status = 'active'
BEGIN
    UPDATE community_households SET active = active - 1 WHERE community_id = OLD.community_id;
END;
CREATE TRIGGER households_count_update AFTER UPDATE OF status, community_id ON households
    WHEN OLD.status IS NOT NEW.status OR OLD.community_id IS NOT NEW.community_id
BEGIN
    UPDATE community_households SET active = active - 1
        WHERE community_id = OLD.community_id AND OLD.status = 'active';
    INSERT INTO community_households (community_id, active) SELECT NEW.community_id, 1 WHERE NEW.status = 'active'
        ON CONFLICT (community_id) DO UPDATE SET active = active + 1;
END;
