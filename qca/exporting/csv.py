"""CSV exports for the statistics pipeline (R, SPSS, Stata, pandas).

``long``: one row per coding::

    source_id, segment_id, question, position, heading, <variables...>, text, coder, code,
    code_name, codebook_version, origin, time, memo, flagged

``wide``: one row per segment for one coder::

    source_id, segment_id, question, position, <variables...>, text, memo, flagged,
    substantive, coded, <one 0/1 column per codable category, in codebook order, named by key>

``text`` is the segment's text as it was coded, ``heading`` a protocol passage's heading.
``memo`` and ``flagged`` (0/1) are the coder's note on the segment (:mod:`qca.exporting.notes`);
on the rows of the coder ``consensus`` the memo is the reason given in reconciliation.

In the wide file a category column is empty (missing) where the category is not offered
for the segment's question, and every category column is empty where the coder has not
coded the segment: not coded is missing, not "absent". Files are UTF-8 with a header,
comma separated, quoted where needed, with ``\\n`` line ends, which R's ``read.csv``,
pandas and SPSS read as they are. Variables whose name clashes with a fixed column get
the prefix ``var_``; ``--names safe`` (:mod:`qca.exporting.names`) renames the rest.
"""

from __future__ import annotations

import csv
import io
import json
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from qca.errors import ExportError
from qca.exporting.notes import NO_NOTE, segment_notes
from qca.fileio import atomic_path
from qca.i18n import N_, _
from qca.store import Project

__all__ = [
    "LONG_FIXED",
    "LONG_TAIL",
    "WIDE_FIXED",
    "WIDE_NOTE",
    "WIDE_TAIL",
    "SEGMENT_FIXED",
    "SEGMENT_TAIL",
    "WideCsv",
    "choose_coder",
    "long_rows",
    "segment_rows",
    "wide_rows",
    "write_csv",
    "write_csv_text",
]

LONG_FIXED = ["source_id", "segment_id", "question", "position", "heading"]
LONG_TAIL = ["text", "coder", "code", "code_name", "codebook_version", "origin", "time", "memo",
             "flagged"]
WIDE_FIXED = ["source_id", "segment_id", "question", "position"]
WIDE_NOTE = ["text", "memo", "flagged"]
WIDE_TAIL = ["substantive", "coded"]
_BATCH = 5_000


def _variable_columns(project: Project, reserved: set[str]) -> list[tuple[str, str]]:
    """(variable name, column name) pairs, clashing names prefixed."""
    out = []
    for name in project.variable_names():
        column = name
        while column in reserved:
            column = f"var_{column}"
        reserved.add(column)
        out.append((name, column))
    return out


def _sources(project: Project) -> dict[str, dict[str, str]]:
    return {s.id: s.variables for s in project.sources()}


def long_rows(project: Project, coder: str | None = None) -> Iterator[list[object]]:
    """The header, then one row per coding, ordered by segment then codebook order."""
    book = project.codebook()
    order = {k: i for i, k in enumerate(book.keys())}
    names = {c.key: c.name for c in book.walk()}
    reserved = set(LONG_FIXED) | set(LONG_TAIL)
    variables = _variable_columns(project, reserved)
    header: list[object] = [*LONG_FIXED, *(col for _, col in variables), *LONG_TAIL]
    yield header
    sources = _sources(project)
    notes = segment_notes(project, coder)
    sql = (
        "SELECT s.source_id, s.id, s.question, s.position, s.heading, s.text, c.coder, "
        "c.category, c.codebook_version, c.origin, c.created_at FROM codings c "
        "JOIN segments s ON s.id = c.segment_id"
    )
    params: list[object] = []
    if coder is not None:
        sql += " WHERE c.coder = ?"
        params.append(coder)
    rows = project.conn.execute(sql + " ORDER BY s.seq, c.coder", params).fetchall()
    by_segment: dict[tuple, list] = defaultdict(list)
    for r in rows:
        by_segment[(r[1], r[6])].append(r)
    for group in by_segment.values():
        group.sort(key=lambda r: order.get(r[7], len(order)))
        for src, seg, question, position, heading, text, cdr, cat, version, origin, at in group:
            values = sources.get(src, {})
            note = notes.get((seg, cdr), NO_NOTE)
            yield [src, seg, question or "", position, heading or "",
                   *(values.get(name, "") for name, _ in variables),
                   text, cdr, cat, names.get(cat, ""), version, origin, at, note.memo,
                   int(note.flagged)]


def choose_coder(project: Project, coder: str | None, *, what: str = N_("the wide export is")) -> str:
    """The coder given, else the default of :func:`qca.coverage.choose_coder` (the one
    choice counts, figures and exports share)."""
    from qca.coverage import choose_coder as default_coder

    return default_coder(project, coder, what=what)


