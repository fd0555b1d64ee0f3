-- Entities are stored as JSON documents keyed by the client's id; the in-memory graph is built from them.
CREATE TABLE partners (id TEXT PRIMARY KEY, doc TEXT NOT NULL CHECK (json_valid(doc)));
CREATE TABLE accounts (id TEXT PRIMARY KEY, doc TEXT NOT NULL CHECK (json_valid(doc)));
CREATE TABLE deals (id TEXT PRIMARY KEY, doc TEXT NOT NULL CHECK (json_valid(doc)));
CREATE TABLE touchpoints (id TEXT PRIMARY KEY, doc TEXT NOT NULL CHECK (json_valid(doc)));
CREATE TABLE plays (id TEXT PRIMARY KEY, doc TEXT NOT NULL CHECK (json_valid(doc)));
CREATE TABLE ipps (id TEXT PRIMARY KEY, doc TEXT NOT NULL CHECK (json_valid(doc)));
-- One row per line of a partner's account list, linked to the account it resolved to.
CREATE TABLE partner_records (
    partner_id TEXT NOT NULL,
    id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    doc TEXT NOT NULL CHECK (json_valid(doc)),
    PRIMARY KEY (partner_id, id)
);
CREATE INDEX partner_records_account ON partner_records (account_id);
