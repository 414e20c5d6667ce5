-- Key-value data of plugins, scoped to (district, plugin).
CREATE TABLE kv (
    district   TEXT    NOT NULL,
    plugin     TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    value      BLOB    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (district, plugin, key)
);
