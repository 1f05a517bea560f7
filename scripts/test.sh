#!/usr/bin/env bash
# Install gkscore with its test extra into .venv and run the whole test suite.
# LibreOffice (Debian package libreoffice-calc-nogui) is needed by the tests
# that open generated workbooks and recalculate formulas; it is installed here
# when missing, so those tests always run and are never skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if ! command -v soffice >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing LibreOffice (libreoffice-calc-nogui) for the workbook tests..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
  else
    echo "error: the tests need LibreOffice: install the Debian package libreoffice-calc-nogui (as root) and rerun" >&2
    exit 2
  fi
fi

"$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# A plain (non-editable) install: the tests run against what users get.
.venv/bin/python -m pip install --quiet ".[test]"
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
