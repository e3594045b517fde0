-- Exact counts of hazards per village (org_path) and every dimension the three clears
-- (三清) are filtered or grouped by, kept by each hazard write in its own transaction
-- (internal/hazard/tallies.go), so the figures read a few thousand tally rows instead of
-- every hazard of the scope. The flags are what the clears count: owned (an owner and a
-- supervising unit), scheduled (measures and a deadline), listed (挂牌督办), on_time
-- (closed on time). deadline is the open hazard's deadline (overdue = deadline < now),
-- and a far-future sentinel for a closed hazard or one without a deadline: a unique key
-- holds no NULL, since NULLs never conflict. A write moves a hazard out of its tally
-- (n - 1) and into its new one (n + 1); rows left at 0 are deleted.
--
-- The tallies of the hazards already stored are built here, with the same expressions
-- as hazard.RebuildTallies.

-- +goose Up
CREATE TABLE hazard_tallies (
    org_path  {{path}} NOT NULL,
    town_id   {{bigint}} NOT NULL,
    industry  TEXT NOT NULL,
    grade     TEXT NOT NULL,
    source    TEXT NOT NULL,
    status    TEXT NOT NULL,
    owned     INTEGER NOT NULL,
    scheduled INTEGER NOT NULL,
    listed    INTEGER NOT NULL,
    on_time   INTEGER NOT NULL,
    deadline  {{time}} NOT NULL,
    n         {{bigint}} NOT NULL,
    PRIMARY KEY (org_path, town_id, industry, grade, source, status, owned, scheduled, listed, on_time, deadline)
);
CREATE INDEX hazard_tallies_town ON hazard_tallies (town_id);
CREATE INDEX hazard_tallies_empty ON hazard_tallies (n) WHERE n = 0;

-- +sqlite
INSERT INTO hazard_tallies (org_path, town_id, industry, grade, source, status, owned, scheduled, listed, on_time, deadline, n)
SELECT h.org_path, h.town_id, h.industry, h.grade, h.source, h.status,
    CASE WHEN h.owner_id IS NOT NULL AND h.supervisor_org_id IS NOT NULL THEN 1 ELSE 0 END,
    CASE WHEN h.measures <> '' AND h.deadline IS NOT NULL THEN 1 ELSE 0 END,
    CASE WHEN h.listed THEN 1 ELSE 0 END,
    CASE WHEN h.closed_on_time THEN 1 ELSE 0 END,
    CASE WHEN h.status <> 'closed' AND h.deadline IS NOT NULL THEN h.deadline ELSE '9999-12-31 00:00:00+00:00' END,
    COUNT(*)
FROM hazards h
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
-- +postgres
INSERT INTO hazard_tallies (org_path, town_id, industry, grade, source, status, owned, scheduled, listed, on_time, deadline, n)
SELECT h.org_path, h.town_id, h.industry, h.grade, h.source, h.status,
    CASE WHEN h.owner_id IS NOT NULL AND h.supervisor_org_id IS NOT NULL THEN 1 ELSE 0 END,
    CASE WHEN h.measures <> '' AND h.deadline IS NOT NULL THEN 1 ELSE 0 END,
    CASE WHEN h.listed THEN 1 ELSE 0 END,
    CASE WHEN h.closed_on_time THEN 1 ELSE 0 END,
    CASE WHEN h.status <> 'closed' AND h.deadline IS NOT NULL THEN h.deadline ELSE TIMESTAMPTZ '9999-12-31 00:00:00+00' END,
    COUNT(*)
FROM hazards h
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
-- +end

-- +goose Down
DROP TABLE hazard_tallies;
