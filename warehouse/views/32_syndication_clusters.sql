-- Mart: one row per story cluster (near-duplicate texts across outlets, see warehouse/enrichment.py).
-- independent_reports counts clusters, not copies: 40 articles may be 3 independent reports.
CREATE OR REPLACE VIEW syndication_clusters AS
SELECT
    s.cluster_id,
    arg_min(a.title, a.effective_at) AS original_title,
    arg_min(a.source, a.effective_at) AS original_source,
    min(a.effective_at) AS first_published_at,
    count(*) AS articles,
    count(DISTINCT a.source) AS sources,
    count(*) - 1 AS copies,
    list(DISTINCT w.credit) FILTER (WHERE w.credit IS NOT NULL) AS wire_credits
FROM syndication s
JOIN stg_articles a USING (article_id)
LEFT JOIN (
    SELECT article_id, unnest(wire_credits) AS credit FROM article_enrichment
) w USING (article_id)
GROUP BY s.cluster_id;

-- Independent reports per day and country: each cluster counts once, however many copies.
CREATE OR REPLACE VIEW independent_reports_by_country_day AS
SELECT c.alpha2 AS country, a.day, count(DISTINCT coalesce(s.cluster_id, a.article_id)) AS independent_reports,
    count(*) AS articles
FROM article_countries c
JOIN stg_articles a USING (article_id)
LEFT JOIN syndication s USING (article_id)
GROUP BY ALL;
