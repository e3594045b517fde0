-- Foundation: organization tree, industries, people and posts, grids, users, sessions,
-- sign-in throttling, the audit log and a key/value table for instance facts.
-- +sqlite
-- Path columns hold materialized paths ("/1/5/23/") compared byte-wise (BINARY collation)
-- +postgres
-- Path columns hold materialized paths ("/1/5/23/") compared byte-wise (COLLATE "C")
-- +end
-- so a subtree is one index range.

-- +goose Up
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE orgs (
    id         {{id}},
    parent_id  {{bigint}} REFERENCES orgs (id),
    kind       TEXT NOT NULL CHECK (kind IN ('district', 'town', 'village', 'unit')),
    category   TEXT NOT NULL,
    name       TEXT NOT NULL,
    short_name TEXT NOT NULL DEFAULT '',
    code       TEXT NOT NULL UNIQUE,
    path       {{path}} NOT NULL UNIQUE,
    depth      INTEGER NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    phone      TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX orgs_parent ON orgs (parent_id, sort_order, id);
CREATE INDEX orgs_kind_path ON orgs (kind, path);
CREATE INDEX orgs_name ON orgs (name);

CREATE TABLE industries (
    code       TEXT PRIMARY KEY,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0
);

-- unit_industries: the industries a department supervises (行业监管).
CREATE TABLE unit_industries (
    org_id   {{bigint}} NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    industry TEXT NOT NULL REFERENCES industries (code),
    PRIMARY KEY (org_id, industry)
);
CREATE INDEX unit_industries_industry ON unit_industries (industry);

CREATE TABLE people (
    id         {{id}},
    org_id     {{bigint}} NOT NULL REFERENCES orgs (id),
    org_path   {{path}} NOT NULL,
    name       TEXT NOT NULL,
    gender     TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
CREATE INDEX people_org_path ON people (org_path, id);
CREATE INDEX people_org ON people (org_id);
CREATE INDEX people_name ON people (name);

-- posts: a position a person holds in a unit (职务).
CREATE TABLE posts (
    id             {{id}},
    person_id      {{bigint}} NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    org_id         {{bigint}} NOT NULL REFERENCES orgs (id),
    title          TEXT NOT NULL,
    is_main_leader BOOLEAN NOT NULL DEFAULT FALSE,
    rank           INTEGER NOT NULL DEFAULT 0,
    created_at     {{time}} NOT NULL
);
CREATE INDEX posts_person ON posts (person_id);
CREATE INDEX posts_org ON posts (org_id, rank);

-- in_charge: the industries a leader is in charge of (分管).
CREATE TABLE in_charge (
    person_id {{bigint}} NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    industry  TEXT NOT NULL REFERENCES industries (code),
    PRIMARY KEY (person_id, industry)
);
CREATE INDEX in_charge_industry ON in_charge (industry);

CREATE TABLE grids (
    id           {{id}},
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    village_id   {{bigint}} NOT NULL REFERENCES orgs (id),
    org_path     {{path}} NOT NULL,
    patroller_id {{bigint}} REFERENCES people (id),
    description  TEXT NOT NULL DEFAULT '',
    created_at   {{time}} NOT NULL,
    updated_at   {{time}} NOT NULL
);
CREATE INDEX grids_org_path ON grids (org_path, code);
CREATE INDEX grids_village ON grids (village_id, code);
CREATE INDEX grids_patroller ON grids (patroller_id);

CREATE TABLE users (
    id                   {{id}},
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    org_id               {{bigint}} NOT NULL REFERENCES orgs (id),
    org_path             {{path}} NOT NULL,
    person_id            {{bigint}} REFERENCES people (id),
    lang                 TEXT NOT NULL DEFAULT 'zh',
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    last_login_at        {{time}},
    password_changed_at  {{time}} NOT NULL,
    created_at           {{time}} NOT NULL,
    updated_at           {{time}} NOT NULL
);
CREATE INDEX users_org_path ON users (org_path);

CREATE TABLE user_roles (
    user_id {{bigint}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);
CREATE INDEX user_roles_role ON user_roles (role);

-- login_throttle counts consecutive failed sign-ins per username, known or not, so a
-- locked account and an unknown name answer alike.
CREATE TABLE login_throttle (
    username        TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_at {{time}} NOT NULL,
    locked_until    {{time}}
);

CREATE TABLE sessions (
    id              {{id}},
    token_hash      TEXT NOT NULL UNIQUE,
    user_id         {{bigint}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('browser', 'api')),
    csrf_token      TEXT NOT NULL,
    created_at      {{time}} NOT NULL,
    last_seen_at    {{time}} NOT NULL,
    idle_expires_at {{time}} NOT NULL,
    expires_at      {{time}} NOT NULL,
    ip              TEXT NOT NULL DEFAULT '',
    user_agent      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- audit_log is append-only: triggers refuse every UPDATE and DELETE.
CREATE TABLE audit_log (
    id          {{id}},
    at          {{time}} NOT NULL,
    user_id     {{bigint}},
    username    TEXT NOT NULL,
    ip          TEXT NOT NULL DEFAULT '',
    user_agent  TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    object_id   TEXT NOT NULL DEFAULT '',
    result      TEXT NOT NULL CHECK (result IN ('ok', 'denied', 'failed', 'error')),
    status      INTEGER NOT NULL DEFAULT 0,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_id, at);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id, at);
CREATE INDEX audit_log_action ON audit_log (action, at);

-- +sqlite
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +postgres
-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
-- +end

-- +goose Down
DROP TABLE audit_log;
-- +postgres
DROP FUNCTION audit_log_append_only;
-- +end
DROP TABLE sessions;
DROP TABLE login_throttle;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE grids;
DROP TABLE in_charge;
DROP TABLE posts;
DROP TABLE people;
DROP TABLE unit_industries;
DROP TABLE industries;
DROP TABLE orgs;
DROP TABLE meta;
