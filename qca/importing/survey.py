"""Read survey exports (CSV, TSV, XLSX) into rows of strings.

One entry point, :func:`read_table`, turns a file into a :class:`Table`: header names,
rows as ``dict[str, str]`` and, for every row, the number a user sees for it in their
spreadsheet or text editor, so that later error messages can point at it.

Rules, in the order they apply:

* **File type** by extension: ``.csv``, ``.tsv``, ``.txt`` are delimited text;
  ``.xlsx``/``.xlsm`` are read with openpyxl. Everything else (``.xls``, ``.ods``,
  ``.pdf`` ...) is an :class:`~qca.errors.InputError` asking to save as .xlsx or CSV.
* **Encoding and delimiter** of text files: decoded by :mod:`qca.importing.decode`
  (UTF-16 with BOM, UTF-8 with or without BOM, then Windows-1252, strictly; ``,``, ``;``
  or tab counted in the header record outside quotes), shared with protocols and
  agreement matrices.
* **Quoting**: ``"`` quotes, ``""`` inside quotes is a quote, quoted values may contain
  line breaks (normalised to ``\\n``); CRLF and LF files. Malformed quoting (a quote
  never closed, text after a closing quote) is an InputError naming the row.
* **Header**: the first non-empty record / sheet row. Names are stripped (a BOM never
  leaks into a name). A column without a name is dropped if it holds no data, and is an
  InputError otherwise. Duplicate names are an InputError naming both positions.
* **Rows**: rows whose values are all empty or whitespace are skipped (Excel writes
  such rows after the data). Fewer fields than columns are padded with ``''``; more
  non-empty fields than columns is an InputError naming the row (empty surplus fields,
  as trailing delimiters, are ignored). Values are otherwise returned
  exactly as written (not stripped), line breaks inside values as ``\\n``.
* **Row numbers**: for text files, the line on which the record starts, the header
  line counting as 1 (as a text editor shows it); for XLSX, the sheet row number.
* **XLSX cells** (``data_only``: formulas give their cached value, ``''`` if the file
  was never saved by a spreadsheet program): ``None`` -> ``''``; whole floats ->
  ``'42'``; other floats -> shortest ``repr`` (``'2.5'``); ``datetime`` at midnight and
  ``date`` -> ``'2024-03-01'``; other ``datetime`` -> ``'2024-03-01T14:30:00'``;
  ``time`` -> ``'14:30:00'``; booleans -> ``'TRUE'``/``'FALSE'``.
* An empty file, a header without data rows, a missing file -> InputError.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qca.errors import InputError
from qca.importing.decode import decode_text, detect_delimiter
from qca.limits import check_archive, note_input

__all__ = ["TEXT_EXTENSIONS", "XLSX_EXTENSIONS", "Table", "read_table", "require_table_type"]

TEXT_EXTENSIONS = frozenset({".csv", ".tsv", ".txt"})
XLSX_EXTENSIONS = frozenset({".xlsx", ".xlsm"})

_DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tab"}
_KNOWN_OTHER = {
    ".xls": "the old Excel format .xls",
    ".ods": "OpenDocument spreadsheets (.ods)",
    ".numbers": "Apple Numbers files",
    ".pdf": "PDF files",
    ".docx": "Word documents",
    ".doc": "Word documents",
    ".sav": "SPSS files (.sav)",
    ".json": "JSON files",
}


@dataclass(frozen=True)
class Table:
    """A survey export read into memory.

    Attributes:
        path: The file that was read.
        columns: Header names, stripped, in file order.
        rows: Every data row as ``{column: value}``, ``''`` for empty, in file order.
        row_numbers: For each row, the line (text files, header line = 1, a record with
            embedded line breaks counting as its first line) or sheet row (XLSX) a user
            sees for it.
        encoding: ``'utf-8'``, ``'utf-8-sig'``, ``'utf-16'`` or ``'cp1252'``; ``None``
            for XLSX.
        delimiter: ``','``, ``';'`` or ``'\\t'``; ``None`` for XLSX.
    """

    path: Path
    columns: list[str]
    rows: list[dict[str, str]]
    row_numbers: list[int]
    encoding: str | None
    delimiter: str | None


def require_table_type(path: Path | str) -> None:
    """Refuse a file whose extension is no table format, before anything else is asked."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in TEXT_EXTENSIONS and ext not in XLSX_EXTENSIONS:
        what = _KNOWN_OTHER.get(ext, f"'{ext}' files" if ext else "files without an extension")
        raise InputError(
            f"{path.name}: {what} cannot be imported; save a table as .xlsx or as CSV (UTF-8), "
            "or a protocol as .txt, .md or .docx, and import that file"
        )


