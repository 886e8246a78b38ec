"""Bringing survey answers and protocol passages into a project.

A survey row becomes a source (its id from ``--id-column``, else the file name and row
number) with every other column as a variable; each non-empty answer becomes a segment
``<source id>#<question>``. A protocol document becomes one source whose passages are
segments ``<source id>#<position>``; the project also keeps the protocol's whole text as
qca read it (headings included, see :func:`qca.importing.protocol.read_protocol_document`) and each
passage's offsets in it, so an export can hand on the whole document. Ids are derived from
the input, so re-importing the same file adds nothing, and a copy of the project holds the
same ids (``qca merge``).

An import is one transaction: a survey file is read, checked and written in batches within
it (memory does not grow with the file), a protocol is checked whole before it is written;
any error, anywhere in the file, leaves the project as it was.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qca.errors import InputError
from qca.fileio import sha256_of
from qca.events import SourcesImported
from qca.i18n import _, ngettext
from qca.importing.protocol import read_protocol_document
from qca.importing.survey import TableStream, open_table, require_table_type
from qca.store import ImportScratch, Project, Segment, Source

__all__ = [
    "ImportResult",
    "import_protocol",
    "import_survey",
    "is_substantive",
]

# Answers that say nothing: kept as segments, marked non-substantive, never dropped.
_NON_SUBSTANTIVE = {
    "", "-", "--", "---", "/", "//", "?", "??", ".", "..", "...", "x", "xx", "0",
    "ka", "k a", "keine angabe", "keine angaben", "k angabe", "na", "n a", "nv", "n v",
    "weiss nicht", "weiß nicht", "weis nicht", "wn", "w n", "keine ahnung", "unbekannt",
    "keine", "keiner", "keins", "nichts", "nein", "entfällt", "entfaellt", "entfallt",
    "siehe oben", "s o", "so", "siehe vorherige antwort", "trifft nicht zu", "nicht zutreffend",
    "kein kommentar", "keine antwort", "no answer", "none", "n/a", "nicht bekannt",
    "ist nicht bekannt", "mir nicht bekannt", "dito", "wie oben", "s oben", "vgl oben",
}
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)
_to_json = json.JSONEncoder(ensure_ascii=False).encode  # compares a row's variables
# A pointer to another answer ("vgl. Frage 1", "siehe Antwort oben") says nothing itself.
_REFERENCE = re.compile(r"^(siehe|vgl|s)( (frage|antwort|nr|oben|unten|vorherige\w*))+( \d+)?$")


_LONGEST_EMPTY = 40  # no answer that says nothing is longer than this


def is_substantive(text: str) -> bool:
    """False for answers such as "-", "k.A.", "weiß nicht" that carry no content."""
    if len(text) > _LONGEST_EMPTY:
        return True
    folded = unicodedata.normalize("NFC", text).casefold().strip()
    if folded in _NON_SUBSTANTIVE:
        return False
    squashed = _PUNCT.sub(" ", folded).strip()
    return squashed not in _NON_SUBSTANTIVE and not _REFERENCE.match(squashed)


@dataclass(frozen=True)
class ImportResult:
    path: Path
    sources_added: int
    sources_updated: int
    segments_added: int
    segments_unchanged: int
    non_substantive: int
    empty: int

    def summary(self) -> str:
        parts = [
            ngettext("{n} segment added", "{n} segments added", self.segments_added).format(
                n=self.segments_added),
            ngettext("{n} source added", "{n} sources added", self.sources_added).format(
                n=self.sources_added),
        ]
        if self.sources_updated:
            parts.append(ngettext("{n} source gained variables", "{n} sources gained variables",
                                  self.sources_updated).format(n=self.sources_updated))
        if self.segments_unchanged:
            parts.append(_("{n} already present").format(n=self.segments_unchanged))
        if self.non_substantive:
            parts.append(_("{n} non-substantive (kept, marked)").format(n=self.non_substantive))
        if self.empty:
            parts.append(_("{n} empty answers skipped").format(n=self.empty))
        return f"{self.path.name}: " + ", ".join(parts)



def _require_columns(path: Path, columns: list[str], wanted: list[tuple[str, str]]) -> None:
    for option, col in wanted:
        if col not in columns:
            shown = ", ".join(columns[:12]) + (", ..." if len(columns) > 12 else "")
            raise InputError(
                _("{name}: no column {col!r} (given by {option}); the columns are: {shown}")
                .format(name=path.name, col=col, option=option, shown=shown)
            )


def _existing(project: Project, ids: list[str], table: str, fields: str) -> dict[str, tuple]:
    """Rows of ``table`` whose id is in ``ids``, read in chunks."""
    found: dict[str, tuple] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for row in project.conn.execute(
            f"SELECT id, {fields} FROM {table} WHERE id IN ({marks})", chunk
        ):
            found[row[0]] = tuple(row[1:])
    return found


def _answers_by_question(
    project: Project, source_ids: Any
) -> dict[tuple[str, str | None], tuple[str, str]]:
    """(source id, question) -> (segment id, text) of the survey answers already held."""
    ids = list(source_ids)
    found: dict[tuple[str, str | None], tuple[str, str]] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for sid, question, seg_id, text in project.conn.execute(
            f"SELECT source_id, question, id, text FROM segments WHERE source_id IN ({marks})",
            chunk,
        ):
            found[(sid, question)] = (seg_id, text)
    return found


def import_survey(
    project: Project,
    path: Path | str,
    *,
    text_columns: list[str],
    id_column: str | None = None,
    variables: list[str] | None = None,
    question: str | None = None,
    question_column: str | None = None,
    sheet: str | None = None,
    id_prefix: str = "",
    actor: str = "import",
) -> ImportResult:
    """Import open answers from a CSV/TSV/XLSX survey export.

    The file is read and written in batches inside one transaction, so memory stays flat
    however long the file is, and a row that breaks a rule anywhere (or a kill) leaves the
    project as it was.

    Args:
        text_columns: the columns holding open answers; each becomes a question named after
            the column unless ``question`` or ``question_column`` says otherwise.
        id_column: the respondent id; without it rows are numbered ``<file>-<row>``.
        variables: the columns to keep as the source's variables (default: all others).
        question: the question name, with exactly one text column.
        question_column: a column naming each row's question (long exports).
        id_prefix: put before every id, to keep two surveys' respondent ids apart.

    Raises:
        InputError: a bad option, file or row, a clash with the project, or a file whose
            every answer is empty (nothing to import).
    """
    path = Path(path)
    require_table_type(path)
    if not text_columns:
        raise InputError(_("{name}: name the column with the answers using --text-column")
                         .format(name=path.name))
    if question and len(text_columns) > 1:
        raise InputError(
            _("{name}: --question names one question but {n} text columns "
              "were given; leave out --question to name each question after its column")
            .format(name=path.name, n=len(text_columns))
        )
    if question and question_column:
        raise InputError(_("{name}: give --question or --question-column, not both")
                         .format(name=path.name))
    with open_table(path, sheet=sheet) as table:
        wanted = [("--text-column", c) for c in text_columns]
        if id_column:
            wanted.append(("--id-column", id_column))
        if question_column:
            wanted.append(("--question-column", question_column))
        wanted += [("--var", v) for v in variables or []]
        _require_columns(path, table.columns, wanted)
        # A column that is one of the project's questions (or was, before a rename) holds
        # open answers imported on their own, not a variable of the respondent.
        aliases = project.question_aliases()
        special = (set(text_columns) | {id_column, question_column} | set(project.questions())
                   | set(aliases))
        shape = _Shape(path, text_columns, id_column, question, question_column, id_prefix,
                       list(variables) if variables else
                       [c for c in table.columns if c not in special], aliases)
        options = {"text_columns": text_columns, "id_column": id_column, "question": question,
                   "question_column": question_column, "sheet": sheet, "id_prefix": id_prefix}
        return _write_survey(project, shape, _survey_rows(table, shape), options, actor)


_BATCH = 2000  # rows read, checked and written at a time


@dataclass(frozen=True)
class _Shape:
    """How a survey file's columns become sources and segments."""

    path: Path
    text_columns: list[str]
    id_column: str | None
    question: str | None
    question_column: str | None
    id_prefix: str
    var_names: list[str]
    aliases: dict[str, str]  # a question's name before a rename -> its name now


