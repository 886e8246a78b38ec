"""Reading the files a user names, and writing exports atomically.

Every export writes to a hidden temporary file beside the target and renames it over the
target only when writing succeeded; a failure leaves the target as it was, and a reader
never sees a half-written file.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from qca.errors import ExportError, QcaError
from qca.i18n import _
from qca.limits import note_input

__all__ = ["all_or_none", "atomic_path", "check_new", "check_target", "not_found", "read_input",
           "sha256_of", "write_bytes", "write_text"]


def sha256_of(path: Path) -> str:
    """The SHA-256 of the file at ``path``, read in blocks, as hex."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def not_found(path: Path, error: type[QcaError]) -> QcaError:
    """The one wording for a file argument that names no file (every reader raises this)."""
    return error(_("{path}: file not found; check the path and spelling").format(path=path))


def read_input(path: Path, error: type[QcaError], folder_hint: str | None = None) -> bytes:
    """The bytes of a file the user named, or ``error`` with a one-line reason.

    ``folder_hint`` is what to tell a user who named a folder (default: the OS reason).
    """
    note_input(path.name)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise not_found(path, error) from None
    except IsADirectoryError as exc:
        if folder_hint is not None:
            raise error(_("{path}: is a folder; {hint}").format(path=path, hint=folder_hint)) \
                from None
        raise error(_("{path}: cannot read ({reason}); check the permissions").format(
            path=path, reason=exc.strerror)) from None
    except OSError as exc:
        raise error(_("{path}: cannot read ({reason}); check the permissions").format(
            path=path, reason=exc.strerror)) from None


def check_target(path: Path, example: str = "export") -> None:
    """Refuse a target that is a folder or whose folder does not exist."""
    if path.is_dir():
        raise ExportError(_("{path}: is a folder; give a file name such as {path}/{example}")
                          .format(path=path, example=example))
    if not path.parent.exists():
        raise ExportError(_("{path}: folder {parent} does not exist; create it first")
                          .format(path=path, parent=path.parent))


def check_new(paths: Iterable[Path], *, force: bool = False) -> None:
    """Refuse to replace an existing file (any of ``paths``) unless ``force``.

    Exports call this for every file they would write before writing the first one.
    """
    if force:
        return
    for path in paths:
        if path.exists() and not path.is_dir():
            raise ExportError(_("{path}: exists already; choose another name, or add --force "
                                "to replace it").format(path=path))


@contextlib.contextmanager
def atomic_path(path: Path | str, example: str = "export") -> Iterator[Path]:
    """Yield a temporary path to write; it replaces ``path`` when the block succeeds.

    Raises:
        ExportError: The target is a folder, its folder is missing, or writing failed
            (disk full, no permission); the target is then unchanged.
    """
    path = Path(path)
    check_target(path, example)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        yield tmp
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(
            _("{path}: cannot write ({value}); check free space and permissions")
            .format(path=path, value=exc.strerror or exc)
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def all_or_none(paths: Sequence[Path]) -> Iterator[list[Path]]:
    """Yield a staging path for each of ``paths``; when the block succeeds they replace
    ``paths`` together, else every staged file is removed and no target is touched.

    For exports of several files (a CSV with its ``.sps`` and names mapping): a failure
    half-way leaves neither a new CSV without its syntax nor a syntax without its data.
    """
    staged = [p.with_name(f".{p.name}.staged") for p in paths]
    try:
        yield staged
        for tmp, path in zip(staged, paths):
            tmp.replace(path)
    except OSError as exc:
        for tmp in staged:
            tmp.unlink(missing_ok=True)
        raise ExportError(
            _("{paths}: cannot write ({value}); check free space and permissions")
            .format(paths=paths[0], value=exc.strerror or exc)
        ) from None
    except ExportError as exc:
        for tmp in staged:
            tmp.unlink(missing_ok=True)
        message = str(exc)
        for tmp, path in zip(staged, paths):  # name the user's file, not the staging one
            message = message.replace(str(tmp), str(path))
        raise ExportError(message) from None
    except BaseException:
        for tmp in staged:
            tmp.unlink(missing_ok=True)
        raise


def write_bytes(path: Path | str, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: Path | str, text: str, encoding: str = "utf-8") -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding, newline="\n")
