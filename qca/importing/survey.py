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
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from qca.errors import InputError
from qca.fileio import not_found
from qca.i18n import N_, _
from qca.importing.decode import detect_delimiter, sniff_encoding
from qca.limits import check_archive, note_input, value_limit

__all__ = ["TEXT_EXTENSIONS", "XLSX_EXTENSIONS", "Table", "TableStream", "open_table",
           "read_table", "require_table_type"]

TEXT_EXTENSIONS = frozenset({".csv", ".tsv", ".txt"})
XLSX_EXTENSIONS = frozenset({".xlsx", ".xlsm"})

_DELIMITER_NAMES = {",": "','", ";": "';'", "\t": N_("tab")}
_KNOWN_OTHER = {
    ".xls": N_("the old Excel format .xls"),
    ".ods": N_("OpenDocument spreadsheets (.ods)"),
    ".numbers": N_("Apple Numbers files"),
    ".pdf": N_("PDF files"),
    ".docx": N_("Word documents"),
    ".doc": N_("Word documents"),
    ".sav": N_("SPSS files (.sav)"),
    ".json": N_("JSON files"),
}


@dataclass(frozen=True)
class Table:
    """A survey export read into memory (small files and tests; imports stream, see
    :func:`open_table`).

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


@dataclass
class TableStream:
    """A survey export whose header is read and whose rows are read on demand.

    Iterating gives ``(row number, {column: value})`` in file order, with every rule of the
    module docstring applied as each row is read, so memory does not grow with the file.
    A row that breaks a rule raises :class:`~qca.errors.InputError` when it is reached;
    a table without data rows raises it at the end. Close it (or use ``with``) when done.
    """

    path: Path
    columns: list[str]
    encoding: str | None
    delimiter: str | None
    _rows: Iterator[tuple[int, dict[str, str]]]
    _close: Callable[[], None]

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return self._rows

    def close(self) -> None:
        self._close()

    def __enter__(self) -> TableStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def require_table_type(path: Path | str) -> None:
    """Refuse a file whose extension is no table format, before anything else is asked."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in TEXT_EXTENSIONS and ext not in XLSX_EXTENSIONS:
        what = (_(_KNOWN_OTHER[ext]) if ext in _KNOWN_OTHER
                else _("'{ext}' files").format(ext=ext) if ext
                else _("files without an extension"))
        raise InputError(
            _("{name}: {what} cannot be imported; save a table as .xlsx or as CSV (UTF-8), "
              "or a protocol as .txt, .md or .docx, and import that file").format(
                name=path.name, what=what)
        )


def read_table(path: Path | str, sheet: str | None = None) -> Table:
    """Read a CSV/TSV/XLSX survey export into memory (see :func:`open_table`)."""
    with open_table(path, sheet) as stream:
        rows: list[dict[str, str]] = []
        numbers: list[int] = []
        for number, row in stream:
            rows.append(row)
            numbers.append(number)
        return Table(stream.path, stream.columns, rows, numbers, stream.encoding,
                     stream.delimiter)


def open_table(path: Path | str, sheet: str | None = None) -> TableStream:
    """Open a CSV/TSV/XLSX survey export: its header now, its rows as they are read.

    Args:
        path: The file to read; its extension decides the format.
        sheet: For XLSX, the name of the sheet to read (default: the first sheet).
            Must be ``None`` for text files.

    Returns:
        The table's header and detected format, and its rows to iterate.

    Raises:
        InputError: The file is missing, of an unsupported type, undecodable,
            malformed, has a bad header or (while iterating) a bad row or no data rows.
            The message is one line naming file, row/column and a fix.
    """
    path = Path(path)
    name = path.name
    ext = path.suffix.lower()
    require_table_type(path)
    if not path.exists():
        raise not_found(path, InputError)
    if not path.is_file():
        raise InputError(_("{name}: {path} is a directory, not a file; give the path of a table file")
                         .format(name=name, path=path))
    if ext in XLSX_EXTENSIONS:
        return _open_xlsx(path, sheet)
    if sheet is not None:
        raise InputError(
            _("{name}: a sheet ('{sheet}') can only be chosen for .xlsx files; "
              "import this text file without a sheet name").format(name=name, sheet=sheet)
        )
    return _open_delimited(path)


# --------------------------------------------------------------------------- text files


def _cannot_read(path: Path, exc: OSError) -> InputError:
    return InputError(
        _("{name}: cannot be read ({value}); check that the file is not "
          "open in another program and that you may read it")
        .format(name=path.name, value=exc.strerror or exc)
    )


