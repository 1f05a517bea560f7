"""One pass over a worksheet part: expat reads it (``xlsx_cells.CellWalk``),
except rows in the one plain shape of ``xlsx_plain``, which are accounted for
without handing their bytes to expat -- but only where expat has just closed
a row (or opened ``sheetData``) exactly at that byte, so that the skipped
bytes are whole rows in element content, as expat would have read them.
Where cells then come out of order, the part is read again by expat alone
(``Rescan``), so that every position is known for finding duplicates.
"""

from __future__ import annotations

import bisect
import re

from . import xlsx_plain as plain
from .xlsx_cells import CellWalk, SheetCells

CHUNK = 4 * 1024 * 1024
PENDING = 1024 * 1024  # at most this much of an unfinished row waits for the next chunk
KEEP = 16  # bytes kept back when nothing can be cut: a tag split across chunks
MAX_WIDENINGS = 16

_NAME = rb"(?:[^\s<>/=:]+:)?"
_ATTRS = rb"""(?:\s+[^\s<>/=]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*"""
# what may lie between the start of the event expat reported last and the
# point where plain rows begin
_AFTER_ROW = re.compile(rb"</" + _NAME + rb"row\s*>\s*")
_AFTER_SHEET_DATA = re.compile(rb"<" + _NAME + rb"sheetData" + _ATTRS + rb">\s*")




class SheetScan(CellWalk):
    """Feed a part with ``advance``, then ``finish``."""

    def __init__(self, sheet: SheetCells, strings: int, path: str, plain_rows: bool = True) -> None:
        super().__init__(sheet, strings, path)
        self.use_plain = plain_rows
        self.fed = 0  # bytes given to expat
        self.boundary = False  # expat stands right after a row (or sheetData's start)
        self.bound = 0  # column bound of the plain rows

    def _feed(self, buf: bytes, start: int, end: int) -> None:
        """Give buf[start:end] to expat; then note whether it stands right
        after a row (or the start of sheetData) at ``end``."""
        before = self.fed
        self._parse(buf[start:end])
        self.fed += end - start
        self.boundary = False
        ev = self.last_event
        if not self.use_plain or ev is None or self.phase != 1 or self.cell is not None or len(self.stack) != self.sd_depth:
            return
        kind, local, at = ev
        if at < before:
            return  # reported in an earlier piece: not proved here
        raw = start + (at - before)
        if kind == "end" and local == "row":
            pattern = _AFTER_ROW
        elif kind == "start" and local == "sheetData":
            pattern = _AFTER_SHEET_DATA
        else:
            return
        self.boundary = pattern.fullmatch(buf, raw, end) is not None

    def advance(self, buf: bytes, pos: int, final: bool) -> int:
        """Read buf from pos as far as it can be read now; returns where it stopped."""
        n = len(buf)
        while pos < n:
            if self.boundary:
                # rows before the last row start are whole (if plain at all)
                limit = n if final else buf.rfind(b"<row", pos + 1)
                if limit > pos:
                    stop = self._plain(buf, pos, limit)
                    if stop > pos:
                        pos = stop
                        continue
            q1 = buf.find(b"</row>", pos)
            q2 = buf.find(b"<row", pos + 1)
            if self.boundary and q2 < 0 and not final and n - pos < PENDING:
                return pos  # a plain row in the making: wait for the rest
            cut = min([q for q in (q1 + 6 if q1 >= 0 else -1, q2) if q > pos], default=-1)
            if cut < 0:
                cut = n if final else max(pos, n - KEEP)
                if cut == pos:
                    return pos
            self._feed(buf, pos, cut)
            pos = cut
        return pos

    # ---- plain rows

    def _plain(self, buf: bytes, pos: int, limit: int) -> int:
        """Account for the plain rows at buf[pos:limit]; returns where they end."""
        sheet = self.sheet
        bound = max(self.bound, sheet.max_col, 1)
        stop = pos
        for _ in range(MAX_WIDENINGS):
            if bound > plain.MAX_PLAIN_COLUMNS:
                break
            try:
                stop = plain.plain_rows(bound, self.strings).match(buf, stop, limit).end()
            except SystemError:  # a regex engine bug (see xlsx_plain): expat decides
                break
            if stop >= limit:
                break
            wider = plain.widest_content(buf, stop, limit)
            if wider <= bound:
                break
            bound = wider
        if stop == pos:
            return pos
        self.bound = bound
        rows = list(map(int, plain.ROW_NUMBER.findall(buf, pos, stop)))
        if not rows:
            return pos  # whitespace only
        good = plain.ascending(rows)
        if rows[good - 1] > plain.MAX_ROW:  # expat names the row
            good = bisect.bisect_right(rows, plain.MAX_ROW, 0, good)
        if rows[0] <= self.last_key // 16384 or good == 0:
            return pos
        if good < len(rows):
            stop = next(m.start() for i, m in enumerate(plain.ROW_NUMBER.finditer(buf, pos, stop)) if i == good)
            rows = rows[:good]
        cells = buf.count(b"</c>", pos, stop)
        if cells:
            last = buf.rfind(b"</c>", pos, stop)
            row_at = buf.rfind(b'<row r="', pos, last)
            last_row = int(plain.ROW_NUMBER.match(buf, row_at).group(1))
            sheet.cells += cells
            sheet.max_row = max(sheet.max_row, last_row)
            sheet.max_col = max(sheet.max_col, bound)
            self.last_key = last_row * 16384 + 16383
        self.row0, self.col0 = rows[-1], 0
        self.skipped = True
        return stop


def scan_sheet(fh, sheet: SheetCells, strings: int, path: str, count, plain_rows: bool = True) -> None:
    """Scan one worksheet part read from ``fh``; ``count(n)`` is told how many
    bytes were unpacked (the zip bomb guard)."""
    scan = SheetScan(sheet, strings, path, plain_rows)
    buf = b""
    pos = 0
    while True:
        chunk = fh.read(CHUNK)
        count(len(chunk))
        final = not chunk
        if pos:
            buf = buf[pos:]
            pos = 0
        if chunk:
            buf = buf + chunk if buf else chunk
        pos = scan.advance(buf, pos, final)
        if final:
            break
    scan.finish()
