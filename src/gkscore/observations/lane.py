"""The fast lane of the long layout, part of ``RowChecker``.

Most rows of a long sheet are like the row before: the same unit, class and
sheet, a known item and field, a value already read once.  ``add`` (the full
path) decides the first row of each unit and leaves its state in ``_fast``;
the rows after it are stored here with a few lookups and never become a
RawRow (a million rows at 10,000 units, where building a RawRow cost more
than checking it).  A row the lane cannot take goes back to the reader, which
builds the RawRow for ``add`` to decide (and report) in full: the lane is a
cache in front of ``add``, storing exactly what ``add`` would
(tests/test_fast_lane.py).
"""

from __future__ import annotations

from decimal import Decimal
from itertools import chain


class PlainLane:
    """The lane's state and ``taker``; the rest (``add``, ``_parse``, the
    store's arrays) is ``RowChecker``'s and ``SlotStore``'s."""

    def _init_lane(self) -> None:
        # (Positions, unit cell text, class cell text ("" for none), unit,
        # slot base, the class's lane) of the last row whose unit part
        # ``add`` found clean.  A class's lane: item -> field -> (slot index,
        # spec id, {value text: value index}) for the fields that apply to
        # the class; the value texts are those ``_parse`` accepted.
        self._fast: tuple | None = None
        self._lanes: dict[str, dict] = {}
        self._lane_vals: dict[tuple, dict] = {}  # (spec id, class) -> {text: value index}
        self._scorer_at: dict = {}  # a scorer cell's text as read -> its index in ``texts``
        self._takers: dict[tuple, object] = {}  # layout -> take (``taker``)

    def _lane_for(self, cls: str) -> dict:
        lane: dict[str, dict] = {}
        for o, owner in self.owners.items():
            if cls not in owner.classes:
                continue
            if o != o.strip():
                continue  # never the case for a valid id; take relies on it
            lane[o] = {f: (self._spec_slot[id(spec)], id(spec), self._lane_vals.setdefault((id(spec), cls), {})) for f, spec in owner.specs.items() if f == f.strip()}
        return lane

    def taker(self, layout: tuple):
        """``take`` for records whose cells are where ``layout`` says:
        (unit, class, item, field, value, evidence, scorer) indexes, class,
        evidence and scorer None when the sheet has no such column.  Made
        once per layout, with what it reads bound once (the arrays grow in
        place, and never while it runs)."""
        take = self._takers.get(layout)
        if take is None:
            take = self._takers[layout] = self._make_taker(*layout)
        return take

    def _make_taker(self, i_unit, i_class, i_item, i_field, i_value, i_evidence, i_scorer):
        cnt, val, place, rows, ev, sc = self.cnt, self.val, self.place, self.row, self.ev, self.sc
        careful, value_cache, ns = self.careful_units, self._value_cache, self.ns
        scorer_at, evidence_index, text_index = self._scorer_at, self._evidence, self._text
        keep_evidence, keep_scorer = self.keep_evidence, self.keep_scorer

        def take(pos, r, rec, rest=None, tag_at=None, tag=None):
            """Store record ``rec`` (line or row ``r`` of the sheet ``pos``)
            if it is plain, then, with ``rest`` (the records after it), each
            record that follows while it is plain too, as long as ``rec``
            and with the same rules cell text ``tag`` (at ``tag_at``; None:
            no such column).  Returns (records taken, the first record not
            taken or None): one loop for a unit's rows, not a call per row.

            Plain: the same unit and class cells and sheet as the row ``add``
            saw last, a known item and field that apply to the class, a
            blank value or one already parsed without error, a slot not yet
            filled.  The caller sees to the rest: no formula or error value
            in the row, and ``rest`` only when a record as long as ``rec``
            needs no padding and has no text in a column not read.  Stored
            exactly as ``add`` would store the row's RawRow.  The cells are
            as read: the lane holds only ids that stripping leaves as they
            are, so an item or field found there is what the RawRow would
            hold; evidence and scorer are stripped here, and a cell that is
            not text is left to ``add``."""
            st = self._fast
            if st is None or st[0] is not pos or pos is not self._pl_pos:
                return 0, (r, rec)
            _pos, unit, cls, the_unit, base, lane = st
            pl = self._pl_i
            n = 0
            width = len(rec)
            for r, rec in (((r, rec),) if rest is None else chain(((r, rec),), rest)):
                if len(rec) != width or (tag_at is not None and rec[tag_at] != tag):
                    break
                if rec[i_unit] != unit or (rec[i_class] if i_class is not None else "") != cls:
                    break
                try:
                    si, sid, texts = lane[rec[i_item]][rec[i_field]]
                except KeyError:
                    break  # unknown, or not for this class: add() says which
                slot = base + si
                if cnt[slot]:
                    break  # given before: merge needs the full entries
                v = rec[i_value]
                t = v.__class__
                if t is str and v:
                    vidx = texts.get(v, -1)
                    if vidx < 0:
                        break  # not parsed yet, blank-looking, or an error
                elif t is str or v is None:
                    vidx = -1
                else:
                    # only ``_parse`` fills the cache, and only for non-blank values
                    got = value_cache.get((sid, the_unit.cls, t, v if t is not Decimal else str(v)))
                    if got is None or got[1] is not None:
                        break
                    vidx = got[3]
                if keep_evidence:
                    evidence = rec[i_evidence] if i_evidence is not None else ""
                    if evidence.__class__ is not str:
                        break
                if keep_scorer:
                    scorer = rec[i_scorer] if i_scorer is not None else ""
                    sci = scorer_at.get(scorer)  # a scorer's name repeats on most rows
                    if sci is None and scorer.__class__ is not str:
                        break
                if vidx < 0:
                    careful.add(base // ns)
                cnt[slot] = 1
                val[slot] = vidx
                place[slot] = pl
                rows[slot] = r
                if keep_evidence:
                    ev[slot] = evidence_index(evidence.strip()) if evidence else 0
                if keep_scorer:
                    if sci is None:
                        sci = text_index(scorer.strip())
                        if len(scorer_at) < 4096:
                            scorer_at[scorer] = sci
                    sc[slot] = sci
                n += 1
            else:
                return n, None
            return n, (r, rec)

        return take
