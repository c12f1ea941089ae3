-- Staging: fetch attempts with an outcome class. A robots.txt refusal is the crawler obeying
-- the site ('skipped'), not a failure of the site.
CREATE OR REPLACE VIEW stg_fetches AS
SELECT
    f.*,
    CASE
        WHEN f.error_kind = 'robots' THEN 'skipped'
        WHEN f.error IS NULL AND f.status BETWEEN 200 AND 399 THEN 'ok'
        ELSE 'failed'
    END AS outcome,
    CAST(f.fetched_at AS DATE) AS day
FROM fetches f;
