"""The one place that turns the bytes of a user's text file into text and records.

Survey tables (:mod:`qca.importing.survey`), protocols (:mod:`qca.importing.protocol`)
and agreement matrices (:mod:`qca.importing.matrix`) all decode here, so a file that one
of them reads, the others read the same way.

* **Encoding**, strictly, in this order: a UTF-16 byte order mark means UTF-16 (Excel's
  "Unicode text"); a UTF-8 byte order mark means UTF-8 (``'utf-8-sig'``; a byte after it
  that is not UTF-8 is an error, not a reason to guess); otherwise UTF-8, otherwise
  Windows-1252 (``'cp1252'``, what German Excel writes; a superset of Latin-1's printable
  characters). The five bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are
  *not* mapped to Latin-1 control characters: a file containing them is most likely in
  another encoding, and guessing would silently corrupt answers. A file that is cp1252 but
  also contains UTF-8 encoded umlauts (mixed encodings, typically after copy & paste) and a
  file with NUL bytes (binary) are errors as well. A BOM is never part of the text.
* **Delimiter** of a table: ``,``, ``;`` or tab, counted in the header record outside
  quotes. One candidate present: that one. Several: each is tried on the first records and
  the one giving the most records with exactly the header's number of fields wins (then
  the one preferred for the file's extension, then the one giving more columns). None: a
  single-column table (tab for ``.tsv``, else ``,``).

Errors are :class:`~qca.errors.InputError` with one line naming the file, the line and
how to fix it.
"""

from __future__ import annotations

import csv
import io
import re

from qca.errors import InputError

__all__ = ["DELIMITERS", "decode_text", "detect_delimiter"]

DELIMITERS = (";", ",", "\t")  # order = preference on a complete tie
_SNIFF_RECORDS = 50
# UTF-8 encodings of German umlauts and sharp s; as cp1252 they read as "Ã¤" etc.,
# which no real text contains, so finding them in a cp1252 file means mixed encodings.
_UTF8_UMLAUTS = re.compile(rb"\xc3[\x84\x96\x9c\xa4\xb6\xbc\x9f]")
_UTF8_BOM = b"\xef\xbb\xbf"


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_text(data: bytes, name: str, advice: str = "save the file as 'CSV UTF-8'") -> tuple[str, str]:
    """Decode a text file's bytes as UTF-16 (with BOM), UTF-8 or cp1252, strictly.

    Args:
        data: The raw file content.
        name: The file name, for error messages.
        advice: How to fix an undecodable file, ending error messages.

    Returns:
        ``(text, encoding)`` with ``encoding`` one of ``'utf-16'``, ``'utf-8-sig'``,
        ``'utf-8'``, ``'cp1252'``. A BOM is never part of ``text``.

    Raises:
        InputError: A byte is neither UTF-8 nor cp1252, a file with a UTF-8 BOM holds a
            byte that is not UTF-8, the file mixes UTF-8 and cp1252, or it looks binary.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name}: starts like a UTF-16 text file but byte offset {exc.start} is not "
                f"valid UTF-16; {advice} and import it again"
            ) from None
    if data.startswith(_UTF8_BOM):
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            offset = exc.start + len(_UTF8_BOM)
            raise InputError(
                f"{name}, line {_line_of(data, offset)}: the file starts with a UTF-8 mark but "
                f"byte 0x{data[offset]:02X} at byte offset {offset} is not UTF-8; {advice} and "
                "import it again"
            ) from None
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as utf8_error:
            text, encoding = _decode_cp1252(data, name, advice, utf8_error.start)
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(
            f"{name}, line {text.count(chr(10), 0, nul) + 1}: contains NUL bytes, so it is not a "
            f"text file; {advice}"
        )
    return text, encoding


def _decode_cp1252(data: bytes, name: str, advice: str, not_utf8: int) -> tuple[str, str]:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}, line {_line_of(data, exc.start)}: byte 0x{data[exc.start]:02X} at byte "
            f"offset {exc.start} is neither UTF-8 nor Windows-1252; {advice} and import it again"
        ) from None
    if _UTF8_UMLAUTS.search(data):
        raise InputError(
            f"{name}, line {_line_of(data, not_utf8)}: the file mixes encodings "
            f"(UTF-8 umlauts elsewhere, but byte 0x{data[not_utf8]:02X} at byte offset "
            f"{not_utf8} is not UTF-8); {advice} and check this line"
        ) from None
    return text, "cp1252"


def _header_record_end(text: str) -> int:
    """Return the index just past the first record (quotes may span line breaks)."""
    in_quotes = False
    for i, char in enumerate(text):
        if char == '"':
            in_quotes = not in_quotes
        elif char in "\r\n" and not in_quotes:
            return i
    return len(text)


def _count_outside_quotes(record: str) -> dict[str, int]:
    counts = dict.fromkeys(DELIMITERS, 0)
    in_quotes = False
    for char in record:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and char in counts:
            counts[char] += 1
    return counts


def detect_delimiter(text: str, ext: str = ".csv") -> str:
    """The delimiter of a decoded table (see the module doc for the rules).

    Args:
        text: The decoded file.
        ext: The file's extension, lower case with the dot (``.tsv`` prefers tabs).
    """
    start = len(text) - len(text.lstrip("\r\n"))  # leading blank lines are skipped
    header = text[start : start + _header_record_end(text[start:])]
    counts = _count_outside_quotes(header)
    candidates = [d for d in DELIMITERS if counts[d] > 0]
    if not candidates:
        return "\t" if ext == ".tsv" else ","
    if len(candidates) == 1:
        return candidates[0]
    sample = text[start:]
    best: tuple[int, int, int] | None = None
    chosen = candidates[0]
    for delimiter in candidates:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        width = counts[delimiter] + 1
        consistent = 0
        try:
            next(reader, None)
            for index, record in enumerate(reader):
                if index >= _SNIFF_RECORDS:
                    break
                if record and len(record) == width:
                    consistent += 1
        except csv.Error:
            pass
        preferred = 1 if (delimiter == "\t") == (ext == ".tsv") else 0
        score = (consistent, preferred, width)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen
