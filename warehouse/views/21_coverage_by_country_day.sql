-- Mart: articles per country and day across sources.
CREATE OR REPLACE VIEW coverage_by_country_day AS
SELECT country, day, count(*) AS articles, count(DISTINCT source) AS sources
FROM stg_articles
GROUP BY country, day;
