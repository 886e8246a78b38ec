"""pyproject.toml in the form the build requirement accepts without deprecation warnings."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PYPROJECT = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))


def test_license_is_an_spdx_expression_and_the_build_understands_it() -> None:
    # A TOML table (license = {text = ...}) is deprecated; setuptools reads the SPDX string
    # form from version 77 on, so the build requirement must ask for at least that.
    assert PYPROJECT["project"]["license"] == "MIT"
    (setuptools,) = [r for r in PYPROJECT["build-system"]["requires"] if r.startswith("setuptools")]
    minimum = re.fullmatch(r"setuptools>=(\d+)(\.\d+)*", setuptools)
    assert minimum and int(minimum.group(1)) >= 77
