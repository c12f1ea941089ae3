"""The cleaning step: one fetched page in, one normalised `Article` out (pure, no I/O)."""

from crawlers.extract.article import Article, PageHints
from crawlers.extract.pipeline import EXTRACTOR_VERSION, content_hash, extract_article

__all__ = ["EXTRACTOR_VERSION", "Article", "PageHints", "content_hash", "extract_article"]
