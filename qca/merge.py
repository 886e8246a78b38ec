"""Bring in the codings, memos and flags of a copy of the project (a coder who worked offline).

Segments are matched by id: ids are derived from the imported input, so a copy of the project,
or a project built from the same files, has the same ids. Rules, checked before anything is
written:

* every segment the other file has codings or notes on must exist in this project, with the
  same source and the same text; otherwise :class:`CodingError` and nothing is written;
* every category used must be in this project's codebook (else :class:`CodebookError`) and be
  offered for the segment's question (else :class:`CodingError`).

Then each coder's code set and note (memo, flag) on a segment are merged three ways, against
their state at the **base**. Code sets alone cannot tell a removal from "never coded", nor
which side changed, so both event logs are read from the base on. Each logged change after it
(``coding``, ``note``, ``undo``, ``redo``; ``consensus`` for the consensus coder and its
reason; what a ``merge`` event added, removed or overwrote) tells which codes or note fields
it touched, and its first such change what they were at the base. The base is:

* the **copy point**, where the two logs part (the last event both files share, row for row:
  id, time, actor, action, target, before, after, ref), for a copy merged the first time;
* the **last merge of the same copy**: each ``merge`` event records in ``after["other_log"]``
  which of the other file's events it took in (``last_event``, its id, and ``sha256``, a
  digest of the other file's events up to it, each row as compared for the copy point). A
  file whose log begins with exactly those events is that copy (renamed, moved, or copied
  again, it is still identified by its log), so a later merge reads its events only after
  ``last_event``, and this project's only after that ``merge`` event: what that merge wrote
  is the base here. Its ``kept`` and ``conflicts_skipped`` lists say which pairs differed
  then and why. The latest matching merge is used when it took in events past the copy point.

Per segment and coder the other file's codes (or note) are then:

* **identical** to this project's: skipped;
* **changed only there** (this project logged no change since the base and still has the
  state of the base, the other file has another): taken over: codes added and removed as
  needed, the memo and flag set or cleared;
* **changed only here** (the other file still has the state of the base): this project's are
  kept and nothing is written (``unchanged_there``);
* **changed on both sides**, differently: a **conflict**. So is a pair the base merge left as
  a conflict, until the two files agree.

Where the two logs lead back to different states at the base (a change without a per-segment
event on one side: a codings import, a codebook revision), the other file's codes (or note) are
new if this project has none and logged no change, otherwise a conflict. If the two logs share
no event at all and no merge of the file is recorded, the other file is no copy (a project
built from the same files, say): there is no base, so the sets and notes are compared alone,
as new, identical or a conflict, and no removal is recognised.

Conflicts are never overwritten: with any conflict nothing is written unless
``skip_conflicts``, which writes everything else and leaves the conflicts as they are.

The write is one transaction with one ``merge`` event, also when nothing else changes but the
other file holds events not taken in before. Its ``before`` holds the removed codings (origin,
codebook version, time, memo) and every note it overwrote or cleared as it was (no note: empty
memo, no flag); its ``after`` the codes it added, the pairs it kept and left as conflicts, and
``other_log``. So nothing is lost from the log, and a later merge of another copy reads what
this one wrote as changes here. Merged codings keep their origin, codebook version, time and
memo.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qca.coders import CONSENSUS
from qca.errors import CodebookError, CodingError, ProjectError
from qca.events import (
    Action,
    AddedCoding,
    CodingChanged,
    ConsensusSet,
    DictionaryApplied,
    NoteChanged,
    NoteState,
    OtherLog,
    OverwrittenNote,
    Pair,
    PairKind,
    Payload,
    ProjectMerged,
    RemovedCoding,
    Restored,
    Undone,
    decode_row,
)
from qca.i18n import _, ngettext
from qca.plurals import count_noun
from qca.store import APPLICATION_ID, Coding, Note, Project, read_codings, read_notes

__all__ = ["Conflict", "MergeResult", "count_noun", "merge_project"]


@dataclass(frozen=True)
class Conflict:
    """One coder's work on one segment differs between the two files."""

    segment_id: str
    coder: str
    kind: PairKind
    ours: Any
    theirs: Any

    def describe(self) -> str:
        def fmt(v: Any) -> str:
            if self.kind == PairKind.NOTE:  # (memo, flagged)
                memo, flagged = v
                said = _("memo {memo!r}").format(memo=memo) if memo else _("no memo")
                return said + (" " + _("(flagged)") if flagged else "")
            if isinstance(v, (set, frozenset, list, tuple)):
                return "{" + ", ".join(sorted(v)) + "}"
            return repr(v)

        return _("{segment} {coder} {kind}: here {ours}, other {theirs}").format(
            segment=self.segment_id, coder=self.coder, kind=self.kind, ours=fmt(self.ours),
            theirs=fmt(self.theirs))


