"""Category counts per group: the typology tables of a report (categories x offices).

For one coder, :func:`counts_table` counts, for every category and every value of a source
variable (the *group*, e.g. ``amt``), how many segments carry the category. Definitions:

``n_group`` (the base)
    The group's segments that are *substantive* and that *this coder has coded* (the coder
    gave them at least one category), restricted to the questions for which the category is
    offered. With ``question`` set that is one number per group; without it, each category
    has the base of its own question(s). Segments the coder has not coded are missing, not
    "no"; non-substantive segments ("k.A.", "-") are never in the base, and codings on them
    are ignored.
``n_segments``
    Base segments that carry the category. A parent category is *rolled up*: it counts a
    segment once if the parent itself or any of its descendants was coded there.
``share_segments``
    ``n_segments / n_group``. Answers may carry several categories (multiple response), so
    the shares of a question's categories may sum to more than 100 %.
``share_mentions``
    The category's share of all codings (mentions) the coder made on the group's base
    segments. For a leaf that is ``n_segments / mentions``; for a parent it is the number of
    codings under it divided by the mentions, so that shares of mentions sum to 100 % at every
    level of the tree (a segment with two subcategories of one parent is two mentions).

A share whose base is zero is ``None`` (empty in CSV, ``null`` in JSON). Next to the groups
every category has the group ``total`` (all groups together); next to the categories every
group has the row ``total``, whose ``n_segments`` equals ``n_group`` (every coded segment has
at least one category) and which carries the base of the group. Segments whose source has no
value for the variable form the group ``(missing)``. Groups appear in the order in which
their values first occur among the sources, unless an ``order`` is given.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from qca.codebook import Category, Codebook
from qca.errors import InputError
from qca.exporting.csv import choose_coder
from qca.i18n import N_, _
from qca.store import Project

__all__ = [
    "CSV_COLUMNS",
    "CountRow",
    "CountTable",
    "MISSING_GROUP",
    "TOTAL",
    "counts_table",
    "csv_rows",
    "format_table",
    "resolve_coder",
    "text_bars",
    "to_json",
]

TOTAL = "total"
MISSING_GROUP = "(missing)"
CSV_COLUMNS = [
    "category", "name", "group", "n_segments", "n_group", "share_segments", "share_mentions",
]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class CountRow:
    """One cell of the category x group table.

    ``category`` is a category key or :data:`TOTAL`; ``group`` a group value or :data:`TOTAL`.
    ``n_mentions`` is the number of codings under the category (itself and descendants) and
    ``mentions_group`` the number of all codings on the base segments.
    """

    category: str
    name: str
    group: str
    n_segments: int
    n_group: int
    n_mentions: int
    mentions_group: int
    depth: int = 0

    @property
    def share_segments(self) -> float | None:
        return _share(self.n_segments, self.n_group)

    @property
    def share_mentions(self) -> float | None:
        return _share(self.n_mentions, self.mentions_group)

    def as_dict(self) -> dict[str, object]:
        """The row as the CSV/JSON record (shares as floats 0..1, or None)."""
        return {
            "category": self.category,
            "name": self.name,
            "group": self.group,
            "n_segments": self.n_segments,
            "n_group": self.n_group,
            "share_segments": self.share_segments,
            "share_mentions": self.share_mentions,
        }


@dataclass
class CountTable:
    """The counts of one coder, by one variable, for one question (or all)."""

    coder: str
    by: str | None
    question: str | None
    groups: list[str]
    categories: list[Category]
    rows: list[CountRow]
    _index: dict[tuple[str, str], CountRow] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = {(r.category, r.group): r for r in self.rows}

    def row(self, category: str, group: str = TOTAL) -> CountRow:
        return self._index[(category, group)]

    def n_group(self, group: str) -> int:
        """The group's base over the questions counted (the ``total`` row's ``n_group``)."""
        return self._index[(TOTAL, group)].n_group

    def category_rows(self, group: str | None = None) -> list[CountRow]:
        """Rows of real categories (not the ``total`` rows), optionally of one group."""
        return [r for r in self.rows
                if r.category != TOTAL and (group is None or r.group == group)]


def resolve_coder(project: Project, coder: str | None) -> str:
    """The coder whose codings are counted: as given, else the only one, else ``consensus``
    where it covers every coded segment (:func:`qca.coverage.choose_coder`, the one choice
    counts, figures and the exports share)."""
    return choose_coder(project, coder, what=N_("counts are"))


def _scope(book: Codebook, question: str | None) -> list[Category]:
    return book.for_question(question) if question is not None else list(book.walk())


_SEP = "\x1f"  # joins a segment's codes in SQL; no category key holds it


def _group_sql(by: str | None) -> tuple[str, list[object]]:
    """The SQL expression of a segment's group (its source's value of ``by``, blanks
    trimmed; NULL when missing) over ``src``."""
    if by is None:
        return "NULL", []
    return ("NULLIF(TRIM(CAST(json_extract(src.variables, ?) AS TEXT), ' ' || char(9, 10, 13)), "
            "'')", ['$."' + by.replace('"', '\\"') + '"'])


def _groups(project: Project, by: str | None,
            question: str | None) -> tuple[list[str], set[str]]:
    """The groups in the order their sources were imported, and those the counted segments
    fall into (``MISSING_GROUP`` for none; ``TOTAL`` alone without ``by``)."""
    if by is None:
        return [], {TOTAL}
    expr, params = _group_sql(by)
    used = "SELECT 1 FROM segments s WHERE s.source_id = src.id"
    if question is not None:
        used += " AND s.question = ?"
        params = [*params, question]
    # One pass over the sources (segments always have theirs): the value once per source,
    # not once per segment.
    rows = project.conn.execute(
        f"SELECT {expr} AS g, MIN(src.rowid) AS first, MAX(EXISTS ({used})) FROM sources src "
        "GROUP BY g ORDER BY first", params).fetchall()
    order = [g for g, _, _ in rows if g is not None]
    seen = {g or MISSING_GROUP for g, _, in_scope in rows if in_scope}
    return order, seen


def _coded_combinations(project: Project, coder: str, by: str | None,
                        question: str | None) -> Iterator[tuple[str | None, str, str, int]]:
    """(question, group, codes joined by ``_SEP``, segments) of the coder's coded
    substantive segments.

    The index ``codings_coder`` holds a coder's codings in segment order, so SQLite groups
    them as it walks the index, without sorting them first; a segment's codes may come in
    any order (the caller reads them as a set).
    """
    expr, params = _group_sql(by)
    sql = (f"SELECT s.question, {expr} AS g, c.codes, COUNT(*) FROM ("
           "SELECT segment_id, group_concat(category, char(31)) AS codes FROM codings "
           "WHERE coder = ? GROUP BY segment_id) c "
           "JOIN segments s ON s.id = c.segment_id LEFT JOIN sources src ON src.id = s.source_id "
           "WHERE s.substantive = 1")
    args: list[object] = [*params, coder]
    if question is not None:
        sql += " AND s.question = ?"
        args.append(question)
    for seg_question, group, codes, n in project.conn.execute(
            sql + " GROUP BY s.question, g, c.codes", args):
        yield seg_question, (group or MISSING_GROUP) if by is not None else TOTAL, codes, n


def counts_table(
    project: Project,
    by: str | None = None,
    question: str | None = None,
    coder: str | None = None,
    order: Sequence[str] | None = None,
) -> CountTable:
    """Count categories per group for one coder (definitions: module docstring).

    Args:
        project: The open project.
        by: A source variable to group by (e.g. ``"amt"``); None gives only ``total``.
        question: Count only this question's segments and categories; None counts all.
        coder: The coder; None picks ``consensus`` or the only coder (:func:`resolve_coder`).
        order: Group values to put first, in this order (e.g. the offices as a report lists
            them); groups not named follow in their usual order, so totals stay complete.

    Returns:
        The table; rows are ordered by category (codebook order, then the ``total`` row)
        and, within a category, by group (then ``total``).
    """
    project.require_variables([by] if by is not None else [])
    project.require_question(question)
    coder = resolve_coder(project, coder)
    book = project.codebook()
    cats = _scope(book, question)
    if not cats:
        raise InputError(_("no categories of the codebook are offered for question {question!r}; "
                           "bind a group to it with 'questions:' in the codebook")
                         .format(question=question))
    known = set(book.keys())
    subtree = {c.key: {c.key} | {d.key for d in book.descendants(c.key)} for c in cats}
    depth = {c.key: book.depth(c.key) for c in cats}

    group_order, seen_groups = _groups(project, by, question)
    offered_cache: dict[str | None, set[str]] = {}
    base: dict[tuple[str, str], int] = defaultdict(int)
    mentions: dict[tuple[str, str], int] = defaultdict(int)
    hits: dict[tuple[str, str], int] = defaultdict(int)
    hit_mentions: dict[tuple[str, str], int] = defaultdict(int)
    # One row per (question, group, set of codes) with its number of segments: SQLite walks
    # the million codings, Python only the few thousand distinct combinations.
    for seg_question, group, joined, n in _coded_combinations(project, coder, by, question):
        codes = {c for c in joined.split(_SEP) if c in known}
        if not codes:
            continue
        if seg_question not in offered_cache:
            offered_cache[seg_question] = {c.key for c in book.for_question(seg_question)}
        offered = offered_cache[seg_question]
        base[(TOTAL, group)] += n
        mentions[(TOTAL, group)] += len(codes) * n
        for cat in cats:
            if cat.key not in offered:
                continue
            cell = (cat.key, group)
            base[cell] += n
            mentions[cell] += len(codes) * n
            found = codes & subtree[cat.key]
            if found:
                hits[cell] += n
                hit_mentions[cell] += len(found) * n
    hits.update({(TOTAL, g): n for (k, g), n in base.items() if k == TOTAL})
    hit_mentions.update({(TOTAL, g): n for (k, g), n in mentions.items() if k == TOTAL})

    if by is None:
        groups: list[str] = []
    else:
        groups = [g for g in group_order if g in seen_groups]
        if MISSING_GROUP in seen_groups:
            groups.append(MISSING_GROUP)
        if order:
            unknown = [g for g in order if g not in groups]
            if unknown:
                raise InputError(_("{by} has no value {unknown!r} among the segments counted; "
                                   "values are: {items}")
                                 .format(by=by, unknown=unknown[0], items=', '.join(groups)))
            groups = [*order, *(g for g in groups if g not in order)]

    rows: list[CountRow] = []
    lines = [(c.key, c.name, depth[c.key]) for c in cats] + [(TOTAL, TOTAL, 0)]
    for key, name, level in lines:
        totals = [0, 0, 0, 0]
        for group in groups:
            cell = (key, group)
            counts = (hits[cell], base[cell], hit_mentions[cell], mentions[cell])
            totals = [a + b for a, b in zip(totals, counts)]
            rows.append(CountRow(key, name, group, *counts, depth=level))
        if by is None:
            cell = (key, TOTAL)
            totals = [hits[cell], base[cell], hit_mentions[cell], mentions[cell]]
        n_segments, n_group, n_mentions, mentions_group = totals
        rows.append(CountRow(key, name, TOTAL, n_segments, n_group, n_mentions, mentions_group,
                             depth=level))
    return CountTable(coder=coder, by=by, question=question, groups=groups, categories=cats,
                      rows=rows)


# --- output ----------------------------------------------------------------------------------


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _decimal(value: float | None) -> object:
    return "" if value is None else round(value, 6)


def csv_rows(table: CountTable) -> Iterator[list[object]]:
    """The header :data:`CSV_COLUMNS`, then one row per category x group (for ``write_csv``)."""
    yield list(CSV_COLUMNS)
    for row in table.rows:
        record = row.as_dict()
        record["share_segments"] = _decimal(row.share_segments)
        record["share_mentions"] = _decimal(row.share_mentions)
        yield [record[c] for c in CSV_COLUMNS]


def to_json(table: CountTable) -> str:
    """A JSON list of row objects with the CSV's fields (shares as numbers or null)."""
    records = []
    for row in table.rows:
        record = row.as_dict()
        record["share_segments"] = _rounded(row.share_segments)
        record["share_mentions"] = _rounded(row.share_mentions)
        records.append(record)
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f}%"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def format_table(table: CountTable, *, name_width: int = 44) -> list[str]:
    """A readable text table: per group ``n (share of segments)``, then N and mentions."""
    columns = [*table.groups, TOTAL]
    cells: dict[tuple[str, str], str] = {}
    for row in table.rows:
        if row.category != TOTAL:
            cells[(row.category, row.group)] = f"{row.n_segments} ({_percent(row.share_segments)})"
    labels = ["  " * c_depth + name for c_depth, name in
              ((table.row(c.key, TOTAL).depth, c.name) for c in table.categories)]
    width_name = min(max([len(s) for s in labels] + [12]), name_width)
    n_line = {g: f"N = {table.n_group(g)}" for g in columns}
    m_line = {g: str(table.row(TOTAL, g).mentions_group) for g in columns}
    shown = {g: _("total") if g == TOTAL else g for g in columns}
    width = {g: max(len(shown[g]), len(n_line[g]),
                    *(len(cells[(c.key, g)]) for c in table.categories))
             for g in columns}
    if table.question and table.by:
        title = _("Counts for question {question}, by {by}, coder {coder} (n and share of coded "
                  "substantive segments; multiple responses)")
    elif table.question:
        title = _("Counts for question {question}, coder {coder} (n and share of coded "
                  "substantive segments; multiple responses)")
    elif table.by:
        title = _("Counts for all questions, by {by}, coder {coder} (n and share of coded "
                  "substantive segments; multiple responses)")
    else:
        title = _("Counts for all questions, coder {coder} (n and share of coded substantive "
                  "segments; multiple responses)")
    out = [title.format(question=table.question, by=table.by, coder=table.coder)]
    out.append(" " * width_name + "".join(f"  {shown[g]:>{width[g]}}" for g in columns))
    out.append(" " * width_name + "".join(f"  {n_line[g]:>{width[g]}}" for g in columns))
    for cat, label in zip(table.categories, labels):
        line = f"{_clip(label, width_name):<{width_name}}"
        out.append(line + "".join(f"  {cells[(cat.key, g)]:>{width[g]}}" for g in columns))
    out.append(f"{_('mentions (codings)'):<{width_name}}"
               + "".join(f"  {m_line[g]:>{width[g]}}" for g in columns))
    return out


