-- Mart: pairs of countries mentioned in the same article (each pair once, alphabetical order).
CREATE OR REPLACE VIEW country_comentions AS
SELECT
    x.alpha2 AS country_a,
    y.alpha2 AS country_b,
    count(*) AS articles,
    count(DISTINCT a.source) AS sources,
    min(a.day) AS first_day,
    max(a.day) AS last_day
FROM article_countries x
JOIN article_countries y ON y.article_id = x.article_id AND x.alpha2 < y.alpha2
JOIN stg_articles a ON a.article_id = x.article_id
GROUP BY ALL;
