"""Per-outlet template learning removes lines an outlet repeats under every story, nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

from crawlers.extract.article import Article
from crawlers.extract.pipeline import content_hash
from crawlers.extract.template import learn_template_lines, strip_template
from tests.articles import make_article

PITCH = "Get the Sentinel's morning briefing delivered to your inbox every day."


def article(n: int, extra: list[str]) -> Article:
    body = [f"Story {n} opens with its own reporting on the talks in city number {n}.", *extra]
    text = "\n".join(body)
    return make_article(
        f"https://x.test/{n}",
        text,
        source="x",
        fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
        article_id=str(n),
        title=f"Story {n}",
        content_hash=content_hash(f"Story {n}", text),
    )


def test_a_line_under_most_stories_is_learnt_and_removed() -> None:
    articles = [article(n, [PITCH]) for n in range(4)] + [
        article(9, ["A quote nobody repeats, said X."])
    ]
    template = learn_template_lines(a.text for a in articles)
    assert template == {PITCH.lower()}
    cleaned = strip_template(articles[0], template)
    assert PITCH not in cleaned.text and cleaned.text.startswith("Story 0 opens")
    assert cleaned.content_hash == content_hash("Story 0", cleaned.text) != articles[0].content_hash
    assert "template_lines_removed" in cleaned.quality_flags
    assert strip_template(articles[4], template) == articles[4]


def test_few_articles_or_rare_lines_learn_nothing() -> None:
    assert learn_template_lines([article(1, [PITCH]).text, article(2, [PITCH]).text]) == frozenset()
    shared_by_few = [article(n, [PITCH] if n < 3 else []) for n in range(20)]
    assert learn_template_lines(a.text for a in shared_by_few) == frozenset()  # 3 of 20 < 30%
    short = [article(n, ["Read more"]) for n in range(5)]
    assert learn_template_lines(a.text for a in short) == frozenset()  # short lines: filters' job
