"""The session pages its list: it never reads the whole list, yet navigation, "next uncoded",
jumps and progress agree with the whole list read at once (the oracle below)."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest
from tui_fixtures import build_project, project_path, recording_app  # noqa: F401

from qca import coding, session as session_module
from qca.session import SegmentFilter, Session
from qca.store import Project


@pytest.fixture
def big_path(tmp_path):
    """1,004 segments: five pages of the real page size."""
    return build_project(tmp_path / "big.qca", answers=500)


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 7 rows, so that a small project crosses many page boundaries."""
    monkeypatch.setattr(session_module, "_PAGE", 7)


def _oracle(project: Project, coder: str, flt: SegmentFilter) -> tuple[list[str], dict]:
    """The list and progress of ``flt``, from every row at once (what the session avoids)."""
    coded = {r[0] for r in project.conn.execute(
        "SELECT segment_id FROM codings WHERE coder = ?", (coder,))}
    flagged = {r[0] for r in project.conn.execute(
        "SELECT segment_id FROM notes WHERE coder = ? AND flagged = 1", (coder,))}
    rows = project.conn.execute(
        "SELECT s.id, s.question, s.substantive, src.variables FROM segments s "
        "JOIN sources src ON src.id = s.source_id ORDER BY s.seq").fetchall()
    keep = flt.include_nonsubstantive
    listed = []
    for sid, question, sub, variables in rows:
        values = json.loads(variables)
        if flt.question is not None and question != flt.question:
            continue
        if any(str(values.get(k)) != v for k, v in flt.where):
            continue
        if flt.status == "coded" and sid not in coded:
            continue
        if flt.status == "flagged" and sid not in flagged:
            continue
        if flt.status == "uncoded" and (sid in coded or not (sub or keep)):
            continue
        listed.append((sid, bool(sub)))
    non_sub = sum(1 for _, sub in listed if not sub)
    counted = [sid for sid, sub in listed if sub or keep]
    progress = {"coded": sum(1 for sid in counted if sid in coded), "total": len(counted),
                "flagged": sum(1 for sid, _ in listed if sid in flagged),
                "non_substantive": non_sub, "segments": len(listed)}
    return [sid for sid, _ in listed], progress


def _progress(s: Session) -> dict:
    p = s.progress()
    return {"coded": p.coded, "total": p.total, "flagged": p.flagged,
            "non_substantive": p.non_substantive, "segments": p.segments}


def test_start_reads_at_most_a_page_of_rows(big_path):
    with Project.open(big_path) as project:
        s = Session(project, "anna")
        assert len(s) == 1004 and s.current_id == "R001#chancen"
        assert s.rows_read <= session_module._PAGE + 1
        # and holds no list of its own beyond that page
        held = [v for v in vars(s).values() if isinstance(v, (list, set, dict, tuple))]
        assert max(len(v) for v in held) <= session_module._PAGE
        s.view()
        s.progress()
        assert s.rows_read <= session_module._PAGE + 1


def test_resume_deep_in_a_long_list_reads_one_page(big_path):
    with Project.open(big_path) as project:
        Session(project, "anna").jump("R450#herausforderungen")
        coding.touch_position(project, "anna", "R450#herausforderungen")
        s = Session(project, "anna")
        assert s.current_id == "R450#herausforderungen" and s.position == 899
        assert s.rows_read <= session_module._PAGE + 1


