"""Changing codings, memos and flags, each logged, and undo / redo through the event log.

Every change here is one transaction that writes the new state and appends one event with
the state before and after. Undo restores the ``before`` of the coder's latest change that
is not undone yet; redo restores its ``after``. Both append events of their own, so the log
stays append-only and undo works across restarts and processes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from qca.errors import CodingError
from qca.events import (
    UNDOABLE,
    Action,
    CodingChanged,
    CodingState,
    DictionaryApplied,
    NoteChanged,
    NoteState,
    Origin,
    Redone,
    Undone,
)
from qca.i18n import N_, _
from qca.store import Coding, Project, now

__all__ = [
    "Change",
    "ORIGINS",
    "confirm_coding",
    "pending",
    "redo",
    "set_coding",
    "set_flag",
    "set_memo",
    "toggle_coding",
    "touch_position",
    "undo",
    "validate_coder",
    "validate_person",
]

ORIGINS = tuple(str(o) for o in Origin)


@dataclass(frozen=True)
class Change:
    """What one change, undo or redo did, for a coder to read.

    ``assigned`` is true when it put a category on the segment (an assignment, or the undo
    or redo of one's removal).
    """

    event_id: int
    action: Action
    segment_id: str
    description: str
    assigned: bool = False


def validate_coder(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(ch in name for ch in ",;\t\n"):
        raise CodingError(
            _("coder name {name!r} is not usable; use 1-64 characters without , ; or line breaks")
            .format(name=name)
        )
    return name


def validate_person(name: str) -> str:
    """A coder name a person codes under: usable, and not one qca writes itself."""
    from qca.coders import is_reserved

    name = validate_coder(name)
    if is_reserved(name):
        raise CodingError(
            _("coder name {name!r} is reserved for codings qca writes itself (consensus comes "
              "from 'qca reconcile' or 'qca consensus', machine:NAME from the suggestion "
              "model); choose your own name").format(name=name)
        )
    return name


def check_new_coder(project: Project, coder: str) -> str:
    """``coder``, unless the project does not know them but knows a coder whose name
    differs in case only (``Lena`` for ``lena``): then a :class:`CodingError`, so a mistyped
    name does not start a second coder."""
    known = project.coders()
    if coder in known:
        return coder
    same = [k for k in known if k.casefold() == coder.casefold()]
    if same:
        raise CodingError(_("coder {coder!r} is not in {project}, but {known!r} is (names are "
                            "case-sensitive); use --coder {known}, or another name for a new "
                            "coder").format(coder=coder, project=project.path.name,
                                            known=same[0]))
    return coder


def require_coder(project: Project, coder: str) -> str:
    """``coder`` if the project knows them (codings, a session, or logged changes); else a
    :class:`CodingError` naming the coders there are."""
    coder = validate_coder(coder)
    known = project.coders()
    if coder in known or project.conn.execute(
            "SELECT 1 FROM events WHERE actor = ? LIMIT 1", (coder,)).fetchone():
        return coder
    listed = ", ".join(known) or _("none yet")
    raise CodingError(_("there is no coder {coder!r} in {project}; coders are: {listed}").format(
        coder=coder, project=project.path.name, listed=listed))


def _coding_state(project: Project, segment_id: str, category: str, coder: str) -> CodingState | None:
    coding = project.coding(segment_id, category, coder)
    return None if coding is None else coding.state


def _write_coding(
    project: Project, segment_id: str, category: str, coder: str, state: CodingState | None
) -> None:
    if state is None:
        project.remove_coding(segment_id, category, coder)
    else:
        project.put_coding(Coding.of(segment_id, category, coder, state))


def _note_state(project: Project, segment_id: str, coder: str) -> NoteState:
    note = project.note(segment_id, coder)
    return NoteState() if note is None else NoteState(note.memo, note.flagged)


def _write_note(project: Project, segment_id: str, coder: str, state: NoteState) -> None:
    project.set_note(segment_id, coder, state.memo, state.flagged)


def _check_target(project: Project, segment_id: str, category: str | None = None) -> None:
    seg = project.conn.execute(
        "SELECT question FROM segments WHERE id = ?", (segment_id,)
    ).fetchone()
    if seg is None:
        raise CodingError(_("segment {segment_id!r} does not exist in {project}")
                          .format(segment_id=segment_id, project=project.path.name))
    if category is None:
        return
    cat = project.codebook().get(category)
    if cat is None:
        raise CodingError(
            _("category {category!r} is not in the codebook; see 'qca codebook show'")
            .format(category=category)
        )
    if not cat.is_codable:
        raise CodingError(_("category {category!r} is a group; code one of its subcategories")
                          .format(category=category))
    offered = {c.key for c in project.codebook().for_question(seg[0])}
    if category not in offered:
        raise CodingError(
            _("category {category!r} does not belong to question {question!r} of segment "
              "{segment_id!r}").format(category=category, question=seg[0], segment_id=segment_id)
        )


def set_coding(
    project: Project,
    segment_id: str,
    category: str,
    coder: str,
    present: bool,
    *,
    origin: str = Origin.MANUAL,
    memo: str = "",
) -> Change | None:
    """Assign (``present``) or remove a category; returns None when nothing changed."""
    if origin not in ORIGINS:
        raise CodingError(_("origin {origin!r} is not one of {items}")
                          .format(origin=origin, items=', '.join(ORIGINS)))
    with project.transaction():
        _check_target(project, segment_id, category)
        before = _coding_state(project, segment_id, category, coder)
        if (before is not None) == present:
            return None
        after = CodingState(origin, project.codebook_version(), now(), memo) if present else None
        _write_coding(project, segment_id, category, coder, after)
        project.set_resume_point(coder, segment_id)
        event = project.log(coder, CodingChanged(segment_id, category, before, after))
    what = (_("assigned {category}") if present else _("removed {category}")).format(
        category=category)
    return Change(event, Action.CODING, segment_id, what, assigned=present)


def toggle_coding(
    project: Project, segment_id: str, category: str, coder: str, *, origin: str = Origin.MANUAL
) -> Change:
    with project.transaction():
        present = _coding_state(project, segment_id, category, coder) is None
        change = set_coding(project, segment_id, category, coder, present, origin=origin)
    assert change is not None
    return change


def confirm_coding(project: Project, segment_id: str, category: str, coder: str) -> Change | None:
    """Confirm a proposed coding (origin ``dictionary``): it becomes the coder's own
    (origin ``manual``), as one undoable change; None if there is no such proposal."""
    with project.transaction():
        before = _coding_state(project, segment_id, category, coder)
        if before is None or before.origin != Origin.DICTIONARY:
            return None
        after = dataclasses.replace(before, origin=str(Origin.MANUAL), created_at=now())
        _write_coding(project, segment_id, category, coder, after)
        project.set_resume_point(coder, segment_id)
        event = project.log(coder, CodingChanged(segment_id, category, before, after))
    return Change(event, Action.CODING, segment_id,
                  _("confirmed {category}").format(category=category), assigned=True)


_NOTE_SET = {"memo": N_("memo set"), "flagged": N_("flag set")}
"""How a change of each note field is described (msgids)."""


def _set_note(
    project: Project, segment_id: str, coder: str, **fields: str | bool
) -> Change | None:
    with project.transaction():
        _check_target(project, segment_id)
        before = _note_state(project, segment_id, coder)
        after = dataclasses.replace(before, **fields)  # type: ignore[arg-type]
        if after == before:
            return None
        _write_note(project, segment_id, coder, after)
        project.set_resume_point(coder, segment_id)
        event = project.log(coder, NoteChanged(segment_id, before, after))
    what = ", ".join(_(_NOTE_SET[k]) for k in fields)
    return Change(event, Action.NOTE, segment_id, what)


def set_memo(project: Project, segment_id: str, coder: str, memo: str) -> Change | None:
    return _set_note(project, segment_id, coder, memo=memo.strip())


def set_flag(project: Project, segment_id: str, coder: str, flagged: bool) -> Change | None:
    return _set_note(project, segment_id, coder, flagged=flagged)


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
            project.set_resume_point(coder, segment_id)
        return
    timeout = project.conn.execute("PRAGMA busy_timeout").fetchone()[0]
    project.conn.execute("PRAGMA busy_timeout = 0")
    try:
        with project.transaction():
            project.set_resume_point(coder, segment_id)
    finally:
        project.conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def _stacks(project: Project, coder: str) -> tuple[list[int], list[int]]:
    undo_stack: list[int] = []
    redo_stack: list[int] = []
    actions = (*UNDOABLE, Action.UNDO, Action.REDO)
    rows = project.conn.execute(
        "SELECT id, action, ref FROM events WHERE actor = ? "
        f"AND action IN ({', '.join('?' * len(actions))}) ORDER BY id",
        (coder, *actions),
    )
    for event_id, action, ref in rows:
        if action in UNDOABLE:
            undo_stack.append(event_id)
            redo_stack.clear()
        elif action == Action.UNDO and undo_stack and undo_stack[-1] == ref:
            redo_stack.append(undo_stack.pop())
        elif action == Action.REDO and redo_stack and redo_stack[-1] == ref:
            undo_stack.append(redo_stack.pop())
    return undo_stack, redo_stack


def _apply(project: Project, coder: str, event_id: int, *, undoing: bool) -> Change:
    """Bring back the state before (``undoing``) or after the change ``event_id``."""
    event = project.event(event_id)
    assert event is not None  # the stacks hold ids of this log
    change = event.payload()
    kind = Undone if undoing else Redone
    if isinstance(change, DictionaryApplied):  # one dictionary run: all its codings at once
        n = project.set_dictionary_codings(coder, change, present=not undoing)
        new_id = project.log(coder, kind("", None, None, event_id, change.dictionary))
        what = f"{'restored' if not undoing else 'removed'} {n} dictionary codings"
        return Change(new_id, kind.ACTION, "", f"{what} ({change.dictionary})",
                      assigned=not undoing and n > 0)
    if isinstance(change, CodingChanged):
        segment_id, category = change.segment_id, change.category
        state = change.before if undoing else change.after
        if state is not None and project.codebook().get(category) is None:
            raise CodingError(
                _("cannot restore {category!r} on {segment_id!r}: the category left the codebook")
                .format(category=category, segment_id=segment_id)
            )
        _write_coding(project, segment_id, category, coder, state)
        what = (_("assigned {category}") if state else _("removed {category}")).format(
            category=category)
        new_id = project.log(coder, kind(segment_id, category, state, event_id))
        assigned = state is not None
    else:
        assert isinstance(change, NoteChanged)  # the other change a coder can undo
        segment_id = change.segment_id
        note = change.before if undoing else change.after
        other = change.after if undoing else change.before
        _write_note(project, segment_id, coder, note)
        what = _note_change(other, note)
        new_id = project.log(coder, kind(segment_id, None, note, event_id))
        assigned = False
    project.set_resume_point(coder, segment_id)
    return Change(new_id, kind.ACTION, segment_id, what, assigned=assigned)


def _note_change(old: NoteState, new: NoteState) -> str:
    """What an undo or redo did to a memo and flag, for its message ("memo removed")."""
    parts = []
    if (old.memo or "") != (new.memo or ""):
        parts.append(_("memo removed") if not new.memo else
                     _("memo restored") if not old.memo else _("memo text restored"))
    if bool(old.flagged) != bool(new.flagged):
        parts.append(_("flag set") if new.flagged else _("flag cleared"))
    return ", ".join(parts) or _("memo/flag restored")


def pending(project: Project, coder: str, *, undoing: bool = True) -> list[str]:
    """The segments the coder's next undo (or redo, ``undoing`` False) would change: one,
    all of a dictionary run's, or none when there is nothing to undo (redo)."""
    undo_stack, redo_stack = _stacks(project, coder)
    stack = undo_stack if undoing else redo_stack
    event = project.event(stack[-1]) if stack else None
    if event is None:
        return []
    change = event.payload()
    if isinstance(change, DictionaryApplied):
        return list(dict.fromkeys(seg for seg, _cat in change.codings))
    assert isinstance(change, (CodingChanged, NoteChanged))  # what a coder can undo
    return [change.segment_id]


def undo(project: Project, coder: str) -> Change | None:
    """Undo the coder's latest change that is not undone yet; None if there is none."""
    with project.transaction():
        undo_stack, _ = _stacks(project, coder)
        if not undo_stack:
            return None
        return _apply(project, coder, undo_stack[-1], undoing=True)


def redo(project: Project, coder: str) -> Change | None:
    """Redo the coder's latest undone change; None if there is none."""
    with project.transaction():
        _, redo_stack = _stacks(project, coder)
        if not redo_stack:
            return None
        return _apply(project, coder, redo_stack[-1], undoing=False)
