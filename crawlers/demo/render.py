"""HTML article pages in three outlet styles: modern (JSON-LD), classic (meta tags), legacy (tables).

Every page carries real site furniture around the story (menus, cookie banner, share bar,
newsletter prompt, related links, reader comments, footer) so extraction has something to remove.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape
from urllib.parse import quote

from crawlers.demo.content import slugify
from crawlers.demo.model import DemoArticle, DemoOutlet, OutletSpec

ZONE_OFFSETS = {
    "IST": timedelta(hours=5, minutes=30),
    "EAT": timedelta(hours=3),
    "GMT": timedelta(),
}


def esc(text: str) -> str:
    """HTML-escape text for element content and double-quoted attributes."""
    return escape(text, quote=True)


def slug_of(text: str) -> str:
    """URL slug for a tag or author name."""
    return slugify(text)


def zone_label(spec: OutletSpec, moment: datetime) -> str:
    """The outlet's time-zone abbreviation when `moment` is in it, else a UTC offset."""
    offset = moment.utcoffset() or timedelta()
    if ZONE_OFFSETS.get(spec.timezone_label) == offset:
        return spec.timezone_label
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def render_article(
    spec: OutletSpec, outlet: DemoOutlet, article: DemoArticle, related: Sequence[DemoArticle]
) -> str:
    """The full HTML page of `article` in its outlet's style."""
    renderer = {"modern": _modern, "classic": _classic, "legacy": _legacy}[spec.style]
    return renderer(spec, outlet, article, related)


def comments_for(spec: OutletSpec, article: DemoArticle) -> list[tuple[str, str, datetime]]:
    """Two or three reader comments picked stably from the outlet's pool."""
    pool = spec.comments
    if not pool:
        return []
    seed = zlib.crc32(article.path.encode())
    count = 2 + seed % 2
    picked = []
    for n in range(count):
        name, text = pool[(seed + n * 3) % len(pool)]
        picked.append((name, text, article.published + timedelta(hours=2 + n * 5, minutes=n * 7)))
    return picked


def image_credit_line(article: DemoArticle) -> str:
    """'Image courtesy of (Photo courtesy: X)'; with no credit the line is cut off as on the seed page."""
    if not article.image_credit:
        return "Image courtesy of (Photo courtesy:"
    return f"Image courtesy of (Photo courtesy: {article.image_credit})"


def _share_links(url: str) -> str:
    target = quote(url, safe="")
    return (
        f'<li><a href="https://www.facebook.com/sharer/sharer.php?u={target}">Facebook</a></li>'
        f'<li><a href="https://twitter.com/intent/tweet?url={target}">X</a></li>'
        f'<li><a href="https://wa.me/?text={target}">WhatsApp</a></li>'
        f'<li><a href="mailto:?body={target}">Email</a></li>'
    )


def _paragraphs(article: DemoArticle) -> str:
    return "\n".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)


def _title_tag(spec: OutletSpec, article: DemoArticle) -> str:
    return f"<title>{esc(article.title)} | {esc(spec.title)}</title>"


def _author_links(spec: OutletSpec, article: DemoArticle, rel: str = "") -> str:
    rel_attr = f' rel="{rel}"' if rel else ""
    links = [
        f'<a href="{spec.author_prefix}{slug_of(a)}/"{rel_attr}>{esc(a)}</a>'
        for a in article.authors
    ]
    return " and ".join(links) if len(links) <= 2 else ", ".join(links)


def _tag_links(spec: OutletSpec, article: DemoArticle) -> str:
    return " ".join(f'<a href="{spec.tag_prefix}{slug_of(t)}/">{esc(t)}</a>' for t in article.tags)


def _related_items(related: Sequence[DemoArticle]) -> str:
    return "\n".join(f'<li><a href="{esc(r.path)}">{esc(r.title)}</a></li>' for r in related)


