"""Turn fetched bytes into text we can parse, or say why they are not an HTML page."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding, to_unicode

# Magic numbers of formats that servers sometimes label text/html.
BINARY_MAGIC = (
    b"%PDF-",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x00\x00\x01\x00",
    b"wOFF",
    b"wOF2",
    b"\x7fELF",
)
# Controls other than tab/newline/carriage return: libxml2 rejects them and they mean binary.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
SNIFF = 4096
# UTF-8 bytes read as Latin-1 and saved again as UTF-8 ("â\x80\x94" for "—"): the C1 controls in
# the middle never occur in real text, so a run that decodes cleanly is repaired.
C1_CONTROL = re.compile(r"[\x80-\x9f]")
MOJIBAKE = re.compile(r"[\xc2-\xf4][\x80-\xbf]{1,3}")


class NotHtml(ValueError):
    """The payload is not a text page; `reason` names the kind for the quality flag."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode_html(payload: bytes | str) -> str:
    """Decode a page: BOM, then a declaration that fits the bytes, then detection; never raises
    on text, raises `NotHtml` for empty or binary payloads."""
    if isinstance(payload, str):
        text = payload
    else:
        if not payload.strip():
            raise NotHtml("empty")
        if payload.startswith(BINARY_MAGIC):
            raise NotHtml("binary")
        text = _decode_bytes(payload)
    head = text[:SNIFF]
    if head and len(CONTROL_CHARS.findall(head)) > len(head) * 0.05:
        raise NotHtml("binary")
    text = CONTROL_CHARS.sub("", text)
    if C1_CONTROL.search(text):
        text = MOJIBAKE.sub(_undo_mojibake, text)
    if not text.strip():
        raise NotHtml("empty")
    return text


def _decode_bytes(payload: bytes) -> str:
    bom_encoding, bom = read_bom(payload)
    if bom_encoding and bom:
        return to_unicode(payload[len(bom) :], bom_encoding)
    utf16 = _sniff_utf16(payload[:SNIFF])
    if utf16:
        return payload.decode(utf16, errors="replace")
    # Valid UTF-8 with non-ASCII bytes is almost never another encoding by chance, so it wins
    # over a wrong <meta charset> (a common CMS mistake).
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = html_body_declared_encoding(payload[: SNIFF * 4])
    encoding = resolve_encoding(declared) if declared else None
    if encoding and encoding not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32"):
        return to_unicode(payload, encoding)
    if _mostly_utf8(payload):
        return payload.decode("utf-8", errors="replace")
    best = from_bytes(payload[:65536]).best()
    if best is not None and best.encoding:
        return payload.decode(best.encoding, errors="replace")
    return payload.decode("cp1252", errors="replace")


def _sniff_utf16(head: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII markup leaves NUL in every other byte."""
    if len(head) < 8 or head.count(0) < len(head) // 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > len(odd) * 0.6:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.6:
        return "utf-16-be"
    return None


def _mostly_utf8(payload: bytes) -> bool:
    """A UTF-8 page with a few broken bytes (truncated fetch, one bad paste) is still UTF-8."""
    text = payload.decode("utf-8", errors="replace")
    multibyte = sum(1 for ch in text if ord(ch) > 127)
    bad = text.count("\ufffd")
    return multibyte > 0 and bad <= max(2, multibyte // 20)


def _undo_mojibake(match: re.Match[str]) -> str:
    run = match.group(0)
    if not C1_CONTROL.search(run):
        return run
    try:
        return run.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return run
