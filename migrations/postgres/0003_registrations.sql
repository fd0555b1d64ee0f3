-- Deal registrations: the registration with its decisions and the assessment made when it arrived.
CREATE TABLE registrations (id TEXT PRIMARY KEY, doc JSONB NOT NULL);
-- Trained model versions; the newest of a name serves.
CREATE TABLE models (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    doc JSONB NOT NULL
);
CREATE INDEX models_name ON models (name, created_at);
