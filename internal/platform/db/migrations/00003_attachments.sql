-- Attachments (附件): uploaded photos and PDFs that other records reference by id. The
-- bytes live in a Store under storage_key; the row says what they are and who may see
-- them: org_path (the uploader's scope, then the path of the record that claims it) and
-- industry (NULL until a record of an industry claims it).

-- +goose Up
CREATE TABLE attachments (
    id            {{id}},
    storage_key   TEXT NOT NULL UNIQUE,
    sha256        TEXT NOT NULL,
    size_bytes    {{bigint}} NOT NULL CHECK (size_bytes > 0),
    content_type  TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    original_name TEXT NOT NULL,
    width         INTEGER,
    height        INTEGER,
    uploaded_by   {{bigint}} REFERENCES users (id),
    uploaded_at   {{time}} NOT NULL,
    org_path      {{path}} NOT NULL,
    industry      TEXT REFERENCES industries (code),
    linked        BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX attachments_org_path ON attachments (org_path);
CREATE INDEX attachments_uploaded_by ON attachments (uploaded_by, uploaded_at);
CREATE INDEX attachments_industry ON attachments (industry);

-- +goose Down
DROP TABLE attachments;
