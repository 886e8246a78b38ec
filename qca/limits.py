"""Limits checked before an archive is read, so a hostile file costs no memory.

XLSX workbooks, DOCX documents and REFI-QDA projects (.qdpx) are zip archives. A few
megabytes can unpack to gigabytes (a "zip bomb"), and the libraries that read them
(openpyxl, python-docx, ElementTree) hold what they unpack in memory. So every archive is
checked from its directory, before any member is unpacked, against these limits:

=====================  ==============  =====================================================
limit                  default         refused when
=====================  ==============  =====================================================
members                100,000         the archive lists more files than this
uncompressed size      1 GB            one member, or all members together, unpack larger
compression ratio      100             a member over 1 MB unpacks to more than 100 times
                                       its packed size (real sheets and texts pack 5-20x)
one value of a CSV     1,000,000       a field of a CSV/TSV file holds more characters
                       characters      (no open answer is that long; a hostile file's
                                       endless field would otherwise fill the memory)
=====================  ==============  =====================================================

``qca import --max-size SIZE`` raises the size limit for one run (e.g. ``--max-size 4GB``),
and the limit of one CSV value to SIZE characters. Giving it says the file is trusted up to
that size, so the ratio is then not checked.
Python's zip reader stops every member at its declared size, so the declared sizes this
module checks bound what is unpacked.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from qca.errors import InputError, QcaError
from qca.i18n import _

__all__ = [
    "DEFAULT_LIMITS",
    "ArchiveLimits",
    "check_archive",
    "current_input",
    "format_size",
    "limits",
    "note_input",
    "parse_size",
    "raised_limits",
    "value_limit",
]


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds on an archive's directory; see the module docstring."""

    max_members: int = 100_000
    max_size: int = 1_000_000_000
    max_ratio: float | None = 100.0
    ratio_from: int = 1_000_000  # members smaller than this are not ratio-checked
    max_value: int = 1_000_000  # characters in one CSV/TSV field


DEFAULT_LIMITS = ArchiveLimits()

_limits: ContextVar[ArchiveLimits] = ContextVar("qca_archive_limits", default=DEFAULT_LIMITS)
_current_input: ContextVar[str | None] = ContextVar("qca_current_input", default=None)

_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9,
          "gb": 10**9, "t": 10**12, "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30}


def parse_size(text: str) -> int:
    """``"4GB"``, ``"500 MB"``, ``"2GiB"`` or a number of bytes, as bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    unit = match.group(2).lower() if match else ""
    if not match or unit not in _UNITS or float(match.group(1)) <= 0:
        raise InputError(_("--max-size {text!r}: give a size such as 4GB, 500MB or 2GiB")
                         .format(text=text))
    return int(float(match.group(1)) * _UNITS[unit])


def format_size(size: float) -> str:
    """A size in bytes the way a user writes it: ``3.2 GB``, ``640 MB``, ``12 kB``."""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= factor:
            value = size / factor
            digits = 0 if value >= 100 else 1 if value >= 10 else 2
            text = f"{value:.{digits}f}"
            return (text.rstrip("0").rstrip(".") if "." in text else text) + f" {unit}"
    return f"{int(size)} bytes"


def _plain(size: float) -> str:
    return format_size(size).replace(" ", "")


def _suggest(size: int) -> str:
    """A ``--max-size`` value a little above ``size``."""
    return _plain(size * 1.1)


def limits() -> ArchiveLimits:
    """The limits in force (the defaults unless :func:`raised_limits` is active)."""
    return _limits.get()


@contextlib.contextmanager
def raised_limits(max_size: int | None) -> Iterator[ArchiveLimits]:
    """Within the block, archives may unpack to ``max_size`` bytes and the ratio is not
    checked (the user vouched for the file); ``None`` keeps the defaults."""
    if max_size is None:
        yield _limits.get()
        return
    token = _limits.set(replace(_limits.get(), max_size=max_size, max_ratio=None,
                                max_value=max(max_size, DEFAULT_LIMITS.max_value)))
    try:
        yield _limits.get()
    finally:
        _limits.reset(token)


def value_limit() -> int:
    """The most characters one field of a CSV/TSV file may hold (see the module doc)."""
    return _limits.get().max_value


def current_input() -> str | None:
    """The name of the archive checked last, for a message when memory runs out after all."""
    return _current_input.get()


def note_input(name: str | None) -> None:
    """Remember ``name`` as the file being read (``None`` forgets it)."""
    _current_input.set(name)


def check_archive(source: Path | IO[bytes] | zipfile.ZipFile, name: str,
                  error: type[QcaError] = InputError) -> None:
    """Refuse an archive whose directory exceeds the limits in force; unpacks nothing.

    Args:
        source: The archive: a path, a binary file object, or an open ``ZipFile``.
        name: The file's name for the message.
        error: The error class to raise (``InputError`` for imports).

    Raises:
        error: One line naming the file, what is too large and how to raise the limit.
            A source that is not a zip archive passes: its reader reports it.
    """
    note_input(name)
    bounds = _limits.get()
    try:
        if isinstance(source, zipfile.ZipFile):
            members = source.infolist()
        else:
            with zipfile.ZipFile(source) as archive:
                members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return
    hint = _("if you trust the file, raise the limit with --max-size")
    if len(members) > bounds.max_members:
        raise error(_("{name}: the archive lists {n:,} files, more than the {most:,} qca reads; "
                      "it is not a survey export or project").format(
            name=name, n=len(members), most=bounds.max_members))
    total = sum(info.file_size for info in members)
    for info in members:
        if info.file_size > bounds.max_size:
            raise error(_("{name}: {member} unpacks to {size}, over the {limit} limit; {hint} "
                          "{suggested}").format(
                name=name, member=info.filename, size=format_size(info.file_size),
                limit=format_size(bounds.max_size), hint=hint, suggested=_suggest(total)))
        if bounds.max_ratio is not None and info.file_size >= bounds.ratio_from:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > bounds.max_ratio:
                enough = _suggest(total) if total * 1.1 > bounds.max_size else _plain(
                    bounds.max_size)
                raise error(_("{name}: {member} unpacks to {ratio:.0f} times its packed size "
                              "({size}; the limit is {most:.0f} times, a zip bomb?); {hint} "
                              "{suggested}").format(
                    name=name, member=info.filename, ratio=ratio,
                    size=format_size(info.file_size), most=bounds.max_ratio, hint=hint,
                    suggested=enough))
    if total > bounds.max_size:
        raise error(_("{name}: the archive unpacks to {size}, over the {limit} limit; {hint} "
                      "{suggested}").format(
            name=name, size=format_size(total), limit=format_size(bounds.max_size), hint=hint,
            suggested=_suggest(total)))
