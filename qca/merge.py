"""Bring in the codings, memos and flags of a copy of the project (a coder who worked offline).

Segments are matched by id: ids are derived from the imported input, so a copy of the project,
or a project built from the same files, has the same ids. Rules, checked before anything is
written:

* every segment the other file has codings or notes on must exist in this project, with the
  same source and the same text; otherwise :class:`CodingError` and nothing is written;
* every category used must be in this project's codebook (else :class:`CodebookError`) and be
  offered for the segment's question (else :class:`CodingError`).

Then, per segment and coder, the other file's code set and its note (memo, flag) are compared
with this project's. Code sets alone cannot tell a removal from "never coded", nor which side
changed, so both event logs are read from the **copy point**, where they part (the events both
files share are identical row for row). Each logged change after it (``coding``, ``note``,
``undo``, ``redo``; ``consensus`` for the consensus coder and its reason; the removals and
cleared notes a ``merge`` event keeps) tells which codes or note fields it touched, and its
first such change what they were at the copy point. The other file's codes (or note) are:

* **identical** to this project's: skipped;
* **changed only here**: this project logged a change since the copy point and the other file
  still has them as they were then: this project's are kept and nothing is written
  (``unchanged_there``). If the other file changed them too (and differently), or its state
  is not the one this project's log leads back to, it is a **conflict**;
* **removed there**: the other file's changes since the copy point only took codes away, or
  only cleared the memo or flag. If this project still has them as they were at the copy point
  and logged no change since, the removal is applied, also when some codes remain; otherwise
  it is a conflict;
* otherwise **new** when this project has none (added), else a **conflict**, even where only
  the other file changed them.

Conflicts are never overwritten: with any conflict nothing is written unless
``skip_conflicts``, which writes everything else and leaves the conflicts as they are.

Changes made without a per-segment event (codings imports, codebook revisions, codes and notes
an earlier merge added) are not seen as changes since the copy point. If the two logs share no
event at all, the other file is no copy (a project built from the same files, say): there is
no copy point, so the sets and notes are compared alone, as new, identical or a conflict, and
no removal is recognised.

The write is one transaction with one ``merge`` event, whose ``before`` holds the removed
codings and the cleared notes as they were, so that a later merge reads them as changes here.
Merged codings keep their origin, codebook version, time and memo.
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
            if self.kind == "note":  # (memo, flagged)
                memo, flagged = v
                return (f"memo {memo!r}" if memo else "no memo") + (" (flagged)" if flagged else "")
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
    notes_cleared: int = 0  # memo or flag cleared in the other file, so cleared here too
    identical: int = 0  # segment/coder pairs already the same in both files
    unchanged_there: int = 0  # changed only here since the copy: the other file has them as copied
    coders: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    written: bool = False

    def summary(self) -> str:
        if not self.written:
            return f"{self.other}: nothing merged ({len(self.conflicts)} conflicts)"
        parts = [f"{self.codings_added} codings", f"{self.notes_added} notes"]
        if self.codings_removed:
            parts.append(f"{self.codings_removed} codings removed")
        if self.notes_cleared:
            parts.append(f"{self.notes_cleared} notes cleared")
        text = f"merged from {self.other}: {', '.join(parts)} of {', '.join(self.coders) or 'no coder'}"
        if self.identical:
            text += f"; {self.identical} already identical"
        if self.unchanged_there:
            text += f"; {self.unchanged_there} changed only here (kept)"
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


_LOGGED_ACTIONS = ("coding", "note", "undo", "redo", "consensus", "merge")
_NO_NOTE = ("", False)  # memo and flag of a coder without a note on the segment

_Key = tuple[str, str]  # (segment, coder)
_Note = tuple[str, bool]  # (memo, flagged)


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


def _state(text: str | None) -> dict[str, Any]:
    """An event's before or after as a dict; empty for none or any other value."""
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _codes(state: str | None) -> set[str]:
    """The codes in a ``consensus`` event's before or after."""
    codes = _state(state).get("codes")
    return {c for c in codes if isinstance(c, str)} if isinstance(codes, list) else set()


def _note(state: str | None) -> _Note:
    """The memo and flag in a ``note`` event's before or after."""
    value = _state(state)
    return (str(value.get("memo") or ""), bool(value.get("flagged")))


@dataclass
class _Since:
    """What one file's log changed after the copy point, per segment and coder.

    ``codes`` maps each category a logged change touched to whether the coder had it at the
    copy point; ``notes`` maps each note field touched (``memo``, ``flagged``) to its value
    then. Both are read from the first change that touched it.
    """

    codes: dict[_Key, dict[str, bool]] = field(default_factory=dict)
    notes: dict[_Key, dict[str, Any]] = field(default_factory=dict)

    def codes_at_fork(self, key: _Key, now: set[str]) -> set[str]:
        touched = self.codes.get(key, {})
        return (now - touched.keys()) | {c for c, had in touched.items() if had}

    def note_at_fork(self, key: _Key, now: _Note) -> _Note:
        touched = self.notes.get(key, {})
        return (touched.get("memo", now[0]), touched.get("flagged", now[1]))

    def touch_code(self, key: _Key, category: str, had: bool) -> None:
        self.codes.setdefault(key, {}).setdefault(category, had)

    def touch_note(self, key: _Key, **was: Any) -> None:
        touched = self.notes.setdefault(key, {})
        for name, value in was.items():
            touched.setdefault(name, value)


