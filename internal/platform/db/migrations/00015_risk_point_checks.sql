-- Why a risk point's controls were marked as failing (or working again): the latest reason
-- on the risk point, and every check in its history, with who recorded it. Marking a major
-- risk point's controls failed can turn its enterprise red, so the reason is required then.

-- +goose Up
ALTER TABLE risk_points ADD COLUMN controls_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE risk_point_checks (
    id            {{id}},
    risk_point_id {{bigint}} NOT NULL REFERENCES risk_points (id) ON DELETE CASCADE,
    at            {{time}} NOT NULL,
    controls_ok   BOOLEAN NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    user_id       {{bigint}} REFERENCES users (id),
    by_name       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX risk_point_checks_point ON risk_point_checks (risk_point_id, at);

-- +goose Down
DROP TABLE risk_point_checks;
ALTER TABLE risk_points DROP COLUMN controls_reason;