@pytest.mark.parametrize("flt", [
    SegmentFilter(),
    SegmentFilter(question="chancen"),
    SegmentFilter(where=(("amt", "Sozialamt"),)),
    SegmentFilter(status="uncoded"),
    SegmentFilter(question="herausforderungen", status="coded"),
    SegmentFilter(status="uncoded", include_nonsubstantive=True),
])
def test_paged_walk_matches_the_whole_list(tmp_path, small_pages, flt):
    path = build_project(tmp_path / "p.qca", answers=30)
    with Project.open(path) as project:
        for sid in ("R002#chancen", "R005#herausforderungen", "R009#chancen", "R010#chancen"):
            coding.set_coding(project, sid, "UNKLAR", "anna", True)
        expected, progress = _oracle(project, "anna", flt)
        s = Session(project, "anna", flt)
        assert len(s) == len(expected) and _progress(s) == progress
        assert list(s.ids) == expected and s.ids[-2:] == expected[-2:]
        s.go(0)
        forward = [s.current_id]
        while s.next():
            forward.append(s.current_id)
        assert forward == expected
        backward = [s.current_id]
        while s.previous():
            backward.append(s.current_id)
        assert backward == expected[::-1]
        for i in (len(expected) - 1, 3, 17, 0, 11):  # far jumps, not page by page
            if i < len(expected):
                s.go(i)
                assert (s.current_id, s.position) == (expected[i], i)
                assert s.view().index == i


def test_next_uncoded_across_pages_and_wrapping(tmp_path, small_pages):
    path = build_project(tmp_path / "p.qca", answers=30)
    with Project.open(path) as project:
        everything, _ = _oracle(project, "anna", SegmentFilter())
        uncoded = set(_oracle(project, "anna", SegmentFilter(status="uncoded"))[0])
        for sid in everything:  # code all but two, far apart
            if sid in uncoded and sid not in ("R004#chancen", "R026#herausforderungen"):
                coding.set_coding(project, sid, "UNKLAR", "anna", True)
        s = Session(project, "anna")
        assert s.current_id == "P1#4"  # resumed at the last coding, the list's end
        assert s.next_uncoded() and s.current_id == "R004#chancen"  # wrapped
        assert s.position == everything.index("R004#chancen")
        assert s.next_uncoded() and s.current_id == "R026#herausforderungen"
        assert s.position == everything.index("R026#herausforderungen")
        assert s.next_uncoded() and s.current_id == "R004#chancen"  # wrapped
        s.toggle("CH_LERNEN")
        assert s.next_uncoded() and s.current_id == "R026#herausforderungen"
        s.toggle("HE_SPRACHE")
        assert s.progress().remaining == 0 and not s.next_uncoded()
        assert _progress(s) == _oracle(project, "anna", SegmentFilter())[1]


def test_jumps_by_number_id_and_prefix_on_pages(tmp_path, small_pages):
    path = build_project(tmp_path / "p.qca", answers=30)
    with Project.open(path) as project:
        expected, _ = _oracle(project, "anna", SegmentFilter())
        s = Session(project, "anna")
        s.jump(str(len(expected)))  # the last, as G with the list's length
        assert s.current_id == expected[-1] and s.position == len(expected) - 1
        s.jump("R017#herausforderungen")
        assert s.position == expected.index("R017#herausforderungen")
        s.jump("R02")  # the first listed id with that prefix
        assert s.current_id == "R020#chancen"
        s.jump("40")
        assert s.current_id == expected[39]
        q = Session(project, "anna", SegmentFilter(question="herausforderungen"))
        assert q.hidden_by_filter("R003#chancen") == "R003#chancen"
        assert q.hidden_by_filter("R003") is None  # R003#herausforderungen is listed


def test_status_snapshot_survives_paging(tmp_path, small_pages):
    path = build_project(tmp_path / "p.qca", answers=30)
    with Project.open(path) as project:
        flt = SegmentFilter(status="uncoded")
        expected, _ = _oracle(project, "anna", flt)
        s = Session(project, "anna", flt)
        while True:  # code every listed segment on the way: none vanishes
            s.toggle("UNKLAR")
            if not s.next():
                break
        assert list(s.ids) == expected and len(s) == len(expected)
        assert s.progress().coded == s.progress().total == len(expected)
        s.go(0)
        assert s.current_id == expected[0] and not s.next_uncoded()
        s.toggle("UNKLAR")  # uncoded again: still listed once
        assert list(s.ids) == expected and s.progress().coded == len(expected) - 1
        assert Session(project, "anna", flt).ids == [expected[0]]  # a fresh snapshot


