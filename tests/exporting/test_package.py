"""The exporting package: every module imports without Textual, and polars and pyreadstat
load only when a Stata or SPSS data file is written."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import qca.exporting

MODULES = sorted(f"qca.exporting.{m.name}" for m in pkgutil.iter_modules(qca.exporting.__path__))


@pytest.mark.parametrize("module", ["qca.exporting", *MODULES])
def test_module_imports_without_textual_pyplot_or_the_data_file_writers(module):
    code = (f"import sys, importlib; importlib.import_module({module!r}); "
            "print(','.join(m for m in ('textual', 'matplotlib.pyplot', 'polars', 'pyreadstat') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} imports {result.stdout.strip()}"


def test_the_package_names_its_public_surface():
    assert set(qca.exporting.__all__) == {"FORMATS", "ExportResult", "export", "format_for"}
    assert qca.exporting.FORMATS == ("long", "wide", "notes", "xlsx", "spss", "sav", "stata",
                                     "qdpx")


def test_the_cli_offers_every_format_the_package_writes():
    """``qca export --format`` lists its choices itself (importing the package would slow
    every command's start); they must stay the package's."""
    from qca.cli import cli

    option = next(p for p in cli.commands["export"].params if p.name == "fmt")
    assert tuple(option.type.choices) == qca.exporting.FORMATS
