-- Mart: how much each outlet covered each country, per day (countries mentioned in the text).
-- One row per (country, source, day): articles mentioning the country and total mentions.
CREATE OR REPLACE VIEW coverage_by_country_source_day AS
SELECT
    c.alpha2 AS country,
    a.source,
    a.day,
    count(*) AS articles,
    sum(c.mentions) AS mentions
FROM article_countries c
JOIN stg_articles a USING (article_id)
GROUP BY ALL;