def _comments_html(spec: OutletSpec, article: DemoArticle, date_format: str) -> str:
    items = comments_for(spec, article)
    blocks = [
        f'<div class="comment"><p class="comment-author">{esc(name)}</p>'
        f'<p class="comment-date">{esc(when.strftime(date_format))}</p>'
        f'<p class="comment-text">{esc(text)}</p><a class="reply" href="#respond">Reply</a></div>'
        for name, text, when in items
    ]
    return (
        f'<section class="comments" id="comments"><h3>{len(items)} Comments</h3>\n'
        + "\n".join(blocks)
        + '\n<div id="respond"><h4>Leave a comment</h4><form action="/comments/post" method="post">'
        '<textarea name="comment"></textarea><input name="author" placeholder="Name">'
        "<button>Post Comment</button></form></div></section>"
    )


def _modern(
    spec: OutletSpec, outlet: DemoOutlet, article: DemoArticle, related: Sequence[DemoArticle]
) -> str:
    image = outlet.url(f"/static/img/{article.slug or 'story'}.jpg")
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": article.url},
        "headline": article.title,
        "description": article.summary,
        "image": [image],
        "datePublished": article.published.isoformat(),
        "dateModified": article.last_changed.isoformat(),
        "author": [
            {"@type": "Person", "name": a, "url": outlet.url(f"{spec.author_prefix}{slug_of(a)}/")}
            for a in article.authors
        ],
        "publisher": {
            "@type": "Organization",
            "name": spec.title,
            "logo": {"@type": "ImageObject", "url": outlet.url("/static/logo.png")},
        },
        "articleSection": article.section,
        "keywords": article.tags,
        "inLanguage": spec.language,
    }
    # "</" inside a JSON string would end the <script> element early.
    json_ld = json.dumps(ld, ensure_ascii=False, indent=1).replace("</", "<\\/")
    tags_meta = "\n".join(f'<meta property="article:tag" content="{esc(t)}">' for t in article.tags)
    updated = ""
    if article.modified:
        updated = (
            f' · Updated <time datetime="{article.modified.isoformat()}">'
            f"{article.modified.strftime('%-d %B %Y, %H:%M')} {zone_label(spec, article.modified)}</time>"
        )
    return f"""<!DOCTYPE html>
<html lang="{spec.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{_title_tag(spec, article)}
<meta name="description" content="{esc(article.summary)}">
<link rel="canonical" href="{esc(article.url)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{esc(spec.title)}">
<meta property="og:title" content="{esc(article.title)}">
<meta property="og:description" content="{esc(article.summary)}">
<meta property="og:url" content="{esc(article.url)}">
<meta property="og:image" content="{esc(image)}">
<meta property="article:published_time" content="{article.published.isoformat()}">
<meta property="article:modified_time" content="{article.last_changed.isoformat()}">
<meta property="article:section" content="{esc(article.section)}">
{tags_meta}
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:site" content="@meridianwire">
<link rel="alternate" type="application/atom+xml" title="{esc(spec.title)}" href="{spec.feed_path}">
<link rel="stylesheet" href="/static/css/app.3f9c2.css">
<script type="application/ld+json">
{json_ld}
</script>
</head>
<body class="article-page">
<div class="cookie-consent" role="dialog" aria-label="Cookie consent">
<p>We and our partners use cookies to personalise content and measure traffic. You can change your choices at any time.</p>
<button class="accept">Accept all</button> <button class="reject">Reject non-essential</button> <a href="/cookies/">Manage preferences</a>
</div>
<header class="site-header">
<a class="logo" href="/">{esc(spec.title)}</a>
<nav aria-label="Main"><ul>
<li><a href="/">Home</a></li><li><a href="{spec.section_path}">World</a></li>
<li><a href="{spec.tag_prefix}europe/">Europe</a></li><li><a href="{spec.tag_prefix}asia-pacific/">Asia-Pacific</a></li>
<li><a href="{spec.tag_prefix}middle-east/">Middle East</a></li><li><a href="{spec.tag_prefix}analysis/">Analysis</a></li>
<li><a href="/newsletters/">Newsletters</a></li><li><a href="/subscribe/">Subscribe</a></li>
</ul></nav>
</header>
<main id="main">
<article class="story">
<header class="story-header">
<p class="kicker"><a href="{spec.section_path}">{esc(article.section)}</a></p>
<h1 class="headline">{esc(article.title)}</h1>
<p class="standfirst">{esc(article.summary)}</p>
<p class="byline">By {_author_links(spec, article, rel="author")}</p>
<p class="dateline"><time datetime="{article.published.isoformat()}">{article.published.strftime("%-d %B %Y, %H:%M")} {zone_label(spec, article.published)}</time>{updated}</p>
</header>
<figure class="lead-media">
<img src="{esc(image)}" alt="{esc(article.image_caption)}" width="1200" height="675" loading="eager">
<figcaption>{esc(article.image_caption)} <span class="credit">{esc(image_credit_line(article))}</span></figcaption>
</figure>
<div class="story-body">
{_paragraphs(article)}
</div>
<footer class="story-footer">
<div class="share-bar"><p>Share this post</p><ul>{_share_links(article.url)}</ul></div>
<p class="topics">Topics: {_tag_links(spec, article)}</p>
</footer>
</article>
<aside class="newsletter-signup">
<h2>The Meridian Daily</h2>
<p>Our editors' pick of the world's most important stories, every weekday morning. Free.</p>
<form action="/newsletters/signup" method="post"><input type="email" name="email" placeholder="you@example.com"><button>Sign up</button></form>
</aside>
<section class="related"><h2>More from {esc(spec.title)}</h2><ul>
{_related_items(related)}
</ul></section>
{_comments_html(spec, article, "%-d %b %Y %H:%M")}
</main>
<footer class="site-footer">
<nav><a href="/about/">About us</a> · <a href="/contact/">Contact</a> · <a href="/privacy/">Privacy</a> · <a href="/terms/">Terms</a></nav>
<p>© 2026 {esc(spec.title)} Ltd. All rights reserved. Registered in England and Wales.</p>
</footer>
</body>
</html>
"""


