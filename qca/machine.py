"""The machine as a coder: qca's suggestion model, cross-validated, compared like a second coder.

``qca agreement PROJECT --machine`` asks, for each human coder, how reliable the suggestion
model would be as a coder that imitates them, and puts that beside how reliable the other
human is. Pure domain (no ``textual``). No coding is written into the project: the machine's
code sets exist only in memory, under the reserved name :func:`qca.coders.machine_coder`.
(As ``qca suggest`` does, building the model's indexes caches the segments' lemmas in the
project, and the sentence vectors the segments lack are computed and stored when an encoder
is usable, :mod:`qca.suggest.vectors`.)

Definitions
===========
* **Cross-validation.** A coder's coded substantive segments (with at least one code the
  segment's question offers) are dealt into ``folds`` folds by a seeded permutation of their
  ids (same project, folds and seed -> same folds). Each segment is predicted by a model
  trained on the coder's codings in the *other* folds of its question
  (:func:`qca.suggest.models._fit`, the model ``qca suggest`` uses, blend weights included,
  and with stored sentence vectors their regression, fitted on the training folds' vectors,
  mixed in with its fitted weight; ``QCA_VECTORS=off``: without); no model ever sees the
  segment it predicts. A question without training codings in the
  other folds is predicted by the cold start (the codebook alone).
* **Code sets.** The model ranks categories with scores that are shares over the question's
  categories. The machine assigns the top category and every further one whose score reaches
  a threshold ``t``. ``t`` is fitted on the training folds only: the model's own
  cross-validation of its blend weights (inside the training folds) leaves out-of-fold
  scores for the training segments (with vectors: mixed with the vectors' regression
  cross-validated on the same folds, :func:`qca.suggest.vectors.mixed_oof`), and the ``t``
  on a 0.05 grid with the highest mean per-segment F1 against the coder's sets on them wins
  (ties: the higher ``t``, i.e. fewer codes). Every predicted segment gets at least one code.
* **Comparisons.** For each human coder ``H`` and each other chosen human ``O``: on the
  segments both coded (and the machine predicted), the coefficients of ``H`` vs ``O``
  (*human*) and of ``H`` vs ``machine:H`` (*machine*), overall and per category. With a single
  chosen coder, only the machine side is computed, on all segments that coder coded.
* **Coefficients** as in :mod:`qca.reliability`: overall on single codes when all three
  columns (``H``, ``O``, machine) hold one code per segment, else on code sets as nominal
  values (equal or not), plus MASI alpha; per category, presence/absence of the category on
  segments of questions that offer it. ``machine_ge_human`` is ``True`` where the machine's
  Krippendorff alpha is at least the human's (``None`` where either is undefined): a point
  estimate, so read it with the number of units.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from qca.agreement import (
    ReliabilityData,
    category_reports,
    cohen_kappa,
    gwet_ac1,
    krippendorff_alpha,
    n_units,
    percent_agreement,
    to_jsonable,
)
from qca.coders import is_reserved, machine_coder
from qca.errors import CodingError, InputError
from qca.i18n import _
from qca.progress import Progress
from qca.reliability import coded_sets
from qca.store import Project
from qca.suggest.features import _QuestionIndex, build_indexes
from qca.suggest.models import _CV_MAX, _blend, _fit_cv, _row_hits
from qca.suggest.vectors import (
    QuestionVectors,
    ensure_vectors,
    fit_component,
    index_vectors,
    mixed_oof,
)

__all__ = [
    "DEFAULT_FOLDS",
    "MIN_PER_FOLD",
    "Comparison",
    "MachineAgreement",
    "MachineCodes",
    "cross_validated_sets",
    "machine_agreement",
]

DEFAULT_FOLDS = 5
MIN_PER_FOLD = 2
"""Coded segments a coder needs per fold: ``folds * MIN_PER_FOLD`` in all."""
_THRESHOLDS = np.round(np.arange(0.05, 1.0, 0.05), 2)
_INNER_MIN = 8
"""Out-of-fold training segments needed to fit a threshold; below, the top code only."""

_KEYS = ("n_units", "percent_agreement", "krippendorff_alpha", "cohen_kappa", "gwet_ac1")


# --- cross-validated code sets ----------------------------------------------------------


@dataclass(frozen=True)
class MachineCodes:
    """The machine's code set per segment for one human coder, and the thresholds used."""

    coder: str
    sets: dict[str, frozenset[str]]
    thresholds: list[float] = field(default_factory=list)

    @property
    def name(self) -> str:
        return machine_coder(self.coder)


