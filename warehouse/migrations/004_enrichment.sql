-- Geopolitics enrichment of each article's current version (crawlers/enrich), replaced whenever
-- the article's content changes. Country codes are ISO 3166-1 (plus XK for Kosovo).
CREATE TABLE article_enrichment (
    article_id       VARCHAR PRIMARY KEY,
    content_hash     VARCHAR NOT NULL,      -- the article version this was computed from
    dateline_place   VARCHAR,               -- "NEW DELHI", "Kyiv"
    dateline_country VARCHAR,               -- alpha-2 of the dateline place, when known
    wire_credits     VARCHAR[]              -- agencies credited: ["Reuters", "AFP"]
);

CREATE TABLE article_countries (
    article_id   VARCHAR NOT NULL,
    alpha2       VARCHAR NOT NULL,
    alpha3       VARCHAR NOT NULL,
    mentions     INTEGER NOT NULL,
    first_offset INTEGER,                   -- character offset of the first mention in text
    PRIMARY KEY (article_id, alpha2)
);
CREATE INDEX article_countries_alpha2_idx ON article_countries (alpha2);

CREATE TABLE article_quotes (
    article_id   VARCHAR NOT NULL,
    n            INTEGER NOT NULL,          -- order in the text
    speaker      VARCHAR,                   -- NULL when the text does not say who spoke
    quote        VARCHAR NOT NULL,
    start_offset INTEGER NOT NULL,
    PRIMARY KEY (article_id, n)
);

-- MinHash signatures (word 5-grams, 128 permutations) for near-duplicate clustering.
CREATE TABLE article_signatures (
    article_id   VARCHAR PRIMARY KEY,
    content_hash VARCHAR NOT NULL,
    signature    UBIGINT[] NOT NULL
);

-- Syndication clusters over the recent window: copies of one story across outlets.
CREATE TABLE syndication (
    article_id   VARCHAR PRIMARY KEY,
    cluster_id   VARCHAR NOT NULL,          -- the article_id of the cluster's original
    is_original  BOOLEAN NOT NULL,          -- earliest published member
    cluster_size INTEGER NOT NULL
);
