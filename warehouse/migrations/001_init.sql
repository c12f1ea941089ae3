-- geowire warehouse schema, version 1.
-- Every TIMESTAMP column holds UTC wall-clock time without a zone (naive UTC); connections run
-- with TimeZone = 'UTC' so TIMESTAMPTZ inputs (Arrow/Parquet, Python) are converted to UTC.

CREATE TABLE view_state (
    id         INTEGER PRIMARY KEY,
    digest     VARCHAR NOT NULL,          -- sha256 of the views/*.sql files last applied
    applied_at TIMESTAMP NOT NULL         -- UTC
);

CREATE TABLE sources (
    name           VARCHAR PRIMARY KEY,
    homepage       VARCHAR NOT NULL,
    country        VARCHAR,
    language       VARCHAR,
    config         JSON NOT NULL,         -- Source.to_dict()
    first_added_at TIMESTAMP NOT NULL,    -- UTC
    updated_at     TIMESTAMP NOT NULL     -- UTC; last time config changed
);

CREATE TABLE runs (
    run_id             VARCHAR PRIMARY KEY,
    started_at         TIMESTAMP NOT NULL, -- UTC
    finished_at        TIMESTAMP,          -- UTC
    status             VARCHAR NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    sources_file       VARCHAR,
    sources_total      INTEGER,
    pages_fetched      BIGINT,
    articles_new       BIGINT,
    articles_updated   BIGINT,
    articles_unchanged BIGINT,
    non_articles       BIGINT,
    failures           BIGINT,
    error              VARCHAR
);

CREATE TABLE run_sources (
    run_id             VARCHAR NOT NULL,
    source             VARCHAR NOT NULL,
    status             VARCHAR NOT NULL CHECK (status IN ('completed', 'partial', 'failed', 'skipped')),
    pages_fetched      BIGINT NOT NULL DEFAULT 0,
    articles_new       BIGINT NOT NULL DEFAULT 0,
    articles_updated   BIGINT NOT NULL DEFAULT 0,
    articles_unchanged BIGINT NOT NULL DEFAULT 0,
    non_articles       BIGINT NOT NULL DEFAULT 0,
    failures           BIGINT NOT NULL DEFAULT 0,
    error              VARCHAR,
    recorded_at        TIMESTAMP NOT NULL, -- UTC
    PRIMARY KEY (run_id, source)
);

CREATE TABLE fetches (
    id            VARCHAR PRIMARY KEY,    -- md5(run_id, log_file, line_no): stable across reloads
    run_id        VARCHAR NOT NULL,
    log_file      VARCHAR NOT NULL,       -- base name of the JSONL fetch log the row came from
    line_no       INTEGER NOT NULL,
    source        VARCHAR,
    url           VARCHAR NOT NULL,
    kind          VARCHAR,                -- robots | feed | sitemap | section | article
    status        INTEGER,
    content_type  VARCHAR,
    size          BIGINT,
    fetched_at    TIMESTAMP NOT NULL,     -- UTC
    elapsed_ms    DOUBLE,
    error         VARCHAR,
    error_kind    VARCHAR,
    warc_file     VARCHAR,
    warc_offset   BIGINT,
    warc_length   BIGINT,
    etag          VARCHAR,
    last_modified VARCHAR,
    content_hash  VARCHAR
);
CREATE INDEX fetches_url_idx ON fetches (url);

CREATE TABLE articles (
    article_id        VARCHAR PRIMARY KEY, -- hash of canonical_url (crawlers.urls.article_key)
    canonical_url     VARCHAR NOT NULL,
    url               VARCHAR NOT NULL,    -- URL last fetched
    source            VARCHAR NOT NULL,
    title             VARCHAR,
    authors           VARCHAR[],
    published_at      TIMESTAMP,           -- UTC
    modified_at       TIMESTAMP,           -- UTC
    language          VARCHAR,
    text              VARCHAR NOT NULL,
    word_count        INTEGER,
    tags              VARCHAR[],
    description       VARCHAR,
    content_hash      VARCHAR NOT NULL,
    quality_flags     VARCHAR[],
    extractor_version VARCHAR,
    fetched_at        TIMESTAMP NOT NULL,  -- UTC; fetch that produced the current version
    first_seen_at     TIMESTAMP NOT NULL,  -- UTC; first fetch
    last_seen_at      TIMESTAMP NOT NULL,  -- UTC; latest fetch, changed or not
    last_changed_at   TIMESTAMP NOT NULL,  -- UTC; fetch that produced the current version
    version           INTEGER NOT NULL,
    run_id            VARCHAR              -- run that produced the current version
);
-- canonical_url is unique by construction (article_id hashes it); checks.py verifies it rather than
-- a UNIQUE index, which would double the index maintenance cost of every bulk load.

CREATE TABLE article_versions (
    article_id        VARCHAR NOT NULL,
    version           INTEGER NOT NULL,
    fetched_at        TIMESTAMP NOT NULL,  -- UTC
    title             VARCHAR,
    text              VARCHAR NOT NULL,
    content_hash      VARCHAR NOT NULL,
    extractor_version VARCHAR,
    run_id            VARCHAR,
    PRIMARY KEY (article_id, version)
);

CREATE TABLE feed_state (
    url             VARCHAR PRIMARY KEY,
    source          VARCHAR,
    etag            VARCHAR,
    last_modified   VARCHAR,               -- HTTP Last-Modified header, verbatim
    content_hash    VARCHAR,
    last_fetched_at TIMESTAMP,             -- UTC
    last_status     INTEGER,
    last_changed_at TIMESTAMP              -- UTC; last fetch whose body differed
);
