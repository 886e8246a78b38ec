"""Benchmark of suggestions: latency per segment and retraining time (run on demand).

Run: ``python bench/suggest_bench.py [--quick]``. Builds synthetic German-ish projects from
the demo codebook's anchors, definitions and rules (words shuffled, noise words from other
categories, lost umlauts and typos), then reports:

* latency of ``SuggestionModel.suggest`` per segment, first touch of each segment (median
  and p95), at 1,000 and 50,000 segments; goal: p95 <= 10 ms;
* ``qca suggest`` end to end (indexes from the stored lemmas, training, ranking and ``why``
  for every uncoded segment) at 1,000 and 10,000 segments, half of them coded; goal: <= 10 s
  at 10,000 (CPU time is shown beside wall time: on a shared machine the wall clock also
  counts other processes);
* retraining time at 1,000 and 10,000 codings, by the function the coding screen's
  training process runs (``service._train_in_worker``: the project opened, missing vectors
  computed, ``train_model`` with the label-free indexes of the last model reused, BLAS on
  one thread), here in this process; goal: < 2 s at 10,000.

``--only retraining`` (or ``latency``, ``suggest``) runs one part.

Each figure is given as min / median / max over repeats; ratios compare the sizes.

``--vectors``: the same with every segment's sentence vector already stored (as after ``qca
vectors``), so the figures include reading them and the vectors' component of the model
(fitted and mixed in). The vectors come from a stand-in encoder (hashed words projected to
512 dimensions, unit length): computing real ones is a one-off cost (~6 ms a text on one
core, ``bench/suggest_corpora.py`` prints it) that these figures leave out, and the
component's cost does not depend on their values. Compare with a run without the flag.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QCA_PIPELINE", "offline")

from qca.codebook import load_yaml  # noqa: E402
from qca.demo import data_root  # noqa: E402
from qca.revise import replace_codebook  # noqa: E402
from qca.store import Project, now  # noqa: E402
from qca.suggest import build_indexes, suggest_for_coder, train_model  # noqa: E402
from qca.suggest import service  # noqa: E402
from qca.suggest import vectors as V  # noqa: E402

NOISE = ["wichtig", "eigentlich", "Stadt", "Thema", "gerade", "immer", "Bereich", "viele",
         "Arbeit", "sehr", "oft", "Leute", "schon", "Beispiel", "jedenfalls"]


def _damage(word: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.1:
        return word.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    if r < 0.2:
        return word.replace("ä", "a").replace("ö", "o").replace("ü", "u")
    if r < 0.25 and len(word) > 4:
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1:]
    return word


def make_project(path: Path, n_segments: int, seed: int = 1) -> tuple[Project, list[set[str]]]:
    rng = random.Random(seed)
    book = load_yaml(data_root() / "codebooks" / "kommunalbefragung.yaml")
    replace_codebook(proj := Project.create(path), book, author="bench", note="bench")
    questions = book.questions()
    pools = {q: [(c.key, " ".join([c.name, c.definition, *c.anchors, c.rule]).split())
                 for c in book.codable_for_question(q)] for q in questions}
    truth: list[set[str]] = []
    rows = []
    for i in range(n_segments):
        q = questions[i % len(questions)]
        cats = pools[q]
        picked = rng.sample(cats, 2 if rng.random() < 0.2 else 1)
        words: list[str] = []
        for _, vocab in picked:
            words += rng.sample(vocab, min(len(vocab), rng.randint(5, 10)))
        words += rng.sample(rng.choice(cats)[1], 2) + rng.sample(NOISE, 3)
        rng.shuffle(words)
        text = " ".join(_damage(w.strip(".,;:()\"'"), rng) for w in words)
        rows.append((f"b{i}#{q}", i + 1, f"b{i}", q, 1, text))
        truth.append({k for k, _ in picked})
    with proj.transaction():
        proj.conn.executemany("INSERT INTO sources (id, kind, name) VALUES (?, 'survey', ?)",
                              [(r[2], r[2]) for r in rows])
        proj.conn.executemany(
            "INSERT INTO segments (id, seq, source_id, question, position, text) "
            "VALUES (?, ?, ?, ?, ?, ?)", rows)
    return proj, truth


class HashEncoder:
    """Stand-in sentence encoder: each word's seeded random direction, summed, unit length."""

    name = "bench-hash@512"
    label = "bench stand-in encoder"

    def __init__(self) -> None:
        import numpy as np

        self._np = np
        self._rows: dict[str, object] = {}

    def encode(self, texts: list[str]):
        np = self._np
        out = np.zeros((len(texts), 512), dtype=np.float32)
        for i, text in enumerate(texts):
            for w in text.lower().split():
                row = self._rows.get(w)
                if row is None:
                    seed = int.from_bytes(w.encode("utf-8")[:8].ljust(8, b"\0"), "little")
                    row = self._rows[w] = np.random.default_rng(seed + len(w)).standard_normal(
                        512).astype(np.float32)
                out[i] += row
            out[i] /= max(float(np.linalg.norm(out[i])), 1e-9)
        return out


VECTORS = False
"""``--vectors``: store every segment's vector before measuring."""


def store_vectors(proj: Project) -> None:
    if VECTORS:
        V.ensure_vectors(proj)


def add_codings(proj: Project, truth: list[set[str]], n: int, coder: str) -> None:
    segs = proj.segments()
    with proj.transaction():
        proj.conn.execute("DELETE FROM codings WHERE coder = ?", (coder,))
        proj.conn.executemany(
            "INSERT INTO codings (segment_id, category, coder, origin, codebook_version, "
            "created_at) VALUES (?, ?, ?, 'manual', 1, ?)",
            [(s.id, key, coder, now()) for s, keys in zip(segs[:n], truth) for key in keys])


