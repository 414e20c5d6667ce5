-- Utility bills paid through the host: one row per (district, bill), so
-- a bill is paid at most once. `status` goes charging -> charged -> paid.
CREATE TABLE bill_payments (
    district      TEXT    NOT NULL,
    bill_id       TEXT    NOT NULL,
    plugin        TEXT    NOT NULL,
    service       TEXT    NOT NULL,
    account       TEXT    NOT NULL,
    amount        INTEGER NOT NULL,
    currency      TEXT    NOT NULL,
    period        TEXT    NOT NULL,
    due_date      TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    payment_id    TEXT,
    receipt_id    TEXT,
    paid_at       TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (district, bill_id)
);

-- Emergency broadcasts; `cleared_at` is set once their clearing was
-- published (on expiry or withdrawal).
CREATE TABLE broadcasts (
    id           TEXT    PRIMARY KEY,
    district     TEXT    NOT NULL,
    severity     TEXT    NOT NULL,
    area         TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    issued_at    INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    issued_by    TEXT    NOT NULL,
    withdrawn_at INTEGER,
    cleared_at   INTEGER
);
CREATE INDEX broadcasts_live ON broadcasts (district, cleared_at, expires_at);
