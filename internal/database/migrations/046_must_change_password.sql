-- An account made by an administrator (shequ user add, shequ user import,
-- the accounts page) starts with a password someone else chose or read: its
-- owner is sent to change it at every login until they have.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