@dataclass
class MergeResult:
    other: str
    codings_added: int = 0
    codings_removed: int = 0  # removed in the other file, so removed here too
    notes_added: int = 0
    notes_cleared: int = 0  # memo or flag cleared in the other file, so cleared here too
    notes_changed: int = 0  # memo or flag otherwise changed in the other file, so here too
    identical: int = 0  # segment/coder pairs already the same in both files
    unchanged_there: int = 0  # changed only here since the base: the other file has them as then
    coders: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    written: bool = False

    def summary(self) -> str:
        if not self.written:
            return _("{other}: nothing merged ({n} conflicts)").format(other=self.other,
                                                                      n=len(self.conflicts))
        changes = [(self.codings_added, "coding"), (self.notes_added, "note"),
                   (self.codings_removed, "coding removed"),
                   (self.notes_cleared, "note cleared"),
                   (self.notes_changed, "note changed")]
        if not any(n for n, _noun in changes):
            text = _("nothing new in {other}").format(other=self.other)
        else:
            parts = [_counted(n, noun) for n, noun in changes[:2]]
            parts += [_counted(n, noun) for n, noun in changes[2:] if n]
            text = _("merged from {other}: {changes} of {coders}").format(
                other=self.other, changes=", ".join(parts),
                coders=", ".join(self.coders) or _("no coder"))
        if self.identical:
            text += "; " + _("{n} already identical").format(n=self.identical)
        if self.unchanged_there:
            text += "; " + _("{n} changed only here (kept)").format(n=self.unchanged_there)
        if self.conflicts:
            text += "; " + _("{conflicts} left as they are").format(
                conflicts=_counted(len(self.conflicts), "conflict"))
        return text

    def dry_run_summary(self) -> str:
        """What a merge would do, as ``qca merge --dry-run`` prints it."""
        changes = [_("add {codings} and {notes}").format(
                       codings=_counted(self.codings_added, "coding"),
                       notes=_counted(self.notes_added, "note")),
                   _("remove {codings}").format(codings=_counted(self.codings_removed, "coding"))]
        if self.notes_cleared:
            changes.append(_("clear {notes}").format(notes=_counted(self.notes_cleared, "note")))
        if self.notes_changed:
            changes.append(_("change {notes}").format(notes=_counted(self.notes_changed, "note")))
        kept = ("; " + _("{n} changed only here (kept)").format(n=self.unchanged_there)
                if self.unchanged_there else "")
        what = (_("would {changes} of {coders}").format(changes=_(" and ").join(changes),
                                                         coders=", ".join(self.coders))
                if self.coders else _("nothing new in {other}").format(other=self.other))
        return _("dry run: {what}; {n} identical{kept}; {conflicts}").format(
            what=what, n=self.identical, kept=kept,
            conflicts=_counted(len(self.conflicts), "conflict"))


_COUNTED: dict[str, Callable[[int], str]] = {
    "coding": lambda n: ngettext("{n} coding", "{n} codings", n),
    "note": lambda n: ngettext("{n} note", "{n} notes", n),
    "coding removed": lambda n: ngettext("{n} coding removed", "{n} codings removed", n),
    "note cleared": lambda n: ngettext("{n} note cleared", "{n} notes cleared", n),
    "note changed": lambda n: ngettext("{n} note changed", "{n} notes changed", n),
    "conflict": lambda n: ngettext("{n} conflict", "{n} conflicts", n),
}


def _counted(n: int, noun: str) -> str:
    """``1 coding``, ``2 codings removed`` in the interface language."""
    return _COUNTED[noun](n).format(n=n)