def _sets_of(scores: np.ndarray, keys: Sequence[str], t: float) -> list[frozenset[str]]:
    """The top category plus every category scoring at least ``t``, per row of ``scores``."""
    top = np.argmax(scores, axis=1)
    chosen = scores >= t
    chosen[np.arange(len(scores)), top] = True
    return [frozenset(keys[int(c)] for c in np.flatnonzero(row)) for row in chosen]


def _mean_f1(scores: np.ndarray, y: np.ndarray, t: float) -> float:
    chosen = scores >= t
    chosen[np.arange(len(scores)), np.argmax(scores, axis=1)] = True
    both = (chosen & (y > 0)).sum(axis=1)
    return float(np.mean(2.0 * both / (chosen.sum(axis=1) + (y > 0).sum(axis=1))))


def _fit_threshold(scores: np.ndarray | None, y: np.ndarray | None) -> float:
    """The threshold with the best mean F1 on out-of-fold ``scores`` of training rows."""
    if scores is None or y is None or len(y) < _INNER_MIN:
        return float("inf")
    return float(max(reversed(_THRESHOLDS), key=lambda t: _mean_f1(scores, y, float(t))))


def _predict_fold(index: _QuestionIndex, train: np.ndarray, y: np.ndarray, test: np.ndarray,
                  vectors: QuestionVectors | None = None
                  ) -> tuple[list[frozenset[str]], float]:
    """Code sets for the ``test`` rows from a model and a threshold fitted on ``train`` only.

    The model is :func:`qca.suggest.models._fit`'s: with the question's sentence
    ``vectors``, their regression (fitted on the ``train`` rows' vectors) is mixed in, and
    the threshold is fitted on the out-of-fold scores of that mix.
    """
    if len(train) == 0:
        return _sets_of(index.cold_rows(test), index.keys, float("inf")), float("inf")
    learned, oof, oof_y = _fit_cv(index.x[train], y, index.desc(),
                                  index.cold_rows(train[-_CV_MAX:]))
    if vectors is not None:
        component = fit_component(vectors, train, y, oof, _row_hits)
        learned = replace(learned, vec=component)
        oof = mixed_oof(component, train, y, oof)
    t = _fit_threshold(oof, oof_y)
    scores = _blend(index.cold_rows(test), learned, index.x[test], test)
    return _sets_of(scores, index.keys, t), t


def _folds(seg_ids: Sequence[str], k: int, seed: int) -> dict[str, int]:
    order = np.random.default_rng(seed).permutation(len(seg_ids))
    ids = sorted(seg_ids)
    return {ids[i]: pos % k for pos, i in enumerate(order)}


def _check_folds(folds: int) -> None:
    if folds < 2:
        raise InputError(_("--folds {folds}: cross-validation needs at least 2 folds, e.g. "
                           "--folds 5").format(folds=folds))


def _check_enough(coder: str, total: int, folds: int) -> None:
    need = folds * MIN_PER_FOLD
    if total < need:
        raise CodingError(
            _("coder {coder!r} has {total} coded segments; --folds {folds} needs at least "
              "{need} ({per_fold} per fold): code more segments or lower --folds").format(
                coder=coder, total=total, folds=folds, need=need, per_fold=MIN_PER_FOLD))