@dataclass(frozen=True)
class _Row:
    line: int
    source_id: str
    raw_id: str
    values: dict[str, str]
    answers: list[tuple[int, str, str]]  # (text column's index, question, answer)
    empty: int


@dataclass
class _Tally:
    rows: int = 0
    sources_added: int = 0
    sources_updated: int = 0
    segments_added: int = 0
    segments_unchanged: int = 0
    non_substantive: int = 0
    empty: int = 0


class _NothingNew(Exception):
    """Every source and answer of the file is in the project already: roll back."""


def _survey_rows(table: TableStream, shape: _Shape) -> Iterator[_Row]:
    """The file's rows as sources with their answers, checked one row at a time."""
    name = shape.path.name
    for line, row in table:
        raw_id = ""
        if shape.id_column:
            raw_id = row[shape.id_column].strip()
            if not raw_id:
                raise InputError(
                    _("{name}, row {line}: empty id in column {id_column!r}; fill it in, "
                      "or import without --id-column to number the rows")
                    .format(name=name, line=line, id_column=shape.id_column)
                )
            source_id = f"{shape.id_prefix}{raw_id}"
        else:
            source_id = f"{shape.id_prefix}{shape.path.stem}-{line}"
        answers = []
        empty = 0
        for index, column in enumerate(shape.text_columns):
            if shape.question_column:
                q = row[shape.question_column].strip()
                if not q:
                    raise InputError(
                        _("{name}, row {line}: empty question in column "
                          "{question_column!r}; fill it in")
                        .format(name=name, line=line, question_column=shape.question_column)
                    )
            else:
                q = shape.question or column
            text = row[column].strip()
            if text:
                answers.append((index, q, text))
            else:
                empty += 1
        yield _Row(line, source_id, raw_id, {v: row[v].strip() for v in shape.var_names},
                   answers, empty)


