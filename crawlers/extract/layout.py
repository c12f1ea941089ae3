"""Layout tables: pages built from <table> grids (older CMSs) are unwrapped into plain blocks.

trafilatura keeps tables as tables, so on such a page the menu, the side column and the footer
come out as table rows around the article. A table is treated as layout, not data, when it holds
another table, headings or paragraphs, or a cell of running prose; its rows and cells become divs.
"""

from __future__ import annotations

from lxml.html import HtmlElement

BLOCK_TAGS = {"p", "h1", "h2", "h3", "article", "section", "blockquote", "ul", "ol", "form"}
PROSE_WORDS = 60
TABLE_PARTS = {"table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "colgroup", "col"}


def is_layout_table(table: HtmlElement) -> bool:
    """True when the table arranges a page rather than holding data."""
    for element in table.iterdescendants():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "table" or tag in BLOCK_TAGS:
            return True
    return any(len(cell.text_content().split()) > PROSE_WORDS for cell in table.iter("td", "th"))


def unwrap_layout_tables(tree: HtmlElement) -> int:
    """Turn every layout table (and its rows and cells) into divs, in place; return how many."""
    layout = [table for table in tree.iter("table") if is_layout_table(table)]
    for table in layout:
        for element in [table, *table.iterdescendants()]:
            if isinstance(element.tag, str) and element.tag in TABLE_PARTS:
                if element.tag in ("col", "colgroup"):
                    element.drop_tree()
                    continue
                element.tag = "div"
    return len(layout)
