"""A csv's encoding: detected from its first part, and a byte that is not
text past that part refused at its exact position (read_csv.SURE_UTF8)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from click.testing import CliRunner
from test_obs_helpers import DEMO_RULES, DEMO_UNITS, demo_template, fill_csv, read_csv_rows

from gkscore.cli import main
from gkscore.observations import read_csv as R
from gkscore.observations.layout import un_inert

BOM = b"\xef\xbb\xbf"


def _check(path):
    return CliRunner().invoke(main, ["check", str(path), "--rules", str(DEMO_RULES), "--units", str(DEMO_UNITS)], catch_exceptions=False)


@pytest.fixture
def small_chunks(monkeypatch):
    # chunks of a few bytes, certain after a few characters: every case
    # below falls past the part _sniff decodes, at every place in a chunk
    monkeypatch.setattr(R, "CHUNK", 7)
    monkeypatch.setattr(R, "SURE_UTF8", 6)


def _rows_text(tmp_path) -> str:
    out = io.StringIO(newline="")
    template = demo_template(tmp_path, "t.csv")
    fill_csv(template)
    csv.writer(out, lineterminator="\r\n").writerows(read_csv_rows(template))
    return out.getvalue()


@pytest.mark.parametrize("bom", [b"", BOM])
@pytest.mark.parametrize("shift", range(7))
def test_a_byte_that_is_not_utf8_past_the_sniffed_part_is_refused_where_it_is(tmp_path, small_chunks, bom, shift):
    text = _rows_text(tmp_path).encode("utf-8")
    # the bad byte lands at each place within a 7-byte chunk, after text
    # whose characters are cut in two by chunk ends
    cut = text.index(b"\r\n", len(text) // 2) + shift
    data = bom + text[:cut] + b"\xff" + text[cut:]
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    res = _check(path)
    assert res.exit_code == 2
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(str(path)) and "bad-encoding" in err[0], err
    at = data.index(b"\xff")
    assert f"byte {at};" in err[0], (err[0], at)


def test_the_same_file_without_the_bad_byte_reads(tmp_path, small_chunks):
    path = tmp_path / "ok.csv"
    path.write_bytes(BOM + _rows_text(tmp_path).encode("utf-8"))
    res = _check(path)
    assert res.exit_code == 0, res.stderr


def test_gbk_after_a_long_ascii_start_is_read_as_gbk(tmp_path, small_chunks):
    # nothing but ASCII for many chunks: UTF-8 is not certain until the
    # first multi-byte characters, and those are GBK
    text = _rows_text(tmp_path)
    head, rest = text.split("\r\n", 1)
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gbk"))
    assert head.isascii() and len(head) > 5 * 7
    table = R.read_csv(str(path))
    assert table.encoding == "gb18030"
    # as read: the unit names intact, every row there
    expected = list(csv.reader(io.StringIO(rest, newline="")))
    assert [rec[0] for _line, rec in table.records()][1:] == [un_inert(r[0]) if r[0].startswith("'") else r[0] for r in expected]
    assert any("市" in r[0] for r in expected)


def test_a_gbk_file_that_looks_like_utf8_at_first_is_still_gbk(tmp_path, monkeypatch):
    # the GBK bytes of 一 (D2 BB) are UTF-8 too, those of 黄 (BB C6) are
    # not: a few characters that decode are too few to be sure of UTF-8
    monkeypatch.setattr(R, "CHUNK", 4)
    path = tmp_path / "g.csv"
    data = "unit,v\r\n一一一,1\r\n黄州区,2\r\n".encode("gbk")
    path.write_bytes(data)
    assert data[: data.index("黄".encode("gbk"))].decode("utf-8")
    table = R.read_csv(str(path))
    assert table.encoding == "gb18030"
    assert [rec for _line, rec in table.records()] == [["unit", "v"], ["一一一", "1"], ["黄州区", "2"]]


@pytest.mark.parametrize("data,at", [
    (BOM + "单位,x\r\n".encode() + b"\xff,1\r\n", 13),  # within the part _sniff decodes
    ("单位\tx\r\n".encode("utf-16") + b"\x00\xd8" + "a".encode("utf-16-le"), 14),  # a lone surrogate
    ("单位,x\r\n".encode("gbk") + b"\xff,1\r\n", 8),  # neither UTF-8 nor GBK
])
def test_a_file_is_refused_at_the_byte_that_is_not_text(tmp_path, data, at):
    path = tmp_path / "b.csv"
    path.write_bytes(data)
    res = _check(path)
    assert res.exit_code == 2
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and "bad-encoding" in err[0] and re.search(rf"byte {at}\b", err[0]), err
