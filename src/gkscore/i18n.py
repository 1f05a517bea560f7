"""The language of everything a person reads: Chinese (zh) or English (en).

Messages are written in English in the source and marked for translation;
the Chinese texts live in the gettext catalog
``locale/zh_CN/LC_MESSAGES/gkscore.po`` (compiled to ``gkscore.mo``, which
ships in the wheel).  How to mark a string::

    from ..i18n import _, N_, ngettext, pgettext

    _("duplicate key {key} (first given on line {line})").format(key=..., line=...)
    ngettext("{n} warning", "{n} warnings", n).format(n=n)
    pgettext("report column", "Total")        # same English, different meanings
    LABELS = {"rank": N_("Rank")}             # module level: mark only ...
    _(LABELS["rank"])                          # ... translate where it is used
    COLUMNS = Labels(rank=N_("Rank"))          # named words; COLUMNS.key_of("名次") == "rank"
    CSV = Labels(total=NP_("csv column", "total"))  # a word with its context

Rules: the argument of ``_()`` is a literal (never an f-string: the
placeholders must reach the translator as ``{name}``); values go in with
``.format()`` after translation; nothing is translated at import time
outside ``cli/`` (the language can change between two runs in one process);
``cli/`` may write ``help=_("...")``: the command modules are imported in
English and their help texts translated when the command line knows its
language.

Which language: ``--lang`` (the command line), then ``GKSCORE_LANG``, then the
system: LANGUAGE, LC_ALL, LC_MESSAGES, LANG (in that order, as the stdlib's
gettext reads them), and on Windows the user interface language and
``locale.getlocale()``.  ``zh*`` (or "Chinese") means Chinese, anything else
English.

Nothing here imports more than the standard library: the command line
decides its language before anything heavy is loaded.
"""

from __future__ import annotations

import gettext as _gettext
import locale
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

LANGUAGES = ("zh", "en")
DOMAIN = "gkscore"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENV_VAR = "GKSCORE_LANG"

# The catalog folder of each language; English is the source language and has none.
CATALOG_LOCALES = {"zh": "zh_CN"}
# The environment variables that name the user's locale, in the order the
# stdlib's gettext reads them.
LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_ALIASES = {
    "zh": "zh",
    "zh_cn": "zh",
    "zh_hans": "zh",
    "zh_sg": "zh",
    "zh_tw": "zh",
    "zh_hk": "zh",
    "zh_hant": "zh",
    "cn": "zh",
    "chinese": "zh",
    "中文": "zh",
    "en": "en",
    "en_us": "en",
    "en_gb": "en",
    "english": "en",
    "c": "en",
    "posix": "en",
}


def parse_language(value: str | None) -> str | None:
    """'zh' or 'en' for a language name people write (zh_CN.UTF-8, zh-Hans,
    English, 中文 ...); None when it names neither."""
    if not value:
        return None
    text = value.strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    if text in _ALIASES:
        return _ALIASES[text]
    if text.startswith("zh") or text.startswith("chinese"):
        return "zh"
    if text.startswith("en") or text.startswith("english"):
        return "en"
    return None


def _windows_ui_language() -> str | None:
    """The Windows display language: 'zh' when it is any Chinese, else 'en'."""
    try:
        import ctypes

        langid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
    except (AttributeError, ImportError, OSError):
        return None
    return "zh" if (int(langid) & 0x3FF) == 0x04 else "en"  # primary language id 4: Chinese


def _getlocale_language() -> str | None:
    try:
        name = locale.getlocale()[0]
    except (ValueError, TypeError):
        return None
    if not name:
        return None
    # Windows names its locales 'Chinese (Simplified)_China'; POSIX 'zh_CN'.
    return "zh" if name.lower().startswith(("zh", "chinese")) else "en"