def cross_validated_sets(
    project: Project,
    coder: str,
    *,
    folds: int = DEFAULT_FOLDS,
    seed: int = 0,
    question: str | None = None,
    indexes: dict[str | None, _QuestionIndex] | None = None,
    vectors: dict[str | None, QuestionVectors] | None = None,
) -> MachineCodes:
    """The machine's code sets for ``coder``'s segments by ``folds``-fold cross-validation.

    Args:
        indexes: The questions' indexes (default: built from the project).
        vectors: The questions' stored sentence vectors (default: read from the project,
            :func:`qca.suggest.vectors.index_vectors`; ``{}``: none).

    Raises:
        CodingError: ``coder`` has fewer than ``folds * MIN_PER_FOLD`` segments to learn from.
    """
    _check_folds(folds)
    indexes = indexes if indexes is not None else build_indexes(project)
    if vectors is None:
        vectors = index_vectors(project, {q: i.row_of for q, i in indexes.items()})
    sets = coded_sets(project, question)
    mine = {seg: codes for (seg, c), codes in sets.items() if c == coder}
    usable: dict[str | None, list[str]] = {}
    for q, index in indexes.items():
        if question is not None and q != question:
            continue
        keyset = set(index.keys)
        usable[q] = [s for s in index.row_of if mine.get(s, frozenset()) & keyset]
    _check_enough(coder, sum(len(v) for v in usable.values()), folds)
    fold_of = _folds([s for v in usable.values() for s in v], folds, seed)
    out: dict[str, frozenset[str]] = {}
    thresholds: list[float] = []
    for q, seg_ids in usable.items():
        if not seg_ids:
            continue
        index = indexes[q]
        rows = np.array([index.row_of[s] for s in seg_ids])
        y = np.array([[k in mine[s] for k in index.keys] for s in seg_ids], dtype=np.int8)
        f_of = np.array([fold_of[s] for s in seg_ids])
        for f in range(folds):
            test = f_of == f
            if not test.any():
                continue
            predicted, t = _predict_fold(index, rows[~test], y[~test], rows[test],
                                         vectors.get(q))
            thresholds.append(t)
            for s, codes in zip(np.array(seg_ids)[test], predicted):
                out[str(s)] = codes
    return MachineCodes(coder, out, thresholds)


# --- comparisons ------------------------------------------------------------------------


@dataclass
class Comparison:
    """``coder`` vs ``second`` (human) and ``coder`` vs the machine, on the same segments."""

    coder: str
    second: str | None
    n_segments: int
    overall: dict[str, Any]
    categories: dict[str, dict[str, Any]]

    @property
    def machine(self) -> str:
        return machine_coder(self.coder)

    def to_json(self) -> dict[str, Any]:
        return to_jsonable({"coder": self.coder, "machine": self.machine,
                            "second_coder": self.second, "n_segments": self.n_segments,
                            "overall": self.overall, "categories": self.categories})


@dataclass
class MachineAgreement:
    """Every comparison of ``qca agreement --machine``, with how the machines were made."""

    folds: int
    seed: int
    question: str | None
    coders: list[str]
    comparisons: list[Comparison]
    mean_set_size: dict[str, dict[str, float]]  # coder -> {"human": .., "machine": ..}
    vectors: str | None = None
    """The sentence vectors' model the machines used (None: the model without vectors)."""

    def to_json(self) -> dict[str, Any]:
        return to_jsonable({
            "folds": self.folds, "seed": self.seed, "question": self.question,
            "coders": self.coders, "vectors": self.vectors,
            "mean_set_size": self.mean_set_size,
            "comparisons": [c.to_json() for c in self.comparisons]})


def _nan_report(n: int, masi: bool) -> dict[str, Any]:
    out: dict[str, Any] = {k: float("nan") for k in _KEYS}
    out["n_units"] = n
    if masi:
        out["krippendorff_alpha_masi"] = float("nan")
    return out


def _pair_overall(a: list[frozenset[str]], b: list[frozenset[str]], multi: bool,
                  cats: list[str]) -> dict[str, Any]:
    units = [str(i) for i in range(len(a))]
    sets = ReliabilityData(units, ["a", "b"], [[x, y] for x, y in zip(a, b)])
    if multi:
        view, q = sets, None
    else:
        view = ReliabilityData(units, ["a", "b"],
                               [[next(iter(x)), next(iter(y))] for x, y in zip(a, b)])
        q = cats + sorted({next(iter(v)) for v in a + b} - set(cats))
    return {
        "n_units": n_units(view),
        "percent_agreement": percent_agreement(view),
        "krippendorff_alpha": krippendorff_alpha(view),
        "krippendorff_alpha_masi": krippendorff_alpha(sets, "masi"),
        "cohen_kappa": cohen_kappa(view),
        "gwet_ac1": gwet_ac1(view, q),
    }


def _pair_category(a: list[frozenset[str]], b: list[frozenset[str]], key: str) -> dict[str, Any]:
    data = ReliabilityData([str(i) for i in range(len(a))], ["a", "b"],
                           [[x, y] for x, y in zip(a, b)])
    res = category_reports(data, [key])[key]
    return {k: res.get(k) for k in _KEYS}


