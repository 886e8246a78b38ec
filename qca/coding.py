"""Changing codings, memos and flags, each logged, and undo / redo through the event log.

Every change here is one transaction that writes the new state and appends one event with
the state before and after. Undo restores the ``before`` of the coder's latest change that
is not undone yet; redo restores its ``after``. Both append events of their own, so the log
stays append-only and undo works across restarts and processes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from qca.errors import CodingError
from qca.store import Project, now

__all__ = [
    "Change",
    "ORIGINS",
    "redo",
    "set_coding",
    "set_flag",
    "set_memo",
    "toggle_coding",
    "touch_position",
    "undo",
    "validate_coder",
]

ORIGINS = ("manual", "suggestion", "imported", "consensus")
_CHANGE_ACTIONS = ("coding", "note")


@dataclass(frozen=True)
class Change:
    """What one change, undo or redo did, for a coder to read."""

    event_id: int
    action: str
    segment_id: str
    description: str


def validate_coder(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(ch in name for ch in ",;\t\n"):
        raise CodingError(
            f"coder name {name!r} is not usable; use 1-64 characters without , ; or line breaks"
        )
    return name


def _coding_state(project: Project, segment_id: str, category: str, coder: str) -> dict | None:
    row = project.conn.execute(
        "SELECT origin, codebook_version, created_at, memo FROM codings "
        "WHERE segment_id = ? AND category = ? AND coder = ?",
        (segment_id, category, coder),
    ).fetchone()
    if row is None:
        return None
    return {"origin": row[0], "codebook_version": row[1], "created_at": row[2], "memo": row[3]}


def _write_coding(
    project: Project, segment_id: str, category: str, coder: str, state: dict | None
) -> None:
    if state is None:
        project.conn.execute(
            "DELETE FROM codings WHERE segment_id = ? AND category = ? AND coder = ?",
            (segment_id, category, coder),
        )
    else:
        project.conn.execute(
            "INSERT OR REPLACE INTO codings "
            "(segment_id, category, coder, origin, codebook_version, created_at, memo) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (segment_id, category, coder, state["origin"], state["codebook_version"],
             state["created_at"], state.get("memo", "")),
        )


def _note_state(project: Project, segment_id: str, coder: str) -> dict:
    row = project.conn.execute(
        "SELECT memo, flagged FROM notes WHERE segment_id = ? AND coder = ?", (segment_id, coder)
    ).fetchone()
    return {"memo": row[0], "flagged": bool(row[1])} if row else {"memo": "", "flagged": False}


def _write_note(project: Project, segment_id: str, coder: str, state: dict) -> None:
    if not state["memo"] and not state["flagged"]:
        project.conn.execute(
            "DELETE FROM notes WHERE segment_id = ? AND coder = ?", (segment_id, coder)
        )
    else:
        project.conn.execute(
            "INSERT OR REPLACE INTO notes (segment_id, coder, memo, flagged, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (segment_id, coder, state["memo"], int(state["flagged"]), now()),
        )


def _check_target(project: Project, segment_id: str, category: str | None = None) -> None:
    seg = project.conn.execute(
        "SELECT question FROM segments WHERE id = ?", (segment_id,)
    ).fetchone()
    if seg is None:
        raise CodingError(f"segment {segment_id!r} does not exist in {project.path.name}")
    if category is None:
        return
    cat = project.codebook().get(category)
    if cat is None:
        raise CodingError(
            f"category {category!r} is not in the codebook; see 'qca codebook show'"
        )
    if not cat.is_codable:
        raise CodingError(f"category {category!r} is a group; code one of its subcategories")
    offered = {c.key for c in project.codebook().for_question(seg[0])}
    if category not in offered:
        raise CodingError(
            f"category {category!r} does not belong to question {seg[0]!r} of segment "
            f"{segment_id!r}"
        )


def set_coding(
    project: Project,
    segment_id: str,
    category: str,
    coder: str,
    present: bool,
    *,
    origin: str = "manual",
    memo: str = "",
) -> Change | None:
    """Assign (``present``) or remove a category; returns None when nothing changed."""
    if origin not in ORIGINS:
        raise CodingError(f"origin {origin!r} is not one of {', '.join(ORIGINS)}")
    with project.transaction():
        _check_target(project, segment_id, category)
        before = _coding_state(project, segment_id, category, coder)
        if (before is not None) == present:
            return None
        after = (
            {"origin": origin, "codebook_version": project.codebook_version(),
             "created_at": now(), "memo": memo}
            if present else None
        )
        _write_coding(project, segment_id, category, coder, after)
        _remember(project, coder, segment_id)
        target = json.dumps([segment_id, category])
        event = project.log(coder, "coding", target, before, after)
    verb = "assigned" if present else "removed"
    return Change(event, "coding", segment_id, f"{verb} {category}")


def toggle_coding(
    project: Project, segment_id: str, category: str, coder: str, *, origin: str = "manual"
) -> Change:
    with project.transaction():
        present = _coding_state(project, segment_id, category, coder) is None
        change = set_coding(project, segment_id, category, coder, present, origin=origin)
    assert change is not None
    return change


def _set_note(project: Project, segment_id: str, coder: str, **fields: Any) -> Change | None:
    with project.transaction():
        _check_target(project, segment_id)
        before = _note_state(project, segment_id, coder)
        after = {**before, **fields}
        if after == before:
            return None
        _write_note(project, segment_id, coder, after)
        _remember(project, coder, segment_id)
        event = project.log(coder, "note", json.dumps([segment_id]), before, after)
    what = ", ".join(f"{k} set" for k in fields)
    return Change(event, "note", segment_id, what)


def set_memo(project: Project, segment_id: str, coder: str, memo: str) -> Change | None:
    return _set_note(project, segment_id, coder, memo=memo.strip())


def set_flag(project: Project, segment_id: str, coder: str, flagged: bool) -> Change | None:
    return _set_note(project, segment_id, coder, flagged=flagged)


def _remember(project: Project, coder: str, segment_id: str) -> None:
    project.conn.execute(
        "INSERT INTO coders (name, last_segment, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET last_segment = excluded.last_segment, "
        "updated_at = excluded.updated_at",
        (coder, segment_id, now()),
    )


def touch_position(project: Project, coder: str, segment_id: str, *, wait: bool = True) -> None:
    """Remember where a coder is, so the coding screen resumes there.

    Args:
        project: The open project.
        coder: Whose resume point this is.
        segment_id: The segment to resume at.
        wait: Whether to wait for another process's write lock (up to the busy timeout).
            Without waiting, a busy project raises :class:`~qca.errors.ProjectError` at
            once: a resume point written in the background must not freeze the screen
            while, say, an import holds the lock.
    """
    if wait:
        with project.transaction():
            _remember(project, coder, segment_id)
        return
    timeout = project.conn.execute("PRAGMA busy_timeout").fetchone()[0]
    project.conn.execute("PRAGMA busy_timeout = 0")
    try:
        with project.transaction():
            _remember(project, coder, segment_id)
    finally:
        project.conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def _stacks(project: Project, coder: str) -> tuple[list[int], list[int]]:
    undo_stack: list[int] = []
    redo_stack: list[int] = []
    rows = project.conn.execute(
        "SELECT id, action, ref FROM events WHERE actor = ? "
        "AND action IN ('coding', 'note', 'undo', 'redo') ORDER BY id",
        (coder,),
    )
    for event_id, action, ref in rows:
        if action in _CHANGE_ACTIONS:
            undo_stack.append(event_id)
            redo_stack.clear()
        elif action == "undo" and undo_stack and undo_stack[-1] == ref:
            redo_stack.append(undo_stack.pop())
        elif action == "redo" and redo_stack and redo_stack[-1] == ref:
            undo_stack.append(redo_stack.pop())
    return undo_stack, redo_stack


def _apply(project: Project, coder: str, event_id: int, use: str) -> Change:
    row = project.conn.execute(
        "SELECT action, target, before, after FROM events WHERE id = ?", (event_id,)
    ).fetchone()
    action, target = row[0], json.loads(row[1])
    raw = row[2] if use == "before" else row[3]
    state = json.loads(raw) if raw is not None else None
    segment_id = target[0]
    if action == "coding":
        category = target[1]
        if state is not None and project.codebook().get(category) is None:
            raise CodingError(
                f"cannot restore {category!r} on {segment_id!r}: the category left the codebook"
            )
        _write_coding(project, segment_id, category, coder, state)
        what = f"{'assigned' if state else 'removed'} {category}"
    else:
        _write_note(project, segment_id, coder, state or {"memo": "", "flagged": False})
        what = "memo/flag restored"
    _remember(project, coder, segment_id)
    kind = "undo" if use == "before" else "redo"
    new_id = project.log(coder, kind, row[1], None, state, ref=event_id)
    return Change(new_id, kind, segment_id, what)


def undo(project: Project, coder: str) -> Change | None:
    """Undo the coder's latest change that is not undone yet; None if there is none."""
    with project.transaction():
        undo_stack, _ = _stacks(project, coder)
        if not undo_stack:
            return None
        return _apply(project, coder, undo_stack[-1], "before")


def redo(project: Project, coder: str) -> Change | None:
    """Redo the coder's latest undone change; None if there is none."""
    with project.transaction():
        _, redo_stack = _stacks(project, coder)
        if not redo_stack:
            return None
        return _apply(project, coder, redo_stack[-1], "after")
