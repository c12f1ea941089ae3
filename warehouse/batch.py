"""Article batches as Parquet files: the hand-off between extraction and the warehouse load."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from crawlers.extract.article import Article

_TS = pa.timestamp("us", tz="UTC")
_STRINGS = pa.list_(pa.string())

ARTICLE_SCHEMA = pa.schema(
    [
        pa.field("url", pa.string(), nullable=False),
        pa.field("canonical_url", pa.string(), nullable=False),
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("authors", _STRINGS),
        pa.field("published_at", _TS),
        pa.field("modified_at", _TS),
        pa.field("language", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("word_count", pa.int64(), nullable=False),
        pa.field("tags", _STRINGS),
        pa.field("description", pa.string()),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("fetched_at", _TS, nullable=False),
        pa.field("is_article", pa.bool_(), nullable=False),
        pa.field("quality_flags", _STRINGS),
        pa.field("extractor_version", pa.string()),
        pa.field("template_lines", _STRINGS),
    ]
)
ARTICLE_COLUMNS: tuple[str, ...] = tuple(ARTICLE_SCHEMA.names)
# columns added after the first release: a batch written before them (pending from an older
# version) loads with their defaults
OPTIONAL_COLUMNS: frozenset[str] = frozenset({"template_lines"})
_DATETIME_FIELDS = ("published_at", "modified_at", "fetched_at")

# The schema must follow the record; a new Article field should fail here, not in a load.
assert set(ARTICLE_COLUMNS) == {f.name for f in fields(Article)}, "ARTICLE_SCHEMA is out of date"


def write_article_batch(
    articles: Iterable[Article], path: str | Path, *, rows_per_group: int = 10_000
) -> int:
    """Stream articles into a Parquet file (written atomically); return the number of rows."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    count = 0
    try:
        with pq.ParquetWriter(tmp, ARTICLE_SCHEMA, compression="zstd") as writer:
            chunk: list[dict[str, Any]] = []
            for article in articles:
                chunk.append(_record(article))
                if len(chunk) >= rows_per_group:
                    writer.write_table(pa.Table.from_pylist(chunk, schema=ARTICLE_SCHEMA))
                    count += len(chunk)
                    chunk = []
            if chunk or count == 0:
                writer.write_table(pa.Table.from_pylist(chunk, schema=ARTICLE_SCHEMA))
                count += len(chunk)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def _record(article: Article) -> dict[str, Any]:
    record = article.to_record()
    for name in _DATETIME_FIELDS:
        value = record[name]
        if value is not None and value.tzinfo is None:
            # A naive datetime would be silently read as UTC; refuse rather than guess.
            raise ValueError(f"{article.url}: {name} must be timezone-aware (got {value!r})")
    return record


def read_article_batch(path: str | Path) -> Iterator[Article]:
    """Read a batch written by `write_article_batch` back into Article objects."""
    parquet = pq.ParquetFile(path)
    for batch in parquet.iter_batches():
        for row in batch.to_pylist():
            yield Article(**{name: row[name] for name in ARTICLE_COLUMNS if name in row})


def check_batch_schema(path: str | Path) -> list[str]:
    """The Parquet file's columns; ValueError when they are not the Article fields (optional
    columns may be missing)."""
    names = pq.read_schema(path).names
    missing = [n for n in ARTICLE_COLUMNS if n not in names and n not in OPTIONAL_COLUMNS]
    extra = [n for n in names if n not in ARTICLE_COLUMNS]
    if missing or extra:
        raise ValueError(
            f"{path}: not an article batch (missing columns: {missing or 'none'};"
            f" unexpected columns: {extra or 'none'})"
        )
    return names
