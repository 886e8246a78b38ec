"""The learned part of the suggestion model and the immutable model the screen asks.

Learned, per question, on the word and character n-gram TF-IDF features of
:mod:`qca.suggest.features` (heading included) and the codings made so far:

- one logistic regression per category, not class-balanced, so its probabilities keep each
  category's frequency (calibrated: a category with two examples is neither buried nor put
  first for every segment that shares a word with them);
- a few-shot centroid (Rocchio) prototype per category: ``alpha * description + beta *
  mean(coded segments) - gamma * mean(other segments)`` of unit vectors, negative weights
  cut, with the textbook ``_ROCCHIO`` = (1, 0.75, 0.15); the description is the category's
  cold-start text in the same feature space.

Blend: a weighted sum of the components of :data:`COMPONENTS` (regression, centroid, cold
start, and the regression trusted per category as far as its own codings go), each a share
over the question's categories, the weights chosen by cross-validation on the coder's
codings so far (:func:`_cross_validate`), so the codebook weighs as much as it helps this coder
and question. With sentence vectors stored (:mod:`qca.suggest.vectors`), their regression
is mixed in last, ``(1 - w) * blend + w * vectors``, ``w`` fitted on the blend's
out-of-fold scores.

Blindness: by default a coder's model learns only from that coder's own codings and from
consensus codings (coder ``consensus`` or origin ``consensus``); ``widen=True`` uses all
coders.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from qca.coders import CONSENSUS
from qca.events import Origin
from qca.progress import Progress
from qca.store import Project, Segment
from qca.suggest.features import (
    _content,
    _heading,
    SegmentWhy,
    _QuestionIndex,
    _sentences,
    _surface,
    _unnamed,
    build_indexes,
)
from qca.suggest.vectors import (
    QuestionVectors,
    VectorComponent,
    ensure_vectors,
    fit_component,
    index_vectors,
)

__all__ = ["COMPONENTS", "PRIOR_EXAMPLES", "Suggestion", "SuggestionModel",
           "suggest_for_coder", "train_model"]

COMPONENTS = ("regression", "centroid", "cold", "evidence")
"""The blend's components, in the order of :attr:`_Learned.weights`. ``evidence``: per
category ``n/(n + _EVIDENCE)`` of the regression's share and the rest of the cold share, ``n``
the category's codings, so a category with few codings leans on its description while one
with many leans on what was learned (with few codings, a weight shared by all categories
cannot do this: top-3 at 100 coded on the manifestos 0.744 -> 0.756)."""

PRIOR_EXAMPLES = 5.0
"""Training examples at which a category's ``why`` words come from what was learned."""
_C = 10.0
"""Inverse regularisation strength of the logistic regressions."""
_CV_FOLDS = 5
"""Folds of the weights' cross-validation: its learners see 4/5 of the codings, close to
what the final ones see (with 3 folds of the latest 600 codings, the regression trained on
400 ranked worse than the final one on 1,500 and got too little weight: top-3 at half coded
0.955 vs 0.964 on Cycling Dialogues, 0.835 vs 0.860 on the held-out manifestos)."""
_CV_MIN = 12
"""Codings needed before the blend's weights are fitted (before: :func:`_default_weights`)."""
_CV_MAX = 2000
"""The latest codings the blend's weights are fitted on (bounds retraining time)."""
_CV_FOLDS_FEW = (100, 3)
"""Below 100 codings, 3 folds: each held-out fold keeps enough codings to rank. (Drawing the
fitted weights towards :func:`_default_weights` with few codings instead lost up to 0.08
top-3 on NHS FFT at 25-100 codings.)"""
_CV_LARGE = (800, 3)
"""Above ``_EXACT_FIT_MAX`` codings of a question: the weights from 3 folds of the latest
800 codings (retraining on 10,000 codings: 5.7 s CPU with 5 folds of 2,000 -> see
``bench/suggest_bench.py``). Below, nothing changes, so the learning curves of
``bench/suggest_corpora.py`` (at most 1,500 codings a question) stay as they were."""
_EVIDENCE = 5.0
"""Codings at which a category's regression weighs as much as its cold start in ``evidence``."""
_BAGS = 50
"""Bootstrap resamples of the out-of-fold rows whose best weights are averaged (see
:func:`_cross_validate`)."""
_ROCCHIO = (1.0, 0.75, 0.15)
"""Rocchio's textbook alpha (description), beta (positives), gamma (negatives); not tuned."""
_EXACT_FIT_MAX = 2000


