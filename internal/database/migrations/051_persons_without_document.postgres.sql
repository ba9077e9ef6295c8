-- A person may be registered before any document number is known (a child
-- not yet in a 户口簿, a 流动人口 without papers): doc_type 'none' and an
-- empty id_number. Numbers stay unique where there is one; the empty ones
-- are nobody's number. The unique index leads with community_id, as the
-- constraint it replaces did, so that a distributed PostgreSQL can keep it.
ALTER TABLE persons DROP CONSTRAINT persons_community_id_doc_type_id_number_key;
CREATE UNIQUE INDEX persons_document ON persons (community_id, doc_type, id_number) WHERE id_number <> '';
