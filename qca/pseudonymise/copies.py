"""Pseudonymised copies of a project, their key, and restoring the originals.

``qca pseudonymise PROJECT DEST.qca`` writes DEST, a consistent copy of PROJECT in which
personal data is replaced by pseudonyms such as ``[Person 1]``, ``[E-Mail 2]``, ``[Ort 3]``,
in every place a text of the material is kept:

- segment texts and headings, protocol documents (a source's whole text, with its
  passages' offsets moved to match), source names and survey variables;
- memos: the coders' notes, coding memos, and the memos and consensus reasons inside the
  event log's ``before``/``after`` (else an old memo in the log would keep the name).

Ids, codings, flags, coders and the order of everything stay, so agreement, counts and
exports of DEST equal PROJECT's except for the replaced words. Stored linguistic features
are dropped (they hold the words; they are recomputed) and the file is vacuumed, so no
free page of DEST keeps an original.

The same person gets the same pseudonym everywhere (see :class:`~qca.pseudonymise.detect.
Terms`); numbers follow the order in which pseudonyms first occur. The **key** is a CSV
file beside DEST (never inside it): one row per replacement with the copy's id, where the
text lies (table, row, column, path inside a JSON column), the offset in the pseudonymised
text, the kind, the pseudonym and the original. ``qca pseudonymise --reverse DEST KEY.csv
OUT.qca`` puts every original back, byte for byte; memos a coder changed in DEST since are
kept as they are. A key that belongs to another copy, or whose pseudonyms are not where it
says, is refused before anything is written.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import tempfile
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qca.errors import InputError, ProjectError
from qca.events import (
    CopyPseudonymised,
    CopyRestored,
    Payload,
    dumps,
    free_text_at,
    free_texts,
    loads,
    with_free_text,
)
from qca.i18n import N_, _, ngettext
from qca.pseudonymise.detect import KINDS, Detector, Finding, Terms, build_terms
from qca.store import Project, TextRewrite, rewrite_texts

__all__ = [
    "KEY_COLUMNS",
    "KeyMapping",
    "Plan",
    "Replacement",
    "Restored",
    "Where",
    "Written",
    "default_key_path",
    "keyed_copy",
    "plan_copy",
    "pseudonymise",
    "read_names",
    "reverse_copy",
    "write_copy",
]

KEY_COLUMNS = ("copy", "table", "row", "column", "path", "start", "kind", "pseudonym",
               "original")
_EDITABLE = frozenset({"notes", "codings"})  # a coder may change these after the copy
_PERSONAL_VARIABLES = (
    (re.compile(r"(?i)^(e-?mail|mail)"), "E-Mail"),
    (re.compile(r"(?i)^(telefon|tel\b|handy|mobil|phone)"), "Telefon"),
    (re.compile(r"(?i)^(adresse|anschrift|stra(ß|ss)e|address)"), "Adresse"),
    (re.compile(r"(?i)^(wohnort|ort|stadt|gemeinde|city)$"), "Ort"),
    (re.compile(r"(?i)^(name|vorname|nachname|familienname|ansprechpartner(in)?|kontakt)$"),
     "Person"),
)
_TABLE_LABELS = {
    "segments": N_("segment texts"), "source_texts": N_("protocol documents"),
    "sources": N_("sources"), "notes": N_("memos"), "codings": N_("coding memos"),
    "events": N_("event log"),
}


@dataclass(frozen=True)
class Where:
    """Where one text lies: a row's column, and the path to a string inside a JSON column."""

    table: str
    row: tuple[Any, ...]
    column: str
    path: tuple[str, ...] = ()

    def label(self) -> str:
        inner = "".join(f"[{p}]" for p in self.path)
        return f"{self.table} {'/'.join(map(str, self.row))} {self.column}{inner}"


@dataclass(frozen=True)
class Replacement:
    """One replaced piece: ``pseudonym`` stands at ``start`` of the new text at ``where``."""

    where: Where
    start: int
    kind: str
    pseudonym: str
    original: str


