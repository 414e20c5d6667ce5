-- Key-value data of plugins, scoped to (district, plugin).
CREATE TABLE kv (
    district   TEXT   NOT NULL,
    plugin     TEXT   NOT NULL,
    key        TEXT   NOT NULL,
    value      BYTEA  NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (district, plugin, key)
);
