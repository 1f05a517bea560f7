"""Build the hostile-input corpus: malformed and malicious rule, units and observation files.

The corpus is generated at test time (``tests/test_hostile_files.py`` calls
``build``) so the repository stays small; run this script to look at it:

    python tests/data/hostile/make_corpus.py OUT_DIR

Every case is a file plus the role it plays (``rules``, ``units`` or ``obs``)
and what gkscore must answer: ``expect`` is the set of allowed exit codes
(never 0 or 3 for a hostile file; 0 for the well-formed oddities that must be
read correctly, such as a GBK csv), ``needle`` a text the one-line message
must contain.  Observation cases start from a valid filled template
(``base``) so that the planted defect is the only thing wrong.
"""

from __future__ import annotations

import io
import re
import struct
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

BAD = frozenset({1, 2})


@dataclass
class Case:
    name: str
    role: str  # rules | units | obs
    path: Path
    expect: frozenset = BAD
    needle: str = ""
    tags: set = field(default_factory=set)


# ---------------------------------------------------------------- zip helpers


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def write_zip(path: Path, parts: dict[str, bytes], *, level: int = 6) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet title -> part name, from workbook.xml and its rels."""
    wb = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    targets = {}
    for m in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = m.group()
        rid = re.search(r'Id="([^"]+)"', tag).group(1)
        target = re.search(r'Target="([^"]+)"', tag).group(1)
        targets[rid] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out = {}
    for m in re.finditer(r"<sheet\b[^>]*>", wb):
        tag = m.group()
        name = re.search(r'name="([^"]*)"', tag).group(1)
        rid = re.search(r'r:id="([^"]+)"', tag).group(1)
        out[name] = targets[rid]
    return out


def first_unit_sheet(parts: dict[str, bytes]) -> str:
    """Part name of the first sheet that has a header row (a unit sheet)."""
    for title, part in sheet_parts(parts).items():
        if title in ("说明", "_gkscore", "_lists"):
            continue
        return part
    raise KeyError("no unit sheet")


def set_cell_xml(xml: bytes, ref: str, new_cell: bytes) -> bytes:
    """Replace (or insert) cell ``ref`` in a sheet part."""
    pat = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)
    if pat.search(xml):
        return pat.sub(lambda _m: new_cell, xml, count=1)
    row = re.sub(r"\D", "", ref).encode()
    rpat = re.compile(rb'(<row r="' + row + rb'"[^>]*?)(/>|>)')
    m = rpat.search(xml)
    if m.group(2) == b"/>":
        return xml[: m.start()] + m.group(1) + b">" + new_cell + b"</row>" + xml[m.end() :]
    return xml[: m.end()] + new_cell + xml[m.end() :]


def patch_declared_sizes(path: Path, member: str, fake_size: int) -> None:
    """Make the zip lie about the uncompressed size of ``member`` (local and central headers)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    # local file headers: PK\3\4 ... size at offset 22
    for m in re.finditer(rb"PK\x03\x04", bytes(data)):
        off = m.start()
        nlen = struct.unpack_from("<H", data, off + 26)[0]
        if bytes(data[off + 30 : off + 30 + nlen]) == name:
            struct.pack_into("<I", data, off + 22, fake_size)
    for m in re.finditer(rb"PK\x01\x02", bytes(data)):
        off = m.start()
        nlen = struct.unpack_from("<H", data, off + 28)[0]
        if bytes(data[off + 46 : off + 46 + nlen]) == name:
            struct.pack_into("<I", data, off + 24, fake_size)
    path.write_bytes(bytes(data))


# ---------------------------------------------------------------- rule and units files

LAUGHS = (
    "format: gkscore/1\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
)


