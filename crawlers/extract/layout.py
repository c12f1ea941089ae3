"""Layout tables: pages built from <table> grids (older CMSs) are unwrapped into plain blocks.

trafilatura keeps tables as tables, so on such a page the menu, the side column and the footer
come out as table rows around the article, and lists inside table cells are lost. A table is
treated as layout, not data, when it holds another table, page structure (headings of the top
two levels, sections, forms), lists, a single cell, or most of the page's text; its rows and
cells become divs. Cells holding paragraphs of prose alone do not make a layout table: modern
editors wrap every data cell in a <p>, and comparison tables have long descriptive cells.
"""

from __future__ import annotations

from lxml.html import HtmlElement

STRUCTURE_TAGS = {"table", "h1", "h2", "article", "section", "form", "ul", "ol"}
PAGE_SHARE = 0.5
TABLE_PARTS = {"table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "colgroup", "col"}


def is_layout_table(table: HtmlElement, page_chars: int = 0) -> bool:
    """True when the table arranges a page rather than holding data."""
    for element in table.iterdescendants():
        if isinstance(element.tag, str) and element.tag in STRUCTURE_TAGS:
            return True
    if len(table.xpath(".//td|.//th")) == 1:
        return True
    return page_chars > 0 and len(table.text_content()) > PAGE_SHARE * page_chars


def unwrap_layout_tables(tree: HtmlElement) -> int:
    """Turn every layout table (and its rows and cells) into divs, in place; return how many."""
    bodies = tree.xpath("//body")
    page_chars = len((bodies[0] if bodies else tree).text_content())
    layout = [table for table in tree.iter("table") if is_layout_table(table, page_chars)]
    for table in layout:
        for element in [table, *table.iterdescendants()]:
            if isinstance(element.tag, str) and element.tag in TABLE_PARTS:
                if element.tag in ("col", "colgroup"):
                    element.drop_tree()
                    continue
                element.tag = "div"
    return len(layout)
