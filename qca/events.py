"""The event log's schema: the actions, what each one records, and how it is stored.

Every change to a project appends one row to the ``events`` table (see :mod:`qca.store`):
who (``actor``), what (``action``, an :class:`Action`), on what (``target``, text), the state
``before`` and ``after`` (JSON, or NULL) and, for an undo or redo, the event it reverses
(``ref``). Each action has one payload dataclass here that names what its row holds;
:meth:`Payload.to_json` gives the row's columns (:class:`Columns`) and :func:`decode` turns a
row back into its payload. No other module spells an action's name or reads ``before`` and
``after`` itself.

The stored form is the one qca has always written, so older project files read as they
are. Decoding is lenient where a copy of a project may hold odd values (a merge reads
another file's log): a missing field takes its default and a malformed list item is
dropped. A row whose action this qca does not know, or whose target cannot be read, raises
:class:`~qca.errors.ProjectError`.

======================  =====================  ============================================
action                  target                 payload
======================  =====================  ============================================
``init``                the file's name        :class:`ProjectCreated`
``codebook``            ``v<version>``         :class:`CodebookSaved`
``codebook.rename``     the old key            :class:`CategoryRenamed`
``codebook.merge``      the key merged into    :class:`CategoriesMerged`
``codebook.split``      the key split          :class:`CategorySplit`
``import``              the file's name        :class:`SourcesImported`
``import-codings``      the file's name        :class:`CodingsImported`
``coding``              ``[segment, key]``     :class:`CodingChanged`
``note``                ``[segment]``          :class:`NoteChanged`
``undo`` / ``redo``     the reversed target    :class:`Undone` / :class:`Redone`
``consensus``           ``[segment]``          :class:`ConsensusSet`
``autocode``            ``[dictionary file]``  :class:`DictionaryApplied`
``merge``               the other file's name  :class:`ProjectMerged`
``pseudonymise``        the copy's file name   :class:`CopyPseudonymised`
``pseudonymise.reverse``  the restored file    :class:`CopyRestored`
``question.rename``     the old name           :class:`QuestionRenamed`
``import.remove``       the file's name        :class:`ImportRemoved`
``consensus.agreed``    the question, or ""    :class:`ConsensusAgreed`
======================  =====================  ============================================

The texts a coder wrote that payloads carry (memos, consensus reasons) are reached through
:func:`free_texts` and replaced with :func:`with_free_text`, so a pseudonymised copy can
replace names in them too (:mod:`qca.pseudonymise`).

Besides the actions, the values a coding's ``origin`` takes (:class:`Origin`) and the kinds
of a coder's work on a segment a merge tells apart (:class:`PairKind`) are defined here,
because the payloads carry them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Protocol, TypeVar

from qca.errors import ProjectError
from qca.i18n import _

__all__ = [
    "Action",
    "AddedCoding",
    "CategoriesMerged",
    "CategoryRenamed",
    "CategorySplit",
    "CodebookSaved",
    "CodingChanged",
    "CodingState",
    "CodingsImported",
    "Columns",
    "ConsensusSet",
    "ConsensusAgreed",
    "ConsensusState",
    "CopyPseudonymised",
    "CopyRestored",
    "DictionaryApplied",
    "FREE_TEXT_KEYS",
    "ImportRemoved",
    "NoteChanged",
    "NoteState",
    "OtherLog",
    "Origin",
    "OverwrittenNote",
    "Pair",
    "PairKind",
    "Payload",
    "ProjectCreated",
    "ProjectMerged",
    "QdpxDetails",
    "QuestionRenamed",
    "Redone",
    "RemovedCoding",
    "Restored",
    "SourcesImported",
    "UNDOABLE",
    "Undone",
    "decode",
    "decode_row",
    "dumps",
    "free_text_at",
    "free_texts",
    "loads",
    "with_free_text",
]


class Action(StrEnum):
    """The name of what an event did, as stored in ``events.action``."""

    INIT = "init"
    CODEBOOK = "codebook"
    CODEBOOK_RENAME = "codebook.rename"
    CODEBOOK_MERGE = "codebook.merge"
    CODEBOOK_SPLIT = "codebook.split"
    IMPORT = "import"
    IMPORT_CODINGS = "import-codings"
    CODING = "coding"
    NOTE = "note"
    UNDO = "undo"
    REDO = "redo"
    CONSENSUS = "consensus"
    MERGE = "merge"
    PSEUDONYMISE = "pseudonymise"
    PSEUDONYMISE_REVERSE = "pseudonymise.reverse"
    AUTOCODE = "autocode"
    QUESTION_RENAME = "question.rename"
    IMPORT_REMOVE = "import.remove"
    CONSENSUS_AGREED = "consensus.agreed"


#: The changes a coder can undo (and redo), in the order qca looks for them.
UNDOABLE = (Action.CODING, Action.NOTE, Action.AUTOCODE)


class Origin(StrEnum):
    """How a coding came about (``codings.origin``)."""

    MANUAL = "manual"
    SUGGESTION = "suggestion"
    IMPORTED = "imported"
    CONSENSUS = "consensus"
    DICTIONARY = "dictionary"


class PairKind(StrEnum):
    """What of one coder's work on one segment a merge compares: the code set or the note."""

    CODINGS = "codings"
    NOTE = "note"