@dataclass(frozen=True)
class Suggestion:
    """One ranked category: ``score`` in 0..1, ``why`` the segment's words that drove it."""

    code: str
    name: str
    score: float
    why: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "score": round(self.score, 4),
                "why": list(self.why)}



# --- learning ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Learned:
    coef: np.ndarray  # categories × features
    intercept: np.ndarray
    n_pos: np.ndarray
    n_train: int
    proto: np.ndarray | None = None  # categories × features, unit Rocchio prototypes
    weights: tuple[float, ...] = (0.0, 0.0, 1.0, 0.0)
    """The blend's weights of :data:`COMPONENTS`, see :func:`_cross_validate`."""
    vec: VectorComponent | None = None
    """Sentence vectors' regression and weight, mixed in last (:mod:`qca.suggest.vectors`)."""

    def proba(self, x: sparse.csr_matrix) -> np.ndarray:
        z = np.asarray(x @ self.coef.T).reshape(x.shape[0], -1) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def centroid(self, x: sparse.csr_matrix) -> np.ndarray:
        """Cosine of each row of ``x`` to each prototype, rescaled to 0..1 per row."""
        if self.proto is None:
            return np.zeros((x.shape[0], len(self.n_pos)))
        # dividing by the row norms after the product: sklearn's normalize() validates its
        # input at ~1 ms a call, which one segment on screen would pay each time
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        s = np.asarray(x @ self.proto.T).reshape(x.shape[0], -1)
        s = s / np.where(norms > 0, norms, 1.0)[:, None]
        lo, hi = s.min(axis=1, keepdims=True), s.max(axis=1, keepdims=True)
        return np.where(hi > lo, (s - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)

    def components(self, x: sparse.csr_matrix, cold: np.ndarray) -> tuple[np.ndarray, ...]:
        """The scores of :data:`COMPONENTS` for the rows ``x`` with cold-start shares
        ``cold``, each a share over the categories."""
        lr = _share(self.proba(x))
        trust = self.n_pos / (self.n_pos + _EVIDENCE)
        return lr, _share(self.centroid(x)), cold, trust * lr + (1.0 - trust) * cold

    def learned(self, x: sparse.csr_matrix) -> np.ndarray:
        """The learned part alone: regression and centroid in the blend's proportion."""
        w_lr, w_proto = self.weights[:2]
        lr, proto = _share(self.proba(x)), _share(self.centroid(x))
        total = w_lr + w_proto
        return (w_lr * lr + w_proto * proto) / total if total else 0.5 * (lr + proto)


def _rocchio(x: sparse.csr_matrix, y: np.ndarray,
             desc: sparse.csr_matrix | None) -> np.ndarray:
    """Unit prototypes ``alpha·description + beta·mean(positives) − gamma·mean(negatives)``
    of the unit rows of ``x`` and ``desc``, negative weights cut to zero."""
    from sklearn.preprocessing import normalize

    alpha, beta, gamma = _ROCCHIO
    xn = normalize(x)
    yf = y.astype(np.float32)
    n_pos = yf.sum(axis=0)
    pos_sum = np.asarray((xn.T @ yf).T)  # categories × features
    all_sum = np.asarray(xn.sum(axis=0)).ravel()
    pos = pos_sum / np.maximum(n_pos, 1.0)[:, None]
    neg = (all_sum[None, :] - pos_sum) / np.maximum(len(yf) - n_pos, 1.0)[:, None]
    proto = beta * pos - gamma * neg
    if desc is not None:
        proto += alpha * normalize(desc).toarray()
    np.maximum(proto, 0.0, out=proto)
    return normalize(proto).astype(np.float32)


def _fit_learners(x: sparse.csr_matrix, y: np.ndarray,
                  desc: sparse.csr_matrix | None) -> _Learned:
    """One calibrated logistic regression per category and the Rocchio prototypes.

    The regressions are not class-balanced: their probabilities keep each category's
    frequency, so a category with two examples is not lifted to first place for every
    segment that shares a word with them (Cycling Dialogues and NHS FFT, ``bench/
    suggest_corpora.py``). A category no coding (or every coding) carries gets its smoothed
    rate as a constant.
    """
    from sklearn.linear_model import LogisticRegression, SGDClassifier

    n, k = y.shape
    coef = np.zeros((k, x.shape[1]), dtype=np.float32)
    intercept = np.zeros(k)
    n_pos = y.sum(axis=0).astype(float)
    for c in range(k):
        pos = int(n_pos[c])
        if 0 < pos < n:
            # liblinear is exact and quick on the first thousands of codings but grows
            # super-linearly (10,000 codings: ~10 s); SGD keeps retraining under 2 s there.
            # The dual problem is far smaller while there are fewer codings than features
            # (1,500 codings × 31,000 features × 44 categories: 28 s -> 0.4 s, same fit).
            clf = (LogisticRegression(C=_C, solver="liblinear", dual=n < x.shape[1],
                                      random_state=0)
                   if n <= _EXACT_FIT_MAX else
                   SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=12, tol=None,
                                 random_state=0))
            clf.fit(x, y[:, c])
            coef[c] = clf.coef_[0]
            intercept[c] = clf.intercept_[0]
        else:
            rate = (pos + 0.5) / (n + 1.0)
            intercept[c] = math.log(rate / (1 - rate))
    return _Learned(coef, intercept, n_pos, n, _rocchio(x, y, desc))


