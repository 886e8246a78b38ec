"""REFI-QDA projects (``.qdpx``): exporting a qca project and importing one from any tool.

A ``.qdpx`` is a zip holding ``project.qde`` (XML, namespace ``urn:QDA-XML:project:1.0``)
and a ``sources/`` folder with each text source as UTF-8 plain text.

Export (:func:`export_qdpx`)
    * Each coder becomes a ``<User>`` (GUID derived from the name).
    * The current codebook becomes ``<CodeBook>``, written as for ``.qdc`` files (labelled
      descriptions, GUIDs derived from keys; see :mod:`qca.refi.codebook`).
    * Each qca source becomes one ``<TextSource name="<source id>">`` whose text is
      ``sources/<guid>.txt``. A protocol imported since schema ``0003_source_texts`` (and a
      source imported from a ``.qdpx``) has its whole text kept in the project: the
      document as qca read it, headings and every line that is in no passage included
      (see :func:`qca.importing.protocol.read_protocol_document`); that text is written. Any other
      source's text is rebuilt from its segments (:func:`source_text`): a survey source's
      answers in question order, each as a line ``<question>:`` followed by the answer,
      answers separated by a blank line; a protocol's passages separated by blank lines, a
      heading line put before the first passage under it. The same rebuilding applies when
      a kept text no longer holds every segment of its source at its kept offsets.
    * Each segment becomes a ``<PlainTextSelection name="<segment id>">`` covering exactly
      the segment's text at its place in the source's text: ``startPosition`` is the
      offset of its first character and ``endPosition`` the offset after its last, in
      Unicode code points from 0 (the spec's "character (Unicode codepoint)", 10.2;
      ``text[start:end]``). Uncoded segments are exported too: they are qca's units of
      coding.
    * Each coding becomes a ``<Coding creatingUser="<coder's GUID>">`` with a ``<CodeRef>``
      inside its selection.
    * Variables become ``<Variables>`` (all of type Text). Each source carries its values as
      ``<VariableValue>`` (document variables, as MAXQDA and QualCoder read them) and is one
      ``<Case>`` with the same values and a ``<SourceRef>`` (as NVivo reads them).
    * Each memo, flag, reconciliation reason and split note (:mod:`qca.exporting.notes`)
      becomes a ``<Note>`` under ``<Notes>`` (``name`` = "<kind> by <coder>", the text as
      ``<PlainTextContent>``, ``creatingUser`` its coder), referred to by a ``<NoteRef>`` in
      the segment's selection; a flag's text is "flagged for another look".
    * qca's own data (a source's kind and file, a segment's id, question, position,
      heading, non-substantive mark and order, each coding's origin, the stored note behind
      each ``<Note>``, the codebook's name) goes into ``[qca]`` lines in ``<Description>``
      elements (:mod:`qca.refi.qcameta`), so importing the archive gives the same project
      back.
    * Not exported: codebook versions, the event log.

Import (:func:`import_qdpx`)
    * Every ``<TextSource>`` (text from ``plainTextPath`` inside the archive or from
      ``<PlainTextContent>``) and the plain-text ``<Representation>`` of a ``<PDFSource>``
      becomes a qca source of kind ``protocol``, id = the source's name (an optional
      prefix before it; a repeated name gets its GUID's first 8 digits added). Pictures,
      audio, video and sources without embedded plain text are skipped and counted.
    * Each distinct selection ``(start, end)`` of a source becomes a segment
      ``<source id>#<start>-<end>`` with the selected text (line ends normalised,
      surrounding blanks removed), ``position`` = start offset. A coding of a whole
      source is a selection of its whole text. Empty selections are skipped and counted.
      A new segment gets the question its codes' groups are bound to when they agree on
      one, else none.
    * A new source keeps its whole text (line ends normalised to ``\\n``) with each
      segment's offsets in it, so exporting it again writes the same document; a source
      already imported from a ``.qdpx`` with the same text gets the offsets of its new
      segments.
    * Codes are merged into the project's codebook as a new version (only when there is
      something new): a code whose ``qca key`` line names an existing key, or whose name
      equals (ignoring case) an existing category's name at the same place in the tree,
      is that category, kept as it is; every other code is added with its subtree,
      under its matched parent. An existing leaf that receives subcategories stays
      codable.
    * Each ``<Coding>`` becomes a coding with origin ``imported``, the coder being the
      ``<User>`` named by the coding's ``creatingUser`` (else the selection's, else the
      source's, else the project's creator; else ``imported``), time from
      ``creationDateTime`` where given.
    * Variable values of the source (``<VariableValue>``) and of cases that refer to it
      become the source's variables.
    * A source, selection or note with qca's own line (a ``.qdpx`` qca wrote) gets back
      its kind, id, question, position, heading, mark, order, origins, memo and flag.
    Everything is checked first and written in one transaction with one logged ``import``
    event; ids derive from the file, so importing the same file again adds nothing.
"""

from __future__ import annotations

import bisect
import copy
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from qca import __version__
from qca.codebook import Category, Codebook, slug_key
from qca.coding import validate_coder
from qca.errors import CodebookError, CodingError, ExportError, InputError
from qca.refi._xml import (
    PROJECT_NS,
    XmlProblem,
    child,
    children,
    code_guid,
    local,
    make_guid,
    iterparse,
    norm_guid,
    serialize,
    xml_safe,
)
from qca.exporting.notes import NoteRow
from qca.exporting.notes import notes as segment_note_list
from qca.exporting.notes import segment_notes
from qca.fileio import read_input, sha256_of, write_bytes
from qca.limits import check_archive
from qca.refi.codebook import QdcResult, codebook_from_element, codes_element
from qca.refi.qcameta import meta_line, note_meta, read_meta, segment_meta, source_meta
from qca.events import Origin, QdpxDetails, SourcesImported
from qca.store import Coding, Note, Project, Segment, Source, now
from qca.i18n import N_, _, ngettext