# --- storing ---------------------------------------------------------------------------


def dumps(value: Any) -> str | None:
    """A ``before`` or ``after`` value as the text stored (NULL for None)."""
    return None if value is None else json.dumps(value, ensure_ascii=False)


def loads(text: str | None) -> Any:
    """The value of a stored ``before`` or ``after`` text (None for NULL)."""
    return None if text is None else json.loads(text)


@dataclass(frozen=True)
class Columns:
    """An event's columns as stored: target text, ``before`` and ``after`` as JSON values."""

    target: str
    before: Any = None
    after: Any = None
    ref: int | None = None


class EventLike(Protocol):
    """A row of the event log with ``before`` and ``after`` decoded from JSON."""

    @property
    def action(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def before(self) -> Any: ...
    @property
    def after(self) -> Any: ...
    @property
    def ref(self) -> int | None: ...


_P = TypeVar("_P", bound="Payload")
_PAYLOADS: dict[Action, type[Payload]] = {}


class Payload:
    """What one event records; each subclass is the payload of one :class:`Action`."""

    ACTION: ClassVar[Action]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        action = cls.__dict__.get("ACTION")
        if action is not None:
            _PAYLOADS[action] = cls

    def to_json(self) -> Columns:
        """The event's columns for this payload."""
        raise NotImplementedError

    @classmethod
    def from_json(cls: type[_P], columns: Columns) -> _P:
        """The payload of an event with these columns.

        Raises:
            ProjectError: The target cannot be read as this action's target.
        """
        raise NotImplementedError


def decode(event: EventLike, *, event_id: int | None = None) -> Payload:
    """The typed payload of one event row.

    Raises:
        ProjectError: The action is unknown to this qca, or the target is unreadable.
    """
    try:
        action = Action(event.action)
    except ValueError:
        where = (_("event {id}").format(id=event_id) if event_id is not None
                 else _("an event"))
        raise ProjectError(
            _("{where} has the action {action!r}, which this qca does not know; "
              "upgrade qca to read this project's log").format(where=where, action=event.action)
        ) from None
    columns = Columns(event.target, event.before, event.after, event.ref)
    return _PAYLOADS[action].from_json(columns)


@dataclass(frozen=True)
class _Row:
    action: str
    target: str
    before: Any
    after: Any
    ref: int | None


def decode_row(
    action: str, target: str, before: str | None, after: str | None, ref: int | None,
    *, event_id: int | None = None,
) -> Payload:
    """The typed payload of an event given as its stored columns (JSON as text).

    Raises:
        ProjectError: Unknown action, unreadable target, or ``before``/``after`` not JSON.
    """
    try:
        row = _Row(action, target, loads(before), loads(after), ref)
    except ValueError:
        raise ProjectError(_("event {event_id}: its before or after is not JSON")
                           .format(event_id=event_id)) from None
    return decode(row, event_id=event_id)


# --- reading leniently -----------------------------------------------------------------


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strs(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _opt_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str:
    return str(value or "")


def _items(value: Any, keys: Iterable[str]) -> list[dict[str, Any]]:
    """The dict items of a list whose ``keys`` all hold strings."""
    wanted = tuple(keys)
    return [r for r in value if isinstance(r, dict) and all(isinstance(r.get(k), str)
                                                            for k in wanted)
            ] if isinstance(value, list) else []


def _path(target: str, sizes: tuple[int, ...], action: Action) -> list[str]:
    """A JSON target ``[segment]`` or ``[segment, category]`` of one of ``sizes``."""
    try:
        value = json.loads(target)
    except ValueError:
        value = None
    if (isinstance(value, list) and len(value) in sizes
            and all(isinstance(v, str) for v in value)):
        return value
    raise ProjectError(_("a {action} event has the unreadable target {target!r}")
                       .format(action=action, target=target))


def _segment_target(*path: str) -> str:
    return json.dumps(list(path))


# --- the project and its codebook --------------------------------------------------------


@dataclass(frozen=True)
class ProjectCreated(Payload):
    """``qca init`` created the project file ``name``."""

    ACTION = Action.INIT
    name: str

    def to_json(self) -> Columns:
        return Columns(self.name)

    @classmethod
    def from_json(cls, columns: Columns) -> ProjectCreated:
        return cls(columns.target)


@dataclass(frozen=True)
class CodebookSaved(Payload):
    """A new codebook version was stored."""

    ACTION = Action.CODEBOOK
    version: int
    note: str

    def to_json(self) -> Columns:
        return Columns(f"v{self.version}", after={"version": self.version, "note": self.note})

    @classmethod
    def from_json(cls, columns: Columns) -> CodebookSaved:
        after = _obj(columns.after)
        return cls(_int(after.get("version")), _text(after.get("note")))


@dataclass(frozen=True)
class CategoryRenamed(Payload):
    """Category ``old`` got the key ``key`` and the name ``name``."""

    ACTION = Action.CODEBOOK_RENAME
    old: str
    key: str
    name: str

    def to_json(self) -> Columns:
        return Columns(self.old, before={"key": self.old},
                       after={"key": self.key, "name": self.name})

    @classmethod
    def from_json(cls, columns: Columns) -> CategoryRenamed:
        after = _obj(columns.after)
        return cls(columns.target, _text(after.get("key")), _text(after.get("name")))


@dataclass(frozen=True)
class CategoriesMerged(Payload):
    """Categories ``keys`` were merged into ``into``."""

    ACTION = Action.CODEBOOK_MERGE
    keys: list[str]
    into: str

    def to_json(self) -> Columns:
        return Columns(self.into, before={"keys": list(self.keys)}, after={"key": self.into})

    @classmethod
    def from_json(cls, columns: Columns) -> CategoriesMerged:
        return cls(_strs(_obj(columns.before).get("keys")), columns.target)


@dataclass(frozen=True)
class CategorySplit(Payload):
    """Category ``key`` was split into ``keys``; ``flagged_segments`` codings got a flag."""

    ACTION = Action.CODEBOOK_SPLIT
    key: str
    keys: list[str]
    flagged_segments: int

    def to_json(self) -> Columns:
        return Columns(self.key, before={"key": self.key},
                       after={"keys": list(self.keys), "flagged_segments": self.flagged_segments})

    @classmethod
    def from_json(cls, columns: Columns) -> CategorySplit:
        after = _obj(columns.after)
        return cls(columns.target, _strs(after.get("keys")), _int(after.get("flagged_segments")))


# --- imports -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QdpxDetails:
    """What an import of a ``.qdpx`` added besides sources and segments."""

    codings: int
    codes_added: list[str]
    codebook_version: int | None
    coders: list[str]


@dataclass(frozen=True)
class SourcesImported(Payload):
    """An import (record ``import_id``) of the file ``file`` added sources and segments."""

    ACTION = Action.IMPORT
    file: str
    import_id: int
    kind: str
    sha256: str
    sources: int
    segments: int
    qdpx: QdpxDetails | None = None

    def to_json(self) -> Columns:
        after: dict[str, Any] = {"import_id": self.import_id, "kind": self.kind,
                                 "sha256": self.sha256, "sources": self.sources,
                                 "segments": self.segments}
        if self.qdpx is not None:
            after.update(codings=self.qdpx.codings, codes_added=list(self.qdpx.codes_added),
                         codebook_version=self.qdpx.codebook_version,
                         coders=list(self.qdpx.coders))
        return Columns(self.file, after=after)

    @classmethod
    def from_json(cls, columns: Columns) -> SourcesImported:
        after = _obj(columns.after)
        qdpx = None
        if "codes_added" in after:
            qdpx = QdpxDetails(_int(after.get("codings")), _strs(after.get("codes_added")),
                               _opt_int(after.get("codebook_version")),
                               _strs(after.get("coders")))
        return cls(columns.target, _int(after.get("import_id")), _text(after.get("kind")),
                   _text(after.get("sha256")), _int(after.get("sources")),
                   _int(after.get("segments")), qdpx)


@dataclass(frozen=True)
class CodingsImported(Payload):
    """``qca import-codings`` added ``codings`` codings of ``coders`` from ``file``."""

    ACTION = Action.IMPORT_CODINGS
    file: str
    codings: int
    coders: list[str]
    origin: str

    def to_json(self) -> Columns:
        return Columns(self.file, after={"codings": self.codings, "coders": list(self.coders),
                                         "origin": self.origin})

    @classmethod
    def from_json(cls, columns: Columns) -> CodingsImported:
        after = _obj(columns.after)
        return cls(columns.target, _int(after.get("codings")), _strs(after.get("coders")),
                   _text(after.get("origin")))


# --- a coder's changes and their undo ------------------------------------------------------


@dataclass(frozen=True)
class CodingState:
    """One coding as an event records it (the segment, category and coder are the event's)."""

    origin: str
    codebook_version: int | None
    created_at: str
    memo: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"origin": self.origin, "codebook_version": self.codebook_version,
                "created_at": self.created_at, "memo": self.memo}

    @classmethod
    def from_json(cls, value: Any) -> CodingState | None:
        if value is None:
            return None
        state = _obj(value)
        return cls(_text(state.get("origin")), _opt_int(state.get("codebook_version")),
                   _text(state.get("created_at")), _text(state.get("memo")))


@dataclass(frozen=True)
class NoteState:
    """A coder's memo and flag on a segment (no note: empty memo, no flag)."""

    memo: str = ""
    flagged: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"memo": self.memo, "flagged": self.flagged}

    @classmethod
    def from_json(cls, value: Any) -> NoteState:
        state = _obj(value)
        return cls(_text(state.get("memo")), bool(state.get("flagged")))