def _since(conn: sqlite3.Connection, fork: int) -> _Since:
    """The changes ``conn``'s log holds after event ``fork``.

    A change's state before is the ``before`` of a ``coding``, ``note`` or ``consensus``
    event; for an undo (redo) of an earlier change, that change's ``after`` (``before``); for
    a ``merge``, the codings it removed and the notes it cleared.
    """
    since = _Since()
    rows = conn.execute(
        "SELECT actor, action, target, before, after, ref FROM events WHERE id > ? AND action IN "
        f"({', '.join('?' * len(_LOGGED_ACTIONS))}) ORDER BY id",
        (fork, *_LOGGED_ACTIONS),
    )
    for actor, action, target, before, after, ref in rows.fetchall():
        if action == "merge":
            _merged(since, _state(before))
            continue
        path = _target(target)
        if path is None:
            continue
        if action == "consensus":
            key = (path[0], CONSENSUS)
            old, new = _codes(before), _codes(after)
            for cat in old ^ new:
                since.touch_code(key, cat, cat in old)
            reason = str(_state(before).get("reason") or "")
            if reason != str(_state(after).get("reason") or ""):
                since.touch_note(key, memo=reason)
            continue
        key = (path[0], actor)
        if action == "coding" and len(path) != 2:
            continue
        if len(path) == 2 and path[1] in since.codes.get(key, {}):
            continue  # its state at the copy point is known
        if action in ("undo", "redo"):
            undone = conn.execute("SELECT before, after FROM events WHERE id = ?", (ref,)).fetchone()
            if undone is None:  # a change all the same, its state at the copy point unknown
                (since.codes if len(path) == 2 else since.notes).setdefault(key, {})
                continue
            before = undone[1 if action == "undo" else 0]
        if len(path) == 2:
            since.touch_code(key, path[1], before is not None)
        else:
            memo, flagged = _note(before)
            since.touch_note(key, memo=memo, flagged=flagged)
    return since


def _merged(since: _Since, before: dict[str, Any]) -> None:
    """Read the codings a ``merge`` event removed and the notes it cleared into ``since``."""
    for r in before.get("removed") or []:
        if isinstance(r, dict) and all(isinstance(r.get(k), str) for k in ("segment", "coder", "category")):
            since.touch_code((r["segment"], r["coder"]), r["category"], True)
    for r in before.get("notes") or []:
        if isinstance(r, dict) and all(isinstance(r.get(k), str) for k in ("segment", "coder")):
            since.touch_note((r["segment"], r["coder"]), memo=str(r.get("memo") or ""),
                             flagged=bool(r.get("flagged")))


