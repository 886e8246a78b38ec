"""Bring in the codings, memos and flags of a copy of the project (a coder who worked offline).

Segments are matched by id: ids are derived from the imported input, so a copy of the project,
or a project built from the same files, has the same ids. Rules, checked before anything is
written:

* every segment the other file has codings or notes on must exist in this project, with the
  same source and the same text; otherwise :class:`CodingError` and nothing is written;
* every category used must be in this project's codebook (else :class:`CodebookError`) and be
  offered for the segment's question (else :class:`CodingError`);
* per segment and coder, the other file's code set is **new** (this project has no coding of
  that coder there), **identical** (skipped), or a **conflict** (different sets). Notes (memo,
  flag) likewise. Conflicts are never overwritten: with any conflict nothing is written unless
  ``skip_conflicts``, which writes everything else and leaves the conflicts as they are.

The write is one transaction with one ``merge`` event. Merged codings keep their origin,
codebook version, time and memo.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qca.errors import CodebookError, CodingError, ProjectError
from qca.store import APPLICATION_ID, Project, now

__all__ = ["Conflict", "MergeResult", "merge_project"]


@dataclass(frozen=True)
class Conflict:
    """One coder's work on one segment differs between the two files."""

    segment_id: str
    coder: str
    kind: str  # "codings" or "note"
    ours: Any
    theirs: Any

    def describe(self) -> str:
        def fmt(v: Any) -> str:
            if isinstance(v, (set, frozenset, list, tuple)):
                return "{" + ", ".join(sorted(v)) + "}"
            return repr(v)

        return f"{self.segment_id} {self.coder} {self.kind}: here {fmt(self.ours)}, other {fmt(self.theirs)}"


@dataclass
class MergeResult:
    other: str
    codings_added: int = 0
    notes_added: int = 0
    identical: int = 0  # segment/coder pairs already the same in both files
    coders: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    written: bool = False

    def summary(self) -> str:
        if not self.written:
            return f"{self.other}: nothing merged ({len(self.conflicts)} conflicts)"
        parts = [f"{self.codings_added} codings", f"{self.notes_added} notes"]
        text = f"merged from {self.other}: {', '.join(parts)} of {', '.join(self.coders) or 'no coder'}"
        if self.identical:
            text += f"; {self.identical} already identical"
        if self.conflicts:
            text += f"; {len(self.conflicts)} conflicts left as they are"
        return text


def _open_other(path: Path, project: Project) -> sqlite3.Connection:
    if not path.exists():
        raise ProjectError(f"{path}: no such project file to merge from")
    if path.resolve() == project.path.resolve():
        raise ProjectError(f"{path}: is the project itself; merge from a copy")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error:
        raise ProjectError(f"{path}: not a qca project (cannot read it as SQLite)") from None
    if app_id != APPLICATION_ID or not {"segments", "codings", "notes"} <= tables:
        conn.close()
        raise ProjectError(f"{path}: not a qca project; merge from a copy of a qca project file")
    return conn


def _first(items: list[str], n: int = 3) -> str:
    more = f" and {len(items) - n} more" if len(items) > n else ""
    return ", ".join(items[:n]) + more