def _open_other(path: Path, project: Project) -> sqlite3.Connection:
    if not path.exists():
        raise ProjectError(_("{path}: no such project file to merge from").format(path=path))
    if path.resolve() == project.path.resolve():
        raise ProjectError(_("{path}: is the project itself; merge from a copy").format(path=path))
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error:
        raise ProjectError(_("{path}: not a qca project (cannot read it as SQLite)")
                           .format(path=path)) from None
    if app_id != APPLICATION_ID or not {"segments", "codings", "notes", "events"} <= tables:
        conn.close()
        raise ProjectError(_("{path}: not a qca project; merge from a copy of a qca project file")
                           .format(path=path))
    if conn.execute("SELECT 1 FROM meta WHERE key = 'pseudonymised'").fetchone():
        conn.close()
        raise ProjectError(_("{path}: a pseudonymised copy; restore it first with 'qca "
                             "pseudonymise --reverse {path} KEY.csv OUT.qca' and merge OUT")
                           .format(path=path))
    return conn


_LOGGED_ACTIONS = (Action.CODING, Action.NOTE, Action.AUTOCODE, Action.UNDO, Action.REDO,
                   Action.CONSENSUS, Action.MERGE)
_EVENT_ROW = "SELECT id, at, actor, action, target, before, after, ref FROM events ORDER BY id"
_NO_CODES: frozenset[str] = frozenset()
_NO_NOTE = ("", False)  # memo and flag of a coder without a note on the segment

_Key = tuple[str, str]  # (segment, coder)
_Note = tuple[str, bool]  # (memo, flagged)
_Prior = dict[tuple[str, str, str], str]  # (kind, segment, coder): "kept" or "conflict"


def _fork_point(ours: sqlite3.Connection, theirs: sqlite3.Connection) -> int:
    """The last event both logs share (0 if none): where the copy was made."""
    mine, other = ours.execute(_EVENT_ROW), theirs.execute(_EVENT_ROW)
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


@dataclass(frozen=True)
class _Base:
    """Where a merge starts: this project's log after ``here``, the other's after ``there``.

    From an earlier merge of the same copy, ``prior`` maps the pairs it kept as changed only
    here to ``"kept"`` and those it left as conflicts to ``"conflict"``, by (kind, segment,
    coder).
    """

    here: int
    there: int
    prior: dict[tuple[str, str, str], str] = field(default_factory=dict)


def _log_digests(conn: sqlite3.Connection, wanted: set[int]) -> tuple[int, str, dict[int, str]]:
    """The id and digest of the last event of ``conn``'s log, and the digests at ``wanted`` ids.

    The digest at an event covers every event up to it, each row as the copy point compares
    them, so equal digests mean equal logs up there.
    """
    digest = hashlib.sha256()
    last, found = 0, {}
    for row in conn.execute(_EVENT_ROW):
        digest.update(json.dumps(list(row), ensure_ascii=False).encode() + b"\n")
        last = row[0]
        if last in wanted:
            found[last] = digest.hexdigest()
    return last, digest.hexdigest(), found


def _payload(row: tuple[Any, ...]) -> Payload | None:
    """The payload of an event row (id, action, target, before, after, ref); None for a row
    this qca cannot read (a copy's log may hold anything)."""
    event_id, action, target, before, after, ref = row
    try:
        return decode_row(action, target, before, after, ref, event_id=event_id)
    except ProjectError:
        return None


def _merges(conn: sqlite3.Connection) -> list[tuple[int, ProjectMerged]]:
    """The ``merge`` events of ``conn``'s log with their ids, oldest first."""
    rows = conn.execute(
        "SELECT id, action, target, before, after, ref FROM events WHERE action = ? ORDER BY id",
        (Action.MERGE,),
    ).fetchall()
    found = [(row[0], _payload(row)) for row in rows]
    return [(event_id, p) for event_id, p in found if isinstance(p, ProjectMerged)]


def _prior(merged: ProjectMerged) -> _Prior:
    prior: _Prior = {(p.kind, p.segment, p.coder): "kept" for p in merged.kept}
    prior.update({(p.kind, p.segment, p.coder): "conflict" for p in merged.conflicts_skipped})
    return prior


