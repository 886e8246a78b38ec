"""The record of imports, and taking one back.

Every import of answers, a protocol or a ``.qdpx`` has an id (``qca imports PROJECT``).
Each segment remembers the import that added it, so ``qca imports remove PROJECT ID``
removes exactly those segments, and the sources that import brought in once they have no
segment left. Variables that the import added to sources of earlier imports stay.

A segment that carries codings or notes (memo, flag) is coded work: removal is refused
unless ``with_codings``, and then the codings and notes removed are kept in the event's
``before``, so nothing is lost from the log. One transaction, one ``import.remove`` event.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from qca.errors import InputError
from qca.events import ImportRemoved
from qca.i18n import _
from qca.store import Project

__all__ = ["ImportRecord", "RemovedImport", "format_table", "list_imports", "remove_import",
           "to_json"]


@dataclass
class ImportRecord:
    id: int
    at: str
    actor: str
    kind: str
    file: str
    sources: int  # sources it brought in
    segments: int  # segments it added
    segments_now: int  # of those, still in the project
    options: dict[str, Any] = field(default_factory=dict)


def list_imports(project: Project) -> list[ImportRecord]:
    return [
        ImportRecord(id=r["id"], at=r["at"], actor=r["actor"], kind=r["kind"],
                     file=Path(r["path"]).name, sources=r["n_sources"], segments=r["n_segments"],
                     segments_now=r["segments_now"], options=json.loads(r["options"] or "{}"))
        for r in project.imports()
    ]


def format_table(records: list[ImportRecord]) -> list[str]:
    if not records:
        return [_("no imports yet")]
    at, kind, file, sources, segments = (_("at"), _("kind"), _("file"), _("sources"),
                                         _("segments"))
    width = max(len(file), *(len(r.file) for r in records))
    w_kind, w_src, w_seg = max(8, len(kind)), max(7, len(sources)), max(8, len(segments))
    lines = [f"{'id':>4}  {at:<24} {kind:<{w_kind}} {file:<{width}} {sources:>{w_src}} "
             f"{segments:>{w_seg}}"]
    for r in records:
        lines.append(f"{r.id:>4}  {r.at:<24} {r.kind:<{w_kind}} {r.file:<{width}} "
                     f"{r.sources:>{w_src}} {r.segments_now:>{w_seg}}")
    return lines


def to_json(records: list[ImportRecord]) -> str:
    return json.dumps([asdict(r) for r in records], ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class RemovedImport:
    import_id: int
    file: str
    segments: int
    sources: int
    codings: int
    notes: int

    def summary(self) -> str:
        removed = _("removed import {id} ({file}): {segments} segments, {sources} sources").format(
            id=self.import_id, file=self.file, segments=self.segments, sources=self.sources)
        if self.codings or self.notes:
            removed += _("; {codings} codings and {notes} notes removed (kept in the event "
                         "log)").format(codings=self.codings, notes=self.notes)
        return removed


def _coded(project: Project, import_id: int) -> tuple[int, int]:
    codings = project.conn.execute(
        "SELECT COUNT(*) FROM codings c JOIN segments s ON s.id = c.segment_id "
        "WHERE s.import_id = ?", (import_id,)).fetchone()[0]
    notes = project.conn.execute(
        "SELECT COUNT(*) FROM notes n JOIN segments s ON s.id = n.segment_id "
        "WHERE s.import_id = ?", (import_id,)).fetchone()[0]
    return int(codings), int(notes)


def remove_import(project: Project, import_id: int, *, with_codings: bool = False,
                  actor: str = "lead") -> RemovedImport:
    """Remove what import ``import_id`` added (see the module doc).

    Raises:
        InputError: No such import, or its segments carry codings or notes and
            ``with_codings`` is not set (nothing is changed).
    """
    with project.transaction():
        row = project.import_row(import_id)
        if row is None:
            known = ", ".join(str(r["id"]) for r in project.imports()) or _("none")
            raise InputError(_("there is no import {id} in {project}; imports are: {known} "
                               "(see 'qca imports {path}')").format(
                id=import_id, project=project.path.name, known=known, path=project.path))
        codings, notes = _coded(project, import_id)
        if (codings or notes) and not with_codings:
            raise InputError(
                _("import {id} ({file}): its segments carry {codings} codings and {notes} "
                  "notes; nothing was removed; add --with-codings to remove them too (they stay "
                  "in the event log)").format(id=import_id, file=Path(row["path"]).name,
                                              codings=codings, notes=notes))
        removed = project.remove_import(import_id)
        project.log(actor, ImportRemoved(Path(row["path"]).name, import_id,
                                         {"record": dict(row), **removed}))
    return RemovedImport(import_id, Path(row["path"]).name, len(removed["segments"]),
                         len(removed["sources"]), len(removed["codings"]), len(removed["notes"]))