def _classic(
    spec: OutletSpec, outlet: DemoOutlet, article: DemoArticle, related: Sequence[DemoArticle]
) -> str:
    image = f"/static/uploads/{article.published.year}/{article.slug or 'story'}.jpg"
    tags_meta = "\n".join(f'<meta property="article:tag" content="{esc(t)}">' for t in article.tags)
    shown = article.last_changed
    stamp = f"{shown.strftime('%d %b %Y, %I:%M %p')} {zone_label(spec, shown)}"
    return f"""<!DOCTYPE html>
<html lang="{spec.language}">
<head>
<meta charset="utf-8">
{_title_tag(spec, article)}
<meta name="description" content="{esc(article.summary)}">
<meta name="keywords" content="{esc(", ".join(article.tags))}">
<meta name="author" content="{esc(", ".join(article.authors))}">
<link rel="canonical" href="{esc(article.url)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{esc(spec.title)}">
<meta property="og:title" content="{esc(article.title)}">
<meta property="og:url" content="{esc(article.url)}">
<meta property="og:image" content="{esc(outlet.url(image))}">
<meta property="article:published_time" content="{article.published.isoformat()}">
<meta property="article:section" content="{esc(article.section)}">
{tags_meta}
<link rel="alternate" type="application/rss+xml" title="World" href="{spec.feed_path}">
<link rel="stylesheet" href="/wp-content/themes/chronicle/style.css?ver=4.2">
</head>
<body class="post-template-default single single-post">
<div id="cookie-notice" class="cookie-bar">This website uses cookies to ensure you get the best experience. <a href="/cookie-policy/">Learn more</a> <button id="cn-accept">Got it!</button></div>
<div class="top-strip"><span class="date-today">Edition: India</span> <a href="/e-paper/">E-Paper</a> | <a href="/subscribe/">Subscribe</a> | <a href="/login/">Sign in</a></div>
<header id="masthead">
<div class="logo"><a href="/">{esc(spec.title)}</a><p class="tagline">{esc(spec.tagline)}</p></div>
<nav id="main-menu"><ul class="menu">
<li><a href="/">Home</a></li><li><a href="/india/">India</a></li><li class="current"><a href="{spec.section_path}">World</a></li>
<li><a href="{spec.tag_prefix}south-asia/">South Asia</a></li><li><a href="{spec.tag_prefix}defence/">Defence</a></li>
<li><a href="/business/">Business</a></li><li><a href="/opinion/">Opinion</a></li><li><a href="/videos/">Videos</a></li>
</ul></nav>
</header>
<div class="breaking-ticker"><strong>Trending:</strong> <a href="{spec.tag_prefix}russia/">Russia</a> · <a href="{spec.tag_prefix}china/">China</a> · <a href="{spec.tag_prefix}g20/">G20</a></div>
<div id="content" class="container">
<div class="col-main">
<ul class="breadcrumb"><li><a href="/">Home</a></li><li><a href="{spec.section_path}">World</a></li><li>{esc(article.section)}</li></ul>
<div class="post">
<h1 class="entry-title">{esc(article.title)}</h1>
<div class="entry-meta"><span class="author vcard">By {_author_links(spec, article)}</span>
<span class="posted-on">Updated: <time class="entry-date" datetime="{shown.isoformat()}">{stamp}</time></span></div>
<div class="featured-image"><img src="{image}" alt="{esc(article.title)}"><p class="wp-caption-text">{esc(article.image_caption)}</p></div>
<div class="entry-content">
{_paragraphs(article)}
<p class="img-courtesy">{esc(image_credit_line(article))}</p>
</div>
<div class="sharedaddy"><p>Share this post</p><ul class="share-buttons">{_share_links(article.url)}</ul></div>
<div class="post-tags"><span>Tags:</span> {_tag_links(spec, article)}</div>
</div>
<div class="newsletter-box"><h3>Get the Chronicle Morning Brief</h3><p>India and the world in five minutes, in your inbox before 7 am.</p>
<form action="/newsletter/subscribe" method="post"><input type="email" name="email" placeholder="Enter your email"><button>Subscribe</button></form></div>
<div class="also-read"><h3>Also Read</h3><ul>
{_related_items(related)}
</ul></div>
{_comments_html(spec, article, "%d %b %Y at %I:%M %p")}
</div>
<aside class="col-side"><div class="widget"><h4>Most Read</h4><ul>
{_related_items(list(reversed(related)))}
</ul></div><div class="ad-slot">Advertisement</div></aside>
</div>
<footer id="colophon"><div class="footer-links"><a href="/about/">About Us</a> | <a href="/contact/">Contact Us</a> | <a href="/advertise/">Advertise</a> | <a href="/privacy-policy/">Privacy Policy</a></div>
<p class="copyright">© 2026 {esc(spec.title)}. All rights reserved.</p></footer>
</body>
</html>
"""


