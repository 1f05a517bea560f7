"""Language: catalogs complete and compiled, the language chosen as documented,
and the commands speaking it from the first line of --help to the last."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from gkscore import i18n

SCRIPT = ROOT / "scripts" / "i18n.py"
GKSCORE = Path(sys.executable).parent / ("gkscore.exe" if os.name == "nt" else "gkscore")
COUNTY = str(ROOT / "rules" / "county_2020.yaml")

# Commands whose Chinese help must fit a narrow terminal (every command's help
# is read for English words in test_cli_language).
TRANSLATED_COMMANDS = ["", "validate", "lint", "rules", "schema", "template", "check", "score", "explain", "draft", "compare"]

def _script():
    spec = importlib.util.spec_from_file_location("gkscore_i18n_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script():
    return _script()


@pytest.fixture(scope="module")
def template(script):
    return script.extract()


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", i18n.ENV_VAR)}
    env.update(extra)
    return env


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(GKSCORE), *args], capture_output=True, text=True, encoding="utf-8", env=_env(**env), timeout=120)


# ------------------------------------------------------------ catalogs


def test_every_marked_message_has_a_chinese_translation(script, template):
    missing = script.untranslated("zh_CN", template)
    assert not missing, "run `python scripts/i18n.py` and translate these in the .po:\n" + "\n".join(missing)


def test_every_message_click_can_print_is_in_the_catalog(template):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in template}
    for msgid in ("Usage:", "Options", "Show this message and exit.", "No such option {name!r}.", "Missing argument", "required"):
        assert msgid in ids


def test_committed_mo_matches_the_po(script):
    from babel.messages.mofile import read_mo

    for locale in script.LOCALES:
        po = script.read_po(locale)
        with open(script.mo_path(locale), "rb") as fh:
            mo = read_mo(fh)
        expected = {(m.context, _tuple(m.id)): _tuple(m.string) for m in po if m.id and m.string and not m.fuzzy}
        found = {(m.context, _tuple(m.id)): _tuple(m.string) for m in mo if m.id}
        assert found == expected, "the .mo is stale: run `python scripts/i18n.py compile` and commit it"
        assert po.plural_forms == "nplurals=1; plural=0;"


def _tuple(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


_FIELD = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}|%\([a-z_]+\)[sd]")


def test_translations_keep_the_placeholders(script):
    for locale in script.LOCALES:
        for m in script.read_po(locale):
            if not m.id or not m.string:
                continue
            if isinstance(m.id, tuple):
                singular, plural = (set(_FIELD.findall(t)) for t in m.id)
                for text in m.string:
                    fields = set(_FIELD.findall(text))
                    assert plural <= fields <= singular | plural, (m.id, text)
            else:
                assert set(_FIELD.findall(m.string)) == set(_FIELD.findall(m.id)), (m.id, m.string)


def test_the_catalog_is_found_inside_the_installed_package():
    import gkscore

    assert i18n.LOCALE_DIR.parent == Path(gkscore.__file__).resolve().parent
    assert (i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "gkscore.mo").is_file()
    assert i18n.catalog("zh").gettext("Usage:") == "用法："
    assert i18n.every_language("Usage:") == ("Usage:", "用法：")


def test_no_message_is_an_f_string_inside_a_marker():
    """`_(f"...")` would reach the catalog already filled in: never translated."""
    import ast

    bad = []
    for path in sorted((ROOT / "src" / "gkscore").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_", "ngettext", "pgettext"):
                if any(isinstance(a, ast.JoinedStr) or (isinstance(a, ast.BinOp) and isinstance(a.op, ast.Mod)) for a in node.args):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bad, bad


# ------------------------------------------------------------ which language


@pytest.mark.parametrize(
    "value,lang",
    [("zh", "zh"), ("zh_CN.UTF-8", "zh"), ("zh-Hans", "zh"), ("zh_TW.Big5", "zh"), ("中文", "zh"), ("Chinese", "zh"),
     ("en", "en"), ("en_US.UTF-8", "en"), ("C", "en"), ("POSIX", "en"), ("fr_FR.UTF-8", None), ("", None), (None, None)],
)
def test_parse_language(value, lang):
    assert i18n.parse_language(value) == lang


def test_precedence_option_then_variable_then_locale():
    env = {"LANG": "zh_CN.UTF-8", i18n.ENV_VAR: "en"}
    assert i18n.resolve("zh", env) == "zh"
    assert i18n.resolve(None, env) == "en"
    assert i18n.resolve(None, {"LANG": "zh_CN.UTF-8"}) == "zh"
    assert i18n.resolve(None, {"LANG": "en_US.UTF-8"}) == "en"
    assert i18n.resolve(None, {"LANG": "zh_CN.UTF-8", i18n.ENV_VAR: "klingon"}) == "zh"  # a bad value is passed over
    assert i18n.env_language_problem({i18n.ENV_VAR: "klingon"})
    assert i18n.env_language_problem({i18n.ENV_VAR: "zh"}) is None


def test_locale_variables_in_gettext_order():
    assert i18n.system_language({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}) == "zh"
    assert i18n.system_language({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}) == "zh"
    assert i18n.system_language({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert i18n.system_language({"LC_MESSAGES": "zh_CN.GB18030"}) == "zh"
    assert i18n.system_language({"LANG": "C.UTF-8"}) == "en"


def test_windows_reads_the_display_language_and_the_locale(monkeypatch):
    import locale

    monkeypatch.setattr(locale, "getlocale", lambda *a: ("Chinese (Simplified)_China", "936"))
    monkeypatch.setattr(i18n, "_windows_ui_language", lambda: "en")
    assert i18n.system_language({}, platform="win32") == "zh"  # the locale says Chinese
    monkeypatch.setattr(locale, "getlocale", lambda *a: ("English_United States", "1252"))
    assert i18n.system_language({}, platform="win32") == "en"
    monkeypatch.setattr(i18n, "_windows_ui_language", lambda: "zh")
    assert i18n.system_language({}, platform="win32") == "zh"  # the display language says Chinese
    assert i18n.system_language({"LANG": "en_US.UTF-8"}, platform="win32") == "en"  # a set variable wins


def test_windows_display_language_id():
    ctypes = pytest.importorskip("ctypes")
    if hasattr(ctypes, "windll"):  # pragma: no cover - on Windows only
        assert i18n._windows_ui_language() in ("zh", "en")
    else:
        assert i18n._windows_ui_language() is None


class _Kernel32:
    def __init__(self, langid: int) -> None:
        self.langid = langid

    def GetUserDefaultUILanguage(self) -> int:  # noqa: N802 - the Windows API's name
        return self.langid


@pytest.mark.parametrize(
    "langid,lang",
    [(0x0804, "zh"), (0x0404, "zh"), (0x0C04, "zh"), (0x1004, "zh"), (0x0409, "en"), (0x0809, "en"), (0x0411, "en")],
    ids=["zh-CN", "zh-TW", "zh-HK", "zh-SG", "en-US", "en-GB", "ja-JP"],
)
def test_windows_display_language_from_the_system_call(monkeypatch, langid, lang):
    """GetUserDefaultUILanguage gives a LANGID: Chinese is primary language 4
    in every region; on Windows, with no locale variable set, it decides."""
    import ctypes
    import locale
    from types import SimpleNamespace

    monkeypatch.setattr(ctypes, "windll", SimpleNamespace(kernel32=_Kernel32(langid)), raising=False)
    monkeypatch.setattr(locale, "getlocale", lambda *a: (None, None))
    assert i18n._windows_ui_language() == lang
    assert i18n.system_language({}, platform="win32") == lang
    # a locale variable or GKSCORE_LANG still wins over the display language
    assert i18n.system_language({"LANG": "en_US.UTF-8"}, platform="win32") == "en"
    other = "en" if lang == "zh" else "zh"
    assert i18n.resolve(None, {i18n.ENV_VAR: other}) == other
    # elsewhere the display language is not asked
    assert i18n.system_language({}, platform="linux") == "en"


def test_using_restores_the_language():
    before = i18n.language()
    with i18n.using("zh"):
        assert i18n._("Usage:") == "用法："
        assert i18n.ngettext("{n} warning", "{n} warnings", 3).format(n=3) == "3 个警告"
    assert i18n.language() == before


# ------------------------------------------------------------ the commands


def test_lang_option_and_variable_override_the_locale():
    assert _run("--lang", "zh", "validate", "--help", LANG="en_US.UTF-8").stdout.startswith("用法：")
    assert _run("validate", "--lang", "zh", "--help", LANG="en_US.UTF-8").stdout.startswith("用法：")
    assert _run("validate", "--help", LANG="en_US.UTF-8", GKSCORE_LANG="zh").stdout.startswith("用法：")
    assert _run("validate", "--help", "--lang=en", LANG="zh_CN.UTF-8", GKSCORE_LANG="zh").stdout.startswith("Usage:")
    r = _run("validate", "--help", LANG="zh_CN.UTF-8", GKSCORE_LANG="klingon")
    assert r.stdout.startswith("用法：") and "GKSCORE_LANG=klingon" in r.stderr


def test_click_errors_are_chinese():
    for args, words in (
        (["validate", "--bogus"], "没有选项 '--bogus'"),
        (["rules"], "缺少参数 '文件'"),
        (["schema", "bogus"], "不是可选值之一"),
        (["bogus"], "没有命令 'bogus'"),
        (["--lang", "fr", "validate"], "--lang"),
    ):
        r = _run(*args, LANG="zh_CN.UTF-8")
        assert r.returncode == 2, (args, r.stderr)
        assert words in r.stderr and "运行 'gkscore" in r.stderr and "错误：" in r.stderr, r.stderr
        assert r.stdout == ""


def test_version_follows_the_language():
    import gkscore

    assert _run("--version", LANG="zh_CN.UTF-8").stdout.strip() == f"gkscore，版本 {gkscore.__version__}"
    assert _run("-V", LANG="en_US.UTF-8").stdout.strip() == f"gkscore, version {gkscore.__version__}"


def test_chinese_help_and_version_import_nothing_heavy():
    code = (
        "import sys\n"
        "from gkscore.cli import main\n"
        "for args in (['--help'], ['--version'], ['validate', '--help']):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        "heavy = [m for m in ('openpyxl', 'python_calamine', 'pydantic', 'rich', 'babel') if m in sys.modules]\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", env=_env(LANG="zh_CN.UTF-8"), check=True)
    assert "用法：" in out.stdout
    assert out.stderr.strip().endswith("HEAVY="), out.stderr


def test_chinese_help_fits_the_terminal():
    from gkscore.cli.helpformat import widest

    for command in TRANSLATED_COMMANDS:
        r = _run(*([command] if command else []), "--help", LANG="zh_CN.UTF-8", COLUMNS="60")
        assert widest(r.stdout.splitlines()) <= 60, r.stdout


def test_problems_are_chinese_with_the_code_kept(tmp_path):
    text = Path(COUNTY).read_text(encoding="utf-8")
    bad = tmp_path / "规则.yaml"
    bad.write_text(text.replace("title:", "title: x\ntitle:", 1), encoding="utf-8")
    r = _run("validate", str(bad), LANG="zh_CN.UTF-8")
    assert r.returncode == 1
    first = next(n for n, l in enumerate(bad.read_text(encoding="utf-8").splitlines(), 1) if l == "title: x")
    assert f'{bad}:{first + 1}:1: 键 "title" 重复（第一次出现在第 {first} 行）；请删除或改名其中一个 (yaml-duplicate-key)' in r.stderr
    r = _run("validate", LANG="zh_CN.UTF-8")
    assert r.returncode == 0 and "正确" in r.stdout and "个单位" in r.stdout


def test_in_process_runs_switch_language_and_switch_back():
    r = run_cli("--lang", "zh", "validate", "--help")
    assert r.stdout.startswith("用法：") and "文件正确时不输出任何内容" in r.stdout
    r = run_cli("validate", "--help")
    assert r.stdout.startswith("Usage:") and "Print nothing when the files are valid." in r.stdout
    r = run_cli("rules", COUNTY, "--class", "Z", "--lang", "zh")
    assert "这些规则中没有类别 \"Z\"" in r.stderr
    assert i18n.language() == "en"


def test_labels_translate_and_read_back_in_every_language():
    labels = i18n.Labels(usage=i18n.N_("Usage:"), none=i18n.N_("none"))
    with i18n.using("zh"):
        assert labels["usage"] == "用法："
    with i18n.using("en"):
        assert labels["usage"] == "Usage:"
        assert labels.key_of("用法：") == "usage" and labels.key_of(" Usage: ") == "usage"
        assert labels.key_of("无") == "none" and labels.key_of("nothing") is None
    assert "usage" in labels and list(labels.keys()) == ["usage", "none"]
