import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Tests never depend on the developer's colour settings or terminal width.
os.environ.setdefault("NO_COLOR", "1")
os.environ.setdefault("COLUMNS", "200")
# Messages in English unless a test asks for another language (the developer's
# locale must not decide what the assertions read).
os.environ.setdefault("GKSCORE_LANG", "en")


@pytest.fixture
def root() -> Path:
    return ROOT


def run_cli(*args: str, input: str | None = None):
    """Invoke the click app in-process; stdout and stderr kept apart (click >= 8.2)."""
    from click.testing import CliRunner

    from gkscore.cli import main

    runner = CliRunner()
    return runner.invoke(main, list(args), input=input, catch_exceptions=False)
