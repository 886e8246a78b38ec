"""Bringing in codings made elsewhere (another tool, a spreadsheet, a long export).

The file has a segment id column, a coder column (or one coder for the whole file) and a
code column holding category keys or names, several per cell separated by ``;``. The long
export of :mod:`qca.exporting.csv` is such a file, so export -> import reproduces the codings.
Everything is checked first; problems are reported all at once and nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from qca.coders import is_reserved
from qca.coding import validate_coder, validate_person
from qca.errors import CodingError, InputError
from qca.events import CodingsImported, Origin
from qca.i18n import _, ngettext
from qca.importing.survey import read_table
from qca.store import Coding, Project, now

__all__ = ["CodingsImport", "SegmentIds", "import_codings"]

_MAX_LISTED = 5


@dataclass(frozen=True)
class CodingsImport:
    added: int
    already_present: int
    coders: list[str]
    without_code: int = 0
    """Rows with an id but no code: nothing to store (qca stores categories)."""

    def summary(self, name: str) -> str:
        who = ", ".join(self.coders)
        text = ngettext("{name}: {n} coding added, {present} already present (coders: {who})",
                        "{name}: {n} codings added, {present} already present (coders: {who})",
                        self.added).format(name=name, n=self.added,
                                           present=self.already_present, who=who)
        if self.without_code:
            text += "; " + ngettext(
                "{n} row without a code left out: to count such answers, give them a "
                "residual category of the codebook (e.g. 'Keine Zuordnung')",
                "{n} rows without a code left out: to count such answers, give them a "
                "residual category of the codebook (e.g. 'Keine Zuordnung')",
                self.without_code).format(n=self.without_code)
        return text


class SegmentIds:
    """Turns the ids a user has into segment ids.

    Accepted: a segment id; ``<source id>#<question>`` with the question's name now (also
    after ``qca questions rename``) or an earlier name; a bare source id where that source
    has exactly one segment, or one in the question given. An unknown id's problem names the
    closest ids and the id forms.
    """

    def __init__(self, project: Project, questions: dict[str, str | None]) -> None:
        self._questions = questions
        self._aliases = project.question_aliases()
        self._by_source: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        for seg_id, source_id, question in project.conn.execute(
                "SELECT id, source_id, question FROM segments ORDER BY seq"):
            self._by_source[source_id].append((seg_id, question))

    def resolve(self, given: str, question: str | None = None) -> tuple[str | None, str]:
        """The segment id for ``given`` and "", or None and the problem."""
        if given in self._questions and (question is None or self._questions[given] == question):
            return given, ""
        source, sep, named = given.rpartition("#")
        if sep and source in self._by_source:
            named = self._aliases.get(named, named)
            hits = [s for s, q in self._by_source[source] if q == named]
            if len(hits) == 1:
                return hits[0], ""
        held = self._by_source.get(given)
        if held:
            if question is not None:
                question = self._aliases.get(question, question)
                held = [(s, q) for s, q in held if q == question]
            if len(held) == 1:
                return held[0][0], ""
            if len(held) > 1:
                return None, _("source {given!r} has {n} segments; give '{given}#<question>' "
                               "or a question (--question or --question-column)").format(
                    given=given, n=len(held))
            return None, _("source {given!r} has no segment in question {question!r}").format(
                given=given, question=question)
        return None, self._unknown(given)

    def _unknown(self, given: str) -> str:
        from rapidfuzz import process

        candidates = [*self._by_source, *self._questions]
        close = [c for c, _score, _i in process.extract(given, candidates, limit=3)]
        hint = "; " + _("closest: {ids}").format(ids=", ".join(close)) if close else ""
        return _("unknown segment id {given!r}{hint} (ids are a segment id, "
                 "'<source id>#<question>', or a source id with one answer)").format(
            given=given, hint=hint)


def _pick(columns: list[str], given: str | None, candidates: tuple[str, ...]) -> str | None:
    if given is not None:
        return given
    folded = {c.casefold(): c for c in columns}
    for cand in candidates:
        if cand in folded:
            return folded[cand]
    return None


def import_codings(
    project: Project,
    path: Path | str,
    *,
    id_column: str | None = None,
    coder_column: str | None = None,
    code_column: str | None = None,
    coder: str | None = None,
    question: str | None = None,
    question_column: str | None = None,
    origin: str = Origin.IMPORTED,
    actor: str = "import",
) -> CodingsImport:
    """Import codings; raises with every unknown id or code listed, writing nothing.

    An id is a segment id, ``<source id>#<question>`` with the question's current name, or
    a bare source id where the source has one segment (in ``question``, or in the row's
    ``question_column`` value, when given); see :class:`SegmentIds`.
    """
    path = Path(path)
    if coder is not None:
        coder = validate_person(coder)
    table = read_table(path)
    id_col = _pick(table.columns, id_column, ("segment_id", "segment", "id", "source_id"))
    code_col = _pick(table.columns, code_column, ("code", "codes", "category", "categories"))
    coder_col = _pick(table.columns, coder_column, ("coder",)) if coder is None else coder_column
    for option, col, default in (("--id-column", id_col, "segment_id"),
                                 ("--code-column", code_col, "code")):
        if col is None:
            raise InputError(
                _("{name}: no column {default!r}; name the column with {option}")
                .format(name=path.name, default=default, option=option)
            )
        if col not in table.columns:
            raise InputError(_("{name}: no column {col!r} (given by {option}); "
                               "the columns are: {items}")
                             .format(name=path.name, col=col, option=option, items=', '.join(table.columns)))
    assert id_col is not None and code_col is not None  # the loop above raised otherwise
    if coder_col is None and coder is None:
        raise InputError(
            _("{name}: no 'coder' column; name it with --coder-column or give --coder NAME")
            .format(name=path.name)
        )
    if coder_col is not None and coder_col not in table.columns:
        raise InputError(_("{name}: no column {coder_col!r} (given by --coder-column); "
                           "the columns are: {items}")
                         .format(name=path.name, coder_col=coder_col, items=', '.join(table.columns)))

    if question is None and question_column is None:
        question_column = _pick(table.columns, None, ("question", "frage"))
    if question_column is not None and question_column not in table.columns:
        raise InputError(_("{name}: no column {column!r} (given by --question-column); the "
                           "columns are: {columns}").format(
            name=path.name, column=question_column, columns=", ".join(table.columns)))
    if question is not None:
        project.require_question(question)
    book = project.codebook()
    lookup = book.lookup()
    questions = dict(project.conn.execute("SELECT id, question FROM segments"))
    ids = SegmentIds(project, questions)
    offered: dict[str | None, set[str]] = {}
    wanted: dict[tuple[str, str], list[str]] = defaultdict(list)
    problems: list[str] = []
    by_fold = {k.casefold(): k for k in project.coders()}
    seen: set[str] = set()
    without_code = 0
    for row, line in zip(table.rows, table.row_numbers):
        given = row[id_col].strip()
        who = coder if coder is not None else row[coder_col].strip()  # type: ignore[index]
        cell = row[code_col]
        if not given and not cell.strip():
            continue
        in_question = row[question_column].strip() if question_column else question
        seg, problem = ids.resolve(given, in_question or None)
        if seg is None:
            problems.append(f"row {line}: {problem}")
            continue
        try:
            who = validate_coder(who)
        except CodingError:
            problems.append(_("row {line}: missing or unusable coder name {who!r}").format(
                line=line, who=who))
            continue
        if is_reserved(who):
            problems.append(_("row {line}: coder {who!r} is reserved (consensus comes from "
                              "'qca reconcile' or 'qca consensus')").format(line=line, who=who))
            continue
        known = by_fold.get(who.casefold())
        if known is not None and known != who:
            problems.append(_("row {line}: coder {who!r} differs from the project's {known!r} "
                              "in case only; write {known!r}").format(
                line=line, who=who, known=known))
            continue
        seen.add(who)
        if not any(part.strip() for part in cell.split(";")):
            without_code += 1
            continue
        q = questions[seg]
        if q not in offered:
            offered[q] = {c.key for c in book.for_question(q) if c.is_codable}
        for part in cell.split(";"):
            part = part.strip()
            if not part:
                continue
            cat = lookup.get(part) or lookup.get(part.casefold())
            if cat is None:
                problems.append(_("row {line}: unknown code {code!r}").format(line=line, code=part))
            elif cat.key not in offered[q]:
                problems.append(_("row {line}: code {code!r} is not offered for question "
                                  "{question!r}").format(line=line, code=cat.key, question=q))
            else:
                wanted[(seg, who)].append(cat.key)
    if problems:
        more = (" " + _("(and {n} more)").format(n=len(problems) - _MAX_LISTED)
                if len(problems) > _MAX_LISTED else "")
        raise InputError(_("{where}: {n} problem(s), nothing imported: {problems}").format(
            where=path.name, n=len(problems), problems="; ".join(problems[:_MAX_LISTED]) + more))

    version = project.codebook_version()
    stamp = now()
    added = present = 0
    with project.transaction():
        existing = set(project.conn.execute("SELECT segment_id, category, coder FROM codings"))
        rows = []
        for (seg, who), keys in wanted.items():
            for key in dict.fromkeys(keys):
                if (seg, key, who) in existing:
                    present += 1
                    continue
                rows.append(Coding(seg, key, who, origin, version, stamp))
                existing.add((seg, key, who))
        added = len(rows)
        project.add_codings(rows)
        coders = sorted({who for _, who in wanted})
        if added:
            project.log(actor, CodingsImported(path.name, added, coders, origin))
    return CodingsImport(added, present, sorted(seen), without_code)