def _csv_error(name: str, row: int, lines: int, exc: csv.Error, limit: int,
               file_size: int) -> InputError:
    """``row``: where the record starts; ``lines``: how many lines it had taken when it failed
    (a value longer than the limit on one line is long, not unclosed)."""
    message = str(exc)
    if "field larger than field limit" in message and lines <= 1:
        return InputError(
            _("{name}, row {row}: a value in this row is longer than {limit:,} characters, the "
              "limit for one answer; if the file is right, raise the limit with --max-size "
              "{value_hint}")
            .format(name=name, row=row, limit=limit, value_hint=_value_hint(file_size))
        )
    if "field larger than field limit" in message:
        return InputError(
            _("{name}, row {row}: a quoted value starting in this row is never closed or longer "
              "than {limit:,} characters; check the '\"' characters in this row (a quote inside "
              "a quoted value must be doubled: \"\")").format(name=name, row=row, limit=limit)
        )
    if "end of data" in message:
        return InputError(
            _("{name}, row {row}: a quoted value starting in this row is never closed; check the "
              "'\"' characters in this row (a quote inside a quoted value must be doubled: \"\")")
            .format(name=name, row=row)
        )
    if "expected after" in message:
        return InputError(
            _("{name}, row {row}: text follows a closing quote; a quote inside a value must be "
              "doubled (\"\") and the whole value quoted").format(name=name, row=row)
        )
    return InputError(_("{name}, row {row}: malformed CSV ({message}); check quotes in this row")
                      .format(name=name, row=row, message=message))


def _value_hint(file_size: int) -> str:
    """A ``--max-size`` that lets any value of the file in (none is longer than the file)."""
    from qca.limits import format_size

    return format_size(file_size * 1.1).replace(" ", "")


_SAMPLE = 1 << 20  # characters read to choose the delimiter


def _open_delimited(path: Path) -> TableStream:
    name = path.name
    note_input(name)
    try:
        with path.open("rb") as raw:
            encoding, has_content = sniff_encoding(raw, name)
        if not has_content:
            raise InputError(_("{name}: the file is empty; export the survey answers with a header row")
                             .format(name=name))
        with path.open(encoding=encoding, newline="") as fh:
            sample = fh.read(_SAMPLE)
            if len(sample) == _SAMPLE and "\n" in sample:
                sample = sample[: sample.rindex("\n") + 1]
        delimiter = detect_delimiter(sample, path.suffix.lower())
        del sample
        fh = path.open(encoding=encoding, newline="")
    except OSError as exc:
        raise _cannot_read(path, exc) from None
    records = _text_records(fh, name, delimiter, path.stat().st_size)
    try:
        return _stream(path, records, encoding, delimiter, _plain_position,
                       _("{name}: the file has no content; export the survey answers with a "
                         "header row").format(name=name), fh.close)
    except BaseException:
        fh.close()
        raise


def _text_records(fh: IO[str], name: str, delimiter: str,
                  file_size: int) -> Iterator[tuple[int, list[str]]]:
    """``(first line, fields)`` of each non-empty record; line breaks inside values as ``\\n``."""
    limit = value_limit()
    reader = csv.reader(fh, delimiter=delimiter, strict=True)
    line = 0  # last physical line consumed by the reader
    previous = csv.field_size_limit(limit)
    try:
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _csv_error(name, line + 1, reader.line_num - line, exc, limit,
                                 file_size) from None
            start = line + 1
            line = reader.line_num
            if record:
                yield start, [v.replace("\r\n", "\n").replace("\r", "\n") if "\r" in v else v
                              for v in record]
    finally:
        csv.field_size_limit(previous)


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


def _open_xlsx(path: Path, sheet: str | None) -> TableStream:
    from openpyxl import load_workbook

    name = path.name
    check_archive(path, name)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except _xlsx_damaged() as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(
            _("{name}: not a readable .xlsx workbook ({detail}); open it in Excel or LibreOffice "
              "and save it again as .xlsx").format(name=name, detail=detail)
        ) from None
    try:
        worksheet, sheet_name = _worksheet(workbook, name, sheet)
        return _stream(path, _sheet_records(worksheet, name, sheet_name), None, None,
                       _sheet_position,
                       _("{name}: sheet '{sheet}' is empty; put a header row and the answers in "
                         "it, or choose another sheet").format(name=name, sheet=sheet_name),
                       workbook.close)
    except BaseException:
        workbook.close()
        raise


def _xlsx_damaged() -> tuple[type[BaseException], ...]:
    """What openpyxl raises for damaged files (SyntaxError covers both XML parsers' errors)."""
    from openpyxl.utils.exceptions import InvalidFileException

    return (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError,
            AttributeError, IndexError, OSError, EOFError, SyntaxError)  # fmt: skip