@dataclass(frozen=True)
class CodingChanged(Payload):
    """The actor assigned (``after``) or removed (``before``) ``category`` on a segment."""

    ACTION = Action.CODING
    segment_id: str
    category: str
    before: CodingState | None
    after: CodingState | None

    @property
    def assigned(self) -> bool:
        return self.after is not None

    def to_json(self) -> Columns:
        return Columns(_segment_target(self.segment_id, self.category),
                       None if self.before is None else self.before.to_json(),
                       None if self.after is None else self.after.to_json())

    @classmethod
    def from_json(cls, columns: Columns) -> CodingChanged:
        segment_id, category = _path(columns.target, (2,), cls.ACTION)
        return cls(segment_id, category, CodingState.from_json(columns.before),
                   CodingState.from_json(columns.after))


@dataclass(frozen=True)
class NoteChanged(Payload):
    """The actor changed their memo or flag on a segment."""

    ACTION = Action.NOTE
    segment_id: str
    before: NoteState
    after: NoteState

    def to_json(self) -> Columns:
        return Columns(_segment_target(self.segment_id), self.before.to_json(),
                       self.after.to_json())

    @classmethod
    def from_json(cls, columns: Columns) -> NoteChanged:
        (segment_id,) = _path(columns.target, (1,), cls.ACTION)
        return cls(segment_id, NoteState.from_json(columns.before),
                   NoteState.from_json(columns.after))


