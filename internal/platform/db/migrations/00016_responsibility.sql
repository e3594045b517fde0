-- The responsibility system (党政同责、一岗双责): the kind of each post; duty list templates
-- per kind of post and the duty lists (责任清单) of each person's post, one version per
-- change, the latest of a year being what that year is judged against; the due tasks of
-- recurring duties, one per duty and period, and the evidence that proves them, entered
-- once and linked to every task it proves (最多报一次); the days before which the
-- "before holidays" duties fall due; target responsibility letters (目标责任书) with their
-- targets and duty items; dedicated-study meetings (专题研究) with attendees and the
-- industries studied, and the frequency rules they are checked against; problems and
-- measures of special tackling (专项攻坚) with progress reports; and the yearly
-- 五个反思 self-assessments, whose actions are the measures of a problem.

-- +goose Up
ALTER TABLE posts ADD COLUMN kind TEXT NOT NULL DEFAULT '';
CREATE INDEX posts_kind ON posts (kind);

CREATE TABLE duty_templates (
    id         {{id}},
    post_kind  TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);

-- body: party_committee, government, congress, cppcc, department, town;
-- role: decide, execute, supervise, evaluate (决策 / 执行 / 监督 / 评估);
-- frequency: '' (no recurring task), daily, weekly, monthly, quarterly, half_yearly,
-- yearly, before_holidays; evidence: what proves a task (meeting, inspection, hazard,
-- document, confirm: one tap, with a photo every photo_every-th occurrence).
CREATE TABLE duty_template_items (
    id           {{id}},
    template_id  {{bigint}} NOT NULL REFERENCES duty_templates (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    body         TEXT NOT NULL,
    role         TEXT NOT NULL DEFAULT '',
    text         TEXT NOT NULL,
    basis        TEXT NOT NULL DEFAULT '',
    frequency    TEXT NOT NULL DEFAULT '',
    evidence     TEXT NOT NULL DEFAULT '',
    meeting_kind TEXT NOT NULL DEFAULT '',
    photo_every  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX duty_template_items_template ON duty_template_items (template_id, position);

-- duty_lists: one version of the duty list of a person's post in a unit for a year;
-- current marks the latest version of (person, org, year).
CREATE TABLE duty_lists (
    id          {{id}},
    person_id   {{bigint}} NOT NULL REFERENCES people (id),
    org_id      {{bigint}} NOT NULL REFERENCES orgs (id),
    org_path    {{path}} NOT NULL,
    post_title  TEXT NOT NULL,
    post_kind   TEXT NOT NULL DEFAULT '',
    year        INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    current     BOOLEAN NOT NULL,
    template_id {{bigint}} REFERENCES duty_templates (id) ON DELETE SET NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_by  {{bigint}} REFERENCES users (id),
    created_at  {{time}} NOT NULL,
    UNIQUE (person_id, org_id, year, version)
);
CREATE INDEX duty_lists_path ON duty_lists (org_path, year);
CREATE INDEX duty_lists_person ON duty_lists (person_id, year);
CREATE INDEX duty_lists_current ON duty_lists (year, current);

-- duty_items: the items of one list version; origin_id is the id of the item in the
-- version it first appeared in, kept by later versions, so a duty keeps its tasks.
CREATE TABLE duty_items (
    id           {{id}},
    list_id      {{bigint}} NOT NULL REFERENCES duty_lists (id) ON DELETE CASCADE,
    origin_id    {{bigint}},
    position     INTEGER NOT NULL,
    body         TEXT NOT NULL,
    role         TEXT NOT NULL DEFAULT '',
    text         TEXT NOT NULL,
    basis        TEXT NOT NULL DEFAULT '',
    frequency    TEXT NOT NULL DEFAULT '',
    evidence     TEXT NOT NULL DEFAULT '',
    meeting_kind TEXT NOT NULL DEFAULT '',
    photo_every  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX duty_items_list ON duty_items (list_id, position);
CREATE INDEX duty_items_origin ON duty_items (origin_id);
CREATE INDEX duty_items_frequency ON duty_items (frequency);

-- duty_tasks: the task of one duty for one period (2026-12-03, 2026-W49, 2026-12,
-- 2026-Q4, 2026-H2, 2026, 2026-12-31 before a holiday), created once by the generation
-- job; done only with evidence linked (or, for a confirm duty, its confirmation).
CREATE TABLE duty_tasks (
    id             {{id}},
    item_id        {{bigint}} NOT NULL REFERENCES duty_items (id),
    origin_id      {{bigint}} NOT NULL,
    list_id        {{bigint}} NOT NULL REFERENCES duty_lists (id),
    person_id      {{bigint}} NOT NULL REFERENCES people (id),
    org_id         {{bigint}} NOT NULL REFERENCES orgs (id),
    org_path       {{path}} NOT NULL,
    period         TEXT NOT NULL,
    starts_at      {{time}} NOT NULL,
    due_at         {{time}} NOT NULL,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    photo_required BOOLEAN NOT NULL DEFAULT FALSE,
    done_at        {{time}},
    done_by        {{bigint}} REFERENCES users (id),
    late           BOOLEAN NOT NULL DEFAULT FALSE,
    reminded_at    {{time}},
    created_at     {{time}} NOT NULL,
    UNIQUE (origin_id, period)
);
CREATE INDEX duty_tasks_path ON duty_tasks (org_path, due_at);
CREATE INDEX duty_tasks_person ON duty_tasks (person_id, status, due_at);
CREATE INDEX duty_tasks_status ON duty_tasks (status, due_at);
CREATE INDEX duty_tasks_list ON duty_tasks (list_id);

-- duty_evidence: a record proving duties, entered once: a meeting, an inspection or an
-- accepted hazard (ref_id, one row per record), a document or photo (attachment_id), a
-- one-tap confirmation.
CREATE TABLE duty_evidence (
    id            {{id}},
    kind          TEXT NOT NULL,
    ref_id        {{bigint}},
    attachment_id {{bigint}} REFERENCES attachments (id),
    title         TEXT NOT NULL DEFAULT '',
    happened_at   {{time}} NOT NULL,
    org_id        {{bigint}} NOT NULL REFERENCES orgs (id),
    org_path      {{path}} NOT NULL,
    created_by    {{bigint}} REFERENCES users (id),
    created_at    {{time}} NOT NULL
);
CREATE UNIQUE INDEX duty_evidence_ref ON duty_evidence (kind, ref_id) WHERE ref_id IS NOT NULL;
CREATE INDEX duty_evidence_path ON duty_evidence (org_path, happened_at);

CREATE TABLE duty_task_evidence (
    task_id     {{bigint}} NOT NULL REFERENCES duty_tasks (id) ON DELETE CASCADE,
    evidence_id {{bigint}} NOT NULL REFERENCES duty_evidence (id) ON DELETE CASCADE,
    linked_by   {{bigint}} REFERENCES users (id),
    linked_at   {{time}} NOT NULL,
    PRIMARY KEY (task_id, evidence_id)
);
CREATE INDEX duty_task_evidence_evidence ON duty_task_evidence (evidence_id);

-- holidays: the first day of each public holiday; "before holidays" duties fall due the
-- day before it.
CREATE TABLE holidays (
    day  TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

-- letters: the target responsibility letter (安全生产目标责任书) the district signs each
-- year with a town or a department.
CREATE TABLE letters (
    id                 {{id}},
    year               INTEGER NOT NULL,
    org_id             {{bigint}} NOT NULL REFERENCES orgs (id),
    org_path           {{path}} NOT NULL,
    title              TEXT NOT NULL,
    district_signatory TEXT NOT NULL DEFAULT '',
    unit_signatory     TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
    signed_at          {{time}},
    created_by         {{bigint}} REFERENCES users (id),
    created_at         {{time}} NOT NULL,
    updated_at         {{time}} NOT NULL,
    UNIQUE (year, org_id)
);
CREATE INDEX letters_path ON letters (org_path, year);

-- letter_targets: an indicator with its limit (kind: max, min or text); value is the
-- limit as a number when there is one.
CREATE TABLE letter_targets (
    id         {{id}},
    letter_id  {{bigint}} NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    indicator  TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'text',
    value      DOUBLE PRECISION,
    unit       TEXT NOT NULL DEFAULT '',
    limit_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX letter_targets_letter ON letter_targets (letter_id, position);

CREATE TABLE letter_items (
    id        {{id}},
    letter_id {{bigint}} NOT NULL REFERENCES letters (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    text      TEXT NOT NULL
);
CREATE INDEX letter_items_letter ON letter_items (letter_id, position);

-- meetings: dedicated study of work safety (专题研究). kind: standing_committee,
-- executive, special (a deputy head's special meeting), department, town, other; late is
-- set when it was recorded more than the allowed days after it was held.
CREATE TABLE meetings (
    id          {{id}},
    kind        TEXT NOT NULL,
    org_id      {{bigint}} NOT NULL REFERENCES orgs (id),
    org_path    {{path}} NOT NULL,
    title       TEXT NOT NULL,
    held_at     {{time}} NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    chair_id    {{bigint}} REFERENCES people (id),
    topics      TEXT NOT NULL DEFAULT '',
    decisions   TEXT NOT NULL DEFAULT '',
    minutes     TEXT NOT NULL DEFAULT '',
    late        BOOLEAN NOT NULL DEFAULT FALSE,
    created_by  {{bigint}} REFERENCES users (id),
    created_at  {{time}} NOT NULL,
    updated_at  {{time}} NOT NULL
);
CREATE INDEX meetings_path ON meetings (org_path, held_at);
CREATE INDEX meetings_kind ON meetings (kind, held_at);
CREATE INDEX meetings_org ON meetings (org_id, held_at);
CREATE INDEX meetings_chair ON meetings (chair_id, held_at);

CREATE TABLE meeting_attendees (
    meeting_id {{bigint}} NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    person_id  {{bigint}} NOT NULL REFERENCES people (id),
    PRIMARY KEY (meeting_id, person_id)
);
CREATE INDEX meeting_attendees_person ON meeting_attendees (person_id);

CREATE TABLE meeting_industries (
    meeting_id {{bigint}} NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    industry   TEXT NOT NULL REFERENCES industries (code),
    PRIMARY KEY (meeting_id, industry)
);
CREATE INDEX meeting_industries_industry ON meeting_industries (industry);

-- meeting_attachments: the photos and documents (minutes, sign-in sheet) of a meeting.
CREATE TABLE meeting_attachments (
    meeting_id    {{bigint}} NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    attachment_id {{bigint}} NOT NULL REFERENCES attachments (id),
    PRIMARY KEY (meeting_id, attachment_id)
);
CREATE INDEX meeting_attachments_attachment ON meeting_attachments (attachment_id);

-- meeting_rules: how often a kind of meeting must study safety. subject 'unit': each
-- unit of org_category (or the one org_id) holds one; 'in_charge': each leader in charge
-- of industries chairs one on them.
CREATE TABLE meeting_rules (
    id           {{id}},
    name         TEXT NOT NULL,
    meeting_kind TEXT NOT NULL,
    subject      TEXT NOT NULL CHECK (subject IN ('unit', 'in_charge')),
    org_category TEXT NOT NULL DEFAULT '',
    org_id       {{bigint}} REFERENCES orgs (id),
    frequency    TEXT NOT NULL,
    min_count    INTEGER NOT NULL DEFAULT 1,
    late_days    INTEGER NOT NULL DEFAULT 7,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   {{time}} NOT NULL,
    updated_at   {{time}} NOT NULL
);

-- problems: one problem of a list for special tackling (专项攻坚). source_kind:
-- state_council, province, city, inspection, reflection, meeting, other; source_id names
-- the reflection or meeting it came from.
CREATE TABLE problems (
    id          {{id}},
    year        INTEGER NOT NULL,
    code        TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    source_kind TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    source_id   {{bigint}},
    org_id      {{bigint}} NOT NULL REFERENCES orgs (id),
    org_path    {{path}} NOT NULL,
    created_by  {{bigint}} REFERENCES users (id),
    created_at  {{time}} NOT NULL,
    updated_at  {{time}} NOT NULL
);
CREATE INDEX problems_path ON problems (org_path, year);
CREATE INDEX problems_source ON problems (source_kind, source_id);

-- measures: what is done about a problem, owned by a leader, carried out by a
-- department, by a deadline (end of its day); status open → completed (reported by the
-- department) → verified (by someone other than the owning leader and the reporter).
CREATE TABLE measures (
    id            {{id}},
    problem_id    {{bigint}} NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL DEFAULT 0,
    text          TEXT NOT NULL,
    leader_id     {{bigint}} REFERENCES people (id),
    department_id {{bigint}} NOT NULL REFERENCES orgs (id),
    org_path      {{path}} NOT NULL,
    deadline      {{time}} NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed', 'verified')),
    progress      INTEGER NOT NULL DEFAULT 0,
    completed_at  {{time}},
    completed_by  {{bigint}} REFERENCES users (id),
    verified_at   {{time}},
    verified_by   {{bigint}} REFERENCES users (id),
    created_by    {{bigint}} REFERENCES users (id),
    created_at    {{time}} NOT NULL,
    updated_at    {{time}} NOT NULL
);
CREATE INDEX measures_problem ON measures (problem_id, position);
CREATE INDEX measures_path ON measures (org_path, deadline);
CREATE INDEX measures_leader ON measures (leader_id, status);
CREATE INDEX measures_department ON measures (department_id, status);
CREATE INDEX measures_status ON measures (status, deadline);

-- measure_progress: the history of a measure. kind: progress (a report with its percent),
-- complete, verify, reject (text = the reason), change.
CREATE TABLE measure_progress (
    id         {{id}},
    measure_id {{bigint}} NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL DEFAULT 'progress',
    text       TEXT NOT NULL,
    progress   INTEGER NOT NULL,
    created_by {{bigint}} REFERENCES users (id),
    created_at {{time}} NOT NULL
);
CREATE INDEX measure_progress_measure ON measure_progress (measure_id, created_at);

-- measure_progress_attachments: the photos and files of a progress report.
CREATE TABLE measure_progress_attachments (
    progress_id   {{bigint}} NOT NULL REFERENCES measure_progress (id) ON DELETE CASCADE,
    attachment_id {{bigint}} NOT NULL UNIQUE REFERENCES attachments (id),
    PRIMARY KEY (progress_id, attachment_id)
);

-- reflections: the yearly 五个反思 of the party committee or the government; actions
-- (JSON, kept while a draft) become the measures of problem_id (a problem of source_kind
-- 'reflection') when it is submitted.
CREATE TABLE reflections (
    id         {{id}},
    year       INTEGER NOT NULL,
    body       TEXT NOT NULL CHECK (body IN ('party_committee', 'government')),
    org_id     {{bigint}} NOT NULL REFERENCES orgs (id),
    org_path   {{path}} NOT NULL,
    summary    TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    actions    TEXT NOT NULL DEFAULT '[]',
    problem_id {{bigint}} REFERENCES problems (id),
    created_by {{bigint}} REFERENCES users (id),
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL,
    UNIQUE (year, org_id)
);
CREATE INDEX reflections_path ON reflections (org_path, year);

-- reflection_answers: one of the five aspects (party committee: planning, staffing,
-- establishment, mechanisms, accountability; government: baseline, expertise, investment,
-- work_style, execution) with its score out of 100 and findings.
CREATE TABLE reflection_answers (
    reflection_id {{bigint}} NOT NULL REFERENCES reflections (id) ON DELETE CASCADE,
    aspect        TEXT NOT NULL,
    score         INTEGER NOT NULL,
    findings      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (reflection_id, aspect)
);

-- +goose Down
DROP TABLE reflection_answers;
DROP TABLE reflections;
DROP TABLE measure_progress_attachments;
DROP TABLE measure_progress;
DROP TABLE measures;
DROP TABLE problems;
DROP TABLE meeting_rules;
DROP TABLE meeting_attachments;
DROP TABLE meeting_industries;
DROP TABLE meeting_attendees;
DROP TABLE meetings;
DROP TABLE letter_items;
DROP TABLE letter_targets;
DROP TABLE letters;
DROP TABLE holidays;
DROP TABLE duty_task_evidence;
DROP TABLE duty_evidence;
DROP TABLE duty_tasks;
DROP TABLE duty_items;
DROP TABLE duty_lists;
DROP TABLE duty_template_items;
DROP TABLE duty_templates;
DROP INDEX posts_kind;
ALTER TABLE posts DROP COLUMN kind;
