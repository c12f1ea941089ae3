-- Mart: articles per source and day (published day, else the day first seen).
CREATE OR REPLACE VIEW articles_per_source_day AS
SELECT source, day, count(*) AS articles
FROM stg_articles
GROUP BY source, day;
