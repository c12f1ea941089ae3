"""Bundled demo news outlets served on loopback, for `geowire demo` and the crawl tests.

with start_demo_sites() as sites:
    Path("sources.toml").write_text(sites.sources_toml())
    ...  # crawl sites.outlets; compare with sites.articles; inspect sites.request_log
"""

from crawlers.demo.model import DemoArticle, DemoOutlet
from crawlers.demo.site import DEFAULT_HOSTS, DemoSites, LoggedRequest, RequestLog, start_demo_sites

__all__ = [
    "DEFAULT_HOSTS",
    "DemoArticle",
    "DemoOutlet",
    "DemoSites",
    "LoggedRequest",
    "RequestLog",
    "start_demo_sites",
]
