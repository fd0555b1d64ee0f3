-- API keys: only a hash of each secret is kept.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    partner_id TEXT,
    secret_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
);
-- Who wrote what, committed in the same transaction as the write.
CREATE TABLE audit (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    role TEXT NOT NULL,
    route TEXT NOT NULL,
    records INTEGER NOT NULL
);
CREATE INDEX audit_key ON audit (key_id, id);
CREATE TABLE audit_records (
    audit_id TEXT NOT NULL REFERENCES audit (id),
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL
);
CREATE INDEX audit_records_record ON audit_records (record_id, audit_id);
