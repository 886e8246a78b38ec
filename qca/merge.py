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
  ``skip_conflicts``, which writes everything else and leaves the conflicts as they are;
* **removals**: a coder who removed codes in the other file leaves no coding there, which the
  code sets alone cannot tell from "never coded". So the other file's event log is read from
  the point where the two logs part (the copy was made: the events both files share are
  identical row for row). A segment's codes count as removed there when the logged changes
  since (``coding``, ``undo``, ``redo``; ``consensus`` for the consensus coder) only took
  codes away from the set the coder had at that point. If this project still has exactly
  that set and logged no change of that coder's codes on the segment since, the removal is
  applied, also when some codes remain (a plain removal, not a conflict); if this project
  has the same codes as the other file, that counts as identical; otherwise it is a
  conflict. Codes changed without a per-segment event (codings imports, codebook revisions,
  earlier merges) are not recognised as removals.

The write is one transaction with one ``merge`` event, whose ``before`` holds the removed
codings. Merged codings keep their origin, codebook version, time and memo.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qca.errors import CodebookError, CodingError, ProjectError
from qca.reliability import CONSENSUS
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
    codings_removed: int = 0  # removed in the other file, so removed here too
    notes_added: int = 0
    identical: int = 0  # segment/coder pairs already the same in both files
    coders: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    written: bool = False

    def summary(self) -> str:
        if not self.written:
            return f"{self.other}: nothing merged ({len(self.conflicts)} conflicts)"
        parts = [f"{self.codings_added} codings", f"{self.notes_added} notes"]
        if self.codings_removed:
            parts.append(f"{self.codings_removed} codings removed")
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
    if app_id != APPLICATION_ID or not {"segments", "codings", "notes", "events"} <= tables:
        conn.close()
        raise ProjectError(f"{path}: not a qca project; merge from a copy of a qca project file")
    return conn


_CODING_ACTIONS = ("coding", "undo", "redo", "consensus")


def _fork_point(ours: sqlite3.Connection, theirs: sqlite3.Connection) -> int:
    """The last event both logs share (0 if none): where the copy was made."""
    sql = "SELECT id, at, actor, action, target, before, after, ref FROM events ORDER BY id"
    mine, other = ours.execute(sql), theirs.execute(sql)
    last = 0
    try:
        for a, b in zip(mine, other, strict=False):  # the longer log goes on past the copy
            if a != b:
                break
            last = a[0]
    finally:
        mine.close()
        other.close()
    return last


def _target(text: str) -> list[str] | None:
    """An event's target as ``[segment]`` or ``[segment, category]``; None for any other."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return None


def _codes(state: str | None) -> set[str]:
    """The codes in a ``consensus`` event's before or after."""
    try:
        value = json.loads(state) if state else None
    except ValueError:
        return set()
    codes = value.get("codes") if isinstance(value, dict) else None
    return {c for c in codes if isinstance(c, str)} if isinstance(codes, list) else set()


def _codes_at_fork(conn: sqlite3.Connection, fork: int) -> dict[tuple[str, str], dict[str, bool]]:
    """Per (segment, coder): the categories a logged change touched after ``fork``.

    Each maps to whether the coder had it at ``fork``, read from the first such change: the
    ``before`` of a ``coding`` or ``consensus`` event; for an undo (redo) of an earlier
    change, that change's ``after`` (``before``).
    """
    at_fork: dict[tuple[str, str], dict[str, bool]] = {}
    rows = conn.execute(
        "SELECT actor, action, target, before, after, ref FROM events WHERE id > ? AND action IN "
        f"({', '.join('?' * len(_CODING_ACTIONS))}) ORDER BY id",
        (fork, *_CODING_ACTIONS),
    )
    for actor, action, target, before, after, ref in rows.fetchall():
        path = _target(target)
        if path is None:
            continue
        if action == "consensus":
            old = _codes(before)
            touched = at_fork.setdefault((path[0], CONSENSUS), {})
            for cat in old | _codes(after):
                touched.setdefault(cat, cat in old)
            continue
        if len(path) != 2:  # a memo or flag change
            continue
        touched = at_fork.setdefault((path[0], actor), {})
        if path[1] in touched:
            continue
        if action == "coding":
            touched[path[1]] = before is not None
            continue
        undone = conn.execute("SELECT before, after FROM events WHERE id = ?", (ref,)).fetchone()
        if undone is not None:
            touched[path[1]] = undone[1 if action == "undo" else 0] is not None
    return at_fork


