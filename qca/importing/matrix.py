"""Reading an agreement matrix coded elsewhere (ReCal, R ``irr``): units x coders.

:func:`read_matrix_csv` turns a CSV file into :class:`~qca.agreement.ReliabilityData` for
``qca agreement --matrix``. The file is decoded by :mod:`qca.importing.decode`, as survey
tables are.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from qca.agreement import ReliabilityData
from qca.errors import InputError
from qca.fileio import read_input
from qca.i18n import N_, _
from qca.importing.decode import decode_text, detect_delimiter

__all__ = ["Matrix", "is_id_name", "read_matrix", "read_matrix_csv"]

_ADVICE = N_("save the file as UTF-8 CSV")
# Names of a unit id column, English and German, folded (lower case, [ _.-#] dropped):
# "Unit ID", "lfd. Nr.", "Fall", "Fall-Nr", "case_no", "Segment", ...
_ID_WORDS = ("unit", "units", "segment", "item", "subject", "case", "fall", "einheit",
             "lfd", "laufende", "befragte", "befragter", "respondent", "text", "dokument",
             "document", "row", "zeile", "antwort", "answer", "kennung", "interview")
_ID_TAILS = ("", "id", "no", "nr", "nummer", "number", "num", "key")
_ID_NAMES = frozenset({"id", "nr", "no", "number", "nummer", "lfdnr", "lfdnummer", "key",
                       "kennung", "index", "idx"} | {w + t for w in _ID_WORDS for t in _ID_TAILS})
_FOLD = re.compile(r"[\s_.#\-]+")
_MIN_ROWS_BY_VALUE = 3  # fewer rows say too little to take a column as ids by its values
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def _parse_cell(cell: str, delimiter: str) -> object | None:
    s = cell.strip()
    if not s:
        return None
    if _INT.fullmatch(s):
        return int(s)
    if _FLOAT.fullmatch(s):
        return float(s)
    if delimiter == ";" and _DECIMAL_COMMA.fullmatch(s):
        return float(s.replace(",", "."))
    return s


def is_id_name(name: str) -> bool:
    """True for a usual name of a unit id column (``id``, ``Nr.``, ``lfd_nr``, ``Fall``, ...)."""
    return _FOLD.sub("", name.casefold()) in _ID_NAMES or not name.strip()


def _ids_by_values(rows: list[list[str]], width: int) -> bool:
    """A first column whose values are all given, all different and none of them a code
    the other columns use holds ids (with at least two coder columns left)."""
    if width < 3 or len(rows) < _MIN_ROWS_BY_VALUE:
        return False
    first = [r[0].strip() for r in rows if r]
    if not all(first) or len(set(first)) != len(first):
        return False
    others = {c.strip() for r in rows for c in r[1:width] if c.strip()}
    return not (set(first) & others)


@dataclass(frozen=True)
class Matrix:
    """A matrix file read: the data, and the column taken as unit ids (None: numbered)."""

    data: ReliabilityData
    id_column: str | None


def _choose_id_column(name: str, header: list[str], rows: list[list[str]],
                      id_column: str | None, line: int) -> int | None:
    """Index of the id column: as given (``none``: no id column), else by name or values."""
    if id_column is not None:
        if id_column.casefold() == "none":
            return None
        if id_column not in header:
            raise InputError(_("{name}, row {line}: no column {column!r} (given by --id-column); "
                               "the columns are: {columns}").format(
                name=name, line=line, column=id_column, columns=", ".join(header)))
        return header.index(id_column)
    if is_id_name(header[0]) or _ids_by_values(rows, len(header)):
        return 0
    return None


def read_matrix_csv(path: str | Path, id_column: str | None = None) -> ReliabilityData:
    """The data of :func:`read_matrix`."""
    return read_matrix(path, id_column).data


def read_matrix(path: str | Path, id_column: str | None = None) -> Matrix:
    """Read a ReCal / R ``irr`` style matrix: rows = units, columns = coders, empty cell = missing.

    The first row holds the coder names. ``id_column`` names the column of unit ids, or
    ``"none"`` for none. Without it the first column holds unit ids when its header is empty
    or a usual id name (English or German: ``id``, ``nr``, ``lfd_nr``, ``fall``, ``case``,
    ``unit``, ``item``, ``segment``, ...; :func:`is_id_name`), or when its values are all
    given, all different and none is a code the other columns use (three rows or more, two
    coder columns left); otherwise units are numbered from 1. File decoding and delimiter
    (``,`` ``;`` or tab) as for survey tables, by :mod:`qca.importing.decode`. Integers and
    decimals become numbers (with ``;`` also German decimal commas such as ``2,5``). Only an
    empty cell is missing (``NA`` is a label).
    """
    p = Path(path)
    name = str(path)
    raw = read_input(p, InputError)
    text, _encoding = decode_text(raw, name, _ADVICE)
    if not text.strip():
        raise InputError(_("{name}: the file is empty; it needs a header row of coder names and one row per unit")
                         .format(name=name))
    delimiter = detect_delimiter(text, p.suffix.lower())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if not row or all(not cell.strip() for cell in row) and len(row) <= 1:
                continue
            rows.append((reader.line_num, row))
    except csv.Error as e:
        raise InputError(_("{name}, row {line_num}: {e}; check the quoting of that row")
                         .format(name=name, line_num=reader.line_num, e=e)) from None
    header_line, header = rows[0]
    header = [h.strip() for h in header]
    width = len(header)
    if width > 1 and not header[-1] and all(len(r) < width or not r[width - 1].strip() for _, r in rows[1:]):
        header = header[:-1]  # trailing delimiter after the last coder name; the column is unused
    id_at = _choose_id_column(name, header, [r for _, r in rows[1:]], id_column, header_line)
    coders = [h for k, h in enumerate(header) if k != id_at]
    if not coders:
        raise InputError(
            _("{name}, row {header_line}: no coder columns in the header; "
              "the first row must name one column per coder")
            .format(name=name, header_line=header_line)
        )
    if len(coders) < 2:
        raise InputError(
            _("{name}, row {header_line}: only 1 coder column ({coders!r}); agreement needs at least 2 coders, "
              "one column each (detected delimiter {delimiter!r})")
            .format(name=name, header_line=header_line, coders=coders[0], delimiter=delimiter)
        )
    for k, c in enumerate(header):
        if not c and k != id_at:
            col = k + 1
            raise InputError(_("{name}, row {line}: column {col} has no coder name; name every "
                               "coder column").format(name=name, line=header_line, col=col))
    dup = next((c for c in coders if coders.count(c) > 1), None)
    if dup is not None:
        raise InputError(_("{name}, row {header_line}: coder {dup!r} appears twice; give each coder one column")
                         .format(name=name, header_line=header_line, dup=dup))
    width = len(header)
    units: list[str] = []
    values: list[list[object | None]] = []
    seen: dict[str, int] = {}
    for line_num, row in rows[1:]:
        if len(row) > width and not any(cell.strip() for cell in row[width:]):
            row = row[:width]
        if len(row) != width:
            raise InputError(
                _("{name}, row {line_num}: {n} cells but the header has {width}; "
                  "give every row one cell per column (leave a cell empty for a missing code)")
                .format(name=name, line_num=line_num, n=len(row), width=width)
            )
        if id_at is not None:
            uid = row[id_at].strip() or str(len(units) + 1)
            if uid in seen:
                raise InputError(
                    _("{name}, row {line_num}: unit id {uid!r} already used in row {seen}; give each unit its own id")
                    .format(name=name, line_num=line_num, uid=uid, seen=seen[uid])
                )
            seen[uid] = line_num
            cells = [c for k, c in enumerate(row) if k != id_at]
        else:
            uid = str(len(units) + 1)
            cells = row
        units.append(uid)
        values.append([_parse_cell(c, delimiter) for c in cells])
    return Matrix(ReliabilityData(units, coders, values), header[id_at] if id_at is not None else None)
