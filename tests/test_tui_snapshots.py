"""Snapshots of the coding screen at 80x24 and 120x40 (fixed data, no clock, no NLP note).

Update after an intended change of the screen with
``pytest tests/test_tui_snapshots.py --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

import pytest
from tui_fixtures import fixed_suggestions, long_path, many_path, project_path  # noqa: F401

from qca.tui.app import make_app
from qca.tui.screens.coding import SUGGEST_DELAY

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


def test_codebook_browser_lead_80(snap_compare, project_path):
    """The lead's view fits 80 columns: counts (yours/all) first, then the names."""
    assert snap_compare(_app(project_path, lead=True), press=["1", "B"], terminal_size=NARROW)


def test_empty_filter(snap_compare, project_path):
    assert snap_compare(_app(project_path, where=["amt=nirgends"]), terminal_size=NARROW)


async def _suggestions_shown(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until the (fixed) suggestions of the first segment are on screen."""
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(2 * SUGGEST_DELAY)
    await pilot.pause()


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
def test_17_categories_last_highlighted(snap_compare, many_path, size):
    """The list has scrolled with the highlight to the 17th category; the title names
    the assigned category [1] that is now above the visible rows (at 80x24)."""
    assert snap_compare(_app(many_path), press=["1", *["down"] * 16], terminal_size=size)


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
def test_suggestions_with_a_long_name(snap_compare, many_path, fixed_suggestions, size):
    """★1's long name ends in an ellipsis; ★2 and ★3 stay on their lines; S in the footer."""
    assert snap_compare(_app(many_path, suggest=True), terminal_size=size,
                        run_before=_suggestions_shown)


@pytest.mark.parametrize(("size", "keys"), [(NARROW, ["down", "D"]), (WIDE, ["down"])],
                         ids=["80x24", "120x40"])
def test_definition_shown(snap_compare, many_path, fixed_suggestions, size, keys):
    """D at 80x24: the definition takes the suggestions' place; 120x40 shows it beside."""
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _suggestions_shown(pilot)
        await pilot.press(*keys)

    assert snap_compare(_app(many_path, suggest=True), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "120x40"])
def test_message_line(snap_compare, project_path, size):
    """A message has a line of its own above the footer; text and categories stay."""
    assert snap_compare(_app(project_path), press=["1", "U", "U"], terminal_size=size)


def test_long_passage_says_more_below(snap_compare, long_path):
    """A passage longer than the text panel ends in "▼ more below: PgDn" on its border."""
    assert snap_compare(_app(long_path), terminal_size=NARROW)


# --- German (QCA_LANG=de): nothing cut or wrapped away at 80x24 ----------------------------


def test_start_german(snap_compare, project_path, german):
    """The footer keeps W Filter; the keys that do not fit are counted on "? Hilfe +N"."""
    assert snap_compare(_app(project_path), terminal_size=NARROW)


def test_help_german(snap_compare, project_path, german):
    assert snap_compare(_app(project_path), press=["question_mark"], terminal_size=NARROW)


def test_filter_dialog_german(snap_compare, project_path, german):
    assert snap_compare(_app(project_path), press=["W"], terminal_size=NARROW)


def test_memo_dialog_german(snap_compare, project_path, german):
    assert snap_compare(_app(project_path), press=["1", "F", "M", *"Rückfrage"],
                        terminal_size=NARROW)
