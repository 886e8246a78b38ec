"""Retrieval: every segment that carries a category (or a combination), with its context.

A *code expression* selects segments by the codes one coder gave them:

``A``
    the segment carries ``A``;
``A+B``
    it carries ``A`` and ``B`` (any number of ``+``);
``A,B``
    it carries ``A`` or ``B`` (any number of ``,``);
``A-B``
    it carries ``A`` but not ``B``; ``A+B-C,D`` is "A and B, neither C nor D".

A group (a category with subcategories) counts as carried when the coder gave it or any of
its subcategories, as in ``qca counts``. Every coder is judged on their own codes: a row is
one segment as one coder coded it, so ``A+B`` never pairs anna's ``A`` with ben's ``B``.

Rows come in project order (segment, then coder) and hold the segment's text, its source's
variables, all codes the coder gave it, and the coder's memo and flag.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from qca.codebook import Codebook
from qca.errors import CodingError, InputError
from qca.i18n import _, ngettext
from qca.session import parse_where
from qca.store import Project

__all__ = [
    "CodeQuery",
    "Retrieved",
    "coded_sets",
    "format_csv",
    "format_json",
    "format_table",
    "parse_code_query",
    "require_coder",
    "retrieve",
    "rolled_up",
]


@dataclass(frozen=True)
class CodeQuery:
    """A parsed code expression (grammar: module docstring).

    ``mode`` is ``"all"`` (``+``) or ``"any"`` (``,``) for the ``include`` keys; a segment
    must carry none of ``exclude``.
    """

    include: tuple[str, ...]
    mode: str = "all"
    exclude: tuple[str, ...] = ()
    text: str = ""

    def matches(self, codes: frozenset[str] | set[str]) -> bool:
        """Whether a coder's (rolled-up) codes on one segment satisfy the expression."""
        if any(k in codes for k in self.exclude):
            return False
        if self.mode == "all":
            return all(k in codes for k in self.include)
        return any(k in codes for k in self.include)


def _split_keys(part: str, sep: str, expression: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in part.split(sep))
    if not all(keys):
        raise InputError(
            _("--code {expression!r}: a key is missing around {sep!r}; write e.g. A+B, A,B or A-B")
            .format(expression=expression, sep=sep)
        )
    return keys


def parse_code_query(expression: str, book: Codebook) -> CodeQuery:
    """Parse ``expression`` and check every key against ``book``.

    Raises:
        InputError: the expression is malformed (empty key, ``+`` and ``,`` mixed).
        CodingError: a key is not in the codebook.
    """
    text = expression.strip()
    head, _sep, tail = text.partition("-")
    if "+" in head and "," in head:
        raise InputError(_("--code {expression!r}: use either + (all of) or , (any of) before "
                           "the -, not both").format(expression=expression))
    mode = "any" if "," in head else "all"
    include = _split_keys(head, "," if mode == "any" else "+", expression)
    exclude: tuple[str, ...] = ()
    if tail or text.endswith("-"):
        exclude = _split_keys(tail.replace("+", ","), ",", expression)
        if any("-" in k for k in exclude):
            raise InputError(_("--code {expression!r}: use one - ; list what to leave out "
                               "after it, comma-separated (A-B,C)").format(expression=expression))
    for key in (*include, *exclude):
        if book.get(key) is None:
            raise CodingError(_("--code {expression!r}: category {key!r} is not in the codebook; "
                                "see 'qca codebook show'").format(expression=expression, key=key))
    return CodeQuery(include, mode, exclude, text)


def rolled_up(book: Codebook) -> dict[str, tuple[str, ...]]:
    """Each category key with itself and its ancestors (a code also counts for its groups)."""
    lookup = book.lookup()
    out: dict[str, tuple[str, ...]] = {}
    for cat in book.walk():
        chain = [cat.key]
        parent = cat.parent
        while parent is not None and parent in lookup:
            chain.append(parent)
            parent = lookup[parent].parent
        out[cat.key] = tuple(chain)
    return out


def coded_sets(
    project: Project, coder: str | None = None
) -> dict[tuple[str, str], tuple[set[str], set[str]]]:
    """Per (segment, coder): the codes given and the codes rolled up to their groups."""
    ups = rolled_up(project.codebook())
    sql = "SELECT segment_id, coder, category FROM codings"
    params: list[Any] = []
    if coder is not None:
        sql += " WHERE coder = ?"
        params.append(coder)
    out: dict[tuple[str, str], tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for seg, who, cat in project.conn.execute(sql, params):
        given, rolled = out[(seg, who)]
        given.add(cat)
        rolled.update(ups.get(cat, (cat,)))
    return dict(out)


@dataclass(frozen=True)
class Retrieved:
    """One segment as one coder coded it."""

    segment_id: str
    source_id: str
    question: str | None
    heading: str | None
    coder: str
    codes: tuple[str, ...]
    memo: str
    flagged: bool
    text: str
    variables: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "segment": self.segment_id, "source": self.source_id, "question": self.question,
            "heading": self.heading, "coder": self.coder, "codes": list(self.codes),
            "memo": self.memo, "flagged": self.flagged, "variables": self.variables,
            "text": self.text,
        }


