"""The domain side of the coding screen: lists, navigation, progress, resume, blindness."""

from __future__ import annotations

import subprocess
import sys

import pytest
from tui_fixtures import build_project, project, project_path  # noqa: F401

from qca import coding
from qca.errors import CodingError, InputError
from qca.session import SegmentFilter, Session, parse_where
from qca.store import Project


def test_lists_segments_in_seq_order(project):
    s = Session(project, "anna")
    assert len(s) == 16
    assert s.ids[:3] == ["R001#chancen", "R001#herausforderungen", "R002#chancen"]
    assert s.current_id == "R001#chancen"


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (SegmentFilter(question="chancen"), 6),
        (SegmentFilter(question="protokoll"), 4),
        (SegmentFilter(where=(("amt", "Ordnungsamt"),)), 4),
        (SegmentFilter(question="chancen", where=(("amt", "Sozialamt"),)), 1),
        (SegmentFilter(where=(("amt", "nirgends"),)), 0),
        (SegmentFilter(where=(("treffen", "1"),)), 4),
    ],
)
def test_filters_by_question_and_variables(project, flt, expected):
    assert len(Session(project, "anna", flt)) == expected


def test_parse_where():
    assert parse_where(["amt=Ordnungsamt", " x = 1 "]) == (("amt", "Ordnungsamt"), ("x", "1"))
    with pytest.raises(InputError):
        parse_where(["amt"])


def test_non_substantive_excluded_from_total_and_uncoded(project):
    s = Session(project, "anna", SegmentFilter(question="chancen"))
    p = s.progress()
    assert (p.coded, p.total, p.non_substantive, p.segments) == (0, 5, 1, 6)
    s.go(1)
    s.next_uncoded()
    assert s.current_id == "R004#chancen"  # R003 is "k.A."
    s2 = Session(project, "anna", SegmentFilter(question="chancen", include_nonsubstantive=True))
    assert s2.progress().total == 6


def test_toggle_updates_progress_and_view(project):
    s = Session(project, "anna", SegmentFilter(question="chancen"))
    s.toggle("CH_LERNEN")
    s.toggle("CH_KONFLIKT")
    view = s.view()
    assert view is not None and view.categories == {"CH_LERNEN", "CH_KONFLIKT"}
    assert s.progress().coded == 1
    s.toggle("CH_LERNEN")
    s.toggle("CH_KONFLIKT")
    assert s.progress().coded == 0
    assert s.view().categories == frozenset()


def test_next_uncoded_wraps_and_reports_done(project):
    s = Session(project, "anna", SegmentFilter(question="herausforderungen"))
    for _ in range(len(s)):
        if s.is_substantive(s.current_id):
            s.toggle("HE_SPRACHE")
        s.next()
    assert s.progress().remaining == 0
    assert s.next_uncoded() is False


def test_status_filters_are_snapshots(project):
    s = Session(project, "anna", SegmentFilter(question="chancen"))
    s.toggle("CH_LERNEN")
    s.toggle_flag()
    assert Session(project, "anna", SegmentFilter(status="coded")).ids == ["R001#chancen"]
    assert Session(project, "anna", SegmentFilter(status="flagged")).ids == ["R001#chancen"]
    unc = Session(project, "anna", SegmentFilter(question="chancen", status="uncoded"))
    assert len(unc) == 4  # 6 answers minus the coded one minus "k.A."
    unc.toggle("CH_LERNEN")
    assert len(unc) == 4 and unc.progress().coded == 1


def test_blind_coders_see_only_their_own(project):
    anna = Session(project, "anna")
    anna.toggle("CH_LERNEN")
    ben = Session(project, "ben")
    assert ben.view().categories == frozenset()
    assert ben.progress().coded == 0
    assert anna.view().categories == {"CH_LERNEN"}


def test_resume_at_last_segment(project_path):
    with Project.open(project_path) as proj:
        s = Session(proj, "anna")
        s.go(5)
        s.toggle("HE_KONKURRENZ")
        s.next()
        s.remember_position()
        where = s.current_id
    with Project.open(project_path) as proj:
        assert Session(proj, "anna").current_id == where
        assert Session(proj, "ben").current_id == "R001#chancen"