__all__ = ["QdpxExport", "QdpxImport", "export_qdpx", "import_qdpx", "source_text"]

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_MAX_MEMBER = 2**31 - 1  # the spec's limit for one file inside the archive
_MAX_LISTED = 5
#: Sources qca cannot code, counted by kind in the import summary (keys stay English).
_SKIPPED_KINDS = {"picture": N_("picture sources"), "pdf": N_("pdf sources"),
                  "audio": N_("audio sources"), "video": N_("video sources")}
_NO_USER = "imported"  # the coder of a coding whose file names no user


def _ns(tag: str) -> str:
    return f"{{{PROJECT_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, **attrs: str | None) -> ET.Element:
    return ET.SubElement(parent, _ns(tag), {k: v for k, v in attrs.items() if v is not None})


# --- export --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QdpxExport:
    path: Path
    sources: int
    selections: int
    codings: int
    users: int
    notes: int = 0

    def summary(self) -> str:
        counts = {
            "sources": ngettext("{n} source", "{n} sources", self.sources).format(
                n=self.sources),
            "selections": ngettext("{n} selection", "{n} selections", self.selections).format(
                n=self.selections),
            "codings": ngettext("{n} coding", "{n} codings", self.codings).format(
                n=self.codings),
            "coders": ngettext("{n} coder", "{n} coders", self.users).format(n=self.users),
            "notes": ngettext("{n} note", "{n} notes", self.notes).format(n=self.notes),
        }
        return _("wrote {path}: {sources}, {selections}, {codings} by {coders}, {notes}").format(
            path=self.path.name, **counts)


def source_text(kind: str, segments: list[Segment]) -> tuple[str, list[tuple[int, int]]]:
    """The plain text of a source and each segment's ``(start, end)`` in it.

    ``segments`` are the source's segments in reading order.
    """
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    heading: str | None = None

    def put(text: str) -> int:
        nonlocal length
        start = length
        parts.append(text)
        length += len(text)
        return start

    for seg in segments:
        if parts:
            put("\n\n")
        if kind == "survey" and seg.question:
            put(f"{seg.question}:\n")
        elif kind != "survey" and seg.heading and seg.heading != heading:
            put(f"{seg.heading}\n\n")
        heading = seg.heading
        start = put(seg.text)
        spans.append((start, start + len(seg.text)))
    return "".join(parts), spans


def _stamp(value: str | None) -> str | None:
    return value if value and _DATETIME.match(value) else None


def _kept_spans(
    text: str | None, segments: list[Segment], spans: dict[str, tuple[int, int]]
) -> list[tuple[int, int]] | None:
    """Each segment's ``(start, end)`` in its source's kept ``text``; None when there is no
    kept text or it does not hold every segment at its kept offsets."""
    if text is None:
        return None
    found = []
    for seg in segments:
        span = spans.get(seg.id)
        if span is None or text[span[0]:span[1]] != seg.text:
            return None
        found.append(span)
    return found