@dataclass
class Plan:
    """What a pseudonymised copy replaces, and the texts it writes."""

    replacements: list[Replacement]
    rewrite: TextRewrite
    terms: int
    rules: Counter[str] = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)  # ids, names, codebook entries kept as is

    def kept_note(self) -> str:
        """A warning naming ids and file names that hold a found term and stay as they are."""
        if not self.kept:
            return ""
        listed = ", ".join(self.kept[:5]) + (" ..." if len(self.kept) > 5 else "")
        return _("note: {n} ids, file names or codebook entries hold a replaced term and stay "
                 "as they are (ids must not change): {listed}").format(n=len(self.kept),
                                                                      listed=listed)

    def summary(self, dest: str) -> str:
        """The dry run's report: per kind the pseudonyms, occurrences and examples."""
        if not self.replacements:
            return _("nothing to replace; {dest} would be a plain copy").format(dest=dest)
        by_kind: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
        tables: Counter[str] = Counter()
        for rep in self.replacements:
            by_kind[rep.kind][(rep.original, rep.pseudonym)] += 1
            tables[_(_TABLE_LABELS.get(rep.where.table, rep.where.table))] += 1
        where = ", ".join(f"{label} {n}" for label, n in tables.most_common())
        n = len(self.replacements)
        lines = [ngettext("would replace {n} occurrence ({where}):",
                          "would replace {n} occurrences ({where}):", n).format(n=n, where=where)]
        for kind in KINDS:
            pairs = by_kind.get(kind)
            if not pairs:
                continue
            pseudonyms = {p for _, p in pairs}
            examples = ", ".join(f"{o!r} → {p}" for (o, p), _ in pairs.most_common(4))
            found = ngettext("{n} pseudonym", "{n} pseudonyms", len(pseudonyms)).format(
                n=len(pseudonyms))
            occurrences = ngettext("{n} occurrence", "{n} occurrences",
                                   sum(pairs.values())).format(n=sum(pairs.values()))
            lines.append(f"  {kind:<12} {found}, {occurrences}: {examples}")
        if self.rules:
            rules = ", ".join(f"{_(rule)} {n}"
                              for rule, n in self.rules.most_common())
            lines.append(_("found by: {rules}").format(rules=rules))
        if self.kept:
            lines.append(self.kept_note())
        lines.append(_("nothing written; without --dry-run this writes {dest} and its key")
                     .format(dest=dest))
        return "\n".join(lines)

    def counts(self) -> dict[str, int]:
        return dict(Counter(r.kind for r in self.replacements))


# --- reading what a project holds ------------------------------------------------------


@dataclass
class _Material:
    sources: list[tuple[str, str, str]]  # id, name, variables (JSON)
    source_texts: dict[str, str]
    spans: dict[str, tuple[int, int]]  # segment id → offsets in its source's text
    segments: list[tuple[str, str, str | None, str]]  # id, source id, heading, text
    notes: list[tuple[str, str, str]]  # segment, coder, memo
    coding_memos: list[tuple[str, str, str, str]]  # segment, category, coder, memo
    events: list[tuple[int, str | None, str | None]]  # id, before, after


def _read(project: Project) -> _Material:
    conn = project.conn
    return _Material(
        sources=list(conn.execute("SELECT id, name, variables FROM sources ORDER BY rowid")),
        source_texts=dict(conn.execute("SELECT source_id, text FROM source_texts")),
        spans={r[0]: (r[1], r[2]) for r in conn.execute(
            "SELECT segment_id, start_position, end_position FROM segment_spans")},
        segments=list(conn.execute(
            "SELECT id, source_id, heading, text FROM segments ORDER BY seq")),
        notes=list(conn.execute(
            "SELECT n.segment_id, n.coder, n.memo FROM notes n JOIN segments s "
            "ON s.id = n.segment_id WHERE n.memo != '' ORDER BY s.seq, n.coder")),
        coding_memos=list(conn.execute(
            "SELECT c.segment_id, c.category, c.coder, c.memo FROM codings c JOIN segments s "
            "ON s.id = c.segment_id WHERE c.memo != '' ORDER BY s.seq, c.category, c.coder")),
        events=list(conn.execute(
            "SELECT id, before, after FROM events WHERE before IS NOT NULL "
            "OR after IS NOT NULL ORDER BY id")),
    )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _texts(m: _Material) -> Iterator[tuple[Where, str]]:
    """Every text of the material, in a stable order (sources, documents, segments, memos,
    the log)."""
    for sid, name, variables in m.sources:
        yield Where("sources", (sid,), "name"), name
        for var, value in json.loads(variables).items():
            if isinstance(value, str) and value:
                yield Where("sources", (sid,), "variables", (var,)), value
    for sid, text in m.source_texts.items():
        yield Where("source_texts", (sid,), "text"), text
    for seg_id, _, heading, text in m.segments:
        if heading:
            yield Where("segments", (seg_id,), "heading"), heading
        yield Where("segments", (seg_id,), "text"), text
    for seg_id, coder, memo in m.notes:
        yield Where("notes", (seg_id, coder), "memo"), memo
    for seg_id, cat, coder, memo in m.coding_memos:
        yield Where("codings", (seg_id, cat, coder), "memo"), memo
    for event_id, before, after in m.events:
        for column, raw in (("before", before), ("after", after)):
            if raw is not None:
                for path, text in free_texts(loads(raw)):
                    yield Where("events", (event_id,), column, path), text


