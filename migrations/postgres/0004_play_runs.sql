-- Play runs: a partner running one of the vendor's GTM plays, with its outcome once known.
CREATE TABLE play_runs (id TEXT PRIMARY KEY, doc JSONB NOT NULL);