def _base(ours: sqlite3.Connection, theirs: sqlite3.Connection) -> tuple[_Base | None, int, int, str]:
    """The base of merging ``theirs`` into ``ours``: its latest merge, else the copy point.

    Returns:
        The base (None: no copy and never merged), the copy point (0: none), and the id and
        digest of the last event in ``theirs``'s log.
    """
    fork = _fork_point(ours, theirs)
    records = [(event_id, merged) for event_id, merged in _merges(ours)
               if merged.other_log is not None and merged.other_log.last_event > fork]
    last, digest, found = _log_digests(theirs, {m.other_log.last_event for _, m in records
                                                if m.other_log is not None})
    for event_id, merged in reversed(records):  # the latest merge of this copy
        taken = merged.other_log
        if taken is not None and found.get(taken.last_event) == taken.sha256:
            return _Base(event_id, taken.last_event, _prior(merged)), fork, last, digest
    return (_Base(fork, fork) if fork else None), fork, last, digest


@dataclass
class _Since:
    """What one file's log changed after the base, per segment and coder.

    ``codes`` maps each category a logged change touched to whether the coder had it at the
    base; ``notes`` maps each note field touched (``memo``, ``flagged``) to its value then.
    Both are read from the first change that touched it.
    """

    codes: dict[_Key, dict[str, bool]] = field(default_factory=dict)
    notes: dict[_Key, dict[str, Any]] = field(default_factory=dict)

    def codes_at_base(self, key: _Key, now: frozenset[str]) -> frozenset[str]:
        touched = self.codes.get(key, {})
        return (now - touched.keys()) | {c for c, had in touched.items() if had}

    def note_at_base(self, key: _Key, now: _Note) -> _Note:
        touched = self.notes.get(key, {})
        return (touched.get("memo", now[0]), touched.get("flagged", now[1]))

    def touch_code(self, key: _Key, category: str, had: bool) -> None:
        self.codes.setdefault(key, {}).setdefault(category, had)

    def touch_note(self, key: _Key, **was: Any) -> None:
        touched = self.notes.setdefault(key, {})
        for name, value in was.items():
            touched.setdefault(name, value)


def _since(conn: sqlite3.Connection, base: int) -> _Since:
    """The changes ``conn``'s log holds after event ``base``.

    A change's state before is the ``before`` of a ``coding``, ``note`` or ``consensus``
    event; for an undo (redo) of an earlier change, that change's ``after`` (``before``); for
    a ``merge``, what it added, removed and overwrote.
    """
    since = _Since()
    rows = conn.execute(
        "SELECT id, actor, action, target, before, after, ref FROM events WHERE id > ? AND "
        f"action IN ({', '.join('?' * len(_LOGGED_ACTIONS))}) ORDER BY id",
        (base, *_LOGGED_ACTIONS),
    )
    for event_id, actor, *columns in rows.fetchall():
        payload = _payload((event_id, *columns))
        if isinstance(payload, ProjectMerged):
            _merged(since, payload)
        elif isinstance(payload, ConsensusSet):
            _consensus(since, payload)
        elif isinstance(payload, CodingChanged):
            key = (payload.segment_id, actor)
            if payload.category not in since.codes.get(key, {}):  # else known at the base
                since.touch_code(key, payload.category, payload.before is not None)
        elif isinstance(payload, NoteChanged):
            since.touch_note((payload.segment_id, actor), memo=payload.before.memo,
                             flagged=payload.before.flagged)
        elif isinstance(payload, DictionaryApplied):
            _autocoded(since, actor, payload, had=False)
        elif isinstance(payload, Restored):
            _restored(since, conn, payload, actor)
    return since


def _autocoded(since: _Since, actor: str, run: DictionaryApplied, *, had: bool) -> None:
    """Read the codings of a dictionary run (:mod:`qca.autocode`) into ``since``: absent
    before the run (``had`` False), present before its undo."""
    for segment, category in run.codings:
        since.touch_code((segment, actor), category, had)


