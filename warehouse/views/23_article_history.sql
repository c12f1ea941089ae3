-- Mart: the versions of each article, with what changed between consecutive versions.
CREATE OR REPLACE VIEW article_history AS
SELECT
    v.article_id,
    a.canonical_url,
    a.source,
    v.version,
    v.fetched_at,
    v.title,
    v.content_hash,
    v.extractor_version,
    v.run_id,
    v.text_chars,
    v.version > 1 AND v.title IS DISTINCT FROM lag(v.title) OVER w AS title_changed,
    v.version = a.version AS is_current,
    count(*) OVER (PARTITION BY v.article_id) AS versions
FROM article_versions v
JOIN articles a USING (article_id)
WINDOW w AS (PARTITION BY v.article_id ORDER BY v.version);
