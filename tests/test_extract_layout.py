"""Layout tables are unwrapped into blocks; data tables stay tables."""

from __future__ import annotations

from trafilatura.utils import load_html

from crawlers.extract.layout import unwrap_layout_tables


def _unwrapped(table: str, filler: str = "<p>" + "word " * 400 + "</p>") -> int:
    tree = load_html(f"<html><body>{filler}{table}</body></html>")
    return unwrap_layout_tables(tree)


def test_data_tables_with_paragraphs_in_cells_stay() -> None:
    rows = "".join(
        f"<tr><td><p>Tool {i}</p></td><td><p>{'A long description of the tool. ' * 8}</p></td></tr>"
        for i in range(5)
    )
    assert _unwrapped(f"<table><tr><th>Tool</th><th>Notes</th></tr>{rows}</table>") == 0


def test_page_grids_are_unwrapped() -> None:
    assert _unwrapped("<table><tr><td><table><tr><td>menu</td></tr></table></td></tr></table>") == 2
    assert _unwrapped("<table><tr><td><h2>Section</h2><p>Text</p></td></tr></table>") == 1
    assert _unwrapped("<table><tr><td>Only cell</td></tr></table>") == 1
    assert (
        _unwrapped("<table><tr><td><ul><li>a</li><li>b</li></ul></td><td>x</td></tr></table>") == 1
    )
    # a table holding most of the page's text lays the page out
    big = "<table><tr><td>" + "prose " * 300 + "</td><td>side</td></tr></table>"
    assert _unwrapped(big, filler="<p>short intro</p>") == 1