def _consensus(since: _Since, change: ConsensusSet) -> None:
    """Read what a ``consensus`` event changed of the consensus coder's codes and reason."""
    key = (change.segment_id, CONSENSUS)
    old = set(change.before.codes) if change.before else set()
    for cat in old ^ set(change.after.codes):
        since.touch_code(key, cat, cat in old)
    reason = change.before.reason if change.before else ""
    if reason != change.after.reason:
        since.touch_note(key, memo=reason)


def _restored(since: _Since, conn: sqlite3.Connection, change: Restored, actor: str) -> None:
    """Read an undo or redo: the state before it is the other side of the change it reverses."""
    key = (change.segment_id, actor)
    if change.category is not None and change.category in since.codes.get(key, {}):
        return  # its state at the base is known
    row = conn.execute(
        "SELECT id, action, target, before, after, ref FROM events WHERE id = ?", (change.ref,)
    ).fetchone()
    reversed_ = _payload(row) if row is not None else None
    undoing = isinstance(change, Undone)
    if change.dictionary is not None:  # a dictionary run undone or redone
        if isinstance(reversed_, DictionaryApplied):
            _autocoded(since, actor, reversed_, had=undoing)
        return
    if change.category is not None and isinstance(reversed_, CodingChanged):
        was = reversed_.after if undoing else reversed_.before
        since.touch_code(key, change.category, was is not None)
    elif change.category is None and isinstance(reversed_, NoteChanged):
        note = reversed_.after if undoing else reversed_.before
        since.touch_note(key, memo=note.memo, flagged=note.flagged)
    else:  # a change all the same, its state at the base unknown
        (since.codes if change.category is not None else since.notes).setdefault(key, {})


def _merged(since: _Since, merged: ProjectMerged) -> None:
    """Read what a ``merge`` event removed, added and overwrote into ``since``."""
    for r in merged.removed:
        since.touch_code((r.segment, r.coder), r.category, True)
    for a in merged.added:
        since.touch_code((a.segment, a.coder), a.category, False)
    for n in merged.overwritten:
        since.touch_note((n.segment, n.coder), memo=n.note.memo, flagged=n.note.flagged)


def _decide(
    mine: Any, theirs: Any, empty: Any, here_then: Any, there_then: Any, *,
    logged_here: bool, prior: str | None, based: bool,
) -> str:
    """How one coder's codes (or note) on a segment merge: identical, take, keep or conflict.

    Args:
        mine: The state in this project.
        theirs: The state in the other file.
        empty: The state of a coder with nothing on the segment.
        here_then: The state at the base, as this project's log leads back to it.
        there_then: The state at the base, as the other file's log leads back to it.
        logged_here: Whether this project logged a change of it since the base.
        prior: ``"kept"`` or ``"conflict"`` if the merge that is the base left it so.
        based: Whether there is a base at all.
    """
    if mine == theirs:
        return "identical"
    if not based:  # no copy: compared alone
        return "take" if mine == empty else "conflict"
    if prior == "conflict":
        return "conflict"
    changed_there = theirs != there_then
    if prior == "kept" or here_then == there_then:
        if not changed_there:
            return "keep"
        return "conflict" if logged_here or prior == "kept" else "take"
    # the logs lead back to different states: a change without an event on one side
    return "take" if mine == empty and not logged_here and not changed_there else "conflict"


def _only_cleared(now: _Note, then: _Note) -> bool:
    """Whether going from ``then`` to ``now`` only cleared the memo, the flag or both."""
    return now != then and now[0] in ("", then[0]) and now[1] in (False, then[1])


def _first(items: list[str], n: int = 3) -> str:
    more = f" and {len(items) - n} more" if len(items) > n else ""
    return ", ".join(items[:n]) + more


