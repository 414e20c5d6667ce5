-- Control centre: alerts raised by threshold rules and emergency
-- broadcasts, operators' browser sessions, and per-minute occupancy
-- samples of every car park (space_state only knows the present).
CREATE TABLE control_alerts (
    id              TEXT    PRIMARY KEY,
    district        TEXT    NOT NULL,
    rule_key        TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    severity        TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    message         TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    raised_at       INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at INTEGER,
    cleared_by      TEXT,
    cleared_at      INTEGER
);
CREATE INDEX control_alerts_by_district ON control_alerts (district, status, raised_at);
CREATE INDEX control_alerts_by_rule ON control_alerts (rule_key, status);

CREATE TABLE control_sessions (
    session_hash TEXT    PRIMARY KEY,
    token_id     TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    district     TEXT,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);

CREATE TABLE control_occupancy (
    district TEXT    NOT NULL,
    start_at INTEGER NOT NULL,
    samples  INTEGER NOT NULL,
    occupied INTEGER NOT NULL,
    sensed   INTEGER NOT NULL,
    PRIMARY KEY (district, start_at)
);
