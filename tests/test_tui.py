"""The coding screen driven by Pilot: every key, the dialogs, errors as notifications."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, OptionList, TextArea, Tree
from tui_fixtures import build_project, project_path, recording_app, type_fast  # noqa: F401

from qca import coding
from qca.errors import InputError, ProjectError
from qca.store import Project
from qca.tui.app import CodingApp, make_app
from qca.tui.screens.codebook import CodebookScreen
from qca.tui.screens.coding import CodingScreen
from qca.tui.screens.filter import FilterScreen
from qca.tui.screens.help import HelpScreen
from qca.tui.screens.jump import JumpScreen
from qca.tui.screens.memo import MemoScreen
from qca.tui.screens.picker import PickerScreen
from qca.tui.widgets.categories import CategoryList
from qca.tui.widgets.segment import SegmentPanel


_app = recording_app


def _codings(path: Path, coder: str = "anna") -> set[tuple[str, str]]:
    with Project.open(path) as proj:
        return {(c.segment_id, c.category) for c in proj.codings(coder=coder)}


def _segment_text(app: CodingApp) -> str:
    return str(app.screen.query_one("#segment-text").render())


async def test_shortcuts_toggle_and_enter_moves_on(project_path):
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press("1", "2")
        assert app.session.current_id == "R001#chancen"
        assert app.session.view().categories == {"CH_LERNEN", "CH_KONFLIKT"}
        await pilot.press("2", "enter")
        assert app.session.current_id == "R001#herausforderungen"
        assert "Sprachbarrieren" in _segment_text(app)
        await pilot.press("2", "right")
        assert app.session.current_id == "R002#chancen"
        await pilot.press("left", "left")
        assert app.session.current_id == "R001#chancen"
    assert _codings(project_path) == {
        ("R001#chancen", "CH_LERNEN"), ("R001#herausforderungen", "HE_KONKURRENZ")}


async def test_shortcut_of_another_question_does_nothing(project_path):
    app, notes = _app(project_path, question="herausforderungen")
    async with app.run_test() as pilot:
        await pilot.press("3")  # 3 belongs to the chancen categories only
        assert app.session.view().categories == frozenset()
        await pilot.press("0")  # the unbound group is offered everywhere
        assert app.session.view().categories == {"UNKLAR"}
    assert not [n for n in notes if n[1] == "error"]


@pytest.mark.parametrize("key", ["tab", "N"])
async def test_next_uncoded_skips_coded_and_non_substantive(project_path, key):
    app, _ = _app(project_path, question="chancen")
    async with app.run_test() as pilot:
        await pilot.press("1", "right", "1", key)
        assert app.session.current_id == "R004#chancen"  # R003 is "k.A."


async def test_next_uncoded_when_all_done_notifies(project_path):
    app, notes = _app(project_path, question="protokoll")
    async with app.run_test() as pilot:
        for _ in range(4):
            await pilot.press("1", "enter")
        await pilot.press("tab")
    assert any("are coded" in m for m, _ in notes)


async def test_arrows_move_highlight_and_space_toggles(project_path):
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        cats = app.screen.query_one(CategoryList)
        assert cats.highlighted_category.key == "CH_LERNEN"
        await pilot.press("down", "down", "down", "space")
        assert cats.highlighted_category.key == "CH_WIRTSCHAFT"
        assert app.session.view().categories == {"CH_WIRTSCHAFT"}
        await pilot.press("down", "space")  # skips the group heading "Allgemein"
        assert app.session.view().categories == {"CH_WIRTSCHAFT", "UNKLAR"}
        await pilot.press("up", "up", "up", "up")
        assert cats.highlighted_category.key == "CH_LERNEN"


async def test_picker_finds_by_anchor_and_toggles(project_path):
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press("slash")
        assert isinstance(app.screen, PickerScreen)
        await pilot.press(*"innenstadt")
        first = app.screen.query_one("#picker-results", OptionList).highlighted_option
        assert first.id == "CH_WIRTSCHAFT"
        await pilot.press("enter")
        assert isinstance(app.screen, CodingScreen)
        assert app.session.view().categories == {"CH_WIRTSCHAFT"}
        await pilot.press("slash", *"wirt", "escape")
        assert app.session.view().categories == {"CH_WIRTSCHAFT"}


async def test_picker_ranks_name_prefix_first_and_arrows_choose(project_path):
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press("slash", *"kon")
        results = app.screen.query_one("#picker-results", OptionList)
        assert results.highlighted_option.id == "CH_KONFLIKT"
        await pilot.press("down", "enter")
        assert len(app.session.view().categories) == 1


async def test_memo_save_and_cancel(project_path):
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press("M")
        assert isinstance(app.screen, MemoScreen)
        await pilot.press(*"Rueckfrage", "ctrl+s")
        assert app.session.view().memo == "Rueckfrage"
        assert "Rueckfrage" in str(app.screen.query_one("#segment-memo").render())
        await pilot.press("M", "x", "escape")
        assert app.session.view().memo == "Rueckfrage"
        await pilot.press("M")
        app.screen.query_one(TextArea).text = ""
        await pilot.press("ctrl+s")
        assert app.session.view().memo == ""


async def test_flag_toggles_and_counts(project_path):
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press("F")
        assert app.session.view().flagged and app.session.progress().flagged == 1
        assert "flagged" in app.screen.query_one(SegmentPanel).border_subtitle
        await pilot.press("F")
        assert not app.session.view().flagged


@pytest.mark.parametrize(("undo", "redo"), [("ctrl+z", "ctrl+y"), ("U", "R")])
async def test_undo_redo_keys(project_path, undo, redo):
    app, notes = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press("1", "enter", "enter", undo)
        assert app.session.current_id == "R001#chancen"  # undo shows where it acted
        assert app.session.view().categories == frozenset()
        await pilot.press(redo)
        assert app.session.view().categories == {"CH_LERNEN"}
        await pilot.press(undo, undo)
    assert any(m == "nothing to undo" for m, _ in notes)
    assert _codings(project_path) == set()


async def test_undo_works_across_restarts(project_path):
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press("1", "2")
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+z")
    assert _codings(project_path) == {("R001#chancen", "CH_LERNEN")}


async def test_filter_dialog_by_variable_and_status(project_path):
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press("1", "W")
        assert isinstance(app.screen, FilterScreen)
        app.screen.query_one("#filter-where", Input).focus()
        await pilot.press(*"amt=Sozialamt", "enter")
        assert isinstance(app.screen, CodingScreen)
        assert app.session.ids == ["R003#chancen", "R003#herausforderungen"]
        assert "amt=Sozialamt" in str(app.screen.query_one("#status-left").render())
        await pilot.press("W")
        screen = app.screen
        screen.query_one("#filter-where", Input).value = ""
        screen.query_one("#filter-status").query("RadioButton")[2].value = True  # coded
        await pilot.press("ctrl+s")
        assert app.session.ids == ["R001#chancen"]


async def test_filter_by_question_and_non_substantive(project_path):
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press("W")
        app.screen.query_one("#filter-question").query("RadioButton")[1].value = True
        app.screen.query_one("#filter-nonsubstantive", Checkbox).value = True
        await pilot.press("ctrl+s")
        assert len(app.session) == 6 and app.session.progress().total == 6
        assert app.session.filter.question == "chancen"


async def test_filter_dialog_rejects_bad_input_and_cancels(project_path):
    app, notes = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press("W")
        app.screen.query_one("#filter-where", Input).value = "amt"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, FilterScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, CodingScreen) and len(app.session) == 16
    assert any("VAR=VALUE" in m for m, s in notes if s == "error")


async def test_empty_filter_shows_a_hint(project_path):
    app, notes = _app(project_path, where=["amt=nirgends"])
    async with app.run_test() as pilot:
        assert "No segment matches" in _segment_text(app)
        await pilot.press("1", "enter", "F", "M", "tab", "slash", "space")
        assert isinstance(app.screen, CodingScreen)
    assert not [n for n in notes if n[1] == "error"]


async def test_definition_key_toggles_the_panel(project_path):
    app, _ = _app(project_path)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.screen.query_one("#definition")
        assert not panel.display
        await pilot.press("D")
        assert panel.display
        assert "Vorurteile werden abgebaut" in str(app.screen.query_one("#definition-text").render())
        await pilot.press("down")
        assert "Perspektiven" in str(app.screen.query_one("#definition-text").render())


async def test_wide_terminal_shows_definition_beside(project_path):
    app, _ = _app(project_path)
    async with app.run_test(size=(130, 40)) as pilot:
        assert app.screen.has_class("-wide")
        panel = app.screen.query_one("#definition")
        assert panel.display
        await pilot.press("D")
        assert not panel.display


async def test_context_key_shows_neighbouring_passages(project_path):
    app, _ = _app(project_path, question="protokoll")
    async with app.run_test() as pilot:
        await pilot.press("right")
        assert not app.screen.query_one("#segment-before").display
        await pilot.press("C")
        before = str(app.screen.query_one("#segment-before").render())
        after = str(app.screen.query_one("#segment-after").render())
        assert "begrüßt" in before and "Sprechstunden" in after
        assert "Runde 1" in _segment_text(app)  # the heading of a protocol passage
        await pilot.press("C")
        assert not app.screen.query_one("#segment-before").display


@pytest.mark.parametrize("key", ["G", "ctrl+g"])
async def test_jump_by_id_prefix_and_number(project_path, key):
    app, notes = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press(key)
        assert isinstance(app.screen, JumpScreen)
        await pilot.press(*"P1#3", "enter")
        assert app.session.current_id == "P1#3"
        await pilot.press(key, *"4", "enter")
        assert app.session.current_id == "R002#herausforderungen"
        await pilot.press(key, *"nix", "enter")
        assert app.session.current_id == "R002#herausforderungen"
    assert any("no segment 'nix'" in m for m, _ in notes)


@pytest.mark.parametrize(("lead", "count"), [(False, "1 "), (True, "1/2 ")])
async def test_codebook_browser_shows_usage(project_path, lead, count):
    with Project.open(project_path) as proj:
        coding.set_coding(proj, "R002#chancen", "CH_LERNEN", "ben", True)
    app, _ = _app(project_path, lead=lead)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "B")
        assert isinstance(app.screen, CodebookScreen)
        tree = app.screen.query_one(Tree)
        labels = [str(n.label) for n in tree.root.children[0].children]
        lernen = next(lab for lab in labels if "CH_LERNEN" in lab)
        assert lernen.startswith(count)  # counts first: a narrow terminal cuts names only
        assert lead or "/" not in " ".join(labels)  # a blind coder sees only their own
        await pilot.press("down", "space", "escape")
        assert isinstance(app.screen, CodingScreen)


async def test_auto_advance(project_path):
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press("A", "1")
        assert app.session.current_id == "R001#herausforderungen"
        assert "auto" in str(app.screen.query_one("#status-left").render())
        await pilot.press("A", "1")
        assert app.session.current_id == "R001#herausforderungen"


async def test_help_lists_every_key(project_path):
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = " ".join(k for k, _ in app.screen.rows)
        for shown in ("0-9 a-z", "/", "M", "F", "W", "D", "C", "G", "B", "A", "Q", "?", "tab"):
            assert shown in keys
        await pilot.press("escape")
        assert isinstance(app.screen, CodingScreen)


async def test_page_keys_scroll_long_text(project_path):
    with Project.open(project_path) as proj, proj.transaction():
        proj.conn.execute("UPDATE segments SET text = ? WHERE id = 'R001#chancen'",
                          ("\n".join(f"Zeile {i}" for i in range(60)),))
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        panel = app.screen.query_one(SegmentPanel)
        await pilot.press("pagedown")
        assert panel.scroll_y > 0
        await pilot.press("pageup")
        assert panel.scroll_y == 0


@pytest.mark.parametrize("key", ["Q", "ctrl+q"])
async def test_quit_remembers_position(project_path, key):
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press("right", "right", "right", key)
    app, _ = _app(project_path)
    async with app.run_test():
        assert app.session.current_id == "R002#herausforderungen"


async def test_busy_project_is_a_notification_not_a_crash(project_path):
    app, notes = _app(project_path)
    async with app.run_test() as pilot:
        app.project.conn.execute("PRAGMA busy_timeout = 50")
        other = sqlite3.connect(project_path)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("1")
        finally:
            other.rollback()
            other.close()
        assert app.session.view().categories == frozenset()
        await pilot.press("1")
        assert app.session.view().categories == {"CH_LERNEN"}
    errors = [m for m, s in notes if s == "error"]
    assert len(errors) == 1 and "busy" in errors[0] and "database is locked" not in errors[0]


async def test_disk_errors_become_notifications(project_path, monkeypatch):
    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ProjectError("t.qca: the disk is full; nothing was changed")

    monkeypatch.setattr(coding, "toggle_coding", fail)
    monkeypatch.setattr(coding, "set_flag", fail)
    monkeypatch.setattr(coding, "undo", fail)
    app, notes = _app(project_path)
    async with app.run_test() as pilot:
        await pilot.press("1", "F", "ctrl+z", "enter")
        assert app.session.current_id == "R001#herausforderungen"
    assert [s for _, s in notes].count("error") == 3


async def test_memory_running_out_is_a_status_line_and_changes_nothing(project_path,
                                                                     monkeypatch):
    from conftest import snapshot_db

    before = snapshot_db(project_path)
    app, notes = _app(project_path)
    async with app.run_test() as pilot:
        def no_memory(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise MemoryError

        # Inside the coding's transaction: the resume point was written, then memory ran out.
        monkeypatch.setattr(app.project, "log", no_memory)
        await pilot.press("1")
        assert app.session.view().categories == frozenset()
        status = str(app.screen.query_one("#status-right").render())
        assert status.startswith("not enough memory for this step; nothing was changed")
    errors = [m for m, s in notes if s == "error"]
    assert len(errors) == 1 and errors[0].startswith("not enough memory")
    after = snapshot_db(project_path)
    assert after.pop("coders") != before.pop("coders")  # only quitting saved where anna was
    assert after == before


def test_factory_rejects_unknown_question_and_variable(project_path):
    with pytest.raises(InputError, match="questions are: chancen"):
        make_app(project_path, "anna", question="nope")
    with pytest.raises(InputError, match="variables are: amt"):
        make_app(project_path, "anna", where=["bezirk=Nord"])


async def test_blind_coding_on_screen(project_path):
    with Project.open(project_path) as proj:
        coding.set_coding(proj, "R001#chancen", "CH_LERNEN", "ben", True)
    app, _ = _app(project_path, coder="anna")
    async with app.run_test():
        assert app.session.view().categories == frozenset()
        assert "✔" not in str(app.screen.query_one(CategoryList).get_option_at_index(1).prompt)


async def test_codebook_change_while_coding_is_picked_up(project_path):
    from qca.revise import rename

    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        with Project.open(project_path) as proj:
            rename(proj, "CH_LERNEN", new_name="Lernen durch Vielfalt", author="lead")
        await pilot.press("right", "left")
        prompt = str(app.screen.query_one(CategoryList).get_option_at_index(1).prompt)
        assert "Lernen durch Vielfalt" in prompt


def test_build_project_is_deterministic(tmp_path):
    a = build_project(tmp_path / "a.qca")
    b = build_project(tmp_path / "b.qca")
    with Project.open(a) as pa, Project.open(b) as pb:
        assert [s.text for s in pa.segments()] == [s.text for s in pb.segments()]


_type_fast = type_fast


async def test_keys_typed_ahead_go_to_the_opening_dialog(project_path):
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        _type_fast(app, "slash", *"wirt", "enter")  # "w" ... no shortcut may fire
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.session.view().categories == {"CH_WIRTSCHAFT"}
        _type_fast(app, "slash", "1", "2", "escape")  # digits are search text here
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.session.view().categories == {"CH_WIRTSCHAFT"}
        _type_fast(app, "M", *"ab")
        await pilot.pause()
        assert app.screen.query_one(TextArea).text == "ab"


async def test_fast_keys_keep_their_order(project_path):
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        _type_fast(app, "1", "enter", "1", "enter", "2", "enter")
        await pilot.pause()
        await pilot.pause()
    assert _codings(project_path) == {("R001#chancen", "CH_LERNEN"),
                                      ("R001#herausforderungen", "HE_SPRACHE"),
                                      ("R002#chancen", "CH_KONFLIKT")}


async def test_an_unassigned_shortcut_key_says_so(project_path):
    """Lower-case q is no command (categories may use it); the message line says Q quits."""
    app, notes = _app(project_path, question="chancen")
    async with app.run_test() as pilot:
        await pilot.press("q")
        assert ("no category [q]; Q quits", "information") in notes
        await pilot.press("z")
        assert ("no category [z]; ? lists the keys", "information") in notes
        assert app.session.view().categories == frozenset()
        assert app.is_running


async def test_a_question_without_categories_says_how_to_bind_one(project_path):
    from tui_fixtures import CODEBOOK

    from qca.codebook import codebook_from_dict
    from qca.revise import replace_codebook

    # the codebook binds its group to a name the survey does not use (as issue 11 found it)
    groups = [{**c, "questions": ["chancen_vielfalt"]} if c["key"] == "CHANCEN" else c
              for c in CODEBOOK["categories"] if c["key"] != "SONST"]
    with Project.open(project_path) as proj:
        replace_codebook(proj, codebook_from_dict({**CODEBOOK, "categories": groups}),
                         author="t", note="bound elsewhere")
    app, _ = _app(project_path)
    async with app.run_test() as pilot:
        listed = app.screen.query_one(CategoryList)
        shown = str(listed.get_option_at_index(0).prompt)
        assert "No categories are offered for question 'chancen'" in shown
        assert "qca codebook bind t.qca GROUP --question 'chancen'" in shown
        await pilot.press("1")
        assert app.session.view().categories == frozenset()