def merge_project(
    project: Project, other: Path | str, *, actor: str = "lead", skip_conflicts: bool = False,
    dry_run: bool = False,
) -> MergeResult:
    """Merge codings and notes of ``other`` into ``project`` (see the module doc)."""
    other_path = Path(other)
    conn = _open_other(other_path, project)
    try:
        their_segments = {
            r[0]: (r[1], r[2], r[3])
            for r in conn.execute("SELECT id, source_id, question, text FROM segments")
        }
        their_codings = conn.execute(
            "SELECT segment_id, category, coder, origin, codebook_version, created_at, memo "
            "FROM codings ORDER BY segment_id, coder, category"
        ).fetchall()
        their_notes = conn.execute(
            "SELECT segment_id, coder, memo, flagged, updated_at FROM notes ORDER BY segment_id, coder"
        ).fetchall()
    except sqlite3.Error as exc:
        raise ProjectError(f"{other_path}: cannot read the project ({exc})") from None
    finally:
        conn.close()
    result = MergeResult(other_path.name)

    # segments: present here, same source and text
    used = sorted({r[0] for r in their_codings} | {r[0] for r in their_notes})
    ours = {
        r[0]: (r[1], r[2], r[3])
        for r in project.conn.execute("SELECT id, source_id, question, text FROM segments")
    }
    missing = [s for s in used if s not in ours]
    if missing:
        raise CodingError(
            f"{other_path.name}: {len(missing)} coded segments are not in {project.path.name} "
            f"({_first(missing)}); import the same sources first; nothing was merged"
        )
    changed = [s for s in used if (ours[s][0], ours[s][2]) != (their_segments[s][0], their_segments[s][2])]
    if changed:
        raise CodingError(
            f"{other_path.name}: {len(changed)} segments have another source or text than in "
            f"{project.path.name} ({_first(changed)}); the files hold different data; nothing was merged"
        )

    # categories: known here and offered for the segment's question
    book = project.codebook()
    unknown = sorted({r[1] for r in their_codings if book.get(r[1]) is None})
    if unknown:
        raise CodebookError(
            f"{other_path.name}: categories {_first(unknown)} are not in the codebook of "
            f"{project.path.name}; add them to the codebook first; nothing was merged"
        )
    offered: dict[str | None, set[str]] = {}
    for seg, cat, *_ in their_codings:
        q = ours[seg][1]
        if q not in offered:
            offered[q] = {c.key for c in book.codable_for_question(q)}
        if cat not in offered[q]:
            raise CodingError(
                f"{other_path.name}: category {cat!r} on segment {seg!r} is not offered for question "
                f"{q!r} in {project.path.name}; nothing was merged"
            )

    # codings: per (segment, coder) compare the code sets
    theirs_by: dict[tuple[str, str], list[tuple]] = {}
    for row in their_codings:
        theirs_by.setdefault((row[0], row[2]), []).append(row)
    ours_sets: dict[tuple[str, str], set[str]] = {}
    for seg, coder, cat in project.conn.execute("SELECT segment_id, coder, category FROM codings"):
        ours_sets.setdefault((seg, coder), set()).add(cat)
    new_codings: list[tuple] = []
    for key, rows in theirs_by.items():
        mine = ours_sets.get(key)
        theirs = {r[1] for r in rows}
        if mine is None:
            new_codings.extend(rows)
        elif mine == theirs:
            result.identical += 1
        else:
            result.conflicts.append(Conflict(key[0], key[1], "codings", frozenset(mine), frozenset(theirs)))

    ours_notes = {
        (r[0], r[1]): (r[2], bool(r[3]))
        for r in project.conn.execute("SELECT segment_id, coder, memo, flagged FROM notes")
    }
    new_notes: list[tuple] = []
    for seg, coder, memo, flagged, updated_at in their_notes:
        mine_note = ours_notes.get((seg, coder))
        theirs_note = (memo, bool(flagged))
        if mine_note is None:
            new_notes.append((seg, coder, memo, int(bool(flagged)), updated_at))
        elif mine_note == theirs_note:
            result.identical += 1
        else:
            result.conflicts.append(Conflict(seg, coder, "note", mine_note, theirs_note))

    result.codings_added = len(new_codings)
    result.notes_added = len(new_notes)
    result.coders = sorted({r[2] for r in new_codings} | {r[1] for r in new_notes})
    if dry_run or (result.conflicts and not skip_conflicts):
        return result
    if not new_codings and not new_notes:
        result.written = True
        return result
    with project.transaction():
        project.conn.executemany(
            "INSERT INTO codings (segment_id, category, coder, origin, codebook_version, "
            "created_at, memo) VALUES (?, ?, ?, ?, ?, ?, ?)",
            new_codings,
        )
        project.conn.executemany(
            "INSERT INTO notes (segment_id, coder, memo, flagged, updated_at) VALUES (?, ?, ?, ?, ?)",
            new_notes,
        )
        for coder in result.coders:
            project.conn.execute(
                "INSERT INTO coders (name, last_segment, updated_at) VALUES (?, NULL, ?) "
                "ON CONFLICT(name) DO NOTHING",
                (coder, now()),
            )
        project.log(
            actor, "merge", other_path.name,
            after={
                "path": str(other_path),
                "codings": result.codings_added,
                "notes": result.notes_added,
                "coders": result.coders,
                "identical": result.identical,
                "conflicts_skipped": [
                    {"segment": c.segment_id, "coder": c.coder, "kind": c.kind} for c in result.conflicts
                ],
            },
        )
    result.written = True
    return result
