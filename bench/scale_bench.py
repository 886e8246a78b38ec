"""A million segments stay usable: command timings on a generated 1,000,000-segment project.

Run on demand::

    python bench/scale_bench.py [--segments 1000000] [--repeat 3] [--project /tmp/scale.qca]
                                [--only agreement,export]

Generates (once; an existing ``--project`` is reused) a project of ``--segments`` survey
answers, two questions per respondent, two source variables, and two coders: ``anna``
codes every segment, ``ben`` every second one, with the same category on four of five of
those. The project is written through the store's batch operations (``add_sources``,
``add_segments``, ``add_codings``) in one transaction, not through ``qca import``.

Then runs each command ``--repeat`` times, each in a fresh process, and prints wall time
(min/median/max), the process's CPU time (user + system, median; the machine may be shared,
so CPU is the steadier figure) and its peak memory (max RSS from ``os.wait4``):

``status``, ``counts --by amt``, ``agreement``, ``export --format wide``, ``search`` (when
this qca has the command), and the coding screen's start (``make_app(...).run_test()``
at 80x24 until the first segment's text is on screen, suggestions off), and beside it the
time until its status line shows the progress counts.

Goals: each command under 10 s and 500 MiB; the coding screen's start under 1 s. The
baseline of the same run is ``python -c pass`` with qca imported (the cost of any start).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CODEBOOK = {
    "name": "Skala",
    "categories": [
        {"key": "CH", "name": "Chancen", "questions": ["chancen"], "children": [
            {"key": f"CH_{i}", "name": f"Chance {i}", "shortcut": str(i)} for i in range(1, 10)]},
        {"key": "HE", "name": "Herausforderungen", "questions": ["herausforderungen"],
         "children": [{"key": f"HE_{i}", "name": f"Herausforderung {i}", "shortcut": str(i)}
                      for i in range(1, 8)]},
    ],
}
TEXTS = [
    "Begegnung mit anderen Kulturen hilft, eigene Vorurteile zu hinterfragen.",
    "Mehr Perspektiven am Tisch führen zu besseren Lösungen bei Konflikten im Quartier.",
    "Sprachbarrieren erschweren die Arbeit des Ordnungsdienstes.",
    "Wo sich Nachbarn kennen, entsteht Vertrauen – das ist die beste Prävention.",
    "Fehlende personelle Ressourcen für Förderanträge.",
    "k.A.",
]
OFFICES = ["Ordnung", "Stadtplanung", "Soziales", "Jugend", "Integration"]
_BATCH = 20_000


def generate(path: Path, segments: int) -> float:
    """Write the project (see the module doc); returns seconds."""
    from qca.codebook import codebook_from_dict
    from qca.revise import replace_codebook
    from qca.store import Coding, Project, Segment, Source, now

    started = time.perf_counter()
    project = Project.create(path)
    try:
        replace_codebook(project, codebook_from_dict(CODEBOOK), author="bench", note="bench")
        version = project.codebook_version()
        stamp = now()
        respondents = segments // 2
        with project.transaction():
            import_id = project.record_import(
                actor="bench", kind="survey", path=Path("scale.csv"), sha256="0" * 64,
                options={}, n_sources=respondents, n_segments=respondents * 2)
            for start in range(0, respondents, _BATCH):
                ids = range(start, min(start + _BATCH, respondents))
                project.add_sources(
                    (Source(f"R{i:07d}", "survey", "scale.csv",
                            {"amt": OFFICES[i % 5], "kommune": f"Stadt {i % 80}"}) for i in ids),
                    import_id)
            seq = 1
            for q, (question, prefix, n_cats) in enumerate(
                    (("chancen", "CH", 9), ("herausforderungen", "HE", 7))):
                for start in range(0, respondents, _BATCH):
                    ids = range(start, min(start + _BATCH, respondents))
                    rows = []
                    codings = []
                    for i in ids:
                        text = TEXTS[(i + q) % len(TEXTS)]
                        seg = f"R{i:07d}#{question}"
                        rows.append(Segment(seg, seq, f"R{i:07d}", question, 1, None,
                                            f"{text} ({i})", text != "k.A."))
                        seq += 1
                        cat = f"{prefix}_{i % n_cats + 1}"
                        codings.append(Coding(seg, cat, "anna", "manual", version, stamp))
                        if i % 2 == 0:
                            other = cat if i % 5 else f"{prefix}_{(i + 1) % n_cats + 1}"
                            codings.append(Coding(seg, other, "ben", "manual", version, stamp))
                    project.add_segments(rows)
                    project.add_codings(codings)
            project.add_variable_names(["amt", "kommune"])
        project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        project.close()
    return time.perf_counter() - started


def _run(argv: list[str]) -> tuple[float, float, float, int, str]:
    """Wall seconds, CPU seconds, peak MiB, exit code and stderr's last line of one fresh
    process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
    proc.stderr and proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return (seconds, cpu, usage.ru_maxrss / 1024, proc.returncode,
            err.splitlines()[-1] if err else "")


