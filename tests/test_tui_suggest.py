"""Suggestions on the coding screen: shown after the worker, accepted with S, T hides them."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_fixtures import project_path  # noqa: F401

from qca.store import Project
from qca.tui.app import make_app
from qca.tui.screens.coding import SUGGEST_DELAY
from qca.tui.widgets.suggestions import SuggestionPanel

QUESTION_CATEGORIES = {"Vielfalt als Lernanlass", "Konflikte gemeinsam lösen",
                       "Sozialer Zusammenhalt", "Wirtschaftliche Impulse",
                       "Unklar / nicht zuordenbar"}  # the residual category is for every question


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCA_PIPELINE", "offline")


async def _settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait for training and the suggestion worker (each posts back to the screen)."""
    for _ in range(3):  # training, the idle delay (SUGGEST_DELAY), then the suggestions
        await app.workers.wait_for_complete()
        await pilot.pause(2 * SUGGEST_DELAY + 0.1)
        await app.workers.wait_for_complete()
        await pilot.pause()


def _panel_text(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(SuggestionPanel).render())


async def test_suggestions_show_categories_of_the_question(project_path: Path) -> None:
    app = make_app(project_path, "anna", show_pipeline=False, suggest=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        text = _panel_text(app)
        assert "★1" in text and "★3" in text
        names = {line.split(" ", 2)[2].rsplit(" ", 2)[0] for line in text.splitlines()}
        shown = [n for n in QUESTION_CATEGORIES if n in text]
        assert len(shown) == 3, (text, names)
        # The words behind the suggestions are emphasised in the segment text.
        rendered = app.screen.query_one("#segment-text").render()
        assert any("underline" in str(span.style) for span in rendered.spans)


async def test_accept_key_codes_with_origin_suggestion(project_path: Path) -> None:
    app = make_app(project_path, "anna", show_pipeline=False, suggest=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        top = app.screen._suggested[2][0]
        await pilot.press("S")
        assert top.code in app.session.view().categories
        assert app.session.progress().coded == 1
        await pilot.press("U")  # undo goes through the same path
        assert app.session.view().categories == frozenset()
        await pilot.press("R", "X")
        await _settle(app, pilot)
        second = app.screen._suggested[2][1]
        await pilot.press("S")
    with Project.open(project_path) as proj:
        codings = {(c.category, c.origin) for c in proj.codings(coder="anna")}
    assert codings == {(top.code, "suggestion"), (second.code, "suggestion")}


async def test_toggle_hides_and_shows_suggestions(project_path: Path) -> None:
    app = make_app(project_path, "anna", show_pipeline=False, suggest=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        panel = app.screen.query_one(SuggestionPanel)
        assert panel.display
        await pilot.press("T")
        assert not panel.display
        rendered = app.screen.query_one("#segment-text").render()
        assert not any("underline" in str(span.style) for span in rendered.spans)
        await pilot.press("S")  # off: nothing is coded
        assert app.session.view().categories == frozenset()
        await pilot.press("T")
        await _settle(app, pilot)
        assert panel.display and "★1" in _panel_text(app)


async def test_off_by_factory_turns_on_with_t(project_path: Path) -> None:
    app = make_app(project_path, "anna", show_pipeline=False)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.screen.query_one(SuggestionPanel)
        assert not panel.display
        await pilot.press("T")
        assert panel.display
        await _settle(app, pilot)
        assert "★1" in _panel_text(app)


async def test_learning_note_and_next_segment(project_path: Path) -> None:
    app = make_app(project_path, "anna", show_pipeline=False, suggest=True)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "suggestions" in _panel_text(app) or "★1" in _panel_text(app)
        await _settle(app, pilot)
        await pilot.press("enter")
        await _settle(app, pilot)
        text = _panel_text(app)
        assert "Sprachbarrieren" in text or "Nutzungskonkurrenz" in text
        assert app.screen._suggested[0] == "R001#herausforderungen"


async def test_widen_reaches_the_suggestion_service(tmp_path) -> None:
    """`qca code --suggest-from-all` makes the service learn from every coder."""
    from qca.tui.app import make_app
    from qca.tui.screens.coding import CodingScreen

    path = tmp_path / "w.qca"
    _widen_project(path)
    for widen in (False, True):
        app = make_app(path, "anna", show_pipeline=False, suggest=True, widen=widen)
        async with app.run_test(size=(80, 24)):
            screen = app.screen
            assert isinstance(screen, CodingScreen)
            assert screen.suggestions is not None and screen.suggestions.widen is widen
            app.exit()


def _widen_project(path) -> None:
    from qca.codebook import codebook_from_dict
    from qca.revise import replace_codebook
    from qca.store import Project

    project = Project.create(path)
    replace_codebook(project, codebook_from_dict({"categories": [
        {"key": "A", "name": "Alpha", "shortcut": "1"},
        {"key": "B", "name": "Beta", "shortcut": "2"}]}), author="t", note="t")
    with project.transaction():
        project.conn.execute("INSERT INTO sources (id, kind, name) VALUES ('s', 'protocol', 'x')")
        project.conn.execute("INSERT INTO segments (id, seq, source_id, position, text) "
                             "VALUES ('s#1', 1, 's', 1, 'Ein Text')")
    project.close()
