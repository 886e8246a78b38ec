"""Benchmark: ``qca search`` over generated segments: index, page, all hits, against a scan.

    python bench/search_bench.py [--segments N] [--lemma-segments L] [--seed S]
                                 [--project PATH] [--cli Q]

Data: N generated survey answers (default 1,000,000), each 6-18 words drawn from a
vocabulary of German function words (frequent) and 2,400 compounds of 60 stems x 40 heads
with umlauts and ß (Zipf-distributed), imported in one transaction, so the folded trigram
index (migration 0004_search) is built as in a real import (segments queued by the
triggers, indexed at the commit); the build time is reported. The last L segments
(default 10,000) form a second question ``r``, whose lemmas (offline pipeline) are computed
once after the build, for the lemma query. ``--project PATH`` keeps the project file and
reuses it on the next run (a build of a million takes a minute or two).

Queries (20): 15 plain words (two function words, stems found inside many compounds and
whole compounds across the frequency range, typed without umlauts, ``Baume``, so folding is
exercised), one ``--word``, one ``--exact``, two regular expressions (one with a literal the
index looks up, one with alternatives it looks up as ``"schul" OR "sport"``) and one
``--lemma`` on question ``r`` (the pipeline is loaded before the clock starts; its load time
is printed). One more regular expression without a literal of three characters, so every
segment is scanned, is timed and printed apart, outside the 20. Timed per query, wall clock (``time.perf_counter``) and CPU (``time.process_time``;
the machine may be shared, CPU is what the query itself costs), median and p95:

* ``index``: the FTS5 ``MATCH`` alone (the candidate segments; plain, word and the regex
  with a literal).
* ``qca search``: what the command prints: :func:`qca.search.search` with the table's page
  (50 hits) and the totals, formatted by :func:`qca.search.format_table`.
* ``all hits``: every hit cut out with its context (what ``--all``, csv and json export).
* ``scan``: the baseline, in the same run: SQLite's ``LIKE '%word%'`` over every original
  text (C loop, no index; ASCII case-insensitive only, so it is the speed of a scan, not of
  folding), for the same queries.
* ``qca search (process)``: for the first Q plain words (``--cli``, default 5), the command
  itself, ``python -m qca search PROJECT WORD``, in a new process (start-up included; CPU of
  the child), beside ``python -m qca --version`` (the start-up alone).

Exit status: 0 if for every plain word the index and an ``instr`` scan over the folded
texts find the same segments and the page is the start of all hits.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QCA_PIPELINE", "offline")  # the lemma query: no model, same figures
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qca.folding import fold_text  # noqa: E402
from qca.search import format_table, search  # noqa: E402
from qca.store import Project  # noqa: E402

FUNCTION = ("die der das und im mit mehr wenig zu nicht ist sind wir es gibt keine viele "
            "auch noch sehr für von den bei uns aber oft immer schon").split()
STEMS = ("Personal Baum Straßen Bürger Nachbar Jugend Schul Wohn Miet Verkehr Grün Kinder "
         "Sprach Konflikt Vereins Ehrenamts Beratungs Sicherheits Sauberkeits Öffentlichkeits "
         "Übergangs Familien Senioren Arbeits Gesundheits Kultur Sport Spiel Park Bau Markt "
         "Stadt Quartier Nachbarschafts Begegnungs Integrations Bildungs Förder Freizeit Rad "
         "Fuß Müll Lärm Wasser Energie Klima Garten Haus Hof Platz Weg Brücken Bäder Küchen "
         "Mädchen Jungen Eltern Lehrer Ärzte Pflege").split()
HEADS = ("decke amt stelle angebot planung raum zentrum gruppe arbeit netz fläche weg platz "
         "konzept mangel problem kosten zeit leitung verwaltung förderung pflege bereich "
         "versorgung ausbau dienst kreis markt projekt programm beirat rat haus hilfe schutz "
         "verkehr anlage bedarf lage ordnung").split()


def vocabulary() -> list[str]:
    compounds = [stem + head for stem in STEMS for head in HEADS]
    return FUNCTION + STEMS + compounds


def generate(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = vocabulary()
    ranks = list(range(len(words)))
    content = ranks[len(FUNCTION):]
    rng.shuffle(content)  # content words in a random frequency order, function words first
    ranks[len(FUNCTION):] = content
    cum = _accumulate([1.0 / (rank + 1) ** 1.05 for rank in ranks])
    texts = []
    for _ in range(n):
        k = rng.randint(6, 18)
        chosen = rng.choices(words, cum_weights=cum, k=k)
        texts.append(" ".join(chosen).capitalize() + ".")
    return texts


def _accumulate(values: list[float]) -> list[float]:
    out, total = [], 0.0
    for v in values:
        total += v
        out.append(total)
    return out


def build(path: Path, n: int, lemma_n: int, seed: int) -> tuple[float, float]:
    """Build the project; return the seconds of the import and of the lemmas of ``r``."""
    from qca.nlp import ensure_features

    texts = generate(n, seed)
    start = time.perf_counter()
    with Project.create(path) as proj, proj.transaction():
        proj.conn.execute("INSERT INTO sources (id, kind, name) VALUES ('b', 'survey', 'bench')")
        proj.conn.executemany(
            "INSERT INTO segments (id, seq, source_id, question, position, text) "
            "VALUES (?, ?, 'b', ?, 1, ?)",
            ((f"b#{i}", i, "r" if i > n - lemma_n else "q", text)
             for i, text in enumerate(texts, start=1)))
    imported = time.perf_counter() - start
    start = time.perf_counter()
    with Project.open(path) as proj:
        ensure_features(proj, [s for s in proj.segments() if s.question == "r"])
    return imported, time.perf_counter() - start


def plain_words(seed: int) -> list[str]:
    rng = random.Random(seed + 1)
    pool = STEMS + [s + h for s in rng.sample(STEMS, 20) for h in rng.sample(HEADS, 3)]
    chosen = rng.sample(pool, 13)
    undo = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U"})
    return ["und", "keine"] + [w.translate(undo) for w in chosen]


class Query:
    """One query of the mix: its label, the search's keywords and what the index looks up."""

    def __init__(self, pattern: str, phrase: str | None, like: str, **kwargs: Any) -> None:
        self.pattern = pattern
        self.kwargs = kwargs
        self.phrase = phrase
        self.like = like  # what the LIKE baseline scans for
        self.mode = next((k for k in ("word", "exact", "regex", "lemma") if kwargs.get(k)),
                         "plain")

    @property
    def label(self) -> str:
        return self.pattern if self.mode == "plain" else f"{self.pattern} --{self.mode}"


