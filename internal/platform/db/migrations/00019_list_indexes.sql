-- Indexes for the lists people open most, found by profiling them under load (issue 10):
-- - hazards by status in the default order (newest found first): with (status, found_at)
--   a page is a walk down one index, where SQLite without statistics read every hazard of
--   the status through hazards_status_deadline and sorted them all. The demo district's
--   closed hazards (3,650), 20 a page, over HTTP as the admin on SQLite: 188 → 1,805
--   requests per second.
-- - a town's hazards newest first (a town user's default list): the scope adds
--   `town_id = ?` (auth.Scope.TownID) and (town_id, found_at) walks the town's newest
--   hazards, where the path range read every hazard of the town and sorted them (about
--   100,000 at the city's 1,000,000: 1 request per second under load on SQLite).
-- - enterprises due for a supervision visit (the to-do card on every page of a supervisor,
--   the colors panel): (status, next_inspection_at) finds the operating enterprises due
--   before a day, where enterprises_status read every operating enterprise.
-- - enterprises flagged for closure (the colors panel's figure): an index instead of a
--   scan of every enterprise.
-- docs/PERFORMANCE.md, "Lists" and "Figures and home panels".

-- +goose Up
CREATE INDEX hazards_status_found_at ON hazards (status, found_at);
CREATE INDEX hazards_town_found_at ON hazards (town_id, found_at);
CREATE INDEX enterprises_status_next_inspection ON enterprises (status, next_inspection_at);
CREATE INDEX enterprises_closure_flagged ON enterprises (closure_flagged);

-- +goose Down
DROP INDEX enterprises_closure_flagged;
DROP INDEX enterprises_status_next_inspection;
DROP INDEX hazards_town_found_at;
DROP INDEX hazards_status_found_at;