# --- planning ----------------------------------------------------------------------------


class _Pseudonyms:
    """Numbers each entity's pseudonym in the order pseudonyms first occur; with ``fixed``
    (a key's original → pseudonym) gives the key's instead."""

    def __init__(self, terms: Terms, fixed: dict[str, str] | None = None) -> None:
        self.terms = terms
        self.fixed = fixed
        self._of: dict[str, str] = {}
        self._next: Counter[str] = Counter()

    def of(self, term: str) -> tuple[str, str]:
        kind, entity = self.terms.kind[term], self.terms.entity[term]
        if self.fixed is not None:
            return kind, self.fixed[term]
        if entity not in self._of:
            self._next[kind] += 1
            self._of[entity] = f"[{kind} {self._next[kind]}]"
        return kind, self._of[entity]


def _replace(text: str, where: Where, terms: Terms, names: _Pseudonyms
             ) -> tuple[str, list[Replacement]]:
    out: list[str] = []
    reps: list[Replacement] = []
    pos = length = 0
    for start, end, term in terms.occurrences(text):
        kind, pseudonym = names.of(term)
        out.append(text[pos:start])
        length += start - pos
        reps.append(Replacement(where, length, kind, pseudonym, text[start:end]))
        out.append(pseudonym)
        length += len(pseudonym)
        pos = end
    out.append(text[pos:])
    return "".join(out), reps


def _variable_findings(m: _Material) -> Iterator[Finding]:
    for _, _, variables in m.sources:
        for var, value in json.loads(variables).items():
            if not isinstance(value, str) or not value.strip():
                continue
            for rx, kind in _PERSONAL_VARIABLES:
                if rx.search(var):
                    value = value.strip()
                    entity = f"{kind}:{value.split()[-1] if kind == 'Person' else value}"
                    yield Finding(0, len(value), kind, value, entity, f"variable {var}")
                    break


def plan_copy(project: Project, detector: Detector) -> Plan:
    """Find the personal data in ``project`` and the texts its pseudonymised copy holds."""
    m = _read(project)
    terms, rules = build_terms((text for _, text in _texts(m)), detector, _variable_findings(m))
    reps, rewrite = _plan_texts(m, terms, _Pseudonyms(terms))
    return Plan(reps, rewrite, len(terms.entity), Counter(rules), _kept(project, m, terms))


def _plan_texts(m: _Material, terms: Terms, names: _Pseudonyms
                ) -> tuple[list[Replacement], TextRewrite]:
    rewrite = TextRewrite()
    reps = _plan_sources(m, terms, names, rewrite)
    reps += _plan_segments(m, terms, names, rewrite)
    reps += _plan_memos(m, terms, names, rewrite)
    reps += _plan_events(m, terms, names, rewrite)
    return reps, rewrite


@contextlib.contextmanager
def keyed_copy(project: Project, key: Path | str) -> Iterator[Project]:
    """A temporary copy of ``project`` with every original of ``key`` replaced by the
    pseudonym the key gives it, for exports on the fly (``qca export ... --pseudonymise
    KEY.csv``): any writer that reads a project writes the pseudonymised version. The copy
    is deleted when the block ends.
    """
    copy_id, reps = _read_key(Path(key))
    fixed: dict[str, str] = {}
    terms = Terms()
    for r in reps:
        if r.original not in fixed:
            fixed[r.original] = r.pseudonym
            terms.add(Finding(0, len(r.original), r.kind, r.original, r.pseudonym, "key"))
    fixed.update({t: fixed.get(t) or terms.entity[t] for t in terms.entity})
    _, rewrite = _plan_texts(_read(project), terms, _Pseudonyms(terms, fixed))
    with tempfile.TemporaryDirectory(prefix="qca-pseudonymised-") as folder:
        dest = Path(folder) / project.path.name
        _apply_to_copy(project, dest, rewrite, marker=copy_id or "key",
                       payload=CopyPseudonymised(dest.name, copy_id, {}))
        with Project.open(dest) as copy:
            yield copy


