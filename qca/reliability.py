"""Intercoder agreement of a project: from codings to reliability data and coefficients.

The coefficients themselves live in :mod:`qca.agreement`; this module decides what goes into
them (pure domain, no ``textual``).

Definitions
===========
* **Unit of analysis: the segment.** Every selected segment is one unit (row); every chosen
  coder is one column.
* **Missing is not disagreement.** A coder *coded* a segment when they have at least one coding
  on it. A coder without a coding on a segment is missing there (``None``) and takes no part in
  that unit's pairs. (The project stores codings, not "looked at it and assigned nothing", so
  an empty code set does not occur.)
* **Non-substantive segments** ("k.A.", "-") are left out unless ``include_nonsubstantive``.
* **Coders**: by default every coder with codings on the selected segments except
  ``consensus`` (the reconciled version is not an independent coder).
* **Multi-coding.** Several codes per segment are normal, so each coder's value on a unit is
  the *set* of codes they assigned.

  - ``overall``: when every coder gave exactly one code on every unit they coded, the values are
    the single codes and ``q`` for AC1 and Brennan-Prediger is the number of codable categories
    of the codebook (for the selected questions; plus any code in use that is no longer offered).
    As soon as one coder gave two or more codes to a segment, the single-valued coefficients
    (percent agreement, kappa, pi, Fleiss, AC1, Brennan-Prediger, nominal alpha) are computed on
    the **code set as one nominal value**: two coders agree on a unit only if their sets are
    equal. ``q`` is then the number of distinct code sets observed (the codebook does not bound
    the combinations). ``values`` says which view was used.
  - ``krippendorff_alpha_masi`` is always given: alpha over the code sets with the MASI distance
    (Passonneau 2006), which gives partial credit for overlapping sets. With single codes it
    equals nominal alpha.
  - ``categories`` (``by_category``): for each codable category a presence/absence table
    (MAXQDA's "code occurrence"): 1 if the coder assigned the category to the segment, 0 if they
    coded the segment without it, missing if they did not code the segment. Only segments of
    questions that offer the category enter its table.
* ``alpha_ci_low`` / ``alpha_ci_high``: 95 % percentile bootstrap interval for the nominal alpha
  of ``overall`` (units resampled, 1000 resamples, seed 0 by default: the same data give the same
  interval).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from qca.agreement import (
    ReliabilityData,
    bootstrap_alpha,
    category_reports,
    confusion,
    krippendorff_alpha,
    most_confused,
    report,
    to_jsonable,
)
from qca.coders import CONSENSUS
from qca.errors import CodingError
from qca.i18n import _
from qca.store import Project

__all__ = [
    "CONSENSUS",
    "AgreementResult",
    "ConfusionResult",
    "agreement",
    "coded_sets",
    "confusion_table",
    "default_coders",
    "reliability_data",
]


@dataclass(frozen=True)
class _Selection:
    """The units (segment ids with their question) and the chosen coders."""

    segments: list[tuple[str, str | None]]
    coders: list[str]
    sets: dict[tuple[str, str], frozenset[str]]  # (segment_id, coder) -> codes


def _selected_segments(
    project: Project, question: str | None, include_nonsubstantive: bool
) -> list[tuple[str, str | None]]:
    project.require_question(question)
    sql = "SELECT id, question FROM segments WHERE 1=1"
    params: list[Any] = []
    if question is not None:
        sql += " AND question = ?"
        params.append(question)
    if not include_nonsubstantive:
        sql += " AND substantive = 1"
    return [(r[0], r[1]) for r in project.conn.execute(sql + " ORDER BY seq", params)]


def coded_sets(
    project: Project, question: str | None = None, include_nonsubstantive: bool = False
) -> dict[tuple[str, str], frozenset[str]]:
    """Every coder's code set per segment: ``{(segment_id, coder): frozenset(codes)}``."""
    sql = (
        "SELECT c.segment_id, c.coder, c.category FROM codings c "
        "JOIN segments s ON s.id = c.segment_id WHERE 1=1"
    )
    params: list[Any] = []
    if question is not None:
        sql += " AND s.question = ?"
        params.append(question)
    if not include_nonsubstantive:
        sql += " AND s.substantive = 1"
    acc: dict[tuple[str, str], set[str]] = {}
    for seg, coder, cat in project.conn.execute(sql, params):
        acc.setdefault((seg, coder), set()).add(cat)
    return {k: frozenset(v) for k, v in acc.items()}


