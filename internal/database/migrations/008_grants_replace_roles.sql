-- Roles now come from grants (005); the single role of an account is gone.
-- users.org_id stays: the unit a user works for (所属单位), shown on their
-- account page. An API token may be limited to one of its user's grants.
ALTER TABLE users DROP COLUMN role;
ALTER TABLE api_tokens ADD COLUMN grant_id BIGINT REFERENCES grants (id);