def _changed_since(conn: sqlite3.Connection, fork: int) -> set[tuple[str, str]]:
    """The (segment, coder) pairs whose codes a logged change touched after ``fork``."""
    changed: set[tuple[str, str]] = set()
    rows = conn.execute(
        "SELECT actor, action, target FROM events WHERE id > ? AND action IN "
        f"({', '.join('?' * len(_CODING_ACTIONS))})",
        (fork, *_CODING_ACTIONS),
    )
    for actor, action, target in rows.fetchall():
        path = _target(target)
        if path is not None and action == "consensus":
            changed.add((path[0], CONSENSUS))
        elif path is not None and len(path) == 2:
            changed.add((path[0], actor))
    return changed


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
        fork = _fork_point(project.conn, conn)
        touched_there = _codes_at_fork(conn, fork)
    except sqlite3.Error as exc:
        raise ProjectError(f"{other_path}: cannot read the project ({exc})") from None
    finally:
        conn.close()
    result = MergeResult(other_path.name)

    ours = {
        r[0]: (r[1], r[2], r[3])
        for r in project.conn.execute("SELECT id, source_id, question, text FROM segments")
    }
    # per (segment, coder) the other file's codes, and its codes at the fork where a logged
    # change touched them since; a segment this project lacks has no codes here to remove
    theirs_by: dict[tuple[str, str], list[tuple]] = {}
    for row in their_codings:
        theirs_by.setdefault((row[0], row[2]), []).append(row)
    their_sets = {key: {r[1] for r in rows} for key, rows in theirs_by.items()}
    at_fork: dict[tuple[str, str], set[str]] = {}
    for key, touched in touched_there.items():
        now_there = their_sets.get(key, set())
        before = (now_there - touched.keys()) | {c for c, had in touched.items() if had}
        if now_there < before and key[0] in ours and key[0] in their_segments:
            at_fork[key] = before  # only removals there since the fork

    # segments: present here, same source and text
    used = sorted({r[0] for r in their_codings} | {r[0] for r in their_notes})
    missing = [s for s in used if s not in ours]
    if missing:
        raise CodingError(
            f"{other_path.name}: {len(missing)} coded segments are not in {project.path.name} "
            f"({_first(missing)}); import the same sources first; nothing was merged"
        )
    checked = sorted(set(used) | {seg for seg, _ in at_fork})
    changed = [s for s in checked if (ours[s][0], ours[s][2]) != (their_segments[s][0], their_segments[s][2])]
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
    ours_sets: dict[tuple[str, str], set[str]] = {}
    for seg, coder, cat in project.conn.execute("SELECT segment_id, coder, category FROM codings"):
        ours_sets.setdefault((seg, coder), set()).add(cat)
    changed_here = _changed_since(project.conn, fork) if at_fork else set()
    new_codings: list[tuple] = []
    removals: list[tuple[str, str, str]] = []
    for key in sorted(theirs_by.keys() | at_fork.keys()):
        rows = theirs_by.get(key, [])
        mine = ours_sets.get(key)
        theirs = their_sets.get(key, set())
        if key in at_fork:
            here = mine or set()
            if here == theirs:
                result.identical += 1
            elif here == at_fork[key] and key not in changed_here:
                removals.extend((key[0], cat, key[1]) for cat in sorted(here - theirs))
            else:
                result.conflicts.append(
                    Conflict(key[0], key[1], "codings", frozenset(here), frozenset(theirs))
                )
        elif mine is None:
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
    result.codings_removed = len(removals)
    result.notes_added = len(new_notes)
    result.coders = sorted(
        {r[2] for r in new_codings} | {r[1] for r in new_notes} | {r[2] for r in removals}
    )
    if dry_run or (result.conflicts and not skip_conflicts):
        return result
    if not new_codings and not new_notes and not removals:
        result.written = True
        return result
    with project.transaction():
        removed = [
            {"segment": seg, "category": cat, "coder": coder, "origin": r[0],
             "codebook_version": r[1], "created_at": r[2], "memo": r[3]}
            for seg, cat, coder in removals
            for r in project.conn.execute(
                "SELECT origin, codebook_version, created_at, memo FROM codings "
                "WHERE segment_id = ? AND category = ? AND coder = ?",
                (seg, cat, coder),
            )
        ]
        project.conn.executemany(
            "DELETE FROM codings WHERE segment_id = ? AND category = ? AND coder = ?", removals
        )
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
            before={"removed": removed} if removed else None,
            after={
                "path": str(other_path),
                "codings": result.codings_added,
                "codings_removed": result.codings_removed,
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
