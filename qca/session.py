"""One coder's coding session: which segments, in which order, where the coder is, how far.

A :class:`Session` never holds its whole list. It reads the list from the project a page
at a time (ids, order and the k.A. mark, from the covering index of migration 0006; a
segment's text only when it is shown), counts the progress with SQL aggregates once when a
filter is applied and then keeps the counts up to date after every change, and answers what
needs the whole list ("next uncoded", a jump by id, prefix or number) with indexed queries.
A million segments therefore start as fast as a thousand, and every keypress stays
independent of the project's size.

Coding is blind: a session reads and writes only its own coder's codings, memos and flags.
Every change goes through :mod:`qca.coding`, which commits it in its own transaction and
logs it, so undo and redo work across restarts and a killed process loses nothing.

A status filter (uncoded, coded, flagged, proposed) is a snapshot taken when it is applied:
the session remembers the segments its own changes moved in or out of the status since then
(a small set), so a segment does not vanish from under the coder the moment it is coded.
Changes by another process of the same coder are seen when a page is read, not before.

The coder's resume point is stored with every change; moving alone does not store it
(each write waits for the disk), so the caller decides when: :attr:`Session.position_saved`
says whether it is due, and :meth:`Session.remember_position` writes it. The coding screen
writes it once the coder has stayed on a segment for a moment, and on quit.

No ``textual`` here; the coding screen (``qca.tui``) is a thin view over this module.
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar, TypeVar, overload

from qca import coding
from qca.codebook import Category
from qca.errors import CodingError, InputError, ProjectError
from qca.events import Origin
from qca.i18n import N_, _
from qca.store import Project, Segment, Source, segment_from_row

__all__ = [
    "STATUSES",
    "STATUS_LABELS",
    "ProgressCount",
    "ProgressCounter",
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
_T = TypeVar("_T")

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


_Row = tuple[str, int, int]
"""One listed segment as the session pages it: id, seq (its place in the list) and whether
it is substantive."""

_PAGE = 200
"""Rows read per page: a screenful of moves forward or back without a query."""

_CODED = "EXISTS (SELECT 1 FROM codings c WHERE c.coder = ? AND c.segment_id = s.id)"
_FLAGGED = ("EXISTS (SELECT 1 FROM notes n WHERE n.coder = ? AND n.segment_id = s.id "
            "AND n.flagged = 1)")
_PROPOSED = ("EXISTS (SELECT 1 FROM codings c WHERE c.coder = ? AND c.segment_id = s.id "
             "AND c.origin = ?)")
_IN_JSON = "s.id IN (SELECT value FROM json_each(?))"


@dataclass
class _Counts:
    """The progress counts of a session's list, kept up to date after each change."""

    non_substantive: int
    coded: int  # listed, coded by this coder, and counting (substantive or included)
    flagged: int


@dataclass(frozen=True)
class ProgressCount:
    """A session's progress as counted in another thread (see
    :meth:`Session.progress_counter`), for :meth:`Session.adopt_progress`."""

    generation: int
    last_event: int  # the newest event the count saw: later changes are not in it
    counts: _Counts


_Plan = tuple[list[tuple[str, list[Any]]], Callable[[list[tuple]], _Counts]]
"""Aggregate queries (each one row) and how their rows make the counts."""


class ProgressCounter:
    """Counts a session's progress when called, in any thread, on a connection of its own
    (see :meth:`Session.progress_counter`); :meth:`cancel` stops it from another thread.

    Calling it raises :class:`ProjectError` when the project cannot be read or the count
    was cancelled.
    """

    def __init__(self, path: Path, generation: int, queries: list[tuple[str, list[Any]]],
                 combine: Callable[[list[tuple]], _Counts]) -> None:
        self.generation = generation
        """Which list (and state of its counts) this counts: see :meth:`Session.counts_for`."""
        self._path = path
        self._queries, self._combine = queries, combine
        self._conn: sqlite3.Connection | None = None
        self._cancelled = False

    def __call__(self) -> ProgressCount:
        with Project.open(self._path) as other, other.reading():
            self._conn = other.conn
            try:
                if self._cancelled:
                    raise sqlite3.OperationalError("interrupted")
                last = other.conn.execute("SELECT COALESCE(MAX(id), 0) FROM events")
                last_event = int(last.fetchone()[0])
                rows = [other.conn.execute(sql, params).fetchone()
                        for sql, params in self._queries]
            except sqlite3.Error as exc:
                raise _read_error(other, exc) from None
            finally:
                self._conn = None
        return ProgressCount(self.generation, last_event, self._combine(rows))

    def cancel(self) -> None:
        """Stop a count under way (its call then raises); safe from any thread."""
        self._cancelled = True
        conn = self._conn
        if conn is not None:
            conn.interrupt()