class _Wide:
    """What the wide rows are made of: the header, the per-source variable cells, the per
    (question, codes) category cells, and the cursor over the segments in ``seq`` order."""

    def __init__(self, project: Project, coder: str) -> None:
        book = project.codebook()
        cats = [c for c in book.walk() if c.is_codable]
        reserved = set(WIDE_FIXED) | set(WIDE_NOTE) | set(WIDE_TAIL) | {c.key for c in cats}
        variables = _variable_columns(project, reserved)
        self.header: list[object] = [*WIDE_FIXED, *(col for _, col in variables), *WIDE_NOTE,
                                     *WIDE_TAIL, *(c.key for c in cats)]
        names = [name for name, _ in variables]

        @lru_cache(maxsize=4096)
        def variables_of(raw: str | None) -> tuple[object, ...]:
            values = json.loads(raw) if raw is not None else {}
            return tuple(values.get(name, "") for name in names)

        @lru_cache(maxsize=4096)
        def tail(question: str | None, found: str | None) -> tuple[object, ...]:
            """``coded`` and the category cells of a question's segment with these codes."""
            if found is None:
                return (0, *("" for _ in cats))
            offered = {c.key for c in book.for_question(question)}
            codes = set(found.split("\x1f"))
            return (1, *("" if c.key not in offered else int(c.key in codes) for c in cats))

        @lru_cache(maxsize=4096)
        def tail_text(question: str | None, found: str | None) -> str:
            """:func:`tail` as the end of a CSV line (its cells never need quotes)."""
            return "".join(f",{cell}" for cell in tail(question, found)) + "\n"

        self.variables_of, self.tail, self.tail_text = variables_of, tail, tail_text
        # One pass in segment order: SQLite gathers each segment's codes, note and source, so
        # rows reach the file as they are read and memory does not grow with the project.
        self.cursor = project.conn.execute(
            "SELECT s.id, s.source_id, s.question, s.position, s.text, s.substantive, "
            "src.variables, n.memo, n.flagged, "
            "(SELECT group_concat(c.category, char(31)) FROM codings c "
            " WHERE c.segment_id = s.id AND c.coder = ?1) "
            "FROM segments s LEFT JOIN sources src ON src.id = s.source_id "
            "LEFT JOIN notes n ON n.segment_id = s.id AND n.coder = ?1 ORDER BY s.seq", (coder,))


def wide_rows(project: Project, coder: str) -> Iterator[list[object]]:
    """The header, then one row per segment, 0/1 per codable category."""
    wide = _Wide(project, coder)
    yield wide.header
    variables_of, tail = wide.variables_of, wide.tail
    while batch := wide.cursor.fetchmany(_BATCH):
        for seg_id, src, question, position, text, substantive, raw, memo, flagged, found in batch:
            yield [src, seg_id, question or "", position, *variables_of(raw), text, memo or "",
                   int(bool(flagged)), substantive, *tail(question, found)]


class WideCsv:
    """The wide table as CSV text, chunk by chunk: the bytes ``write_csv(wide_rows(...))``
    writes, made faster for a million segments.

    The csv module quotes the cells that need it up to ``substantive``; the rest of a line
    (``coded`` and the category cells, only ``""``, ``0`` and ``1``) is the same for every
    segment with the same question and codes, so it is rendered once and appended.
    ``segments`` and ``coded`` count the rows as they pass.
    """

    def __init__(self, project: Project, coder: str) -> None:
        self._wide = _Wide(project, coder)
        self.header = [str(h) for h in self._wide.header]
        self.segments = self.coded = 0

    def chunks(self, header: list[object] | None = None) -> Iterator[str]:
        """The header line (``header`` in place of :attr:`header`, e.g. safe names), then
        the rows in batches of lines."""
        heads: list[str] = []
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(self.header if header is None
                                                          else header)
        yield buffer.getvalue()
        sink = _Sink(heads.append)
        # The line end stays "\n": the csv module quotes the cells holding one of its
        # characters, so it is cut off each head (which ends in ``substantive``, a digit).
        writer = csv.writer(sink, lineterminator="\n")  # type: ignore[arg-type]
        cut = operator.itemgetter(slice(None, -1))
        wide = self._wide
        variables_of, tail_text = wide.variables_of, wide.tail_text
        while batch := wide.cursor.fetchmany(_BATCH):
            writer.writerows(
                (src, seg_id, question or "", position, *variables_of(raw), text, memo or "",
                 1 if flagged else 0, substantive)
                for seg_id, src, question, position, text, substantive, raw, memo, flagged, _codes
                in batch)
            lines: list[str] = [""] * (2 * len(batch))
            lines[0::2] = map(cut, heads)
            lines[1::2] = [tail_text(row[2], row[9]) for row in batch]
            self.segments += len(batch)
            self.coded += sum(row[9] is not None for row in batch)
            yield "".join(lines)
            heads.clear()


class _Sink:
    """A file for ``csv.writer`` that hands each line to ``write`` (a list's ``append``)."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self.write = write


def write_csv_text(chunks: Iterable[str], path: Path | str | None) -> str | None:
    """Write CSV text (``chunks``, e.g. :meth:`WideCsv.chunks`) as UTF-8 to ``path``
    (atomically), or return the text when None: :func:`write_csv` for rendered lines."""
    if path is None:
        return "".join(chunks)
    with atomic_path(path, "codings.csv") as tmp, tmp.open("w", encoding="utf-8",
                                                            newline="") as fh:
        for chunk in chunks:
            fh.write(chunk)
    return None


SEGMENT_FIXED = ["source_id", "segment_id", "question", "position", "heading"]
SEGMENT_TAIL = ["text", "substantive"]


def segment_rows(project: Project) -> Iterator[list[object]]:
    """The header, then one row per segment (coded or not) with its text and variables."""
    variables = _variable_columns(project, set(SEGMENT_FIXED) | set(SEGMENT_TAIL))
    yield [*SEGMENT_FIXED, *(col for _, col in variables), *SEGMENT_TAIL]
    sources = _sources(project)
    for src, seg_id, question, position, heading, text, substantive in project.conn.execute(
        "SELECT source_id, id, question, position, heading, text, substantive FROM segments "
        "ORDER BY seq"
    ):
        values = sources.get(src, {})
        yield [src, seg_id, question or "", position, heading or "",
               *(values.get(name, "") for name, _ in variables), text, substantive]


def write_csv(rows: Iterator[list[object]], path: Path | str | None) -> str | None:
    """Write rows as UTF-8 CSV to ``path`` (atomically), or return the text when None."""
    if path is None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        return buffer.getvalue()
    with atomic_path(path, "codings.csv") as tmp, tmp.open("w", encoding="utf-8",
                                                            newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return None
