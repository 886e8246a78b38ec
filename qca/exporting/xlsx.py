"""The Excel export: codebook, codings and one wide sheet per coder in one workbook.

Sheets:

``Codebook``
    One row per category in codebook order: key, name, parent, definition, anchors (one per
    line), rule, shortcut, color (the cell is filled with it), questions (comma separated).
``Segments``
    :func:`qca.exporting.csv.segment_rows`: every segment, coded or not, with its source,
    question, position, heading, variables, text and ``substantive``.
``Codings``
    The long rows of :func:`qca.exporting.csv.long_rows` (one row per coding, all coders,
    with the segment's text and the coder's memo and flag).
``Wide <coder>``
    :func:`qca.exporting.csv.wide_rows` for each coder with codings, ``consensus`` first: one
    row per segment with its text, the coder's memo and flag, 0/1 per codable category,
    empty where the category is not offered or the coder has not coded the segment. Sheet
    names are cut to Excel's 31 characters and characters Excel forbids (``[]:*?/\\``)
    become ``_``.
``Notes``
    :func:`qca.exporting.notes.note_rows`: one row per memo, flag, reconciliation reason and
    split note.

Every sheet has a bold, frozen header row, an autofilter and column widths fitted to the
content; long texts (``text``, ``memo``, definitions, anchors, rules) wrap in a column 60
characters wide. Text is always written as text: a cell starting with ``=``, ``+``, ``-``, ``@``,
tab or CR (a survey answer, a memo, a category name) is a string cell, never a formula, and
keeps its exact text (no quote prefix). Control characters that XML cannot hold are
replaced by U+FFFD; a text longer than Excel's 32,767 characters per cell is refused.
The workbook is written to a temporary file and moved into place.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qca.coders import CONSENSUS
from qca.errors import ExportError
from qca.fileio import atomic_path
from qca.coders import CONSENSUS
from qca.exporting.csv import long_rows, segment_rows, wide_rows
from qca.exporting.notes import note_rows
from qca.i18n import _
from qca.store import Project

__all__ = ["CODEBOOK_COLUMNS", "MAX_CELL_TEXT", "sheet_title", "write_xlsx"]

CODEBOOK_COLUMNS = [
    "key", "name", "parent", "definition", "anchors", "rule", "shortcut", "color", "questions",
]
MAX_CELL_TEXT = 32767
_WRAPPED = {"definition", "anchors", "rule", "text", "memo"}
_FORBIDDEN_IN_TITLE = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_title(text: str, taken: Iterable[str] = ()) -> str:
    """A valid, unused Excel sheet name made from ``text``."""
    base = _FORBIDDEN_IN_TITLE.sub("_", text).strip("'") or "Sheet"
    base = base[:31]
    used = {t.casefold() for t in taken}
    title, n = base, 2
    while title.casefold() in used:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    return title


def _put(ws: Worksheet, row: int, column: int, value: object, where: str) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, (int, float)):
        ws.cell(row=row, column=column, value=value)
        return
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
    if len(text) > MAX_CELL_TEXT:
        raise ExportError(
            _("{where}, row {row}, column {get_column_letter}: text of {n} "
              "characters exceeds Excel's {max_cell_text} per cell; use the CSV export instead")
            .format(where=where, row=row, get_column_letter=get_column_letter(column), n=len(text), max_cell_text=MAX_CELL_TEXT)
        )
    cell = ws.cell(row=row, column=column, value=text)
    cell.data_type = "s"  # never a formula, whatever the text starts with


def _fill_sheet(ws: Worksheet, rows: Iterable[list[object]],
                wrapped: Collection[str] = ()) -> list[str]:
    header: list[str] = []
    widths: list[int] = []
    for r, values in enumerate(rows, start=1):
        if r == 1:
            header = [str(v) for v in values]
            widths = [len(h) for h in header]
        for c, value in enumerate(values, start=1):
            _put(ws, r, c, value, f"sheet {ws.title!r}")
            if value not in (None, "") and c <= len(widths):
                longest = max(len(line) for line in str(value).splitlines() or [""])
                widths[c - 1] = max(widths[c - 1], longest)
    for c, name in enumerate(header, start=1):
        ws.cell(row=1, column=c).font = _BOLD
        letter = get_column_letter(c)
        limit = 60 if name in wrapped else 40
        ws.column_dimensions[letter].width = min(max(widths[c - 1], 4), limit) + 2
        if name in wrapped:
            for cell in ws[letter][1:]:
                cell.alignment = _WRAP
    ws.freeze_panes = "A2"
    if header:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(ws.max_row, 1)}"
    return header


def _codebook_rows(project: Project) -> Iterable[list[object]]:
    yield list(CODEBOOK_COLUMNS)
    for cat in project.codebook().walk():
        yield [cat.key, cat.name, cat.parent or "", cat.definition, "\n".join(cat.anchors),
               cat.rule, cat.shortcut or "", cat.color or "", ", ".join(cat.questions)]


def _coders_with_codings(project: Project) -> list[str]:
    rows = project.conn.execute("SELECT DISTINCT coder FROM codings ORDER BY coder")
    coders = [r[0] for r in rows]
    return sorted(coders, key=lambda c: (c != CONSENSUS, c))


def write_xlsx(project: Project, path: Path | str) -> Path:
    """Write the workbook described in the module docstring to ``path`` (atomically).

    Raises:
        ExportError: The target is a folder, its folder is missing, a cell's text is too
            long for Excel, or the file cannot be written.
    """
    path = Path(path)
    if path.is_dir():
        raise ExportError(_("{path}: is a folder; give a file name such as {path}/codings.xlsx")
                          .format(path=path))
    if not path.parent.exists():
        raise ExportError(_("{path}: folder {parent} does not exist; create it first")
                          .format(path=path, parent=path.parent))
    if path.suffix.lower() != ".xlsx":
        raise ExportError(_("{path}: an Excel workbook needs the extension .xlsx; rename the target")
                          .format(path=path))
    wb = Workbook()
    ws = wb.active
    ws.title = "Codebook"
    _fill_sheet(ws, _codebook_rows(project), _WRAPPED)
    color_column = CODEBOOK_COLUMNS.index("color") + 1
    for (cell,) in ws.iter_rows(min_row=2, min_col=color_column, max_col=color_column):
        if isinstance(cell.value, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", cell.value):
            cell.fill = PatternFill("solid", fgColor=cell.value[1:].upper())
    _fill_sheet(wb.create_sheet("Segments"), segment_rows(project), _WRAPPED)
    _fill_sheet(wb.create_sheet("Codings"), long_rows(project), _WRAPPED)
    for coder in _coders_with_codings(project):
        title = sheet_title(f"Wide {coder}", wb.sheetnames)
        _fill_sheet(wb.create_sheet(title), wide_rows(project, coder), _WRAPPED)
    _fill_sheet(wb.create_sheet("Notes"), note_rows(project), _WRAPPED)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