def export_qdpx(project: Project, path: Path | str) -> QdpxExport:
    """Write ``project`` as a REFI-QDA project archive (valid against Project.xsd)."""
    path = Path(path)
    book = project.codebook()
    sources = project.sources()
    by_source: dict[str, list[Segment]] = defaultdict(list)
    for seg in project.segments():
        by_source[seg.source_id].append(seg)
    codings = defaultdict(list)
    for coding in sorted(project.codings(), key=lambda c: (c.segment_id, c.coder, c.category)):
        codings[coding.segment_id].append(coding)
    stored_notes = segment_notes(project)  # the stored note behind each exported one
    notes_of: dict[str, list[NoteRow]] = defaultdict(list)
    for note in segment_note_list(project):
        notes_of[note.segment_id].append(note)
    coders = sorted({c.coder for cs in codings.values() for c in cs}
                    | {n.coder for ns in notes_of.values() for n in ns})
    variables = list(project.variable_names())
    for source in sources:
        variables += [v for v in source.variables if v not in variables]
    kept_texts: dict[str, str] = dict(
        project.conn.execute("SELECT source_id, text FROM source_texts"))
    kept_spans = {row[0]: (row[1], row[2]) for row in project.conn.execute(
        "SELECT segment_id, start_position, end_position FROM segment_spans")}

    root = ET.Element(_ns("Project"), {"name": xml_safe(project.name),
                                        "origin": f"qca {__version__}"})
    created = _stamp(project.meta("created_at"))
    if created:
        root.set("creationDateTime", created)
    if coders:
        users = _sub(root, "Users")
        for coder in coders:
            _sub(users, "User", guid=make_guid("user", coder), name=xml_safe(coder))
    if book.categories:
        codebook = _sub(root, "CodeBook")
        codebook.append(codes_element(book, PROJECT_NS))
    var_guid = {name: make_guid("variable", name) for name in variables}
    if variables:
        var_elem = _sub(root, "Variables")
        for name in variables:
            _sub(var_elem, "Variable", guid=var_guid[name], name=xml_safe(name),
                 typeOfVariable="Text")

    def add_values(parent: ET.Element, values: dict[str, str]) -> None:
        for name in variables:
            if name in values:
                vv = _sub(parent, "VariableValue")
                _sub(vv, "VariableRef", targetGUID=var_guid[name])
                _sub(vv, "TextValue").text = xml_safe(str(values[name]))

    if variables and sources:
        cases = _sub(root, "Cases")
        for source in sources:
            case = _sub(cases, "Case", guid=make_guid("case", source.id), name=xml_safe(source.id))
            add_values(case, source.variables)
            _sub(case, "SourceRef", targetGUID=make_guid("source", source.id))

    files: dict[str, bytes] = {}
    written_notes: list[tuple[str, NoteRow]] = []
    n_selections = n_codings = 0
    if sources:
        src_elem = _sub(root, "Sources")
        for source in sources:
            segs = by_source.get(source.id, [])
            if source.kind == "survey":
                segs = sorted(segs, key=lambda s: s.seq)
            else:
                segs = sorted(segs, key=lambda s: (s.position, s.seq))
            text = kept_texts.get(source.id)
            found = _kept_spans(text, segs, kept_spans)
            if text is not None and found is not None:
                ordered = sorted(zip(found, segs), key=lambda p: (p[0], p[1].seq))
                spans = [span for span, _ in ordered]
                segs = [seg for _, seg in ordered]
            else:
                text, spans = source_text(source.kind, segs)
            guid = make_guid("source", source.id)
            files[f"sources/{guid}.txt"] = text.encode("utf-8", errors="replace")
            ts = _sub(src_elem, "TextSource", guid=guid, name=xml_safe(source.id),
                      plainTextPath=f"internal://{guid}.txt")
            _sub(ts, "Description").text = xml_safe(
                f"qca {source.kind} source {source.id} from {source.name}\n"
                + meta_line(source_meta(source)))
            for seg, (start, end) in zip(segs, spans):
                sel = _sub(ts, "PlainTextSelection", guid=make_guid("segment", seg.id),
                           name=xml_safe(seg.id), startPosition=str(start),
                           endPosition=str(end))
                n_selections += 1
                origins = {f"{c.coder}\t{c.category}": c.origin for c in codings.get(seg.id, [])}
                _sub(sel, "Description").text = xml_safe(meta_line(segment_meta(seg, origins)))
                for coding in codings.get(seg.id, []):
                    c_elem = _sub(sel, "Coding",
                                  guid=make_guid("coding", seg.id, coding.category, coding.coder),
                                  creatingUser=make_guid("user", coding.coder),
                                  creationDateTime=_stamp(coding.created_at))
                    _sub(c_elem, "CodeRef", targetGUID=code_guid(coding.category))
                    n_codings += 1
                for i, note in enumerate(notes_of.get(seg.id, [])):
                    note_guid = make_guid("note", seg.id, note.coder, note.kind, str(i))
                    _sub(sel, "NoteRef", targetGUID=note_guid)
                    written_notes.append((note_guid, note))
            add_values(ts, source.variables)
    if written_notes:
        notes_elem = _sub(root, "Notes")
        for note_guid, note in written_notes:
            n_elem = _sub(notes_elem, "Note", guid=note_guid,
                          name=xml_safe(f"{note.kind} by {note.coder}"),
                          creatingUser=make_guid("user", note.coder),
                          creationDateTime=_stamp(note.time))
            stored = stored_notes[(note.segment_id, note.coder)]
            _sub(n_elem, "Description").text = xml_safe(meta_line(note_meta(
                note.segment_id, note.coder, stored.flagged, stored.memo, stored.updated_at)))
            _sub(n_elem, "PlainTextContent").text = xml_safe(
                note.text or "flagged for another look")
    _sub(root, "Description").text = xml_safe(meta_line(
        {"codebook": {"name": book.name, "description": book.description}}))

    qde = serialize(root, PROJECT_NS)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [("project.qde", qde), *sorted(files.items())]:
            if len(data) > _MAX_MEMBER:
                raise ExportError(
                    _("{name}: {name2} would be larger than 2 GB, the REFI-QDA limit; "
                      "export fewer sources").format(name=path.name, name2=name)
                )
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    write_bytes(path, buffer.getvalue())
    return QdpxExport(path, len(sources), n_selections, n_codings, len(coders),
                      len(written_notes))


# --- import --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QdpxImport:
    path: Path
    sources_added: int
    segments_added: int
    segments_present: int
    codings_added: int
    codings_present: int
    codes_added: list[str]
    codebook_version: int | None
    coders: list[str]
    skipped: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [ngettext("{n} source added", "{n} sources added", self.sources_added).format(
                     n=self.sources_added),
                 ngettext("{n} segment added", "{n} segments added", self.segments_added).format(
                     n=self.segments_added),
                 ngettext("{n} coding added", "{n} codings added", self.codings_added).format(
                     n=self.codings_added)]
        if self.coders:
            parts[-1] += " " + _("(coders: {coders})").format(coders=", ".join(self.coders))
        if self.codes_added:
            n = len(self.codes_added)
            parts.append(ngettext("{n} code added to the codebook (version {version})",
                                  "{n} codes added to the codebook (version {version})", n)
                         .format(n=n, version=self.codebook_version))
        present = self.segments_present + self.codings_present
        if present:
            parts.append(_("{segments} segments and {codings} codings already present").format(
                segments=self.segments_present, codings=self.codings_present))
        for what, n in sorted(self.skipped.items()):
            parts.append(_("{n} {what} skipped").format(n=n, what=_(what)))
        return f"{self.path.name}: " + ", ".join(parts)


@dataclass
class _Source:
    guid: str
    id: str
    variables: dict[str, str]
    text: str  # line ends normalised
    # (start, end) in the file's text -> {"text", "span" in .text, "codings": [...],
    # "meta": qca's own segment data or None, "notes": [note GUIDs]}
    segments: dict[tuple[int, int], dict]
    kind: str = "protocol"  # from qca's own source data (qca.refi.qcameta), else protocol
    name: str | None = None  # the file it came from, likewise


def _normalise_lines(text: str) -> tuple[str, list[int]]:
    """``text`` with ``\\r\\n`` and ``\\r`` as ``\\n``, and where its ``\\r\\n`` pairs began."""
    pairs = [m.start() for m in re.finditer("\r\n", text)]
    return text.replace("\r\n", "\n").replace("\r", "\n"), pairs


def _normalised_span(text: str, pairs: list[int], start: int, end: int) -> tuple[int, int]:
    """The offsets, in the normalised text, of ``text[start:end]`` without its surrounding
    blanks. The bounds then fall on non-blank characters, never inside a ``\\r\\n``."""
    raw = text[start:end]
    first = start + len(raw) - len(raw.lstrip())
    last = end - (len(raw) - len(raw.rstrip()))
    return (first - bisect.bisect_left(pairs, first - 1),
            last - bisect.bisect_left(pairs, last - 1))


