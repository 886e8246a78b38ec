"""The learned part of the suggestion model and the immutable model the screen asks.

Learned, per question, on the lemma and character n-gram TF-IDF features of
:mod:`qca.suggest.features` (heading included) and the codings made so far: the mean of two
learners,

- one logistic regression per category (its probability);
- a few-shot centroid (Rocchio) prototype per category: ``alpha * description + beta *
  mean(coded segments) - gamma * mean(other segments)`` of unit vectors, negative weights
  cut, with the textbook ``_ROCCHIO`` = (1, 0.75, 0.15); the description is the category's
  cold-start text in the same feature space.

Blend: ``w * learned + (1 - w) * cold`` with ``w = n / (n + PRIOR_EXAMPLES)``, ``n`` the
category's training examples, both parts shares over the question's categories.

Blindness: by default a coder's model learns only from that coder's own codings and from
consensus codings (coder ``consensus`` or origin ``consensus``); ``widen=True`` uses all
coders.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from qca.coders import CONSENSUS
from qca.events import Origin
from qca.nlp import Progress
from qca.store import Project, Segment
from qca.suggest.features import (
    _content,
    _heading,
    _QuestionIndex,
    _sentences,
    _surface,
    build_indexes,
)

__all__ = ["PRIOR_EXAMPLES", "Suggestion", "SuggestionModel", "suggest_for_coder",
           "train_model"]

PRIOR_EXAMPLES = 5.0
"""Training examples at which a category's learned and cold-start scores weigh the same."""
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

    def proba(self, x: sparse.csr_matrix) -> np.ndarray:
        z = np.asarray(x @ self.coef.T).reshape(x.shape[0], -1) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def centroid(self, x: sparse.csr_matrix) -> np.ndarray:
        """Cosine of each row of ``x`` to each prototype, rescaled to 0..1 per row."""
        from sklearn.preprocessing import normalize

        if self.proto is None:
            return np.zeros((x.shape[0], len(self.n_pos)))
        s = np.asarray(normalize(x) @ self.proto.T).reshape(x.shape[0], -1)
        lo, hi = s.min(axis=1, keepdims=True), s.max(axis=1, keepdims=True)
        return np.where(hi > lo, (s - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)

    def learned(self, x: sparse.csr_matrix) -> np.ndarray:
        """The learned score: mean of the regression's probability and the centroid score."""
        p = self.proba(x)
        return p if self.proto is None else 0.5 * p + 0.5 * self.centroid(x)


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


def _fit(x: sparse.csr_matrix, y: np.ndarray,
         desc: sparse.csr_matrix | None = None) -> _Learned:
    """One logistic regression per category (constant scores where a class is missing) and
    the Rocchio prototypes (``desc``: the categories' descriptions, see :meth:`desc`)."""
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
            clf = (LogisticRegression(C=10.0, solver="liblinear", class_weight="balanced")
                   if n <= _EXACT_FIT_MAX else
                   SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=12, tol=None,
                                 class_weight="balanced", random_state=0))
            clf.fit(x, y[:, c])
            coef[c] = clf.coef_[0]
            intercept[c] = clf.intercept_[0]
        else:
            rate = (pos + 0.5) / (n + 1.0)
            intercept[c] = math.log(rate / (1 - rate))
    return _Learned(coef, intercept, n_pos, n, _rocchio(x, y, desc))


def _share(scores: np.ndarray) -> np.ndarray:
    """Each row of non-negative ``scores`` as a share over the categories (flat if all 0)."""
    total = scores.sum(axis=-1, keepdims=True)
    return np.where(total > 0, scores / np.where(total > 0, total, 1.0), 1.0 / scores.shape[-1])


def _blend(cold: np.ndarray, learned: _Learned | None, x: sparse.csr_matrix) -> np.ndarray:
    """``w * learned + (1 - w) * cold`` per category, both parts shares over the categories.

    The cold score is a share (it sums to 1 over the question's categories); the learned
    score is made one too before mixing, else its unnormalised probabilities outweigh the
    cold share of every category at once (top-3 after 100 codings, development coder:
    protocol 0.77 -> 0.79, survey 0.953 -> 0.954; ``bench/suggest_learners.py``).
    """
    if learned is None or learned.n_train == 0:
        return cold
    p = _share(learned.learned(x))
    w = learned.n_pos / (learned.n_pos + PRIOR_EXAMPLES)
    return w * p + (1 - w) * cold


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
            x, vec, row = index.features_of(content, heading), None, None
        cold = index.cold(row, content, x, vec, parts)
        learned = self.learned.get(segment.question)
        scores = _blend(cold, learned, x).ravel()
        order = np.argsort(-scores, kind="stable")[:top]
        out = []
        for c in order:
            w = 0.0
            if learned is not None and learned.n_train:
                w = learned.n_pos[c] / (learned.n_pos[c] + PRIOR_EXAMPLES)
            why = _why_learned(index, learned, int(c), content, x) if w >= 0.5 else []
            if len(why) < 3:
                why += [t for t in index.why_cold(int(c), content, x, parts, vec)
                        if t not in why]
            out.append(Suggestion(index.keys[c], index.names[c],
                                  float(min(1.0, max(0.0, scores[c]))), why[:5]))
        return out


def _why_learned(index: _QuestionIndex, learned: _Learned | None, c: int,
                 content: list[tuple[str, str]], x: sparse.csr_matrix) -> list[str]:
    if learned is None:
        return []
    xw = x[:, : index.n_word].tocoo()
    names = index.word_names
    contrib: dict[str, float] = {}
    for j, v in zip(xw.col, xw.data):
        value = float(learned.coef[c, j]) * float(v)
        for part in str(names[j]).split(" "):
            contrib[part] = contrib.get(part, 0.0) + value
    return _surface(contrib, content)


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
    learned: dict[str | None, _Learned] = {}
    n_codings = 0
    for q, index in indexes.items():
        seg_ids = [s for s in index.row_of if codes.get(s, set()) & set(index.keys)]
        if not seg_ids:
            continue
        rows = [index.row_of[s] for s in seg_ids]
        y = _labels(index, seg_ids, codes)
        learned[q] = _fit(index.x[rows], y, index.desc())
        n_codings += len(seg_ids)
    return SuggestionModel(coder, widen, indexes, learned, project.codebook_version(),
                           n_codings, time.time())



def suggest_for_coder(
    project: Project,
    coder: str,
    *,
    question: str | None = None,
    top: int = 3,
    widen: bool = False,
    progress: Progress | None = None,
) -> Iterable[tuple[Segment, list[Suggestion]]]:
    """Suggestions for every substantive segment ``coder`` has not coded yet."""
    model = train_model(project, coder, widen=widen, progress=progress)
    coded = {r[0] for r in project.conn.execute(
        "SELECT DISTINCT segment_id FROM codings WHERE coder = ?", (coder,))}
    segments = project.segments(question) if question else project.segments()
    for seg in segments:
        if seg.substantive and seg.id not in coded:
            yield seg, model.suggest(seg, top)
