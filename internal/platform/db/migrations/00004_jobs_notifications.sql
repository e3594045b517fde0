-- Periodic jobs (one row per job: when it runs next and which process holds its lease)
-- and the in-app notification inbox with its outbox for external senders.

-- +goose Up
CREATE TABLE job_runs (
    name             TEXT PRIMARY KEY,
    next_run_at      {{time}} NOT NULL,
    locked_by        TEXT,
    locked_until     {{time}},
    last_started_at  {{time}},
    last_finished_at {{time}},
    last_error       TEXT NOT NULL DEFAULT '',
    runs             {{bigint}} NOT NULL DEFAULT 0
);

CREATE TABLE notifications (
    id           {{id}},
    user_id      {{bigint}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   {{time}} NOT NULL,
    kind         TEXT NOT NULL,
    subject_type TEXT NOT NULL DEFAULT '',
    subject_id   TEXT NOT NULL DEFAULT '',
    message_key  TEXT NOT NULL,
    args         TEXT NOT NULL DEFAULT '{}',
    link         TEXT NOT NULL DEFAULT '',
    read_at      {{time}},
    delivered_at {{time}},
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, read_at);
CREATE INDEX notifications_outbox ON notifications (delivered_at, id);
CREATE INDEX notifications_subject ON notifications (subject_type, subject_id);

-- +goose Down
DROP TABLE notifications;
DROP TABLE job_runs;