def system_language(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str:
    """The language of the user's system: the locale variables first, then
    (on Windows, where they are usually unset) the display language and the
    locale Python reports."""
    env = os.environ if environ is None else environ
    for var in LOCALE_VARS:
        value = env.get(var)
        if value:
            first = value.split(":")[0]
            return "zh" if parse_language(first) == "zh" else "en"
    if (platform or sys.platform) == "win32":
        if _windows_ui_language() == "zh":
            return "zh"
    return "zh" if _getlocale_language() == "zh" else "en"


def resolve(option: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language to use: the --lang value, then GKSCORE_LANG, then the system.

    A value that names no language we speak is passed over (the command line
    reports a bad GKSCORE_LANG with ``env_language_problem``)."""
    env = os.environ if environ is None else environ
    for value in (option, env.get(ENV_VAR)):
        lang = parse_language(value)
        if lang is not None:
            return lang
    return system_language(env)


def env_language_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """A message when GKSCORE_LANG is set to something that is not zh or en."""
    env = os.environ if environ is None else environ
    value = env.get(ENV_VAR)
    if value and parse_language(value) is None:
        return _("{var}={value} is not a language gkscore speaks; use zh or en (ignored)").format(var=ENV_VAR, value=value)
    return None


# ------------------------------------------------------------ catalogs

_catalogs: dict[str, _gettext.NullTranslations] = {}


def catalog(lang: str) -> _gettext.NullTranslations:
    """The translations of one language (English: the identity)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    found = _catalogs.get(lang)
    if found is None:
        code = CATALOG_LOCALES.get(lang)
        if code is None:
            found = _gettext.NullTranslations()
        else:
            # fallback=False: a catalog missing from an installation is a bug
            # to see at once, not English in a Chinese run.
            found = _gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[code])
        _catalogs[lang] = found
    return found


class _Active:
    """The language of this process's messages; decided on first use."""

    lang: str | None = None
    translations: _gettext.NullTranslations | None = None


def activate(lang: str) -> None:
    """Make ``lang`` the language of every message from now on."""
    translations = catalog(lang)
    _Active.lang, _Active.translations = lang, translations


def language() -> str:
    """The active language ('zh' or 'en'), resolved from the environment on first use."""
    if _Active.lang is None:
        activate(resolve())
    return _Active.lang  # type: ignore[return-value]


def _translations() -> _gettext.NullTranslations:
    if _Active.translations is None:
        activate(resolve())
    return _Active.translations  # type: ignore[return-value]


@contextmanager
def using(lang: str) -> Iterator[None]:
    """Speak ``lang`` inside the block, and the language before it afterwards."""
    before = (_Active.lang, _Active.translations)
    activate(lang)
    try:
        yield
    finally:
        _Active.lang, _Active.translations = before


# ------------------------------------------------------------ marking

def _(message: str) -> str:
    """The message in the active language."""
    return _translations().gettext(message)


def N_(message: str) -> str:
    """Mark a message for translation without translating it (module-level
    constants; translate with ``_()`` where the text is used)."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """Mark a message with its context (as ``pgettext`` takes it) without
    translating it: a word of a ``Labels`` whose English is also another
    message's (csv's "complete" is not the status word "complete")."""
    return (context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the active language."""
    return _translations().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A message whose English is shared by different meanings, told apart by ``context``."""
    return _translations().pgettext(context, message)


def every_language(message: str, context: str | None = None) -> tuple[str, ...]:
    """The message in every language, English first, without repeats: what a
    reader accepts (a csv header or a template label written in either)."""
    out: list[str] = []
    for lang in LANGUAGES[::-1]:  # en first
        cat = catalog(lang)
        text = cat.gettext(message) if context is None else cat.pgettext(context, message)
        if text not in out:
            out.append(text)
    return tuple(out)


class Labels:
    """The named words of one report, template or reader: column headers,
    row labels, the words of a type column.

        COLUMNS = Labels(unit=N_("Unit"), total=N_("Total"), rank=N_("Rank"))
        COLUMNS["rank"]          # "名次" or "Rank", in the active language
        COLUMNS.key_of("名次")   # "rank": a header read in either language
        COLUMNS.key_of("Rank")   # "rank"

    The message ids are marked with ``N_`` (or ``NP_``, with a context) where
    they are written, so the extractor finds them; the lookup in the other
    direction is built on first use and holds every language, whatever the
    active one.
    """

    def __init__(self, **texts: str | tuple[str, str]) -> None:
        self.texts = texts
        self._keys: dict[str, str] | None = None

    def __getitem__(self, key: str) -> str:
        text = self.texts[key]
        return pgettext(*text) if isinstance(text, tuple) else _(text)

    def __contains__(self, key: object) -> bool:
        return key in self.texts

    def keys(self):
        return self.texts.keys()

    def key_of(self, text: str) -> str | None:
        """The key whose label, in any language, is ``text`` (spaces around it
        ignored); None when no label reads so."""
        if self._keys is None:
            self._keys = {}
            for key, label in self.texts.items():
                context, message = label if isinstance(label, tuple) else (None, label)
                for spelling in every_language(message, context):
                    self._keys.setdefault(spelling.strip(), key)
        return self._keys.get(text.strip())


# ------------------------------------------------------------ the global domain

@contextmanager
def global_domain(lang: str) -> Iterator[None]:
    """Bind the stdlib's global gettext domain to our catalog in ``lang`` inside the block.

    Libraries that call ``gettext.gettext`` (click: Usage, Options, its
    error messages) then speak ``lang``: the catalog holds their messages too.
    The stdlib picks the language of the global domain from the LANGUAGE
    variable, so it is set for the block and restored afterwards (a child
    process started inside the block inherits it).
    """
    previous_domain = _gettext.textdomain()
    previous_language = os.environ.get("LANGUAGE")
    _gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    _gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = CATALOG_LOCALES.get(lang, "en")
    try:
        yield
    finally:
        _gettext.textdomain(previous_domain)
        if previous_language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = previous_language
