"""What a run writes follows its language: the scoring texts (reasons,
arithmetic, notes) and the words around them are English with --lang en and
Chinese with --lang zh, from the same figures."""

from __future__ import annotations

import json

from conftest import ROOT, run_cli

COUNTY = str(ROOT / "examples" / "county_2020_filled.xlsx")


def _items(lang: str) -> dict:
    r = run_cli("score", COUNTY, "--format", "json", "--lang", lang)
    assert r.exit_code == 0, r.stderr
    unit = next(u for u in json.loads(r.stdout)["units"] if u["unit"] == "黄州区")
    return {i["id"]: i for i in unit["items"]}


def test_reasons_and_arithmetic_follow_the_language():
    zh, en = _items("zh"), _items("en")
    # a deduction, a missed award and a credit short of full marks, in both languages
    assert zh["rcgl.jdjc.ba3"]["reasons"][0].startswith("扣 0.2 × 2 = 0.4 分: 漏报政务新媒体")
    assert en["rcgl.jdjc.ba3"]["reasons"][0].startswith("minus 0.2 × 2 = 0.4: 漏报政务新媒体")
    assert zh["rcgl.zztj.1"]["reasons"] == ["未得 1 分: 分值比重不低于4%,得1分"]
    assert en["rcgl.zztj.1"]["reasons"] == ["not awarded 1: 分值比重不低于4%,得1分"]
    assert zh["zdgk.zdly.zdxm"]["reasons"][0].startswith("得 1.5 分 (满分 2): ")
    assert en["zdgk.zdly.zdxm"]["reasons"][0].startswith("scored 1.5 of 2: ")
    # the figures are the same whatever the language
    for key in ("max", "score", "lost", "arithmetic"):
        assert [i[key] for i in zh.values()] == [i[key] for i in en.values()]