@dataclass(frozen=True)
class DictionaryApplied(Payload):
    """A dictionary run (``qca autocode``) added ``codings`` (segment, category) for the
    actor with origin ``dictionary``; undone and redone as one change."""

    ACTION = Action.AUTOCODE
    dictionary: str
    codebook_version: int | None
    created_at: str
    codings: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> Columns:
        return Columns(json.dumps([self.dictionary], ensure_ascii=False), None,
                       {"dictionary": self.dictionary, "codebook_version": self.codebook_version,
                        "created_at": self.created_at,
                        "codings": [list(pair) for pair in self.codings]})

    @classmethod
    def from_json(cls, columns: Columns) -> DictionaryApplied:
        (name,) = _path(columns.target, (1,), cls.ACTION)
        after = _obj(columns.after)
        pairs = after.get("codings")
        codings = [(p[0], p[1]) for p in pairs if isinstance(p, list) and len(p) == 2
                   and all(isinstance(v, str) for v in p)] if isinstance(pairs, list) else []
        return cls(name, _opt_int(after.get("codebook_version")),
                   _text(after.get("created_at")), codings)


@dataclass(frozen=True)
class Restored(Payload):
    """An undo or redo of event ``ref``: the coding (``category`` set) or the note of a
    segment is back at ``state`` (a coding's None: removed); or, with ``dictionary`` set,
    the codings of a dictionary run (:class:`DictionaryApplied`) are removed or back
    (target ``{"dictionary": name}``; no segment)."""

    segment_id: str
    category: str | None
    state: CodingState | NoteState | None
    ref: int
    dictionary: str | None = None

    def to_json(self) -> Columns:
        if self.dictionary is not None:
            return Columns(json.dumps({"dictionary": self.dictionary}, ensure_ascii=False),
                           None, None, self.ref)
        path = (self.segment_id,) if self.category is None else (self.segment_id, self.category)
        return Columns(_segment_target(*path), None,
                       None if self.state is None else self.state.to_json(), self.ref)

    @classmethod
    def from_json(cls, columns: Columns) -> Restored:
        try:
            value = json.loads(columns.target)
        except ValueError:
            value = None
        if isinstance(value, dict) and isinstance(value.get("dictionary"), str):
            return cls("", None, None, _int(columns.ref), value["dictionary"])
        path = _path(columns.target, (1, 2), cls.ACTION)
        if len(path) == 2:
            return cls(path[0], path[1], CodingState.from_json(columns.after), _int(columns.ref))
        return cls(path[0], None, NoteState.from_json(columns.after), _int(columns.ref))


