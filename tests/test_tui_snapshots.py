"""Snapshots of the coding screen at 80x24 and 120x40 (fixed data, no clock, no NLP note).

Update after an intended change of the screen with
``pytest tests/test_tui_snapshots.py --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

import pytest
from tui_fixtures import project_path  # noqa: F401

from qca.tui.app import make_app

NARROW = (80, 24)
WIDE = (120, 40)


def _app(path, **kw):  # type: ignore[no-untyped-def]
    return make_app(path, "anna", show_pipeline=False, **kw)


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
def test_start(snap_compare, project_path, size):
    assert snap_compare(_app(project_path), terminal_size=size)


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
def test_coded_flagged_with_memo(snap_compare, project_path, size):
    keys = ["1", "3", "F", "M", *"Rueckfrage an Team", "ctrl+s"]
    assert snap_compare(_app(project_path), press=keys, terminal_size=size)


def test_definition_panel_narrow(snap_compare, project_path):
    assert snap_compare(_app(project_path), press=["down", "D"], terminal_size=NARROW)


def test_non_substantive_answer(snap_compare, project_path):
    assert snap_compare(_app(project_path, question="chancen"), press=["right", "right"],
                        terminal_size=NARROW)


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
def test_protocol_passage_with_context(snap_compare, project_path, size):
    assert snap_compare(_app(project_path, question="protokoll"), press=["right", "C"],
                        terminal_size=size)


def test_picker(snap_compare, project_path):
    assert snap_compare(_app(project_path), press=["slash", *"konf"], terminal_size=NARROW)


def test_help(snap_compare, project_path):
    assert snap_compare(_app(project_path), press=["question_mark"], terminal_size=NARROW)


def test_filter_dialog(snap_compare, project_path):
    assert snap_compare(_app(project_path), press=["W"], terminal_size=NARROW)


def test_codebook_browser(snap_compare, project_path):
    assert snap_compare(_app(project_path), press=["1", "B"], terminal_size=WIDE)


def test_empty_filter(snap_compare, project_path):
    assert snap_compare(_app(project_path, where=["amt=nirgends"]), terminal_size=NARROW)