def test_undo_redo_move_to_the_changed_segment(project):
    s = Session(project, "anna")
    s.toggle("CH_LERNEN")
    s.go(3)
    change = s.undo()
    assert change is not None and s.current_id == "R001#chancen"
    assert s.view().categories == frozenset() and s.progress().coded == 0
    s.go(3)
    s.redo()
    assert s.current_id == "R001#chancen" and s.progress().coded == 1
    assert s.undo() is not None and s.undo() is None


def test_memo_and_flag(project):
    s = Session(project, "anna")
    s.set_memo("  unsicher, Rückfrage  ")
    s.toggle_flag()
    v = s.view()
    assert v.memo == "unsicher, Rückfrage" and v.flagged
    assert s.progress().flagged == 1
    s.toggle_flag()
    assert not s.view().flagged and s.progress().flagged == 0


@pytest.mark.parametrize(
    ("ref", "expected"),
    [("P1#2", "P1#2"), ("3", "R002#chancen"), ("R004", "R004#chancen"), ("P1#", "P1#1")],
)
def test_jump(project, ref, expected):
    s = Session(project, "anna")
    s.jump(ref)
    assert s.current_id == expected


def test_jump_errors(project):
    s = Session(project, "anna", SegmentFilter(question="chancen"))
    with pytest.raises(CodingError, match="not in the current filter"):
        s.jump("P1#2")
    with pytest.raises(CodingError, match="no segment"):
        s.jump("XYZ")


def test_neighbours_of_a_protocol_passage(project):
    s = Session(project, "anna", SegmentFilter(question="protokoll"))
    s.jump("P1#2")
    before, after = s.neighbours(s.view().segment)
    assert [b.id for b in before] == ["P1#1"] and [a.id for a in after] == ["P1#3"]


def test_empty_filter_is_safe(project):
    s = Session(project, "anna", SegmentFilter(where=(("amt", "nirgends"),)))
    assert s.view() is None and not s.next() and not s.next_uncoded()
    with pytest.raises(CodingError):
        s.toggle("CH_LERNEN")


def test_changes_from_elsewhere_show_after_refresh(project):
    s = Session(project, "anna")
    coding.set_coding(project, "R001#chancen", "CH_ZUSAMMEN", "anna", True)
    assert s.view().categories == {"CH_ZUSAMMEN"}


def test_domain_modules_do_not_import_textual():
    code = "import sys, qca.session, qca.coding, qca.store; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_context_of_a_survey_answer_is_the_same_respondent(project):
    s = Session(project, "anna")
    s.jump("R002#herausforderungen")
    before, after = s.neighbours(s.view().segment)
    assert [b.id for b in before] == ["R002#chancen"] and after == []


def _stored_resume_point(path, coder: str = "anna") -> str | None:
    with Project.open(path) as other:
        row = other.conn.execute(
            "SELECT last_segment FROM coders WHERE name = ?", (coder,)).fetchone()
    return row[0] if row else None


def test_position_saved_follows_moves_changes_and_remember(project_path):
    with Project.open(project_path) as proj:
        s = Session(proj, "anna")
        assert not s.position_saved  # nothing stored yet
        s.toggle("CH_LERNEN")
        assert s.position_saved and _stored_resume_point(project_path) == "R001#chancen"
        s.go(3)
        assert not s.position_saved  # moving alone writes nothing
        assert _stored_resume_point(project_path) == "R001#chancen"
        s.remember_position(wait=False)
        assert s.position_saved and _stored_resume_point(project_path) == s.current_id
        s.go(0)
        assert not s.position_saved
        s.go(3)
        assert s.position_saved  # back where the resume point is
        s.go(4)
        s.undo()  # undo goes to (and stores) the changed segment
        assert s.current_id == "R001#chancen" and s.position_saved
    with Project.open(project_path) as proj:
        s = Session(proj, "anna")
        assert s.current_id == "R001#chancen" and s.position_saved