def the_queries(seed: int) -> list[Query]:
    plain = [Query(w, fold_text(w), w) for w in plain_words(seed)]
    return plain + [
        Query("Personal", "personal", "personal", word=True),
        Query("Personal", None, "Personal", exact=True),
        Query("konflikt\\w*zeit", "konflikt", "konflikt%zeit", regex=True),
        Query("(schul|sport)\\w*(amt|rat)", None, "%amt", regex=True),
        Query("Kind", None, "kinder", lemma=True, question="r"),
    ]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """``fn()``, its wall and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def run_cli(path: Path | None, args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``qca search PATH ARGS`` (no path: ``qca ARGS``), a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    command = ["search", str(path), *args] if path is not None else args
    subprocess.run([sys.executable, "-m", "qca", *command], check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(
                       Path(__file__).resolve().parents[1])})
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _row(name: str, wall: list[float], cpu: list[float] | None, base: float) -> str:
    med = statistics.median(wall)
    cpu_part = (f"{statistics.median(cpu):>9.3f} {_p95(cpu):>8.3f}" if cpu
                else f"{'':>9} {'':>8}")
    return (f"{name:<24} {len(wall):>3} {med:>9.3f} {_p95(wall):>8.3f} {cpu_part} "
            f"{base / med if med else float('inf'):>10.1f}x")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--segments", type=int, default=1_000_000)
    ap.add_argument("--lemma-segments", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--project", "--keep", dest="project", type=Path)
    ap.add_argument("--cli", type=int, default=5)
    args = ap.parse_args()

    tmp = None
    if args.project is None:
        tmp = tempfile.TemporaryDirectory(prefix="search-bench-")
        path = Path(tmp.name) / "bench.qca"
    else:
        path = args.project
    if not path.exists():
        seconds, lemmas = build(path, args.segments, args.lemma_segments, args.seed)
        print(f"built {args.segments:,} segments with the search index in {seconds:.1f} s "
              f"({path.stat().st_size / 1e6:.0f} MB); lemmas of {args.lemma_segments:,} "
              f"segments (question r) in {lemmas:.1f} s")
    queries = the_queries(args.seed)
    from qca.nlp import analyse, load_pipeline

    _, load_wall, load_cpu = timed(lambda: analyse(["Kinder spielen"], nlp=load_pipeline()))
    print(f"lemma pipeline loaded in {load_wall:.2f} s (cpu {load_cpu:.2f} s), before timing")
    t: dict[str, list[float]] = {k: [] for k in (
        "index", "page", "page cpu", "all", "all cpu", "scan", "scan cpu",
        "plain page", "plain page cpu", "plain scan")}
    ok = True
    with Project.open(path) as proj:
        n = proj.count("segments")
        print(f"{n:,} segments; {len(queries)} queries")
        print(f"{'query':<22} {'segments':>8} {'hits':>8} {'index s':>8} {'search s':>9} "
              f"{'cpu s':>6} {'all s':>7} {'cpu s':>6} {'scan s':>7}")
        for q in queries:
            index = None
            if q.phrase is not None:
                phrase = '"' + q.phrase + '"'
                found, index, _ = timed(lambda: {r[0] for r in proj.conn.execute(
                    "SELECT rowid FROM segment_search WHERE segment_search MATCH ?",
                    (phrase,))})
                t["index"].append(index)
            page, wall, cpu = timed(lambda: (lambda r: (r, format_table(r)))(
                search(proj, q.pattern, limit=50, **q.kwargs)))
            result = page[0]
            t["page"].append(wall)
            t["page cpu"].append(cpu)
            every, all_wall, all_cpu = timed(lambda: search(proj, q.pattern, **q.kwargs))
            t["all"].append(all_wall)
            t["all cpu"].append(all_cpu)
            like = "%" + q.like + "%"
            _, scan, scan_cpu = timed(lambda: proj.conn.execute(
                "SELECT count(*) FROM segments WHERE text LIKE ?", (like,)).fetchone())
            t["scan"].append(scan)
            t["scan cpu"].append(scan_cpu)
            if q.mode == "plain":
                t["plain page"].append(wall)
                t["plain page cpu"].append(cpu)
                t["plain scan"].append(scan)
                scanned = {r[0] for r in proj.conn.execute(
                    "SELECT rowid FROM segment_search WHERE instr(folded, ?) > 0", (q.phrase,))}
                ok &= found == scanned and len(found) == result.n_segments == every.n_segments
            ok &= result.hits == every.hits[:50]
            hits = "-" if result.n_hits is None else f"{result.n_hits:,}"
            print(f"{q.label[:22]:<22} {result.n_segments:>8,} {hits:>8} "
                  f"{'-' if index is None else f'{index:.3f}':>8} {wall:>9.3f} {cpu:>6.3f} "
                  f"{all_wall:>7.3f} {all_cpu:>6.3f} {scan:>7.3f}")
        scan_q = "\\b\\w{30,}"  # no literal the index can look up
        result, wall, cpu = timed(lambda: search(proj, scan_q, regex=True, limit=50))
        print(f"extra: {scan_q} --regex (every segment scanned): {result.n_segments:,} "
              f"segments, {wall:.3f} s, cpu {cpu:.3f} s")
    cli_wall, cli_cpu, start_wall, start_cpu = [], [], [], []
    for q in queries[:args.cli]:
        w, c = run_cli(path, [q.pattern])
        cli_wall.append(w)
        cli_cpu.append(c)
        w, c = run_cli(None, ["--version"])
        start_wall.append(w)
        start_cpu.append(c)
    base = statistics.median(t["scan"])
    print(f"\n{'(seconds)':<24} {'n':>3} {'median':>9} {'p95':>8} {'cpu med':>9} "
          f"{'cpu p95':>8} {'scan/this':>11}")
    print(_row("scan (LIKE, baseline)", t["scan"], t["scan cpu"], base))
    print(_row("index (FTS5 MATCH)", t["index"], None, base))
    print(_row("qca search, all 20", t["page"], t["page cpu"], base))
    print(_row("qca search, plain words", t["plain page"], t["plain page cpu"],
               statistics.median(t["plain scan"])))
    print(_row("all hits (--all, csv)", t["all"], t["all cpu"], base))
    if cli_wall:
        print(_row("qca search (process)", cli_wall, cli_cpu, base))
        print(_row("qca --version (start-up)", start_wall, start_cpu, base))
    print("index = folded scan for every plain word, page = start of all hits:",
          "yes" if ok else "NO")
    if tmp is not None:
        tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
