"""The counts view (K): this coder's shares per category for the question, grouped by V."""

from __future__ import annotations

import time
from pathlib import Path

from tui_fixtures import project_path  # noqa: F401

from qca.tui.app import make_app
from qca.tui.screens.coding import CodingScreen
from qca.tui.screens.counts import CountsScreen


def _bars(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#counts-bars").render())


async def _counted(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait for the counting worker (it starts after a refresh, so poll; a loaded machine
    may need seconds)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)
        if _bars(app) != "counting…":
            return


async def test_counts_bars_grouped_and_closed(project_path: Path) -> None:
    app = make_app(project_path, "anna", show_pipeline=False, question="chancen")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "enter", "1", "3", "enter", "K")
        await _counted(app, pilot)
        assert isinstance(app.screen, CountsScreen)
        assert "chancen" in app.screen.query_one("#counts").border_title
        text = _bars(app)
        assert "Vielfalt als Lernanlass" in text and "100" in text and "2/2" in text
        assert "Sozialer Zusammenhalt" in text and "1/2" in text
        assert "Wirtschaftliche Impulse" in text and "0/2" in text
        await pilot.press("V")
        await _counted(app, pilot)
        assert app.screen.by == "amt"
        assert "by amt" in app.screen.query_one("#counts").border_title
        text = _bars(app)
        assert "Ordnungsamt" in text and "Stadtplanung" in text
        # anna coded nothing of Sozialamt and Jugendamt: no 0/0 lines, but a count of them
        assert "Jugendamt" not in text and "0/0" not in text
        assert "2 groups of amt without your codings not shown" in text
        await pilot.press("escape")
        assert isinstance(app.screen, CodingScreen)
        assert app.session.view().categories == frozenset()  # keys went to the dialog only


async def test_counts_without_codings(project_path: Path) -> None:
    app = make_app(project_path, "anna", show_pipeline=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("K")
        await _counted(app, pilot)
        assert "no codings" in _bars(app)
        await pilot.press("K")
        assert isinstance(app.screen, CodingScreen)
