-- A grid worker's search reads the grid's persons through this index alone
-- (name, ID and phone compared in the index, the row read only for a
-- match): over a million persons the search index would have to skip
-- thousands of matches elsewhere for a common name. It replaces the
-- (grid_id, residence) index it extends.
DROP INDEX persons_grid;
CREATE INDEX persons_grid ON persons (grid_id, residence, status, name, id_number, phone, id);
