"""The source registry: a TOML file of outlets, validated into typed `Source` objects.

Spiders, flows, the demo and the tests all read sources through `load_sources`, so adding an outlet
is one `[[source]]` table. Every problem is reported as a `ConfigError` naming the file, the source
and the key, never as a traceback.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pycountry

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")

REQUIRED_KEYS = ("name", "homepage", "country", "language")
DISCOVERY_KEYS = ("feeds", "sitemaps", "sections")
OPTIONAL_KEYS = (
    "allow",
    "deny",
    "domains",
    "max_articles",
    "download_delay",
    "concurrency",
    "prune_xpaths",
    "enabled",
)
KNOWN_KEYS = REQUIRED_KEYS + DISCOVERY_KEYS + OPTIONAL_KEYS
TOP_LEVEL_KEYS = ("source",)


class ConfigError(ValueError):
    """A sources file that cannot be used; the message names the file, source and key."""


@dataclass(frozen=True)
class Source:
    """One news outlet and how to discover its articles."""

    name: str
    homepage: str
    country: str
    language: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    max_articles: int = 500
    download_delay: float = 1.0
    concurrency: int = 2
    prune_xpaths: tuple[str, ...] = ()
    enabled: bool = True
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def allowed_domains(self) -> tuple[str, ...]:
        """Host names this source may be fetched from: the homepage's, the discovery URLs', `domains`."""
        hosts = {_host(self.homepage)}
        for url in (*self.feeds, *self.sitemaps, *self.sections):
            hosts.add(_host(url))
        hosts.update(d.lower() for d in self.domains)
        return tuple(sorted(h for h in hosts if h))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the source, as stored in the warehouse and handed to crawls."""
        return {
            "name": self.name,
            "homepage": self.homepage,
            "country": self.country,
            "language": self.language,
            "feeds": list(self.feeds),
            "sitemaps": list(self.sitemaps),
            "sections": list(self.sections),
            "allow": list(self.allow),
            "deny": list(self.deny),
            "domains": list(self.domains),
            "max_articles": self.max_articles,
            "download_delay": self.download_delay,
            "concurrency": self.concurrency,
            "prune_xpaths": list(self.prune_xpaths),
            "enabled": self.enabled,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        """Rebuild a source from `to_dict` output (already validated)."""
        values = dict(data)
        for key in ("feeds", "sitemaps", "sections", "allow", "deny", "domains", "prune_xpaths"):
            values[key] = tuple(values.get(key, ()))
        return cls(**values)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def load_sources(path: str | Path, only: list[str] | None = None) -> list[Source]:
    """Read and validate a sources file; `only` keeps the named sources (all must exist)."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: sources file not found")
    if path.is_dir():
        raise ConfigError(f"{path}: is a directory, expected a TOML sources file")
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    sources = parse_sources(raw, origin=str(path))
    if only:
        by_name = {s.name: s for s in sources}
        missing = [n for n in only if n not in by_name]
        if missing:
            raise ConfigError(
                f"{path}: no source named {', '.join(repr(m) for m in missing)}"
                f" (known: {', '.join(sorted(by_name))})"
            )
        sources = [by_name[n] for n in only]
    return sources


def parse_sources(text: str, origin: str = "<sources>") -> list[Source]:
    """Validate TOML text holding `[[source]]` tables into `Source` objects."""
    if not text.strip():
        raise ConfigError(f"{origin}: the file is empty; add at least one [[source]] table")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: TOML syntax error: {exc}") from None
    for key in doc:
        if key not in TOP_LEVEL_KEYS:
            raise ConfigError(
                f"{origin}: unknown top-level key {key!r}{_suggest(key, TOP_LEVEL_KEYS)}"
            )
    tables = doc.get("source")
    if not tables:
        raise ConfigError(f"{origin}: no [[source]] tables found")
    if not isinstance(tables, list):
        raise ConfigError(f"{origin}: 'source' must be an array of tables ([[source]])")
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for index, table in enumerate(tables, start=1):
        source = _parse_one(table, f"{origin}: source #{index}")
        if source.name in seen:
            raise ConfigError(
                f"{origin}: source #{index}: duplicate name {source.name!r}"
                f" (already used by source #{seen[source.name]})"
            )
        seen[source.name] = index
        sources.append(source)
    return sources


def _suggest(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(known)})"


def _parse_one(table: Any, where: str) -> Source:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    name = table.get("name")
    if isinstance(name, str):
        where = f"{where} {name!r}"
    for key in table:
        if key not in KNOWN_KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}{_suggest(key, KNOWN_KEYS)}")
    for key in REQUIRED_KEYS:
        if key not in table:
            raise ConfigError(f"{where}: missing required key {key!r}")
    if not isinstance(name, str) or not SLUG_RE.match(name):
        raise ConfigError(
            f"{where}: 'name' must be a slug of lowercase letters, digits, '-' or '_' (got {name!r})"
        )
    homepage = _url(table["homepage"], where, "homepage")
    country = _string(table["country"], where, "country").upper()
    if pycountry.countries.get(alpha_2=country) is None:
        raise ConfigError(
            f"{where}: 'country' must be an ISO 3166-1 alpha-2 code (got {country!r})"
        )
    language = _string(table["language"], where, "language").lower()
    if len(language) != 2 or pycountry.languages.get(alpha_2=language) is None:
        raise ConfigError(f"{where}: 'language' must be an ISO 639-1 code (got {language!r})")
    discovery = {key: _url_list(table.get(key, []), where, key) for key in DISCOVERY_KEYS}
    if not any(discovery.values()):
        raise ConfigError(f"{where}: needs at least one of 'feeds', 'sitemaps' or 'sections'")
    allow = _pattern_list(table.get("allow", []), where, "allow")
    deny = _pattern_list(table.get("deny", []), where, "deny")
    domains = tuple(d.lower() for d in _string_list(table.get("domains", []), where, "domains"))
    prune = _string_list(table.get("prune_xpaths", []), where, "prune_xpaths")
    return Source(
        name=name,
        homepage=homepage,
        country=country,
        language=language,
        feeds=discovery["feeds"],
        sitemaps=discovery["sitemaps"],
        sections=discovery["sections"],
        allow=allow,
        deny=deny,
        domains=domains,
        max_articles=_number(
            table.get("max_articles", 500), where, "max_articles", int, 1, 100_000
        ),
        download_delay=float(
            _number(table.get("download_delay", 1.0), where, "download_delay", (int, float), 0, 600)
        ),
        concurrency=_number(table.get("concurrency", 2), where, "concurrency", int, 1, 32),
        prune_xpaths=prune,
        enabled=_bool(table.get("enabled", True), where, "enabled"),
    )


def _string(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key!r} must be a non-empty string (got {value!r})")
    return value.strip()


def _bool(value: Any, where: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key!r} must be true or false (got {value!r})")
    return value


def _number(value: Any, where: str, key: str, kind: Any, low: float, high: float) -> Any:
    if isinstance(value, bool) or not isinstance(value, kind) or not low <= value <= high:
        raise ConfigError(f"{where}: {key!r} must be a number from {low} to {high} (got {value!r})")
    return value


def _url(value: Any, where: str, key: str) -> str:
    text = _string(value, where, key)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}: {key!r} must be an http(s) URL (got {text!r})")
    return text


def _string_list(value: Any, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(f"{where}: {key!r} must be a list of strings (got {value!r})")
    return tuple(_string(item, where, key) for item in value)


def _url_list(value: Any, where: str, key: str) -> tuple[str, ...]:
    return tuple(_url(item, where, key) for item in _string_list(value, where, key))


def _pattern_list(value: Any, where: str, key: str) -> tuple[str, ...]:
    patterns = _string_list(value, where, key)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(
                f"{where}: {key!r} has an invalid regular expression {pattern!r}: {exc}"
            ) from None
    return patterns
