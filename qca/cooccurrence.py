"""Co-occurrence of categories: how often one coder gave two categories to the same segment.

For one coder (as in ``qca counts``: given, else ``consensus``, else the only coder) and
every pair of codable categories A, B:

``n_a``
    segments carrying A;
``n_both``
    segments carrying both A and B;
``jaccard``
    ``n_both / (n_a + n_b - n_both)``: the share of the segments carrying A or B that carry
    both (0: never together, 1: always together); None when neither occurs.

Only substantive segments count (not "k.A." or "-"), as in the counts. With ``by`` a table is
made for every value of the source variable (in the order the values first occur, the group
``(missing)`` for sources without a value) and one for all together (``total``). A cell is
opened as a retrieval with ``qca segments --code A+B``.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from qca.exporting.csv import choose_coder
from qca.i18n import N_, _, ngettext
from qca.store import Project

__all__ = [
    "MISSING_GROUP",
    "TOTAL",
    "CooccurrenceTable",
    "Pair",
    "cooccurrence",
    "format_csv",
    "format_json",
    "format_table",
]

TOTAL = "total"
MISSING_GROUP = "(missing)"


@dataclass(frozen=True)
class Pair:
    """One cell: categories ``a`` and ``b`` (``a`` first in codebook order) in ``group``."""

    group: str
    a: str
    b: str
    n_a: int
    n_b: int
    n_both: int

    @property
    def jaccard(self) -> float | None:
        union = self.n_a + self.n_b - self.n_both
        return self.n_both / union if union else None

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.group, "a": self.a, "b": self.b, "n_a": self.n_a,
                "n_b": self.n_b, "n_both": self.n_both,
                "jaccard": None if self.jaccard is None else round(self.jaccard, 4)}


@dataclass
class CooccurrenceTable:
    """Per group: segments per category and per pair of categories."""

    coder: str
    question: str | None
    by: str | None
    categories: list[str]
    names: dict[str, str]
    groups: list[str]
    n_segments: dict[str, int]
    single: dict[str, Counter[str]]
    both: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)

    def pair(self, a: str, b: str, group: str = TOTAL) -> Pair:
        """The cell of ``a`` and ``b`` (in either order)."""
        order = {k: i for i, k in enumerate(self.categories)}
        if order[b] < order[a]:
            a, b = b, a
        single = self.single[group]
        return Pair(group, a, b, single[a], single[b], self.both[group][(a, b)])

    def pairs(self, group: str = TOTAL, *, present: bool = True) -> list[Pair]:
        """Every pair of ``group`` in codebook order (``present``: both categories occur)."""
        single = self.single[group]
        keys = [k for k in self.categories if single[k] or not present]
        return [self.pair(a, b, group) for a, b in combinations(keys, 2)]


def cooccurrence(
    project: Project,
    *,
    coder: str | None = None,
    question: str | None = None,
    by: str | None = None,
) -> CooccurrenceTable:
    """Count co-occurrences for one coder (definitions: module docstring)."""
    project.require_question(question)
    if by is not None:
        project.require_variables([by])
    who = choose_coder(project, coder, what=N_("co-occurrence is"))
    book = project.codebook()
    scope = book.codable_for_question(question) if question else [
        c for c in book.walk() if c.is_codable]
    keys = [c.key for c in scope]
    wanted = set(keys)
    sql = ("SELECT c.segment_id, c.category, src.variables FROM codings c "
           "JOIN segments s ON s.id = c.segment_id JOIN sources src ON src.id = s.source_id "
           "WHERE c.coder = ? AND s.substantive = 1")
    params: list[Any] = [who]
    if question is not None:
        sql += " AND s.question = ?"
        params.append(question)
    codes: dict[str, set[str]] = defaultdict(set)
    group_of: dict[str, str] = {}
    groups: list[str] = []
    for seg, cat, variables in project.conn.execute(sql + " ORDER BY s.seq", params):
        if cat not in wanted:
            continue
        codes[seg].add(cat)
        if by is not None and seg not in group_of:
            value = json.loads(variables).get(by)
            group = MISSING_GROUP if value in (None, "") else str(value)
            group_of[seg] = group
            if group not in groups:
                groups.append(group)
    order = {k: i for i, k in enumerate(keys)}
    all_groups = [*groups, TOTAL]
    single: dict[str, Counter[str]] = {g: Counter() for g in all_groups}
    both: dict[str, Counter[tuple[str, str]]] = {g: Counter() for g in all_groups}
    n_segments: Counter[str] = Counter()
    for seg, cats in codes.items():
        ordered = sorted(cats, key=order.__getitem__)
        for group in ([group_of[seg]] if by is not None else []) + [TOTAL]:
            n_segments[group] += 1
            single[group].update(ordered)
            both[group].update(combinations(ordered, 2))
    return CooccurrenceTable(who, question, by, keys, {c.key: c.name for c in scope},
                             all_groups, dict(n_segments), single, both)


# --- formatting --------------------------------------------------------------------------


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def format_table(table: CooccurrenceTable, *, top: int | None = None) -> list[str]:
    """Per group, the pairs that occur together, most frequent first (fits 80 columns)."""
    scope = (_("question {question}").format(question=table.question) if table.question
             else _("all questions"))
    lines = [_("Co-occurrence of categories, coder {coder} ({scope})").format(
        coder=table.coder, scope=scope)]
    for group in table.groups:
        pairs = [p for p in table.pairs(group) if p.n_both]
        pairs.sort(key=lambda p: (-p.n_both, -(p.jaccard or 0.0)))
        if top is not None:
            pairs = pairs[:top]
        label = _("all segments") if group == TOTAL else f"{table.by} = {group}"
        lines.append("")
        n = table.n_segments.get(group, 0)
        lines.append(ngettext("{label}: {n} coded segment", "{label}: {n} coded segments", n)
                     .format(label=label, n=n))
        if not pairs:
            lines.append("  " + _("no two categories on the same segment"))
            continue
        width = max(8, *(len(p.a) for p in pairs), *(len(p.b) for p in pairs))
        width = min(width, 24)
        both = _("both")
        w_both = max(5, len(both))
        lines.append(f"  {'A':<{width}} {'B':<{width}} {both:>{w_both}} {'A':>5} {'B':>5} "
                     f"{'Jaccard':>7}")
        for p in pairs:
            lines.append(f"  {p.a[:width]:<{width}} {p.b[:width]:<{width}} {p.n_both:>{w_both}} "
                         f"{p.n_a:>5} {p.n_b:>5} {_num(p.jaccard):>7}")
    lines.append("")
    lines.append(_("Open a cell: qca segments PROJECT --code A+B --coder {coder}").format(
        coder=table.coder))
    return lines


def format_csv(table: CooccurrenceTable) -> str:
    """CSV: group, a, b, n_a, n_b, n_both, jaccard, for every pair of occurring categories."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["group", "a", "b", "n_a", "n_b", "n_both", "jaccard"])
    for group in table.groups:
        for p in table.pairs(group):
            row = p.to_dict()
            writer.writerow([row[k] if row[k] is not None else "" for k in
                             ("group", "a", "b", "n_a", "n_b", "n_both", "jaccard")])
    return buf.getvalue()


def format_json(table: CooccurrenceTable) -> str:
    """JSON: coder, question, by, and per group the category counts and pairs."""
    out = {"coder": table.coder, "question": table.question, "by": table.by, "groups": {
        group: {"n_segments": table.n_segments.get(group, 0),
                "categories": {k: table.single[group][k] for k in table.categories
                               if table.single[group][k]},
                "pairs": [p.to_dict() for p in table.pairs(group)]}
        for group in table.groups}}
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


def matrix(table: CooccurrenceTable, group: str = TOTAL,
           keys: Sequence[str] | None = None) -> tuple[list[str], list[list[int]]]:
    """The occurring categories and the square matrix of ``n_both`` (diagonal: ``n_a``)."""
    single = table.single[group]
    keys = list(keys) if keys is not None else [k for k in table.categories if single[k]]
    rows = [[single[a] if a == b else table.pair(a, b, group).n_both for b in keys]
            for a in keys]
    return keys, rows
