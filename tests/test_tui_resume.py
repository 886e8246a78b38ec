"""The coding screen's resume point: stored once the coder stays, never per key.

Reading the resume point from another connection while the app still runs is what a
reopened project sees after a SIGKILL or a lost terminal: the app never gets to quit.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from tui_fixtures import build_project, recording_app, type_fast

from qca import coding
from qca.session import Session
from qca.store import Project
from qca.tui.app import CodingApp
from qca.tui.screens import coding as coding_screen

DELAY = 0.4  # a shorter stay than the default keeps the tests quick


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return build_project(tmp_path / "t.qca")


@pytest.fixture(autouse=True)
def short_delay(monkeypatch):
    monkeypatch.setattr(coding_screen, "POSITION_DELAY", DELAY, raising=False)
    monkeypatch.setattr(coding_screen, "POSITION_MAX_WAIT", 60.0, raising=False)


_app = recording_app


def _stored(path: Path) -> str | None:
    """The resume point as another process sees it."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT last_segment FROM coders WHERE name = 'anna'").fetchone()
    finally:
        conn.close()
    return row[0] if row else None


def _resumes_at(path: Path) -> str | None:
    with Project.open(path) as proj:
        return Session(proj, "anna").current_id


def _count_writes(app: CodingApp) -> list[str]:
    """Every write transaction the app's connection starts, from now on."""
    began: list[str] = []
    app.project.conn.set_trace_callback(
        lambda sql: began.append(sql) if sql.startswith("BEGIN IMMEDIATE") else None)
    return began


async def _until(pilot, check, seconds: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        await pilot.pause(0.05)
    return check()


_type_fast = type_fast


async def test_staying_on_a_segment_stores_it_without_quitting(path):
    app, notes = _app(path)
    async with app.run_test() as pilot:
        await pilot.press("right", "right", "right")
        target = app.session.current_id
        assert target == "R002#herausforderungen"
        assert await _until(pilot, lambda: _stored(path) == target)
        assert _resumes_at(path) == target  # before the app quits
    assert not [n for n in notes if n[1] == "error"]


async def test_fast_moves_write_nothing_until_the_coder_stays(path):
    app, _ = _app(path)
    async with app.run_test() as pilot:
        await pilot.press("1")  # a change stores its segment at once
        assert _stored(path) == "R001#chancen"
        writes = _count_writes(app)
        _type_fast(app, *["right"] * 8, "left", "tab", "left")
        target = "R004#herausforderungen"
        assert await _until(pilot, lambda: app.session.current_id == target)
        assert writes == [] and _stored(path) == "R001#chancen"
        assert await _until(pilot, lambda: _stored(path) == target)
        assert len(writes) == 1
        await pilot.pause(2 * DELAY)  # staying on stores nothing more
        assert len(writes) == 1


async def test_moving_on_steadily_still_stores_now_and_then(tmp_path, monkeypatch):
    monkeypatch.setattr(coding_screen, "POSITION_MAX_WAIT", 3 * DELAY)
    path = build_project(tmp_path / "big.qca", answers=60)
    app, _ = _app(path)
    async with app.run_test() as pilot:
        writes = _count_writes(app)
        # A fixed number of keys, not a fixed time: on a loaded machine fewer keys fit in
        # a time window, and the test must not depend on how fast the machine is.
        keys = 16
        pressed = [time.monotonic()]
        for _ in range(keys):
            await pilot.press("right")
            await pilot.pause(DELAY / 4)
            pressed.append(time.monotonic())
        elapsed = pressed[-1] - pressed[0]
        assert elapsed >= 3 * DELAY  # long enough that the wait cap must have struck
        # A gap of DELAY or more is a stay, which stores too; every other write is the cap.
        stays = sum(1 for a, b in zip(pressed, pressed[1:]) if b - a >= DELAY)
        assert 1 <= len(writes) <= stays + int(elapsed / (3 * DELAY)) + 1
        assert await _until(pilot, lambda: _stored(path) == app.session.current_id)


async def test_a_change_then_staying_writes_once(path):
    app, _ = _app(path)
    async with app.run_test() as pilot:
        writes = _count_writes(app)
        await pilot.press("1", "F")
        assert len(writes) == 2 and _stored(path) == "R001#chancen"
        await pilot.pause(3 * DELAY)
        assert len(writes) == 2


async def test_a_busy_project_delays_the_resume_point_without_blocking(path,
                                                                      monkeypatch):
    app, notes = _app(path)
    async with app.run_test() as pilot:
        timeout = app.project.conn.execute("PRAGMA busy_timeout").fetchone()[0]
        tries: list[bool] = []
        real = coding.touch_position

        def touch(*args, **kwargs):  # type: ignore[no-untyped-def]
            tries.append(kwargs.get("wait", True))
            return real(*args, **kwargs)

        monkeypatch.setattr(coding, "touch_position", touch)
        other = sqlite3.connect(path)
        other.execute("BEGIN IMMEDIATE")
        before = _stored(path)  # on a slow machine the start's own position may be stored
        try:
            await pilot.press("right", "right")
            assert await _until(pilot, lambda: len(tries) >= 1)
            await pilot.press("right")  # the screen still answers
            assert app.session.current_id == "R002#herausforderungen"
            assert _stored(path) == before != "R002#herausforderungen"
        finally:
            other.rollback()
            other.close()
        assert tries and not any(tries)  # it never waited for the lock
        assert await _until(pilot, lambda: _stored(path) == "R002#herausforderungen")
        assert app.project.conn.execute("PRAGMA busy_timeout").fetchone()[0] == timeout
    assert not [n for n in notes if n[1] == "error"]


# Moves three segments on without coding, says where it is, and waits to be killed.
KILL_DRIVER = textwrap.dedent("""
    import asyncio, sys
    from qca.tui.app import make_app

    async def main(path):
        app = make_app(path, "anna", show_pipeline=False)
        async with app.run_test() as pilot:
            await pilot.press("right", "right", "right")
            print(f"AT {app.session.current_id}", flush=True)
            await asyncio.sleep(120)

    asyncio.run(main(sys.argv[1]))
""")


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_killed_app_resumes_at_the_segment_it_showed(path, tmp_path):
    driver = tmp_path / "driver.py"
    driver.write_text(KILL_DRIVER)
    proc = subprocess.Popen([sys.executable, str(driver), str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, cwd=tmp_path)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("AT "), line
        target = line.split()[1]
        deadline = time.monotonic() + 20  # the default stay is 1.5 s
        while _stored(path) != target and time.monotonic() < deadline:
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert _resumes_at(path) == target
