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
from qca.i18n import _
from qca.importing.survey import read_table
from qca.plurals import count_noun
from qca.store import Coding, Project, now

__all__ = ["CodingsImport", "import_codings"]

_MAX_LISTED = 5


@dataclass(frozen=True)
class CodingsImport:
    added: int
    already_present: int
    coders: list[str]

    def summary(self, name: str) -> str:
        who = ", ".join(self.coders)
        return (f"{name}: {count_noun(self.added, 'coding')} added, {self.already_present} "
                "already present "
                f"(coders: {who})")


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
    origin: str = Origin.IMPORTED,
    actor: str = "import",
) -> CodingsImport:
    """Import codings; raises with every unknown id or code listed, writing nothing."""
    path = Path(path)
    if coder is not None:
        coder = validate_person(coder)
    table = read_table(path)
    id_col = _pick(table.columns, id_column, ("segment_id", "segment"))
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

    book = project.codebook()
    lookup = book.lookup()
    questions = dict(project.conn.execute("SELECT id, question FROM segments"))
    offered: dict[str | None, set[str]] = {}
    wanted: dict[tuple[str, str], list[str]] = defaultdict(list)
    problems: list[str] = []
    for row, line in zip(table.rows, table.row_numbers):
        seg = row[id_col].strip()
        who = coder if coder is not None else row[coder_col].strip()  # type: ignore[index]
        cell = row[code_col]
        if not seg and not cell.strip():
            continue
        if seg not in questions:
            problems.append(f"row {line}: unknown segment id {seg!r}")
            continue
        try:
            who = validate_coder(who)
        except CodingError:
            problems.append(f"row {line}: missing or unusable coder name {who!r}")
            continue
        if is_reserved(who):
            problems.append(f"row {line}: coder {who!r} is reserved (consensus comes from "
                            "'qca reconcile' or 'qca consensus')")
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
                problems.append(f"row {line}: unknown code {part!r}")
            elif cat.key not in offered[q]:
                problems.append(f"row {line}: code {cat.key!r} is not offered for question {q!r}")
            else:
                wanted[(seg, who)].append(cat.key)
    if problems:
        more = f" (and {len(problems) - _MAX_LISTED} more)" if len(problems) > _MAX_LISTED else ""
        raise InputError(
            f"{path.name}: {len(problems)} problem(s), nothing imported: "
            + "; ".join(problems[:_MAX_LISTED]) + more
        )

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
    return CodingsImport(added, present, coders)
