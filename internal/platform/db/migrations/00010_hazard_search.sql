-- +sqlite
-- PostgreSQL adds trigram indexes for the hazard list's text search here. SQLite keeps
-- reading the table for it (about 6 s at 1,000,000 hazards, docs/PERFORMANCE.md); an
-- FTS5 trigram table kept by triggers would be its counterpart. Nothing changes, so both
-- engines keep the same numbered migrations.
-- +postgres
-- Trigram indexes for the hazard list's text search (q): the list's conditions
-- LOWER(col) LIKE '%…%' on code, title and place use them as they are. pg_trgm is a
-- trusted extension: the database's owner may create it. Measured at 1,000,000 hazards
-- (docs/PERFORMANCE.md, "Hazards at 1,000,000"). A pattern shorter than three characters
-- makes no trigram and is still answered by reading the table.
-- +end

-- +goose Up
-- +sqlite
SELECT 1;
-- +postgres
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX hazards_code_trgm ON hazards USING gin (LOWER(code) gin_trgm_ops);
CREATE INDEX hazards_title_trgm ON hazards USING gin (LOWER(title) gin_trgm_ops);
CREATE INDEX hazards_place_trgm ON hazards USING gin (LOWER(place) gin_trgm_ops);
-- +end

-- +goose Down
-- +sqlite
SELECT 1;
-- +postgres
DROP INDEX hazards_place_trgm;
DROP INDEX hazards_title_trgm;
DROP INDEX hazards_code_trgm;
-- +end
