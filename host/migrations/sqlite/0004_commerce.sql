-- District commerce: merchants and their catalogue, orders, promotions'
-- coupon redemptions, reviews, the guarantee fund and its claims, merchant
-- tokens.
CREATE TABLE commerce_merchants (
    district      TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    category      TEXT    NOT NULL,
    floor         TEXT    NOT NULL,
    opening_hours TEXT    NOT NULL,
    location      TEXT    NOT NULL,
    rating_count  INTEGER NOT NULL DEFAULT 0,
    rating_sum    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (district, id)
);

CREATE TABLE commerce_items (
    district    TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    merchant    TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    category    TEXT    NOT NULL,
    description TEXT    NOT NULL,
    price       INTEGER NOT NULL,
    stock       INTEGER,
    PRIMARY KEY (district, id)
);
CREATE INDEX commerce_items_merchant ON commerce_items (district, merchant);

CREATE TABLE commerce_orders (
    id               TEXT    PRIMARY KEY,
    district         TEXT    NOT NULL,
    merchant         TEXT    NOT NULL,
    shopper          TEXT    NOT NULL,
    fulfilment       TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    currency         TEXT    NOT NULL,
    subtotal         INTEGER NOT NULL,
    discount         INTEGER NOT NULL,
    total            INTEGER NOT NULL,
    claimed          INTEGER NOT NULL DEFAULT 0,
    pickup_code      TEXT    NOT NULL,
    delivery_address TEXT,
    payment_id       TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX commerce_orders_merchant ON commerce_orders (district, merchant);
CREATE INDEX commerce_orders_shopper ON commerce_orders (district, shopper);

CREATE TABLE commerce_order_lines (
    order_id   TEXT    NOT NULL,
    line_no    INTEGER NOT NULL,
    item       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    category   TEXT    NOT NULL,
    unit_price INTEGER NOT NULL,
    quantity   INTEGER NOT NULL,
    stocked    INTEGER NOT NULL,
    discount   INTEGER NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE commerce_order_discounts (
    order_id TEXT    NOT NULL,
    seq      INTEGER NOT NULL,
    plugin   TEXT    NOT NULL,
    line_no  INTEGER,
    amount   INTEGER NOT NULL,
    reason   TEXT    NOT NULL,
    coupon   TEXT,
    PRIMARY KEY (order_id, seq)
);

CREATE TABLE commerce_coupon_redemptions (
    district TEXT NOT NULL,
    plugin   TEXT NOT NULL,
    code     TEXT NOT NULL,
    shopper  TEXT NOT NULL,
    order_id TEXT NOT NULL,
    PRIMARY KEY (order_id, plugin, code)
);
CREATE INDEX commerce_coupon_redemptions_shopper
    ON commerce_coupon_redemptions (district, plugin, shopper);

CREATE TABLE commerce_reviews (
    id         TEXT    PRIMARY KEY,
    district   TEXT    NOT NULL,
    merchant   TEXT    NOT NULL,
    order_id   TEXT    NOT NULL UNIQUE,
    shopper    TEXT    NOT NULL,
    rating     INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX commerce_reviews_merchant ON commerce_reviews (district, merchant);

CREATE TABLE commerce_funds (
    district TEXT    PRIMARY KEY,
    currency TEXT    NOT NULL,
    balance  INTEGER NOT NULL
);

CREATE TABLE commerce_fund_ledger (
    id         TEXT    PRIMARY KEY,
    district   TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    amount     INTEGER NOT NULL,
    claim_id   TEXT,
    memo       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX commerce_fund_ledger_district ON commerce_fund_ledger (district);

CREATE TABLE commerce_claims (
    id              TEXT    PRIMARY KEY,
    district        TEXT    NOT NULL,
    order_id        TEXT    NOT NULL,
    merchant        TEXT    NOT NULL,
    shopper         TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    requested       INTEGER NOT NULL,
    paid            INTEGER NOT NULL,
    recovery_status TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX commerce_claims_district ON commerce_claims (district, merchant);

CREATE TABLE commerce_merchant_tokens (
    token_sha256 TEXT    PRIMARY KEY,
    district     TEXT    NOT NULL,
    merchant     TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);
