#!/usr/bin/env bash
# Install gkscore with its test extra into .venv and run the whole test suite.
# The tests need programs that pip cannot install; each is checked on its own
# and the missing ones are installed with apt (as root), so those tests always
# run and are never skipped:
#   soffice (LibreOffice Calc)  libreoffice-calc-nogui    recalculates generated workbooks
#   LibreOffice Writer          libreoffice-writer-nogui  converts the 通报 docx to PDF
#   a Chinese font              fonts-noto-cjk            PDF and chart glyphs
#   pdftotext, pdffonts ...     poppler-utils             reads the PDFs back
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
missing=()
has_lo_part() {  # a LibreOffice component: its library in the program folder
  local dir
  for dir in /usr/lib/libreoffice/program /opt/libreoffice*/program; do
    [ -e "$dir/$1" ] && return 0
  done
  return 1
}
command -v soffice >/dev/null 2>&1 && has_lo_part libsclo.so || missing+=(libreoffice-calc-nogui)
command -v soffice >/dev/null 2>&1 && has_lo_part libswlo.so || missing+=(libreoffice-writer-nogui)
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh family 2>/dev/null)" ]; then
  missing+=(fonts-noto-cjk)
fi
for tool in pdftotext pdffonts pdftoppm; do
  if ! command -v "$tool" >/dev/null 2>&1; then missing+=(poppler-utils); break; fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} for the tests..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "error: the tests need these Debian packages: ${missing[*]} (install them as root and rerun)" >&2
    exit 2
  fi
fi

"$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# A plain (non-editable) install: the tests run against what users get.
.venv/bin/python -m pip install --quiet ".[test]"
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
