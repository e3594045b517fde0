-- PostgreSQL adds trigram indexes for the hazard list's text search here. SQLite keeps
-- reading the table for it (about 6 s at 1,000,000 hazards, docs/PERFORMANCE.md); an
-- FTS5 trigram table kept by triggers would be its counterpart. Nothing changes, so both
-- engines keep the same numbered migrations.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
