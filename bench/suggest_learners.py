"""Which learner ranks the demo corpus's categories best? Learning curves side by side.

Run: ``python bench/suggest_learners.py [--coders ben,anna] [--steps 0,25,50,100,200]
[--vectors]``.

Builds the demo project (bundled corpora and codings) in a temporary folder and replays each
coder's codings with :func:`qca.suggest.replay`, once per learner, so every learner sees the
same indexes, order and test segments. Prints top-3 accuracy pooled over survey answers and
over protocol passages after each number of codings, and the number of tested segments.

The baseline, measured in the same run, is ``cold`` (the codebook alone, nothing learned);
each learner's line also gives its ratio to that baseline at 100 codings. Coder ``ben`` is
the development coder (choices in ``qca.suggest`` were made on him); ``anna`` is the gold
coder the README reports.

``qca`` is the model :func:`qca.suggest.train_model` builds (:mod:`qca.suggest.models`): per
question, a weighted sum of the four components of ``COMPONENTS``, each a share over the
question's categories: ``regression`` (a logistic regression per category, not
class-balanced, so its probabilities keep each category's frequency), ``centroid`` (Rocchio
prototypes: description, coded and other segments), ``cold`` (the codebook start) and
``evidence`` (per category ``n/(n + 5)`` of the regression's share and the rest of the cold
share, ``n`` its codings). The weights are fitted on the codings so far: out-of-fold scores
from 5 folds of the latest 2,000 codings (3 folds below 100, and of the latest 800 above
2,000), then on each of 50 bootstrap resamples of them the point of a 0.1 grid with the most
top-1 plus top-3 hits, averaged (bagged cross-validation), and drawn towards the cold start
alone by the share of resamples on which they rank better than it (``models._proven``);
below 12 codings ``evidence`` alone. With sentence vectors stored (``--vectors`` computes
them for the demo first; it needs the encoder, ``qca[vectors]``), their ridge regression
(scoring what a text adds to a category's rate) is mixed in last, ``(1 - w) * blend + w *
vectors``, ``w`` fitted on the blend's out-of-fold scores (no loss of top-1 or top-3 hits,
scaled by the share of resamples it wins on); without, ``qca`` is the model without vectors
(``QCA_VECTORS=off``).

The other learners are the alternatives tried for the protocol passages; they are kept here
so that the claim "the representation, not the learner, is the limit" can be checked and
extended. Each is *blended* as ``evidence`` is: per category ``n/(n + 5)`` of the learner's
share and the rest of the cold share, with fixed weights (no cross-validation):

* ``raw-blend``: regression and centroid, half and half, blended (named for an early qca
  that blended raw probabilities; both are shares now, so this is their plain mix);
* ``regression`` / ``centroid``: each of the two alone, blended;
* ``knn10``: the labels of the 10 most similar coded segments (cosine), blended;
* ``nb``: complement naive Bayes per category, blended;
* ``lsa50``: Rocchio prototypes in a 50-dimensional LSA space of the question's segments and
  category descriptions (transductive: uses the uncoded segments' words), blended;
* ``spread``: label spreading over a 10-nearest-neighbour graph of all the question's
  segments (transductive), mixed half and half with regression and centroid, blended;
* ``groups``: regression and centroid, blended, times a per-group regression (top-level
  codebook group, e.g. capacity vs. barrier) fitted on the same codings.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

os.environ.setdefault("QCA_PIPELINE", "offline")

from qca.suggest import evaluation as E  # noqa: E402
from qca.suggest import features as F  # noqa: E402
from qca.suggest import models as M  # noqa: E402
from qca.suggest import vectors as V  # noqa: E402
from qca.demo import data_root, populate_demo  # noqa: E402
from qca.store import Project  # noqa: E402

Learn = Callable[[F._QuestionIndex, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _minmax(s: np.ndarray) -> np.ndarray:
    lo, hi = s.min(axis=1, keepdims=True), s.max(axis=1, keepdims=True)
    return (s - lo) / np.maximum(hi - lo, 1e-9)


def blended(learn: Learn, *, share: bool = True) -> E.Scorer:
    """A scorer mixing ``learn``'s scores with cold ones as qca's ``evidence`` component
    does (per category weight n/(n+5), ``n`` its codings)."""

    def score(index: F._QuestionIndex, train: np.ndarray, y: np.ndarray,
              test: np.ndarray, cold: np.ndarray) -> np.ndarray:
        if not len(train):
            return cold
        p = learn(index, train, y, test)
        if share:
            p = M._share(np.maximum(p, 0.0))
        n_pos = y.sum(axis=0).astype(float)
        w = n_pos / (n_pos + M.PRIOR_EXAMPLES)
        return w * p + (1 - w) * cold

    return score


def cold_only(index: F._QuestionIndex, train: np.ndarray, y: np.ndarray,
              test: np.ndarray, cold: np.ndarray) -> np.ndarray:
    return cold


def _qca(index: F._QuestionIndex, train: np.ndarray, y: np.ndarray,
         test: np.ndarray) -> np.ndarray:
    return M._fit(index.x[train], y, index.desc()).learned(index.x[test])


def _regression(index: F._QuestionIndex, train: np.ndarray, y: np.ndarray,
                test: np.ndarray) -> np.ndarray:
    return M._fit(index.x[train], y, index.desc()).proba(index.x[test])


def _centroid(index: F._QuestionIndex, train: np.ndarray, y: np.ndarray,
              test: np.ndarray) -> np.ndarray:
    return M._fit(index.x[train], y, index.desc()).centroid(index.x[test])


def _knn(index: F._QuestionIndex, train: np.ndarray, y: np.ndarray,
         test: np.ndarray, k: int = 10) -> np.ndarray:
    from sklearn.preprocessing import normalize

    sim = (normalize(index.x[test]) @ normalize(index.x[train]).T).toarray()
    near = np.argsort(-sim, axis=1)[:, :k]
    weights = np.take_along_axis(sim, near, axis=1)
    return np.einsum("tk,tkc->tc", weights, y[near].astype(float))


def _nb(index: F._QuestionIndex, train: np.ndarray, y: np.ndarray,
        test: np.ndarray) -> np.ndarray:
    from sklearn.naive_bayes import ComplementNB

    out = np.tile(y.mean(axis=0).astype(float), (len(test), 1))
    for c in range(y.shape[1]):
        if 0 < y[:, c].sum() < len(y):
            model = ComplementNB(alpha=1.0).fit(index.x[train], y[:, c])
            out[:, c] = model.predict_proba(index.x[test])[:, 1]
    return out


_LSA: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _lsa(index: F._QuestionIndex, train: np.ndarray, y: np.ndarray,
         test: np.ndarray, dim: int = 50) -> np.ndarray:
    from scipy import sparse
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    if id(index) not in _LSA:
        desc = index.desc()
        svd = TruncatedSVD(min(dim, index.x.shape[0] - 1), random_state=0)
        svd.fit(normalize(sparse.vstack([index.x, desc])))
        _LSA[id(index)] = (normalize(svd.transform(normalize(index.x))),
                           normalize(svd.transform(normalize(desc))))
    z, zd = _LSA[id(index)]
    pos = (y.T.astype(float) @ z[train]) / np.maximum(y.sum(axis=0), 1)[:, None]
    return _minmax(z[test] @ normalize(zd + 0.75 * pos).T)


def _spread(index: F._QuestionIndex, train: np.ndarray, y: np.ndarray,
            test: np.ndarray, alpha: float = 0.5, k: int = 10) -> np.ndarray:
    from sklearn.preprocessing import normalize

    x = normalize(index.x)
    w = (x @ x.T).toarray()
    np.fill_diagonal(w, 0.0)
    far = np.argsort(-w, axis=1)[:, k:]
    np.put_along_axis(w, far, 0.0, axis=1)
    w = np.maximum(w, w.T)
    d = np.sqrt(np.maximum(w.sum(axis=1), 1e-12))
    labels = np.zeros((x.shape[0], y.shape[1]))
    labels[train] = y
    f = np.linalg.solve(np.eye(x.shape[0]) - alpha * w / d[:, None] / d[None, :], labels)
    return 0.5 * _minmax(f[test]) + 0.5 * _qca(index, train, y, test)


def _groups(book_top: dict[str, str]) -> E.Scorer:
    from sklearn.linear_model import LogisticRegression

    base = blended(_qca)

    def score(index: F._QuestionIndex, train: np.ndarray, y: np.ndarray,
              test: np.ndarray, cold: np.ndarray) -> np.ndarray:
        s = base(index, train, y, test, cold)
        groups = sorted({book_top[k] for k in index.keys})
        if not len(train) or len(groups) < 2:
            return s
        of = np.array([groups.index(book_top[k]) for k in index.keys])
        factor = np.ones_like(s)
        for g in range(len(groups)):
            yg = y[:, of == g].any(axis=1).astype(int)
            if 0 < yg.sum() < len(yg):
                clf = LogisticRegression(C=10.0, solver="liblinear", class_weight="balanced")
                pg = clf.fit(index.x[train], yg).predict_proba(index.x[test])[:, 1]
            else:
                pg = np.full(len(test), yg.mean())
            factor[:, of == g] = pg[:, None]
        return s * factor

    return score


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--coders", default="ben,anna")
    ap.add_argument("--steps", default="0,25,50,100,200")
    ap.add_argument("--vectors", action="store_true",
                    help="Compute the demo's sentence vectors first, so that qca uses them.")
    args = ap.parse_args(argv)
    steps = [int(s) for s in args.steps.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "demo.qca")
        populate_demo(project, data_root())
        if args.vectors:
            report = V.ensure_vectors(project)
            if report.model is None:
                print(report.problem or "no sentence encoder is installed: pip install "
                      "'qca[vectors]'", file=sys.stderr)
                return 2
            print(f"sentence vectors: {report.label}, {report.have} of {report.total} "
                  "segments")
        book = project.codebook()

        def top(key: str) -> str:
            cat = book.get(key)
            while cat is not None and cat.parent is not None and book.get(cat.parent):
                cat = book.get(cat.parent)
            return cat.key if cat else key

        tops = {c.key: top(c.key) for q in book.questions() for c in book.for_question(q)}
        learners: dict[str, E.Scorer] = {
            "cold": cold_only,
            "qca": E._default_scores,
            "raw-blend": blended(_qca, share=False),
            "regression": blended(_regression),
            "centroid": blended(_centroid),
            "knn10": blended(_knn),
            "nb": blended(_nb),
            "lsa50": blended(_lsa),
            "spread": blended(_spread),
            "groups": _groups(tops),
        }
        indexes = F.build_indexes(project)
        for coder in args.coders.split(","):
            print(f"\ncoder {coder}: top-3 after n codings (tested segments in brackets)")
            header = None
            base: dict[str, float] = {}
            for name, scorer in learners.items():
                curves = E.replay(project, coder, steps, indexes=indexes, scorer=scorer)
                pooled = {c.kind: c for c in curves if c.scope.startswith("all ")}
                if header is None:
                    header = "  ".join(
                        f"{kind[:4]}@{p.trained}({p.tested})"
                        for kind, c in pooled.items() for p in c.points)
                    print(f"{'learner':<11} {header}   ratio@100 prot/surv")
                cells = "  ".join(f"{p.top3:>{len(f'{kind[:4]}@{p.trained}({p.tested})')}.3f}"
                                  for kind, c in pooled.items() for p in c.points)
                at100 = {kind: next((p.top3 for p in c.points if p.trained == 100), float("nan"))
                         for kind, c in pooled.items()}
                if name == "cold":
                    base = at100
                ratios = "/".join(f"{at100[k] / base[k]:.2f}" for k in ("protocol", "survey")
                                  if k in at100)
                print(f"{name:<11} {cells}   {ratios}", flush=True)
        project.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