def _only_cleared(now: _Note, then: _Note) -> bool:
    """Whether going from ``then`` to ``now`` only cleared the memo, the flag or both."""
    return now != then and now[0] in ("", then[0]) and now[1] in (False, then[1])


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
        there = _since(conn, fork) if fork else _Since()  # no copy point: no log to read
    except sqlite3.Error as exc:
        raise ProjectError(f"{other_path}: cannot read the project ({exc})") from None
    finally:
        conn.close()
    result = MergeResult(other_path.name)

    ours = {
        r[0]: (r[1], r[2], r[3])
        for r in project.conn.execute("SELECT id, source_id, question, text FROM segments")
    }
    # per (segment, coder) the other file's codes and note, and where its changes since the
    # fork only removed codes or cleared a note, their state at the fork; a segment this
    # project lacks has nothing here to remove
    theirs_by: dict[_Key, list[tuple]] = {}
    for row in their_codings:
        theirs_by.setdefault((row[0], row[2]), []).append(row)
    their_sets = {key: {r[1] for r in rows} for key, rows in theirs_by.items()}
    their_note_rows = {(r[0], r[1]): r for r in their_notes}
    removed_there: dict[_Key, set[str]] = {}
    for key in there.codes:
        now_there = their_sets.get(key, set())
        then = there.codes_at_fork(key, now_there)
        if now_there < then and key[0] in ours and key[0] in their_segments:
            removed_there[key] = then
    cleared_there: dict[_Key, _Note] = {}
    for key in there.notes:
        row = their_note_rows.get(key)
        now_note = (row[2], bool(row[3])) if row else _NO_NOTE
        then_note = there.note_at_fork(key, now_note)
        if _only_cleared(now_note, then_note) and key[0] in ours and key[0] in their_segments:
            cleared_there[key] = then_note

    # segments: present here, same source and text
    used = sorted({r[0] for r in their_codings} | {r[0] for r in their_notes})
    missing = [s for s in used if s not in ours]
    if missing:
        raise CodingError(
            f"{other_path.name}: {len(missing)} coded segments are not in {project.path.name} "
            f"({_first(missing)}); import the same sources first; nothing was merged"
        )
    checked = sorted(set(used) | {seg for seg, _ in removed_there} | {seg for seg, _ in cleared_there})
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

    here = _since(project.conn, fork) if fork else _Since()

    # codings: per (segment, coder) compare the code sets
    ours_sets: dict[_Key, set[str]] = {}
    for seg, coder, cat in project.conn.execute("SELECT segment_id, coder, category FROM codings"):
        ours_sets.setdefault((seg, coder), set()).add(cat)
    new_codings: list[tuple] = []
    removals: list[tuple[str, str, str]] = []
    for key in sorted(theirs_by.keys() | removed_there.keys()):
        mine = ours_sets.get(key)
        mine_now = mine or set()
        theirs = their_sets.get(key, set())
        if mine_now == theirs:
            result.identical += 1
        elif key in here.codes:
            # changed here since the fork: kept if the other file still has the codes of then
            if theirs == there.codes_at_fork(key, theirs) == here.codes_at_fork(key, mine_now):
                result.unchanged_there += 1
            else:
                result.conflicts.append(
                    Conflict(key[0], key[1], "codings", frozenset(mine_now), frozenset(theirs))
                )
        elif key in removed_there and mine_now == removed_there[key]:
            removals.extend((key[0], cat, key[1]) for cat in sorted(mine_now - theirs))
        elif mine is None and key not in removed_there:
            new_codings.extend(theirs_by[key])
        else:
            result.conflicts.append(
                Conflict(key[0], key[1], "codings", frozenset(mine_now), frozenset(theirs))
            )

    # notes: per (segment, coder) compare memo and flag the same way
    ours_notes = {
        (r[0], r[1]): (r[2], bool(r[3]))
        for r in project.conn.execute("SELECT segment_id, coder, memo, flagged FROM notes")
    }
    new_notes: list[tuple] = []
    clears: list[tuple[_Key, tuple | None]] = []  # the other file's note row, None for none
    for key in sorted(their_note_rows.keys() | cleared_there.keys()):
        mine_note = ours_notes.get(key)
        row = their_note_rows.get(key)
        theirs_note = (row[2], bool(row[3])) if row else None
        mine_now_note, theirs_now_note = mine_note or _NO_NOTE, theirs_note or _NO_NOTE
        if mine_note == theirs_note:
            result.identical += 1
        elif key in here.notes:
            at_fork = there.note_at_fork(key, theirs_now_note)
            if theirs_now_note == at_fork == here.note_at_fork(key, mine_now_note):
                result.unchanged_there += 1
            else:
                result.conflicts.append(Conflict(*key, "note", mine_now_note, theirs_now_note))
        elif key in cleared_there and mine_now_note == cleared_there[key]:
            clears.append((key, row))
        elif mine_note is None and row is not None and key not in cleared_there:
            new_notes.append((row[0], row[1], row[2], int(bool(row[3])), row[4]))
        else:
            result.conflicts.append(Conflict(*key, "note", mine_now_note, theirs_now_note))

    result.codings_added = len(new_codings)
    result.codings_removed = len(removals)
    result.notes_added = len(new_notes)
    result.notes_cleared = len(clears)
    result.coders = sorted(
        {r[2] for r in new_codings} | {r[1] for r in new_notes} | {r[2] for r in removals}
        | {key[1] for key, _ in clears}
    )
    if dry_run or (result.conflicts and not skip_conflicts):
        return result
    if not new_codings and not new_notes and not removals and not clears:
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
        cleared = [
            {"segment": seg, "coder": coder, "memo": ours_notes[seg, coder][0],
             "flagged": ours_notes[seg, coder][1]}
            for (seg, coder), _ in clears
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
        for (seg, coder), row in clears:
            if row is None:
                project.conn.execute(
                    "DELETE FROM notes WHERE segment_id = ? AND coder = ?", (seg, coder)
                )
            else:
                project.conn.execute(
                    "UPDATE notes SET memo = ?, flagged = ?, updated_at = ? "
                    "WHERE segment_id = ? AND coder = ?",
                    (row[2], int(bool(row[3])), row[4], seg, coder),
                )
        for coder in result.coders:
            project.conn.execute(
                "INSERT INTO coders (name, last_segment, updated_at) VALUES (?, NULL, ?) "
                "ON CONFLICT(name) DO NOTHING",
                (coder, now()),
            )
        lost = {"removed": removed, "notes": cleared}
        project.log(
            actor, "merge", other_path.name,
            before={k: v for k, v in lost.items() if v} or None,
            after={
                "path": str(other_path),
                "codings": result.codings_added,
                "codings_removed": result.codings_removed,
                "notes": result.notes_added,
                "notes_cleared": result.notes_cleared,
                "coders": result.coders,
                "identical": result.identical,
                "unchanged_there": result.unchanged_there,
                "conflicts_skipped": [
                    {"segment": c.segment_id, "coder": c.coder, "kind": c.kind} for c in result.conflicts
                ],
            },
        )
    result.written = True
    return result
