"""The layer contracts in pyproject.toml ([tool.importlinter]) hold, and they catch a breach.

``lint-imports`` analyses the import graph statically, so it also sees imports inside
functions, which the subprocess checks of test_import_hygiene.py cannot.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

CONTRACTS = ["The domain never imports Textual", "Only the CLI opens the TUI",
             "Only the store wraps sqlite-utils"]


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the ``qca`` package under ``root`` with its pyproject.toml."""
    code = ("import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))")
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True,
                          text=True)


def test_the_contracts_are_kept() -> None:
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in CONTRACTS:
        assert f"{name} KEPT" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("counts.py", "import textual.widgets", CONTRACTS[0]),
    ("status.py", "from qca.tui import app", CONTRACTS[1]),
    ("tui/app.py", "from qca import cli", CONTRACTS[1]),
    ("merge.py", "import sqlite_utils", CONTRACTS[2]),
])
def test_a_breach_breaks_its_contract(tmp_path: Path, module: str, line: str,
                                      contract: str) -> None:
    shutil.copytree(REPO / "qca", tmp_path / "qca", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    path = tmp_path / "qca" / module
    path.write_text(path.read_text("utf-8") + f"\n\ndef _breach() -> None:\n    {line}\n",
                    "utf-8")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1
    assert f"{contract} BROKEN" in result.stdout