def _write_survey(project: Project, shape: _Shape, rows: Iterator[_Row],
                  options: dict[str, Any], actor: str) -> ImportResult:
    """Check and write ``rows`` batch by batch in one transaction (see :func:`import_survey`).

    Answers of the first text column are written as they come; those of further columns
    wait in the scratch tables and follow, so a coder meets one question's answers at a
    time. An import that adds nothing is rolled back, leaving no trace.
    """
    path = shape.path
    sha = sha256_of(path)
    tally = _Tally()
    try:
        with project.transaction(), project.import_scratch() as scratch:
            import_id = project.record_import(actor=actor, kind="survey", path=path,
                                              sha256=sha, options=options, n_sources=0,
                                              n_segments=0)
            seq = project.next_seq()
            while batch := list(itertools.islice(rows, _BATCH)):
                seq = _write_batch(project, scratch, shape, batch, import_id, seq, tally)
            for later in scratch.later(_BATCH):
                project.add_segments((Segment(sid, seq + i, src, q, 1, None, text, bool(sub))
                                      for i, (sid, src, q, text, sub) in enumerate(later)),
                                     import_id)
                seq += len(later)
            if not tally.segments_added and not tally.segments_unchanged:
                raise InputError(_no_answers(shape, tally))
            if not (tally.sources_added or tally.sources_updated or tally.segments_added):
                raise _NothingNew
            project.set_import_counts(import_id, tally.sources_added, tally.segments_added)
            project.add_variable_names(shape.var_names)
            project.log(actor, SourcesImported(str(path.name), import_id, "survey", sha,
                                               tally.sources_added, tally.segments_added))
    except _NothingNew:
        tally.sources_updated = 0
    return ImportResult(path, tally.sources_added, tally.sources_updated, tally.segments_added,
                        tally.segments_unchanged, tally.non_substantive, tally.empty)


