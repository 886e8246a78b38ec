"""Reading an agreement matrix coded elsewhere (ReCal, R ``irr``): units x coders.

:func:`read_matrix_csv` turns a CSV file into :class:`~qca.agreement.ReliabilityData` for
``qca agreement --matrix``. The file is decoded by :mod:`qca.importing.decode`, as survey
tables are.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from qca.agreement import ReliabilityData
from qca.errors import InputError
from qca.fileio import read_input
from qca.i18n import _
from qca.importing.decode import decode_text, detect_delimiter

__all__ = ["read_matrix_csv"]

_ADVICE = "save the file as UTF-8 CSV"
_UNIT_HEADER = re.compile(r"(unit|units|segment|item|subject|case)?[ _.-]?(id|no|nr|number|#)?")
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


def read_matrix_csv(path: str | Path) -> ReliabilityData:
    """Read a ReCal / R ``irr`` style matrix: rows = units, columns = coders, empty cell = missing.

    The first row holds the coder names. If its first cell is empty or names a unit id column
    ("unit", "id", "unit_id", "segment", ...), the first column holds unit ids; otherwise units are
    numbered from 1. File decoding and delimiter (``,`` ``;`` or tab) as for survey tables, by
    :mod:`qca.importing.decode`. Integers and decimals become numbers (with ``;`` also
    German decimal commas such as ``2,5``). Only an empty cell is missing (``NA`` is a label).
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
    has_ids = _UNIT_HEADER.fullmatch(header[0].lower()) is not None
    coders = header[1:] if has_ids else header
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
    for k, c in enumerate(coders):
        if not c:
            col = k + (2 if has_ids else 1)
            raise InputError(_("{name}, row {header_line}: column {col} has no coder name; name every coder column")
                             .format(name=name, header_line=header_line, col=col))
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
        if has_ids:
            uid = row[0].strip() or str(len(units) + 1)
            if uid in seen:
                raise InputError(
                    _("{name}, row {line_num}: unit id {uid!r} already used in row {seen}; give each unit its own id")
                    .format(name=name, line_num=line_num, uid=uid, seen=seen[uid])
                )
            seen[uid] = line_num
            cells = row[1:]
        else:
            uid = str(len(units) + 1)
            cells = row
        units.append(uid)
        values.append([_parse_cell(c, delimiter) for c in cells])
    return ReliabilityData(units, coders, values)
