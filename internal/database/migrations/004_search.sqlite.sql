-- Chinese search: the application writes single characters, character pairs
-- and digit 4-grams into the search columns (see register/search.go); FTS5
-- with the unicode61 tokenizer indexes those space-separated tokens. The
-- tables are contentless: the rowid is the register row's id.
CREATE VIRTUAL TABLE persons_fts USING fts5 (search, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE households_fts USING fts5 (search, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE organisations_fts USING fts5 (search, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0');
