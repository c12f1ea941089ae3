"""The raw archive: every response the crawler receives, as gzipped WARC records (warcio).

Each record is its own gzip member and is flushed at once, so a record's (offset, length) can be
read back alone and a crawl killed mid-write loses at most the record being written.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Hop-by-hop framing that no longer describes the body Scrapy hands us (already de-chunked).
DROPPED_HEADERS = {"transfer-encoding", "content-length"}


class ArchiveError(RuntimeError):
    """A WARC record that cannot be read back (missing, truncated or corrupt file)."""


@dataclass(frozen=True)
class RecordPosition:
    """Where one record sits in the archive."""

    path: Path
    offset: int
    length: int


@dataclass(frozen=True)
class ArchivedResponse:
    """A response read back from the archive, body decoded from its Content-Encoding."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime


class WarcArchive:
    """Append-only writer of response records to one WARC file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._fh: BinaryIO = open(path, "ab")  # noqa: SIM115 - closed in close()
        self._writer = WARCWriter(self._fh, gzip=True)

    def write_response(
        self,
        url: str,
        status: int,
        reason: str,
        headers: list[tuple[str, str]],
        body: bytes,
        fetched_at: datetime,
    ) -> RecordPosition:
        """Append one HTTP response record and return where it landed."""
        kept = [(k, v) for k, v in headers if k.lower() not in DROPPED_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol="HTTP/1.1")
        record = self._writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict={
                "WARC-Date": fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            },
        )
        offset = self._fh.tell()
        self._writer.write_record(record)
        self._fh.flush()
        return RecordPosition(self.path, offset, self._fh.tell() - offset)

    def close(self) -> None:
        """Close the file."""
        self._fh.close()


def read_response(path: Path, offset: int, length: int, max_bytes: int) -> ArchivedResponse:
    """Read one response record at (offset, length); the body is decoded, up to max_bytes."""
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            chunk = fh.read(length)
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot read WARC file ({exc.strerror})") from None
    if len(chunk) < length:
        raise ArchiveError(f"{path}: record at offset {offset} is truncated")
    try:
        record = next(iter(ArchiveIterator(io.BytesIO(chunk))))
        return _archived(record, max_bytes)
    except (ArchiveLoadFailed, StopIteration, OSError, EOFError, zlib.error, ValueError) as exc:
        raise ArchiveError(f"{path}: corrupt WARC record at offset {offset}: {exc}") from None


def iter_responses(path: Path, max_bytes: int) -> Iterator[tuple[RecordPosition, ArchivedResponse]]:
    """Stream every response record of a WARC file, with its position."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            iterator = ArchiveIterator(fh)
            end = 0
            for record in iterator:
                offset = iterator.get_record_offset()
                response = _archived(record, max_bytes) if record.rec_type == "response" else None
                iterator.read_to_end(record)
                end = offset + iterator.get_record_length()
                if response is not None:
                    yield RecordPosition(path, offset, iterator.get_record_length()), response
            # warcio ends quietly at a torn last record; the bytes left over reveal it.
            if end < size:
                raise ArchiveError(
                    f"{path}: {size - end} bytes after offset {end} are not a readable record (truncated?)"
                )
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as exc:
        raise ArchiveError(f"{path}: corrupt or truncated WARC file: {exc}") from None


def _archived(record: ArcWarcRecord, max_bytes: int) -> ArchivedResponse:
    # content_stream() undoes Content-Encoding; reading at most max_bytes + 1 bounds a gzip bomb.
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        raise ArchiveError(
            f"body of {record.rec_headers.get_header('WARC-Target-URI')} exceeds {max_bytes} bytes once decoded"
        )
    http = record.http_headers
    return ArchivedResponse(
        url=record.rec_headers.get_header("WARC-Target-URI") or "",
        status=int(http.get_statuscode() or 0) if http else 0,
        headers={k.lower(): v for k, v in http.headers} if http else {},
        body=body,
        fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
    )


def _warc_date(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    return datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


__all__ = [
    "ArchiveError",
    "ArchivedResponse",
    "RecordPosition",
    "WarcArchive",
    "iter_responses",
    "read_response",
]