@dataclass
class _Theirs:
    """What the other file holds, read in one snapshot, and its log since the base."""

    segments: dict[str, tuple[str, str | None, str]]  # id: (source, question, text)
    codings: list[Coding]
    notes: list[Note]
    base: _Base | None
    there: _Since  # its changes since the base
    copied: _Since  # its changes since the copy point
    last_event: int
    digest: str
    by_pair: dict[_Key, list[Coding]] = field(init=False)
    sets: dict[_Key, frozenset[str]] = field(init=False)
    note_rows: dict[_Key, Note] = field(init=False)

    def __post_init__(self) -> None:
        self.by_pair = {}
        for coding in self.codings:
            self.by_pair.setdefault((coding.segment_id, coding.coder), []).append(coding)
        self.sets = {key: frozenset(c.category for c in rows) for key, rows in self.by_pair.items()}
        self.note_rows = {(n.segment_id, n.coder): n for n in self.notes}

    @property
    def prior(self) -> _Prior:
        return self.base.prior if self.base else {}

    def codes(self, key: _Key) -> frozenset[str]:
        return self.sets.get(key, _NO_CODES)

    def note(self, key: _Key) -> _Note:
        row = self.note_rows.get(key)
        return (row.memo, row.flagged) if row else _NO_NOTE


def _read_theirs(project: Project, conn: sqlite3.Connection) -> _Theirs:
    conn.execute("BEGIN")  # one snapshot, also while the coder goes on working in it
    segments = {
        r[0]: (r[1], r[2], r[3])
        for r in conn.execute("SELECT id, source_id, question, text FROM segments")
    }
    codings = read_codings(conn)
    notes = read_notes(conn)
    base, fork, last_event, digest = _base(project.conn, conn)
    there = _since(conn, base.there) if base else _Since()  # no base: no log to read
    if base is None or base.there == fork:
        copied = there
    else:  # merged before: what it changed since the copy point is looked at again
        copied = _since(conn, fork) if fork else _Since()
    return _Theirs(segments, codings, notes, base, there, copied, last_event, digest)


def merge_project(
    project: Project, other: Path | str, *, actor: str = "lead", skip_conflicts: bool = False,
    dry_run: bool = False,
) -> MergeResult:
    """Merge the codings and notes of ``other`` into ``project`` three ways (see the module doc).

    Args:
        project: The project to merge into.
        other: A copy of the project a coder worked on (or a project built from the same files).
        actor: Who merges, for the ``merge`` event.
        skip_conflicts: With conflicts, write everything else and leave them as they are.
        dry_run: Only work out what would be merged.

    Returns:
        What was merged (or would be, or was not for conflicts) and the conflicts.

    Raises:
        ProjectError: ``other`` is missing, the project itself, or no qca project.
        CodingError: A segment is missing here or holds another source or text, or a category
            is not offered for the segment's question; nothing was written.
        CodebookError: A category is not in this project's codebook; nothing was written.
    """
    other_path = Path(other)
    conn = _open_other(other_path, project)
    try:
        try:
            theirs = _read_theirs(project, conn)
        except sqlite3.Error as exc:
            raise ProjectError(_("{other_path}: cannot read the project ({exc})")
                               .format(other_path=other_path, exc=exc)) from None
        # the reading, checks and writing here are one transaction: nobody codes in between
        with contextlib.nullcontext(project) if dry_run else project.transaction():
            return _merge(project, other_path, theirs, actor=actor, skip_conflicts=skip_conflicts,
                          dry_run=dry_run)
    finally:
        conn.close()




_Ours = dict[str, tuple[str, str | None, str]]  # segment id: (source, question, text)


@dataclass
class _Plan:
    """What a merge writes: codings to add and remove, notes to set, pairs it keeps."""

    additions: list[Coding] = field(default_factory=list)
    removals: list[tuple[str, str, str]] = field(default_factory=list)  # segment, category, coder
    notes: list[tuple[_Key, _Note, Note | None]] = field(default_factory=list)  # ours then, theirs
    kept: list[Pair] = field(default_factory=list)

    def coders(self) -> list[str]:
        return sorted({c.coder for c in self.additions} | {r[2] for r in self.removals}
                      | {key[1] for key, _, _ in self.notes})

    def is_empty(self) -> bool:
        return not self.additions and not self.removals and not self.notes


