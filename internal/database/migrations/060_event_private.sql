-- A resident may keep the words of their report to the offices handling
-- it: the public feed (Open311) then shows the request without its
-- description or photos.
ALTER TABLE events ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
