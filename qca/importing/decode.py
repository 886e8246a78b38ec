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

import codecs
import csv
import io
import re
from dataclasses import dataclass
from typing import IO

from qca.errors import InputError
from qca.i18n import N_, _

__all__ = ["DELIMITERS", "decode_text", "detect_delimiter", "sniff_encoding"]

DELIMITERS = (";", ",", "\t")  # order = preference on a complete tie
_SNIFF_RECORDS = 50
# UTF-8 encodings of German umlauts and sharp s; as cp1252 they read as "Ã¤" etc.,
# which no real text contains, so finding them in a cp1252 file means mixed encodings.
_UTF8_UMLAUTS = re.compile(rb"\xc3[\x84\x96\x9c\xa4\xb6\xbc\x9f]")
_UTF8_BOM = b"\xef\xbb\xbf"


_UNDEFINED_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_BLOCK = 1 << 20  # bytes read at a time: what scanning a file of any size costs


@dataclass
class _Scan:
    """What one pass over a file's bytes found, at absolute byte offsets."""

    newlines: int = 0  # b"\n" in the blocks scanned so far
    content: bool = False  # a byte other than blanks and line breaks
    not_utf8: int | None = None  # first byte that is not UTF-8 (from the start, or after a BOM)
    not_utf8_line: int = 0
    undefined: tuple[int, int, int] | None = None  # (offset, byte, line): undefined in cp1252
    nul_line: int | None = None
    umlauts: bool = False  # UTF-8 encoded umlauts anywhere


def _scan(stream: IO[bytes], skip: int) -> _Scan:
    """One pass over ``stream`` in blocks, from byte ``skip`` on (past a UTF-8 BOM)."""
    found = _Scan()
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0  # absolute offset of the block being scanned
    tail = b""  # the last byte of the previous block, for patterns across the boundary
    if skip:
        stream.read(skip)
        offset = skip
    while block := stream.read(_BLOCK):
        if not found.content and block.strip():
            found.content = True
        if found.not_utf8 is None:
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                at = offset - pending + exc.start
                found.not_utf8 = at
                found.not_utf8_line = found.newlines + block.count(b"\n", 0, max(at - offset, 0)) + 1
        if found.undefined is None and (m := _UNDEFINED_CP1252.search(block)):
            found.undefined = (offset + m.start(), block[m.start()],
                               found.newlines + block.count(b"\n", 0, m.start()) + 1)
        if found.nul_line is None and (nul := block.find(b"\x00")) >= 0:
            found.nul_line = found.newlines + block.count(b"\n", 0, nul) + 1
        if not found.umlauts and _UTF8_UMLAUTS.search(tail + block):
            found.umlauts = True
        found.newlines += block.count(b"\n")
        tail = block[-1:]
        offset += len(block)
    if found.not_utf8 is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            found.not_utf8 = offset - len(decoder.getstate()[0])
            found.not_utf8_line = found.newlines + 1
    return found


def _check_utf16(stream: IO[bytes], name: str, advice: str) -> None:
    decoder = codecs.getincrementaldecoder("utf-16")()
    offset, lines = 0, 0
    while True:
        block = stream.read(_BLOCK)
        try:
            text = decoder.decode(block, final=not block)
        except UnicodeDecodeError as exc:
            raise InputError(
                _("{name}: starts like a UTF-16 text file but byte offset {value} is "
                  "not valid UTF-16; {advice} and import it again")
                .format(name=name, value=offset + exc.start, advice=_(advice))
            ) from None
        nul = text.find("\x00")
        if nul >= 0:
            raise InputError(
                _("{name}, line {value}: contains NUL bytes, so "
                  "it is not a text file; {advice}")
                .format(name=name, value=lines + text.count(chr(10), 0, nul) + 1, advice=_(advice))
            )
        lines += text.count("\n")
        offset += len(block)
        if not block:
            return


def sniff_encoding(stream: IO[bytes], name: str,
                   advice: str = N_("save the file as 'CSV UTF-8'")) -> tuple[str, bool]:
    """The encoding of a text file by the rules of the module docstring, read in blocks.

    Args:
        stream: The file, opened in binary mode at its start.
        name: The file name, for error messages.
        advice: How to fix an undecodable file, ending error messages.

    Returns:
        ``(encoding, has_content)``: one of ``'utf-16'``, ``'utf-8-sig'``, ``'utf-8'``,
        ``'cp1252'``, and whether the file holds more than blanks and line breaks. Memory
        stays at one block whatever the file's size.

    Raises:
        InputError: as :func:`decode_text`.
    """
    head = stream.read(3)
    stream.seek(0)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        _check_utf16(stream, name, advice)
        return "utf-16", True
    bom = head.startswith(_UTF8_BOM)
    found = _scan(stream, len(_UTF8_BOM) if bom else 0)
    if bom and found.not_utf8 is not None:
        stream.seek(found.not_utf8)
        byte = stream.read(1)[0]
        raise InputError(
            _("{name}, line {not_utf8_line}: the file starts with a UTF-8 mark but "
              "byte 0x{byte:02X} at byte offset {not_utf8} is not UTF-8; {advice} and "
              "import it again")
            .format(name=name, not_utf8_line=found.not_utf8_line, byte=byte, not_utf8=found.not_utf8, advice=_(advice))
        )
    encoding = "utf-8-sig" if bom else "utf-8"
    if found.not_utf8 is not None:
        encoding = "cp1252"
        if found.undefined is not None:
            at, byte, line = found.undefined
            raise InputError(
                _("{name}, line {line}: byte 0x{byte:02X} at byte offset {at} is neither UTF-8 "
                  "nor Windows-1252; {advice} and import it again")
                .format(name=name, line=line, byte=byte, at=at, advice=_(advice))
            )
        if found.umlauts:
            stream.seek(found.not_utf8)
            byte = stream.read(1)[0]
            raise InputError(
                _("{name}, line {not_utf8_line}: the file mixes encodings "
                  "(UTF-8 umlauts elsewhere, but byte 0x{byte:02X} at byte offset "
                  "{not_utf8} is not UTF-8); {advice} and check this line")
                .format(name=name, not_utf8_line=found.not_utf8_line, byte=byte, not_utf8=found.not_utf8, advice=_(advice))
            )
    if found.nul_line is not None:
        raise InputError(
            _("{name}, line {nul_line}: contains NUL bytes, so it is not a text file; "
              "{advice}").format(name=name, nul_line=found.nul_line, advice=_(advice))
        )
    return encoding, found.content


def decode_text(data: bytes, name: str, advice: str = N_("save the file as 'CSV UTF-8'")) -> tuple[str, str]:
    """Decode a text file's bytes as UTF-16 (with BOM), UTF-8 or cp1252, strictly.

    The rules are :func:`sniff_encoding`'s (one decoder for files read whole and files
    read in blocks).

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
    encoding, _ = sniff_encoding(io.BytesIO(data), name, advice)
    return data.decode(encoding), encoding


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
