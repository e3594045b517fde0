-- +sqlite
-- The text search (q) of the hazard and enterprise lists through FTS5 trigram tables on
-- SQLite, where LOWER(col) LIKE '%…%' reads every row of the table (about 6 s at 1,000,000
-- hazards, docs/PERFORMANCE.md). External-content tables: they index the rows of hazards
-- and enterprises (their rowid is the id) and keep no copy of the text; the triggers keep
-- them in step with every insert, change of a searched column and delete, and the
-- migration indexes the rows already there. A search of three characters or more is
-- `id IN (SELECT rowid FROM …_fts WHERE …_fts MATCH '"text"')` (db.Engine.Search); the
-- trigram tokenizer folds case as LOWER does for Latin letters, so the matches are those
-- of LIKE. A shorter text makes no trigram and is still matched with LIKE.
-- +postgres
-- Trigram indexes for the enterprise list's text search, as 00010 made for the hazards'
-- (LOWER(col) LIKE '%…%' on name and credit code uses them as it is).
-- +end

-- +goose Up
-- +sqlite
CREATE VIRTUAL TABLE hazards_fts USING fts5 (code, title, place, content = 'hazards', content_rowid = 'id', tokenize = 'trigram');
-- +goose StatementBegin
CREATE TRIGGER hazards_fts_insert AFTER INSERT ON hazards BEGIN
    INSERT INTO hazards_fts (rowid, code, title, place) VALUES (new.id, new.code, new.title, new.place);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER hazards_fts_delete AFTER DELETE ON hazards BEGIN
    INSERT INTO hazards_fts (hazards_fts, rowid, code, title, place) VALUES ('delete', old.id, old.code, old.title, old.place);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER hazards_fts_update AFTER UPDATE OF code, title, place ON hazards BEGIN
    INSERT INTO hazards_fts (hazards_fts, rowid, code, title, place) VALUES ('delete', old.id, old.code, old.title, old.place);
    INSERT INTO hazards_fts (rowid, code, title, place) VALUES (new.id, new.code, new.title, new.place);
END;
-- +goose StatementEnd
INSERT INTO hazards_fts (hazards_fts) VALUES ('rebuild');
CREATE VIRTUAL TABLE enterprises_fts USING fts5 (name, credit_code, content = 'enterprises', content_rowid = 'id', tokenize = 'trigram');
-- +goose StatementBegin
CREATE TRIGGER enterprises_fts_insert AFTER INSERT ON enterprises BEGIN
    INSERT INTO enterprises_fts (rowid, name, credit_code) VALUES (new.id, new.name, new.credit_code);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER enterprises_fts_delete AFTER DELETE ON enterprises BEGIN
    INSERT INTO enterprises_fts (enterprises_fts, rowid, name, credit_code) VALUES ('delete', old.id, old.name, old.credit_code);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER enterprises_fts_update AFTER UPDATE OF name, credit_code ON enterprises BEGIN
    INSERT INTO enterprises_fts (enterprises_fts, rowid, name, credit_code) VALUES ('delete', old.id, old.name, old.credit_code);
    INSERT INTO enterprises_fts (rowid, name, credit_code) VALUES (new.id, new.name, new.credit_code);
END;
-- +goose StatementEnd
INSERT INTO enterprises_fts (enterprises_fts) VALUES ('rebuild');
-- +postgres
CREATE INDEX enterprises_name_trgm ON enterprises USING gin (LOWER(name) gin_trgm_ops);
CREATE INDEX enterprises_credit_code_trgm ON enterprises USING gin (LOWER(credit_code) gin_trgm_ops);
-- +end

-- +goose Down
-- +sqlite
DROP TRIGGER enterprises_fts_update;
DROP TRIGGER enterprises_fts_delete;
DROP TRIGGER enterprises_fts_insert;
DROP TABLE enterprises_fts;
DROP TRIGGER hazards_fts_update;
DROP TRIGGER hazards_fts_delete;
DROP TRIGGER hazards_fts_insert;
DROP TABLE hazards_fts;
-- +postgres
DROP INDEX enterprises_credit_code_trgm;
DROP INDEX enterprises_name_trgm;
-- +end
