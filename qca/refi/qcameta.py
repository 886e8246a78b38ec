"""qca's own metadata inside a REFI-QDA project, so a qca project survives ``.qdpx``.

REFI-QDA has no place for a survey source's kind, a segment's question, its non-substantive
mark, or a coder's flag. qca writes them where the schema allows free text: one line in the
``<Description>`` of a ``<TextSource>``, a ``<PlainTextSelection>`` or a ``<Note>``, starting
with ``[qca] `` and followed by a JSON object (the line before it in a source's description
stays readable for people). Other tools show the line and pass it on; qca reads it back.

* Source: ``{"kind": "survey"|"protocol", "name": <file it came from>}``.
* Selection: ``{"id": <segment id>, "question": ..., "position": ..., "heading": ...,
  "substantive": true|false, "seq": ..., "origins": {"<coder>\\t<key>": <origin>}}``.
* Note (one memo, flag, reason or split note, in ``<Notes>``, referred to by the
  selection's ``<NoteRef>``, as :mod:`qca.exporting.notes` tells them apart): the coder's
  note as the project stores it, ``{"segment": <segment id>, "coder": ..., "flagged":
  true|false, "memo": <the whole stored memo>, "at": <its time>}``; the notes of one coder
  on one segment carry the same object.

A file without these lines (any other tool's) imports as it always did.
"""

from __future__ import annotations

import json
from typing import Any

from qca.store import Segment, Source

__all__ = ["META_PREFIX", "meta_line", "note_meta", "read_meta", "segment_meta", "source_meta"]

META_PREFIX = "[qca] "


def meta_line(payload: dict[str, Any]) -> str:
    return META_PREFIX + json.dumps(payload, ensure_ascii=False, sort_keys=True)


def read_meta(text: str | None) -> dict[str, Any] | None:
    """The qca object in a description's text, or None (no line, or not a JSON object)."""
    for line in (text or "").splitlines():
        if line.startswith(META_PREFIX):
            try:
                value = json.loads(line[len(META_PREFIX):])
            except ValueError:
                return None
            return value if isinstance(value, dict) else None
    return None


def source_meta(source: Source) -> dict[str, Any]:
    return {"kind": source.kind, "name": source.name}


def segment_meta(seg: Segment, origins: dict[str, str]) -> dict[str, Any]:
    return {"id": seg.id, "question": seg.question, "position": seg.position,
            "heading": seg.heading, "substantive": seg.substantive, "seq": seg.seq,
            "origins": origins}


def note_meta(segment_id: str, coder: str, flagged: bool, memo: str, at: str) -> dict[str, Any]:
    return {"segment": segment_id, "coder": coder, "flagged": flagged, "memo": memo, "at": at}
