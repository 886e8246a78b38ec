"""What a coder must see at 80x24 and 120x40: every category reachable and in view, the
suggestions on one line each, messages on a line of their own, dialogs below the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from tui_fixtures import (  # noqa: F401
    LONG_NAME, fixed_suggestions, long_path, many_path, project_path, recording_app,
)

from qca.tui.app import make_app
from qca.tui.screens.coding import SUGGEST_DELAY, CodingScreen
from qca.tui.screens.confirm import ConfirmScreen
from qca.tui.widgets.categories import CategoryList
from qca.tui.widgets.keybar import KeyBar, fit_keys
from qca.tui.widgets.message import MessageLine
from qca.tui.widgets.suggestions import SuggestionPanel

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]


def _app(path: Path, **kw):  # type: ignore[no-untyped-def]
    return make_app(path, "anna", show_pipeline=False, **kw)


def _on_screen(app, widget) -> Region:  # type: ignore[no-untyped-def]
    """The part of ``widget`` the terminal shows: its region clipped by every container."""
    region = widget.region
    for ancestor in widget.ancestors_with_self:
        if hasattr(ancestor, "region"):
            region = region.intersection(ancestor.region)
    return region.intersection(app.screen.region)


def _highlight_in_view(app) -> bool:  # type: ignore[no-untyped-def]
    cats = app.screen.query_one(CategoryList)
    top = cats.scroll_offset.y
    rows = cats.scrollable_content_region.height
    assert cats.virtual_size.height == cats.option_count  # one line per option
    visible = _on_screen(app, cats)
    # The list is not clipped by its container: all its rows are on the terminal ...
    assert visible.height == cats.region.height and rows > 0
    # ... and the highlighted option is one of the rows it shows.
    return top <= cats.highlighted < top + rows


async def _settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause(2 * SUGGEST_DELAY)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("suggest", [False, True], ids=["plain", "suggest"])
async def test_down_walks_all_17_categories_in_view(many_path, fixed_suggestions, size,
                                                    suggest):
    app = _app(many_path, suggest=suggest)
    async with app.run_test(size=size) as pilot:
        await _settle(app, pilot)
        cats = app.screen.query_one(CategoryList)
        seen = [cats.highlighted_category.key]
        assert _highlight_in_view(app)
        for _ in range(16):
            await pilot.press("down")
            assert _highlight_in_view(app), (cats.highlighted, cats.scroll_offset)
            seen.append(cats.highlighted_category.key)
        assert len(set(seen)) == 17 and seen[-1] == "ZITAT"
        await pilot.press("space")
        assert app.session.view().categories == {"ZITAT"}  # toggled what is in view


async def test_each_segment_starts_at_the_first_heading(many_path):
    app = _app(many_path)
    async with app.run_test(size=(80, 24)) as pilot:
        cats = app.screen.query_one(CategoryList)
        await pilot.press("end")
        assert cats.highlighted_category.key == "ZITAT" and cats.scroll_offset.y > 0
        await pilot.press("enter")
        assert app.session.current_id == "D1#2"
        assert cats.scroll_offset.y == 0 and cats.highlighted_category.key == "KA_1"
        await pilot.press("up")  # wraps to the last category, and the list follows
        assert cats.highlighted_category.key == "ZITAT" and _highlight_in_view(app)


async def test_shortcut_of_an_offscreen_category_is_named_in_the_title(many_path):
    app = _app(many_path)
    async with app.run_test(size=(80, 24)) as pilot:
        cats = app.screen.query_one(CategoryList)
        assert 19 not in cats.visible_rows  # ZITAT is below the visible rows
        await pilot.press("y", "h")
        assert app.session.view().categories == {"ZITAT", "BA_H"}
        assert "✔ +2 assigned below: [h] [y]" in str(cats.border_title).replace("\\", "")
        await pilot.press("end")
        assert "below" not in str(cats.border_title)
        assert "+1 assigned above" not in str(cats.border_title)  # h is in view again
        await pilot.press("home", "1")
        assert "+2 assigned below" in str(cats.border_title)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_three_suggestions_stay_one_line_each(many_path, fixed_suggestions, size):
    app = _app(many_path, suggest=True)
    async with app.run_test(size=size) as pilot:
        await _settle(app, pilot)
        panel = app.screen.query_one(SuggestionPanel)
        lines = panel.text.splitlines()
        assert [line[1:3] for line in lines] == ["★1", "★2", "★3"]
        assert lines[0].endswith("… 0.82 [1]")  # the name is cut, score and shortcut kept
        assert all(len(line) <= panel.content_region.width for line in lines)
        assert panel.region.height == 3 and _on_screen(app, panel) == panel.region
        keys = [label for _, label in app.screen.query_one(KeyBar).shown]
        assert "Accept ★" in keys  # the hint is in the footer, not on the ★1 line
        await pilot.press("S")
        assert app.session.view().categories == {"KA_1"}


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_messages_use_their_own_line(project_path, size):
    app, notes = recording_app(project_path)
    async with app.run_test(size=size) as pilot:
        line = app.screen.query_one(MessageLine)
        await pilot.press("U")
        assert line.message == ("nothing to undo", "information")
        assert not app._notifications  # no toast over the categories
        for name in ("#segment", "#categories", "#keys"):
            assert not line.region.overlaps(app.screen.query_one(name).region)
        await pilot.press("1", "U")  # one message at a time: the newest
        assert line.message[0].startswith("undone: ")
        await pilot.press("right")  # moving on clears it
        assert line.message is None
    assert ("nothing to undo", "information") in notes


async def test_errors_stay_until_the_next_key(project_path, monkeypatch):
    from qca import coding
    from qca.errors import ProjectError

    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ProjectError("t.qca: the disk is full; nothing was changed")

    monkeypatch.setattr(coding, "toggle_coding", full)
    app = _app(project_path)
    async with app.run_test(size=(80, 24)) as pilot:
        line = app.screen.query_one(MessageLine)
        line.say("short note", timeout=0.05)
        await pilot.pause(0.2)
        assert line.message is None  # information goes by itself
        await pilot.press("1")
        assert line.message == ("t.qca: the disk is full; nothing was changed", "error")
        await pilot.pause(0.5)
        assert line.message is not None and "disk is full" in str(line.render())
        await pilot.press("right")
        assert line.message is None


async def test_definition_at_80x24_keeps_text_categories_and_definition(many_path,
                                                                        fixed_suggestions):
    app = _app(many_path, suggest=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        await pilot.press("D")
        screen = app.screen
        cats, text = screen.query_one(CategoryList), screen.query_one("#segment")
        definition = screen.query_one("#definition")
        assert definition.display and not screen.query_one(SuggestionPanel).display
        assert cats.scrollable_content_region.height >= 6
        assert text.region.height >= 6 and definition.region.height >= 5
        assert all(_on_screen(app, w) == w.region for w in (text, cats, definition))
        regions = [text.region, cats.region, definition.region]
        assert not any(a.overlaps(b) for i, a in enumerate(regions) for b in regions[i + 1:])
        await pilot.press("end")
        assert "Gutes Zitat" in str(screen.query_one("#definition-text").render())
        assert _highlight_in_view(app)
        await pilot.press("D")
        assert screen.query_one(SuggestionPanel).display and not definition.display


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("key", ["M", "slash", "G"])
async def test_dialogs_leave_the_segment_text_visible(project_path, size, key):
    app = _app(project_path)
    async with app.run_test(size=size) as pilot:
        text = app.screen.query_one("#segment-text").region
        await pilot.press(key)
        dialog = app.screen.query_one(".dialog")
        assert not dialog.region.overlaps(text)


async def test_jump_to_a_segment_the_filter_hides_offers_to_clear_it(project_path):
    app, notes = recording_app(project_path, question="chancen")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("G", *"P1#2", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert "filter: chancen" in app.screen.question
        await pilot.press("escape")
        assert app.session.current_id == "R001#chancen"
        assert "stays hidden by the filter (chancen)" in notes[-1][0]
        await pilot.press("G", *"P1#2", "enter", "enter")
        assert isinstance(app.screen, CodingScreen)
        assert app.session.current_id == "P1#2" and app.session.filter.question is None
        await pilot.press("G", *"nix", "enter")  # a wrong id is still just a message
        assert isinstance(app.screen, CodingScreen) and "no segment 'nix'" in notes[-1][0]


def test_footer_keys_fit_without_cut_labels():
    keys = [("⏎", "Next", 2), ("?", "Help", 0), ("S", "Accept ★", 1), ("W", "Filter", 3)]
    assert fit_keys(keys, 200) == [("⏎", "Next"), ("?", "Help"), ("S", "Accept ★"),
                                   ("W", "Filter")]
    assert fit_keys(keys, 26) == [("⏎", "Next"), ("?", "Help"), ("S", "Accept ★")]
    assert fit_keys(keys, 24) == [("?", "Help"), ("S", "Accept ★")]  # none cut in half


def test_footer_counts_the_keys_it_leaves_out_on_the_help_key():
    keys = [("⏎", "Next", 2), ("?", "Help", 0), ("S", "Accept ★", 1), ("W", "Filter", 3)]
    assert fit_keys(keys, 200, more="?") == fit_keys(keys, 200)  # all fit: no count
    assert fit_keys(keys, 29, more="?") == [("⏎", "Next"), ("?", "Help +1"), ("S", "Accept ★")]
    # The room for " +N" is kept: without it "⏎ Next" would have fitted beside "Help".
    assert fit_keys(keys, 26, more="?") == [("?", "Help +2"), ("S", "Accept ★")]


def _footer_actions(screen: CodingScreen) -> list[str]:
    hidden = set() if screen.suggest_on else {"accept_suggestion", "next_suggestion"}
    return [a for a in screen.FOOTER_ORDER if a not in hidden]


@pytest.mark.parametrize("width", [80, 120, 200])
async def test_footer_shows_whole_labels_and_more_when_wide(project_path, width):
    app = _app(project_path)
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        shown = bar.shown
        assert ("Q", "Quit") in shown
        rendered = str(bar.render())
        assert len(rendered.rstrip()) <= width and all(f"{k} {lab}" in rendered for k, lab in shown)
        # No key vanishes silently: the help key counts those the bar left out.
        left_out = len(_footer_actions(app.screen)) - len(shown)
        assert ("?", f"Help +{left_out}" if left_out else "Help") in shown
        if width == 80:
            assert left_out > 0 and "Filter" in {lab for _, lab in shown}
        if width == 200:
            assert {"Codebook", "Counts", "Context", "Go to"} <= {lab for _, lab in shown}


@pytest.mark.parametrize("suggest", [False, True], ids=["plain", "suggest"])
async def test_german_footer_at_80_keeps_the_filter_and_counts_the_rest(
        many_path, fixed_suggestions, german, suggest):
    app = _app(many_path, suggest=suggest)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        shown = dict(app.screen.query_one(KeyBar).shown)
        assert {"⏎", "Tab", "^z", "W", "/", "Q"} <= shown.keys() and shown["W"] == "Filter"
        assert ("S" in shown) == suggest
        left_out = len(_footer_actions(app.screen)) - len(shown)
        assert left_out > 0 and shown["?"] == f"Hilfe +{left_out}"


async def test_long_passage_says_there_is_more_below(long_path):
    app = _app(long_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one("#segment")
        assert panel.max_scroll_y > 0  # the passage does not fit the panel at 80x24 ...
        assert "▼ more below: PgDn" in str(panel.border_subtitle)  # ... and it says so
        await pilot.press("pagedown")
        await pilot.pause()
        assert panel.scroll_y == panel.max_scroll_y
        assert str(panel.border_subtitle) == "▲ more above: PgUp"
        await pilot.press("F", "1")  # coding keeps the place; a note and the hint share
        await pilot.pause()
        assert panel.scroll_y == panel.max_scroll_y
        assert str(panel.border_subtitle) == "⚑ flagged · ▲ more above: PgUp"
        await pilot.press("right")  # a short passage: no hint
        await pilot.pause()
        assert panel.max_scroll_y == 0 and str(panel.border_subtitle) == ""
    app = _app(long_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one("#segment")
        assert panel.max_scroll_y == 0 and "more below" not in str(panel.border_subtitle)


async def test_subcategories_of_a_codable_main_category_are_indented(tmp_path: Path):
    from qca.codebook import codebook_from_dict
    from qca.revise import replace_codebook
    from qca.store import Project

    rule = {"rule": "Kodieren, wenn es passt."}
    book = {"name": "Verkehr", "categories": [
        {"key": "NICHTMOT", "name": "Nicht motorisiert", "codable": True, **rule,
         "questions": ["x"], "children": [{"key": "RAD", "name": "Radverkehr", **rule}]},
        {"key": "PARK", "name": "Parken", "questions": ["x"], **rule},
    ]}
    path = tmp_path / "tree.qca"
    project = Project.create(path)
    replace_codebook(project, codebook_from_dict(book), author="t", note="t")
    with project.transaction():
        project.conn.execute("INSERT INTO sources (id, kind, name) VALUES ('s', 'survey', 's')")
        project.conn.execute(
            "INSERT INTO segments (id, seq, source_id, question, position, text, substantive) "
            "VALUES ('s#x', 1, 's', 'x', 0, 'Mehr Radwege bitte.', 1)")
    project.close()
    app = _app(path)
    async with app.run_test(size=(80, 24)):
        cats = app.screen.query_one(CategoryList)
        rows = {cats.get_option_at_index(i).id: str(cats.get_option_at_index(i).prompt)
                for i in range(cats.option_count)}
        indent = {key: len(text) - len(text.lstrip(" ")) for key, text in rows.items()}
        assert indent["RAD"] > indent["NICHTMOT"] == indent["PARK"]