def _worksheet(workbook: Any, name: str, sheet: str | None) -> tuple[Any, str]:
    names = list(workbook.sheetnames)
    if sheet is None:
        if not names:
            raise InputError(_("{name}: the workbook has no sheets; save the data in a sheet")
                             .format(name=name))
        sheet_name = names[0]
    elif sheet in names:
        sheet_name = sheet
    else:
        listed = ", ".join(f"'{n}'" for n in names)
        raise InputError(
            _("{name}: no sheet named '{sheet}'; the workbook has {listed}; "
              "choose one of these sheet names").format(name=name, sheet=sheet, listed=listed)
        )
    worksheet = workbook[sheet_name]
    if not hasattr(worksheet, "iter_rows"):
        raise InputError(
            _("{name}: sheet '{sheet_name}' is a chart, not a table; choose a sheet with data")
            .format(name=name, sheet_name=sheet_name)
        )
    return worksheet, sheet_name


def _sheet_records(worksheet: Any, name: str, sheet_name: str) -> Iterator[tuple[int, list[str]]]:
    """``(sheet row, values)`` of each row that is not empty (read-only mode: row by row)."""
    damaged = _xlsx_damaged()
    try:
        for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), 1):
            record = [_cell_text(v) for v in values]
            if not any(v.strip() for v in record):
                continue
            yield number, [v.replace("\r\n", "\n") if "\r" in v else v for v in record]
    except damaged as exc:
        raise InputError(
            _("{name}: sheet '{sheet_name}' cannot be read ({exc}); open the file in Excel or "
              "LibreOffice and save it again as .xlsx")
            .format(name=name, sheet_name=sheet_name, exc=exc)
        ) from None


# --------------------------------------------------------------------------- shared


@dataclass(frozen=True)
class _Header:
    columns: list[str]
    keep: list[int]  # positions of the named columns
    unnamed: list[int]  # positions of columns without a name (must stay empty)
    width: int
    row: int


def _stream(
    path: Path,
    records: Iterator[tuple[int, list[str]]],
    encoding: str | None,
    delimiter: str | None,
    position: Callable[[int], str],
    no_content: str,
    close: Callable[[], None],
) -> TableStream:
    """Read the header from ``records`` now; the rows follow as the stream is iterated."""
    header = _read_header(path.name, records, position, no_content)
    rows = _rows(path.name, records, header, delimiter, position)
    return TableStream(path, header.columns, encoding, delimiter, rows, close)


def _read_header(name: str, records: Iterator[tuple[int, list[str]]],
                 position: Callable[[int], str], no_content: str) -> _Header:
    # Leading empty records were skipped by the readers (text: blank lines; xlsx: empty rows).
    # Text readers keep rows of empty fields (";;;"): skip them before the header.
    for header_row, record in records:
        if any(v.strip() for v in record):
            break
    else:
        raise InputError(no_content)
    names = [h.replace("\ufeff", "").strip() for h in record]
    keep: list[int] = []
    unnamed: list[int] = []
    seen: dict[str, int] = {}
    for col, header in enumerate(names):
        if not header:
            unnamed.append(col)
            continue
        if header in seen:
            raise InputError(
                _("{name}, row {header_row}: {position} and {position2} are both "
                  "named '{header}'; rename one of them so that column names are unique")
                .format(name=name, header_row=header_row, position=position(seen[header]), position2=position(col), header=header)
            )
        seen[header] = col
        keep.append(col)
    if not keep:
        raise InputError(_("{name}, row {header_row}: the header row has no column names; add them")
                         .format(name=name, header_row=header_row))
    return _Header([names[c] for c in keep], keep, unnamed, len(names), header_row)


def _rows(
    name: str,
    records: Iterator[tuple[int, list[str]]],
    header: _Header,
    delimiter: str | None,
    position: Callable[[int], str],
) -> Iterator[tuple[int, dict[str, str]]]:
    width, columns, keep = header.width, header.columns, header.keep
    all_kept = len(keep) == width
    count = 0
    for number, record in records:
        for col in header.unnamed:
            if col < len(record) and record[col].strip():
                raise InputError(
                    _("{name}, row {number}: {position} has a value but no header name; "
                      "add a name for {position} in the header (row {row})")
                    .format(name=name, number=number, position=position(col), row=header.row)
                )
        size = len(record)
        if size > width:
            if any(v.strip() for v in record[width:]):
                what = _(_DELIMITER_NAMES.get(delimiter or "", ""))
                hint = (
                    _("quote values that contain {what} (\"...\") or add header names for the "
                      "extra columns").format(what=what)
                    if delimiter
                    else _("add header names for the extra columns or delete their values")
                )
                raise InputError(
                    _("{name}, row {number}: {size} fields but the header (row {row}) has "
                      "{width} columns; {hint}")
                    .format(name=name, number=number, size=size, row=header.row, width=width, hint=hint)
                )
            record = record[:width]
            size = width
        if not any(v.strip() for v in record):
            continue
        if size < width:
            record = record + [""] * (width - size)
        count += 1
        if all_kept:
            yield number, dict(zip(columns, record))
        else:
            yield number, {columns[i]: record[c] for i, c in enumerate(keep)}
    if not count:
        raise InputError(
            _("{name}: only a header row (row {row}) and no data rows; export the answers "
              "together with the header").format(name=name, row=header.row)
        )
