-- WARC files imported by `geowire import-warc`, so a re-run skips what is already in.
-- A file is identified by its name and size (CC-NEWS and geowire archive names are unique).
CREATE TABLE imported_files (
    file_name   VARCHAR NOT NULL,
    size        BIGINT NOT NULL,
    path        VARCHAR NOT NULL,           -- where it was imported from
    run_id      VARCHAR NOT NULL,
    records     BIGINT NOT NULL,            -- response records read
    pages       BIGINT NOT NULL,            -- pages of known sources within the date range
    imported_at TIMESTAMP NOT NULL,         -- UTC
    PRIMARY KEY (file_name, size)
);
