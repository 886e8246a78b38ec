"""Benchmark: ``qca search`` for a plain word over generated segments, against scans.

    python bench/search_bench.py [--segments N] [--queries Q] [--naive Q2] [--seed S]
                                 [--keep PATH]

Data: N generated survey answers (default 1,000,000), each 6-18 words drawn from a
vocabulary of German function words (frequent) and 2,400 compounds of 60 stems x 40 heads
with umlauts and ß (Zipf-distributed), imported in one transaction, so the folded trigram
index (migration 0004_search) is built as in a real import (segments queued by the
triggers, indexed at the commit); the build time is reported. ``--keep PATH`` keeps (and reuses) the project file.

Queries: Q (default 20) plain words, seeded, a mix of stems (found inside many compounds)
and whole compounds across the frequency range, typed without umlauts (``Baume``) so
folding is exercised.

Timed per query (wall clock, ``time.perf_counter``), median and p95 reported:

* ``qca search``: :func:`qca.search.search` end to end: index look-up, then every hit
  located in the original text with its context (what the command prints).
* ``index only``: the FTS5 ``MATCH`` alone (the candidate segments).
* ``scan``: the baseline: the same candidates by ``instr`` over all stored folded texts
  (SQLite's C loop, no index), for all Q queries.
* ``naive``: the second baseline, for Q2 queries (default 3; slow): read every segment's
  text, fold it in Python and test with ``in``, as a tool without an index does.

Exit status: 0 if the index and both baselines find the same segments for every query.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qca.folding import fold_text  # noqa: E402
from qca.search import search  # noqa: E402
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


def build(path: Path, n: int, seed: int) -> float:
    texts = generate(n, seed)
    start = time.perf_counter()
    with Project.create(path) as proj, proj.transaction():
        proj.conn.execute("INSERT INTO sources (id, kind, name) VALUES ('b', 'survey', 'bench')")
        proj.conn.executemany(
            "INSERT INTO segments (id, seq, source_id, question, position, text) "
            "VALUES (?, ?, 'b', 'q', 1, ?)",
            ((f"b#{i}", i, text) for i, text in enumerate(texts, start=1)))
    return time.perf_counter() - start


def queries(q: int, seed: int) -> list[str]:
    rng = random.Random(seed + 1)
    pool = STEMS + [s + h for s in rng.sample(STEMS, 20) for h in rng.sample(HEADS, 3)]
    chosen = rng.sample(pool, q)
    undo = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U"})
    return [w.translate(undo) for w in chosen]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--segments", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=20)
    ap.add_argument("--naive", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", type=Path)
    args = ap.parse_args()

    tmp = None
    if args.keep is None:
        tmp = tempfile.TemporaryDirectory()
        path = Path(tmp.name) / "bench.qca"
    else:
        path = args.keep
    if not path.exists():
        seconds = build(path, args.segments, args.seed)
        print(f"built {args.segments:,} segments with the search index in {seconds:.1f} s "
              f"({path.stat().st_size / 1e6:.0f} MB)")
    words = queries(args.queries, args.seed)
    timings: dict[str, list[float]] = {"qca search": [], "index only": [], "scan": [],
                                       "naive": []}
    ok = True
    with Project.open(path) as proj:
        n = proj.count("segments")
        print(f"{n:,} segments; {len(words)} queries: {', '.join(words)}")
        hits_per_query = []
        segments_per_query = []
        for i, word in enumerate(words):
            needle = fold_text(word)
            t = time.perf_counter()
            result = search(proj, word)
            timings["qca search"].append(time.perf_counter() - t)
            hits_per_query.append(len(result.hits))
            segments_per_query.append(result.n_segments)
            t = time.perf_counter()
            found = {r[0] for r in proj.conn.execute(
                "SELECT rowid FROM segment_search WHERE segment_search MATCH ?",
                ('"' + needle + '"',))}
            timings["index only"].append(time.perf_counter() - t)
            t = time.perf_counter()
            scanned = {r[0] for r in proj.conn.execute(
                "SELECT rowid FROM segment_search WHERE instr(folded, ?) > 0", (needle,))}
            timings["scan"].append(time.perf_counter() - t)
            if i < args.naive:
                t = time.perf_counter()
                naive = {seq for seq, text in proj.conn.execute("SELECT seq, text FROM segments")
                         if needle in fold_text(text)}
                timings["naive"].append(time.perf_counter() - t)
                ok &= naive == found
            ok &= found == scanned == {int(h.segment_id[2:]) for h in result.hits}
        print(f"hits per query: median {statistics.median(hits_per_query):,.0f}, "
              f"min {min(hits_per_query):,}, max {max(hits_per_query):,}")
        print(f"{'query':<16} {'hits':>8} {'segments':>9} {'qca search s':>13} {'index s':>8} "
              f"{'scan s':>7}")
        for i, word in enumerate(words):
            print(f"{word:<16} {hits_per_query[i]:>8,} {segments_per_query[i]:>9,} "
                  f"{timings['qca search'][i]:>13.3f} {timings['index only'][i]:>8.3f} "
                  f"{timings['scan'][i]:>7.3f}")
    base = statistics.median(timings["qca search"])
    print(f"{'':<12} {'queries':>7} {'median s':>9} {'p95 s':>8} {'median / qca search':>20}")
    for name, values in timings.items():
        if not values:
            continue
        med = statistics.median(values)
        print(f"{name:<12} {len(values):>7} {med:>9.3f} {_p95(values):>8.3f} "
              f"{med / base:>19.1f}x")
    print("same segments found by index and baselines:", "yes" if ok else "NO")
    if tmp is not None:
        tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
