-- Exact counts of hazards per town and the dimensions the three clears (三清) are
-- filtered or grouped by, kept by each hazard write in its own transaction
-- (internal/hazard/tallies.go), so the figures read a few hundred tally rows instead of
-- every hazard of the scope. Each hazard is counted three times: under dim 'all' (value
-- ''), under 'industry' (value: its industry) and under 'source' (value: its source), so
-- a figure filtered or grouped by one of them reads that dimension's rows only. The
-- flags are what the clears count: owned (an owner and a supervising unit), scheduled
-- (measures and a deadline) and listed (挂牌督办) for open hazards, on_time for closed
-- ones (0 otherwise, which keeps the rows few). Overdue hazards are counted from
-- hazards_open_overdue, a partial index over open hazards holding every column the
-- figures filter on, read alone (a deadline passes with no write to tally it).
-- A write moves a hazard out of its tallies (n - 1) and into its new ones (n + 1);
-- rows left at 0 are deleted.
--
-- The tallies of the hazards already stored are built here, with the same expressions
-- as hazard.RebuildTallies.

-- +goose Up
CREATE TABLE hazard_tallies (
    dim       TEXT NOT NULL CHECK (dim IN ('all', 'industry', 'source')),
    value     TEXT NOT NULL,
    town_path {{path}} NOT NULL,
    town_id   {{bigint}} NOT NULL,
    grade     TEXT NOT NULL,
    status    TEXT NOT NULL,
    owned     INTEGER NOT NULL,
    scheduled INTEGER NOT NULL,
    listed    INTEGER NOT NULL,
    on_time   INTEGER NOT NULL,
    n         {{bigint}} NOT NULL,
    PRIMARY KEY (dim, value, town_path, grade, status, owned, scheduled, listed, on_time)
);
CREATE INDEX hazard_tallies_empty ON hazard_tallies (n) WHERE n = 0;
CREATE INDEX hazards_open_overdue ON hazards (deadline, org_path, town_id, industry, source, grade, status) WHERE status <> 'closed';

INSERT INTO hazard_tallies (dim, value, town_path, town_id, grade, status, owned, scheduled, listed, on_time, n)
SELECT d.dim, CASE d.dim WHEN 'industry' THEN h.industry WHEN 'source' THEN h.source ELSE '' END,
    tw.path, h.town_id, h.grade, h.status,
    CASE WHEN h.status <> 'closed' AND h.owner_id IS NOT NULL AND h.supervisor_org_id IS NOT NULL THEN 1 ELSE 0 END,
    CASE WHEN h.status <> 'closed' AND h.measures <> '' AND h.deadline IS NOT NULL THEN 1 ELSE 0 END,
    CASE WHEN h.status <> 'closed' AND h.listed THEN 1 ELSE 0 END,
    CASE WHEN h.status = 'closed' AND h.closed_on_time THEN 1 ELSE 0 END,
    COUNT(*)
FROM hazards h
JOIN orgs tw ON tw.id = h.town_id
CROSS JOIN (SELECT 'all' AS dim UNION ALL SELECT 'industry' UNION ALL SELECT 'source') d
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;

-- +goose Down
DROP INDEX hazards_open_overdue;
DROP TABLE hazard_tallies;
