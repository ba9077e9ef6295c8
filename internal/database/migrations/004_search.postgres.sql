-- Chinese search: the application writes single characters, character pairs
-- and digit 4-grams into the search columns (see register/search.go). GIN
-- indexes those tokens as an array, which needs no text-search parser and so
-- behaves the same whatever the cluster's locale.
CREATE INDEX persons_search ON persons USING GIN (string_to_array(search, ' '));
CREATE INDEX households_search ON households USING GIN (string_to_array(search, ' '));
CREATE INDEX organisations_search ON organisations USING GIN (string_to_array(search, ' '));
