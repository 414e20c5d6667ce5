-- Operator tokens: only the sha256 of each token is kept.
CREATE TABLE admin_tokens (
    id         TEXT    PRIMARY KEY,
    token_hash TEXT    NOT NULL UNIQUE,
    role       TEXT    NOT NULL,
    district   TEXT,
    label      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- Plugin components, content-addressed by sha256, shared by replicas.
CREATE TABLE plugin_artifacts (
    sha256     TEXT    PRIMARY KEY,
    bytes      BLOB    NOT NULL,
    size       INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

-- Uploaded versions of each (district, plugin).
CREATE TABLE plugin_versions (
    district     TEXT    NOT NULL,
    plugin       TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    sha256       TEXT    NOT NULL REFERENCES plugin_artifacts (sha256),
    kind         TEXT    NOT NULL,
    capabilities TEXT    NOT NULL,
    signature    TEXT,
    signed_by    TEXT,
    uploaded_by  TEXT    NOT NULL,
    uploaded_at  INTEGER NOT NULL,
    PRIMARY KEY (district, plugin, version)
);

-- Every activation; the latest per (district, plugin) is the one serving.
CREATE TABLE plugin_activations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    district     TEXT    NOT NULL,
    plugin       TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    activated_by TEXT    NOT NULL,
    activated_at INTEGER NOT NULL
);
CREATE INDEX plugin_activations_slot ON plugin_activations (district, plugin, id);

-- What operators did: who, what, when, and how it ended.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       INTEGER NOT NULL,
    actor    TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    district TEXT,
    plugin   TEXT,
    version  INTEGER,
    outcome  TEXT    NOT NULL,
    detail   TEXT    NOT NULL
);
CREATE INDEX audit_log_district ON audit_log (district, id);