def default_coders(sets: dict[tuple[str, str], frozenset[str]]) -> list[str]:
    """Coders with codings in ``sets``, sorted, without ``consensus``."""
    return sorted({coder for _, coder in sets if coder != CONSENSUS})


def _select(
    project: Project,
    coders: Sequence[str] | None,
    question: str | None,
    include_nonsubstantive: bool,
    minimum: int = 2,
) -> _Selection:
    segments = _selected_segments(project, question, include_nonsubstantive)
    sets = coded_sets(project, question, include_nonsubstantive)
    if coders:
        chosen = [c.strip() for c in coders if c.strip()]
        if len(set(chosen)) != len(chosen):
            raise CodingError(_("coders {items}: a coder is named twice; name each once")
                              .format(items=', '.join(chosen)))
        known = set(project.coders())
        unknown = [c for c in chosen if c not in known]
        if unknown:
            listed = ", ".join(default_coders(sets)) or "none"
            raise CodingError(_("coder {unknown!r} has no codings in the project (coders: {listed})")
                              .format(unknown=unknown[0], listed=listed))
    else:
        chosen = default_coders(sets)
    if len(chosen) < minimum:
        where = f" for question {question!r}" if question else ""
        raise CodingError(
            _("agreement needs at least {minimum} coders, found {n}{where} "
              "({value}); let a second coder code the segments first")
            .format(minimum=minimum, n=len(chosen), where=where, value=', '.join(chosen) or 'none')
        )
    return _Selection(segments, chosen, sets)


def _codable(project: Project, questions: Sequence[str | None]) -> dict[str, set[str | None]]:
    """Codable category keys in codebook order -> the questions (of ``questions``) offering them."""
    book = project.codebook()
    offered: dict[str, set[str | None]] = {}
    for q in dict.fromkeys(questions):
        for cat in book.codable_for_question(q):
            offered.setdefault(cat.key, set()).add(q)
    order = {k: i for i, k in enumerate(book.keys())}
    return dict(sorted(offered.items(), key=lambda kv: order.get(kv[0], len(order))))


def reliability_data(
    project: Project,
    coders: Sequence[str] | None = None,
    question: str | None = None,
    *,
    include_nonsubstantive: bool = False,
) -> ReliabilityData:
    """Units (segments coded by at least one chosen coder) x coders, values = code sets."""
    sel = _select(project, coders, question, include_nonsubstantive)
    return _data(sel)


def _data(sel: _Selection) -> ReliabilityData:
    units: list[str] = []
    values: list[list[object | None]] = []
    for seg, _ in sel.segments:
        row: list[object | None] = [sel.sets.get((seg, c)) for c in sel.coders]
        if any(v is not None for v in row):
            units.append(seg)
            values.append(row)
    return ReliabilityData(units, list(sel.coders), values)


def _code_sets(data: ReliabilityData) -> list[list[frozenset[str] | None]]:
    """The rows of a table from :func:`_data`: each coder's code set on the unit, or None."""
    return cast("list[list[frozenset[str] | None]]", data.values)


@dataclass
class AgreementResult:
    """``overall`` and (with ``by_category``) ``categories``, as ``qca agreement`` reports them."""

    coders: list[str]
    question: str | None
    overall: dict[str, Any]
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """``{"overall": {...}, "categories": {...}}`` with nan as ``None``."""
        return to_jsonable({"overall": self.overall, "categories": self.categories})