def _verdict(human: dict[str, Any], machine: dict[str, Any]) -> bool | None:
    h, m = human["krippendorff_alpha"], machine["krippendorff_alpha"]
    if h is None or m is None or h != h or m != m:
        return None
    return bool(m >= h)


def _compare(coder: str, second: str | None, segments: list[tuple[str, str | None]],
             sets: dict[tuple[str, str], frozenset[str]], machine: MachineCodes,
             offered: dict[str, set[str | None]]) -> Comparison:
    units = [(s, q) for s, q in segments if (s, coder) in sets and s in machine.sets
             and (second is None or (s, second) in sets)]
    h = [sets[(s, coder)] for s, _ in units]
    o = [sets[(s, second)] for s, _ in units] if second is not None else []
    m = [machine.sets[s] for s, _ in units]
    multi = any(len(v) != 1 for v in h + o + m)
    cats = list(offered)
    mach = _pair_overall(h, m, multi, cats)
    hum = _pair_overall(h, o, multi, cats) if second is not None else _nan_report(len(h), True)
    overall = {"values": "code_set" if multi else "code", "human": hum, "machine": mach,
               "machine_ge_human": _verdict(hum, mach)}
    categories: dict[str, dict[str, Any]] = {}
    for key, questions in offered.items():
        keep = [i for i, (_, q) in enumerate(units) if q in questions]
        hk = [h[i] for i in keep]
        mk = _pair_category(hk, [m[i] for i in keep], key)
        hu = (_pair_category(hk, [o[i] for i in keep], key) if second is not None
              else _nan_report(len(keep), False))
        categories[key] = {"human": hu, "machine": mk, "machine_ge_human": _verdict(hu, mk)}
    return Comparison(coder, second, len(units), overall, categories)


def _chosen_coders(project: Project, sets: dict[tuple[str, str], frozenset[str]],
                   coders: Sequence[str] | None) -> list[str]:
    humans = sorted({c for _, c in sets if not is_reserved(c)})
    if not coders:
        if not humans:
            raise CodingError(_("--machine needs a coder with codings; code some segments "
                                "first"))
        return humans
    chosen = list(dict.fromkeys(c.strip() for c in coders if c.strip()))
    known = set(project.coders())
    for c in chosen:
        if is_reserved(c):
            raise InputError(_("--coders {coder!r}: --machine compares human coders; name "
                               "people, not {coder!r}").format(coder=c))
        if c not in known:
            raise CodingError(_("coder {coder!r} has no codings in the project (coders: "
                                "{coders})").format(coder=c,
                                                    coders=", ".join(humans) or _("none")))
    return chosen


def machine_agreement(
    project: Project,
    coders: Sequence[str] | None = None,
    question: str | None = None,
    *,
    folds: int = DEFAULT_FOLDS,
    seed: int = 0,
    progress: Progress | None = None,
    vectors_progress: Progress | None = None,
) -> MachineAgreement:
    """For each chosen human coder a cross-validated machine coder, compared like a human.

    The machines use the model ``qca suggest`` gives: the sentence vectors the segments lack
    are computed and stored first when an encoder is usable
    (:func:`qca.suggest.vectors.ensure_vectors`, ``vectors_progress``), and the stored ones
    join the model.

    Args:
        coders: Human coders (default: every coder with codings except reserved names).
        question: Only segments of this question.
        folds: Folds of the cross-validation (at least 2).
        seed: Seed of the folds' permutation.
        progress: Progress of analysing the segments (building the indexes).
        vectors_progress: Progress of computing the missing sentence vectors.
    """
    _check_folds(folds)
    project.require_question(question)
    from qca.reliability import _codable, _selected_segments

    sets = coded_sets(project, question)
    chosen = _chosen_coders(project, sets, coders)
    segments = _selected_segments(project, question, False)
    offered = _codable(project, [q for _, q in segments] or [question])
    for c in chosen:  # before the indexes are built: a quick answer to a plain mistake
        _check_enough(c, sum(1 for _, coder in sets if coder == c), folds)
    ensure_vectors(project, progress=vectors_progress)
    indexes = build_indexes(project, progress=progress)
    qvectors = index_vectors(project, {q: i.row_of for q, i in indexes.items()})
    machines = {c: cross_validated_sets(project, c, folds=folds, seed=seed, question=question,
                                        indexes=indexes, vectors=qvectors) for c in chosen}
    comparisons = []
    for c in chosen:
        others: list[str | None] = [o for o in chosen if o != c] or [None]
        comparisons += [_compare(c, o, segments, sets, machines[c], offered) for o in others]
    sizes = {}
    for c, mc in machines.items():
        mine = [sets[(s, c)] for s in mc.sets]
        sizes[c] = {"human": float(np.mean([len(v) for v in mine])) if mine else float("nan"),
                    "machine": (float(np.mean([len(v) for v in mc.sets.values()]))
                                if mc.sets else float("nan"))}
    used = {v.model for v in qvectors.values()}
    return MachineAgreement(folds, seed, question, chosen, comparisons, sizes,
                            next(iter(used)) if used else None)


