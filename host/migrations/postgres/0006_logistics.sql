-- District logistics: quotes gathered from couriers, deliveries with their
-- status history, and compensation claims opened on SLA breaches.
CREATE TABLE logistics_quotes (
    id         TEXT    PRIMARY KEY,
    district   TEXT    NOT NULL,
    zone       TEXT    NOT NULL,
    sla        TEXT    NOT NULL,
    deadline   BIGINT  NOT NULL,
    request    TEXT    NOT NULL,
    offers     TEXT    NOT NULL,
    failures   TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);

CREATE TABLE logistics_deliveries (
    id          TEXT    PRIMARY KEY,
    district    TEXT    NOT NULL,
    quote_id    TEXT    NOT NULL,
    order_id    TEXT,
    courier     TEXT    NOT NULL,
    offer_id    TEXT    NOT NULL,
    courier_ref TEXT,
    fee         BIGINT  NOT NULL,
    currency    TEXT    NOT NULL,
    eta         BIGINT  NOT NULL,
    zone        TEXT    NOT NULL,
    sla         TEXT    NOT NULL,
    deadline    BIGINT  NOT NULL,
    request     TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    status_at   BIGINT  NOT NULL,
    detail      TEXT,
    open        BIGINT  NOT NULL,
    breach      TEXT,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX logistics_deliveries_open ON logistics_deliveries (open);
-- An order is in at most one delivery that has not ended.
CREATE UNIQUE INDEX logistics_deliveries_open_order
    ON logistics_deliveries (district, order_id) WHERE open = 1 AND order_id IS NOT NULL;

CREATE TABLE logistics_delivery_events (
    id          BIGSERIAL PRIMARY KEY,
    delivery_id TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    detail      TEXT,
    recorded_at BIGINT  NOT NULL
);
CREATE INDEX logistics_delivery_events_delivery ON logistics_delivery_events (delivery_id, id);

CREATE TABLE logistics_claims (
    id                TEXT    PRIMARY KEY,
    district          TEXT    NOT NULL,
    delivery_id       TEXT    NOT NULL UNIQUE,
    order_id          TEXT,
    reason            TEXT    NOT NULL,
    amount            BIGINT  NOT NULL,
    currency          TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    commerce_claim_id TEXT,
    note              TEXT    NOT NULL,
    created_at        BIGINT  NOT NULL
);
CREATE INDEX logistics_claims_district ON logistics_claims (district, created_at);