@dataclass(frozen=True)
class Undone(Restored):
    """The actor undid their change ``ref``."""

    ACTION = Action.UNDO


@dataclass(frozen=True)
class Redone(Restored):
    """The actor redid their undone change ``ref``."""

    ACTION = Action.REDO


@dataclass(frozen=True)
class ConsensusState:
    """The consensus code set of a segment and the lead's reason."""

    codes: list[str]
    reason: str = ""


@dataclass(frozen=True)
class ConsensusSet(Payload):
    """The lead (actor) stored the consensus of a segment; ``taken_from`` is the coder
    whose version was taken, if one was."""

    ACTION = Action.CONSENSUS
    segment_id: str
    before: ConsensusState | None
    after: ConsensusState
    taken_from: str | None = None

    def to_json(self) -> Columns:
        before = (None if self.before is None else
                  {"codes": sorted(self.before.codes), "reason": self.before.reason})
        return Columns(_segment_target(self.segment_id), before,
                       {"codes": sorted(self.after.codes), "reason": self.after.reason,
                        "taken_from": self.taken_from})

    @classmethod
    def from_json(cls, columns: Columns) -> ConsensusSet:
        path = _path(columns.target, (1, 2), cls.ACTION)
        before = None
        if columns.before is not None:
            was = _obj(columns.before)
            before = ConsensusState(_strs(was.get("codes")), _text(was.get("reason")))
        now = _obj(columns.after)
        taken = now.get("taken_from")
        return cls(path[0], before, ConsensusState(_strs(now.get("codes")),
                                                   _text(now.get("reason"))),
                   taken if isinstance(taken, str) else None)


# --- merging a copy ------------------------------------------------------------------------


@dataclass(frozen=True)
class RemovedCoding:
    """A coding a merge removed, as it was."""

    segment: str
    category: str
    coder: str
    state: CodingState

    def to_json(self) -> dict[str, Any]:
        return {"segment": self.segment, "category": self.category, "coder": self.coder,
                **self.state.to_json()}


@dataclass(frozen=True)
class OverwrittenNote:
    """A note a merge overwrote or cleared, as it was."""

    segment: str
    coder: str
    note: NoteState

    def to_json(self) -> dict[str, Any]:
        return {"segment": self.segment, "coder": self.coder, **self.note.to_json()}


@dataclass(frozen=True)
class AddedCoding:
    """A coding a merge added."""

    segment: str
    coder: str
    category: str

    def to_json(self) -> dict[str, Any]:
        return {"segment": self.segment, "coder": self.coder, "category": self.category}


@dataclass(frozen=True)
class Pair:
    """One coder's codes or note on one segment, as a merge lists it."""

    segment: str
    coder: str
    kind: PairKind

    def to_json(self) -> dict[str, Any]:
        return {"segment": self.segment, "coder": self.coder, "kind": str(self.kind)}


@dataclass(frozen=True)
class OtherLog:
    """Which of the other file's events a merge took in: up to ``last_event``, whose log up
    there has the digest ``sha256``."""

    last_event: int
    sha256: str


