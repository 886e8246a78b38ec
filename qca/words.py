"""Word frequencies: the lemmas of the answers, per group or per category.

The raw material of an inductive category (Mayring): which words the answers use, and how
widely. For every lemma (:mod:`qca.nlp`; folded, so ``Ämter`` and ``Amter`` are one) this
counts

``n_segments``
    segments in the group that use it at least once;
``share``
    ``n_segments`` / the group's segments (so one long answer repeating a word does not
    make it common);
``n_tokens``
    how often it occurs in all.

German stop words (spaCy's list), numbers, punctuation and one-letter words are left out.
Only substantive segments count. Groups are all segments in scope (``total``), or the values
of a source variable (``by``), or the segments carrying a code expression (``code``, as in
``qca segments``, for one coder) against the other segments that coder coded. A lemma is
shown in its most frequent spelling.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qca.errors import InputError
from qca.i18n import N_, _, ngettext
from qca.progress import Progress
from qca.store import Project, Segment

__all__ = [
    "MISSING_GROUP",
    "OTHER",
    "TOTAL",
    "WordRow",
    "WordTable",
    "format_csv",
    "format_json",
    "format_table",
    "word_frequencies",
]

TOTAL = "total"
OTHER = "(other coded)"
MISSING_GROUP = "(missing)"


@dataclass(frozen=True)
class WordRow:
    """One lemma in one group."""

    group: str
    lemma: str
    n_segments: int
    n_group: int
    n_tokens: int

    @property
    def share(self) -> float:
        return self.n_segments / self.n_group if self.n_group else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.group, "lemma": self.lemma, "n_segments": self.n_segments,
                "n_group": self.n_group, "share": round(self.share, 4),
                "n_tokens": self.n_tokens}


@dataclass
class WordTable:
    """The top lemmas of every group."""

    question: str | None
    by: str | None
    code: str | None
    coder: str | None
    groups: list[str]
    n_group: dict[str, int]
    rows: dict[str, list[WordRow]]


def _keep(lemma: str, stop: frozenset[str]) -> bool:
    from qca.nlp import fold

    return len(lemma) > 1 and any(c.isalpha() for c in lemma) and fold(lemma) not in stop


def _grouping(project: Project, segments: Sequence[Segment], by: str | None,
              code: str | None, coder: str | None) -> tuple[dict[str, list[str]], list[str]]:
    """Which groups each segment belongs to, and the groups in order."""
    if code is not None:
        from qca.retrieval import coded_sets, parse_code_query

        query = parse_code_query(code, project.codebook())
        sets = coded_sets(project, coder)
        membership = {}
        for seg in segments:
            found = sets.get((seg.id, coder))  # type: ignore[arg-type]
            if found is not None:
                membership[seg.id] = [code if query.matches(found[1]) else OTHER]
        return membership, [code, OTHER]
    if by is None:
        return {seg.id: [TOTAL] for seg in segments}, [TOTAL]
    values = {src.id: src.variables.get(by) for src in project.sources()}
    groups: list[str] = []
    membership = {}
    for seg in segments:
        value = values.get(seg.source_id)
        group = MISSING_GROUP if value in (None, "") else str(value)
        if group not in groups:
            groups.append(group)
        membership[seg.id] = [group, TOTAL]
    return membership, [*groups, TOTAL]


def word_frequencies(
    project: Project,
    *,
    question: str | None = None,
    by: str | None = None,
    code: str | None = None,
    coder: str | None = None,
    top: int = 20,
    progress: Progress | None = None,
) -> WordTable:
    """The ``top`` lemmas per group (definitions: module docstring)."""
    from qca.nlp import ensure_features, fold, stop_words

    if by is not None and code is not None:
        raise InputError(_("give --by VAR or --code KEY, not both"))
    project.require_question(question)
    if by is not None:
        project.require_variables([by])
    if code is not None:
        from qca.exporting.csv import choose_coder

        coder = choose_coder(project, coder, what=N_("words per category are"))
    segments = [s for s in project.segments(question) if s.substantive]
    membership, groups = _grouping(project, segments, by, code, coder)
    segments = [s for s in segments if s.id in membership]
    features = ensure_features(project, segments, progress=progress)
    stop = stop_words()
    n_segments: dict[str, Counter[str]] = defaultdict(Counter)
    n_tokens: dict[str, Counter[str]] = defaultdict(Counter)
    spelling: dict[str, Counter[str]] = defaultdict(Counter)
    n_group: Counter[str] = Counter()
    for seg in segments:
        feats = features.get(seg.id)
        lemmas = [lemma for lemma in (feats.lemmas if feats else ()) if _keep(lemma, stop)]
        keys = [fold(lemma) for lemma in lemmas]
        for lemma, key in zip(lemmas, keys):
            spelling[key][lemma] += 1
        for group in membership[seg.id]:
            n_group[group] += 1
            n_tokens[group].update(keys)
            n_segments[group].update(set(keys))
    rows: dict[str, list[WordRow]] = {}
    for group in groups:
        ranked = sorted(n_segments[group].items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        rows[group] = [WordRow(group, spelling[key].most_common(1)[0][0], n, n_group[group],
                               n_tokens[group][key]) for key, n in ranked]
    return WordTable(question, by, code, coder, groups, dict(n_group), rows)


# --- formatting --------------------------------------------------------------------------


def format_table(table: WordTable, *, width: int = 80) -> list[str]:
    """Per group: lemma, segments using it, their share, occurrences."""
    scope = (_("question {question}").format(question=table.question) if table.question
             else _("all questions"))
    if table.code is not None:
        scope += ", " + _("coder {coder}").format(coder=table.coder)
    lines = [_("Words (lemmas, stop words left out), {scope}").format(scope=scope)]
    for group in table.groups:
        n = table.n_group.get(group, 0)
        label = (_("total") if group == TOTAL
                 else f"{table.by} = {group}" if table.by is not None else group)
        lines.append("")
        lines.append(ngettext("{label}: {n} segment", "{label}: {n} segments", n).format(
            label=label, n=n))
        rows = table.rows.get(group, [])
        if not rows:
            lines.append("  " + _("no words"))
            continue
        lw = min(width - 30, max(10, *(len(r.lemma) for r in rows)))
        head = (_("lemma"), _("segments"), _("share"), _("tokens"))
        ws, wp, wt = max(8, len(head[1])), max(6, len(head[2])), max(7, len(head[3]))
        lines.append(f"  {head[0]:<{lw}} {head[1]:>{ws}} {head[2]:>{wp}} {head[3]:>{wt}}")
        for r in rows:
            lines.append(f"  {r.lemma[:lw]:<{lw}} {r.n_segments:>{ws}} {r.share:>{wp}.0%} "
                         f"{r.n_tokens:>{wt}}")
    return lines


def format_csv(table: WordTable) -> str:
    """CSV: group, lemma, n_segments, n_group, share, n_tokens."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["group", "lemma", "n_segments", "n_group", "share", "n_tokens"])
    for group in table.groups:
        for r in table.rows.get(group, []):
            d = r.to_dict()
            writer.writerow([d[k] for k in ("group", "lemma", "n_segments", "n_group", "share",
                                            "n_tokens")])
    return buf.getvalue()


def format_json(table: WordTable) -> str:
    """JSON: the scope and, per group, its size and its rows."""
    out = {"question": table.question, "by": table.by, "code": table.code,
           "coder": table.coder,
           "groups": {g: {"n_segments": table.n_group.get(g, 0),
                          "words": [r.to_dict() for r in table.rows.get(g, [])]}
                      for g in table.groups}}
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"