def _plan_sources(m: _Material, terms: Terms, names: _Pseudonyms, rewrite: TextRewrite
                  ) -> list[Replacement]:
    reps: list[Replacement] = []
    for sid, name, variables in m.sources:
        new_name, r = _replace(name, Where("sources", (sid,), "name"), terms, names)
        reps += r
        values = json.loads(variables)
        for var, value in list(values.items()):
            if isinstance(value, str) and value:
                values[var], r = _replace(value, Where("sources", (sid,), "variables", (var,)),
                                          terms, names)
                reps += r
        cols: dict[str, str] = {}
        if new_name != name:
            cols["name"] = new_name
        if _dumps(values) != variables:
            cols["variables"] = _dumps(values)
        if cols:
            rewrite.sources[sid] = cols
    return reps


def _plan_segments(m: _Material, terms: Terms, names: _Pseudonyms, rewrite: TextRewrite
                   ) -> list[Replacement]:
    """Protocol documents piece by piece, then the segments: a passage of a document is its
    piece of the new document, any other segment is replaced on its own."""
    reps: list[Replacement] = []
    by_source: dict[str, list[str]] = defaultdict(list)
    for seg_id, sid, _, _ in m.segments:
        if seg_id in m.spans and sid in m.source_texts:
            by_source[sid].append(seg_id)
    derived: dict[str, tuple[str, list[Replacement]]] = {}
    for sid, text in m.source_texts.items():
        reps += _plan_document(sid, text, by_source[sid], m, terms, names, rewrite, derived)
    for seg_id, _, heading, text in m.segments:
        cols: dict[str, str | None] = {}
        if heading:
            new_heading, r = _replace(heading, Where("segments", (seg_id,), "heading"), terms,
                                      names)
            reps += r
            if new_heading != heading:
                cols["heading"] = new_heading
        if seg_id in derived:
            new_text, r = derived[seg_id]
        else:
            new_text, r = _replace(text, Where("segments", (seg_id,), "text"), terms, names)
        reps += r
        if new_text != text:
            cols["text"] = new_text
        if cols:
            rewrite.segments[seg_id] = cols
    return reps


def _plan_memos(m: _Material, terms: Terms, names: _Pseudonyms, rewrite: TextRewrite
                ) -> list[Replacement]:
    reps: list[Replacement] = []
    for seg_id, coder, memo in m.notes:
        new, r = _replace(memo, Where("notes", (seg_id, coder), "memo"), terms, names)
        reps += r
        if new != memo:
            rewrite.notes[(seg_id, coder)] = new
    for seg_id, cat, coder, memo in m.coding_memos:
        new, r = _replace(memo, Where("codings", (seg_id, cat, coder), "memo"), terms, names)
        reps += r
        if new != memo:
            rewrite.coding_memos[(seg_id, cat, coder)] = new
    return reps


def _plan_events(m: _Material, terms: Terms, names: _Pseudonyms, rewrite: TextRewrite
                 ) -> list[Replacement]:
    """The memos and reasons inside the log's before/after: an old memo keeps a name too."""
    reps: list[Replacement] = []
    for event_id, before, after in m.events:
        cols: dict[str, str | None] = {}
        for column, raw in (("before", before), ("after", after)):
            if raw is None:
                continue
            value, changed = loads(raw), False
            for path, text in list(free_texts(value)):
                new, r = _replace(text, Where("events", (event_id,), column, path), terms, names)
                reps += r
                if new != text:
                    value, changed = with_free_text(value, path, new), True
            if changed:
                cols[column] = dumps(value)
        if cols:
            rewrite.events[event_id] = cols
    return reps