def _no_answers(shape: _Shape, tally: _Tally) -> str:
    columns = ", ".join(repr(c) for c in shape.text_columns)
    return ngettext("{name}: nothing imported: the text column {columns} is empty in all "
                    "{rows:,} rows; name the column with the answers using --text-column",
                    "{name}: nothing imported: the text columns {columns} are empty in all "
                    "{rows:,} rows; name the column with the answers using --text-column",
                    len(shape.text_columns)).format(name=shape.path.name, columns=columns,
                                                    rows=tally.rows)


def _write_batch(project: Project, scratch: ImportScratch, shape: _Shape, batch: list[_Row],
                 import_id: int, seq: int, tally: _Tally) -> int:
    """Check one batch of rows against the file so far and the project, write what is new;
    returns the next free ``seq``."""
    tally.rows += len(batch)
    tally.empty += sum(row.empty for row in batch)
    first = _first_sightings(scratch, shape, batch)
    old = _existing(project, list(first), "sources", "kind, variables")
    new_sources, updated = [], []
    for sid, values in first.items():
        if sid in old:
            grown = _merged_variables(shape.path, "survey", sid, values, *old[sid])
            if grown is not None:
                updated.append((sid, grown))
        else:
            new_sources.append(Source(sid, "survey", shape.path.name, values))
    project.add_sources(new_sources, import_id)
    project.set_source_variables(updated)
    tally.sources_added += len(new_sources)
    tally.sources_updated += len(updated)

    # A segment's id keeps the question's name in the file; a renamed question's answers
    # are labelled with its name now (so a re-import of the file adds nothing).
    answers = [(f"{row.source_id}#{q}", row, index, shape.aliases.get(q, q), text)
               for row in batch for index, q, text in row.answers]
    if shape.question_column:
        _check_second_answers(scratch, shape, answers)
    known = _existing(project, [a[0] for a in answers], "segments", "text")
    # The same answer under another id (a question renamed, or imported once with
    # --question and once without) is already present, not a new segment.
    answered = _answers_by_question(
        project, dict.fromkeys(a[1].source_id for a in answers if a[0] not in known))
    now_rows: list[Segment] = []
    later_rows: list[tuple[int, int, str, str, str | None, str, int]] = []
    for seg_id, row, index, q, text in answers:
        if seg_id in known:
            if known[seg_id][0] != text:
                raise _changed(shape.path, seg_id)
            tally.segments_unchanged += 1
            continue
        held = answered.get((row.source_id, q))
        if held is not None:
            if held[1] != text:
                raise InputError(
                    _("{name}, row {line}: {source!r} has another answer to question "
                      "{question!r} in the project (segment {segment!r}); remove that import "
                      "first ('qca imports') or import with --id-prefix").format(
                        name=shape.path.name, line=row.line, source=row.source_id, question=q,
                        segment=held[0])
                )
            tally.segments_unchanged += 1
            continue
        substantive = is_substantive(text)
        tally.non_substantive += not substantive
        if index == 0:
            now_rows.append(Segment(seg_id, seq + len(now_rows), row.source_id, q, 1, None,
                                    text, substantive))
        else:
            later_rows.append((index, row.line, seg_id, row.source_id, q, text,
                               int(substantive)))
    project.add_segments(now_rows, import_id)
    scratch.put_later(later_rows)
    tally.segments_added += len(now_rows) + len(later_rows)
    return seq + len(now_rows)


def _first_sightings(scratch: ImportScratch, shape: _Shape,
                     batch: list[_Row]) -> dict[str, dict[str, str]]:
    """The sources first seen in ``batch`` (their variables); a source seen before must be a
    long export's next row with the same variables."""
    name = shape.path.name
    seen = scratch.seen_sources(list(dict.fromkeys(row.source_id for row in batch)))
    first: dict[str, dict[str, str]] = {}
    sightings = []
    long_export = shape.question_column is not None
    for row in batch:
        as_json = _to_json(row.values) if long_export else ""  # compared in long exports only
        prior = seen.get(row.source_id)
        if prior is None:
            seen[row.source_id] = (row.line, as_json)
            first[row.source_id] = row.values
            sightings.append((row.source_id, row.line, as_json))
            continue
        if shape.question_column is None:
            raise InputError(
                _("{name}, row {line}: duplicate id {raw_id!r} in column "
                  "{id_column!r} (first in row {prior}); ids must be unique")
                .format(name=name, line=row.line, raw_id=row.raw_id, id_column=shape.id_column, prior=prior[0])
            )
        if prior[1] != as_json:
            raise InputError(
                _("{name}, row {line}: id {raw_id!r} has other variable values than in "
                  "row {prior}; one respondent must have one set of values")
                .format(name=name, line=row.line, raw_id=row.raw_id, prior=prior[0])
            )
    scratch.see_sources(sightings)
    return first


