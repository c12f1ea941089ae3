"""The DuckDB warehouse: schema, loads, incremental crawl state, checks, views and search."""
