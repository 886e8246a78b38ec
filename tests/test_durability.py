"""No coding is lost: a killed coding screen, a real terminal, and two coders at once.

These tests start real processes (the app under Pilot, the app under a pseudo-terminal,
two writers) and SIGKILL or race them; afterwards the project must hold every change that
was reported committed and pass ``PRAGMA integrity_check``.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from tui_fixtures import build_project

TESTS = Path(__file__).resolve().parent

# Presses "0" (the category offered for every question) and Enter, segment after segment,
# and prints a line once the coding is committed (the session updates after the commit).
PILOT_DRIVER = textwrap.dedent("""
    import asyncio, sys
    from qca.tui.app import make_app

    async def main(path, n):
        app = make_app(path, "anna", show_pipeline=False)
        async with app.run_test() as pilot:
            for i in range(1, n + 1):
                sid = app.session.current_id
                await pilot.press("0")
                assert app.session.is_coded(sid)
                print(f"CODED {i} {sid}", flush=True)
                await pilot.press("enter")
        print("DONE", flush=True)

    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
""")

WRITER = textwrap.dedent("""
    import sys
    from qca.session import Session
    from qca.store import Project

    path, coder, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with Project.open(path) as project:
        session = Session(project, coder)
        for i in range(rounds):
            session.go(i % len(session))
            session.toggle("UNKLAR")
    print("OK", flush=True)
""")


def _check_file(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return conn


def _coded(path: Path, coder: str) -> set[str]:
    conn = _check_file(path)
    try:
        return {r[0] for r in conn.execute(
            "SELECT segment_id FROM codings WHERE coder = ?", (coder,))}
    finally:
        conn.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigkill_loses_no_committed_coding(tmp_path, seed):
    path = build_project(tmp_path / "t.qca", answers=200)
    driver = tmp_path / "driver.py"
    driver.write_text(PILOT_DRIVER)
    proc = subprocess.Popen([sys.executable, str(driver), str(path), "350"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            cwd=tmp_path)
    rng = random.Random(seed)
    kill_after = rng.randint(5, 120)
    reported: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("CODED"):
            reported.append(line.split()[2])
            if len(reported) >= kill_after:
                time.sleep(rng.random() * 0.02)  # land anywhere, also inside a write
                proc.send_signal(signal.SIGKILL)
                break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    stored = _coded(path, "anna")
    assert set(reported) <= stored
    assert len(stored) <= len(reported) + 2  # at most the keypresses in flight


def _set_winsize(fd: int, rows: int, cols: int) -> None:
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def _drain(fd: int, seconds: float) -> bytes:
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.02)
        if ready:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_real_terminal_kill_keeps_codings(tmp_path):
    """``qca code`` in a pty, keys typed as bytes, SIGKILL while coding."""
    path = build_project(tmp_path / "t.qca", answers=100)
    master, slave = os.openpty()
    _set_winsize(slave, 24, 80)
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    qca = Path(sys.executable).with_name("qca")
    cmd = [str(qca)] if qca.exists() else [sys.executable, "-m", "qca.cli"]
    proc = subprocess.Popen([*cmd, "code", str(path), "--coder", "anna"], stdin=slave,
                            stdout=slave, stderr=slave, env=env, close_fds=True,
                            start_new_session=True)
    os.close(slave)
    try:
        screen = _drain(master, 0.5)
        deadline = time.monotonic() + 20
        while b"coded" not in screen and time.monotonic() < deadline:
            screen += _drain(master, 0.2)
        assert b"coded" in screen, "the coding screen did not appear"
        seen = 0
        for _ in range(40):
            os.write(master, b"0")
            _drain(master, 0.03)
            os.write(master, b"\r")
            _drain(master, 0.03)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # what a reader sees committed before the kill
            seen = len(_coded(path, "anna"))
            if seen >= 40:
                break
            _drain(master, 0.1)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    stored = _coded(path, "anna")
    assert len(stored) >= seen >= 30
    assert all(sid.startswith("R") for sid in stored)


def test_two_coders_write_concurrently(tmp_path):
    path = build_project(tmp_path / "t.qca", answers=150)
    writer = tmp_path / "writer.py"
    writer.write_text(WRITER)
    rounds = 300
    procs = [subprocess.Popen([sys.executable, str(writer), str(path), coder, str(rounds)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for coder in ("anna", "ben")]
    outs = [p.communicate(timeout=240) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert out.strip() == "OK"
        assert "locked" not in err
    conn = _check_file(path)
    try:
        for coder in ("anna", "ben"):
            n = conn.execute("SELECT COUNT(*) FROM codings WHERE coder = ?", (coder,)).fetchone()[0]
            assert n == rounds  # 304 segments, 300 toggles on distinct ones
            events = conn.execute(
                "SELECT COUNT(*) FROM events WHERE actor = ? AND action = 'coding'",
                (coder,)).fetchone()[0]
            assert events == rounds
    finally:
        conn.close()


@pytest.mark.parametrize("delay", [0.4, 1.2])
def test_a_killed_streamed_import_is_all_or_nothing(tmp_path, delay):
    """The import writes batch after batch inside one transaction: killed anywhere, the
    project holds none of the file or all of it."""
    rows = 20_000
    survey = tmp_path / "gross.csv"
    survey.write_text("nr;antwort\n" + "".join(f"{i};Antwort Nummer {i}\n"
                                                for i in range(1, rows + 1)), encoding="utf-8")
    project = tmp_path / "p.qca"
    from qca.store import Project

    Project.create(project).close()
    env = {**os.environ, "PYTHONPATH": str(TESTS.parent)}
    proc = subprocess.Popen([sys.executable, "-m", "qca", "import", str(project), str(survey),
                             "--text-column", "antwort", "--id-column", "nr"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(project) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        counts = [conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ("sources", "segments", "imports")]
    assert counts in ([0, 0, 0], [rows, rows, 1]), counts
