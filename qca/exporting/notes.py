"""What coders wrote about segments, as exports see it: memos, flags, reasons, split notes.

The project keeps one note per segment and coder (table ``notes``): a memo text and a flag.
The exports tell four kinds apart:

``memo``
    What a coder wrote with ``M`` on the coding screen.
``flag``
    The coder's ``F`` mark ("look at this again"); its text is empty.
``reason``
    The reason the lead gave in ``qca reconcile``: the memo of the coder ``consensus``.
``split``
    The note ``[KEY split into A, B: check]`` that ``qca codebook split`` appends to the memo
    of every coder who had coded the old category (and flags the segment).

The long and wide exports carry a coder's note as it is stored (``memo``: the whole text,
split notes included; for ``consensus`` the reason; ``flagged``: 0/1). The notes export
(:func:`note_rows`) lists one row per memo, flag, reason and split note, so a segment a
coder flagged or wrote about without coding it is there too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qca.coders import CONSENSUS
from qca.store import Note, Project

__all__ = ["KINDS", "NOTE_COLUMNS", "NO_NOTE", "NoteRow", "note_rows", "notes", "segment_notes",
           "split_memo"]

KINDS = ("memo", "flag", "reason", "split")
NOTE_COLUMNS = ["source_id", "segment_id", "question", "coder", "kind", "text", "time"]
# The text qca.revise.split_category appends to a memo.
_SPLIT_NOTE = re.compile(r"\[[^\[\]]+ split into [^\[\]]+: check\]")


NO_NOTE = Note("", "", "", False, "")  # what a coder without a note has: no memo, no flag


@dataclass(frozen=True)
class NoteRow:
    """One row of the notes export: one memo, flag, reason or split note."""

    source_id: str
    segment_id: str
    question: str
    coder: str
    kind: str
    text: str
    time: str


def split_memo(memo: str) -> tuple[str, list[str]]:
    """A stored memo as (the coder's own text, the split notes qca appended)."""
    splits = _SPLIT_NOTE.findall(memo)
    own = " ".join(_SPLIT_NOTE.sub(" ", memo).split()) if splits else memo.strip()
    return own, splits


def segment_notes(project: Project, coder: str | None = None) -> dict[tuple[str, str], Note]:
    """``(segment id, coder) -> note`` for every stored note (of ``coder`` if given)."""
    sql = "SELECT segment_id, coder, memo, flagged, updated_at FROM notes"
    params: tuple[str, ...] = ()
    if coder is not None:
        sql += " WHERE coder = ?"
        params = (coder,)
    return {(seg, cdr): Note(seg, cdr, memo or "", bool(flagged), at)
            for seg, cdr, memo, flagged, at in project.conn.execute(sql, params)}


def notes(project: Project, coder: str | None = None) -> list[NoteRow]:
    """Every memo, flag, reason and split note, in segment order, then coder."""
    sql = ("SELECT s.source_id, n.segment_id, s.question, n.coder, n.memo, n.flagged, "
           "n.updated_at FROM notes n JOIN segments s ON s.id = n.segment_id")
    params: tuple[str, ...] = ()
    if coder is not None:
        sql += " WHERE n.coder = ?"
        params = (coder,)
    out: list[NoteRow] = []
    for src, seg, question, cdr, memo, flagged, at in project.conn.execute(
        sql + " ORDER BY s.seq, n.coder", params
    ):
        own, splits = split_memo(memo or "")
        base = (src, seg, question or "", cdr)
        if own:
            out.append(NoteRow(*base, "reason" if cdr == CONSENSUS else "memo", own, at))
        if flagged:
            out.append(NoteRow(*base, "flag", "", at))
        out.extend(NoteRow(*base, "split", text, at) for text in splits)
    return out


def note_rows(project: Project, coder: str | None = None) -> Iterator[list[object]]:
    """The header :data:`NOTE_COLUMNS`, then one row per note of :func:`notes`."""
    yield list(NOTE_COLUMNS)
    for n in notes(project, coder):
        yield [n.source_id, n.segment_id, n.question, n.coder, n.kind, n.text, n.time]
