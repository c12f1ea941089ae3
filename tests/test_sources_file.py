"""The bundled sources.toml loads and is sensible; bad sources files fail with clear messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.sources import ConfigError, load_sources

BUNDLED = Path(__file__).resolve().parent.parent / "sources.toml"

VALID = """
[[source]]
name = "{name}"
homepage = "https://example.com/"
country = "GB"
language = "en"
feeds = ["https://example.com/feed.xml"]
"""


def write(tmp_path: Path, text: str, filename: str = "sources.toml") -> Path:
    path = tmp_path / filename
    path.write_text(text, encoding="utf-8")
    return path


def config_error(path: Path, only: list[str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_sources(path, only=only)
    return str(caught.value)


# --- the bundled file ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled():
    return load_sources(BUNDLED)


def test_bundled_file_loads_with_enough_sources(bundled):
    assert len(bundled) >= 20


def test_bundled_names_are_unique(bundled):
    names = [s.name for s in bundled]
    assert len(names) == len(set(names))


def test_bundled_outlets_come_from_many_countries(bundled):
    assert len({s.country for s in bundled}) >= 8


def test_every_bundled_source_has_a_feed_or_sitemap(bundled):
    missing = [s.name for s in bundled if not (s.feeds or s.sitemaps)]
    assert missing == []


def test_bundled_sources_are_polite(bundled):
    for source in bundled:
        assert source.download_delay >= 1.0, source.name
        assert source.concurrency <= 2, source.name
        assert source.max_articles <= 500, source.name


def test_bundled_only_selects_named_sources_in_order(bundled):
    first, second = bundled[1].name, bundled[0].name
    picked = load_sources(BUNDLED, only=[first, second])
    assert [s.name for s in picked] == [first, second]


# --- validator messages on bad config -----------------------------------------------------------


def test_toml_syntax_error(tmp_path):
    path = write(tmp_path, '[[source]]\nname = "a\nhomepage = "https://example.com/"\n')
    message = config_error(path)
    assert str(path) in message
    assert "TOML syntax error" in message


def test_missing_name(tmp_path):
    text = VALID.format(name="x").replace('name = "x"\n', "")
    path = write(tmp_path, text)
    message = config_error(path)
    assert str(path) in message
    assert "source #1" in message
    assert "missing required key 'name'" in message


def test_duplicate_names(tmp_path):
    path = write(tmp_path, VALID.format(name="dup") + VALID.format(name="dup"))
    message = config_error(path)
    assert str(path) in message
    assert "source #2" in message
    assert "duplicate name 'dup'" in message
    assert "source #1" in message


def test_feed_that_is_not_a_url(tmp_path):
    text = VALID.format(name="bad-feed").replace(
        '"https://example.com/feed.xml"', '"example.com/feed.xml"'
    )
    path = write(tmp_path, text)
    message = config_error(path)
    assert str(path) in message
    assert "'bad-feed'" in message
    assert "'feeds'" in message
    assert "http(s) URL" in message
    assert "example.com/feed.xml" in message


def test_misspelt_key_suggests_the_right_one(tmp_path):
    text = VALID.format(name="typo").replace("feeds =", "feed =")
    path = write(tmp_path, text)
    message = config_error(path)
    assert str(path) in message
    assert "'typo'" in message
    assert "unknown key 'feed'" in message
    assert "did you mean 'feeds'?" in message


def test_empty_file(tmp_path):
    path = write(tmp_path, "  \n\n")
    message = config_error(path)
    assert str(path) in message
    assert "empty" in message
    assert "[[source]]" in message


def test_source_without_discovery_url(tmp_path):
    text = VALID.format(name="nowhere").replace('feeds = ["https://example.com/feed.xml"]\n', "")
    path = write(tmp_path, text)
    message = config_error(path)
    assert str(path) in message
    assert "'nowhere'" in message
    for key in ("'feeds'", "'sitemaps'", "'sections'"):
        assert key in message


def test_missing_file(tmp_path):
    path = tmp_path / "no-such-sources.toml"
    message = config_error(path)
    assert str(path) in message
    assert "not found" in message


def test_bad_country_code(tmp_path):
    text = VALID.format(name="britain").replace('country = "GB"', 'country = "UK"')
    path = write(tmp_path, text)
    message = config_error(path)
    assert str(path) in message
    assert "'britain'" in message
    assert "'country'" in message
    assert "ISO 3166-1 alpha-2" in message
    assert "'UK'" in message


def test_only_naming_an_unknown_source(tmp_path):
    path = write(tmp_path, VALID.format(name="known"))
    message = config_error(path, only=["known", "ghost"])
    assert str(path) in message
    assert "no source named 'ghost'" in message
    assert "known: known" in message


def test_valid_minimal_file_loads(tmp_path):
    path = write(tmp_path, VALID.format(name="ok"))
    (source,) = load_sources(path)
    assert source.name == "ok"
    assert source.feeds == ("https://example.com/feed.xml",)
