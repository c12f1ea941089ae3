-- Mart: one row per known source (registry, runs, fetches or articles) and how it is doing.
-- consecutive_failures counts the latest run_sources rows with status 'failed' since the last
-- run in which the source did not fail (runs in which it was backed off are ignored);
-- last_attempt_at is when it was last tried. The planner's backoff reads both from here.
CREATE OR REPLACE VIEW source_health AS
WITH names AS (
    SELECT name AS source FROM sources
    UNION SELECT source FROM run_sources
    UNION SELECT source FROM articles
    UNION SELECT source FROM fetches WHERE source IS NOT NULL
),
fetch_stats AS (
    SELECT
        source,
        max(fetched_at) FILTER (WHERE outcome = 'ok') AS last_success_at,
        max(fetched_at) AS last_fetch_at,
        arg_max(error_kind, fetched_at) FILTER (WHERE outcome = 'failed') AS last_error_kind,
        arg_max(error, fetched_at) FILTER (WHERE outcome = 'failed') AS last_error,
        max(fetched_at) FILTER (WHERE outcome = 'failed') AS last_error_at
    FROM stg_fetches
    GROUP BY source
),
article_stats AS (
    SELECT source, max(first_seen_at) AS last_new_article_at, count(*) AS articles
    FROM articles
    GROUP BY source
),
run_history AS (
    SELECT
        rs.source,
        rs.status,
        rs.recorded_at,
        row_number() OVER (PARTITION BY rs.source ORDER BY r.started_at DESC, rs.recorded_at DESC)
            AS recency
    FROM run_sources rs
    JOIN runs r USING (run_id)
    WHERE rs.status <> 'skipped'  -- a backed-off run neither breaks nor extends a failure streak
),
failures AS (
    SELECT
        source,
        coalesce(min(recency) FILTER (WHERE status <> 'failed'), max(recency) + 1) - 1
            AS consecutive_failures,
        min(status) FILTER (WHERE recency = 1) AS last_run_status,
        max(recorded_at) AS last_attempt_at
    FROM run_history
    GROUP BY source
)
SELECT
    n.source,
    f.last_success_at,
    f.last_fetch_at,
    a.last_new_article_at,
    coalesce(a.articles, 0) AS articles,
    coalesce(x.consecutive_failures, 0) AS consecutive_failures,
    x.last_run_status,
    x.last_attempt_at,
    f.last_error_kind,
    f.last_error,
    f.last_error_at
FROM names n
LEFT JOIN fetch_stats f USING (source)
LEFT JOIN article_stats a USING (source)
LEFT JOIN failures x USING (source);