def _check_second_answers(scratch: ImportScratch, shape: _Shape,
                          answers: list[tuple[str, _Row, int, str, str]]) -> None:
    """A respondent answers a question once (long exports name the question per row)."""
    seen = scratch.seen_segments(list({a[0] for a in answers}))
    sightings = []
    for seg_id, row, _pos, q, _text in answers:
        if seg_id in seen:
            raise InputError(
                _("{name}, row {line}: a second answer of {source_id!r} to "
                  "question {q!r} (first in row {seen}); each respondent answers "
                  "a question once")
                .format(name=shape.path.name, line=row.line, source_id=row.source_id, q=q, seen=seen[seg_id])
            )
        seen[seg_id] = row.line
        sightings.append((seg_id, row.line))
    scratch.see_segments(sightings)


def _merged_variables(path: Path, kind: str, sid: str, values: dict[str, str], old_kind: str,
                      old_json: str) -> dict[str, str] | None:
    """A source already in the project: its variables with the file's added, ``None`` if the
    file adds none; an :class:`InputError` if the two disagree."""
    if old_kind != kind:
        raise InputError(
            _("{name}: id {sid!r} is already a {old_kind} source; use --id-prefix "
              "(surveys) or --source-id (protocols) to keep them apart")
            .format(name=path.name, sid=sid, old_kind=old_kind)
        )
    old_values = json.loads(old_json)
    clash = [k for k in values if k in old_values and old_values[k] != values[k]]
    if clash:
        k = clash[0]
        raise InputError(
            _("{name}: source {sid!r} has {k}={old_values!r} in the project but "
              "{values!r} in this file; use --id-prefix if these are other respondents")
            .format(name=path.name, sid=sid, k=k, old_values=old_values[k], values=values[k])
        )
    if set(values) - set(old_values):
        return {**old_values, **values}
    return None


def _changed(path: Path, seg_id: str) -> InputError:
    return InputError(
        _("{name}: segment {seg_id!r} is in the project with other text; "
          "the file changed since it was imported, import it as a new project or "
          "with --id-prefix").format(name=path.name, seg_id=seg_id)
    )


def import_protocol(
    project: Project,
    path: Path | str,
    *,
    variables: dict[str, str] | None = None,
    question: str | None = None,
    source_id: str | None = None,
    actor: str = "import",
) -> ImportResult:
    """Import a protocol document (.txt, .md, .docx) as one source of passages.

    The source keeps the document's whole text and each passage's offsets in it. When a
    re-import adds passages to a source already in the project, the new text replaces the
    kept one if it holds all of the source's segments; otherwise the kept text stays.
    """
    path = Path(path)
    document = read_protocol_document(path)
    if not document.passages:
        raise InputError(_("{name}: no text passages found; is the document empty?")
                         .format(name=path.name))
    sid = source_id or path.stem
    segments = [
        {"id": f"{sid}#{p.position}", "source_id": sid, "question": question, "text": p.text,
         "position": p.position, "heading": p.heading, "span": span}
        for p, span in zip(document.passages, document.spans)
    ]
    return _write(
        project, path, kind="protocol", sources={sid: dict(variables or {})}, segments=segments,
        var_names=list(variables or {}), empty=0, actor=actor,
        options={"question": question, "source_id": sid, "variables": variables or {}},
        texts={sid: document.text},
    )