def rule_cases(out: Path, valid_rules: str, valid_units: str) -> list[Case]:
    cases: list[Case] = []

    def add(name: str, data: bytes | str, role: str = "rules", needle: str = "", expect=BAD) -> None:
        p = out / name
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        cases.append(Case(name, role, p, frozenset(expect), needle))

    r = valid_rules
    add("r_invalid_yaml.yaml", r.replace("classes:\n", "classes: [\n", 1), needle="invalid YAML")
    add("r_tab_indent.yaml", r.replace("\n  A: ", "\n\tA: ", 1))
    add("r_duplicate_key.yaml", r.replace("id: obs-demo\n", "id: obs-demo\nid: other\n", 1), needle="duplicate key")
    add("r_alias.yaml", r.replace("  A: {name: 有网站, max: 10}\n  B: {name: 无网站, max: 8}", "  A: &x {name: 有网站, max: 10}\n  B: *x"), needle="alias")
    add("r_anchor_bomb.yaml", LAUGHS, needle="alias")
    add("r_merge_key.yaml", r.replace("  B: {name: 无网站, max: 8}", "  B:\n    <<: {name: 无网站}\n    max: 8"), needle="merge")
    add("r_not_utf8.yaml", r.encode("gbk"), needle="UTF-8")
    add("r_utf16.yaml", r.encode("utf-16"), needle="UTF-8")
    add("r_bom_then_error.yaml", b"\xef\xbb\xbf" + r.replace("kind: judged", "kind: guessed").encode(), needle="unknown kind")
    add("r_bom_inside.yaml", r.replace("title: ", "title: \ufeff", 1).replace("id: obs-demo\n", "\ufeffid: x\n", 1))
    add("r_control_char.yaml", r.replace("观测测试规则", "观测\x07测试规则"), needle="control character")
    add("r_nul.yaml", r.replace("观测测试规则", "观测\x00测试规则"), needle="control character")
    add("r_huge.yaml", "format: gkscore/1\nnotes: |\n" + ("  " + "x" * 1000 + "\n") * 3000, needle="the limit for rule files")
    add("r_huge_but_under_cap.yaml", "format: gkscore/1\nlist:\n" + "- a\n" * 500_000)
    add("r_many_flow_numbers.yaml", "format: gkscore/1\nlist: [" + "1," * 900_000 + "1]\n")
    add("r_deep.yaml", "format: gkscore/1\nx: " + "[" * 5000 + "]" * 5000 + "\n")
    add("r_deep_map.yaml", "format: gkscore/1\nx:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 200)) + "  " * 200 + "v\n")
    add("r_unknown_kind.yaml", r.replace("kind: judged", "kind: guessed"), needle="unknown kind")
    add("r_number_as_text.yaml", r.replace("max: 1\n", 'max: "1"\n', 1))
    add("r_number_huge.yaml", r.replace("max: 1\n", "max: 1" + "0" * 400 + "\n", 1), needle="out of range")
    add("r_number_exp.yaml", r.replace("max: 1\n", "max: 1.0e+999999\n", 1), needle="out of range")
    add("r_number_nan.yaml", r.replace("max: 1\n", "max: .nan\n", 1), needle="exact number")
    add("r_id_reused.yaml", r.replace("id: i2\n", "id: i1\n", 1))
    add("r_ref_dangling.yaml", r.replace("{kind: judged, field: score}", "{kind: judged, field: nosuch}"))
    add("r_python_tag.yaml", r.replace("title: 观测测试规则", "title: !!python/object/apply:os.system [echo hi]"))
    add("r_unknown_tag.yaml", r.replace("title: 观测测试规则", "title: !custom 观测测试规则"))
    add("r_binary_tag.yaml", r.replace("title: 观测测试规则", "title: !!binary aGVsbG8="), expect={0, 1, 2})
    add("r_two_documents.yaml", r + "---\n" + r, needle="single document")
    add("r_empty.yaml", b"")
    add("r_only_bom.yaml", b"\xef\xbb\xbf")
    add("r_scalar.yaml", "just text\n")
    add("r_list.yaml", "- 1\n- 2\n")
    add("r_garbage.yaml", bytes(range(256)) * 64)
    add("r_long_line.yaml", "format: gkscore/1\nid: " + "x" * 1_500_000 + "\n")
    add("r_complex_key.yaml", "format: gkscore/1\n? [a, b]\n: c\n", needle="key")
    add("r_null_key.yaml", r.replace("id: obs-demo\n", "id: obs-demo\n~: x\n", 1))
    add("r_bool_key.yaml", r.replace("id: obs-demo\n", "id: obs-demo\ntrue: x\n", 1))
    add("r_units_as_rules.yaml", valid_units.replace("obs-demo-units", "x"), expect={0, 1, 2})
    add("r_date_as_id.yaml", r.replace("id: obs-demo\n", "id: 2020-01-01\n", 1))
    add("r_surrogate_escape.yaml", r.replace("title: 观测测试规则", 'title: "\\ud800"'))
    add("r_huge_int_digits.yaml", r.replace("max: 1\n", "max: " + "9" * 5000 + "\n", 1))

    u = valid_units
    add("u_duplicate_unit.yaml", u.replace("{name: 市财政局, class: A}", "{name: 市教育局, class: A}"), role="units", needle="already belongs")
    add("u_alias_bomb.yaml", LAUGHS.replace("gkscore/1", "gkscore-units/1"), role="units", needle="alias")
    add("u_unknown_class.yaml", u.replace("{name: 市财政局, class: A}", "{name: 市财政局, class: Z}"), role="units")
    add("u_not_utf8.yaml", u.encode("gbk"), role="units", needle="UTF-8")
    add("u_huge.yaml", "format: gkscore-units/1\nnotes: |\n" + ("  " + "x" * 1000 + "\n") * 34_000, role="units", needle="the limit for units files")
    add("u_dup_key.yaml", u.replace("id: obs-demo-units\n", "id: obs-demo-units\nid: y\n"), role="units", needle="duplicate key")
    return cases


# ---------------------------------------------------------------- observation files


def obs_cases(out: Path, base: dict[str, Path]) -> list[Case]:
    """``base``: valid filled files {"xlsx": sheets layout, "long": long layout, "csv": csv}."""
    cases: list[Case] = []

    def add(name: str, path: Path | None = None, data: bytes | None = None, needle: str = "", expect=BAD) -> Path:
        p = path or out / name
        if data is not None:
            p.write_bytes(data)
        cases.append(Case(name, "obs", p, frozenset(expect), needle))
        return p

    xbytes = base["xlsx"].read_bytes()
    parts = read_zip(base["xlsx"])
    unit_part = sheet_parts(parts)[base["sheet"]] if "sheet" in base else first_unit_sheet(parts)
    sheet_xml = parts[unit_part]

    # -- not an xlsx at all
    add("o_empty.xlsx", data=b"", needle="empty")
    add("o_empty.csv", data=b"", needle="empty")
    add("o_whitespace.csv", data=b"\r\n \r\n\t\n")
    add("o_truncated.xlsx", data=xbytes[: len(xbytes) // 2], needle="not a valid .xlsx")
    add("o_truncated_tail.xlsx", data=xbytes[:-10])
    corrupt = bytearray(xbytes)
    for i in range(len(corrupt) // 3, len(corrupt) // 3 + 64):
        corrupt[i] ^= 0x5A
    add("o_corrupt_bytes.xlsx", data=bytes(corrupt))
    add("o_text_renamed.xlsx", data="单位,指标\n这不是表格\n".encode(), needle=".xlsx")
    add("o_pdf_renamed.xlsx", data=b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", needle=".xlsx")
    add("o_png_renamed.xlsx", data=b"\x89PNG\r\n\x1a\n" + b"\0" * 200)
    cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000  # an OLE container: .xls, or an encrypted xlsx
    add("o_old.xls", data=cfb, needle="xlsx")
    add("o_password.xlsx", data=cfb + "EncryptionInfo EncryptedPackage".encode("utf-16-le"), needle="password")
    add("o_xls_as_csv.csv", data=cfb)
    add("o_zip_not_xlsx.xlsx", data=_zip_bytes({"readme.txt": b"hello"}), needle="not an xlsx")
    add("o_docx_renamed.xlsx", data=_zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}))
    add("o_xlsb.xlsb", data=_zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0\1\2"}), needle=".xlsb")
    add("o_xlsb_renamed.xlsx", data=_zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0\1\2"}), needle=".xlsb")
    ods = _zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<office:document-content/>"})
    add("o_sheet.ods", data=ods, needle=".ods")
    add("o_ods_renamed.xlsx", data=ods, needle=".ods")
    add("o_ods_not_zip.ods", data=b"not really", needle=".ods")
    add("o_xlsx_as_csv.csv", data=xbytes, expect={0})  # the content decides, not the name
    add("o_nul.csv", data=b"unit,item,field,value\n\0\0\0\n")

    # -- zip bombs and zip tricks
    bomb = dict(parts)
    bomb["xl/sharedStrings.xml"] = b" " * (300 * 1024 * 1024)
    add("o_zip_bomb.xlsx", path=write_zip(out / "o_zip_bomb.xlsx", bomb, level=9), needle="zip bomb")
    ratio = dict(parts)
    ratio[unit_part] = sheet_xml.replace(b"</worksheet>", b"<!--" + b"a" * (60 * 1024 * 1024) + b"--></worksheet>")
    add("o_ratio_bomb.xlsx", path=write_zip(out / "o_ratio_bomb.xlsx", ratio, level=9), needle="zip bomb")
    lying = dict(parts)
    lying[unit_part] = sheet_xml.replace(b"</worksheet>", b"<!--" + b"b" * (80 * 1024 * 1024) + b"--></worksheet>")
    lp = write_zip(out / "o_lying_sizes.xlsx", lying, level=9)
    patch_declared_sizes(lp, unit_part, 5000)
    add("o_lying_sizes.xlsx", path=lp)
    many = {name: data for name, data in parts.items()}
    for i in range(12000):
        many[f"xl/media/x{i}.bin"] = b""
    add("o_many_members.xlsx", path=write_zip(out / "o_many_members.xlsx", many, level=1), needle="parts")
    missing = {k: v for k, v in parts.items() if k != unit_part}
    add("o_missing_sheet_part.xlsx", path=write_zip(out / "o_missing_sheet_part.xlsx", missing))
    no_wb = {k: v for k, v in parts.items() if k != "xl/workbook.xml"}
    add("o_no_workbook.xlsx", path=write_zip(out / "o_no_workbook.xlsx", no_wb))
    enc = dict(parts)
    enc_path = out / "o_zip_encrypted.xlsx"
    write_zip(enc_path, enc)
    data = bytearray(enc_path.read_bytes())
    for m in re.finditer(rb"PK\x01\x02", bytes(data)):
        data[m.start() + 8] |= 1  # "encrypted" flag in the central directory
    for m in re.finditer(rb"PK\x03\x04", bytes(data)):
        data[m.start() + 6] |= 1
    add("o_zip_encrypted.xlsx", data=bytes(data))

    # -- XML attacks
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
        + b"]>\n"
    )
    for part, tag in ((unit_part, b"sheet"), ("xl/sharedStrings.xml", b"sst"), ("xl/workbook.xml", b"workbook"), ("[Content_Types].xml", b"types")):
        if part not in parts:
            continue
        ent = dict(parts)
        body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", parts[part])
        if part == "xl/sharedStrings.xml":
            body = body.replace(b"<t>", b"<t>&lol9;", 1)
        ent[part] = laughs + body
        name = f"o_entities_{tag.decode()}.xlsx"
        add(name, path=write_zip(out / name, ent), needle="DOCTYPE")
    ext = dict(parts)
    ext[unit_part] = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' + re.sub(rb"^<\?xml[^>]*\?>\s*", b"", sheet_xml)
    add("o_external_entity.xlsx", path=write_zip(out / "o_external_entity.xlsx", ext), needle="DOCTYPE")
    bad_xml = dict(parts)
    bad_xml[unit_part] = sheet_xml[: len(sheet_xml) // 2]
    add("o_broken_sheet_xml.xlsx", path=write_zip(out / "o_broken_sheet_xml.xlsx", bad_xml))
    bad_ref = dict(parts)
    bad_ref[unit_part] = set_cell_xml(sheet_xml, "A1", b'<c r="ZZZZ99999999" t="inlineStr"><is><t>x</t></is></c>')
    add("o_bad_cell_ref.xlsx", path=write_zip(out / "o_bad_cell_ref.xlsx", bad_ref))

    # -- what people do to a template in Excel
    # a correct result, quickly: empty formatted rows are not data
    add("o_million_empty_rows.xlsx", path=_million_rows(out / "o_million_empty_rows.xlsx", parts, unit_part, cells=False), expect={0})
    add("o_million_empty_cells.xlsx", path=_million_rows(out / "o_million_empty_cells.xlsx", parts, unit_part, cells=True), expect={0})
    far = dict(parts)
    far[unit_part] = sheet_xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    add("o_stray_far_cell.xlsx", path=write_zip(out / "o_stray_far_cell.xlsx", far), needle="stray")
    wide = dict(parts)
    wide[unit_part] = sheet_xml.replace(b"</sheetData>", b'<row r="400000"><c r="A400000" t="inlineStr"><is><t>x</t></is></c><c r="Z400000"><v>1</v></c></row></sheetData>')
    add("o_stray_row_400k.xlsx", path=write_zip(out / "o_stray_row_400k.xlsx", wide))
    norefs = dict(parts)
    norefs[unit_part] = re.sub(rb'(<c) r="[A-Z]+\d+"', rb"\1", sheet_xml)
    add("o_cells_without_refs.xlsx", path=write_zip(out / "o_cells_without_refs.xlsx", norefs), expect={0})
    value_cell = base["value_cell"]  # e.g. "I5" on the first unit sheet
    evidence_cell = base["evidence_cell"]
    for name, cell_xml, needle in (
        ("o_formula_cached.xlsx", b'<c r="%s"><f>1+1</f><v>2</v></c>', "formula"),
        ("o_formula_uncached.xlsx", b'<c r="%s"><f>SUM(A1:A3)</f></c>', "formula"),
        ("o_formula_string.xlsx", "<c r=\"%s\" t=\"str\"><f>\"是\"</f><v>是</v></c>".encode(), "formula"),
        ("o_shared_formula.xlsx", b'<c r="%s"><f t="shared" ref="%s" si="0">1+1</f><v>2</v></c>', "formula"),
        ("o_error_na.xlsx", b'<c r="%s" t="e"><v>#N/A</v></c>', "#N/A"),
        ("o_error_div0.xlsx", b'<c r="%s" t="e"><f>1/0</f><v>#DIV/0!</v></c>', "#DIV/0!"),
    ):
        p2 = dict(parts)
        ref = value_cell.encode()
        p2[unit_part] = set_cell_xml(sheet_xml, value_cell, cell_xml.replace(b"%s", ref))
        add(name, path=write_zip(out / name, p2), needle=needle)
    p2 = dict(parts)
    p2[unit_part] = set_cell_xml(sheet_xml, evidence_cell, b'<c r="%s" t="str"><f>HYPERLINK("http://x","x")</f><v>x</v></c>' % evidence_cell.encode())
    add("o_formula_in_evidence.xlsx", path=write_zip(out / "o_formula_in_evidence.xlsx", p2), needle="formula")
    p2 = dict(parts)
    col = re.sub(r"\d", "", value_cell)
    row = int(re.sub(r"\D", "", value_cell))
    p2[unit_part] = _add_merge(sheet_xml, f"{col}{row}:{col}{row + 1}")
    add("o_merged_input_cells.xlsx", path=write_zip(out / "o_merged_input_cells.xlsx", p2), needle="merged")
    p2 = dict(parts)
    p2[unit_part] = _add_merge(sheet_xml, f"A{row}:{col}{row}")
    add("o_merged_across_row.xlsx", path=write_zip(out / "o_merged_across_row.xlsx", p2), needle="merged")

    cases += xml_trick_cases(out, base, parts, unit_part)
    cases += roster_cases(out, base, parts)

    # -- csv oddities
    csv_text = base["csv"].read_bytes().decode("utf-8-sig")
    add("o_csv_gbk.csv", data=csv_text.encode("gb18030"), expect={0})
    add("o_csv_bom.csv", data=b"\xef\xbb\xbf" + csv_text.encode(), expect={0})
    add("o_csv_no_bom_lf.csv", data=csv_text.replace("\r\n", "\n").encode(), expect={0})
    lines = csv_text.split("\r\n")
    mixed = "".join(ln + ("\r\n", "\n", "\r")[i % 3] for i, ln in enumerate(lines) if ln)
    add("o_csv_mixed_line_ends.csv", data=mixed.encode(), expect={0})
    add("o_csv_utf16.csv", data=csv_text.replace(",", "\t").encode("utf-16"), expect={0})
    add("o_csv_latin1_junk.csv", data=b"unit,item,field,value\n\xff\xfe\xff,\x81\x30,a,b\n".replace(b"\xff\xfe\xff", b"\xfa\xfb\xfc\xfd\xfe"), needle="encoding")
    add("o_csv_huge_field.csv", data=b"unit,item,field,value\nx,y,z,\"" + b"v" * 300_000 + b'"\n')
    add("o_csv_unclosed_quote.csv", data=csv_text.encode()[:200] + b'"never closed\r\n' + b"x," * 1000)
    add("o_csv_formula_injection.csv", data=csv_text.replace("张三", "=cmd|' /C calc'!A0", 1).encode("utf-8"), expect={0})
    add("o_csv_header_only.csv", data=csv_text.split("\r\n")[0].encode() + b"\r\n")
    return cases


def xml_trick_cases(out: Path, base: dict, parts: dict[str, bytes], unit_part: str) -> list[Case]:
    """What the XML can say to hide a formula or a far cell, to give a cell
    twice, to point to a shared string that is not there, to name a sheet
    oddly, and what people type that only looks like a number."""
    cases: list[Case] = []
    xml = parts[unit_part]
    cell = base["value_cell"].encode()

    def planted(name: str, new: bytes, needle: str = "", expect=BAD, extra: dict | None = None) -> None:
        p2 = dict(parts)
        p2[unit_part] = new
        p2.update(extra or {})
        cases.append(Case(name, "obs", write_zip(out / name, p2), frozenset(expect), needle, {"trick"}))

    def cell_as(name: str, cell_xml: bytes, needle: str = "", expect=BAD, extra: dict | None = None, at: bytes = cell) -> None:
        planted(name, set_cell_xml(xml, at.decode(), cell_xml.replace(b"%s", at)), needle, expect, extra)

    main_ns = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    cell_as("o_formula_attribute_slash.xlsx", b'<c r="%s" x="/>"><f>1+1</f><v>2</v></c>', "formula")
    cell_as("o_formula_after_comment.xlsx", b'<c r="%s"><!-- </c> --><f>1+1</f><v>2</v></c>', "formula")
    cell_as("o_formula_unicode_prefix.xlsx", '<ä:c xmlns:ä="{}" r="%s"><ä:f>1+1</ä:f><ä:v>1</ä:v></ä:c>'.format(main_ns.decode()).encode(), "formula")
    cell_as("o_value_then_formula.xlsx", b'<c r="%s"><v>1</v><f>1+1</f></c>', "formula")
    cell_as("o_cdata_value.xlsx", b'<c r="%s" t="str"><v><![CDATA[\xe6\x98\xaf]]></v></c>', "unusual")
    cell_as("o_reference_in_number.xlsx", b'<c r="%s"><v>1&#48;</v></c>', "unusual")
    cell_as("o_unknown_error_value.xlsx", b'<c r="%s" t="e"><v>#WHAT?</v></c>', "error value")
    cell_as("o_cell_given_twice.xlsx", b'<c r="%s" t="inlineStr"><is><t>\xe6\x98\xaf</t></is></c><c r="%s" t="inlineStr"><is><t>\xe5\x90\xa6</t></is></c>', "twice")
    rows = re.findall(rb'<row r="\d+".*?</row>', xml, re.S)
    planted("o_row_given_twice.xlsx", xml.replace(rows[-1], rows[-1] + rows[-1].replace(b"\xe5\xbc\xa0", b"x")), "twice")
    head, body_end = xml.index(rows[0]), xml.index(rows[-1]) + len(rows[-1])
    planted("o_rows_out_of_order.xlsx", xml[:head] + b"".join(reversed(rows)) + xml[body_end:], expect={0})
    planted("o_second_sheet_data.xlsx", xml.replace(b"</sheetData>", b'</sheetData><sheetData><row r="99"><c r="A99"><v>1</v></c></row></sheetData>', 1), "two cell tables")
    far = b'<!-- </row> --></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    planted("o_far_cell_after_comment.xlsx", xml.replace(rows[-1], rows[-1][:-6] + far), "stray")
    planted("o_far_cell_zz60000.xlsx", xml.replace(b"</sheetData>", b'<row r="60000"><c r="ZZ60000"><v>1</v></c></row></sheetData>'), "stray")
    sst = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="%s" count="2" uniqueCount="2"><si><t>\xe6\x98\xaf</t></si><si><t>\xe5\x90\xa6</t></si></sst>' % main_ns
    with_sst = {"xl/sharedStrings.xml": sst}
    cell_as("o_shared_string_valid.xlsx", b'<c r="%s" t="s"><v>1</v></c>', expect={0}, extra=with_sst)
    cell_as("o_shared_string_negative.xlsx", b'<c r="%s" t="s"><v>-1</v></c>', "shared string", extra=with_sst)
    cell_as("o_shared_string_past_end.xlsx", b'<c r="%s" t="s"><v>2</v></c>', "shared string", extra=with_sst)
    cell_as("o_shared_string_reference.xlsx", b'<c r="%s" t="s"><v>&#49;</v></c>', "shared string", extra=with_sst)
    cell_as("o_shared_string_spaced.xlsx", b'<c r="%s" t="s"><v> 1</v></c>', "shared string", extra=with_sst)
    # what only looks like a number or a yes
    for name, text, field in (
        ("superscript_two", "²", "count"), ("superscript_one_yes", "¹", "bool"), ("arabic_indic", "٣", "count"),
        ("underscore", "1_0", "number"), ("inf", "inf", "number"), ("nan", "nan", "number"), ("circled", "①", "count"),
        ("exponent", "1e1", "number"), ("inner_space", "1 0", "number"),
    ):
        at = base["cells"][field].encode()
        cell_as(f"o_text_{name}.xlsx", b'<c r="%s" t="inlineStr"><is><t>' + text.encode() + b"</t></is></c>", "bad-value", at=at)
    cell_as("o_text_spaced_number.xlsx", b'<c r="%s" t="inlineStr"><is><t> 3.5 </t></is></c>', expect={0}, at=base["cells"]["number"].encode())
    cell_as("o_number_inf.xlsx", b'<c r="%s"><v>inf</v></c>', "bad-value", at=base["cells"]["number"].encode())
    cell_as("o_fullwidth_number.xlsx", '<c r="%s" t="inlineStr"><is><t>３</t></is></c>'.encode(), expect={0}, at=base["cells"]["count"].encode())
    # sheet names and parts the guard and calamine might see differently
    wb = parts["xl/workbook.xml"]
    title = base["sheet"].encode()
    for name, new in (("tab", b"a\tb"), ("newline", b"a&#10;b"), ("cr_reference", b"x&#13;")):
        p2 = dict(parts)
        p2["xl/workbook.xml"] = wb.replace(b'name="' + title + b'"', b'name="' + title + new + b'"', 1)
        cases.append(Case(f"o_sheet_name_{name}.xlsx", "obs", write_zip(out / f"o_sheet_name_{name}.xlsx", p2), BAD, "sheet", {"trick"}))
    p2 = dict(parts)
    p2[unit_part.replace("sheet", "SHEET")] = xml
    cases.append(Case("o_parts_equal_ignoring_case.xlsx", "obs", write_zip(out / "o_parts_equal_ignoring_case.xlsx", p2), BAD, "two parts", {"trick"}))
    # a unit sheet whose header cannot be read is never skipped
    planted("o_header_typo.xlsx", xml.replace(b">Value filled</t>", b">Valu filled</t>", 1), "header")
    header = next(r for r in rows if b">Item no.</t>" in r)
    planted("o_header_deleted.xlsx", xml.replace(header, b'<row r="4"></row>'), "header")
    return cases


def roster_cases(out: Path, base: dict, parts: dict[str, bytes]) -> list[Case]:
    """Fewer units than the roster: refused, naming the units missing."""
    cases: list[Case] = []
    titles = sheet_parts(parts)
    drop = titles["市财政局"]
    wb = re.sub(rb'<sheet [^>]*name="\xe5\xb8\x82\xe8\xb4\xa2\xe6\x94\xbf\xe5\xb1\x80"[^>]*/>', b"", parts["xl/workbook.xml"])
    p2 = {k: v for k, v in parts.items() if k != drop}
    p2["xl/workbook.xml"] = wb
    cases.append(Case("o_unit_sheet_removed.xlsx", "obs", write_zip(out / "o_unit_sheet_removed.xlsx", p2), frozenset({1}), "市财政局", {"roster"}))
    text = base["csv"].read_bytes().decode("utf-8-sig")
    lines = text.split("\r\n")
    kept = [ln for ln in lines if not ln.startswith("市财政局,")]
    p = out / "o_unit_rows_removed.csv"
    p.write_bytes(("\ufeff" + "\r\n".join(kept)).encode("utf-8"))
    cases.append(Case(p.name, "obs", p, frozenset({1}), "市财政局", {"roster"}))
    return cases


def _zip_bytes(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for k, v in parts.items():
            zf.writestr(k, v)
    return buf.getvalue()


def _add_merge(xml: bytes, ref: str) -> bytes:
    merge = b'<mergeCells count="1"><mergeCell ref="' + ref.encode() + b'"/></mergeCells>'
    if b"<mergeCells" in xml:
        return re.sub(rb"<mergeCells[^>]*>", lambda m: m.group() + b'<mergeCell ref="' + ref.encode() + b'"/>', xml, count=1)
    # mergeCells follows sheetData (and sheetProtection) in the schema order
    anchor = b"</sheetData>"
    m = re.search(rb"</sheetData>(\s*<sheetProtection[^>]*/>)?", xml)
    end = m.end() if m else xml.index(anchor) + len(anchor)
    return xml[:end] + merge + xml[end:]


def _million_rows(path: Path, parts: dict[str, bytes], unit_part: str, *, cells: bool) -> Path:
    xml = parts[unit_part]
    last = max(int(r) for r in re.findall(rb'<row r="(\d+)"', xml))
    start = last + 1
    n = 1_000_000
    if cells:
        extra = b"".join(b'<row r="%d" s="1" customFormat="1"><c r="A%d" s="1"/><c r="K%d" s="1"/></row>' % (r, r, r) for r in range(start, start + n))
    else:
        extra = b"".join(b'<row r="%d" s="1" customFormat="1" ht="15" customHeight="1"/>' % r for r in range(start, start + n))
    xml = xml.replace(b"</sheetData>", extra + b"</sheetData>")
    xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
    p2 = dict(parts)
    p2[unit_part] = xml
    return write_zip(path, p2)


def build(out: Path, base: dict, rules_text: str, units_text: str) -> list[Case]:
    out.mkdir(parents=True, exist_ok=True)
    return rule_cases(out, rules_text, units_text) + obs_cases(out, base)


def make_base(out: Path) -> dict:
    """Valid filled files made from the demo rules (uses the test helpers)."""
    tests = Path(__file__).resolve().parents[2]
    if str(tests) not in sys.path:
        sys.path.insert(0, str(tests))
    from test_obs_helpers import demo_template, fill_csv, fill_xlsx, find_xlsx  # noqa: PLC0415

    out.mkdir(parents=True, exist_ok=True)
    x = demo_template(out, "base.xlsx")
    fill_xlsx(x, 1)
    c = demo_template(out, "base.csv")
    fill_csv(c, 1)
    lg = demo_template(out, "base_long.xlsx", layout="long")
    fill_xlsx(lg, 1)
    sheet, value_cell = find_xlsx(x, "市教育局", "i1", "done")
    _s, evidence_cell = find_xlsx(x, "市教育局", "i1", "done", key="evidence")
    cells = {"bool": value_cell, "number": find_xlsx(x, "市教育局", "i1", "pct")[1], "count": find_xlsx(x, "市教育局", "i2", "passed")[1]}
    return {"xlsx": x, "csv": c, "long": lg, "value_cell": value_cell, "evidence_cell": evidence_cell, "sheet": sheet, "cells": cells}


if __name__ == "__main__":  # pragma: no cover - a tool for looking at the corpus
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    here = Path(__file__).resolve().parents[1] / "obs"
    base = make_base(target / "_base")
    for case in build(target, base, (here / "rules_demo.yaml").read_text("utf-8"), (here / "units_demo.yaml").read_text("utf-8")):
        print(f"{case.role:5} {sorted(case.expect)} {case.path}")
