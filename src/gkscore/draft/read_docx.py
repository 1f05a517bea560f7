"""Tables of a Word (.docx) document, merges resolved.

python-docx returns one cell object per layout-grid position: a horizontal
merge (gridSpan) repeats the same cell, a vertical merge (vMerge) hands back
the cell where the merge starts.  Two positions belong to one merge exactly
when they share the underlying ``<w:tc>`` element -- never compare texts,
since neighbouring cells often hold the same figure.
"""

from __future__ import annotations

from ..i18n import _
from ..problems import unreadable
from .container import check_container
from .table import Cell, TableGrid, docx_locator


def read_docx_tables(path: str) -> list[TableGrid]:
    check_container(path, "docx")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(path)
    except Exception as exc:  # python-docx raises a variety of errors for damaged parts
        raise unreadable(path, _("cannot read the Word document: {reason}").format(reason=f"{type(exc).__name__}: {exc}"), "not-docx")
    grids: list[TableGrid] = []
    before: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                before.append(text)
        elif isinstance(block, Table):
            grid = _grid(path, block, len(grids) + 1)
            grid.texts_before = before[-6:]
            grid.caption = _caption(before)
            grids.append(grid)
            before = []
    return grids


def _caption(before: list[str]) -> str:
    """The table's title: the nearest paragraph above it that is not just '附件2'."""
    for text in reversed(before):
        compact = "".join(text.split())
        if compact.startswith("附件") and len(compact) <= 6:
            continue
        return text
    return ""


def _grid(path: str, table, table_no: int) -> TableGrid:
    anchors: dict[int, tuple[int, int]] = {}
    keep: list[object] = []  # holds every <w:tc> proxy alive, so id() stays unique per element
    rows: list[list[Cell]] = []
    for r, row in enumerate(table.rows):
        out: list[Cell] = [Cell("", (r, c)) for c in range(row.grid_cols_before)]
        for cell in row.cells:
            tc = cell._element  # python-docx's documented way down to the XML element
            key = id(tc)
            c = len(out)
            if key not in anchors:
                keep.append(tc)
                anchors[key] = (r, c)
                text = _clean(cell.text)
                out.append(Cell(text, (r, c)))
            else:
                anchor = anchors[key]
                first = rows[anchor[0]][anchor[1]] if anchor[0] < r else out[anchor[1]]
                out.append(first)
        out.extend(Cell("", (r, len(out) + i)) for i in range(row.grid_cols_after))
        rows.append(out)
    return TableGrid(path=path, name=f"表{table_no}", rows=rows, locate=docx_locator(path, table_no))


def _clean(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").split("\n")]
    return "\n".join(lines).strip()
