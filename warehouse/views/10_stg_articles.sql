-- Staging: articles with derived calendar fields (all timestamps naive UTC).
CREATE OR REPLACE VIEW stg_articles AS
SELECT
    a.*,
    coalesce(a.published_at, a.first_seen_at) AS effective_at,
    CAST(coalesce(a.published_at, a.first_seen_at) AS DATE) AS day,
    s.country
FROM articles a
LEFT JOIN sources s ON s.name = a.source;