def read_table(path: Path | str, sheet: str | None = None) -> Table:
    """Read a CSV/TSV/XLSX survey export.

    Args:
        path: The file to read; its extension decides the format.
        sheet: For XLSX, the name of the sheet to read (default: the first sheet).
            Must be ``None`` for text files.

    Returns:
        The table with header, rows, user-visible row numbers and detected format.

    Raises:
        InputError: The file is missing, of an unsupported type, undecodable,
            malformed, has a bad header or no data rows. The message is one line
            naming file, row/column and a fix.
    """
    path = Path(path)
    name = path.name
    ext = path.suffix.lower()
    require_table_type(path)
    if not path.exists():
        raise InputError(f"{name}: file not found at {path}; check the path and spelling")
    if not path.is_file():
        raise InputError(f"{name}: {path} is a directory, not a file; give the path of a table file")
    if ext in XLSX_EXTENSIONS:
        return _read_xlsx(path, sheet)
    if sheet is not None:
        raise InputError(
            f"{name}: a sheet ('{sheet}') can only be chosen for .xlsx files; "
            "import this text file without a sheet name"
        )
    return _read_delimited(path)


# --------------------------------------------------------------------------- text files


def _read_bytes(path: Path) -> bytes:
    note_input(path.name)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"{path.name}: cannot be read ({exc.strerror or exc}); check that the file is not "
            "open in another program and that you may read it"
        ) from None


def _csv_error(name: str, row: int, exc: csv.Error) -> InputError:
    message = str(exc)
    if "end of data" in message or "field larger than field limit" in message:
        return InputError(
            f"{name}, row {row}: a quoted value starting in this row is never closed; check the "
            "'\"' characters in this row (a quote inside a quoted value must be doubled: \"\")"
        )
    if "expected after" in message:
        return InputError(
            f"{name}, row {row}: text follows a closing quote; a quote inside a value must be "
            "doubled (\"\") and the whole value quoted"
        )
    return InputError(f"{name}, row {row}: malformed CSV ({message}); check quotes in this row")


def _read_delimited(path: Path) -> Table:
    name = path.name
    data = _read_bytes(path)
    if not data.strip():
        raise InputError(f"{name}: the file is empty; export the survey answers with a header row")
    text, encoding = decode_text(data, name)
    delimiter = detect_delimiter(text, path.suffix.lower())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    records: list[list[str]] = []
    numbers: list[int] = []
    line = 0  # last physical line consumed by the reader
    try:
        for record in reader:
            start = line + 1
            line = reader.line_num
            if not record:
                continue
            records.append(record)
            numbers.append(start)
    except csv.Error as exc:
        raise _csv_error(name, line + 1, exc) from None
    return _build_table(path, records, numbers, encoding, delimiter, _plain_position)


# --------------------------------------------------------------------------- xlsx


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def _column_letter(position: int) -> str:
    letters = ""
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _plain_position(index: int) -> str:
    return f"column {index + 1}"


