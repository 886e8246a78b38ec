"""One coder's coding session: which segments, in which order, where the coder is, how far.

A :class:`Session` loads the ordered segment ids of its filter once (one query), keeps the
coder's coded and flagged segments as in-memory sets and updates them after every change,
and fetches one segment's text only when it is shown. That keeps every keypress on the
coding screen independent of the project's size.

Coding is blind: a session reads and writes only its own coder's codings, memos and flags.
Every change goes through :mod:`qca.coding`, which commits it in its own transaction and
logs it, so undo and redo work across restarts and a killed process loses nothing.

The coder's resume point is stored with every change; moving alone does not store it
(each write waits for the disk), so the caller decides when: :attr:`Session.position_saved`
says whether it is due, and :meth:`Session.remember_position` writes it. The coding screen
writes it once the coder has stayed on a segment for a moment, and on quit.

No ``textual`` here; the coding screen (``qca.tui``) is a thin view over this module.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any

from qca import coding
from qca.codebook import Category
from qca.errors import CodingError, InputError, ProjectError
from qca.events import Origin
from qca.i18n import N_, _
from qca.store import Project, Segment, Source, segment_from_row

__all__ = [
    "STATUSES",
    "STATUS_LABELS",
    "SessionProgress",
    "SegmentFilter",
    "SegmentView",
    "Session",
    "parse_where",
]

STATUSES = ("all", "uncoded", "coded", "flagged", "proposed")
"""Status filters: every segment, those this coder has not coded / has coded / flagged, and
those with proposals of a dictionary (``qca autocode``) still to confirm or reject."""
_PROPOSED_ORIGIN = "dictionary"

STATUS_LABELS = {"all": N_("all"), "uncoded": N_("uncoded"), "coded": N_("coded"),
                 "flagged": N_("flagged"), "proposed": N_("proposed")}
"""What the screen calls each status (msgids; the values above stay English)."""


def parse_where(items: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """Turn ``VAR=VALUE`` strings into pairs; raise :class:`InputError` on a malformed one."""
    pairs: list[tuple[str, str]] = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(_("filter {item!r} is not VAR=VALUE; write e.g. amt=Ordnungsamt")
                             .format(item=item))
        pairs.append((name.strip(), value.strip()))
    return tuple(pairs)


@dataclass(frozen=True)
class SegmentFilter:
    """Which segments a session shows.

    ``question`` and ``where`` (source variables) select the segments; ``status`` then keeps
    those that this coder has not coded, has coded, or flagged *when the filter is applied*,
    so a segment does not vanish from under the coder the moment it is coded.
    Non-substantive segments ("k.A.") stay in the list but count as neither coded nor
    uncoded unless ``include_nonsubstantive`` is set.
    """

    question: str | None = None
    where: tuple[tuple[str, str], ...] = ()
    status: str = "all"
    include_nonsubstantive: bool = False

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise InputError(_("status {status!r} is not one of {items}")
                             .format(status=self.status, items=', '.join(STATUSES)))

    def describe(self) -> str:
        parts = [self.question or _("all questions")]
        parts += [f"{k}={v}" for k, v in self.where]
        if self.status != "all":
            parts.append(_(STATUS_LABELS[self.status]))
        if self.include_nonsubstantive:
            parts.append(_("incl. k.A."))
        return ", ".join(parts)


@dataclass(frozen=True)
class SegmentView:
    """What the screen shows of one segment, for this coder only."""

    segment: Segment
    source: Source
    categories: frozenset[str]
    memo: str
    flagged: bool
    index: int
    count: int


@dataclass(frozen=True)
class SessionProgress:
    """How far this coder has come within the session's filter."""

    coded: int
    total: int
    flagged: int
    non_substantive: int
    segments: int

    @property
    def remaining(self) -> int:
        return self.total - self.coded


def _read_error(project: Project, exc: sqlite3.Error) -> ProjectError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return ProjectError(
            _("{project}: the project is busy (another process is writing); try again")
            .format(project=project.path.name)
        )
    return ProjectError(_("{project}: cannot read the project ({text})")
                        .format(project=project.path.name, text=text))