def require_coder(project: Project, coder: str | None) -> None:
    """Raise :class:`CodingError` unless ``coder`` is None or has worked in the project."""
    if coder is None:
        return
    coders = project.coders()
    if coder not in coders:
        listed = ", ".join(coders) or _("none yet")
        raise CodingError(_("coder {coder!r} has no codings in {name}; "
                            "coders are: {listed}")
                          .format(coder=coder, name=project.path.name, listed=listed))


def _segment_rows(
    project: Project, ids: Iterable[str]
) -> dict[str, tuple[str, str | None, str | None, str, dict[str, str]]]:
    wanted = set(ids)
    out = {}
    rows = project.conn.execute(
        "SELECT s.id, s.source_id, s.question, s.heading, s.text, src.variables "
        "FROM segments s JOIN sources src ON src.id = s.source_id ORDER BY s.seq")
    for sid, source, question, heading, text, variables in rows:
        if sid in wanted:
            out[sid] = (source, question, heading, text, json.loads(variables))
    return out


def retrieve(
    project: Project,
    code: str,
    *,
    coder: str | None = None,
    question: str | None = None,
    where: Sequence[str] = (),
    flagged: bool = False,
    memo: bool = False,
) -> list[Retrieved]:
    """The segments matching the code expression ``code``, one row per segment and coder.

    Args:
        project: The open project.
        code: A code expression (module docstring).
        coder: Only this coder's codings (default: every coder, each judged alone).
        question: Only segments of this question.
        where: ``VAR=VALUE`` filters on the source variables.
        flagged: Only segments the coder flagged.
        memo: Only segments the coder wrote a memo on.
    """
    query = parse_code_query(code, project.codebook())
    require_coder(project, coder)
    project.require_question(question)
    pairs = parse_where(where)
    project.require_variables(name for name, _ in pairs)
    hits = {key: given for key, (given, rolled) in coded_sets(project, coder).items()
            if query.matches(rolled)}
    notes = {(seg, who): (m, bool(f)) for seg, who, m, f in project.conn.execute(
        "SELECT segment_id, coder, memo, flagged FROM notes")}
    segments = _segment_rows(project, (seg for seg, _ in hits))
    order = {sid: i for i, sid in enumerate(segments)}
    out: list[Retrieved] = []
    for (seg, who), given in sorted(hits.items(), key=lambda kv: (order.get(kv[0][0], -1),
                                                                  kv[0][1])):
        if seg not in segments:
            continue
        source, q, heading, text, variables = segments[seg]
        if question is not None and q != question:
            continue
        if any(str(variables.get(name, "")) != value for name, value in pairs):
            continue
        note_memo, note_flag = notes.get((seg, who), ("", False))
        if (flagged and not note_flag) or (memo and not note_memo):
            continue
        out.append(Retrieved(seg, source, q, heading, who, _ordered(given, project.codebook()),
                             note_memo, note_flag, text,
                             {k: str(v) for k, v in variables.items()}))
    return out


def _ordered(codes: set[str], book: Codebook) -> tuple[str, ...]:
    position = {k: i for i, k in enumerate(book.keys())}
    return tuple(sorted(codes, key=lambda k: (position.get(k, len(position)), k)))


# --- formatting --------------------------------------------------------------------------


def format_table(rows: Sequence[Retrieved], code: str, *, width: int = 80) -> list[str]:
    """Readable text: a heading line per row, the text wrapped and indented below."""
    coders = sorted({r.coder for r in rows})
    lines = [ngettext("{n} segment with {code}", "{n} segments with {code}", len(rows)).format(
        n=len(rows), code=code) + (f" ({', '.join(coders)})" if coders else "")]
    for row in rows:
        variables = " ".join(f"{k}={v}" for k, v in row.variables.items() if v)
        flag = "  " + _("[flagged]") if row.flagged else ""
        lines.append("")
        lines.append(f"{row.segment_id}  {row.coder}: {' '.join(row.codes)}{flag}")
        if variables:
            lines.append(f"  {variables}"[:width])
        if row.heading:
            lines.append(f"  {row.heading}"[:width])
        body = " ".join(row.text.split())
        lines += textwrap.wrap(body, width=width, initial_indent="  | ",
                               subsequent_indent="  | ") or ["  |"]
        if row.memo:
            lines += textwrap.wrap(" ".join(row.memo.split()), width=width,
                                   initial_indent="  " + _("memo:") + " ",
                                   subsequent_indent="        ")
    return lines


def format_csv(rows: Sequence[Retrieved], variables: Sequence[str]) -> str:
    """CSV: segment, source, question, coder, codes (';'), memo, flagged, the variables, text."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["segment", "source", "question", "coder", "codes", "memo", "flagged",
                     *variables, "text"])
    for r in rows:
        writer.writerow([r.segment_id, r.source_id, r.question or "", r.coder, ";".join(r.codes),
                         r.memo, int(r.flagged), *(r.variables.get(v, "") for v in variables),
                         r.text])
    return buf.getvalue()


def format_json(rows: Sequence[Retrieved]) -> str:
    """A JSON list of row records (:meth:`Retrieved.to_dict`)."""
    return json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2) + "\n"
