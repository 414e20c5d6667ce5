-- Devices registered per district, seeded from the district's device file.
CREATE TABLE devices (
    district   TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    decoder    TEXT    NOT NULL,
    location   TEXT    NOT NULL,
    observes   TEXT    NOT NULL,
    car_park   TEXT,
    variables  TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (district, id)
);

-- Decoded readings; the key makes a second delivery of an uplink (same
-- device, same sequence) a no-op.
CREATE TABLE readings (
    district    TEXT    NOT NULL,
    device      TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    idx         INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    target      TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    occupied    INTEGER,
    entered     INTEGER,
    exited      INTEGER,
    kwh         REAL,
    PRIMARY KEY (district, device, seq, idx)
);
CREATE INDEX readings_by_kind ON readings (district, kind, at);
CREATE INDEX readings_by_device ON readings (district, device, at);

-- Per-minute and per-hour sums of readings, by what was observed.
CREATE TABLE reading_rollups (
    district TEXT    NOT NULL,
    bucket   TEXT    NOT NULL,
    start_at INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    target   TEXT    NOT NULL,
    readings INTEGER NOT NULL,
    entered  INTEGER NOT NULL,
    exited   INTEGER NOT NULL,
    kwh      REAL    NOT NULL,
    PRIMARY KEY (district, bucket, start_at, kind, target)
);

-- The latest known state of every sensed parking space.
CREATE TABLE space_state (
    district TEXT    NOT NULL,
    space    TEXT    NOT NULL,
    car_park TEXT    NOT NULL,
    occupied INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    PRIMARY KEY (district, space)
);

-- Uplinks that could not be used, with why; bounded, oldest dropped.
CREATE TABLE dead_letters (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    district      TEXT    NOT NULL,
    device        TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    detail        TEXT    NOT NULL,
    payload       BLOB    NOT NULL,
    payload_bytes INTEGER NOT NULL,
    received_at   INTEGER NOT NULL
);
