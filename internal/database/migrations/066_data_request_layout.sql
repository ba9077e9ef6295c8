-- A data request is reviewed item by item: each typed item is its own 准入
-- request (work_request_id), decided on its own. Requests submitted before
-- keep their one 准入 request for all typed items in
-- data_requests.work_request_id, and the items theirs NULL.
--
-- The subscription comes in the department's own layout: its item codes
-- (code, '' when it gave none) in the order and wording it typed, under its
-- own sheet title and column headings ('' is the default wording).
ALTER TABLE data_request_items ADD COLUMN code TEXT NOT NULL DEFAULT '';
ALTER TABLE data_request_items ADD COLUMN work_request_id BIGINT REFERENCES work_requests (id);
CREATE INDEX data_request_items_work_request ON data_request_items (work_request_id);
ALTER TABLE data_requests ADD COLUMN sheet_title TEXT NOT NULL DEFAULT '';
ALTER TABLE data_requests ADD COLUMN head_code TEXT NOT NULL DEFAULT '';
ALTER TABLE data_requests ADD COLUMN head_item TEXT NOT NULL DEFAULT '';
ALTER TABLE data_requests ADD COLUMN head_value TEXT NOT NULL DEFAULT '';
ALTER TABLE data_requests ADD COLUMN head_note TEXT NOT NULL DEFAULT '';