# --- output -----------------------------------------------------------------------------


def _num(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    return f"{value:.3f}"


def _yes(value: Any) -> str:
    return "-" if value is None else (_("yes") if value else _("no"))


def format_table(result: MachineAgreement) -> str:
    """The comparisons as text: overall, then one line per category."""
    out = result.to_json()
    vectors = (_("with sentence vectors ({model})").format(model=out["vectors"])
               if out["vectors"] else _("without sentence vectors"))
    lines = [_("Machine coders: qca's suggestion model {vectors}, {folds}-fold "
               "cross-validated on each coder's codings (seed {seed})").format(
                   vectors=vectors, folds=out["folds"], seed=out["seed"]),
             _("h = human vs human, m = human vs machine, on the same segments; kappa is "
               "Cohen's")]
    for c in out["comparisons"]:
        size = out["mean_set_size"][c["coder"]]
        against = (_("beside {coder} vs {second}").format(coder=c["coder"],
                                                          second=c["second_coder"])
                   if c["second_coder"] else _("(no second human coder)"))
        lines += ["", _("{coder} vs {machine} {against}, {n} segments; codes per segment "
                        "{human} ({coder}) vs {by_machine} (machine)").format(
                      coder=c["coder"], machine=c["machine"], against=against,
                      n=c["n_segments"], human=_num(size["human"]),
                      by_machine=_num(size["machine"]))]
        width = max(17, *(len(k) for k in c["categories"]))
        scope_, units = _("scope"), _("units")
        w_units = max(5, len(units))
        lines.append(f"{scope_:<{width}} {units:>{w_units}} {'alpha h':>7} {'m':>6} "
                     f"{'kappa h':>7} {'m':>6} {'AC1 h':>6} {'m':>6}  "
                     + _("machine>=human"))
        rows = [(_("overall"), c["overall"]), *c["categories"].items()]
        for scope, res in rows:
            h, m = res["human"], res["machine"]
            lines.append(
                f"{scope:<{width}} {m['n_units']:>{w_units}} {_num(h['krippendorff_alpha']):>7} "
                f"{_num(m['krippendorff_alpha']):>6} {_num(h['cohen_kappa']):>7} "
                f"{_num(m['cohen_kappa']):>6} {_num(h['gwet_ac1']):>6} {_num(m['gwet_ac1']):>6}"
                f"  {_yes(res['machine_ge_human'])}")
        ov = c["overall"]
        compares = (_("overall compares code sets") if ov["values"] == "code_set"
                    else _("overall compares codes"))
        lines.append(_("overall MASI alpha: {human} (human) vs {machine} (machine); {compares}")
                     .format(human=_num(ov["human"].get("krippendorff_alpha_masi")),
                             machine=_num(ov["machine"]["krippendorff_alpha_masi"]),
                             compares=compares))
    return "".join(f"{line}\n" for line in lines)


CSV_HEADER = ["coder", "machine", "second_coder", "scope", "n_units",
              *(f"{side}_{k}" for k in _KEYS[1:] for side in ("human", "machine")),
              "machine_ge_human"]


def format_csv(result: MachineAgreement) -> str:
    """One row per comparison and scope (``overall``, then each category)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for c in result.to_json()["comparisons"]:
        for scope, res in [("overall", c["overall"]), *c["categories"].items()]:
            values = [res[side][k] for k in _KEYS[1:] for side in ("human", "machine")]
            row = [c["coder"], c["machine"], c["second_coder"], scope,
                   res["machine"]["n_units"], *values, res["machine_ge_human"]]
            writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def format_json(result: MachineAgreement) -> str:
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
