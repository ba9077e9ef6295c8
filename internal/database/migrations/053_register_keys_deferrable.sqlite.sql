-- SQLite defers any foreign key for one transaction (PRAGMA
-- defer_foreign_keys, see database.DeferKeys): nothing to declare here.
-- The number is kept so that both engines reach the same schema version.
SELECT 1;
