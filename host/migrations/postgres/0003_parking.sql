-- Parking: car parks, their entrances and spaces, reservations, flow.
-- A car park's availability is never stored: it is counted from its spaces.
CREATE TABLE car_parks (
    district      TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    lat           DOUBLE PRECISION    NOT NULL,
    lon           DOUBLE PRECISION    NOT NULL,
    opening_hours TEXT    NOT NULL,
    floors        TEXT    NOT NULL, -- JSON array, in driving order
    -- Bumped by every reservation: the first statement of its transaction,
    -- so concurrent reservations of one car park run one after another.
    lock_version  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (district, id)
);

CREATE TABLE parking_entrances (
    district TEXT NOT NULL,
    id       TEXT NOT NULL,
    car_park TEXT NOT NULL,
    name     TEXT NOT NULL,
    lat      DOUBLE PRECISION NOT NULL,
    lon      DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (district, id)
);

CREATE TABLE parking_spaces (
    district      TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    car_park      TEXT    NOT NULL,
    floor         TEXT    NOT NULL,
    floor_index   BIGINT NOT NULL,
    category      TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'unknown', -- free | occupied | closed | unknown
    date_observed BIGINT,
    PRIMARY KEY (district, id)
);
CREATE INDEX parking_spaces_by_car_park ON parking_spaces (district, car_park, status);
-- The order reservations pick spaces in, so the search stops at the first fit.
CREATE INDEX parking_spaces_pick
    ON parking_spaces (district, car_park, category, floor_index, id);

CREATE TABLE parking_reservations (
    district      TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    car_park      TEXT    NOT NULL,
    space         TEXT    NOT NULL,
    category      TEXT    NOT NULL,
    vehicle       TEXT    NOT NULL,
    start_ms      BIGINT NOT NULL,
    end_ms        BIGINT NOT NULL,
    -- held | confirmed | checked_in | completed | cancelled | expired
    status        TEXT    NOT NULL,
    hold_until    BIGINT NOT NULL,
    grace_until   BIGINT NOT NULL,
    amount        BIGINT NOT NULL,
    currency      TEXT    NOT NULL,
    no_show_fee   BIGINT NOT NULL,
    payment_id    TEXT,
    payment_status TEXT,
    refunded      BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    checked_in_at BIGINT,
    checked_out_at BIGINT,
    PRIMARY KEY (district, id)
);
CREATE INDEX parking_reservations_by_space
    ON parking_reservations (district, space, status, start_ms, end_ms);
CREATE INDEX parking_reservations_by_car_park
    ON parking_reservations (district, car_park, status, hold_until);

-- One row per stay a sensor saw: a space occupied, then free.
CREATE TABLE parking_stays (
    district   TEXT    NOT NULL,
    car_park   TEXT    NOT NULL,
    space      TEXT    NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at   BIGINT,
    PRIMARY KEY (district, space, started_at)
);
CREATE INDEX parking_stays_by_car_park ON parking_stays (district, car_park, started_at);

-- Gate counters and occupancy, per car park and hour (hour_start in ms).
CREATE TABLE parking_flow_hourly (
    district      TEXT    NOT NULL,
    car_park      TEXT    NOT NULL,
    hour_start    BIGINT NOT NULL,
    entered       BIGINT NOT NULL DEFAULT 0,
    exited        BIGINT NOT NULL DEFAULT 0,
    samples       BIGINT NOT NULL DEFAULT 0,
    occupied_sum  BIGINT NOT NULL DEFAULT 0,
    occupied_peak BIGINT NOT NULL DEFAULT 0,
    last_observed BIGINT NOT NULL,
    PRIMARY KEY (district, car_park, hour_start)
);

-- Responses to POSTs that carried an Idempotency-Key header.
CREATE TABLE idempotency_keys (
    scope       TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    status      BIGINT NOT NULL, -- 0 while the first request runs
    body        TEXT    NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);
