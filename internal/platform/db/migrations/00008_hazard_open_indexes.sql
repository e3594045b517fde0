-- Partial indexes over open hazards only (a small share of all): overdue lists, the
-- open list by deadline and the escalation job read them instead of the whole table.
-- Measured at 1,000,000 hazards on PostgreSQL: overdue lists 143–393 ms → 4.5–26 ms
-- (docs/PERFORMANCE.md, "Hazards at 1,000,000").

-- +goose Up
CREATE INDEX hazards_open_path_deadline ON hazards (org_path, deadline) WHERE status <> 'closed';
CREATE INDEX hazards_open_deadline ON hazards (deadline) WHERE status <> 'closed';

-- +goose Down
DROP INDEX hazards_open_deadline;
DROP INDEX hazards_open_path_deadline;
