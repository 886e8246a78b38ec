"""Fixtures of the export tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporting.carry import build


@pytest.fixture
def carry(tmp_path: Path):
    """The project of :mod:`exporting.carry`: texts, memos, flags, a reason, a split."""
    project = build(tmp_path / "carry.qca")
    yield project
    project.close()
