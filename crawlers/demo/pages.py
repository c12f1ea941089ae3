"""HTML pages that are not articles: home, section, tag and author listings, about, 404."""

from __future__ import annotations

from collections.abc import Sequence

from crawlers.demo.model import DemoArticle, DemoOutlet, OutletSpec
from crawlers.demo.render import esc, slug_of

# Query strings and fragments that real section pages stick on links (newest-first position % 4).
LINK_DECORATIONS = (
    "",
    "?utm_source=homepage&utm_medium=web&utm_campaign=section_{section}",
    "#comments",
    "?utm_medium=social&utm_source=twitter&utm_content=world#top",
)
PARTNER_LINK = (
    "https://partners.example.com/sponsored/why-logistics-firms-are-betting-on-the-middle-corridor"
)


def page(spec: OutletSpec, title: str, body: str) -> str:
    """Wrap listing content in the outlet's chrome (menu, cookie note, footer)."""
    return f"""<!DOCTYPE html>
<html lang="{spec.language}">
<head>
<meta charset="utf-8">
<title>{esc(title)} | {esc(spec.title)}</title>
<link rel="alternate" type="application/{"atom" if spec.feed_kind == "atom" else "rss"}+xml" href="{spec.feed_path}">
</head>
<body class="listing">
<div class="cookie-consent">We use cookies to improve your experience. <button>Accept</button></div>
<header><a class="logo" href="/">{esc(spec.title)}</a> <span class="tagline">{esc(spec.tagline)}</span>
<nav><ul><li><a href="/">Home</a></li><li><a href="{spec.section_path}">{esc(spec.section_title)}</a></li>
<li><a href="/about/">About</a></li><li><a href="/subscribe/">Subscribe</a></li></ul></nav></header>
<main>
<h1>{esc(title)}</h1>
{body}
</main>
<footer><p>© 2026 {esc(spec.title)}. All rights reserved.</p></footer>
</body>
</html>
"""


def section_page(
    spec: OutletSpec,
    outlet: DemoOutlet,
    articles: Sequence[DemoArticle],
    private: Sequence[DemoArticle],
) -> str:
    """The section front: every on-section article (some links with tracking or fragments),
    the private article's link (robots.txt forbids it), tag and author links, a partner link."""
    listed = sorted((a for a in articles if a.on_section), key=lambda a: a.published, reverse=True)
    section_slug = slug_of(spec.section_title)
    blocks = []
    for position, article in enumerate(listed):
        suffix = LINK_DECORATIONS[position % len(LINK_DECORATIONS)].format(section=section_slug)
        # Every other story is linked absolutely, as CMS-generated teasers often are.
        href = (outlet.url(article.path) if position % 2 else article.path) + suffix
        author = article.authors[0] if article.authors else ""
        blocks.append(
            f'<div class="teaser"><a class="thumb" href="{esc(href)}"><img src="/static/thumbs/{article.slug}.jpg" alt=""></a>\n'
            f'<h2><a href="{esc(href)}">{esc(article.title)}</a></h2>\n'
            f"<p>{esc(article.summary)}</p>\n"
            f'<p class="meta"><a href="{spec.author_prefix}{slug_of(author)}/">{esc(author)}</a> · '
            f'<a href="{spec.tag_prefix}{slug_of(article.tags[0]) if article.tags else "news"}/">'
            f"{esc(article.tags[0] if article.tags else 'News')}</a></p></div>"
        )
    for article in private:
        if article.on_section:
            blocks.insert(
                1,
                f'<div class="teaser exclusive"><h2><a href="{esc(article.path)}">'
                f"{esc(article.title)}</a></h2><p>{esc(article.summary)}</p></div>",
            )
    blocks.append(
        f'<div class="teaser sponsored"><span>Partner content</span> <a href="{PARTNER_LINK}">'
        "Why logistics firms are betting on the Middle Corridor</a></div>"
    )
    tags = sorted({t for a in listed for t in a.tags})
    tag_cloud = " ".join(f'<a href="{spec.tag_prefix}{slug_of(t)}/">{esc(t)}</a>' for t in tags)
    body = "\n".join(blocks) + f'\n<aside class="tag-cloud"><h3>Topics</h3>{tag_cloud}</aside>'
    return page(spec, spec.section_title, body)


def listing_page(spec: OutletSpec, title: str, articles: Sequence[DemoArticle]) -> str:
    """A tag or author page: a plain list of links (not an article)."""
    items = "\n".join(
        f'<li><a href="{esc(a.path)}">{esc(a.title)}</a> <span class="date">'
        f"{a.published.strftime('%d %b %Y')}</span></li>"
        for a in sorted(articles, key=lambda a: a.published, reverse=True)
    )
    return page(spec, title, f'<ul class="story-list">\n{items}\n</ul>')


def home_page(spec: OutletSpec, articles: Sequence[DemoArticle]) -> str:
    """The front page: a few top stories from the section front and the menu."""
    top = sorted((a for a in articles if a.on_section), key=lambda a: a.published, reverse=True)
    items = "\n".join(f'<li><a href="{esc(a.path)}">{esc(a.title)}</a></li>' for a in top[:5])
    body = (
        f'<section class="top-stories"><h2>Top stories</h2><ul>\n{items}\n</ul>'
        f'<p><a href="{spec.section_path}">More {esc(spec.section_title)} news</a></p></section>'
    )
    return page(spec, spec.tagline, body)


def about_page(spec: OutletSpec) -> str:
    """A static 'About us' page."""
    body = (
        f"<p>{esc(spec.title)} is an independent news organisation. {esc(spec.tagline)}.</p>"
        "<p>Write to the editors at the address in the footer.</p>"
    )
    return page(spec, "About us", body)


def not_found_page(spec: OutletSpec) -> str:
    """The 404 page."""
    return page(spec, "Page not found", "<p>Sorry, we could not find that page.</p>")
