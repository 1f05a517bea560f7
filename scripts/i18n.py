#!/usr/bin/env python3
"""Keep the message catalogs in step with the source (needs Babel: pip install -e '.[test]').

    python scripts/i18n.py            # extract + update + compile + check (the usual run)
    python scripts/i18n.py extract    # list every message id found, with where it comes from
    python scripts/i18n.py update     # add new message ids to the .po files, drop unused ones
    python scripts/i18n.py compile    # .po -> .mo (commit both)
    python scripts/i18n.py check      # list message ids without a translation; exit 1 if any

The message ids are every string marked with _(), N_(), ngettext(),
pgettext() ... under src/gkscore, plus click's own messages (Usage, Options,
its errors), taken from the installed click's source: click translates them
through the stdlib's global gettext domain, which gkscore binds to the same
catalog.  After ``update``, translate the new entries (empty msgstr) in
src/gkscore/locale/<lang>/LC_MESSAGES/gkscore.po, then run the script again.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "gkscore"
LOCALE_DIR = SOURCE / "locale"
DOMAIN = "gkscore"
LOCALES = ("zh_CN",)
PLURAL_FORMS = {"zh_CN": "nplurals=1; plural=0;"}

# click translates some words it builds at run time, not as literals:
# `_(extra["required"])` in Option.get_help_record.
CLICK_RUNTIME_MESSAGES = ("required",)
CLICK_COMMENT = "click's own message (translated through the global gettext domain)"
HEADER_COMMENT = (
    "# Translations of gkscore's messages, and of click's, which gkscore binds to the same catalog.\n"
    "# Update with: python scripts/i18n.py  (see README, Language)."
)


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _click_dir() -> Path:
    import click

    return Path(click.__file__).resolve().parent


def extract():
    """A Babel Catalog (the template) of every message id of gkscore and click."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    template = Catalog(project="gkscore", domain=DOMAIN, charset="utf-8")
    keywords = dict(DEFAULT_KEYWORDS)
    keywords["NP_"] = ((1, "c"), 2)  # gkscore.i18n.NP_(context, message): marked, not translated
    for where, base, comment in ((SOURCE, "src/gkscore", None), (_click_dir(), "click", CLICK_COMMENT)):
        for filename, lineno, message, comments, context in extract_from_dir(
            str(where), method_map=[("**.py", "python")], keywords=keywords, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
        ):
            if not message or (isinstance(message, tuple) and not message[0]):
                continue
            auto = list(comments) + ([comment] if comment else [])
            location = (f"{base}/{filename}".replace(os.sep, "/"), lineno)
            template.add(message, None, [location], auto_comments=auto, context=context)
    for message in CLICK_RUNTIME_MESSAGES:
        template.add(message, None, [("click/core.py", 0)], auto_comments=[CLICK_COMMENT])
    return template


def read_po(locale: str):
    from babel.messages.pofile import read_po as babel_read_po

    path = po_path(locale)
    if not path.exists():
        from babel.messages.catalog import Catalog

        return Catalog(locale=locale, domain=DOMAIN, project="gkscore", charset="utf-8")
    with open(path, "rb") as fh:
        return babel_read_po(fh, locale=locale, domain=DOMAIN)


def write_po(catalog, locale: str) -> None:
    from babel.messages.pofile import write_po as babel_write_po

    catalog.project = "gkscore"
    catalog.version = ""
    catalog.language_team = "gkscore"
    catalog.last_translator = "gkscore developers"
    catalog.msgid_bugs_address = ""
    catalog.copyright_holder = "gkscore developers"
    catalog.header_comment = HEADER_COMMENT
    # A fuzzy header would be left out of the .mo, and with it the plural rule.
    catalog.fuzzy = False
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    babel_write_po(buf, catalog, width=100, sort_output=True, ignore_obsolete=True, include_previous=False, include_lineno=False)
    text = _plural_forms(buf.getvalue(), locale)
    path.write_bytes(text)


def _plural_forms(data: bytes, locale: str) -> bytes:
    """Babel writes its own Plural-Forms for zh_CN; state it explicitly (one form)."""
    lines = data.split(b"\n")
    wanted = f'"Plural-Forms: {PLURAL_FORMS[locale]}\\n"'.encode()
    return b"\n".join(wanted if line.startswith(b'"Plural-Forms:') else line for line in lines)


def mo_bytes(catalog) -> bytes:
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def update(template=None) -> None:
    template = template or extract()
    for locale in LOCALES:
        catalog = read_po(locale)
        if po_path(locale).exists():
            template.creation_date = catalog.creation_date  # no churn in the header
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        write_po(catalog, locale)
        print(f"updated {po_path(locale).relative_to(ROOT)}: {len(catalog)} messages")


def compile_all() -> None:
    for locale in LOCALES:
        catalog = read_po(locale)
        mo_path(locale).write_bytes(mo_bytes(catalog))
        print(f"compiled {mo_path(locale).relative_to(ROOT)}")


def untranslated(locale: str, template=None) -> list[str]:
    """Message ids of the template with no (or a fuzzy) translation in ``locale``."""
    template = template or extract()
    catalog = read_po(locale)
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        strings = found.string if found is not None else None
        if isinstance(strings, tuple):
            ok = all(strings)
        else:
            ok = bool(strings)
        if found is None or not ok or found.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def check(template=None) -> int:
    bad = 0
    for locale in LOCALES:
        for msgid in untranslated(locale, template):
            print(f"{locale}: no translation for {msgid!r}")
            bad += 1
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", nargs="?", default="all", choices=["all", "extract", "update", "compile", "check"])
    args = parser.parse_args(argv)
    if args.step == "extract":
        for message in extract():
            if message.id:
                print(f"{message.locations[0][0]}:{message.locations[0][1]}: {message.id!r}")
        return 0
    if args.step == "update":
        update()
        return 0
    if args.step == "compile":
        compile_all()
        return 0
    if args.step == "check":
        return check()
    template = extract()
    update(template)
    compile_all()
    return check(template)


if __name__ == "__main__":
    sys.exit(main())
