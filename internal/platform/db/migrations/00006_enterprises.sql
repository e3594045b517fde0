-- Enterprises and three-color management (三色管理): the registry (一企一档), the color
-- rule sets and each enterprise's color history, the joint constraints on red
-- enterprises, the enforcement ladder, risk points (风险分级管控), self-inspection
-- checklists, enterprise documents; enterprise users and hazards point to their enterprise.

-- +goose Up
CREATE TABLE enterprises (
    id                 {{id}},
    name               TEXT NOT NULL,
    credit_code        TEXT NOT NULL UNIQUE,
    industry           TEXT NOT NULL REFERENCES industries (code),
    grid_id            {{bigint}} NOT NULL REFERENCES grids (id),
    org_path           {{path}} NOT NULL,
    town_id            {{bigint}} NOT NULL REFERENCES orgs (id),
    address            TEXT NOT NULL DEFAULT '',
    scale              TEXT NOT NULL CHECK (scale IN ('large', 'medium', 'small', 'micro')),
    legal_rep          TEXT NOT NULL DEFAULT '',
    safety_manager     TEXT NOT NULL DEFAULT '',
    safety_phone       TEXT NOT NULL DEFAULT '',
    standard_grade     TEXT NOT NULL DEFAULT 'none' CHECK (standard_grade IN ('level1', 'level2', 'level3', 'none')),
    status             TEXT NOT NULL DEFAULT 'operating' CHECK (status IN ('operating', 'suspended', 'closed')),
    color              TEXT NOT NULL DEFAULT 'green' CHECK (color IN ('green', 'yellow', 'red')),
    color_since        {{time}} NOT NULL,
    color_reasons      TEXT NOT NULL DEFAULT '[]',
    color_rule_version INTEGER NOT NULL DEFAULT 0,
    last_inspected_at  {{time}},
    next_inspection_at {{time}},
    closure_flagged    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         {{time}} NOT NULL,
    updated_at         {{time}} NOT NULL
);
CREATE INDEX enterprises_path_color ON enterprises (org_path, color);
CREATE INDEX enterprises_industry_color ON enterprises (industry, color);
CREATE INDEX enterprises_town_color ON enterprises (town_id, color);
CREATE INDEX enterprises_color ON enterprises (color, status);
CREATE INDEX enterprises_status ON enterprises (status);
CREATE INDEX enterprises_grid ON enterprises (grid_id);
CREATE INDEX enterprises_name ON enterprises (name);
CREATE INDEX enterprises_next_inspection ON enterprises (next_inspection_at);

-- enterprise_visits: supervision visits (inspections) that count for the inspection
-- frequency of each color (分类指导).
CREATE TABLE enterprise_visits (
    id            {{id}},
    enterprise_id {{bigint}} NOT NULL REFERENCES enterprises (id),
    visited_at    {{time}} NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('routine', 'unannounced', 'campaign', 'acceptance', 'other')),
    org_id        {{bigint}} REFERENCES orgs (id),
    visited_by    {{bigint}} REFERENCES users (id),
    findings      INTEGER NOT NULL DEFAULT 0,
    note          TEXT NOT NULL DEFAULT '',
    created_at    {{time}} NOT NULL
);
CREATE INDEX enterprise_visits_enterprise ON enterprise_visits (enterprise_id, visited_at);

CREATE TABLE enterprise_colors (
    id            {{id}},
    enterprise_id {{bigint}} NOT NULL REFERENCES enterprises (id),
    at            {{time}} NOT NULL,
    from_color    TEXT NOT NULL,
    to_color      TEXT NOT NULL,
    reasons       TEXT NOT NULL DEFAULT '[]',
    rule_version  INTEGER NOT NULL,
    cause         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX enterprise_colors_enterprise ON enterprise_colors (enterprise_id, id);

-- color_rule_sets: every saved version of the rules; the newest is in force.
CREATE TABLE color_rule_sets (
    version    INTEGER PRIMARY KEY,
    rules      TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by {{bigint}} REFERENCES users (id),
    created_at {{time}} NOT NULL
);

CREATE TABLE enterprise_constraints (
    id            {{id}},
    enterprise_id {{bigint}} NOT NULL REFERENCES enterprises (id),
    measure       TEXT NOT NULL CHECK (measure IN ('licensing', 'project_approval', 'credit', 'insurance', 'awards')),
    began_at      {{time}} NOT NULL,
    ended_at      {{time}},
    reason        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX enterprise_constraints_enterprise ON enterprise_constraints (enterprise_id, ended_at);
CREATE INDEX enterprise_constraints_open ON enterprise_constraints (ended_at, measure);

CREATE TABLE enforcement_actions (
    id            {{id}},
    enterprise_id {{bigint}} NOT NULL REFERENCES enterprises (id),
    kind          TEXT NOT NULL CHECK (kind IN ('rectification_order', 'penalty', 'max_penalty', 'suspension', 'closure_proposal')),
    decided_at    {{time}} NOT NULL,
    doc_number    TEXT NOT NULL DEFAULT '',
    amount_yuan   {{bigint}},
    reason        TEXT NOT NULL DEFAULT '',
    deadline      {{time}},
    outcome       TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'passed', 'failed', 'refused', 'done')),
    outcome_at    {{time}},
    outcome_note  TEXT NOT NULL DEFAULT '',
    org_id        {{bigint}} REFERENCES orgs (id),
    created_by    {{bigint}} REFERENCES users (id),
    created_at    {{time}} NOT NULL
);
CREATE INDEX enforcement_enterprise ON enforcement_actions (enterprise_id, decided_at);
CREATE INDEX enforcement_kind ON enforcement_actions (kind, decided_at);