class Session:
    """A coder working through the segments of a filter.

    Args:
        project: The open project; the session uses it from one thread only.
        coder: The coder's name (checked with :func:`qca.coding.validate_coder`).
        segment_filter: Which segments to show; resumes at the coder's last segment.
    """

    def __init__(
        self, project: Project, coder: str, segment_filter: SegmentFilter | None = None
    ) -> None:
        self.project = project
        self.coder = coding.validate_coder(coder)
        self.filter = segment_filter or SegmentFilter()
        self.ids: list[str] = []
        self.position = 0
        self._index: dict[str, int] = {}
        self._non_substantive: set[str] = set()
        self._coded: set[str] = set()
        self._flagged: set[str] = set()
        self._proposed: set[str] = set()
        self._coded_in_list = 0
        self._flagged_in_list = 0
        self._saved: str | None = None  # the resume point the project holds, as last known
        self._load_coder_state()
        self.apply_filter(self.filter, resume=True)

    # --- loading ---------------------------------------------------------------------------

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        try:
            return self.project.conn.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as exc:
            raise _read_error(self.project, exc) from None

    def _load_coder_state(self) -> None:
        self._coded = {
            r[0] for r in self._query(
                "SELECT DISTINCT segment_id FROM codings WHERE coder = ?", [self.coder])
        }
        self._flagged = {
            r[0] for r in self._query(
                "SELECT segment_id FROM notes WHERE coder = ? AND flagged = 1", [self.coder])
        }
        self._proposed = {
            r[0] for r in self._query(
                "SELECT DISTINCT segment_id FROM codings WHERE coder = ? AND origin = ?",
                [self.coder, _PROPOSED_ORIGIN])
        }

    def _select(self, segment_filter: SegmentFilter) -> list[tuple[str, int]]:
        sql = "SELECT s.id, s.substantive FROM segments s"
        params: list[Any] = []
        clauses: list[str] = []
        if segment_filter.where:
            sql += " JOIN sources src ON src.id = s.source_id"
            for name, value in segment_filter.where:
                clauses.append("CAST(json_extract(src.variables, ?) AS TEXT) = ?")
                params += ['$."' + name.replace('"', '\\"') + '"', value]
        if segment_filter.question is not None:
            clauses.append("s.question = ?")
            params.append(segment_filter.question)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        return self._query(sql + " ORDER BY s.seq", params)  # type: ignore[return-value]

    def apply_filter(self, segment_filter: SegmentFilter, *, resume: bool = False) -> None:
        """Load the segment list of ``segment_filter``.

        The session stays on the current segment if it is still listed; with ``resume`` it
        goes to the coder's last segment; otherwise to the first uncoded one.
        """
        rows = self._select(segment_filter)
        keep = segment_filter.include_nonsubstantive
        if segment_filter.status != "all":
            wanted = segment_filter.status
            rows = [
                (sid, sub) for sid, sub in rows
                if (wanted == "flagged" and sid in self._flagged)
                or (wanted == "coded" and sid in self._coded)
                or (wanted == "proposed" and sid in self._proposed)
                or (wanted == "uncoded" and sid not in self._coded and (sub or keep))
            ]
        previous = self.current_id
        self.filter = segment_filter
        # Built with C-level calls: a million segments load in well under a second.
        self.ids = list(map(itemgetter(0), rows))
        self._index = dict(zip(self.ids, range(len(self.ids))))
        self._non_substantive = {sid for sid, sub in rows if not sub}
        self._recount()
        target: str | None = previous
        if resume:
            row = self._query("SELECT last_segment FROM coders WHERE name = ?", [self.coder])
            target = row[0][0] if row else None
            self._saved = target
        if target in self._index:
            self.position = self._index[target]  # type: ignore[index]
        else:
            self.position = 0
            if self.ids and not self._counts(self.ids[0]):
                self.next_uncoded()

    def _counts(self, segment_id: str) -> bool:
        """Whether a segment is one that still needs coding (substantive or included)."""
        return (
            segment_id not in self._coded
            and (self.filter.include_nonsubstantive or segment_id not in self._non_substantive)
        )

    def _recount(self) -> None:
        listed = self._index.keys()
        coded = self._coded & listed
        if not self.filter.include_nonsubstantive:
            coded -= self._non_substantive
        self._coded_in_list = len(coded)
        self._flagged_in_list = len(self._flagged & listed)

    # --- where the coder is ----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def current_id(self) -> str | None:
        return self.ids[self.position] if self.ids else None

    def go(self, index: int) -> bool:
        """Move to list position ``index`` (clamped); True if the position changed."""
        if not self.ids:
            return False
        index = max(0, min(index, len(self.ids) - 1))
        moved = index != self.position
        self.position = index
        return moved

    def next(self) -> bool:
        return self.go(self.position + 1)

    def previous(self) -> bool:
        return self.go(self.position - 1)

    def next_uncoded(self) -> bool:
        """Move to the next segment this coder has not coded (wrapping); False if none is left."""
        n = len(self.ids)
        for step in range(1, n + 1):
            i = (self.position + step) % n
            if self._counts(self.ids[i]):
                self.position = i
                return True
        return False

    def jump(self, ref: str) -> None:
        """Go to a segment by id, by id prefix (``K0012``) or by list number (``120``).

        Raises :class:`CodingError` when no listed segment matches.
        """
        ref = ref.strip()
        if not ref:
            raise CodingError(_("type a segment id or a number"))
        if ref in self._index:
            self.position = self._index[ref]
            return
        if ref.isdigit() and 1 <= int(ref) <= len(self.ids):
            self.position = int(ref) - 1
            return
        for i, sid in enumerate(self.ids):
            if sid.startswith(ref):
                self.position = i
                return
        exists = self._query("SELECT 1 FROM segments WHERE id = ?", [ref])
        if exists:
            raise CodingError(_("segment {ref!r} is not in the current filter; widen it with W")
                              .format(ref=ref))
        raise CodingError(_("no segment {ref!r}; ids look like {example}")
                          .format(ref=ref, example=self.current_id or "S1#frage"))

    def hidden_by_filter(self, ref: str) -> str | None:
        """The segment ``ref`` names (an id or id prefix) when the current filter hides it.

        None when ``ref`` is listed, names no segment at all, or is a list number.
        """
        ref = ref.strip()
        if not ref or ref.isdigit() or ref in self._index:
            return None
        if any(sid.startswith(ref) for sid in self.ids):
            return None
        rows = self._query(
            "SELECT id FROM segments WHERE substr(id, 1, ?) = ? ORDER BY id = ? DESC, seq "
            "LIMIT 1", [len(ref), ref, ref])
        return rows[0][0] if rows else None

    @property
    def position_saved(self) -> bool:
        """Whether the project holds the current segment as this coder's resume point.

        True after a change on the current segment or :meth:`remember_position`; False once
        the coder moved elsewhere. It does not see another process of the same coder.
        """
        return self.current_id is None or self.current_id == self._saved

    def remember_position(self, *, wait: bool = True) -> None:
        """Store the current segment as this coder's resume point (one small write).

        Args:
            wait: False to raise :class:`ProjectError` at once instead of waiting while
                another process writes (see :func:`qca.coding.touch_position`).
        """
        sid = self.current_id
        if sid is not None:
            coding.touch_position(self.project, self.coder, sid, wait=wait)
            self._saved = sid

    # --- reading one segment ---------------------------------------------------------------

    def view(self) -> SegmentView | None:
        """The current segment with this coder's codings, memo and flag; None if none listed."""
        sid = self.current_id
        if sid is None:
            return None
        rows = self._query(
            "SELECT s.id, s.seq, s.source_id, s.question, s.position, s.heading, s.text, "
            "s.substantive, src.kind, src.name, src.variables "
            "FROM segments s JOIN sources src ON src.id = s.source_id WHERE s.id = ?", [sid])
        if not rows:  # deleted by another process since the list was loaded
            raise ProjectError(_("segment {segment!r} is no longer in the project; reopen it")
                               .format(segment=sid))
        r = rows[0]
        segment = segment_from_row(dict(zip(
            ("id", "seq", "source_id", "question", "position", "heading", "text",
             "substantive"), r[:8])))
        source = Source(id=r[2], kind=r[8], name=r[9], variables=json.loads(r[10] or "{}"))
        cats = frozenset(c for (c,) in self._query(
            "SELECT category FROM codings WHERE coder = ? AND segment_id = ?", [self.coder, sid]))
        note = self._query(
            "SELECT memo, flagged FROM notes WHERE coder = ? AND segment_id = ?", [self.coder, sid])
        memo, flagged = (note[0][0], bool(note[0][1])) if note else ("", False)
        return SegmentView(segment, source, cats, memo, flagged, self.position, len(self.ids))

    def neighbours(self, segment: Segment, n: int = 1) -> tuple[list[Segment], list[Segment]]:
        """Up to ``n`` segments before and after ``segment`` in its source.

        For a protocol these are the neighbouring passages; for a survey row, the same
        respondent's other answers.
        """
        cols = "id, seq, source_id, question, position, heading, text, substantive"
        names = cols.split(", ")
        key = [segment.source_id, segment.position, segment.position, segment.seq, n]
        before = self._query(
            f"SELECT {cols} FROM segments WHERE source_id = ? AND (position < ? OR "
            "(position = ? AND seq < ?)) ORDER BY position DESC, seq DESC LIMIT ?", key)
        after = self._query(
            f"SELECT {cols} FROM segments WHERE source_id = ? AND (position > ? OR "
            "(position = ? AND seq > ?)) ORDER BY position, seq LIMIT ?", key)

        def to_segment(row: tuple) -> Segment:
            return segment_from_row(dict(zip(names, row)))

        return [to_segment(r) for r in reversed(before)], [to_segment(r) for r in after]

    def categories(self, question: str | None) -> list[Category]:
        """The categories offered for ``question``, groups included, in codebook order."""
        return self.project.codebook().for_question(question)

    def is_coded(self, segment_id: str) -> bool:
        return segment_id in self._coded

    def is_flagged(self, segment_id: str) -> bool:
        return segment_id in self._flagged

    def is_substantive(self, segment_id: str) -> bool:
        return segment_id not in self._non_substantive

    def progress(self) -> SessionProgress:
        non_sub = len(self._non_substantive)
        total = len(self.ids) if self.filter.include_nonsubstantive else len(self.ids) - non_sub
        return SessionProgress(self._coded_in_list, total, self._flagged_in_list, non_sub, len(self.ids))

    # --- changing (each call commits before it returns) ----------------------------------

    def toggle(self, category: str) -> coding.Change:
        """Assign or remove ``category`` on the current segment for this coder."""
        sid = self._require_current()
        change = coding.toggle_coding(self.project, sid, category, self.coder)
        self._refresh(sid)
        self._saved = sid
        return change

    def assign(self, category: str, origin: str = Origin.MANUAL) -> coding.Change | None:
        """Assign ``category`` on the current segment (e.g. an accepted suggestion)."""
        sid = self._require_current()
        change = coding.set_coding(self.project, sid, category, self.coder, True, origin=origin)
        self._refresh(sid)
        if change is not None:
            self._saved = sid
        return change

    def set_memo(self, memo: str) -> coding.Change | None:
        sid = self._require_current()
        change = coding.set_memo(self.project, sid, self.coder, memo)
        if change is not None:
            self._saved = sid
        return change

    def toggle_flag(self) -> coding.Change | None:
        sid = self._require_current()
        change = coding.set_flag(self.project, sid, self.coder, sid not in self._flagged)
        self._refresh(sid)
        if change is not None:
            self._saved = sid
        return change

    def undo(self) -> coding.Change | None:
        """Undo this coder's latest change and go to its segment if it is listed."""
        return self._after(coding.undo(self.project, self.coder))

    def redo(self) -> coding.Change | None:
        return self._after(coding.redo(self.project, self.coder))

    def _after(self, change: coding.Change | None) -> coding.Change | None:
        if change is not None and not change.segment_id:  # a whole dictionary run
            self._load_coder_state()
            self._recount()
            return change
        if change is not None:
            self._refresh(change.segment_id)
            self._saved = change.segment_id
            if change.segment_id in self._index:
                self.position = self._index[change.segment_id]
        return change

    def _require_current(self) -> str:
        if self.current_id is None:
            raise CodingError(_("no segment is shown; change the filter with W"))
        return self.current_id

    def _refresh(self, segment_id: str) -> None:
        """Re-read one segment's coded / flagged state after a change and fix the counts."""
        coded = bool(self._query(
            "SELECT 1 FROM codings WHERE coder = ? AND segment_id = ? LIMIT 1",
            [self.coder, segment_id]))
        flagged = bool(self._query(
            "SELECT 1 FROM notes WHERE coder = ? AND segment_id = ? AND flagged = 1",
            [self.coder, segment_id]))
        listed = segment_id in self._index
        counted = listed and (
            self.filter.include_nonsubstantive or segment_id not in self._non_substantive)
        if coded != (segment_id in self._coded):
            (self._coded.add if coded else self._coded.discard)(segment_id)
            if counted:
                self._coded_in_list += 1 if coded else -1
        if flagged != (segment_id in self._flagged):
            (self._flagged.add if flagged else self._flagged.discard)(segment_id)
            if listed:
                self._flagged_in_list += 1 if flagged else -1

    # --- reviewing dictionary proposals (qca autocode) --------------------------------------

    def proposals(self, segment_id: str | None = None) -> list[str]:
        """The categories a dictionary proposed on a segment (default: the current one) that
        this coder has not confirmed or rejected yet, in codebook order."""
        sid = segment_id or self.current_id
        if sid is None:
            return []
        keys = {c for (c,) in self._query(
            "SELECT category FROM codings WHERE coder = ? AND segment_id = ? AND origin = ?",
            [self.coder, sid, _PROPOSED_ORIGIN])}
        return [k for k in self.project.codebook().keys() if k in keys]

    def confirm_proposals(self) -> list[coding.Change]:
        """Make every proposal on the current segment this coder's own coding."""
        sid = self._require_current()
        changes = [c for key in self.proposals(sid)
                   if (c := coding.confirm_coding(self.project, sid, key, self.coder))]
        self._after_review(sid)
        return changes

    def reject_proposals(self) -> list[coding.Change]:
        """Remove every proposal on the current segment."""
        sid = self._require_current()
        changes = [c for key in self.proposals(sid)
                   if (c := coding.set_coding(self.project, sid, key, self.coder, False))]
        self._after_review(sid)
        return changes

    def _after_review(self, segment_id: str) -> None:
        if not self.proposals(segment_id):
            self._proposed.discard(segment_id)
        self._refresh(segment_id)
        self._saved = segment_id

    def with_filter(self, **changes: Any) -> SegmentFilter:
        """A copy of the current filter with some fields changed."""
        return replace(self.filter, **changes)
