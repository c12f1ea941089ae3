-- Mart: who is quoted, about which country (the countries the quoting article mentions).
CREATE OR REPLACE VIEW quoted_speakers_by_country AS
SELECT
    c.alpha2 AS country,
    q.speaker,
    count(*) AS quotes,
    count(DISTINCT q.article_id) AS articles,
    count(DISTINCT a.source) AS sources,
    max(a.day) AS last_day
FROM article_quotes q
JOIN article_countries c USING (article_id)
JOIN stg_articles a USING (article_id)
WHERE q.speaker IS NOT NULL
GROUP BY ALL;