def _merge(
    project: Project, other_path: Path, data: _Theirs, *, actor: str, skip_conflicts: bool,
    dry_run: bool,
) -> MergeResult:
    """Check ``data`` against the project, plan the merge and write it (see the module doc)."""
    name = other_path.name
    ours: _Ours = {
        r[0]: (r[1], r[2], r[3])
        for r in project.conn.execute("SELECT id, source_id, question, text FROM segments")
    }
    _check_segments_present(project, name, data, ours)
    code_keys, note_keys = _pairs_to_compare(data, ours)
    _check_same_data(project, name, data, ours, code_keys | note_keys)
    _check_categories(project, name, data, ours)
    here = _since(project.conn, data.base.here) if data.base else _Since()
    result, plan = MergeResult(name), _Plan()
    _plan_codings(project, data, here, sorted(code_keys), result, plan)
    _plan_notes(project, data, here, sorted(note_keys), result, plan)
    result.codings_added = len(plan.additions)
    result.codings_removed = len(plan.removals)
    result.coders = plan.coders()
    if dry_run or (result.conflicts and not skip_conflicts):
        return result
    result.written = True
    if plan.is_empty() and data.last_event <= (data.base.there if data.base else 0):
        return result  # nothing to write, no event of the other file not taken in before
    _write(project, other_path, data, plan, result, actor=actor)
    return result


def _check_segments_present(project: Project, name: str, data: _Theirs, ours: _Ours) -> None:
    """Every segment the other file has codings or notes on must be in this project."""
    used = sorted({c.segment_id for c in data.codings} | {n.segment_id for n in data.notes})
    missing = [s for s in used if s not in ours]
    if missing:
        raise CodingError(
            _("{name}: {n} coded segments are not in {name2} "
              "({first}); import the same sources first; nothing was merged")
            .format(name=name, n=len(missing), name2=project.path.name, first=_first(missing))
        )


def _pairs_to_compare(data: _Theirs, ours: _Ours) -> tuple[set[_Key], set[_Key]]:
    """The (segment, coder) pairs whose codes and whose notes to merge.

    They are what the other file has, what its log changed since the base or the copy
    point, and what the base merge kept or left as conflicts; a segment one of the files
    lacks has nothing to remove.
    """
    def shared(segment: str) -> bool:
        return segment in ours and segment in data.segments

    code_keys, note_keys = set(data.by_pair), set(data.note_rows)
    for since in (data.there, data.copied):
        for key in since.codes:
            now_there = data.codes(key)
            if shared(key[0]) and now_there != since.codes_at_base(key, now_there):
                code_keys.add(key)
        for key in since.notes:
            if shared(key[0]) and data.note(key) != since.note_at_base(key, data.note(key)):
                note_keys.add(key)
    for kind, segment, coder in data.prior:
        if shared(segment):
            (code_keys if kind == PairKind.CODINGS else note_keys).add((segment, coder))
    return code_keys, note_keys


def _check_same_data(
    project: Project, name: str, data: _Theirs, ours: _Ours, keys: set[_Key]
) -> None:
    """The segments to merge must have the same source and text in both files."""
    checked = sorted({seg for seg, _ in keys})
    changed = [
        s for s in checked
        if s not in data.segments
        or (ours[s][0], ours[s][2]) != (data.segments[s][0], data.segments[s][2])
    ]
    if changed:
        raise CodingError(
            _("{name}: {n} segments have another source or text than in "
              "{name2} ({first}); the files hold different data; "
              "nothing was merged")
            .format(name=name, n=len(changed), name2=project.path.name, first=_first(changed))
        )


def _check_categories(project: Project, name: str, data: _Theirs, ours: _Ours) -> None:
    """Every category used must be known here and offered for its segment's question."""
    book = project.codebook()
    unknown = sorted({c.category for c in data.codings if book.get(c.category) is None})
    if unknown:
        raise CodebookError(
            _("{name}: categories {first} are not in the codebook of "
              "{name2}; add them to the codebook first; nothing was merged")
            .format(name=name, first=_first(unknown), name2=project.path.name)
        )
    offered: dict[str | None, set[str]] = {}
    for coding in data.codings:
        q = ours[coding.segment_id][1]
        if q not in offered:
            offered[q] = {c.key for c in book.codable_for_question(q)}
        if coding.category not in offered[q]:
            raise CodingError(
                _("{name}: category {category!r} on segment {segment_id!r} is not "
                  "offered for question {q!r} in {name2}; nothing was merged")
                .format(name=name, category=coding.category, segment_id=coding.segment_id, q=q, name2=project.path.name)
            )