def _pairs(value: Any) -> list[Pair]:
    return [Pair(r["segment"], r["coder"], PairKind(r["kind"]))
            for r in _items(value, ("segment", "coder", "kind"))
            if r["kind"] in PairKind.__members__.values()]


@dataclass(frozen=True)
class ProjectMerged(Payload):
    """A merge brought in the work of the copy ``name`` (see :mod:`qca.merge`)."""

    ACTION = Action.MERGE
    name: str
    path: str
    codings: int = 0
    codings_removed: int = 0
    notes: int = 0
    notes_cleared: int = 0
    notes_changed: int = 0
    coders: list[str] = field(default_factory=list)
    identical: int = 0
    unchanged_there: int = 0
    conflicts_skipped: list[Pair] = field(default_factory=list)
    added: list[AddedCoding] = field(default_factory=list)
    kept: list[Pair] = field(default_factory=list)
    other_log: OtherLog | None = None
    removed: list[RemovedCoding] = field(default_factory=list)
    overwritten: list[OverwrittenNote] = field(default_factory=list)

    def to_json(self) -> Columns:
        lost = {"removed": [r.to_json() for r in self.removed],
                "notes": [n.to_json() for n in self.overwritten]}
        after: dict[str, Any] = {
            "path": self.path,
            "codings": self.codings,
            "codings_removed": self.codings_removed,
            "notes": self.notes,
            "notes_cleared": self.notes_cleared,
            "notes_changed": self.notes_changed,
            "coders": list(self.coders),
            "identical": self.identical,
            "unchanged_there": self.unchanged_there,
            "conflicts_skipped": [p.to_json() for p in self.conflicts_skipped],
            "added": [a.to_json() for a in self.added],
            "kept": [p.to_json() for p in self.kept],
        }
        if self.other_log is not None:
            after["other_log"] = {"last_event": self.other_log.last_event,
                                  "sha256": self.other_log.sha256}
        return Columns(self.name, {k: v for k, v in lost.items() if v} or None, after)

    @classmethod
    def from_json(cls, columns: Columns) -> ProjectMerged:
        before, after = _obj(columns.before), _obj(columns.after)
        taken = _obj(after.get("other_log"))
        other_log = None
        if isinstance(taken.get("last_event"), int) and isinstance(taken.get("sha256"), str):
            other_log = OtherLog(taken["last_event"], taken["sha256"])
        return cls(
            name=columns.target,
            path=_text(after.get("path")),
            codings=_int(after.get("codings")),
            codings_removed=_int(after.get("codings_removed")),
            notes=_int(after.get("notes")),
            notes_cleared=_int(after.get("notes_cleared")),
            notes_changed=_int(after.get("notes_changed")),
            coders=_strs(after.get("coders")),
            identical=_int(after.get("identical")),
            unchanged_there=_int(after.get("unchanged_there")),
            conflicts_skipped=_pairs(after.get("conflicts_skipped")),
            added=[AddedCoding(r["segment"], r["coder"], r["category"])
                   for r in _items(after.get("added"), ("segment", "coder", "category"))],
            kept=_pairs(after.get("kept")),
            other_log=other_log,
            removed=[RemovedCoding(r["segment"], r["category"], r["coder"],
                                   CodingState.from_json(r) or CodingState("", None, ""))
                     for r in _items(before.get("removed"), ("segment", "coder", "category"))],
            overwritten=[OverwrittenNote(r["segment"], r["coder"], NoteState.from_json(r))
                         for r in _items(before.get("notes"), ("segment", "coder"))],
        )



# --- pseudonymised copies ------------------------------------------------------------------


@dataclass(frozen=True)
class CopyPseudonymised(Payload):
    """This file is the pseudonymised copy ``file`` (id ``copy``) with ``replaced``
    replacements per kind; the originals are in its key, never here."""

    ACTION = Action.PSEUDONYMISE
    file: str
    copy: str
    replaced: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> Columns:
        return Columns(self.file, after={"copy": self.copy, "replaced": dict(self.replaced)})

    @classmethod
    def from_json(cls, columns: Columns) -> CopyPseudonymised:
        after = _obj(columns.after)
        return cls(columns.target, _text(after.get("copy")),
                   {str(k): _int(v) for k, v in _obj(after.get("replaced")).items()})