def _sheet_position(index: int) -> str:
    return f"column {_column_letter(index + 1)}"


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    # What openpyxl raises for damaged files (SyntaxError covers both XML parsers' errors).
    damaged = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError,
               AttributeError, IndexError, OSError, EOFError, SyntaxError)  # fmt: skip
    name = path.name
    check_archive(path, name)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except damaged as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(
            f"{name}: not a readable .xlsx workbook ({detail}); open it in Excel or LibreOffice "
            "and save it again as .xlsx"
        ) from None
    try:
        names = list(workbook.sheetnames)
        if sheet is None:
            if not names:
                raise InputError(f"{name}: the workbook has no sheets; save the data in a sheet")
            sheet_name = names[0]
        elif sheet in names:
            sheet_name = sheet
        else:
            listed = ", ".join(f"'{n}'" for n in names)
            raise InputError(
                f"{name}: no sheet named '{sheet}'; the workbook has {listed}; "
                "choose one of these sheet names"
            )
        worksheet = workbook[sheet_name]
        if not hasattr(worksheet, "iter_rows"):
            raise InputError(
                f"{name}: sheet '{sheet_name}' is a chart, not a table; choose a sheet with data"
            )
        records: list[list[str]] = []
        numbers: list[int] = []
        try:
            for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), 1):
                record = [_cell_text(v) for v in values]
                if not any(v.strip() for v in record):
                    continue
                records.append([v.replace("\r\n", "\n") if "\r" in v else v for v in record])
                numbers.append(number)
        except damaged as exc:
            raise InputError(
                f"{name}: sheet '{sheet_name}' cannot be read ({exc}); open the file in Excel or "
                "LibreOffice and save it again as .xlsx"
            ) from None
    finally:
        workbook.close()
    if not records:
        raise InputError(
            f"{name}: sheet '{sheet_name}' is empty; put a header row and the answers in it, or "
            "choose another sheet"
        )
    return _build_table(path, records, numbers, None, None, _sheet_position)


# --------------------------------------------------------------------------- shared


def _build_table(
    path: Path,
    records: Sequence[list[str]],
    numbers: Sequence[int],
    encoding: str | None,
    delimiter: str | None,
    position: Callable[[int], str],
) -> Table:
    name = path.name
    # Leading empty records were skipped by the readers (text: blank lines; xlsx: empty rows).
    # Text readers keep rows of empty fields (";;;"), drop them here before the header.
    index = 0
    while index < len(records) and not any(v.strip() for v in records[index]):
        index += 1
    if index == len(records):
        raise InputError(f"{name}: the file has no content; export the survey answers with a header row")
    header_record = records[index]
    header_row = numbers[index]
    body = records[index + 1 :]
    body_numbers = numbers[index + 1 :]

    names = [h.replace("\ufeff", "").strip() for h in header_record]
    width = len(names)
    # Values in columns beyond the header are an error; count them only once per row below.
    keep: list[int] = []
    seen: dict[str, int] = {}
    for col, header in enumerate(names):
        if not header:
            for record, number in zip(body, body_numbers):
                if col < len(record) and record[col].strip():
                    raise InputError(
                        f"{name}, row {number}: {position(col)} has a value but no header name; "
                        f"add a name for {position(col)} in the header (row {header_row})"
                    )
            continue
        if header in seen:
            raise InputError(
                f"{name}, row {header_row}: {position(seen[header])} and {position(col)} are both "
                f"named '{header}'; rename one of them so that column names are unique"
            )
        seen[header] = col
        keep.append(col)
    columns = [names[c] for c in keep]

    rows: list[dict[str, str]] = []
    row_numbers: list[int] = []
    all_kept = len(keep) == width
    for record, number in zip(body, body_numbers):
        size = len(record)
        if size > width:
            extra = record[width:]
            if any(v.strip() for v in extra):
                what = _DELIMITER_NAMES.get(delimiter or "", "")
                hint = (
                    f"quote values that contain {what} (\"...\") or add header names for the "
                    "extra columns"
                    if delimiter
                    else "add header names for the extra columns or delete their values"
                )
                raise InputError(
                    f"{name}, row {number}: {size} fields but the header (row {header_row}) has "
                    f"{width} columns; {hint}"
                )
            record = record[:width]
            size = width
        if not any(v.strip() for v in record):
            continue
        if size < width:
            record = record + [""] * (width - size)
        if delimiter is not None:
            record = [v.replace("\r\n", "\n").replace("\r", "\n") if "\r" in v else v for v in record]
        if all_kept:
            rows.append(dict(zip(columns, record)))
        else:
            rows.append({columns[i]: record[c] for i, c in enumerate(keep)})
        row_numbers.append(number)

    if not columns:
        raise InputError(f"{name}, row {header_row}: the header row has no column names; add them")
    if not rows:
        raise InputError(
            f"{name}: only a header row (row {header_row}) and no data rows; export the answers "
            "together with the header"
        )
    return Table(
        path=path,
        columns=columns,
        rows=rows,
        row_numbers=row_numbers,
        encoding=encoding,
        delimiter=delimiter,
    )
