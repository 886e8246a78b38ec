"""Evaluation of the suggestion model: replay a coder's codings, measure top-1/top-3.

:func:`replay` follows one coder's codings in order and measures top-1/top-3 accuracy on
the segments not yet used for training, with 95 % Wilson intervals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from qca.errors import CodingError
from qca.i18n import _
from qca.progress import Progress
from qca.store import Project
from qca.suggest.features import _QuestionIndex, build_indexes
from qca.suggest.models import _CV_MAX, _blend, _fit
from qca.suggest.vectors import QuestionVectors, ensure_vectors, index_vectors

__all__ = ["DEFAULT_STEPS", "CurvePoint", "LearningCurve", "evaluate", "format_curves",
           "replay"]

DEFAULT_STEPS = (0, 25, 50, 100, 200, 400, 800, 1600)


# --- evaluation --------------------------------------------------------------------------


@dataclass(frozen=True)
class CurvePoint:
    """Top-1/top-3 accuracy on ``tested`` segments after ``trained`` codings.

    ``top3_ci`` is the 95 % Wilson score interval of ``top3``: with few tested segments
    (long protocols) it is wide, and a figure should be read with it.
    """

    trained: int
    tested: int
    top1: float
    top3: float
    top1_ci: tuple[float, float] = (0.0, 1.0)
    top3_ci: tuple[float, float] = (0.0, 1.0)

    @classmethod
    def of(cls, trained: int, tested: int, hits1: int, hits3: int) -> CurvePoint:
        return cls(trained, tested, hits1 / tested, hits3 / tested,
                   _wilson(hits1, tested), _wilson(hits3, tested))


def _wilson(hits: int, n: int) -> tuple[float, float]:
    """95 % Wilson score interval of the proportion ``hits / n``."""
    from scipy.stats import binomtest

    ci = binomtest(hits, n).proportion_ci(confidence_level=0.95, method="wilson")
    return (float(ci.low), float(ci.high))


@dataclass(frozen=True)
class LearningCurve:
    """Accuracy after ``trained`` codings, for one question or one kind of source."""

    scope: str
    kind: str
    points: list[CurvePoint]

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "kind": self.kind,
                "points": [{**vars(p), "top1_ci": list(p.top1_ci), "top3_ci": list(p.top3_ci)}
                           for p in self.points]}


def _coding_order(project: Project, coder: str) -> list[tuple[str, set[str]]]:
    rows = project.conn.execute(
        "SELECT c.segment_id, c.category, c.created_at, s.seq FROM codings c "
        "JOIN segments s ON s.id = c.segment_id WHERE c.coder = ?", (coder,))
    first: dict[str, tuple[str, int]] = {}
    codes: dict[str, set[str]] = {}
    for sid, cat, at, seq in rows:
        codes.setdefault(sid, set()).add(cat)
        if sid not in first or (at, seq) < first[sid]:
            first[sid] = (at, seq)
    return [(sid, codes[sid]) for sid in sorted(first, key=lambda s: first[s])]


Scorer = Callable[["_QuestionIndex", np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
"""``(index, train_rows, train_labels, test_rows, test_cold) -> scores`` (tests × categories)."""


def _default_scores(index: _QuestionIndex, train: np.ndarray, y: np.ndarray,
                    test: np.ndarray, cold: np.ndarray,
                    vectors: QuestionVectors | None = None) -> np.ndarray:
    learned = (_fit(index.x[train], y, index.desc(), index.cold_rows(train[-_CV_MAX:]),
                    vectors, train)
               if len(train) else None)
    return _blend(cold, learned, index.x[test], test)


def replay(
    project: Project,
    coder: str,
    steps: Iterable[int] = DEFAULT_STEPS,
    *,
    indexes: dict[str | None, _QuestionIndex] | None = None,
    scorer: Scorer = _default_scores,
    progress: Progress | None = None,
) -> list[LearningCurve]:
    """Replay ``coder``'s codings in order; accuracy on the segments not yet trained on.

    Per question: after ``n`` coded segments (in order of their first coding, then segment
    order), train on those and rank the question's categories for every later coded
    segment. A hit is any of the segment's codes among the top 1 / top 3. Curves follow per
    question, then pooled over survey questions and over protocol passages. ``scorer``
    ranks (default: the model :func:`train_model` builds); ``bench/suggest_learners.py``
    passes others to compare learners on the same replay.
    """
    steps = sorted(set(steps))
    indexes = indexes if indexes is not None else build_indexes(project, progress=progress)
    order = _coding_order(project, coder)
    qvectors = (index_vectors(project, {q: i.row_of for q, i in indexes.items()})
                if scorer is _default_scores else {})
    per_question: list[LearningCurve] = []
    pooled: dict[str, dict[int, list[int]]] = {}
    for q, index in indexes.items():
        keyset = set(index.keys)
        seq = [(s, codes & keyset) for s, codes in order
               if s in index.row_of and codes & keyset]
        if not seq:
            continue
        rows = np.array([index.row_of[s] for s, _ in seq])
        y = np.array([[k in codes for k in index.keys] for _, codes in seq], dtype=np.int8)
        cold = index.cold_rows(rows)
        kind = index.kind[seq[0][0]]
        points = []
        for n in steps:
            if n >= len(seq):
                break
            scores = (_default_scores(index, rows[:n], y[:n], rows[n:], cold[n:], qvectors[q])
                      if q in qvectors else scorer(index, rows[:n], y[:n], rows[n:], cold[n:]))
            ranked = np.argsort(-scores, axis=1, kind="stable")
            truth = y[n:]
            hit1 = truth[np.arange(len(truth)), ranked[:, 0]].astype(bool)
            hit3 = truth[np.arange(len(truth))[:, None], ranked[:, :3]].any(axis=1)
            points.append(CurvePoint.of(n, len(truth), int(hit1.sum()), int(hit3.sum())))
            acc = pooled.setdefault(kind, {}).setdefault(n, [0, 0, 0])
            acc[0] += len(truth)
            acc[1] += int(hit1.sum())
            acc[2] += int(hit3.sum())
        per_question.append(LearningCurve(str(q), kind, points))
    total = [
        LearningCurve(f"all {kind}", kind,
                      [CurvePoint.of(n, t, h1, h3) for n, (t, h1, h3) in sorted(by_n.items())])
        for kind, by_n in sorted(pooled.items(), key=lambda kv: kv[0] != "survey")
    ]
    return per_question + total


def evaluate(
    project: Project,
    coder: str,
    steps: Iterable[int] = DEFAULT_STEPS,
    *,
    question: str | None = None,
    indexes: dict[str | None, _QuestionIndex] | None = None,
    progress: Progress | None = None,
    vectors_progress: Progress | None = None,
) -> list[LearningCurve]:
    """Learning curves of the suggestion model on ``coder``'s codings (see :func:`replay`),
    with the sentence vectors computed first where missing (when an encoder is installed);
    with ``question``, that question's curve alone.

    A coder without codings has nothing to replay: a :class:`CodingError` naming the coders
    that have some (a mistyped name is the usual cause)."""
    coders = project.coding_coders()
    if coder not in coders:
        raise CodingError(_("no codings by {coder!r} to evaluate in {project}; coders with "
                            "codings: {listed}").format(
            coder=coder, project=project.path.name, listed=", ".join(coders) or _("none yet")))
    ensure_vectors(project, progress=vectors_progress)
    curves = replay(project, coder, steps, indexes=indexes, progress=progress)
    if question is None:
        return curves
    curves = [c for c in curves if c.scope == question]
    if not curves:
        raise CodingError(_("no codings by {coder!r} for question {question!r} to evaluate; "
                            "leave out --question to see the questions they coded").format(
            coder=coder, question=question))
    return curves




def format_curves(curves: list[LearningCurve]) -> list[str]:
    """The lines ``qca suggest --evaluate`` prints: a table per curve. A pooled curve
    (``all survey``) is left out when one question alone makes it: it would repeat that
    question's table."""
    kinds: dict[str, int] = {}
    for curve in curves:
        if not curve.scope.startswith("all "):
            kinds[curve.kind] = kinds.get(curve.kind, 0) + 1
    lines = []
    for curve in curves:
        if curve.scope == f"all {curve.kind}" and kinds.get(curve.kind, 0) == 1:
            continue
        lines.append(f"{curve.scope} ({curve.kind})")
        lines.append(f"  {_('trained'):>7} {_('tested'):>6} {'top-1':>6} {'top-3':>6}"
                     f"  top-3 95% CI")
        for p in curve.points:
            low, high = p.top3_ci
            lines.append(f"  {p.trained:>7} {p.tested:>6} {p.top1:>6.2f} {p.top3:>6.2f}"
                         f"  [{low:.2f}, {high:.2f}]")
    return lines