def _screen_start(path: str) -> None:
    """Worker: print seconds from building the app to the first segment on screen, and to
    the progress counts in the status line (a long list counts them in the background)."""
    import asyncio

    from qca.tui.app import make_app

    async def measure() -> float:
        started = time.perf_counter()
        app = make_app(Path(path), "anna", show_pipeline=False, suggest=False)
        async with app.run_test(size=(80, 24)):
            while not str(app.screen.query_one("#segment-text").render()).strip():
                await asyncio.sleep(0)
            done = asyncio.get_running_loop().create_future()
            app.call_after_refresh(lambda: done.done() or done.set_result(None))
            await done
            start = time.perf_counter() - started
            status = app.screen.query_one("#status-left")
            while "coded" not in str(status.render()):
                await asyncio.sleep(0.005)
            return start, time.perf_counter() - started

    start, counted = asyncio.run(measure())
    print(json.dumps({"start": start, "counted": counted}))


def _has_search() -> bool:
    from qca.cli import cli

    return "search" in cli.commands  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--project", help="where to build (or find) the project; default a "
                                          "temporary folder")
    parser.add_argument("--only", help="comma-separated commands to run (e.g. "
                                       "'agreement,export'; matched at the start of a label); "
                                       "the baseline always runs")
    parser.add_argument("--screen-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.screen_worker:
        _screen_start(args.screen_worker)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.project) if args.project else Path(tmp) / "scale.qca"
        if path.exists():
            print(f"reusing {path}")
        else:
            print(f"generated {args.segments:,} segments in {generate(path, args.segments):.0f} s "
                  f"({path.stat().st_size / 2**20:.0f} MiB)", flush=True)
        py = [sys.executable, "-m", "qca"]
        out = Path(tmp) / "wide.csv"
        commands = [
            ("python + import qca (baseline)", [sys.executable, "-c", "import qca.cli"]),
            ("status", py + ["status", str(path)]),
            ("counts --by amt", py + ["counts", str(path), "--by", "amt", "--coder", "anna"]),
            ("agreement", py + ["agreement", str(path)]),
            ("export --format wide", py + ["export", str(path), "--format", "wide", "--coder",
                                           "anna", "-o", str(out), "--force"]),
        ]
        if _has_search():
            commands.append(("search", py + ["search", str(path), "Nachbarn"]))
        commands.append(("coding screen start", [sys.executable, __file__, "--screen-worker",
                                                 str(path)]))
        if args.only:
            wanted = [w.strip() for w in args.only.split(",") if w.strip()]
            commands = [c for i, c in enumerate(commands)
                        if i == 0 or any(c[0].startswith(w) for w in wanted)]
        print(f"{'command':<32} {'min':>7} {'median':>7} {'max':>7} {'cpu':>7}   peak MiB   goal")
        for label, argv in commands:
            secs, cpus, peaks, counted, notes = [], [], [], [], ""
            for _ in range(args.repeat):
                if label == "coding screen start":
                    started = time.perf_counter()
                    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                    _, status, usage = os.wait4(proc.pid, 0)
                    data = proc.stdout.read() if proc.stdout else b""
                    if os.waitstatus_to_exitcode(status) != 0:
                        notes = (proc.stderr.read().decode().strip().splitlines() or ["?"])[-1]
                        secs.append(time.perf_counter() - started)
                    else:
                        secs.append(json.loads(data)["start"])
                        counted.append(json.loads(data)["counted"])
                    peaks.append(usage.ru_maxrss / 1024)
                    cpus.append(usage.ru_utime + usage.ru_stime)
                    continue
                seconds, cpu, peak, code, err = _run(argv)
                secs.append(seconds)
                cpus.append(cpu)
                peaks.append(peak)
                if code != 0:
                    notes = f"exit {code}: {err}"
            goal = "< 1 s" if label == "coding screen start" else "< 10 s, < 500 MiB"
            print(f"{label:<32} {min(secs):7.2f} {statistics.median(secs):7.2f} "
                  f"{max(secs):7.2f} {statistics.median(cpus):7.2f}   {max(peaks):8.0f}   {goal} {notes}",
                  flush=True)
            if counted:
                print(f"{'  ... progress counted':<32} {min(counted):7.2f} "
                      f"{statistics.median(counted):7.2f} {max(counted):7.2f}", flush=True)


if __name__ == "__main__":
    main()
