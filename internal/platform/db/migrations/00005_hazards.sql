-- Hazard investigation and governance (隐患排查治理): hazards, their history, the
-- attachments each step added, and the escalation notices already sent (one row per
-- hazard, stage and deadline, so each notice goes out exactly once).

-- +goose Up
CREATE TABLE hazards (
    id                {{id}},
    code              TEXT NOT NULL UNIQUE,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    category          TEXT NOT NULL CHECK (category IN ('unsafe_act', 'unsafe_condition', 'environment', 'management')),
    industry          TEXT NOT NULL REFERENCES industries (code),
    grade             TEXT NOT NULL CHECK (grade IN ('general', 'major')),
    source            TEXT NOT NULL CHECK (source IN ('self_inspection', 'grid_patrol', 'department_inspection', 'campaign', 'supervision_group', 'tipoff')),
    status            TEXT NOT NULL CHECK (status IN ('reported', 'assigned', 'rectifying', 'submitted', 'closed')),
    enterprise_id     {{bigint}},
    place             TEXT NOT NULL DEFAULT '',
    grid_id           {{bigint}} NOT NULL REFERENCES grids (id),
    org_path          {{path}} NOT NULL,
    town_id           {{bigint}} NOT NULL REFERENCES orgs (id),
    address           TEXT NOT NULL DEFAULT '',
    found_by          {{bigint}} NOT NULL REFERENCES users (id),
    found_at          {{time}} NOT NULL,
    owner_id          {{bigint}} REFERENCES users (id),
    supervisor_org_id {{bigint}} REFERENCES orgs (id),
    measures          TEXT NOT NULL DEFAULT '',
    deadline          {{time}},
    responsibility    TEXT NOT NULL DEFAULT '',
    funds_yuan        {{bigint}},
    contingency_plan  TEXT NOT NULL DEFAULT '',
    listed            BOOLEAN NOT NULL DEFAULT FALSE,
    listing_leader_id {{bigint}} REFERENCES people (id),
    listed_at         {{time}},
    listing_doc       TEXT NOT NULL DEFAULT '',
    submitted_at      {{time}},
    closed_at         {{time}},
    closed_by         {{bigint}} REFERENCES users (id),
    closed_on_time    BOOLEAN,
    rejections        INTEGER NOT NULL DEFAULT 0,
    created_at        {{time}} NOT NULL,
    updated_at        {{time}} NOT NULL
);
CREATE INDEX hazards_path_status ON hazards (org_path, status);
CREATE INDEX hazards_status_deadline ON hazards (status, deadline);
CREATE INDEX hazards_industry_status ON hazards (industry, status);
CREATE INDEX hazards_grade_status ON hazards (grade, status);
CREATE INDEX hazards_town_status ON hazards (town_id, status);
CREATE INDEX hazards_grid ON hazards (grid_id);
CREATE INDEX hazards_enterprise ON hazards (enterprise_id);
CREATE INDEX hazards_owner ON hazards (owner_id, status);
CREATE INDEX hazards_supervisor ON hazards (supervisor_org_id, status);
CREATE INDEX hazards_found_by ON hazards (found_by);
CREATE INDEX hazards_found_at ON hazards (found_at);
CREATE INDEX hazards_source ON hazards (source);
CREATE INDEX hazards_listed ON hazards (listed, status);

CREATE TABLE hazard_events (
    id          {{id}},
    hazard_id   {{bigint}} NOT NULL REFERENCES hazards (id),
    at          {{time}} NOT NULL,
    actor_id    {{bigint}} REFERENCES users (id),
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX hazard_events_hazard ON hazard_events (hazard_id, id);

CREATE TABLE hazard_attachments (
    hazard_id     {{bigint}} NOT NULL REFERENCES hazards (id),
    attachment_id {{bigint}} NOT NULL REFERENCES attachments (id),
    event_id      {{bigint}} NOT NULL REFERENCES hazard_events (id),
    kind          TEXT NOT NULL CHECK (kind IN ('found', 'evidence', 'acceptance')),
    PRIMARY KEY (hazard_id, attachment_id)
);
CREATE INDEX hazard_attachments_event ON hazard_attachments (event_id);

CREATE TABLE hazard_escalations (
    hazard_id {{bigint}} NOT NULL REFERENCES hazards (id),
    stage     TEXT NOT NULL CHECK (stage IN ('reminder', 'overdue', 'leader')),
    deadline  {{time}} NOT NULL,
    sent_at   {{time}} NOT NULL,
    notices   INTEGER NOT NULL,
    PRIMARY KEY (hazard_id, stage, deadline)
);

-- +goose Down
DROP TABLE hazard_escalations;
DROP TABLE hazard_attachments;
DROP TABLE hazard_events;
DROP TABLE hazards;
