import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Tests never depend on the developer's colour settings or terminal width.
os.environ.setdefault("NO_COLOR", "1")
os.environ.setdefault("COLUMNS", "200")
# In-process runs speak English, whatever the developer's locale, unless a test
# asks for another language; subprocesses get the environment as it is, so a
# test can set LANG for them.
from gkscore import i18n  # noqa: E402

i18n.activate("en")


@pytest.fixture
def zh():
    """Speak Chinese in this test (the texts it asserts are the Chinese ones)."""
    with i18n.using("zh"):
        yield


@pytest.fixture
def root() -> Path:
    return ROOT


def run_cli(*args: str, input: str | None = None):
    """Invoke the click app in-process; stdout and stderr kept apart (click >= 8.2)."""
    from click.testing import CliRunner

    from gkscore.cli import main

    runner = CliRunner()
    return runner.invoke(main, list(args), input=input, catch_exceptions=False, env={"GKSCORE_LANG": "en"})