def _kept(project: Project, m: _Material, terms: Terms) -> list[str]:
    """Ids, the project's name and imported file names that contain a term: they stay."""
    words = {t.casefold() for t in terms.entity if len(t) >= 4}
    if not words:
        return []
    rx = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    names = [project.meta("name") or "", *(sid for sid, _, _ in m.sources),
             *(seg_id for seg_id, _, _, _ in m.segments),
             *(r[0] for r in project.conn.execute("SELECT path FROM imports"))]
    kept = [n for n in names if rx.search(n.casefold())]
    for key, *texts in project.conn.execute(
            "SELECT key, name, definition, anchors, rule FROM categories ORDER BY position"):
        if any(rx.search(str(t).casefold()) for t in texts):
            kept.append(f"codebook category {key}")
    return list(dict.fromkeys(kept))


def _plan_document(sid: str, text: str, seg_ids: list[str], m: _Material, terms: Terms,
                   names: _Pseudonyms, rewrite: TextRewrite,
                   derived: dict[str, tuple[str, list[Replacement]]]) -> list[Replacement]:
    """Replace in a source's whole text piece by piece between its passages' boundaries, so
    each passage's new text is exactly its piece of the new document."""
    where = Where("source_texts", (sid,), "text")
    cuts = sorted({0, len(text), *(p for s in seg_ids for p in m.spans[s])})
    new_at: dict[int, int] = {0: 0}
    pieces: list[str] = []
    reps: list[Replacement] = []
    length = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        new, r = _replace(text[a:b], where, terms, names)
        reps += [Replacement(x.where, x.start + length, x.kind, x.pseudonym, x.original)
                 for x in r]
        pieces.append(new)
        length += len(new)
        new_at[b] = length
    new_text = "".join(pieces)
    if new_text != text:
        rewrite.source_texts[sid] = new_text
    texts = {seg_id: t for seg_id, _, _, t in m.segments}
    for seg_id in seg_ids:
        start, end = m.spans[seg_id]
        new_start, new_end = new_at[start], new_at[end]
        if (new_start, new_end) != (start, end):
            rewrite.spans[seg_id] = (new_start, new_end)
        if texts[seg_id] != text[start:end]:
            continue  # not its piece of the document: replaced on its own
        seg_where = Where("segments", (seg_id,), "text")
        derived[seg_id] = (new_text[new_start:new_end], [
            Replacement(seg_where, x.start - new_start, x.kind, x.pseudonym, x.original)
            for x in reps if new_start <= x.start and x.start + len(x.pseudonym) <= new_end])
    return reps


# --- the key -----------------------------------------------------------------------------


def default_key_path(dest: Path | str) -> Path:
    """``DEST-key.csv`` beside DEST."""
    dest = Path(dest)
    return dest.with_name(f"{dest.stem}-key.csv")