def test_undoing_a_dictionary_run_keeps_the_proposed_list(tmp_path):
    from qca.autocode import autocode

    path = build_project(tmp_path / "p.qca", answers=12)
    dictionary = tmp_path / "d.yaml"
    dictionary.write_text("CH_LERNEN: [Vorurteile]\n", encoding="utf-8")
    with Project.open(path) as project:
        autocode(project, dictionary, "dora")
        s = Session(project, "dora", SegmentFilter(status="proposed"))
        listed = list(s.ids)
        assert len(listed) >= 2 and s.progress().coded == len(listed)
        s.undo()  # the whole run
        assert list(s.ids) == listed and s.progress().coded == 0
        s.redo()
        assert list(s.ids) == listed and s.progress().coded == len(listed)


def test_progress_counted_in_another_thread_adds_later_changes(project_path, monkeypatch):
    monkeypatch.setattr(Session, "COUNT_LATER", 0)
    with Project.open(project_path) as project:
        s = Session(project, "anna", SegmentFilter(question="chancen"))
        assert s.progress_if_known() is None
        s.toggle("CH_LERNEN")  # before the count: the count sees it
        counter = s.progress_counter()
        results = []
        worker = threading.Thread(target=lambda: results.append(counter()))
        worker.start()
        worker.join()
        s.next()
        s.toggle("CH_KONFLIKT")  # after the count: added to it
        s.toggle_flag()
        assert s.adopt_progress(results[0])
        p = s.progress_if_known()
        assert p is not None and (p.coded, p.total, p.flagged) == (2, 5, 1)
        assert not s.adopt_progress(results[0])  # once only
        s.apply_filter(SegmentFilter())
        assert s.progress_if_known() is None and not s.adopt_progress(results[0])
        assert s.progress().coded == 2  # counted on the spot when asked


async def test_screen_shows_the_text_first_and_the_counts_after(project_path, monkeypatch):
    monkeypatch.setattr(Session, "COUNT_LATER", 0)
    adopted = []
    adopt = Session.adopt_progress

    def spy(self, counted):  # type: ignore[no-untyped-def]
        adopted.append(adopt(self, counted))
        return adopted[-1]

    monkeypatch.setattr(Session, "adopt_progress", spy)
    app, _ = recording_app(project_path, "anna", question="chancen")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")  # coded while the count may still run
        for _ in range(200):
            status = str(app.screen.query_one("#status-left").render())
            if "counting" not in status:
                break
            await asyncio.sleep(0.01)
        assert "1/5 coded 20%" in status and adopted[-1] is True  # counted by the worker
        await pilot.press("2")
        assert "1/5 coded" in str(app.screen.query_one("#status-left").render())
    with Project.open(project_path) as project:
        assert {c.category for c in project.codings("anna")} == {"CH_LERNEN", "CH_KONFLIKT"}


def test_a_cancelled_count_raises_one_clear_error(project_path, monkeypatch):
    from qca.errors import ProjectError

    monkeypatch.setattr(Session, "COUNT_LATER", 0)
    with Project.open(project_path) as project:
        s = Session(project, "anna")
        counter = s.progress_counter()
        assert s.counts_for(counter)
        counter.cancel()
        with pytest.raises(ProjectError, match="interrupted"):
            counter()
        s.apply_filter(SegmentFilter(question="chancen"))
        assert not s.counts_for(counter)


async def test_screen_counts_itself_when_the_worker_fails(project_path, monkeypatch):
    from qca.errors import ProjectError
    from qca.session import ProgressCounter

    def fail(self):  # type: ignore[no-untyped-def]
        raise ProjectError("t.qca: cannot read the project (disk I/O error)")

    monkeypatch.setattr(Session, "COUNT_LATER", 0)
    monkeypatch.setattr(ProgressCounter, "__call__", fail)
    app, _ = recording_app(project_path, "anna", question="chancen")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            status = str(app.screen.query_one("#status-left").render())
            if "counting" not in status:
                break
            await pilot.pause(0.01)
        assert "0/5 coded 0%" in status