def _coder_name(raw: str) -> str:
    name = " ".join(re.sub(r"[,;\t\r\n]", " ", raw).split())[:64].strip()
    return validate_coder(name)


def _open(path: Path) -> tuple[zipfile.ZipFile, str]:
    """The archive (read from disk as needed, never whole) and the name of its project.qde."""
    if not path.is_file():
        read_input(path, InputError)  # its one line for a missing file or a folder
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError(
            _("{name}: not a zip archive; a .qdpx is a REFI-QDA project exported as a zip")
            .format(name=path.name)
        ) from None
    except OSError as exc:
        raise InputError(_("{path}: cannot read ({strerror}); check the permissions")
                         .format(path=path, strerror=exc.strerror)) from None
    try:
        check_archive(archive, path.name)
        names = [n for n in archive.namelist() if n.lower().endswith(".qde") and "/" not in n]
        if not names:
            raise InputError(
                _("{name}: the archive holds no project.qde; export the project again as .qdpx")
                .format(name=path.name)
            )
    except BaseException:
        archive.close()
        raise
    return archive, names[0]



def _member(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > _MAX_MEMBER:
        raise InputError(_("{name}: {name2} is larger than 2 GB, the REFI-QDA limit")
                         .format(name=path.name, name2=name))
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        raise InputError(_("{name}: cannot unpack {name2} ({exc}); export it again")
                         .format(name=path.name, name2=name, exc=exc)) from None


def _merge_codes(
    current: Codebook, incoming: QdcResult
) -> tuple[Codebook, dict[str, str], list[str]]:
    """The project codebook with the incoming codes merged in (see the module docstring).

    Returns the merged codebook, incoming key -> project key, and the keys added.
    """
    merged = copy.deepcopy(current)
    if not merged.categories:
        merged.name = incoming.codebook.name
        merged.description = incoming.codebook.description
    taken = {k.casefold() for k in merged.keys()}
    mapping: dict[str, str] = {}
    added: list[str] = []

    def place(cat: Category, parent: Category | None, parent_is_new: bool,
              siblings: list[Category]) -> None:
        match = merged.get(cat.key) if cat.key in incoming.explicit_keys else None
        if match is None:
            folded = cat.name.strip().casefold()
            match = next((c for c in siblings if c.name.strip().casefold() == folded), None)
        if match is not None:
            mapping[cat.key] = match.key
            for kid in cat.children:
                place(kid, match, False, match.children)
            return
        key = cat.key if cat.key.casefold() not in taken else slug_key(cat.name, taken)
        taken.add(key.casefold())
        new = Category(
            key=key, name=cat.name, definition=cat.definition, anchors=list(cat.anchors),
            rule=cat.rule, shortcut=cat.shortcut, color=cat.color,
            questions=list(cat.questions) if parent is None else [],
            codable=cat.codable, parent=parent.key if parent else None,
        )
        if parent is not None and not parent_is_new and not parent.children \
                and parent.codable is None:
            parent.codable = True  # an existing leaf keeps being codable
        siblings.append(new)
        mapping[cat.key] = key
        added.append(key)
        for kid in cat.children:
            place(kid, new, True, new.children)

    for cat in incoming.codebook.categories:
        place(cat, None, False, merged.categories)
    _drop_clashing_shortcuts(merged, added)
    return merged, mapping, added


def _drop_clashing_shortcuts(book: Codebook, added: list[str]) -> None:
    """Remove the shortcuts of added categories that clash where they are offered
    (existing categories keep theirs; among added ones, the earlier keeps it)."""
    scopes = [None, *book.questions()]
    for key in reversed(added):
        cat = book.get(key)
        if cat is None or not cat.shortcut:
            continue
        for question in scopes:
            offered = book.codable_for_question(question)
            if any(c.key == key for c in offered) and any(
                    c.key != key and c.shortcut == cat.shortcut for c in offered):
                cat.shortcut = None
                break


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def import_qdpx(
    project: Project, path: Path | str, *, id_prefix: str = "", actor: str = "import"
) -> QdpxImport:
    """Import sources, codes and codings from a REFI-QDA project archive (``.qdpx``)."""
    path = Path(path)
    archive, qde = _open(path)
    with archive:
        parsed = _parse(project, path, archive, qde, id_prefix)
    with project.transaction():
        current = project.codebook()
        if parsed.incoming is not None:
            merged, mapping, added = _merge_codes(current, parsed.incoming)
        else:
            merged, mapping, added = current, {}, []
        merged.validate(path.name)
        plan = _plan(project, parsed.sources, merged, mapping, path.name, parsed.notes,
                     id_prefix)
        version = _write_import(project, path, parsed.sources, plan, merged, added,
                                sha=sha256_of(path), id_prefix=id_prefix,
                                actor=actor)
    return QdpxImport(path, len(plan.new_sources), len(plan.new_segments),
                      plan.present_segments, len(plan.new_codings), plan.present_codings,
                      added, version, plan.coders(), dict(parsed.skipped))


def _problems(where: str, problems: list[str], hint: str = "") -> InputError:
    more = (" " + _("(and {n} more)").format(n=len(problems) - _MAX_LISTED)
            if len(problems) > _MAX_LISTED else "")
    return InputError(_("{where}: {n} problem(s), nothing imported: {problems}").format(
        where=where, n=len(problems), problems="; ".join(problems[:_MAX_LISTED]) + more + hint))


# --- import: reading the file ----------------------------------------------------------------


@dataclass
class _Parsed:
    """What a ``.qdpx`` holds that qca imports."""

    incoming: QdcResult | None
    sources: list[_Source]
    skipped: dict[str, int]
    notes: dict[str, tuple[str, str, bool, str | None]]  # qca's notes by GUID (_read_notes)


def _parse(
    project: Project, path: Path, archive: zipfile.ZipFile, qde: str, id_prefix: str
) -> _Parsed:
    """Read users, codes, variables and sources; raise with every problem found.

    ``project.qde`` is parsed incrementally: when ``<Sources>`` begins, what comes before it
    in the REFI-QDA order (users, codebook, variables, cases) is complete and read; each
    source is then read as it ends and dropped from the tree.
    """
    reader: _SourceReader | None = None
    incoming: QdcResult | None = None
    root: ET.Element | None = None
    sources: ET.Element | None = None
    try:
        with archive.open(qde) as stream:
            for event, elem, parent in iterparse(stream):
                if parent is None:
                    if event == "start" and local(elem.tag) != "Project":
                        raise InputError(
                            _("{name}: {qde} has root <{local}>, not a REFI-QDA "
                              "<Project>; export the project again as .qdpx")
                            .format(name=path.name, qde=qde, local=local(elem.tag)))
                    root = elem
                elif event == "start" and parent is root and local(elem.tag) == "Sources":
                    sources = elem
                    incoming, reader = _start_sources(project, path, archive, root, id_prefix)
                elif event == "end" and reader is not None and parent is sources:
                    reader.read(elem)
                    parent.remove(elem)
                elif event == "end" and reader is not None and parent is root \
                        and local(elem.tag) in _BEFORE_SOURCES:
                    raise InputError(
                        _("{name}: {qde} has <{local}> after <Sources>, against "
                          "the REFI-QDA order; export the project again as .qdpx")
                        .format(name=path.name, qde=qde, local=local(elem.tag)))
    except XmlProblem as exc:
        raise InputError(f"{path.name} ({qde}): {exc}") from None
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
        raise InputError(_("{name}: cannot unpack {qde} ({exc}); export it again")
                         .format(name=path.name, qde=qde, exc=exc)) from None
    if reader is None:  # no <Sources> at all
        assert root is not None
        incoming, reader = _start_sources(project, path, archive, root, id_prefix)
    if reader.problems:
        raise _problems(path.name, reader.problems)
    if not reader.sources and incoming is None:
        raise InputError(_nothing_to_import(path.name, reader.skipped, reader.unread))
    # <Notes> and the project's <Description> follow <Sources> in the REFI-QDA order, so
    # qca's own notes and codebook name are read once the whole file is parsed.
    assert root is not None
    own_book = (read_meta(_description(root)) or {}).get("codebook")
    if incoming is not None and isinstance(own_book, dict):  # qca's own file: its name back
        incoming.codebook.name = str(own_book.get("name") or incoming.codebook.name)
        incoming.codebook.description = str(own_book.get("description") or "")
    return _Parsed(incoming, reader.sources, dict(reader.skipped), _read_notes(root))


_BEFORE_SOURCES = {"Users", "CodeBook", "Variables", "Cases"}


def _start_sources(
    project: Project, path: Path, archive: zipfile.ZipFile, root: ET.Element, id_prefix: str
) -> tuple[QdcResult | None, _SourceReader]:
    incoming = _incoming_codes(project, root, path)
    var_names = _variables(root)
    return incoming, _SourceReader(
        archive=archive, path=path, id_prefix=id_prefix, users=_users(root),
        default_user=norm_guid(root.get("creatingUserGUID")), var_names=var_names,
        case_values=_case_values(root, var_names),
        guid_to_key=incoming.guids if incoming else {},
    )


def _nothing_to_import(where: str, skipped: dict[str, int], unread: list[str]) -> str:
    """The one line for a project file with neither a readable source nor a code."""
    if unread:
        listed = ", ".join(unread[:_MAX_LISTED])
        more = (" " + _("and {n} more").format(n=len(unread) - _MAX_LISTED)
                if len(unread) > _MAX_LISTED else "")
        others = sum(skipped.values()) - len(unread)
        also = (" " + _("({n} other sources skipped as well)").format(n=others)
                if others else "")
        return _("{where}: nothing imported: the text of every source lies outside the "
                 "archive, which qca never reads: {listed}; export the project again with its "
                 "sources embedded").format(where=where, listed=listed + more + also)
    if skipped:
        counted = ", ".join(f"{n} {_(what)}" for what, n in sorted(skipped.items()))
        return _("{where}: nothing imported: no text source qca can read ({counted} "
                 "skipped); export the text sources, or their text, into the project").format(
            where=where, counted=counted)
    return _("{where}: nothing imported: the project has no sources and no codes; "
             "export the project again with its sources").format(where=where)


def _users(root: ET.Element) -> dict[str, str]:
    """Each ``<User>``'s GUID and its name as a qca coder."""
    users: dict[str, str] = {}
    users_elem = child(root, "Users")
    for user in children(users_elem, "User") if users_elem is not None else []:
        guid = norm_guid(user.get("guid"))
        if guid is None:
            continue
        label = user.get("name") or user.get("id") or f"user-{guid[:8]}"
        try:
            users[guid] = _coder_name(label)
        except CodingError:
            users[guid] = f"user-{guid[:8]}"
    return users


def _incoming_codes(project: Project, root: ET.Element, path: Path) -> QdcResult | None:
    """The file's ``<CodeBook>`` as a codebook, if it holds codes."""
    book_elem = child(root, "CodeBook")
    if book_elem is None or not any(local(e.tag) == "Code" for e in book_elem.iter()):
        return None
    try:
        return codebook_from_element(
            root, path.name, questions=project.questions() + project.codebook().questions(),
            default_name=(root.get("name") or path.stem).strip() or path.stem,
        )
    except CodebookError as exc:
        raise InputError(str(exc)) from None


def _variables(root: ET.Element) -> dict[str, str]:
    """Each ``<Variable>``'s GUID and name."""
    var_names: dict[str, str] = {}
    vars_elem = child(root, "Variables")
    for var in children(vars_elem, "Variable") if vars_elem is not None else []:
        guid = norm_guid(var.get("guid"))
        var_name = (var.get("name") or "").strip()
        if guid and var_name:
            var_names[guid] = var_name
    return var_names


def _values(elem: ET.Element, var_names: dict[str, str]) -> dict[str, str]:
    """The ``<VariableValue>``s of a source or case, by variable name."""
    out = {}
    for vv in children(elem, "VariableValue"):
        ref = child(vv, "VariableRef")
        name = var_names.get(norm_guid(ref.get("targetGUID")) or "") if ref is not None else None
        value_elem = next((c for c in vv if local(c.tag).endswith("Value")), None)
        if name is not None and value_elem is not None:
            out[name] = (value_elem.text or "").strip()
    return out


def _case_values(root: ET.Element, var_names: dict[str, str]) -> dict[str, dict[str, str]]:
    """The variable values of the cases that refer to each source, by the source's GUID."""
    case_values: dict[str, dict[str, str]] = defaultdict(dict)
    cases_elem = child(root, "Cases")
    for case in children(cases_elem, "Case") if cases_elem is not None else []:
        vals = _values(case, var_names)
        for source_ref in children(case, "SourceRef"):
            guid = norm_guid(source_ref.get("targetGUID"))
            if guid:
                case_values[guid].update(vals)
    return case_values


@dataclass
class _SourceReader:
    """Reads the sources, selections and codings as the file has them, collecting problems
    and what it skips."""

    archive: zipfile.ZipFile
    path: Path
    id_prefix: str
    users: dict[str, str]
    default_user: str | None
    var_names: dict[str, str]
    case_values: dict[str, dict[str, str]]
    guid_to_key: dict[str, str]
    sources: list[_Source] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    used_ids: set[str] = field(default_factory=set)
    unread: list[str] = field(default_factory=list)  # sources whose text is outside the archive
    members: dict[str, str] = field(init=False)  # an archive member by its lower-case name

    def __post_init__(self) -> None:
        self.members = {n.rsplit("/", 1)[-1].lower(): n for n in self.archive.namelist()}

    def read(self, elem: ET.Element) -> None:
        """Read one child of ``<Sources>``."""
        kind = local(elem.tag)
        text_elem = elem
        if kind == "PDFSource":
            representation = child(elem, "Representation")
            if representation is None:
                self.skipped[N_("PDF sources without text")] += 1
                return
            text_elem = representation
        elif kind != "TextSource":
            if kind:
                short = kind.removesuffix("Source").lower()
                self.skipped[_SKIPPED_KINDS.get(short, f"{short} sources")] += 1
            return
        guid = norm_guid(elem.get("guid")) or make_guid("anonymous", str(len(self.sources)))
        name = (elem.get("name") or "").strip() or guid
        text = self._text(text_elem, name)
        if text is None:
            return
        sid = f"{self.id_prefix}{name}"
        if sid in self.used_ids:
            sid = f"{sid} ({guid[:8]})"
        self.used_ids.add(sid)
        values = {**self.case_values.get(guid, {}), **_values(elem, self.var_names)}
        normalised, pairs = _normalise_lines(text)
        source = _Source(guid, sid, values, normalised, {})
        own = read_meta(_description(elem))
        if own and own.get("kind") in ("survey", "protocol"):  # a source qca wrote
            source.kind, source.name = own["kind"], str(own.get("name") or "") or None
        self.sources.append(source)
        fallback_user = norm_guid(elem.get("creatingUser")) or self.default_user
        self._selections(source, text_elem, text, pairs, _("source {name!r}").format(name=name),
                         fallback_user)

    def _text(self, text_elem: ET.Element, name: str) -> str | None:
        """A source's plain text, inline or from the archive; None if it has none."""
        label = _("source {name!r}").format(name=name)
        content = child(text_elem, "PlainTextContent")
        text_path = (text_elem.get("plainTextPath") or "").strip()
        if content is not None:
            return content.text or ""
        if not text_path.lower().startswith("internal://"):
            self.skipped[N_("sources without embedded plain text")] += 1
            self.unread.append(f"{name!r} ({text_path or _('no text')})")
            return None
        member = self.members.get(text_path[len("internal://"):].lower())
        if member is None:
            self.problems.append(_("{label}: {path} is not in the archive").format(
                label=label, path=text_path))
            return None
        try:
            return _member(self.archive, member, self.path).decode("utf-8-sig")
        except UnicodeDecodeError:
            self.problems.append(_("{label}: {member} is not UTF-8 text").format(
                label=label, member=member))
            return None

    def _selections(
        self, source: _Source, text_elem: ET.Element, text: str, pairs: list[int], label: str,
        fallback_user: str | None,
    ) -> None:
        """Read a source's selections (a coding of the whole source is one of its text)."""
        selections = [(s, _int(s.get("startPosition")), _int(s.get("endPosition")))
                      for s in children(text_elem, "PlainTextSelection")]
        if any(True for _ in children(text_elem, "Coding")):
            selections.append((text_elem, 0, len(text)))
        for sel, start, end in selections:
            if start is None or end is None or not 0 <= start <= end <= len(text):
                self.problems.append(
                    _("{label}: selection {start}-{end} lies outside its text of {n} "
                      "characters").format(label=label, start=sel.get("startPosition"),
                                           end=sel.get("endPosition"), n=len(text))
                )
                continue
            selected = text[start:end].replace("\r\n", "\n").replace("\r", "\n").strip()
            if not selected:
                self.skipped["empty selections"] += 1
                continue
            entry = source.segments.setdefault((start, end), {
                "text": selected, "span": _normalised_span(text, pairs, start, end),
                "codings": [], "notes": [],
                "meta": read_meta(_description(sel)) if sel is not text_elem else None})
            # which of these are qca's notes is known once <Notes> (after <Sources>) is read
            entry["notes"] += [g for g in (norm_guid(r.get("targetGUID"))
                                           for r in children(sel, "NoteRef")) if g]
            sel_user = norm_guid(sel.get("creatingUser")) if sel is not text_elem else None
            self._codings(sel, entry["codings"], label, sel_user or fallback_user)

    def _codings(self, sel: ET.Element, out: list, label: str, fallback_user: str | None) -> None:
        """Read a selection's codings as (code key, coder, time) into ``out``."""
        for coding in children(sel, "Coding"):
            ref = child(coding, "CodeRef")
            code = norm_guid(ref.get("targetGUID")) if ref is not None else None
            if code not in self.guid_to_key:
                self.problems.append(_("{label}: a coding refers to unknown code {guid}").format(
                    label=label, guid=ref.get("targetGUID") if ref is not None else "(none)"))
                continue
            who = norm_guid(coding.get("creatingUser")) or fallback_user
            coder = self.users.get(who or "", _NO_USER)
            out.append((self.guid_to_key[code], coder, _stamp(coding.get("creationDateTime"))))


# --- import: checking against the project and writing --------------------------------------

_NewSegment = tuple[str, str, str | None, int, str, tuple[int, int]]  # id, source, question,
# position, text, span in the source's kept text
_Extra = tuple[int, str | None, bool, int]  # qca's own: position, heading, substantive, seq


@dataclass
class _ImportPlan:
    """What an import adds to the project, and what it found there already."""

    new_sources: list[_Source] = field(default_factory=list)
    updated: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # source, variables
    new_segments: list[_NewSegment] = field(default_factory=list)
    new_codings: list[tuple[str, str, str, str | None, str]] = field(default_factory=list)
    extra: dict[str, _Extra] = field(default_factory=dict)  # by new segment id
    new_notes: list[Note] = field(default_factory=list)
    present_segments: int = 0
    present_codings: int = 0
    problems: list[str] = field(default_factory=list)
    conflict: bool = False  # a problem an id prefix or a new project avoids

    def coders(self) -> list[str]:
        return sorted({c for _, _, c, _, _ in self.new_codings})

    def adds_anything(self) -> bool:
        return bool(self.new_sources or self.updated or self.new_segments or self.new_codings
                    or self.new_notes)


def _plan(
    project: Project, sources: list[_Source], merged: Codebook, mapping: dict[str, str],
    where: str, notes: dict[str, tuple[str, str, bool, str | None]] | None = None,
    id_prefix: str = "",
) -> _ImportPlan:
    """Check the file's sources against the project and plan what is new; raise with every
    problem found."""
    old_sources = {r[0]: (r[1], json.loads(r[2]), r[3]) for r in project.conn.execute(
        "SELECT s.id, s.kind, s.variables, i.kind FROM sources s "
        "LEFT JOIN imports i ON i.id = s.import_id")}
    old_segments = {r[0]: (r[1], r[2]) for r in project.conn.execute(
        "SELECT id, text, question FROM segments")}
    existing = set(project.conn.execute("SELECT segment_id, category, coder FROM codings"))
    noted = set(project.conn.execute("SELECT segment_id, coder FROM notes"))
    plan = _ImportPlan()
    for source in sources:
        if _plan_source(plan, source, old_sources.get(source.id)):
            _plan_segments(plan, source, old_segments, existing, merged, mapping, id_prefix)
            _plan_notes(plan, source, notes or {}, noted, id_prefix)
    # qca's own segments come in the order they had (their seq); others in file order
    order = {s[0]: i for i, s in enumerate(plan.new_segments)}
    plan.new_segments.sort(key=lambda s: (plan.extra[s[0]][3], order[s[0]]))
    if plan.problems:
        raise _problems(where, plan.problems,
                        "; " + _("import into a new project or with an id prefix")
                        if plan.conflict else "")
    return plan


def _plan_source(
    plan: _ImportPlan, source: _Source, old: tuple[str, dict[str, str], str | None] | None
) -> bool:
    """Plan a source as new or as updated; False if it is another one of the project's."""
    if old is None:
        plan.new_sources.append(source)
        return True
    old_kind, old_values, how = old
    if how != "qdpx":  # only sources from an earlier .qdpx import are the same
        plan.problems.append(_("source {id!r} is already in the project as a {kind} source")
                             .format(id=source.id, kind=old_kind))
        plan.conflict = True
        return False
    clash = [k for k in source.variables
             if k in old_values and old_values[k] != source.variables[k]]
    if clash:
        k = clash[0]
        plan.problems.append(_("source {id!r} has {var}={old!r} in the project but {new!r} in "
                               "the file").format(id=source.id, var=k, old=old_values[k],
                                                  new=source.variables[k]))
        plan.conflict = True
    elif set(source.variables) - set(old_values):
        plan.updated.append((source.id, {**old_values, **source.variables}))
    return True


def _plan_segments(
    plan: _ImportPlan, source: _Source, old_segments: dict[str, tuple[str, str | None]],
    existing: set[tuple[str, str, str]], merged: Codebook, mapping: dict[str, str],
    id_prefix: str = "",
) -> None:
    """Plan a source's selections as new or present segments, and their codings.

    A selection with qca's own line (:mod:`qca.refi.qcameta`) gets back its segment's id,
    question, position, heading, mark, order and its codings' origins.
    """
    for (start, end), entry in sorted(source.segments.items()):
        seg_id, own = _segment_id(source, start, end, entry, id_prefix)
        keys = [mapping.get(k, k) for k, _, _ in entry["codings"]]
        if seg_id in old_segments:
            old_text, question = old_segments[seg_id]
            if old_text != entry["text"]:
                plan.problems.append(_("segment {id!r} is in the project with other text")
                                     .format(id=seg_id))
                plan.conflict = True
                continue
            plan.present_segments += 1
        else:
            question = own["question"] if "question" in own else _question_of(merged, keys)
            plan.new_segments.append((seg_id, source.id, question, start, entry["text"],
                                      entry["span"]))
            plan.extra[seg_id] = (_int(str(own.get("position"))) or start, own.get("heading"),
                                  own.get("substantive") is not False,
                                  _int(str(own.get("seq"))) or 0)
        raw_origins = own.get("origins")
        origins: dict = raw_origins if isinstance(raw_origins, dict) else {}
        offered = {c.key for c in merged.for_question(question) if c.is_codable}
        for key, (raw_key, coder, stamp) in zip(keys, entry["codings"]):
            cat = merged.get(key)
            if cat is None or not cat.is_codable:
                plan.problems.append(_("code {key!r} on {segment!r} is a group in qca, not "
                                       "codable").format(key=key, segment=seg_id))
            elif key not in offered:
                plan.problems.append(_("code {key!r} on {segment!r} belongs to another "
                                       "question than the segment's").format(key=key,
                                                                             segment=seg_id))
            elif (seg_id, key, coder) in existing:
                plan.present_codings += 1
            else:
                existing.add((seg_id, key, coder))
                origin = origins.get(f"{coder}\t{raw_key}")
                plan.new_codings.append((seg_id, key, coder, stamp,
                                         origin if origin in _ORIGINS else Origin.IMPORTED))


_ORIGINS = tuple(str(o) for o in Origin)


def _segment_id(source: _Source, start: int, end: int, entry: dict,
                id_prefix: str) -> tuple[str, dict]:
    """A selection's segment id, and qca's own data on it ({} for other tools' files)."""
    own = entry.get("meta") or {}
    if isinstance(own.get("id"), str):
        return f"{id_prefix}{own['id']}", own
    return f"{source.id}#{start}-{end}", own


def _plan_notes(plan: _ImportPlan, source: _Source,
                notes: dict[str, tuple[str, str, bool, str | None]],
                noted: set[tuple[str, str]], id_prefix: str) -> None:
    """Plan the memos and flags (qca's notes) that the source's selections refer to."""
    for (start, end), entry in sorted(source.segments.items()):
        seg_id, _ = _segment_id(source, start, end, entry, id_prefix)
        for guid in entry.get("notes", []):
            if guid not in notes:  # another tool's note: left out, as before
                continue
            coder, memo, flagged, at = notes[guid]
            if (seg_id, coder) not in noted:
                noted.add((seg_id, coder))
                plan.new_notes.append(Note(seg_id, coder, memo, flagged, at or now()))


def _write_import(
    project: Project, path: Path, sources: list[_Source], plan: _ImportPlan, merged: Codebook,
    added: list[str], *, sha: str, id_prefix: str, actor: str,
) -> int | None:
    """Write the plan and log it (inside the import's transaction); returns the new codebook
    version, if codes were added."""
    version = None
    if added:
        version = project.save_codebook(merged, author=actor, note=f"import {path.name}")
    if not plan.adds_anything() and not added:
        return version
    import_id = project.record_import(
        actor=actor, kind="qdpx", path=path, sha256=sha, options={"id_prefix": id_prefix},
        n_sources=len(plan.new_sources), n_segments=len(plan.new_segments),
    )
    project.add_sources([Source(s.id, s.kind, s.name or path.name, s.variables)
                         for s in plan.new_sources], import_id)
    project.set_source_variables(plan.updated)
    seq = project.next_seq()
    project.add_segments([Segment(sid, seq + i, src, q, *plan.extra[sid][:2], text,
                                  plan.extra[sid][2])
                          for i, (sid, src, q, _pos, text, _) in enumerate(plan.new_segments)],
                         import_id)
    _keep_texts(project, sources, {s.id for s in plan.new_sources}, plan.new_segments)
    names = [n for s in sources for n in s.variables]
    project.add_variable_names(list(dict.fromkeys(names)))
    cb_version = project.codebook_version()
    stamp_now = now()
    project.add_codings(Coding(seg, key, coder, origin, cb_version, stamp or stamp_now)
                        for seg, key, coder, stamp, origin in plan.new_codings)
    for note in plan.new_notes:
        project.put_note(note)
    project.log(actor, SourcesImported(
        path.name, import_id, "qdpx", sha, len(plan.new_sources), len(plan.new_segments),
        QdpxDetails(len(plan.new_codings), added, version, plan.coders()),
    ))
    return version


def _description(elem: ET.Element) -> str | None:
    desc = child(elem, "Description")
    return desc.text if desc is not None else None


def _read_notes(root: ET.Element) -> dict[str, tuple[str, str, bool, str | None]]:
    """qca's memos and flags in ``<Notes>``: note GUID -> (coder, memo, flagged, time).

    Only notes that carry qca's own line (:mod:`qca.refi.qcameta`) are read; other tools'
    notes are left out, as before.
    """
    out: dict[str, tuple[str, str, bool, str | None]] = {}
    notes_elem = child(root, "Notes")
    for note in children(notes_elem, "Note") if notes_elem is not None else []:
        guid = norm_guid(note.get("guid"))
        own = read_meta(_description(note))
        if guid is None or own is None or not isinstance(own.get("coder"), str):
            continue
        try:
            coder = _coder_name(own["coder"])
        except CodingError:
            continue
        content = child(note, "PlainTextContent")
        memo = own.get("memo")
        if not isinstance(memo, str):
            memo = (content.text or "") if content is not None else ""
        at = own.get("at") if isinstance(own.get("at"), str) else note.get("creationDateTime")
        out[guid] = (coder, memo, bool(own.get("flagged")), _stamp(at))
    return out


def _keep_texts(
    project: Project,
    sources: list[_Source],
    new_ids: set[str],
    new_segments: list[_NewSegment],
) -> None:
    """Keep the whole text of each new source, and the spans of the new segments of each
    source whose kept text is the file's (inside the import's transaction)."""
    with_text = set()
    for source in sources:
        if source.id in new_ids:
            project.keep_source_text(source.id, source.text)
            with_text.add(source.id)
        elif project.source_text(source.id) == source.text:
            with_text.add(source.id)
    project.set_segment_spans(
        [(seg_id, *span) for seg_id, src, _, _, _, span in new_segments if src in with_text]
    )


def _question_of(book: Codebook, keys: list[str]) -> str | None:
    """The one question that the groups of ``keys`` are bound to, if they agree."""
    common: set[str] | None = None
    for key in keys:
        top = book.top_level_of(key)
        if top is None or not top.questions:
            continue
        common = set(top.questions) if common is None else common & set(top.questions)
    if common and len(common) == 1:
        return next(iter(common))
    return None
