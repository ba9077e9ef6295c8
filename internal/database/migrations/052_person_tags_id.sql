-- A tag is ended by its id alone when the service hall ends the benefit
-- that granted it (register.EndTagTx); without an index on id that read
-- scans every tag of the city (465,000 in the million-person city).
CREATE INDEX person_tags_id ON person_tags (id);
