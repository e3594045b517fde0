-- Uploads no record has claimed yet (a small share of all), by age: the sweep that
-- removes those older than the keep period reads this index, not the whole table.

-- +goose Up
CREATE INDEX attachments_unlinked ON attachments (uploaded_at) WHERE linked = FALSE;

-- +goose Down
DROP INDEX attachments_unlinked;