@dataclass(frozen=True)
class CopyRestored(Payload):
    """The pseudonymised copy ``copy`` was restored into ``file`` with its key: ``restored``
    originals back, ``memos_changed`` memos changed in the copy kept as they were."""

    ACTION = Action.PSEUDONYMISE_REVERSE
    file: str
    copy: str
    restored: int = 0
    memos_changed: int = 0

    def to_json(self) -> Columns:
        return Columns(self.file, after={"copy": self.copy, "restored": self.restored,
                                         "memos_changed": self.memos_changed})

    @classmethod
    def from_json(cls, columns: Columns) -> CopyRestored:
        after = _obj(columns.after)
        return cls(columns.target, _text(after.get("copy")), _int(after.get("restored")),
                   _int(after.get("memos_changed")))


#: The keys under which payloads carry text a coder wrote: note and coding memos, a
#: consensus reason (also inside undo/redo states and a merge's overwritten notes).
FREE_TEXT_KEYS = frozenset({"memo", "reason"})


def free_texts(value: Any, path: tuple[str, ...] = (), free: bool = False
               ) -> Iterable[tuple[tuple[str, ...], str]]:
    """``(path, text)`` of every non-empty text a coder wrote in a decoded ``before`` or
    ``after`` value; ``path`` leads to it through dict keys and list indexes."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from free_texts(v, (*path, str(k)), free or k in FREE_TEXT_KEYS)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from free_texts(v, (*path, str(i)), free)
    elif isinstance(value, str) and free and value:
        yield path, value


def free_text_at(value: Any, path: tuple[str, ...]) -> str | None:
    """The text at ``path`` of a decoded value (None when there is none)."""
    try:
        for p in path:
            value = value[int(p)] if isinstance(value, list) else value[p]
    except (KeyError, IndexError, ValueError, TypeError):
        return None
    return value if isinstance(value, str) else None


def with_free_text(value: Any, path: tuple[str, ...], text: str) -> Any:
    """``value`` with the text at ``path`` replaced by ``text`` (changed in place)."""
    if not path:
        return text
    head, rest = path[0], path[1:]
    if isinstance(value, list):
        value[int(head)] = with_free_text(value[int(head)], rest, text)
    else:
        value[head] = with_free_text(value[head], rest, text)
    return value


# --- questions, taking an import back, agreed consensus (issue 11) -------------------------


@dataclass(frozen=True)
class QuestionRenamed(Payload):
    """``qca questions rename`` gave the segments of ``old`` (None: no question) the label
    ``new``; their ids stayed."""

    ACTION = Action.QUESTION_RENAME
    old: str | None
    new: str
    segments: int

    def to_json(self) -> Columns:
        return Columns("(none)" if self.old is None else self.old, {"question": self.old},
                       {"question": self.new, "segments": self.segments})

    @classmethod
    def from_json(cls, columns: Columns) -> QuestionRenamed:
        before, after = _obj(columns.before), _obj(columns.after)
        old = before.get("question")
        return cls(old if isinstance(old, str) else None, _text(after.get("question")),
                   _int(after.get("segments")))


@dataclass(frozen=True)
class ImportRemoved(Payload):
    """``qca imports remove`` took back import ``import_id`` of ``file``; ``removed`` holds
    its record and what went: segment and source ids, and the codings and notes on them as
    rows (so nothing coded is lost from the log)."""

    ACTION = Action.IMPORT_REMOVE
    file: str
    import_id: int
    removed: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> Columns:
        return Columns(self.file, dict(self.removed), {"import_id": self.import_id})

    @classmethod
    def from_json(cls, columns: Columns) -> ImportRemoved:
        return cls(columns.target, _int(_obj(columns.after).get("import_id")),
                   _obj(columns.before))


@dataclass(frozen=True)
class ConsensusAgreed(Payload):
    """Where ``coders`` agreed, their common code set was written as the consensus of each
    segment in ``segments`` (segment id -> codes)."""

    ACTION = Action.CONSENSUS_AGREED
    question: str | None
    coders: list[str]
    segments: dict[str, list[str]]

    def to_json(self) -> Columns:
        return Columns(self.question or "", after={
            "coders": list(self.coders),
            "segments": {seg: sorted(codes) for seg, codes in sorted(self.segments.items())}})

    @classmethod
    def from_json(cls, columns: Columns) -> ConsensusAgreed:
        after = _obj(columns.after)
        segments = {seg: _strs(codes) for seg, codes in _obj(after.get("segments")).items()
                    if isinstance(seg, str)}
        return cls(columns.target or None, _strs(after.get("coders")), segments)