@dataclass(frozen=True)
class _State:
    """This coder's state of one segment, as far as lists and counts care."""

    substantive: bool
    coded: bool
    flagged: bool
    proposed: bool


def _event_id(result: object) -> int:
    """The newest event of a change's result (a Change, a list of them, or None)."""
    changes = result if isinstance(result, list) else [result]
    return max((c.event_id for c in changes if isinstance(c, coding.Change)), default=0)


class _ListedIds(Sequence[str]):
    """The ids of a session's list, read from the project when asked (a page at a time)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def __len__(self) -> int:
        return len(self._session)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        n = len(self)
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(n))]
        if index < 0:
            index += n
        row = self._session._row_at(index) if 0 <= index < n else None
        if row is None:
            raise IndexError(index)
        return row[0]

    def __iter__(self) -> Iterator[str]:
        after = None
        while True:
            rows = self._session._page_after(after)
            if not rows:
                return
            yield from (r[0] for r in rows)
            after = rows[-1][1]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"<{len(self)} listed segment ids>"


class Session:
    """A coder working through the segments of a filter.

    A list of at least :attr:`COUNT_LATER` segments does not count its progress when the
    filter is applied: :meth:`progress` counts on first use, or a caller counts in another
    thread (:meth:`progress_counter`, :meth:`adopt_progress`) so that the first segment
    shows at once; until then :meth:`progress_if_known` is None.

    Args:
        project: The open project; the session uses it from one thread only.
        coder: The coder's name (checked with :func:`qca.coding.validate_coder`).
        segment_filter: Which segments to show; resumes at the coder's last segment.
    """

    COUNT_LATER: ClassVar[int] = 50_000
    """Lists this long count their progress only when asked (see the class doc)."""

    def __init__(
        self, project: Project, coder: str, segment_filter: SegmentFilter | None = None
    ) -> None:
        self.project = project
        self.coder = coding.validate_coder(coder)
        self.filter = segment_filter or SegmentFilter()
        self.rows_read = 0
        """How many list rows the session has read from the project (a page at a time)."""
        self._position = 0
        self._current: _Row | None = None
        self._page: list[_Row] = []  # the rows at list positions _page_start, ...
        self._page_start = 0
        self._length = 0
        self._counts: _Counts | None = None  # None: not counted yet
        self._generation = 0  # a new list, or counts to be made afresh
        self._pending: list[tuple[int, int, int]] = []  # while not counted: event, deltas
        self._flipped: set[str] = set()  # moved in or out of the status since it was applied
        self._saved: str | None = None  # the resume point the project holds, as last known
        self.apply_filter(self.filter, resume=True)

    # --- reading the list ------------------------------------------------------------------

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        try:
            return self.project.conn.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as exc:
            raise _read_error(self.project, exc) from None

    def _status_clause(self) -> tuple[str, list[Any]]:
        """The status filter as SQL on ``s``, for this coder's state now."""
        status = self.filter.status
        if status == "coded":
            return _CODED, [self.coder]
        if status == "flagged":
            return _FLAGGED, [self.coder]
        if status == "proposed":
            return _PROPOSED, [self.coder, _PROPOSED_ORIGIN]
        if self.filter.include_nonsubstantive:
            return f"NOT {_CODED}", [self.coder]
        return f"s.substantive <> 0 AND NOT {_CODED}", [self.coder]

    def _from(self, extra: Iterable[str] = (), extra_params: Iterable[Any] = ()
              ) -> tuple[str, list[Any]]:
        """``FROM ... WHERE ...`` of the listed segments (as ``s``), narrowed by ``extra``."""
        sql = " FROM segments s"
        params: list[Any] = []
        clauses: list[str] = []
        if self.filter.where:
            sql += " JOIN sources src ON src.id = s.source_id"
            for name, value in self.filter.where:
                clauses.append("CAST(json_extract(src.variables, ?) AS TEXT) = ?")
                params += ['$."' + name.replace('"', '\\"') + '"', value]
        if self.filter.question is not None:
            clauses.append("s.question = ?")
            params.append(self.filter.question)
        if self.filter.status != "all":
            clause, status_params = self._status_clause()
            if self._flipped:  # the snapshot: these segments' status changed since
                clause = f"(({clause}) <> ({_IN_JSON}))"
                status_params = [*status_params, json.dumps(sorted(self._flipped))]
            clauses.append(clause)
            params += status_params
        clauses += extra
        params += extra_params
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        return sql, params

    def _rows(self, extra: Iterable[str] = (), extra_params: Iterable[Any] = (), *,
              descending: bool = False, limit: int = _PAGE, offset: int = 0) -> list[_Row]:
        sql, params = self._from(extra, extra_params)
        order = "s.seq DESC" if descending else "s.seq"
        rows: list[_Row] = self._query(  # type: ignore[assignment]
            f"SELECT s.id, s.seq, s.substantive{sql} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset])
        self.rows_read += len(rows)
        return rows

    def _count(self, extra: Iterable[str] = (), extra_params: Iterable[Any] = ()) -> int:
        sql, params = self._from(extra, extra_params)
        return int(self._query(f"SELECT COUNT(*){sql}", params)[0][0])

    def _page_after(self, seq: int | None) -> list[_Row]:
        return self._rows(["s.seq > ?"], [seq]) if seq is not None else self._rows()

    def _row_at(self, index: int) -> _Row | None:
        """The listed row at ``index``, from the page held or a page read around it."""
        page, start = self._page, self._page_start
        if start <= index < start + len(page):
            return page[index - start]
        if page and index == start + len(page):  # the next page: by seq, no OFFSET
            rows, first = self._page_after(page[-1][1]), index
        elif page and index == start - 1:
            rows = self._rows(["s.seq < ?"], [page[0][1]], descending=True)[::-1]
            first = index - len(rows) + 1
        else:
            first = max(0, index - _PAGE // 2)
            rows = self._rows(offset=first)
        if not rows or not first <= index < first + len(rows):
            return None
        self._page, self._page_start = rows, first
        return rows[index - first]

    def _listed(self, segment_id: str | None) -> _Row | None:
        """The row of ``segment_id`` if the list holds it."""
        if segment_id is None:
            return None
        rows = self._rows(["s.id = ?"], [segment_id], limit=1)
        return rows[0] if rows else None

    def _index_of(self, row: _Row) -> int:
        """The list position of a listed row (the page held, the next one, or a count)."""
        seqs = [r[1] for r in self._page]
        i = bisect_left(seqs, row[1])
        if i < len(seqs) and seqs[i] == row[1]:
            return self._page_start + i
        if seqs and row[1] > seqs[-1]:
            following = self._page_after(seqs[-1])
            later = [r[1] for r in following]
            j = bisect_left(later, row[1])
            if j < len(later) and later[j] == row[1]:
                self._page, self._page_start = following, self._page_start + len(seqs)
                return self._page_start + j
        index = self._count(["s.seq < ?"], [row[1]])
        self._page, self._page_start = self._rows(["s.seq >= ?"], [row[1]]), index
        return index

    def _move_to(self, row: _Row) -> None:
        self._position = self._index_of(row)
        self._current = row

    # --- this coder's state and the counts -------------------------------------------------

    def _state(self, segment_id: str) -> _State | None:
        rows = self._query(
            f"SELECT s.substantive, {_CODED}, {_FLAGGED}, {_PROPOSED} FROM segments s "
            "WHERE s.id = ?",
            [self.coder, self.coder, self.coder, _PROPOSED_ORIGIN, segment_id])
        if not rows:
            return None
        return _State(*(bool(v) for v in rows[0]))

    def _wanted(self, state: _State) -> bool:
        """Whether a segment in ``state`` has the filter's status (ignoring the snapshot)."""
        status = self.filter.status
        if status == "coded":
            return state.coded
        if status == "flagged":
            return state.flagged
        if status == "proposed":
            return state.proposed
        if status == "uncoded":
            return not state.coded and (state.substantive or self.filter.include_nonsubstantive)
        return True

    def _needs_coding(self, row: _Row) -> bool:
        """Whether a listed segment still needs coding (uncoded, and substantive or included)."""
        if not (row[2] or self.filter.include_nonsubstantive):
            return False
        return not self._query(
            "SELECT 1 FROM codings WHERE coder = ? AND segment_id = ? LIMIT 1",
            [self.coder, row[0]])

    def _progress_plan(self) -> _Plan:
        """The aggregate queries of the list's counts (no rows read)."""
        flt = self.filter
        keep = flt.include_nonsubstantive
        if flt.status != "all" or flt.where:
            sql, params = self._from()
            query = (f"SELECT TOTAL(s.substantive = 0), TOTAL((s.substantive <> 0 OR ?) AND "
                     f"{_CODED}), TOTAL({_FLAGGED}){sql}")
            return ([(query, [int(keep), self.coder, self.coder, *params])],
                    lambda rows: _Counts(*(int(v) for v in rows[0])))
        # All segments, or one question's: cheaper queries over the indexes.
        if flt.question is None:  # every coded segment is listed (codings reference segments)
            queries = [
                ("SELECT COUNT(*) FROM segments s WHERE s.substantive = 0", []),
                ("SELECT COUNT(DISTINCT segment_id) FROM codings WHERE coder = ?", [self.coder]),
                (f"SELECT COUNT(*) FROM segments s WHERE s.substantive = 0 AND {_CODED}",
                 [self.coder]),
                ("SELECT COUNT(*) FROM notes WHERE coder = ? AND flagged = 1", [self.coder]),
            ]
            return queries, lambda r: _Counts(
                r[0][0], r[1][0] - (0 if keep else r[2][0]), r[3][0])
        sub_sql = "" if keep else " AND s.substantive <> 0"
        q = flt.question
        queries = [
            ("SELECT COUNT(*) FROM segments s WHERE s.substantive = 0 AND s.question = ?", [q]),
            (f"SELECT COUNT(*) FROM segments s WHERE s.question = ?{sub_sql} AND {_CODED}",
             [q, self.coder]),
            (f"SELECT COUNT(*) FROM segments s WHERE s.question = ? AND {_FLAGGED}",
             [q, self.coder]),
        ]
        return queries, lambda r: _Counts(r[0][0], r[1][0], r[2][0])

    def _count_progress(self) -> _Counts:
        queries, combine = self._progress_plan()
        return combine([self._query(sql, params)[0] for sql, params in queries])

    def _recount(self) -> None:
        """Count afresh: now for a short list, later (see the class doc) for a long one."""
        self._generation += 1
        self._pending = []
        self._counts = self._count_progress() if self._length < self.COUNT_LATER else None

    def apply_filter(self, segment_filter: SegmentFilter, *, resume: bool = False) -> None:
        """Show the segment list of ``segment_filter``.

        The session stays on the current segment if it is still listed; with ``resume`` it
        goes to the coder's last segment; otherwise to the first uncoded one.
        """
        previous = self.current_id
        self.filter = segment_filter
        self._flipped = set()
        self._page, self._page_start = [], 0
        self._length = self._count()
        self._recount()
        target: str | None = previous
        if resume:
            row = self._query("SELECT last_segment FROM coders WHERE name = ?", [self.coder])
            target = row[0][0] if row else None
            self._saved = target
        listed = self._listed(target)
        if listed is not None:
            self._move_to(listed)
            return
        self._position = 0
        self._current = self._row_at(0)
        if self._current is not None and not self._needs_coding(self._current):
            self.next_uncoded()

    # --- where the coder is ----------------------------------------------------------------

    def __len__(self) -> int:
        return self._length

    @property
    def ids(self) -> Sequence[str]:
        """The listed segment ids in list order, read from the project as they are used."""
        return _ListedIds(self)

    @property
    def position(self) -> int:
        """The current segment's place in the list (0 for the first)."""
        return self._position

    @property
    def current_id(self) -> str | None:
        return self._current[0] if self._current is not None else None

    @property
    def current_order(self) -> int | None:
        """The current segment's sort key in the list (see :meth:`list_order`)."""
        return self._current[1] if self._current is not None else None

    def list_order(self, segment_ids: Iterable[str]) -> dict[str, int]:
        """A sort key in list order for each of ``segment_ids`` that the list holds."""
        wanted = json.dumps(list(dict.fromkeys(segment_ids)))
        sql, params = self._from([_IN_JSON], [wanted])
        return dict(self._query(f"SELECT s.id, s.seq{sql}", params))  # type: ignore[arg-type]

    def go(self, index: int) -> bool:
        """Move to list position ``index`` (clamped); True if the position changed."""
        if self._current is None:
            return False
        index = max(0, min(index, len(self) - 1))
        row = self._row_at(index)
        if row is None:  # the list shrank since it was counted
            return False
        moved = index != self._position
        self._position, self._current = index, row
        return moved

    def next(self) -> bool:
        return self.go(self._position + 1)

    def previous(self) -> bool:
        return self.go(self._position - 1)

    def next_uncoded(self) -> bool:
        """Move to the next segment this coder has not coded (wrapping); False if none is left."""
        if self._current is None:
            return False
        known = self.progress_if_known()
        if known is not None and known.remaining <= 0:
            return False
        need = [f"NOT {_CODED}"]
        if not self.filter.include_nonsubstantive:
            need.append("s.substantive <> 0")
        seq = self._current[1]
        rows = (self._rows([*need, "s.seq > ?"], [self.coder, seq], limit=1)
                or self._rows([*need, "s.seq <= ?"], [self.coder, seq], limit=1))
        if not rows:
            return False
        self._move_to(rows[0])
        return True

    def jump(self, ref: str) -> None:
        """Go to a segment by id, by id prefix (``K0012``) or by list number (``120``).

        Raises :class:`CodingError` when no listed segment matches.
        """
        ref = ref.strip()
        if not ref:
            raise CodingError(_("type a segment id or a number"))
        row = self._listed(ref)
        if row is not None:
            self._move_to(row)
            return
        if ref.isdigit() and 1 <= int(ref) <= len(self):
            self.go(int(ref) - 1)
            return
        row = self._first_with_prefix(ref)
        if row is not None:
            self._move_to(row)
            return
        exists = self._query("SELECT 1 FROM segments WHERE id = ?", [ref])
        if exists:
            raise CodingError(_("segment {ref!r} is not in the current filter; widen it with W")
                              .format(ref=ref))
        raise CodingError(_("no segment {ref!r}; ids look like {example}")
                          .format(ref=ref, example=self.current_id or "S1#frage"))

    def _first_with_prefix(self, prefix: str) -> _Row | None:
        """The first listed segment whose id starts with ``prefix`` (a range of the id index)."""
        rows = self._rows(["s.id >= ?", "s.id < ?"], [prefix, prefix + "\U0010ffff"], limit=1)
        return rows[0] if rows else None

    def hidden_by_filter(self, ref: str) -> str | None:
        """The segment ``ref`` names (an id or id prefix) when the current filter hides it.

        None when ``ref`` is listed, names no segment at all, or is a list number.
        """
        ref = ref.strip()
        if not ref or ref.isdigit() or self._listed(ref) is not None:
            return None
        if self._first_with_prefix(ref) is not None:
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
        if not rows:  # deleted by another process since the list was read
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
        return SegmentView(segment, source, cats, memo, flagged, self._position, len(self))

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
        state = self._state(segment_id)
        return state is not None and state.coded

    def is_flagged(self, segment_id: str) -> bool:
        state = self._state(segment_id)
        return state is not None and state.flagged

    def is_substantive(self, segment_id: str) -> bool:
        state = self._state(segment_id)
        return state is None or state.substantive

    def progress(self) -> SessionProgress:
        """How far the coder is in this list (counted now if it was not yet)."""
        if self._counts is None:
            self._counts = self._count_progress()
            self._pending = []
        progress = self.progress_if_known()
        assert progress is not None
        return progress

    def progress_if_known(self) -> SessionProgress | None:
        """:meth:`progress` if the list is counted; None while a long list is not."""
        c = self._counts
        if c is None:
            return None
        n = self._length
        total = n if self.filter.include_nonsubstantive else n - c.non_substantive
        return SessionProgress(c.coded, total, c.flagged, c.non_substantive, n)

    def progress_counter(self) -> ProgressCounter:
        """A counter of this list's progress for another thread (on a connection of its
        own); hand its result to :meth:`adopt_progress` on the session's thread."""
        queries, combine = self._progress_plan()
        return ProgressCounter(self.project.path, self._generation, queries, combine)

    def counts_for(self, counter: ProgressCounter) -> bool:
        """Whether ``counter`` counts the list shown now (not one of an earlier filter)."""
        return counter.generation == self._generation

    def adopt_progress(self, counted: ProgressCount) -> bool:
        """Take the counts of :meth:`progress_counter`, with the changes made since they
        were counted; False if they no longer fit (the list changed: count again)."""
        if counted.generation != self._generation or self._counts is not None:
            return False
        seen = [event for event, _coded, _flagged in self._pending if event <= counted.last_event]
        if seen and self.filter.status != "all":
            # A change the count saw moved a segment's status after the count's list was
            # made: that list is not the snapshot any more.
            self._recount()
            return False
        counts = replace(counted.counts)
        for event, coded, flagged in self._pending:
            if event > counted.last_event:
                counts.coded += coded
                counts.flagged += flagged
        self._counts, self._pending = counts, []
        return True

    # --- changing (each call commits before it returns) ----------------------------------

    def toggle(self, category: str) -> coding.Change:
        """Assign or remove ``category`` on the current segment for this coder."""
        sid = self._require_current()
        change = self._tracked([sid], lambda: coding.toggle_coding(
            self.project, sid, category, self.coder))
        self._saved = sid
        return change

    def assign(self, category: str, origin: str = Origin.MANUAL) -> coding.Change | None:
        """Assign ``category`` on the current segment (e.g. an accepted suggestion)."""
        sid = self._require_current()
        change = self._tracked([sid], lambda: coding.set_coding(
            self.project, sid, category, self.coder, True, origin=origin))
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
        change = self._tracked([sid], lambda: coding.set_flag(
            self.project, sid, self.coder, not self.is_flagged(sid)))
        if change is not None:
            self._saved = sid
        return change

    def undo(self) -> coding.Change | None:
        """Undo this coder's latest change and go to its segment if it is listed."""
        touched = coding.pending(self.project, self.coder, undoing=True)
        return self._after(self._tracked(touched, lambda: coding.undo(self.project, self.coder)))

    def redo(self) -> coding.Change | None:
        touched = coding.pending(self.project, self.coder, undoing=False)
        return self._after(self._tracked(touched, lambda: coding.redo(self.project, self.coder)))

    def _after(self, change: coding.Change | None) -> coding.Change | None:
        if change is not None and change.segment_id:
            self._saved = change.segment_id
            row = self._listed(change.segment_id)
            if row is not None:
                self._move_to(row)
        return change

    def _require_current(self) -> str:
        if self.current_id is None:
            raise CodingError(_("no segment is shown; change the filter with W"))
        return self.current_id

    def _tracked(self, segment_ids: list[str], change: Callable[[], _T]) -> _T:
        """Make ``change`` (which touches ``segment_ids``), then keep the counts and the
        status snapshot right: one segment by its state before and after, a whole
        dictionary run by counting again."""
        if not segment_ids:  # nothing to undo or redo
            return change()
        if len(segment_ids) != 1:
            return self._tracked_run(segment_ids, change)
        sid = segment_ids[0]
        listed = self._listed(sid) is not None
        before = self._state(sid)
        result = change()
        after = self._state(sid)
        if before is None or after is None:
            return result
        if self.filter.status != "all" and self._wanted(before) != self._wanted(after):
            self._flipped ^= {sid}
        if not listed:
            return result
        coded = flagged = 0
        if before.coded != after.coded and (
                after.substantive or self.filter.include_nonsubstantive):
            coded = 1 if after.coded else -1
        if before.flagged != after.flagged:
            flagged = 1 if after.flagged else -1
        if self._counts is not None:
            self._counts.coded += coded
            self._counts.flagged += flagged
        elif coded or flagged:
            self._pending.append((_event_id(result), coded, flagged))
        return result

    def _tracked_run(self, segment_ids: list[str], change: Callable[[], _T]) -> _T:
        if self.filter.status == "all":
            result = change()
        else:
            before = self._with_status(segment_ids)
            result = change()
            self._flipped ^= before ^ self._with_status(segment_ids)
        self._recount()
        return result

    def _with_status(self, segment_ids: list[str]) -> set[str]:
        """Which of ``segment_ids`` have the filter's status now."""
        clause, params = self._status_clause()
        return {sid for (sid,) in self._query(
            f"SELECT s.id FROM segments s WHERE {_IN_JSON} AND {clause}",
            [json.dumps(segment_ids), *params])}

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
        changes = self._tracked([sid], lambda: [
            c for key in self.proposals(sid)
            if (c := coding.confirm_coding(self.project, sid, key, self.coder))])
        self._saved = sid
        return changes

    def reject_proposals(self) -> list[coding.Change]:
        """Remove every proposal on the current segment."""
        sid = self._require_current()
        changes = self._tracked([sid], lambda: [
            c for key in self.proposals(sid)
            if (c := coding.set_coding(self.project, sid, key, self.coder, False))])
        self._saved = sid
        return changes

    def with_filter(self, **changes: Any) -> SegmentFilter:
        """A copy of the current filter with some fields changed."""
        return replace(self.filter, **changes)
