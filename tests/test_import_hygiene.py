"""The domain never imports Textual: each domain module imports cleanly without it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import qca

DOMAIN = sorted(
    f"qca.{m.name}" for m in pkgutil.iter_modules(qca.__path__) if m.name not in {"tui"}
)


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = [m for m in ('textual', 'matplotlib.pyplot') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "textual" not in result.stdout.split(","), f"{module} imports textual"


def test_importing_qca_connects_nothing() -> None:
    code = "import sqlite3, qca.store, qca.cli; print(len([1]))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
