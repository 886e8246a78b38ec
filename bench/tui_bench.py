"""Coding-screen timings on generated projects of 1,000 and 1,000,000 segments.

Run on demand: ``python bench/tui_bench.py [--keys 200] [--repeat 3] [--sizes 1000,1000000]``
(generating the 1,000,000-segment project takes about a minute; run it on a quiet machine).
Prints, per size, the time from start to the first segment on screen, and the median and
p95 time from a coding keypress (a shortcut, then Enter) to the next segment's text on
screen, measured in Textual's headless test driver at 80x24 (see :func:`measure`). Goals
(issue 13): p95 under 50 ms at both sizes; the 1,000,000 figure at most 1.5x the 1,000 one,
measured in the same run; start under 2 s at the largest size.

``--suggest`` measures with category suggestions on (as ``qca code`` starts): the model
trains in a worker from the start and each new segment's suggestions are computed in a
worker after it is shown, so the figures include whatever that background work costs the
keypress path.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from qca.codebook import codebook_from_dict
from qca.revise import replace_codebook
from qca.store import Project

CODEBOOK = {
    "name": "Bench",
    "categories": [
        {"key": "CHANCEN", "name": "Chancen", "questions": ["chancen"], "children": [
            {"key": f"CH_{i}", "name": f"Chance {i}", "shortcut": str(i),
             "definition": "Eine Chance von Vielfalt."} for i in range(1, 10)]},
        {"key": "HERAUS", "name": "Herausforderungen", "questions": ["herausforderungen"],
         "children": [{"key": f"HE_{i}", "name": f"Herausforderung {i}", "shortcut": str(i)}
                      for i in range(1, 8)]},
        {"key": "SONST", "name": "Allgemein", "children": [
            {"key": "UNKLAR", "name": "Unklar", "shortcut": "0"}]},
    ],
}
TEXTS = [
    "Begegnung mit anderen Kulturen hilft, eigene Vorurteile zu hinterfragen.",
    "Mehr Perspektiven am Tisch führen zu besseren Lösungen bei Konflikten im Quartier.",
    "Sprachbarrieren erschweren die Arbeit des Ordnungsdienstes.",
    "Wo sich Nachbarn kennen, entsteht Vertrauen – das ist die beste Prävention.",
    "k.A.",
]
OFFICES = ["Ordnungsamt", "Stadtplanung", "Sozialamt", "Jugendamt", "Integrationsamt"]


def generate(path: Path, segments: int) -> float:
    """Create a project with ``segments`` survey answers (two per row); returns seconds."""
    started = time.perf_counter()
    project = Project.create(path)
    try:
        replace_codebook(project, codebook_from_dict(CODEBOOK), author="bench", note="bench")
        rows = segments // 2
        with project.transaction():
            project.conn.executemany(
                "INSERT INTO sources (id, kind, name, variables) VALUES (?, 'survey', ?, ?)",
                ((f"R{i:06d}", f"bench.csv row {i + 2}",
                  json.dumps({"amt": OFFICES[i % len(OFFICES)]})) for i in range(rows)))
            project.conn.executemany(
                "INSERT INTO segments (id, seq, source_id, question, position, heading, text, "
                "substantive) VALUES (?, ?, ?, ?, 1, NULL, ?, ?)",
                ((f"R{i // 2:06d}#{q}", i + 1, f"R{i // 2:06d}", q,
                  f"{i + 1}: {TEXTS[i % len(TEXTS)]}", int(TEXTS[i % len(TEXTS)] != "k.A."))
                 for i in range(rows * 2)
                 for q in (("chancen", "herausforderungen")[i % 2],)))
            project.add_variable_names(["amt"])
        project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        project.close()
    return time.perf_counter() - started


def _text(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#segment-text").render())


async def _on_screen(app) -> None:  # type: ignore[no-untyped-def]
    """Wait for the next screen refresh (the compositor has drawn the new state)."""
    done = asyncio.get_running_loop().create_future()
    app.call_after_refresh(lambda: done.done() or done.set_result(None))
    await done


async def measure(path: Path, keys: int, coder: str,
                  suggest: bool = False) -> dict[str, float | list[float]]:
    """Start the app, then press shortcut 1 and Enter ``keys`` times.

    Keys go straight into the app's driver (as a terminal would deliver them) instead of
    ``pilot.press``, whose idle detection adds tens of milliseconds of its own per key.
    A keypress counts as done when the next segment's text is in its widget and the screen
    has refreshed after that.
    """
    from textual import events

    from qca.tui.app import make_app

    if suggest:
        # As `qca code` does before opening the screen: lemmas computed and stored first.
        from qca.nlp import ensure_features
        from qca.store import Project

        with Project.open(path) as project:
            ensure_features(project)
    started = time.perf_counter()
    app = make_app(path, coder, show_pipeline=False, suggest=suggest)
    async with app.run_test(size=(80, 24)):
        while not _text(app).startswith("1:"):
            await asyncio.sleep(0)
        await _on_screen(app)
        start = time.perf_counter() - started
        times: list[float] = []
        driver = app._driver
        for _ in range(keys):
            expected = app.session.ids[app.session.position + 1]
            prefix = f"{app.session.position + 2}:"
            t0 = time.perf_counter()
            driver.send_message(events.Key("1", "1"))
            driver.send_message(events.Key("enter", "\r"))
            while app.session.current_id != expected or not _text(app).startswith(prefix):
                await asyncio.sleep(0)
            await _on_screen(app)
            times.append(time.perf_counter() - t0)
        coded = len(app.session.project.codings(coder=coder))
        assert coded == keys, f"{coded} codings stored for {keys} keypresses"
    return {"start": start, "times": times}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=200, help="coding keypresses per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per project size")
    parser.add_argument("--sizes", default="1000,1000000",
                        help="comma-separated project sizes in segments; the first is the "
                             "baseline the others are compared with")
    parser.add_argument("--suggest", action="store_true",
                        help="measure with suggestions on (as qca code starts)")
    args = parser.parse_args()
    results: dict[int, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"bench_{size}.qca"
            print(f"{size:>7} segments: generated in {generate(path, size):.1f} s", flush=True)
            runs = results.setdefault(size, {"start": [], "median": [], "p95": []})
            for run in range(args.repeat):
                out = asyncio.run(measure(path, args.keys, coder=f"bench{run}",
                                           suggest=args.suggest))
                times = out["times"]
                assert isinstance(times, list)
                runs["start"].append(float(out["start"]))  # type: ignore[arg-type]
                runs["median"].append(statistics.median(times))
                runs["p95"].append(_p95(times))
                print(f"        run {run + 1}: start {out['start']:.3f} s, keypress->next "
                      f"median {1000 * statistics.median(times):.1f} ms, "
                      f"p95 {1000 * _p95(times):.1f} ms", flush=True)
    print("\nsummary (min / median / max over runs)")
    for size, runs in results.items():
        for name, scale, unit in (("start", 1, "s"), ("median", 1000, "ms"), ("p95", 1000, "ms")):
            v = [x * scale for x in runs[name]]
            print(f"  {size:>7} {name:<7} {min(v):8.3f} {statistics.median(v):8.3f} "
                  f"{max(v):8.3f} {unit}")
    sizes = sorted(results)
    if len(sizes) >= 2:
        small, big = results[sizes[0]], results[sizes[-1]]
        for name in ("median", "p95"):
            ratio = statistics.median(big[name]) / statistics.median(small[name])
            print(f"  ratio {sizes[-1]}/{sizes[0]} {name}: {ratio:.2f} (goal <= 1.5)")
        p95 = max(statistics.median(r["p95"]) for r in results.values()) * 1000
        start = statistics.median(results[sizes[-1]]["start"])
        print(f"  p95 {p95:.1f} ms (goal < 50 ms); start at {sizes[-1]}: {start:.2f} s "
              "(goal < 2 s)")


if __name__ == "__main__":
    sys.exit(main())