def _plan_codings(
    project: Project, data: _Theirs, here: _Since, keys: list[_Key], result: MergeResult,
    plan: _Plan,
) -> None:
    """Decide each pair's code set: identical, take theirs, keep ours, or a conflict."""
    ours_sets: dict[_Key, set[str]] = {}
    for seg, coder, cat in project.conn.execute("SELECT segment_id, coder, category FROM codings"):
        ours_sets.setdefault((seg, coder), set()).add(cat)
    for key in keys:
        mine = frozenset(ours_sets.get(key, ()))
        theirs = data.codes(key)
        verdict = _decide(
            mine, theirs, _NO_CODES, here.codes_at_base(key, mine),
            data.there.codes_at_base(key, theirs), logged_here=key in here.codes,
            prior=data.prior.get((PairKind.CODINGS, *key)), based=data.base is not None,
        )
        if verdict == "identical":
            result.identical += 1
        elif verdict == "keep":
            result.unchanged_there += 1
            plan.kept.append(Pair(*key, PairKind.CODINGS))
        elif verdict == "take":
            plan.additions.extend(c for c in data.by_pair.get(key, []) if c.category not in mine)
            plan.removals.extend((key[0], cat, key[1]) for cat in sorted(mine - theirs))
        else:
            result.conflicts.append(Conflict(key[0], key[1], PairKind.CODINGS, mine, theirs))


def _plan_notes(
    project: Project, data: _Theirs, here: _Since, keys: list[_Key], result: MergeResult,
    plan: _Plan,
) -> None:
    """Decide each pair's memo and flag the same way as the code sets."""
    ours_notes = {
        (r[0], r[1]): (r[2], bool(r[3]))
        for r in project.conn.execute("SELECT segment_id, coder, memo, flagged FROM notes")
    }
    for key in keys:
        mine, theirs = ours_notes.get(key, _NO_NOTE), data.note(key)
        verdict = _decide(
            mine, theirs, _NO_NOTE, here.note_at_base(key, mine),
            data.there.note_at_base(key, theirs), logged_here=key in here.notes,
            prior=data.prior.get((PairKind.NOTE, *key)), based=data.base is not None,
        )
        if verdict == "identical":
            result.identical += 1
        elif verdict == "keep":
            result.unchanged_there += 1
            plan.kept.append(Pair(*key, PairKind.NOTE))
        elif verdict == "take":
            if mine == _NO_NOTE:
                result.notes_added += 1
            elif _only_cleared(theirs, mine):
                result.notes_cleared += 1
            else:
                result.notes_changed += 1
            plan.notes.append((key, mine, data.note_rows.get(key)))
        else:
            result.conflicts.append(Conflict(*key, PairKind.NOTE, mine, theirs))


def _write(
    project: Project, other_path: Path, data: _Theirs, plan: _Plan, result: MergeResult, *,
    actor: str,
) -> None:
    """Write the plan and log it as one ``merge`` event (inside the merge's transaction)."""
    removed = [
        RemovedCoding(seg, cat, coder, coding.state)
        for seg, cat, coder in plan.removals
        if (coding := project.coding(seg, cat, coder)) is not None
    ]
    overwritten = [OverwrittenNote(seg, coder, NoteState(*was))
                   for (seg, coder), was, _ in plan.notes]
    project.remove_codings(plan.removals)
    project.add_codings(plan.additions)
    for (seg, coder), _, note in plan.notes:
        if note is None:
            project.remove_note(seg, coder)
        else:
            project.put_note(note)
    project.add_coders(result.coders)
    project.log(actor, ProjectMerged(
        name=other_path.name,
        path=str(other_path),
        codings=result.codings_added,
        codings_removed=result.codings_removed,
        notes=result.notes_added,
        notes_cleared=result.notes_cleared,
        notes_changed=result.notes_changed,
        coders=result.coders,
        identical=result.identical,
        unchanged_there=result.unchanged_there,
        conflicts_skipped=[Pair(c.segment_id, c.coder, PairKind(c.kind))
                           for c in result.conflicts],
        added=[AddedCoding(c.segment_id, c.coder, c.category) for c in plan.additions],
        kept=plan.kept,
        other_log=OtherLog(data.last_event, data.digest),
        removed=removed,
        overwritten=overwritten,
    ))
