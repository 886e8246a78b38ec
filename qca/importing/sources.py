"""Bringing survey answers and protocol passages into a project.

A survey row becomes a source (its id from ``--id-column``, else the file name and row
number) with every other column as a variable; each non-empty answer becomes a segment
``<source id>#<question>``. A protocol document becomes one source whose passages are
segments ``<source id>#<position>``; the project also keeps the protocol's whole text as
qca read it (headings included, see :func:`qca.importing.protocol.read_protocol_document`) and each
passage's offsets in it, so an export can hand on the whole document. Ids are derived from
the input, so re-importing the same file adds nothing, and a copy of the project holds the
same ids (``qca merge``).

Everything is checked before anything is written; an import is one transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qca.errors import InputError
from qca.events import SourcesImported
from qca.importing.protocol import read_protocol_document
from qca.importing.survey import read_table, require_table_type
from qca.store import Project, Segment, Source

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
            f"{self.segments_added} segments added",
            f"{self.sources_added} sources added",
        ]
        if self.sources_updated:
            parts.append(f"{self.sources_updated} sources gained variables")
        if self.segments_unchanged:
            parts.append(f"{self.segments_unchanged} already present")
        if self.non_substantive:
            parts.append(f"{self.non_substantive} non-substantive (kept, marked)")
        if self.empty:
            parts.append(f"{self.empty} empty answers skipped")
        return f"{self.path.name}: " + ", ".join(parts)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _require_columns(path: Path, columns: list[str], wanted: list[tuple[str, str]]) -> None:
    for option, col in wanted:
        if col not in columns:
            shown = ", ".join(columns[:12]) + (", ..." if len(columns) > 12 else "")
            raise InputError(
                f"{path.name}: no column {col!r} (given by {option}); the columns are: {shown}"
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

    Args:
        text_columns: the columns holding open answers; each becomes a question named after
            the column unless ``question`` or ``question_column`` says otherwise.
        id_column: the respondent id; without it rows are numbered ``<file>-<row>``.
        variables: the columns to keep as the source's variables (default: all others).
        question: the question name, with exactly one text column.
        question_column: a column naming each row's question (long exports).
        id_prefix: put before every id, to keep two surveys' respondent ids apart.
    """
    path = Path(path)
    require_table_type(path)
    if not text_columns:
        raise InputError(f"{path.name}: name the column with the answers using --text-column")
    if question and len(text_columns) > 1:
        raise InputError(
            f"{path.name}: --question names one question but {len(text_columns)} text columns "
            "were given; leave out --question to name each question after its column"
        )
    if question and question_column:
        raise InputError(f"{path.name}: give --question or --question-column, not both")
    table = read_table(path, sheet=sheet)
    wanted = [("--text-column", c) for c in text_columns]
    if id_column:
        wanted.append(("--id-column", id_column))
    if question_column:
        wanted.append(("--question-column", question_column))
    wanted += [("--var", v) for v in variables or []]
    _require_columns(path, table.columns, wanted)

    # A column that is one of the project's questions (or was, before a rename) holds open
    # answers imported on their own, not a variable of the respondent.
    special = (set(text_columns) | {id_column, question_column} | set(project.questions())
               | set(project.question_aliases()))
    var_names = list(variables) if variables else [c for c in table.columns if c not in special]

    sources: dict[str, dict[str, str]] = {}
    source_rows: dict[str, int] = {}
    segments: list[dict[str, Any]] = []
    seen_segments: dict[str, int] = {}
    empty = 0
    for row, line in zip(table.rows, table.row_numbers):
        if id_column:
            raw_id = row[id_column].strip()
            if not raw_id:
                raise InputError(
                    f"{path.name}, row {line}: empty id in column {id_column!r}; fill it in, "
                    "or import without --id-column to number the rows"
                )
            source_id = f"{id_prefix}{raw_id}"
        else:
            source_id = f"{id_prefix}{path.stem}-{line}"
        values = {v: row[v].strip() for v in var_names}
        if source_id in sources:
            if question_column is None:
                raise InputError(
                    f"{path.name}, row {line}: duplicate id {raw_id!r} in column "
                    f"{id_column!r} (first in row {source_rows[source_id]}); ids must be unique"
                )
            if sources[source_id] != values:
                raise InputError(
                    f"{path.name}, row {line}: id {raw_id!r} has other variable values than in "
                    f"row {source_rows[source_id]}; one respondent must have one set of values"
                )
        else:
            sources[source_id] = values
            source_rows[source_id] = line
        for column in text_columns:
            if question_column:
                q = row[question_column].strip()
                if not q:
                    raise InputError(
                        f"{path.name}, row {line}: empty question in column "
                        f"{question_column!r}; fill it in"
                    )
            else:
                q = question or column
            text = row[column].strip()
            if not text:
                empty += 1
                continue
            segment_id = f"{source_id}#{q}"
            if segment_id in seen_segments:
                raise InputError(
                    f"{path.name}, row {line}: a second answer of {source_id!r} to question "
                    f"{q!r} (first in row {seen_segments[segment_id]}); each respondent answers "
                    "a question once"
                )
            seen_segments[segment_id] = line
            segments.append(
                {"id": segment_id, "source_id": source_id, "question": q, "text": text,
                 "column": text_columns.index(column), "line": line}
            )
    if not segments and not sources:
        raise InputError(f"{path.name}: no rows to import")

    # Question-major order: a coder works through one question's answers at a time.
    segments.sort(key=lambda s: (s["column"], s["line"]))
    return _write(
        project, path, kind="survey", sources=sources, segments=segments, var_names=var_names,
        empty=empty, actor=actor,
        options={"text_columns": text_columns, "id_column": id_column, "question": question,
                 "question_column": question_column, "sheet": sheet, "id_prefix": id_prefix},
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
        raise InputError(f"{path.name}: no text passages found; is the document empty?")
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
    sha = _sha256(path)
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
            old_kind, old_json = old_sources[sid]
            if old_kind != kind:
                raise InputError(
                    f"{path.name}: id {sid!r} is already a {old_kind} source; use --id-prefix "
                    "(surveys) or --source-id (protocols) to keep them apart"
                )
            old_values = json.loads(old_json)
            clash = [k for k in values if k in old_values and old_values[k] != values[k]]
            if clash:
                k = clash[0]
                raise InputError(
                    f"{path.name}: source {sid!r} has {k}={old_values[k]!r} in the project but "
                    f"{values[k]!r} in this file; use --id-prefix if these are other respondents"
                )
            if set(values) - set(old_values):
                updated.append((sid, {**old_values, **values}))
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
                        f"{path.name}: {seg['source_id']!r} has another answer to question "
                        f"{seg['question']!r} in the project (segment {held[0]!r}); remove "
                        "that import first ('qca imports') or import with --id-prefix"
                    )
            elif old[0] != seg["text"]:
                raise InputError(
                    f"{path.name}: segment {seg['id']!r} is in the project with other text; "
                    "the file changed since it was imported, import it as a new project or "
                    "with --id-prefix"
                )
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
