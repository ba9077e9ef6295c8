-- Disabling an account now revokes its API tokens for good; before, they
-- were only refused while the account stayed disabled and came back to life
-- when it was enabled again. Tokens of accounts disabled before this
-- migration are revoked as of the account's last change, its disabling.
UPDATE api_tokens SET revoked_at = (SELECT u.updated_at FROM users u WHERE u.id = api_tokens.user_id)
WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE disabled <> 0);