_EIGHTHS = " ▏▎▍▌▋▊▉"


def _bar(share: float, cells: int) -> str:
    eighths = round(max(0.0, min(share, 1.0)) * cells * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def text_bars(rows: Iterable[CountRow], width: int = 60) -> list[str]:
    """A plain-text bar chart of ``share_segments`` for a terminal (the TUI's counts view).

    One line per row with the category name, a bar scaled so that the full bar is 100 %,
    the percentage and ``n/N``. Rows of several groups are drawn as one block per category
    with a line per group. ``total`` category rows are left out.

    Args:
        rows: Rows of :class:`CountTable` (e.g. ``table.category_rows("Ordnung")``).
        width: Characters per line (at least 30 is useful).

    Returns:
        The lines, each at most ``width`` characters long.
    """
    rows = [r for r in rows if r.category != TOTAL]
    if not rows:
        return []
    grouped = len({r.group for r in rows}) > 1
    suffixes = [f" {_percent(r.share_segments):>6} {r.n_segments}/{r.n_group}" for r in rows]
    suffix_width = max(len(s) for s in suffixes)
    if grouped:
        label_of = {id(r): "  " * (r.depth + 1) + r.group for r in rows}
    else:
        label_of = {id(r): "  " * r.depth + r.name for r in rows}
    label_width = min(max(len(s) for s in label_of.values()), max(int(width * 0.45), 8))
    bar_width = max(width - label_width - suffix_width - 1, 1)
    out: list[str] = []
    current = None
    for row, suffix in zip(rows, suffixes):
        if grouped and row.category != current:
            current = row.category
            out.append(_clip("  " * row.depth + row.name, width))
        bar = _bar(row.share_segments or 0.0, bar_width)
        label = _clip(label_of[id(row)], label_width)
        out.append(f"{label:<{label_width}} {bar:<{bar_width}}{suffix:>{suffix_width}}")
    return out