def _grid(d: int = len(COMPONENTS), step: float = 0.1) -> np.ndarray:
    """Every weight vector of ``d`` components on a ``step`` grid summing to 1."""
    m = round(1 / step)

    def rest(left: int, slots: int) -> list[tuple[int, ...]]:
        if slots == 1:
            return [(left,)]
        return [(a, *r) for a in range(left + 1) for r in rest(left - a, slots - 1)]

    return np.array(rest(m, d), dtype=float) * step


def _default_weights(n: int) -> tuple[float, ...]:
    """Before enough codings to fit them, and where resamples tie: ``evidence`` alone, each
    category's regression trusted as far as its own codings go (in place of the centroid
    taking over from the cold start: manifestos at 25 coded, top-3 0.680 -> 0.685)."""
    return (0.0, 0.0, 0.0, 1.0)


def _row_hits(scores: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per row of ``scores`` (… × rows × categories): top-1 plus top-3 hit (0, 1 or 2) of
    its best-ranked code in ``y``; a category scored as high as that code ranks before it."""
    truth = y.astype(bool)
    best = np.where(truth, scores, -np.inf).max(axis=-1)
    ahead = ((scores >= best[..., None]) & ~truth).sum(axis=-1)
    return (ahead == 0).astype(float) + (ahead < 3)


def _hits(scores: np.ndarray, y: np.ndarray) -> float:
    """Top-1 plus top-3 hits of ``scores`` (rows × categories) on the code sets ``y``."""
    return float(_row_hits(scores, y).sum())


def _cross_validate(x: sparse.csr_matrix, y: np.ndarray, desc: sparse.csr_matrix | None,
                    cold: np.ndarray
                    ) -> tuple[tuple[float, ...], np.ndarray | None, np.ndarray | None]:
    """The blend's weights that rank best in cross-validation on the codings so far.

    ``cold`` holds the cold-start shares of the last ``len(cold)`` training rows; only
    those (at most ``_CV_MAX``) are split into ``_CV_FOLDS`` folds. Each fold is ranked by
    learners that never saw it. On each of ``_BAGS`` bootstrap resamples of those rows the
    weights on :func:`_grid` with the most top-1 plus top-3 hits win (ties: nearest
    :func:`_default_weights`); the blend takes their mean. One best grid point on a few
    dozen codings is mostly noise (manifestos, 25 coded: the fitted weights ranked 0.674
    top-3, the best ones 0.714); the mean over resamples keeps what most of them agree on.

    Returns the weights, the out-of-fold blend scores with those weights and the labels of
    the rows they belong to (both ``None`` below ``_CV_MIN`` codings).
    """
    n = len(y)
    large = n > _EXACT_FIT_MAX
    m = min(len(cold), _CV_LARGE[0] if large else _CV_MAX)
    if m < _CV_MIN:
        return _default_weights(n), None, None
    xs, ys, cs = x[n - m:], y[n - m:], cold[len(cold) - m:]
    k = (_CV_LARGE[1] if large else
         _CV_FOLDS_FEW[1] if m < _CV_FOLDS_FEW[0] else _CV_FOLDS)
    folds = np.arange(m) % k
    stack = np.zeros((len(COMPONENTS), *ys.shape))
    for f in range(k):
        train, test = folds != f, folds == f
        learned = _fit_learners(xs[train], ys[train], desc)
        stack[:, test] = learned.components(xs[test], cs[test])
    grid = _grid()
    per_row = np.vstack([_row_hits(np.tensordot(w, stack, axes=1), ys) for w in grid])
    resamples = np.random.default_rng(0).multinomial(m, np.full(m, 1.0 / m), size=_BAGS)
    nearest = -np.abs(grid - np.array(_default_weights(n))).sum(axis=1)
    totals = per_row @ resamples.T + 1e-6 * nearest[:, None]  # ties: nearest the default
    weights = grid[np.argmax(totals, axis=0)].mean(axis=0)
    weights = _proven(weights, stack, ys, resamples)
    return tuple(float(v) for v in weights), np.tensordot(weights, stack, axes=1), ys


def _proven(weights: np.ndarray, stack: np.ndarray, y: np.ndarray,
            resamples: np.ndarray) -> np.ndarray:
    """``weights`` drawn towards the cold start alone as far as the codings leave it open
    whether they rank better than it: ``p * weights + (1 - p) * cold``, ``p`` the share of
    the bootstrap ``resamples`` of the out-of-fold rows on which the blend with ``weights``
    has more top-1 plus top-3 hits than the codebook's cold start (ties count half).

    With few codings a chance majority is mistaken for a pattern: on MobASA (then held out) the
    first 25 codings held 12 of one category of 16 and the weights fitted on them ranked
    top-1 0.771 on the rest, below the cold start's 0.814 (p = 0.62 there; 0.89 on the
    manifestos at 25 codings, where the blend was ahead; 1.0 from 50 codings on both).
    """
    cold = np.zeros(len(COMPONENTS))
    cold[COMPONENTS.index("cold")] = 1.0
    fit = resamples @ _row_hits(np.tensordot(weights, stack, axes=1), y)
    base = resamples @ _row_hits(stack[COMPONENTS.index("cold")], y)
    p = float(((fit > base) + 0.5 * (fit == base)).mean())
    return p * weights + (1.0 - p) * cold


def _fit(x: sparse.csr_matrix, y: np.ndarray, desc: sparse.csr_matrix | None = None,
         cold: np.ndarray | None = None, vectors: QuestionVectors | None = None,
         rows: np.ndarray | None = None) -> _Learned:
    """The learners on all codings so far, with the blend's weights fitted on them.

    ``cold``: the cold-start shares of the last ``len(cold)`` rows (see
    :func:`_cross_validate`); without it the weights are :func:`_default_weights`.
    ``vectors`` and the training rows' index ``rows``: the sentence vectors' component,
    its weight fitted on the blend's out-of-fold scores (:func:`qca.suggest.vectors.
    fit_component`).
    """
    if cold is None:
        return replace(_fit_learners(x, y, desc), weights=_default_weights(len(y)))
    learned, oof, _ys = _fit_cv(x, y, desc, cold)
    if vectors is not None and rows is not None:
        learned = replace(learned, vec=fit_component(vectors, rows, y, oof, _row_hits))
    return learned


def _fit_cv(x: sparse.csr_matrix, y: np.ndarray, desc: sparse.csr_matrix | None,
            cold: np.ndarray
            ) -> tuple[_Learned, np.ndarray | None, np.ndarray | None]:
    """:func:`_fit` with ``cold``, plus the out-of-fold scores of :func:`_cross_validate`
    (``qca agreement --machine`` fits its threshold on them)."""
    weights, oof, ys = _cross_validate(x, y, desc, cold)
    return replace(_fit_learners(x, y, desc), weights=weights), oof, ys


def _share(scores: np.ndarray) -> np.ndarray:
    """Each row of non-negative ``scores`` as a share over the categories (flat if all 0)."""
    total = scores.sum(axis=-1, keepdims=True)
    return np.where(total > 0, scores / np.where(total > 0, total, 1.0), 1.0 / scores.shape[-1])


def _blend(cold: np.ndarray, learned: _Learned | None, x: sparse.csr_matrix,
           rows: np.ndarray | int | None = None) -> np.ndarray:
    """The weighted sum of the :data:`COMPONENTS`, each a share over the question's
    categories, with the weights :func:`_cross_validate` chose for ``learned``.

    Shares, because unnormalised probabilities would outweigh the cold share of every
    category at once. The index ``rows`` of ``x``, when known, add the sentence vectors'
    component (if ``learned`` has one).
    """
    if learned is None or learned.n_train == 0:
        return cold
    parts = learned.components(x, cold)
    out = sum((w * part for w, part in zip(learned.weights, parts)), np.zeros_like(cold))
    if learned.vec is not None and rows is not None:
        out = learned.vec.mix(out, np.asarray(rows))
    return out


def _training_codes(project: Project, coder: str, widen: bool) -> dict[str, set[str]]:
    if widen:
        rows = project.conn.execute("SELECT segment_id, category FROM codings")
    else:
        rows = project.conn.execute(
            "SELECT segment_id, category FROM codings "
            "WHERE coder = ? OR coder = ? OR origin = ?", (coder, CONSENSUS, Origin.CONSENSUS))
    out: dict[str, set[str]] = {}
    for seg, cat in rows:
        out.setdefault(seg, set()).add(cat)
    return out


def _labels(index: _QuestionIndex, seg_ids: Sequence[str],
            codes: dict[str, set[str]]) -> np.ndarray:
    y = np.zeros((len(seg_ids), len(index.keys)), dtype=np.int8)
    for i, sid in enumerate(seg_ids):
        for c, key in enumerate(index.keys):
            if key in codes.get(sid, ()):
                y[i, c] = 1
    return y


@dataclass(frozen=True)
class SuggestionModel:
    """An immutable snapshot: indexes plus what was learned. Swap in a new one to update."""

    coder: str
    widen: bool
    indexes: dict[str | None, _QuestionIndex]
    learned: dict[str | None, _Learned]
    codebook_version: int
    n_codings: int
    trained_at: float
    vectors: str | None = None
    """The sentence vectors' model the learned parts use (None: no vectors)."""

    def suggest(self, segment: Segment, top: int = 3) -> list[Suggestion]:
        """The ``top`` categories for ``segment``, best first (fast: no I/O for known ones)."""
        if not segment.substantive:
            return []
        index = self.indexes.get(segment.question)
        if index is None:
            return []
        row = index.row_of.get(segment.id)
        if row is not None and index.content[row] is not None:
            content, x, parts = index.content[row], index.x[row], index.parts[row]
            vec = index.seg_vec[row] if index.seg_vec is not None else None
        else:  # a segment imported after the model was built
            from qca.nlp import analyse

            feats = analyse([segment.text])[0]
            content, parts = _content(feats), _sentences(segment.text, feats)
            heading = ([f for _, f in _content(analyse([_heading(segment.heading)])[0])]
                       if segment.heading else [])
            text = _unnamed(feats, _heading(segment.heading))
            x, vec, row = index.features_of(content, heading, text), None, None
        cold = index.cold(row, content, x, vec)
        learned = self.learned.get(segment.question)
        scores = _blend(cold, learned, x, row).ravel()
        return _ranked(index, learned, scores, top, content, x, parts, vec, cold)

    def suggest_many(self, segments: Iterable[Segment], top: int = 3
                     ) -> Iterable[tuple[Segment, list[Suggestion]]]:
        """:meth:`suggest` for many segments, scored in one matrix product per question."""
        pending: dict[str | None, list[Segment]] = {}
        for seg in segments:
            pending.setdefault(seg.question, []).append(seg)
        for q, segs in pending.items():
            index = self.indexes.get(q)
            known = [s for s in segs if index is not None and s.substantive
                     and s.id in index.row_of]
            scores: dict[str, np.ndarray] = {}
            if index is not None and known:
                rows = np.array([index.row_of[s.id] for s in known])
                batch = _blend(index.cold_rows(rows), self.learned.get(q), index.x[rows], rows)
                scores = {s.id: batch[i] for i, s in enumerate(known)}
            for seg in segs:
                if index is None or seg.id not in scores:
                    yield seg, self.suggest(seg, top)
                    continue
                r = index.row_of[seg.id]
                vec = index.seg_vec[r] if index.seg_vec is not None else None
                yield seg, _ranked(index, self.learned.get(q), scores[seg.id], top,
                                   index.content[r], index.x[r], index.parts[r], vec,
                                   index.cold_matrix()[r])


def _ranked(index: _QuestionIndex, learned: _Learned | None, scores: np.ndarray, top: int,
            content: list[tuple[str, str]], x: sparse.csr_matrix,
            parts: tuple[np.ndarray, ...] | None, vec: np.ndarray | None,
            cold: np.ndarray | None = None) -> list[Suggestion]:
    """The ``top`` categories by ``scores``, each with the words behind it (only these);
    ``cold``: the segment's cold-start shares, when known."""
    k = len(scores)
    order = (np.argsort(-scores, kind="stable") if top >= k else
             sorted(np.argpartition(-scores, top)[:top], key=lambda c: (-scores[c], c)))
    explain = SegmentWhy(index, content, x, parts, vec, cold)
    out = []
    for c in order[:top]:
        w = 0.0
        if learned is not None and learned.n_train:
            w = learned.n_pos[c] / (learned.n_pos[c] + PRIOR_EXAMPLES)
        why = explain.learned(learned.coef[c]) if learned is not None and w >= 0.5 else []
        if len(why) < 3:
            why += [t for t in explain.cold(int(c)) if t not in why]
        out.append(Suggestion(index.keys[c], index.names[c],
                              float(min(1.0, max(0.0, scores[c]))), why[:5]))
    return out


def train_model(
    project: Project | Path | str,
    coder: str,
    *,
    widen: bool = False,
    indexes: dict[str | None, _QuestionIndex] | None = None,
    progress: Progress | None = None,
) -> SuggestionModel:
    """Train a fresh model for ``coder``; safe in a background thread given a path.

    With a path, opens its own connection and closes it. ``indexes`` from an earlier model
    are reused when the codebook is unchanged (the expensive, label-free part).
    """
    if not isinstance(project, Project):
        with Project.open(project) as own:
            return train_model(own, coder, widen=widen, indexes=indexes, progress=progress)
    if indexes is None:
        indexes = build_indexes(project, progress=progress)
    codes = _training_codes(project, coder, widen)
    qvectors = index_vectors(project, {q: i.row_of for q, i in indexes.items()})
    learned: dict[str | None, _Learned] = {}
    n_codings = 0
    for q, index in indexes.items():
        seg_ids = [s for s in index.row_of if codes.get(s, set()) & set(index.keys)]
        if not seg_ids:
            continue
        rows = [index.row_of[s] for s in seg_ids]
        y = _labels(index, seg_ids, codes)
        learned[q] = _fit(index.x[rows], y, index.desc(),
                          index.cold_rows(np.array(rows[-_CV_MAX:])),
                          qvectors.get(q), np.array(rows))
        n_codings += len(seg_ids)
    used = {v.model for v in qvectors.values()}
    return SuggestionModel(coder, widen, indexes, learned, project.codebook_version(),
                           n_codings, time.time(), next(iter(used)) if used else None)



def suggest_for_coder(
    project: Project,
    coder: str,
    *,
    question: str | None = None,
    top: int = 3,
    widen: bool = False,
    progress: Progress | None = None,
    vectors_progress: Progress | None = None,
) -> Iterable[tuple[Segment, list[Suggestion]]]:
    """Suggestions for every substantive segment ``coder`` has not coded yet.

    Sentence vectors the segments lack are computed and stored first when an encoder is
    installed (:func:`qca.suggest.vectors.ensure_vectors`, ``vectors_progress``).
    """
    ensure_vectors(project, progress=vectors_progress)
    model = train_model(project, coder, widen=widen, progress=progress)
    coded = {r[0] for r in project.conn.execute(
        "SELECT DISTINCT segment_id FROM codings WHERE coder = ?", (coder,))}
    segments = project.segments(question) if question else project.segments()
    yield from model.suggest_many(
        (seg for seg in segments if seg.substantive and seg.id not in coded), top)