def _key_csv(copy_id: str, reps: Iterable[Replacement]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(KEY_COLUMNS)
    for r in reps:
        writer.writerow([copy_id, r.where.table, _dumps(list(r.where.row)), r.where.column,
                         _dumps(list(r.where.path)) if r.where.path else "", r.start, r.kind,
                         r.pseudonym, r.original])
    return buf.getvalue()


def _read_key(path: Path) -> tuple[str, list[Replacement]]:
    from qca.fileio import read_input

    raw = read_input(path, InputError)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(_("{path}: not a key written by qca pseudonymise (not UTF-8)")
                         .format(path=path)) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or tuple(rows[0]) != KEY_COLUMNS:
        raise InputError(_("{path}: not a key written by qca pseudonymise (its header should be "
                           "{items})").format(path=path, items=','.join(KEY_COLUMNS)))
    copy_ids = {r[0] for r in rows[1:] if r}
    if len(copy_ids) > 1:
        raise InputError(_("{path}: holds the keys of {n} copies; use the key "
                           "written with the copy").format(path=path, n=len(copy_ids)))
    reps = []
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        try:
            _copy_id, table, key, column, jpath, start, kind, pseudonym, original = row
            where = Where(table, tuple(json.loads(key)), column,
                          tuple(json.loads(jpath)) if jpath else ())
            reps.append(Replacement(where, int(start), kind, pseudonym, original))
        except (ValueError, TypeError):
            raise InputError(_("{path}, line {line}: not a row of a pseudonymisation key; use "
                               "the key written with the copy, unedited")
                             .format(path=path, line=line)) from None
    return (copy_ids.pop() if copy_ids else ""), reps


# --- writing a copy, restoring one -------------------------------------------------------


def read_names(path: Path | str) -> list[str | tuple[str, str]]:
    """The user's own list: one name per line, or ``Kind: term`` (``Ort: Auenfeld``);
    ``#`` starts a comment."""
    from qca.fileio import read_input

    path = Path(path)
    try:
        text = read_input(path, InputError).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(_("{path}: not UTF-8 text; save the list of names as UTF-8")
                         .format(path=path)) from None
    out: list[str | tuple[str, str]] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        kind, sep, term = line.partition(":")
        if sep and kind.strip() in KINDS and term.strip():
            out.append((kind.strip(), term.strip()))
        else:
            out.append(line)
    return out


def _check_new(path: Path, what: str, error: type[Exception] = ProjectError) -> None:
    if path.exists():
        raise error(_("{path}: file exists already; choose another name for {what} or "
                      "delete it").format(path=path, what=_(what)))
    if not path.parent.is_dir():
        raise error(_("{path}: folder {folder} does not exist; create it first").format(
            path=path, folder=path.parent))


def _write_key_tmp(path: Path, text: str) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    try:  # readable by its owner only: it holds every original
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ProjectError(_("{path}: cannot write the key ({value}); check free "
                             "space and permissions")
                           .format(path=path, value=exc.strerror or exc)) from None
    return tmp


def _apply_to_copy(project: Project, dest: Path, rewrite: TextRewrite, *,
                   marker: str | None, payload: Payload) -> None:
    """Copy ``project`` beside ``dest``, write ``rewrite`` into the copy, move it to ``dest``."""
    tmp = dest.with_name(f".{dest.name}.pseudonymise.tmp")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    project.copy_to(tmp)
    try:
        with Project.open(tmp) as copy:
            rewrite_texts(copy, rewrite, actor="system", marker=marker, payload=payload)
        os.replace(tmp, dest)
    except BaseException:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        raise


def write_copy(project: Project, dest: Path | str, plan: Plan,
               key: Path | str | None = None) -> tuple[Path, Path]:
    """Write the pseudonymised copy ``dest`` of ``project`` and its key (``DEST-key.csv``).

    Nothing is written when ``dest`` or the key exists. Returns (dest, key).
    """
    dest = Path(dest)
    key_path = Path(key) if key is not None else default_key_path(dest)
    _check_new(dest, N_("the copy"))
    _check_new(key_path, N_("the key"))
    if key_path.resolve() == dest.resolve() or dest.resolve() == project.path.resolve():
        raise ProjectError(_("{dest}: the copy, the key and the project must be three files")
                           .format(dest=dest))
    copy_id = uuid.uuid4().hex
    tmp_key = _write_key_tmp(key_path, _key_csv(copy_id, plan.replacements))
    try:
        _apply_to_copy(project, dest, plan.rewrite, marker=copy_id,
                       payload=CopyPseudonymised(dest.name, copy_id, plan.counts()))
        os.replace(tmp_key, key_path)
    except BaseException:
        tmp_key.unlink(missing_ok=True)
        raise
    return dest, key_path


@dataclass(frozen=True)
class Restored:
    out: Path
    restored: int
    memos_changed: int

    def summary(self) -> str:
        text = ngettext("restored {n} original into {out}", "restored {n} originals into {out}",
                        self.restored).format(n=self.restored, out=self.out)
        if self.memos_changed:
            text += "; " + ngettext(
                "{n} memo changed in the copy since kept as they are",
                "{n} memos changed in the copy since kept as they are",
                self.memos_changed).format(n=self.memos_changed)
        return text


def _current(project: Project, where: Where) -> str | None:
    """The text at ``where`` now, or None when there is no such row or string."""
    t = where.table
    if t == "segments" and where.column in ("text", "heading"):
        sql = f"SELECT {where.column} FROM segments WHERE id = ?"
    elif t == "source_texts" and where.column == "text":
        sql = "SELECT text FROM source_texts WHERE source_id = ?"
    elif t == "sources" and where.column in ("name", "variables"):
        sql = f"SELECT {where.column} FROM sources WHERE id = ?"
    elif t == "notes" and where.column == "memo":
        sql = "SELECT memo FROM notes WHERE segment_id = ? AND coder = ?"
    elif t == "codings" and where.column == "memo":
        sql = "SELECT memo FROM codings WHERE segment_id = ? AND category = ? AND coder = ?"
    elif t == "events" and where.column in ("before", "after"):
        sql = f"SELECT {where.column} FROM events WHERE id = ?"
    else:
        return None
    try:
        row = project.conn.execute(sql, where.row).fetchone()
    except Exception:
        return None
    if row is None or row[0] is None:
        return None
    value = row[0]
    if t in ("sources", "events") and where.column in ("variables", "before", "after"):
        try:
            return free_text_at(json.loads(value), where.path)
        except ValueError:
            return None
    return value if isinstance(value, str) else None


def _restore(text: str, reps: list[Replacement]) -> str | None:
    """``text`` with every replacement undone, or None when one is not where it says."""
    for r in sorted(reps, key=lambda x: x.start, reverse=True):
        if text[r.start:r.start + len(r.pseudonym)] != r.pseudonym:
            return None
        text = text[:r.start] + r.original + text[r.start + len(r.pseudonym):]
    return text


def reverse_copy(pseudonymised: Path | str, key: Path | str, out: Path | str) -> Restored:
    """Write ``out``: the copy ``pseudonymised`` with every original of ``key`` back."""
    out, key = Path(out), Path(key)
    _check_new(out, N_("the restored project"))
    with Project.open(pseudonymised) as copy:
        marker = copy.meta("pseudonymised")
        if not marker:
            raise ProjectError(_("{path}: not a pseudonymised copy (qca pseudonymise "
                                 "writes one); nothing to restore").format(path=copy.path))
        copy_id, reps = _read_key(key)
        if copy_id != marker:
            raise InputError(_("{key}: the key of another copy (copy {value}, "
                               "{name} is copy {marker}); use the key written "
                               "with this copy")
                             .format(key=key, value=copy_id[:8] or _('none'), name=copy.path.name, marker=marker[:8]))
        rewrite, restored, changed = _plan_restore(copy, key, reps)
        _apply_to_copy(copy, out, rewrite, marker=None,
                       payload=CopyRestored(out.name, marker, restored, changed))
    return Restored(out, restored, changed)


def _plan_restore(copy: Project, key: Path, reps: list[Replacement]
                  ) -> tuple[TextRewrite, int, int]:
    by_where: dict[Where, list[Replacement]] = defaultdict(list)
    for r in reps:
        by_where[r.where].append(r)
    restored_texts: dict[Where, str] = {}
    changed = restored = 0
    for where, group in by_where.items():
        current = _current(copy, where)
        back = None if current is None else _restore(current, group)
        if back is None:
            if where.table in _EDITABLE or (where.table == "events" and current is None
                                            and _event_exists(copy, where)):
                changed += 1
                continue
            raise InputError(_("{key}: does not match {name}: {pseudonym!r} "
                               "is not at offset {start} of {label}; use the "
                               "key written with this copy")
                             .format(key=key, name=copy.path.name, pseudonym=group[0].pseudonym, start=group[0].start, label=where.label()))
        restored += len(group)
        restored_texts[where] = back
    return _restore_rewrite(copy, restored_texts, by_where), restored, changed


def _event_exists(project: Project, where: Where) -> bool:
    return project.conn.execute("SELECT 1 FROM events WHERE id = ?", where.row).fetchone() \
        is not None


def _restore_rewrite(copy: Project, texts: dict[Where, str],
                     by_where: dict[Where, list[Replacement]]) -> TextRewrite:
    rewrite = TextRewrite()
    json_cols: dict[tuple[str, tuple[Any, ...], str], Any] = {}
    for where, text in texts.items():
        row, t = where.row, where.table
        if t == "segments":
            rewrite.segments.setdefault(row[0], {})[where.column] = text
        elif t == "source_texts":
            rewrite.source_texts[row[0]] = text
            rewrite.spans.update(_spans_back(copy, row[0], by_where[where]))
        elif t == "notes":
            rewrite.notes[(row[0], row[1])] = text
        elif t == "codings":
            rewrite.coding_memos[(row[0], row[1], row[2])] = text
        elif t == "sources" and where.column == "name":
            rewrite.sources.setdefault(row[0], {})["name"] = text
        else:  # a string inside a JSON column: sources.variables, events.before/after
            slot = (t, row, where.column)
            if slot not in json_cols:
                table = "sources" if t == "sources" else "events"
                raw = copy.conn.execute(f"SELECT {where.column} FROM {table} WHERE id = ?",
                                        row).fetchone()[0]
                json_cols[slot] = json.loads(raw) if t == "sources" else loads(raw)
            json_cols[slot] = with_free_text(json_cols[slot], where.path, text)
    for (t, row, column), value in json_cols.items():
        if t == "sources":
            rewrite.sources.setdefault(row[0], {})[column] = _dumps(value)
        else:
            rewrite.events.setdefault(int(row[0]), {})[column] = dumps(value)
    return rewrite


def _spans_back(copy: Project, source_id: str, reps: list[Replacement]
                ) -> dict[str, tuple[int, int]]:
    """The passages' offsets in the restored document: each boundary moves by what the
    replacements before it change in length (none lies inside one)."""
    shifts = sorted((r.start + len(r.pseudonym), len(r.original) - len(r.pseudonym))
                    for r in reps)

    def back(pos: int) -> int:
        return pos + sum(delta for end, delta in shifts if end <= pos)

    rows = copy.conn.execute(
        "SELECT p.segment_id, p.start_position, p.end_position FROM segment_spans p "
        "JOIN segments s ON s.id = p.segment_id WHERE s.source_id = ?", (source_id,))
    return {seg: (back(a), back(b)) for seg, a, b in rows}


@dataclass(frozen=True)
class Written:
    dest: Path
    key: Path
    plan: Plan

    def summary(self) -> str:
        counts = ", ".join(f"{k} {n}" for k, n in sorted(self.plan.counts().items())) or _("none")
        note = f"\n{self.plan.kept_note()}" if self.plan.kept else ""
        n = len(self.plan.replacements)
        return ngettext(
            "wrote {dest} with {n} replacement ({counts}) and its key {key}; keep the key apart "
            "from the copy, it restores the originals: qca pseudonymise --reverse {dest} {key} "
            "OUT.qca",
            "wrote {dest} with {n} replacements ({counts}) and its key {key}; keep the key apart "
            "from the copy, it restores the originals: qca pseudonymise --reverse {dest} {key} "
            "OUT.qca", n).format(dest=self.dest, n=n, counts=counts, key=self.key) + note


def pseudonymise(project_path: Path | str, dest: Path | str, *, key: Path | str | None = None,
                 names: Path | str | None = None, keep: Iterable[str] = (),
                 dry_run: bool = False) -> Plan | Written:
    """``qca pseudonymise``: plan the copy of ``project_path`` and, unless ``dry_run``, write
    it to ``dest`` with its key. Returns the plan (dry run) or what was written."""
    from qca.pseudonymise import detector

    dest = Path(dest)
    key_path = Path(key) if key is not None else default_key_path(dest)
    if not dry_run:
        _check_new(dest, N_("the copy"))
        _check_new(key_path, N_("the key"))
    user = read_names(names) if names is not None else []
    with Project.open(project_path) as project:
        plan = plan_copy(project, detector(user, tuple(keep)))
        if dry_run:
            return plan
        write_copy(project, dest, plan, key_path)
    return Written(dest, key_path, plan)


class KeyMapping:
    """What a key maps (original → pseudonym), to pseudonymise other texts on the fly.

    Meant for exports of the original project (``qca export ... --pseudonymise KEY.csv``):
    every original of the key is replaced wherever it stands as a word, longest first, by
    the pseudonym the copy gave it.
    """

    def __init__(self, pairs: dict[str, str]) -> None:
        from qca.pseudonymise.detect import _term_re

        self.pairs = pairs
        self._regex = _term_re(pairs)

    @classmethod
    def read(cls, path: Path | str) -> KeyMapping:
        _, reps = _read_key(Path(path))
        return cls({r.original: r.pseudonym for r in reps})

    def apply(self, text: str) -> str:
        if not self.pairs:
            return text
        return self._regex.sub(lambda m: self.pairs[m.group()], text)

    def rows(self, rows: Iterable[list[object]]) -> Iterator[list[object]]:
        """Rows of a table with every text cell pseudonymised; the header passes as it is."""
        it = iter(rows)
        for header in it:
            yield header
            break
        for row in it:
            yield [self.apply(v) if isinstance(v, str) else v for v in row]
