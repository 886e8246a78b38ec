"""The one error hierarchy of qca.

Every error a user can cause is a ``QcaError``; the CLI prints its message as one line
and exits non-zero, the TUI shows it as a notification. Anything else is a bug.

    QcaError
    ├── ProjectError      the project file is missing, not a qca project, too new, locked
    ├── InputError        a file to import is unreadable, malformed or inconsistent
    ├── CodebookError     a codebook is invalid or an edit to it is impossible
    ├── CodingError       a coding refers to an unknown segment, category or coder
    ├── ExportError       an export cannot be written
    └── VectorsError      sentence vectors were asked for, but no checked encoder is installed

Messages say what went wrong, where (file, row, column, key), and how to fix it, in one line.

Running out of a resource (``MemoryError``, ``RecursionError``) is no ``QcaError`` but gets
one line all the same: :func:`resource_message` (the CLI adds the file being read).
"""

from __future__ import annotations

from qca.i18n import _

__all__ = [
    "CodebookError",
    "CodingError",
    "ExportError",
    "InputError",
    "ProjectError",
    "QcaError",
    "VectorsError",
    "RESOURCE_ERRORS",
    "resource_message",
]

#: What running out of memory or stack raises; a transaction rolls back on them like on any.
RESOURCE_ERRORS = (MemoryError, RecursionError)


def resource_message(exc: BaseException) -> str:
    """One line for a step that ran out of memory or stack; nothing was changed."""
    if isinstance(exc, RecursionError):
        return _("this step nested too deeply (over Python's recursion limit); nothing was "
                 "changed, the data involved is damaged or hostile")
    return _("not enough memory for this step; nothing was changed and every coding made so "
             "far is kept; close other programs, then try again")


class QcaError(Exception):
    """Base of every error caused by the user's input or environment."""

    exit_code = 1


class ProjectError(QcaError):
    """The project file cannot be used."""

    exit_code = 2


class InputError(QcaError):
    """A file to import cannot be read or makes no sense."""

    exit_code = 3


class CodebookError(QcaError):
    """A codebook is invalid, or a change to it cannot be made."""

    exit_code = 4


class CodingError(QcaError):
    """A coding names a segment, category or coder that does not exist."""

    exit_code = 5


class ExportError(QcaError):
    """An export cannot be written."""

    exit_code = 6


class VectorsError(QcaError):
    """Sentence vectors were asked for, but no (checked) encoder is installed."""

    exit_code = 7
