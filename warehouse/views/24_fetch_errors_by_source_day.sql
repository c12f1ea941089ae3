-- Mart: fetch outcomes per source, day and error kind.
CREATE OR REPLACE VIEW fetch_errors_by_source_day AS
SELECT source, day, kind, coalesce(error_kind, 'none') AS error_kind, count(*) AS fetches
FROM stg_fetches
GROUP BY ALL;
