"""The retrieval view (L, qca code --retrieve), ctrl+f search and the dictionary review, driven
by Pilot at 80x24 on the coded fixture; snapshots of the list and of a search hit."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from coded_fixtures import build_coded, coded_path  # noqa: F401
from qca import coding
from qca.errors import CodingError
from qca.store import Project
from qca.tui.app import make_app
from qca.tui.screens.coding import CodingScreen
from qca.tui.screens.retrieval import RetrievalScreen
from tui_fixtures import recording_app

SIZE = (80, 24)


def _rows(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.segment_id for r in app.screen.rows]


async def test_retrieve_opens_the_list_blind(coded_path) -> None:  # noqa: F811
    app, _ = recording_app(coded_path, retrieve="CH_REFL")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RetrievalScreen)
        assert _rows(app) == ["1#chancen", "3#chancen"]  # anna's own, not ben's 2#chancen
        assert {r.coder for r in app.screen.rows} == {"anna"}


async def test_lead_sees_every_coder(coded_path) -> None:  # noqa: F811
    app, _ = recording_app(coded_path, retrieve="CH_REFL", lead=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert [(r.segment_id, r.coder) for r in app.screen.rows] == [
            ("1#chancen", "anna"), ("1#chancen", "ben"), ("2#chancen", "ben"),
            ("3#chancen", "anna")]


async def test_enter_opens_for_recoding_and_escape_returns(coded_path) -> None:  # noqa: F811
    app, _ = recording_app(coded_path, retrieve="CH_REFL")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        assert isinstance(app.screen, CodingScreen)
        assert app.session.current_id == "3#chancen"
        await pilot.press("1")  # CH_REFL off: recoded
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RetrievalScreen)
        assert _rows(app) == ["1#chancen"]  # the list is read again
        await pilot.press("escape")
        assert isinstance(app.screen, CodingScreen)
    with Project.open(coded_path) as proj:
        assert {c.category for c in proj.codings("anna", "3#chancen")} == {"CH_ZUS"}


async def test_l_lists_the_highlighted_category(coded_path) -> None:  # noqa: F811
    app, _ = recording_app(coded_path, question="chancen")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "L", "enter")  # highlight: CH_ZUS
        await pilot.pause()
        assert isinstance(app.screen, RetrievalScreen)
        assert app.screen.code == "CH_ZUS"
        assert _rows(app) == ["2#chancen", "3#chancen", "4#chancen"]


async def test_unknown_code_is_a_notification(coded_path) -> None:  # noqa: F811
    app, notes = recording_app(coded_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("L")
        await pilot.pause()
        app.screen.query_one("Input").value = "NOPE"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
    assert any("'NOPE' is not in the codebook" in m and s == "error" for m, s in notes)


def test_retrieve_with_an_unknown_code_fails_before_the_screen(coded_path) -> None:  # noqa: F811
    with pytest.raises(CodingError):
        make_app(coded_path, "anna", retrieve="NOPE", show_pipeline=False)


async def test_ctrl_f_moves_between_hits(coded_path) -> None:  # noqa: F811
    app, notes = recording_app(coded_path, question="chancen")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+f", *"miteinander", "enter")
        await pilot.pause()
        assert app.session.current_id == "2#chancen"
        text = app.screen.query_one("#segment-text").render()
        marked = [(s.start, s.end) for s in text.spans if "reverse" in repr(s.style)]
        assert marked == [(28, 39)]  # "Neue Bäume im Park und mehr [Miteinander]."
        await pilot.press("f3")
        assert app.session.current_id == "3#chancen"
        await pilot.press("f3")  # wraps
        assert app.session.current_id == "2#chancen"
        await pilot.press("ctrl+f", "enter")  # the same text again: next hit
        await pilot.pause()
        assert app.session.current_id == "3#chancen"
        await pilot.press("shift+f3")
        assert app.session.current_id == "2#chancen"
        await pilot.press("ctrl+f")
        await pilot.pause()
        app.screen.query_one("Input").value = "zzz"
        await pilot.press("enter")
        await pilot.pause()
    assert any("'zzz' is not in chancen" in m for m, _ in notes)


async def test_review_dictionary_confirms_and_rejects(coded_path, tmp_path) -> None:  # noqa: F811
    from qca.autocode import autocode

    dictionary = tmp_path / "d.yaml"
    dictionary.write_text("CH_ZUS: [Miteinander]\nHE_KONF: [Konflikt]\n", encoding="utf-8")
    with Project.open(coded_path) as proj:
        autocode(proj, dictionary, "dora")
    app, _ = recording_app(coded_path, "dora", status="proposed")
    async with app.run_test(size=SIZE) as pilot:
        assert app.session.ids == ["2#chancen", "3#chancen", "2#herausforderungen",
                                   "4#herausforderungen"]
        assert "proposed: CH_ZUS" in app.screen.query_one("#segment").border_subtitle
        await pilot.press("Y")  # 2#chancen confirmed
        assert app.session.current_id == "3#chancen"
        await pilot.press("backspace")  # 3#chancen rejected
        assert app.session.current_id == "2#herausforderungen"
    with Project.open(coded_path) as proj:
        origins = {(c.segment_id, c.category): c.origin for c in proj.codings("dora")}
    assert origins == {("2#chancen", "CH_ZUS"): "manual",
                       ("2#herausforderungen", "HE_KONF"): "dictionary",
                       ("4#herausforderungen", "HE_KONF"): "dictionary"}
    with Project.open(coded_path) as proj:  # each review step is one undoable change
        assert coding.undo(proj, "dora").description == "assigned CH_ZUS"


def test_snapshot_retrieval_list(snap_compare, coded_path) -> None:  # noqa: F811
    app = make_app(coded_path, "anna", retrieve="CH_ZUS", show_pipeline=False)
    assert snap_compare(app, terminal_size=SIZE)


def test_snapshot_search_hit(snap_compare, coded_path) -> None:  # noqa: F811
    app = make_app(coded_path, "anna", question="chancen", show_pipeline=False)
    assert snap_compare(app, press=["ctrl+f", *"personal", "enter"], terminal_size=SIZE)


async def test_undo_takes_back_a_dictionary_run(coded_path, tmp_path) -> None:  # noqa: F811
    from qca.autocode import autocode

    dictionary = tmp_path / "d.yaml"
    dictionary.write_text("CH_ZUS: [Miteinander]\n", encoding="utf-8")
    with Project.open(coded_path) as proj:
        autocode(proj, dictionary, "dora")
    app, notes = recording_app(coded_path, "dora", question="chancen")
    async with app.run_test(size=SIZE) as pilot:
        assert app.session.progress().coded == 2
        await pilot.press("ctrl+z")
        assert app.session.progress().coded == 0
    assert ("undone: removed 2 dictionary codings (d.yaml)", "information") in notes


# --- German (QCA_LANG=de): nothing cut or wrapped away at 80x24 ----------------------------


def test_snapshot_retrieval_list_german(snap_compare, coded_path, german) -> None:  # noqa: F811
    app = make_app(coded_path, "anna", retrieve="CH_ZUS", show_pipeline=False)
    assert snap_compare(app, terminal_size=SIZE)


def test_snapshot_search_dialog_german(snap_compare, coded_path, german) -> None:  # noqa: F811
    app = make_app(coded_path, "anna", question="chancen", show_pipeline=False)
    assert snap_compare(app, press=["ctrl+f", *"personal"], terminal_size=SIZE)


async def test_retrieval_view_and_search_speak_german(coded_path, german) -> None:  # noqa: F811
    from textual.widgets import Input, Static

    app = make_app(coded_path, "anna", retrieve="CH_ZUS", show_pipeline=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RetrievalScreen)
        title = str(app.screen.query_one("#retrieval-title", Static).render())
        assert "Segment" in title and "segment " not in title
        shown = {b.description for _node, b, *_rest in app.screen.active_bindings.values()
                 if b.show}
        assert {"Zurück", "Ende"} <= shown and not shown & {"Back", "Quit", "Open segment"}

        await pilot.press("escape")
        await pilot.press("ctrl+f")
        await pilot.pause()
        box = app.screen.query_one("#search")
        assert str(box.border_title).startswith("Suche in")
        assert "Wort oder eine Wendung" in str(app.screen.query_one(Input).placeholder)


def test_snapshot_retrieve_dialog_german(snap_compare, coded_path, german) -> None:  # noqa: F811
    app = make_app(coded_path, "anna", question="chancen", show_pipeline=False)
    assert snap_compare(app, press=["L"], terminal_size=SIZE)