def _legacy(
    spec: OutletSpec, outlet: DemoOutlet, article: DemoArticle, related: Sequence[DemoArticle]
) -> str:
    # No JSON-LD, no OpenGraph, no <time>: the byline and date exist only as visible text.
    when = article.published
    posted = f"{when.strftime('%A, %B %-d, %Y %H:%M')} {zone_label(spec, when)}"
    authors = ", ".join(a.upper() for a in article.authors)
    related_rows = "\n".join(
        f'<tr><td class="bullet">&raquo;</td><td><a href="{esc(r.path)}" class="lnk">{esc(r.title)}</a></td></tr>'
        for r in related
    )
    comment_rows = "\n".join(
        f'<tr><td class="cmt"><b>{esc(name)}</b> said on {esc(t.strftime("%d/%m/%Y %H:%M"))}:<br>{esc(text)}</td></tr>'
        for name, text, t in comments_for(spec, article)
    )
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
{_title_tag(spec, article)}
<meta name="keywords" content="{esc(", ".join(article.tags))}">
<link rel="canonical" href="{esc(article.url)}">
<link rel="stylesheet" type="text/css" href="/css/main.css">
<script type="text/javascript" src="/js/jquery-1.4.2.min.js"></script>
</head>
<body bgcolor="#ffffff" topmargin="0" leftmargin="0">
<div id="cookiebar" style="background:#333;color:#fff">This site uses cookies. By continuing to browse you agree to our use of cookies. <a href="/cookies/">More info</a> <a href="#" onclick="hideCookieBar()">[X] Close</a></div>
<table width="980" border="0" cellspacing="0" cellpadding="0" align="center">
<tr><td colspan="2" class="header"><a href="/"><img src="/images/logo_sentinel.gif" alt="{esc(spec.title)}" border="0"></a><br><span class="motto">{esc(spec.tagline)}</span></td></tr>
<tr><td colspan="2" class="menubar">
<a href="/" class="menu">HOME</a> | <a href="/national/" class="menu">NATIONAL</a> | <a href="{spec.section_path}" class="menu">INTERNATIONAL</a> |
<a href="{spec.tag_prefix}east-africa/" class="menu">EAST AFRICA</a> | <a href="/business/" class="menu">BUSINESS</a> | <a href="/sports/" class="menu">SPORTS</a> | <a href="/letters/" class="menu">LETTERS</a>
</td></tr>
<tr>
<td width="680" valign="top" class="maincol">
<table width="100%" border="0" cellpadding="4">
<tr><td class="sectionhead">{esc(article.section.upper())}</td></tr>
<tr><td><div class="article_title"><h2>{esc(article.title)}</h2></div></td></tr>
<tr><td class="byline">By {esc(authors)}<br>Posted on {esc(posted)}</td></tr>
<tr><td>
<table class="pic" align="right" width="300"><tr><td><img src="/images/stories/{article.published.year}/{article.slug or "story"}.jpg" width="300" alt=""></td></tr>
<tr><td class="caption">{esc(article.image_caption)} Image courtesy of (Photo courtesy: {esc(article.image_credit or "File")})</td></tr></table>
<div class="story_text">
{_paragraphs(article)}
</div>
</td></tr>
<tr><td class="sharebar"><div class="share"><p>Share this post</p> <a href="https://www.facebook.com/sharer.php?u={esc(article.url)}">Facebook</a> | <a href="https://twitter.com/share?url={esc(article.url)}">Twitter</a> | <a href="javascript:window.print()">Print</a> | <a href="/email-story/">Email to a friend</a></div></td></tr>
<tr><td class="tags">Filed under: {_tag_links(spec, article)}</td></tr>
<tr><td class="newsletter"><b>FREE NEWSLETTER:</b> Get the Sentinel Daily Digest by email. <form action="/newsletter.php" method="post"><input type="text" name="email" size="20"> <input type="submit" value="Join"></form></td></tr>
<tr><td><b>RELATED STORIES</b><table>{related_rows}</table></td></tr>
<tr><td><b>READERS' COMMENTS</b> <a name="comments"></a><table width="100%">{comment_rows}</table>
<a href="/comment.php">Post your comment</a></td></tr>
</table>
</td>
<td width="300" valign="top" class="rightcol"><b>MOST POPULAR</b><table>{related_rows}</table><br><div class="advert">ADVERTISEMENT</div></td>
</tr>
<tr><td colspan="2" class="footer"><a href="/about/">About Us</a> | <a href="/advertise/">Advertise</a> | <a href="/contacts/">Contacts</a><br>© 2026 {esc(spec.title)}. Nation House, Kimathi Street, Nairobi. All Rights Reserved.</td></tr>
</table>
</body>
</html>
"""
