from __future__ import annotations

import sqlite3
import threading

import pytest

from qca.coding import (
    redo,
    set_coding,
    set_flag,
    set_memo,
    toggle_coding,
    touch_position,
    undo,
    validate_coder,
)
from qca.errors import CodingError, ProjectError
from qca.store import Project


def codes(project: Project, coder: str, segment: str) -> set[str]:
    return {c.category for c in project.codings(coder=coder, segment_id=segment)}


def test_toggle_assigns_and_removes_with_events(survey_project: Project) -> None:
    seg = "1#chancen"
    toggle_coding(survey_project, seg, "CH_REFL", "anna")
    toggle_coding(survey_project, seg, "CH_ZUS", "anna")
    assert codes(survey_project, "anna", seg) == {"CH_REFL", "CH_ZUS"}
    toggle_coding(survey_project, seg, "CH_REFL", "anna")
    assert codes(survey_project, "anna", seg) == {"CH_ZUS"}
    actions = [e.action for e in survey_project.events(actor="anna")]
    assert actions == ["coding", "coding", "coding"]
    last = survey_project.events(actor="anna")[-1]
    assert last.before["origin"] == "manual" and last.after is None


def test_set_coding_is_idempotent(survey_project: Project) -> None:
    assert set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True) is not None
    assert set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True) is None


@pytest.mark.parametrize(
    ("segment", "category", "message"),
    [
        ("99#chancen", "CH_REFL", "does not exist"),
        ("1#chancen", "NOPE", "not in the codebook"),
        ("1#chancen", "CH", "is a group"),
        ("1#chancen", "HE_SPR", "does not belong to question"),
    ],
)
def test_bad_codings_are_refused(survey_project: Project, segment, category, message) -> None:
    before = survey_project.count("events")
    with pytest.raises(CodingError, match=message):
        set_coding(survey_project, segment, category, "anna", True)
    assert survey_project.count("events") == before


def test_unbound_categories_are_offered_everywhere(survey_project: Project) -> None:
    set_coding(survey_project, "1#herausforderungen", "MEMO", "anna", True)
    assert codes(survey_project, "anna", "1#herausforderungen") == {"MEMO"}


def test_undo_redo_across_reopen(survey_project: Project) -> None:
    path = survey_project.path
    toggle_coding(survey_project, "1#chancen", "CH_REFL", "anna")
    toggle_coding(survey_project, "2#chancen", "CH_ZUS", "anna")
    set_memo(survey_project, "2#chancen", "anna", "unsicher")
    survey_project.close()
    proj = Project.open(path)
    assert undo(proj, "anna").action == "undo"  # memo
    assert proj.conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 0
    undo(proj, "anna")
    assert codes(proj, "anna", "2#chancen") == set()
    assert codes(proj, "anna", "1#chancen") == {"CH_REFL"}
    redo(proj, "anna")
    assert codes(proj, "anna", "2#chancen") == {"CH_ZUS"}
    # a new change clears the redo stack
    toggle_coding(proj, "4#chancen", "CH_ZUS", "anna")
    redo_result = redo(proj, "anna")
    assert redo_result is None
    proj.close()


def test_undo_is_per_coder(survey_project: Project) -> None:
    toggle_coding(survey_project, "1#chancen", "CH_REFL", "anna")
    toggle_coding(survey_project, "1#chancen", "CH_ZUS", "ben")
    undo(survey_project, "anna")
    assert codes(survey_project, "anna", "1#chancen") == set()
    assert codes(survey_project, "ben", "1#chancen") == {"CH_ZUS"}
    assert undo(survey_project, "anna") is None


def test_undo_everything_restores_empty_state(survey_project: Project) -> None:
    for seg, cat in [("1#chancen", "CH_REFL"), ("1#chancen", "CH_ZUS"), ("1#chancen", "CH_REFL")]:
        toggle_coding(survey_project, seg, cat, "anna")
    set_flag(survey_project, "1#chancen", "anna", True)
    while undo(survey_project, "anna"):
        pass
    assert survey_project.count("codings") == 0
    assert survey_project.count("notes") == 0
    while redo(survey_project, "anna"):
        pass
    assert codes(survey_project, "anna", "1#chancen") == {"CH_ZUS"}


@pytest.mark.parametrize("name", ["", "  ", "a,b", "x;y", "a\nb", "x" * 65])
def test_bad_coder_names(name: str) -> None:
    with pytest.raises(CodingError):
        validate_coder(name)


def test_full_disk_loses_nothing_committed(survey_project: Project) -> None:
    """SQLITE_FULL (simulated with max_page_count) becomes a clear error; prior work stays."""
    from qca.errors import ProjectError

    toggle_coding(survey_project, "1#chancen", "CH_REFL", "anna")
    pages = survey_project.conn.execute("PRAGMA page_count").fetchone()[0]
    survey_project.conn.execute(f"PRAGMA max_page_count = {pages}")
    filler = "x" * 4000
    with pytest.raises(ProjectError, match="disk is full"):
        for i in range(50):
            set_memo(survey_project, "2#chancen", "anna", filler * (i + 1))
    survey_project.conn.execute("PRAGMA max_page_count = 1073741823")
    assert codes(survey_project, "anna", "1#chancen") == {"CH_REFL"}
    assert survey_project.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    toggle_coding(survey_project, "2#chancen", "CH_ZUS", "anna")
    assert codes(survey_project, "anna", "2#chancen") == {"CH_ZUS"}


def _resume_point(project: Project, coder: str) -> str | None:
    row = project.conn.execute(
        "SELECT last_segment FROM coders WHERE name = ?", (coder,)).fetchone()
    return row[0] if row else None


def test_touch_position_without_waiting_fails_at_once_on_a_busy_project(
    survey_project: Project,
) -> None:
    survey_project.conn.execute("PRAGMA busy_timeout = 15000")
    other = sqlite3.connect(survey_project.path, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.0, other.rollback)  # a waiting writer would get through
    release.start()
    try:
        with pytest.raises(ProjectError, match="busy"):
            touch_position(survey_project, "anna", "1#chancen", wait=False)
    finally:
        release.join()
        other.close()
    assert survey_project.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 15000
    assert _resume_point(survey_project, "anna") is None
    touch_position(survey_project, "anna", "1#chancen", wait=False)
    assert _resume_point(survey_project, "anna") == "1#chancen"


def test_a_new_coder_may_not_differ_from_a_known_one_in_case_only(
        survey_project: Project) -> None:
    from qca.coding import check_new_coder

    set_coding(survey_project, "1#chancen", "CH_REFL", "lena", True)
    assert check_new_coder(survey_project, "lena") == "lena"
    assert check_new_coder(survey_project, "lena2") == "lena2"  # a new coder is fine
    with pytest.raises(CodingError, match="but 'lena' is"):
        check_new_coder(survey_project, "Lena")


def test_undo_says_whether_it_changed_the_memo_or_the_flag(survey_project: Project) -> None:
    set_memo(survey_project, "1#chancen", "anna", "unsicher")
    set_flag(survey_project, "1#chancen", "anna", True)
    assert undo(survey_project, "anna").description == "flag cleared"
    assert undo(survey_project, "anna").description == "memo removed"
    assert redo(survey_project, "anna").description == "memo restored"
    assert redo(survey_project, "anna").description == "flag set"