CREATE TABLE enforcement_attachments (
    action_id     {{bigint}} NOT NULL REFERENCES enforcement_actions (id),
    attachment_id {{bigint}} NOT NULL REFERENCES attachments (id),
    PRIMARY KEY (action_id, attachment_id)
);

CREATE TABLE enterprise_documents (
    enterprise_id {{bigint}} NOT NULL REFERENCES enterprises (id),
    attachment_id {{bigint}} NOT NULL REFERENCES attachments (id),
    title         TEXT NOT NULL,
    kind          TEXT NOT NULL DEFAULT 'other',
    added_by      {{bigint}} REFERENCES users (id),
    added_at      {{time}} NOT NULL,
    PRIMARY KEY (enterprise_id, attachment_id)
);

CREATE TABLE risk_points (
    id                {{id}},
    enterprise_id     {{bigint}} NOT NULL REFERENCES enterprises (id),
    name              TEXT NOT NULL,
    place             TEXT NOT NULL DEFAULT '',
    hazard_factors    TEXT NOT NULL DEFAULT '',
    accident_types    TEXT NOT NULL DEFAULT '',
    control_measures  TEXT NOT NULL DEFAULT '',
    responsible       TEXT NOT NULL DEFAULT '',
    grade             TEXT NOT NULL CHECK (grade IN ('major', 'significant', 'general', 'low')),
    controls_ok       BOOLEAN NOT NULL DEFAULT TRUE,
    checked_at        {{time}},
    created_at        {{time}} NOT NULL,
    updated_at        {{time}} NOT NULL
);
CREATE INDEX risk_points_enterprise ON risk_points (enterprise_id, grade);
CREATE INDEX risk_points_grade ON risk_points (grade, controls_ok);

CREATE TABLE checklist_templates (
    id         {{id}},
    industry   TEXT REFERENCES industries (code),
    name       TEXT NOT NULL,
    created_at {{time}} NOT NULL
);
CREATE INDEX checklist_templates_industry ON checklist_templates (industry);

CREATE TABLE checklist_items (
    id          {{id}},
    template_id {{bigint}} NOT NULL REFERENCES checklist_templates (id),
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    category    TEXT NOT NULL DEFAULT 'unsafe_condition',
    grade       TEXT NOT NULL DEFAULT 'general'
);
CREATE INDEX checklist_items_template ON checklist_items (template_id, position);

CREATE TABLE self_inspections (
    id            {{id}},
    enterprise_id {{bigint}} NOT NULL REFERENCES enterprises (id),
    template_id   {{bigint}} NOT NULL REFERENCES checklist_templates (id),
    done_by       {{bigint}} NOT NULL REFERENCES users (id),
    done_at       {{time}} NOT NULL,
    passed        INTEGER NOT NULL,
    failed        INTEGER NOT NULL,
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX self_inspections_enterprise ON self_inspections (enterprise_id, done_at);

CREATE TABLE self_inspection_results (
    inspection_id {{bigint}} NOT NULL REFERENCES self_inspections (id),
    item_id       {{bigint}} NOT NULL REFERENCES checklist_items (id),
    result        TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'na')),
    note          TEXT NOT NULL DEFAULT '',
    hazard_id     {{bigint}} REFERENCES hazards (id),
    PRIMARY KEY (inspection_id, item_id)
);

ALTER TABLE users ADD COLUMN enterprise_id {{bigint}} REFERENCES enterprises (id);
CREATE INDEX users_enterprise ON users (enterprise_id);
ALTER TABLE attachments ADD COLUMN enterprise_id {{bigint}} REFERENCES enterprises (id);
CREATE INDEX attachments_enterprise ON attachments (enterprise_id);
ALTER TABLE hazards ADD COLUMN risk_point_id {{bigint}} REFERENCES risk_points (id);
CREATE INDEX hazards_risk_point ON hazards (risk_point_id);

-- +goose Down
DROP INDEX hazards_risk_point;
ALTER TABLE hazards DROP COLUMN risk_point_id;
DROP INDEX attachments_enterprise;
ALTER TABLE attachments DROP COLUMN enterprise_id;
DROP INDEX users_enterprise;
ALTER TABLE users DROP COLUMN enterprise_id;
DROP TABLE self_inspection_results;
DROP TABLE self_inspections;
DROP TABLE checklist_items;
DROP TABLE checklist_templates;
DROP TABLE risk_points;
DROP TABLE enterprise_documents;
DROP TABLE enforcement_attachments;
DROP TABLE enforcement_actions;
DROP TABLE enterprise_constraints;
DROP TABLE color_rule_sets;
DROP TABLE enterprise_colors;
DROP TABLE enterprise_visits;
DROP TABLE enterprises;