def _write(
    project: Project,
    path: Path,
    *,
    kind: str,
    sources: dict[str, dict[str, str]],
    segments: list[dict[str, Any]],
    var_names: list[str],
    empty: int,
    actor: str,
    options: dict[str, Any],
    texts: dict[str, str] | None = None,
) -> ImportResult:
    """Check ``segments`` against the project and write what is new, in one transaction.

    ``texts`` holds a source's whole text where there is one; its segments then carry
    their ``span`` in it.
    """
    sha = sha256_of(path)
    aliases = project.question_aliases()
    for seg in segments:
        seg["question"] = aliases.get(seg["question"], seg["question"])
    with project.transaction():
        old_sources = _existing(project, list(sources), "sources", "kind, variables")
        old_segments = _existing(project, [s["id"] for s in segments], "segments", "text")
        new_sources, updated = [], []
        for sid, values in sources.items():
            if sid not in old_sources:
                new_sources.append(sid)
                continue
            grown = _merged_variables(path, kind, sid, values, *old_sources[sid])
            if grown is not None:
                updated.append((sid, grown))
        fresh = []
        answered = _answers_by_question(project, sources) if kind == "survey" else {}
        for seg in segments:
            old = old_segments.get(seg["id"])
            if old is None:
                # The same answer under another id (a question renamed, or imported once
                # with --question and once without) is already present, not a new segment.
                held = answered.get((seg["source_id"], seg["question"]))
                if held is None:
                    fresh.append(seg)
                elif held[1] != seg["text"]:
                    raise InputError(
                        _("{name}: {source!r} has another answer to question {question!r} in "
                          "the project (segment {segment!r}); remove that import first ('qca "
                          "imports') or import with --id-prefix").format(
                            name=path.name, source=seg["source_id"], question=seg["question"],
                            segment=held[0])
                    )
            elif old[0] != seg["text"]:
                raise _changed(path, seg["id"])
        if not new_sources and not updated and not fresh:
            return ImportResult(path, 0, 0, 0, len(segments), 0, empty)

        import_id = project.record_import(
            actor=actor, kind=kind, path=path, sha256=sha, options=options,
            n_sources=len(new_sources), n_segments=len(fresh),
        )
        project.add_sources(
            [Source(sid, kind, path.name, sources[sid]) for sid in new_sources], import_id
        )
        project.set_source_variables(updated)
        seq = project.next_seq()
        non_substantive = 0
        rows = []
        for offset, seg in enumerate(fresh):
            substantive = kind == "protocol" or is_substantive(seg["text"])
            non_substantive += not substantive
            rows.append(
                Segment(seg["id"], seq + offset, seg["source_id"], seg["question"],
                        seg.get("position", 1), seg.get("heading"), seg["text"], substantive)
            )
        project.add_segments(rows, import_id)
        if texts:
            _write_texts(project, texts, segments, set(new_sources),
                         {seg["source_id"] for seg in fresh})
        project.add_variable_names(var_names)
        project.log(actor, SourcesImported(str(path.name), import_id, kind, sha,
                                           len(new_sources), len(fresh)))
    return ImportResult(
        path, len(new_sources), len(updated), len(fresh), len(segments) - len(fresh),
        non_substantive, empty,
    )


def _write_texts(
    project: Project,
    texts: dict[str, str],
    segments: list[dict[str, Any]],
    new_sources: set[str],
    grown: set[str],
) -> None:
    """Keep each source's whole text and its segments' spans (inside the import's
    transaction, after the segments are written).

    A new source gets its text. A source already in the project gets the new text only
    when this import added segments to it and the text holds every segment it has; else
    its kept text (or none) stays, and an export rebuilds its text as before.
    """
    spans = {seg["id"]: seg["span"] for seg in segments if "span" in seg}
    for sid, text in texts.items():
        if sid not in new_sources:
            if sid not in grown:
                continue
            held = [row[0] for row in project.conn.execute(
                "SELECT id FROM segments WHERE source_id = ?", (sid,))]
            if any(seg_id not in spans for seg_id in held):
                continue
        project.keep_source_text(sid, text)
        project.set_segment_spans(
            [(seg["id"], *seg["span"]) for seg in segments
             if seg["source_id"] == sid and "span" in seg]
        )
