"""Import benchmark: generated survey answers into a project, and their lemma analysis.

Run on demand::

    python bench/import_bench.py [--rows 100000] [--repeat 3] [--no-lemmas]

Generates a German-Excel-style CSV (cp1252, ``;``), then times, each in a fresh process:

- ``raw``: a plain sqlite-utils insert of the same CSV (``csv.DictReader`` decoded from
  cp1252 -> ``Table.insert_all``), the baseline;
- ``qca``: ``qca.importing.import_survey`` into a new project (decode, delimiter detection,
  checks, sources + segments, non-substantive marks, event log, one transaction, rows
  streamed in batches);
- ``lemmas``: the analysis that follows on first need (``qca.nlp.analyse_project`` on the
  project just imported, offline pipeline), as ``qca code`` runs it before the screen opens.

Prints min/median/max seconds, rows/s and peak memory (max RSS of each worker process,
``resource.getrusage``) per kind, and the ratio qca/raw per run. Goals: qca at most 3x the
raw insert and at most 300 MiB at 1,000,000 rows; memory that does not grow with the rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OFFICES = ["Ordnung", "Stadtplanung", "Soziales", "Jugend", "Integration"]
PHRASES = [
    "Vielfalt bringt neue Perspektiven in die Verwaltung",
    "Sprachbarrieren erschweren die Arbeit mit Bürgerinnen und Bürgern",
    "Fehlende personelle Ressourcen für Anträge",
    "Der Aufwand für Förderanträge ist zu hoch",
    "Mehr Sicherheitsgefühl durch Präsenz im Quartier",
    "Konflikte im öffentlichen Raum zwischen Gruppen",
    "Runder Tisch mit Vereinen und Moscheegemeinden",
    "k.A.",
    "-",
    "Bürgerversammlung; Online-Beteiligung; Stadtteilspaziergang",
]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(["lfd_nr", "kommune", "amt", "einwohner_klasse", "antwort"])
        for i in range(1, rows + 1):
            text = " ".join(rng.sample(PHRASES, rng.randint(1, 3)))
            if rng.random() < 0.05:
                text = f"- {text}\n- weitere Punkte"
            writer.writerow([i, f"Stadt {rng.randint(1, 80)}", rng.choice(OFFICES),
                             rng.choice(["20.000-50.000", "50.000-100.000", ">100.000"]), text])


def worker(kind: str, csv_path: Path, db_path: Path) -> dict[str, float]:
    if kind == "lemmas":
        os.environ["QCA_PIPELINE"] = "offline"
        from qca.nlp import analyse_project, load_pipeline
        from qca.store import Project

        load_pipeline()  # loading spaCy is not the analysis; its memory counts all the same
        start = time.perf_counter()
        with Project.open(db_path) as project:
            analyse_project(project)
        seconds = time.perf_counter() - start
        return {"seconds": seconds,
                "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    start = time.perf_counter()
    if kind == "raw":
        import sqlite_utils

        db = sqlite_utils.Database(db_path)
        with csv_path.open(encoding="cp1252", newline="") as fh:
            db["answers"].insert_all(csv.DictReader(fh, delimiter=";"), batch_size=1000)
        db.close()
    else:
        from qca.importing import import_survey
        from qca.store import Project

        project = Project.create(db_path)
        import_survey(project, csv_path, text_columns=["antwort"], id_column="lfd_nr")
        project.close()
    seconds = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mib": peak_mib}


def measure(kind: str, csv_path: Path, workdir: Path, run: int,
            fresh: bool = True) -> dict[str, float]:
    db_path = workdir / f"{kind if fresh else 'qca'}-{run}.db"
    out = subprocess.run(
        [sys.executable, __file__, "--worker", kind, str(csv_path), str(db_path)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-lemmas", action="store_true", help="Skip the lemma analysis.")
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "CSV", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, csv_path, db_path = args.worker
        print(json.dumps(worker(kind, Path(csv_path), Path(db_path))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        csv_path = workdir / "answers.csv"
        generate(csv_path, args.rows)
        size = csv_path.stat().st_size / 2**20
        print(f"{args.rows:,} answers, {size:.1f} MiB cp1252 CSV; {args.repeat} runs each, "
              "alternating, each in a fresh process")
        results: dict[str, list[dict[str, float]]] = {"raw": [], "qca": [], "lemmas": []}
        ratios = []
        for run in range(args.repeat):
            raw = measure("raw", csv_path, workdir, run)
            (workdir / f"raw-{run}.db").unlink()
            ours = measure("qca", csv_path, workdir, run)
            results["raw"].append(raw)
            results["qca"].append(ours)
            ratios.append(ours["seconds"] / raw["seconds"])
            if not args.no_lemmas:
                results["lemmas"].append(measure("lemmas", csv_path, workdir, run, fresh=False))
            for leftover in workdir.glob(f"qca-{run}.db*"):
                leftover.unlink()
        kinds = [("raw", "sqlite-utils insert (baseline)"), ("qca", "qca import")]
        if not args.no_lemmas:
            kinds.append(("lemmas", "lemma analysis after import"))
        for kind, label in kinds:
            secs = [r["seconds"] for r in results[kind]]
            peaks = [r["peak_mib"] for r in results[kind]]
            print(f"{label:<32} min {min(secs):.2f} s  median {statistics.median(secs):.2f} s  "
                  f"max {max(secs):.2f} s  {args.rows / statistics.median(secs):>9,.0f} rows/s  "
                  f"peak {max(peaks):.0f} MiB")
        print(f"ratio qca/raw per run: {', '.join(f'{r:.2f}' for r in ratios)}; "
              f"median {statistics.median(ratios):.2f} (goal <= 3.0)")


if __name__ == "__main__":
    main()