def agreement(
    project: Project,
    coders: Sequence[str] | None = None,
    question: str | None = None,
    *,
    by_category: bool = False,
    include_nonsubstantive: bool = False,
    n_boot: int = 1000,
    seed: int | None = 0,
) -> AgreementResult:
    """Agreement of ``coders`` on the project's segments (see the module doc for definitions)."""
    sel = _select(project, coders, question, include_nonsubstantive)
    sets_data = _data(sel)
    set_rows = _code_sets(sets_data)
    questions = [q for _, q in sel.segments] or [question]
    offered = _codable(project, questions)
    multi = any(v is not None and len(v) != 1 for row in set_rows for v in row)
    if multi:
        view = sets_data
        cats = None
    else:
        view = ReliabilityData(
            sets_data.units,
            sets_data.coders,
            [[None if v is None else next(iter(v)) for v in row] for row in set_rows],
        )
        used = {next(iter(v)) for row in set_rows for v in row if v is not None}
        cats = list(offered) + sorted(used - set(offered))
    overall: dict[str, Any] = report(view, "nominal", categories=cats)
    overall["krippendorff_alpha_masi"] = krippendorff_alpha(sets_data, "masi")
    boot = bootstrap_alpha(view, "nominal", n_boot=n_boot, seed=seed)
    overall["alpha_ci_low"] = boot.low
    overall["alpha_ci_high"] = boot.high
    overall["values"] = "code_set" if multi else "code"
    overall["n_multi_coded"] = sum(
        1 for row in set_rows for v in row if v is not None and len(v) > 1
    )
    overall["coders"] = list(sel.coders)
    overall["question"] = question
    result = AgreementResult(list(sel.coders), question, overall)
    if by_category:
        question_of = dict(sel.segments)
        for key, questions_offering in offered.items():
            keep = [i for i, u in enumerate(sets_data.units) if question_of[u] in questions_offering]
            sub = ReliabilityData(
                [sets_data.units[i] for i in keep],
                sets_data.coders,
                [sets_data.values[i] for i in keep],
            )
            result.categories[key] = category_reports(sub, [key])[key]
    return result


@dataclass
class ConfusionResult:
    """Two coders' code pairs: ``table[(code_a, code_b)] = count`` and the most confused pairs."""

    coder_a: str
    coder_b: str
    n_units: int  # segments both coded
    table: dict[tuple[str, str], int]
    most_confused: list[tuple[str, str, int]]
    only_a: dict[str, int]  # codes A assigned where B assigned no code A lacks (not paired)
    only_b: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "coders": [self.coder_a, self.coder_b],
            "n_units": self.n_units,
            "confusion": [{"a": a, "b": b, "n": n} for (a, b), n in self.table.items()],
            "most_confused": [{"a": a, "b": b, "n": n} for a, b, n in self.most_confused],
            "only_a": self.only_a,
            "only_b": self.only_b,
        }


def confusion_table(
    project: Project,
    coder_a: str,
    coder_b: str,
    question: str | None = None,
    *,
    include_nonsubstantive: bool = False,
) -> ConfusionResult:
    """Confusion of two coders over the segments both coded.

    Per segment, each code both assigned counts once on the diagonal, and each code only A
    assigned is paired with each code only B assigned (``qca.agreement.confusion``). A code one
    coder added while the other added nothing extra has no partner; it is counted in
    ``only_a`` / ``only_b`` so nothing disappears from the picture.
    """
    if coder_a == coder_b:
        raise CodingError(_("--confusion needs two different coders, got {coder_a!r} twice")
                          .format(coder_a=coder_a))
    sel = _select(project, [coder_a, coder_b], question, include_nonsubstantive)
    data = _data(sel)
    table = confusion(data, 0, 1)
    only_a: dict[str, int] = {}
    only_b: dict[str, int] = {}
    both = 0
    for a, b in _code_sets(data):
        if a is None or b is None:
            continue
        both += 1
        if not b - a:
            for code in a - b:
                only_a[code] = only_a.get(code, 0) + 1
        if not a - b:
            for code in b - a:
                only_b[code] = only_b.get(code, 0) + 1
    pairs = cast("list[tuple[str, str, int]]", most_confused(data, 0, 1))  # codes are str
    return ConfusionResult(
        coder_a, coder_b, both, table, pairs,
        dict(sorted(only_a.items())), dict(sorted(only_b.items())),
    )
