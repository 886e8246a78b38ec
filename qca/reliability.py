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

import numpy as np

from qca.agreement import (
    ReliabilityData,
    bootstrap_alpha,
    category_reports,
    confusion,
    encoded,
    krippendorff_alpha,
    most_confused,
    report,
    sorted_domain,
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
    chosen = _choose(project, coders, default_coders(sets), question, minimum)
    return _Selection(segments, chosen, sets)


def _choose(
    project: Project,
    coders: Sequence[str] | None,
    present: list[str],
    question: str | None,
    minimum: int = 2,
) -> list[str]:
    """The coders named (checked), else ``present`` (those with codings on the selection)."""
    if coders:
        chosen = [c.strip() for c in coders if c.strip()]
        if len(set(chosen)) != len(chosen):
            raise CodingError(_("coders {items}: a coder is named twice; name each once")
                              .format(items=', '.join(chosen)))
        known = set(project.coders())
        unknown = [c for c in chosen if c not in known]
        if unknown:
            listed = ", ".join(present) or _("none")
            raise CodingError(_("coder {unknown!r} has no codings in the project (coders: {listed})")
                              .format(unknown=unknown[0], listed=listed))
    else:
        chosen = list(present)
    if len(chosen) < minimum:
        where = " " + _("for question {question!r}").format(question=question) if question else ""
        raise CodingError(
            _("agreement needs at least {minimum} coders, found {n}{where} "
              "({value}); let a second coder code the segments first")
            .format(minimum=minimum, n=len(chosen), where=where, value=', '.join(chosen) or _('none'))
        )
    return chosen


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
    project.require_question(question)
    compact = _compact(project, question, include_nonsubstantive)
    if compact is not None:
        chosen = _choose(project, coders, compact.present(), question)
        return _agreement_compact(project, compact, chosen, question, by_category,
                                  include_nonsubstantive, n_boot, seed)
    return _agreement_rows(project, coders, question, by_category=by_category,
                           include_nonsubstantive=include_nonsubstantive, n_boot=n_boot,
                           seed=seed)


def _agreement_rows(
    project: Project,
    coders: Sequence[str] | None,
    question: str | None,
    *,
    by_category: bool,
    include_nonsubstantive: bool,
    n_boot: int,
    seed: int | None,
) -> AgreementResult:
    """:func:`agreement` from Python rows: for more categories than a bit mask holds."""
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
            # Only coders who coded a segment offering the category had a chance to code it.
            cols = [j for j in range(len(sets_data.coders))
                    if any(sets_data.values[i][j] is not None for i in keep)]
            sub = ReliabilityData(
                [sets_data.units[i] for i in keep],
                [sets_data.coders[j] for j in cols],
                [[sets_data.values[i][j] for j in cols] for i in keep],
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


# --------------------------------------------------------------------------------------------
# the same result from SQL aggregates and numpy (a million segments)

_MAX_BITS = 62  # code sets travel as one SQLite integer bit mask per segment and coder
_FETCH = 50_000


@dataclass(frozen=True)
class _Compact:
    """Every coder's code set per coded segment as a bit mask over ``categories`` (0 = the
    coder did not code the segment); rows in ``seq`` order, ``question`` indexes ``questions``."""

    coders: list[str]
    categories: list[str]
    questions: list[str | None]
    masks: np.ndarray  # segments x coders, int64
    question: np.ndarray  # per segment

    def present(self) -> list[str]:
        """Coders with a coding on the selection, sorted, without ``consensus``."""
        used = np.asarray(self.masks.any(axis=0), dtype=bool)
        return [c for c, u in zip(self.coders, used.tolist()) if u and c != CONSENSUS]


def _compact(
    project: Project, question: str | None, include_nonsubstantive: bool
) -> _Compact | None:
    """SQLite groups the codings per segment into one bit mask per coder; None with more
    categories in use than a mask holds (the Python path then serves)."""
    conn = project.conn
    cats = [r[0] for r in conn.execute("SELECT DISTINCT category FROM codings ORDER BY 1")]
    if len(cats) > _MAX_BITS:
        return None
    coders = project.coding_coders()
    questions = [r[0] for r in conn.execute("SELECT DISTINCT question FROM segments")]
    # One look-up per segment in the codings' primary key (segment_id first) gathers every
    # coder's codes at once: the masks of as many coders as fit in 62 bits travel packed in
    # one integer, coder j of a pack shifted by j * len(cats) bits.
    width = max(len(cats), 1)
    per_pack = _MAX_BITS // width
    packs = [list(range(i, min(i + per_pack, len(coders))))
             for i in range(0, len(coders), per_pack)]
    bits = "CASE c.category " + " ".join(f"WHEN ? THEN {1 << i}" for i in range(len(cats)))
    bits += " ELSE 0 END"
    which = "CASE " + " ".join(f"WHEN s.question IS ? THEN {i}" for i in range(len(questions)))
    which += " ELSE -1 END" if questions else "-1"
    params: list[Any] = [*questions]
    columns = ""
    for pack in packs:
        shifted = " ".join(f"WHEN ? THEN ({bits}) << {j * width}" for j in range(len(pack)))
        columns += (f", COALESCE((SELECT SUM(CASE c.coder {shifted} ELSE 0 END) FROM codings c "
                    "WHERE c.segment_id = s.id), 0)")
        for k in pack:
            params += [coders[k], *cats]
    sql = f"SELECT s.seq, {which}{columns} FROM segments s WHERE 1=1"
    if question is not None:
        sql += " AND s.question = ?"
        params.append(question)
    if not include_nonsubstantive:
        sql += " AND s.substantive = 1"
    cursor = conn.execute(sql, params)
    parts = [np.empty((0, 2 + len(packs)), dtype=np.int64)]
    while rows := cursor.fetchmany(_FETCH):
        parts.append(np.array(rows, dtype=np.int64))
    table = np.concatenate(parts)
    masks = np.zeros((table.shape[0], len(coders)), dtype=np.int64)
    low = (1 << width) - 1
    for p, pack in enumerate(packs):
        for j, k in enumerate(pack):
            masks[:, k] = (table[:, 2 + p] >> (j * width)) & low
    coded = masks.any(axis=1)
    table, masks = table[coded], masks[coded]
    order = np.argsort(table[:, 0], kind="stable")
    return _Compact(coders, cats, questions, masks[order], table[order, 1])


def _selected_questions(
    project: Project, question: str | None, include_nonsubstantive: bool
) -> list[str | None]:
    """The questions of the selected segments (coded or not)."""
    if question is not None:
        return [question]
    found = []
    for (q,) in project.conn.execute("SELECT DISTINCT question FROM segments").fetchall():
        sql = "SELECT 1 FROM segments WHERE question IS ?"
        if not include_nonsubstantive:
            sql += " AND substantive = 1"
        if project.conn.execute(sql + " LIMIT 1", (q,)).fetchone():
            found.append(q)
    return found


def _mask_set(mask: int, categories: list[str]) -> frozenset[str]:
    return frozenset(k for b, k in enumerate(categories) if mask >> b & 1)


def _encode_masks(flat: np.ndarray, label: Any) -> tuple[np.ndarray, list, np.ndarray]:
    """Codes (-1 = missing) and domain of mask values, numbered as ``qca.agreement`` numbers
    the labels (``label(mask)``) of a table scanned unit by unit; also the distinct masks."""
    present = flat != 0
    masks, first = np.unique(flat[present], return_index=True)
    raw = [label(int(m)) for m in masks[np.argsort(first, kind="stable")]]
    domain = sorted_domain(raw)
    position = {v: i for i, v in enumerate(domain)}
    lut = np.array([position[label(int(m))] for m in masks], dtype=np.int64)
    codes = np.full(flat.shape, -1, dtype=np.int64)
    codes[present] = lut[np.searchsorted(masks, flat[present])]
    return codes, domain, masks


def _agreement_compact(
    project: Project,
    compact: _Compact,
    chosen: list[str],
    question: str | None,
    by_category: bool,
    include_nonsubstantive: bool,
    n_boot: int,
    seed: int | None,
) -> AgreementResult:
    columns = [compact.coders.index(c) if c in compact.coders else -1 for c in chosen]
    masks = np.zeros((compact.masks.shape[0], len(chosen)), dtype=np.int64)
    for j, col in enumerate(columns):
        if col >= 0:
            masks[:, j] = compact.masks[:, col]
    coded = masks.any(axis=1)
    masks, unit_question = masks[coded], compact.question[coded]
    cats = compact.categories
    flat = masks.ravel()
    set_codes, set_domain, distinct = _encode_masks(flat, lambda m: _mask_set(m, cats))
    sets_enc = encoded(set_codes.reshape(masks.shape), set_domain)
    several = distinct[(distinct & (distinct - 1)) != 0]
    multi = bool(several.size)
    offered = _codable(project, _selected_questions(project, question, include_nonsubstantive)
                       or [question])
    if multi:
        view, book_cats = sets_enc, None
    else:
        single = {int(m): cats[int(m).bit_length() - 1] for m in distinct}
        codes, domain, _ = _encode_masks(flat, single.__getitem__)
        view = encoded(codes.reshape(masks.shape), domain)
        used = set(single.values())
        book_cats = list(offered) + sorted(used - set(offered))
    overall: dict[str, Any] = report(view, "nominal", categories=book_cats)
    overall["krippendorff_alpha_masi"] = krippendorff_alpha(sets_enc, "masi")
    boot = bootstrap_alpha(view, "nominal", n_boot=n_boot, seed=seed)
    overall["alpha_ci_low"] = boot.low
    overall["alpha_ci_high"] = boot.high
    overall["values"] = "code_set" if multi else "code"
    overall["n_multi_coded"] = int(np.isin(flat, several).sum()) if multi else 0
    overall["coders"] = list(chosen)
    overall["question"] = question
    result = AgreementResult(list(chosen), question, overall)
    if by_category:
        for key, questions_offering in offered.items():
            rows = np.isin(unit_question, [compact.questions.index(q) for q in questions_offering
                                           if q in compact.questions])
            sub = masks[rows]
            # Only coders who coded a segment offering the category had a chance to code it.
            sub = sub[:, (sub != 0).any(axis=0)]
            bit = cats.index(key) if key in cats else -1
            present = sub != 0
            value = (sub >> bit) & 1 if bit >= 0 else np.zeros_like(sub)
            domain = sorted({int(v) for v in np.unique(value[present])})
            codes = np.where(present, value if domain != [1] else 0, -1)
            result.categories[key] = report(encoded(codes, domain), categories=(0, 1))
    return result