def spread(values: list[float], unit: str = "ms", scale: float = 1000.0) -> str:
    v = sorted(x * scale for x in values)
    return f"min {v[0]:.2f} / median {statistics.median(v):.2f} / max {v[-1]:.2f} {unit}"


def latency(n: int, repeats: int, sample: int, tmp: Path) -> tuple[float, float]:
    proj, truth = make_project(tmp / f"lat{n}.qca", n)
    store_vectors(proj)
    t = time.perf_counter()
    indexes = build_indexes(proj)
    build = time.perf_counter() - t
    add_codings(proj, truth, min(n, 1000), "bench")
    model = train_model(proj, "bench", indexes=indexes)
    segs = proj.segments()
    rng = random.Random(2)
    medians, p95s, cpu95s = [], [], []
    for _ in range(repeats):
        times, cpu = [], []
        for seg in rng.sample(segs, min(sample, len(segs))):
            t, c = time.perf_counter(), time.process_time()
            model.suggest(seg)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        times.sort()
        cpu.sort()
        medians.append(statistics.median(times))
        p95s.append(times[int(0.95 * (len(times) - 1))])
        cpu95s.append(cpu[int(0.95 * (len(cpu) - 1))])
    print(f"latency @ {n:>6} segments (features+index built in {build:.1f} s, "
          f"{sample} segments x {repeats} repeats)")
    print(f"   median per segment: {spread(medians)}")
    print(f"   p95 per segment:    {spread(p95s)}")
    print(f"   p95 cpu per segment: {spread(cpu95s)} (the machine's other load left out)")
    proj.close()
    return statistics.median(medians), statistics.median(p95s)


def retraining(n_codings: int, repeats: int, tmp: Path) -> float:
    """A retraining as the coding screen's training process does it, by its own function
    (here, in this process): open the project, compute missing vectors (none), train with
    the indexes of the last model (the first, untimed retraining builds them)."""
    proj, truth = make_project(tmp / f"re{n_codings}.qca", n_codings)
    store_vectors(proj)
    add_codings(proj, truth, n_codings, "bench")
    service._worker_models.clear()
    service._train_in_worker(str(proj.path), "bench", False)
    times, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        model = service._train_in_worker(str(proj.path), "bench", False)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    with_vec = sum(learned.vec is not None for learned in model.learned.values())
    print(f"retraining @ {n_codings:>6} coded segments ({repeats} repeats; vectors "
          f"{model.vectors or 'none'}, weighted in {with_vec} of {len(model.learned)} "
          f"questions): {spread(times, 's', 1.0)}; cpu {spread(cpu, 's', 1.0)}")
    proj.close()
    return statistics.median(times)


def suggest_all(n: int, n_coded: int, repeats: int, tmp: Path) -> float:
    """``qca suggest`` end to end: train on ``n_coded`` codings, rank every uncoded segment.

    The segments' lemmas are computed (and stored) once before, as an import leaves them.
    """
    proj, truth = make_project(tmp / f"all{n}.qca", n)
    build_indexes(proj)  # stores every segment's features, as after an import
    store_vectors(proj)
    add_codings(proj, truth, n_coded, "bench")
    times, cpu = [], []
    count = 0
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        count = sum(1 for _ in suggest_for_coder(proj, "bench"))
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    print(f"qca suggest @ {n:>6} segments, {n_coded} coded, {count} ranked ({repeats} repeats)")
    print(f"   wall: {spread(times, 's', 1.0)}")
    print(f"   cpu:  {spread(cpu, 's', 1.0)} (the machine's other load left out)")
    proj.close()
    return statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Smaller sizes, for a smoke run.")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--vectors", action="store_true",
                        help="Every segment's sentence vector stored before measuring.")
    parser.add_argument("--only", choices=PARTS, action="append",
                        help="Only this part (repeat the option for more); default: all.")
    args = parser.parse_args()
    global VECTORS
    VECTORS = args.vectors
    if args.vectors:
        print("sentence vectors stored (stand-in encoder), used by the model")
        with V.use_encoder(HashEncoder()):
            return _measure(args)
    with V.use_encoder(None):
        return _measure(args)


PARTS = ("latency", "suggest", "retraining")


def _measure(args: argparse.Namespace) -> None:
    big_lat, big_re = (5_000, 2_000) if args.quick else (50_000, 10_000)
    big_all = 2_000 if args.quick else 10_000
    parts = set(args.only or PARTS)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if "latency" in parts:
            m1, p1 = latency(1_000, args.repeats, 300, tmp)
            m2, p2 = latency(big_lat, args.repeats, 300, tmp)
            print(f"   ratio {big_lat}/1000: median x{m2 / m1:.2f}, p95 x{p2 / p1:.2f}; "
                  f"goal p95 <= 10 ms: {'met' if p2 <= 0.010 else 'MISSED'}")
        if "suggest" in parts:
            s1 = suggest_all(1_000, 500, args.repeats, tmp)
            s2 = suggest_all(big_all, big_all // 2, args.repeats, tmp)
            print(f"   ratio {big_all}/1000: x{s2 / s1:.2f}; goal <= 10 s: "
                  f"{'met' if s2 <= 10.0 else 'MISSED'}")
        if "retraining" not in parts:
            return
        r1 = retraining(1_000, args.repeats, tmp)
        r2 = retraining(big_re, args.repeats, tmp)
        print(f"   ratio {big_re}/1000: x{r2 / r1:.2f}; goal < 2 s: "
              f"{'met' if r2 < 2.0 else 'MISSED'}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
