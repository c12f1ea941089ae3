-- Remembers what the FTS index was built from, so refresh_search_index can skip unchanged data.
CREATE TABLE search_index_state (
    id          INTEGER PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,          -- articles count, sum of versions, latest change
    articles    BIGINT NOT NULL,
    built_at    TIMESTAMP NOT NULL         -- UTC
);
