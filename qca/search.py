"""Text search over the segments: keyword in context (KWIC).

Four ways to match a pattern:

plain (default)
    The pattern is found anywhere in a text, also inside a German compound (``Personal``
    finds ``Personaldecke``), case- and umlaut-insensitively: both sides are folded by
    :mod:`qca.folding` (``Baume`` finds ``Bäume``, ``strasse`` finds ``Straße``). Candidates
    come from the project's full-text index (SQLite FTS5, trigram tokenizer over the folded
    texts; migration ``0004_search``), so a word is found among a million segments in well
    under a second (``bench/search_bench.py``). Patterns shorter than three characters,
    which trigrams cannot look up, scan the folded texts instead.
``word=True``
    Like plain, but only whole words: ``Personal`` no longer finds ``Personaldecke``.
``regex=True``
    A Python regular expression, case-insensitive, on the original texts (not folded: write
    ``B(ä|ae)ume`` to allow both spellings). Scans every segment in scope.
``lemma=True``
    On the stored lemmas (:mod:`qca.nlp`): the pattern's lemma is compared, folded, with
    every word's lemma, so ``Baum`` finds ``Bäume`` but not ``Baumpflege``.

A hit is one occurrence, with its offsets in the segment's text and some characters of
context on each side. Results are in project order.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from qca.errors import InputError
from qca.folding import FoldedText, fold_text
from qca.i18n import _
from qca.session import parse_where
from qca.store import Project

__all__ = [
    "Hit",
    "SearchResult",
    "format_csv",
    "format_json",
    "format_table",
    "search",
    "segment_hits",
]

_TRIGRAM = 3
CONTEXT = 40


class Hit(NamedTuple):
    """One occurrence: ``text[start:end]`` of segment ``segment_id`` matched.

    A named tuple, so that the hundreds of thousands of hits of a frequent word are cheap.
    """

    segment_id: str
    source_id: str
    question: str | None
    start: int
    end: int
    left: str
    match: str
    right: str

    def to_dict(self) -> dict[str, Any]:
        return {"segment": self.segment_id, "source": self.source_id, "question": self.question,
                "start": self.start, "end": self.end, "left": self.left, "match": self.match,
                "right": self.right}


@dataclass(frozen=True)
class SearchResult:
    """All hits of one search, and how it matched."""

    pattern: str
    mode: str
    hits: list[Hit]

    @property
    def n_segments(self) -> int:
        return len({h.segment_id for h in self.hits})


# --- matching one text ------------------------------------------------------------------


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _plain_spans(text: str, needle: str, word: bool) -> list[tuple[int, int]]:
    folded_text = FoldedText(text)
    folded = folded_text.folded
    original = None if folded_text.one_to_one else folded_text.original
    n = len(needle)
    spans = []
    start = folded.find(needle)
    while start != -1:
        end = start + n
        if not word or ((start == 0 or not _is_word_char(folded[start - 1]))
                        and (end == len(folded) or not _is_word_char(folded[end]))):
            spans.append((start, end) if original is None else (original(start), original(end)))
            start = folded.find(needle, end)
        else:
            start = folded.find(needle, start + 1)
    return spans


def _regex_spans(text: str, pattern: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    for m in pattern.finditer(text):
        if m.end() > m.start():
            yield m.start(), m.end()


def _token_spans(text: str, tokens: Sequence[str]) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for token in tokens:
        at = text.find(token, pos)
        if at == -1:
            spans.append((-1, -1))
            continue
        spans.append((at, at + len(token)))
        pos = at + len(token)
    return spans


def compile_regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled case-insensitively, or :class:`InputError` in one line."""
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise InputError(_("--regex {pattern!r} is not a valid regular expression ({exc}); "
                           "escape special characters with \\ or search without --regex")
                         .format(pattern=pattern, exc=exc)) from None


def segment_hits(text: str, pattern: str, *, word: bool = False,
                 regex: bool = False) -> list[tuple[int, int]]:
    """The (start, end) offsets of ``pattern`` in one text (plain or regex), for the screen."""
    if regex:
        return list(_regex_spans(text, compile_regex(pattern)))
    needle = fold_text(pattern.strip())
    return list(_plain_spans(text, needle, word)) if needle else []


# --- selecting candidates ---------------------------------------------------------------


def _scope_sql(question: str | None, pairs: Sequence[tuple[str, str]],
               coded: bool | None, coder: str | None) -> tuple[str, list[Any]]:
    sql = "SELECT s.seq, s.id, s.source_id, s.question, s.text FROM segments s"
    if pairs:
        sql += " JOIN sources src ON src.id = s.source_id"
    sql += " WHERE 1=1"
    params: list[Any] = []
    if question is not None:
        sql += " AND s.question = ?"
        params.append(question)
    for name, value in pairs:
        sql += " AND CAST(json_extract(src.variables, ?) AS TEXT) = ?"
        params += ['$."' + name.replace('"', '\\"') + '"', value]
    if coded is not None:
        inner = "SELECT 1 FROM codings c WHERE c.segment_id = s.id"
        if coder is not None:
            inner += " AND c.coder = ?"
            params.append(coder)
        sql += f" AND {'' if coded else 'NOT '}EXISTS ({inner})"
    return sql, params


def _fts_phrase(folded: str) -> str:
    return '"' + folded.replace('"', '""') + '"'


def _candidates(project: Project, needle: str, scope: tuple[str, list[Any]]
                ) -> list[tuple[int, str, str, str | None, str]]:
    sql, params = scope
    # Segments written outside Project.transaction (another tool) wait in search_pending
    # until the next commit; they are candidates too, and the match below checks them.
    if len(needle) >= _TRIGRAM:
        sql += (" AND (s.seq IN (SELECT rowid FROM segment_search WHERE segment_search MATCH ?)"
                " OR s.seq IN (SELECT seq FROM search_pending))")
        params = [*params, _fts_phrase(needle)]
    else:
        sql += (" AND (s.seq IN (SELECT rowid FROM segment_search WHERE instr(folded, ?) > 0)"
                " OR s.seq IN (SELECT seq FROM search_pending))")
        params = [*params, needle]
    return project.conn.execute(sql + " ORDER BY s.seq", params).fetchall()


def _lemma_pattern(pattern: str) -> tuple[str, ...]:
    from qca.nlp import analyse, fold

    (features,) = analyse([pattern])
    return tuple(fold(lemma) for lemma in features.lemmas)


def _lemma_hits(project: Project, pattern: str, rows: Sequence[tuple[Any, ...]]
                ) -> Iterator[tuple[tuple[Any, ...], int, int]]:
    from qca.nlp import ensure_features, fold
    from qca.store import Segment

    wanted = _lemma_pattern(pattern)
    typed = tuple(fold(w) for w in pattern.split())
    if not wanted:
        return
    segments = [Segment(sid, seq, src, q, 0, None, text) for seq, sid, src, q, text in rows]
    features = ensure_features(project, segments)
    n = len(wanted)
    for row in rows:
        feats = features.get(row[1])
        if feats is None:
            continue
        lemmas = [fold(lemma) for lemma in feats.lemmas]
        spans = _token_spans(row[4], feats.tokens)
        for i in range(len(lemmas) - n + 1):
            window = tuple(lemmas[i:i + n])
            if window == wanted or window == typed:
                start, end = spans[i][0], spans[i + n - 1][1]
                if start >= 0 and end >= 0:
                    yield row, start, end


def _hit(row: tuple[Any, ...], start: int, end: int, context: int) -> Hit:
    _, sid, source, question, text = row
    left = text[max(0, start - context):start].replace("\n", " ")
    right = text[end:end + context].replace("\n", " ")
    return Hit(sid, source, question, start, end, left, text[start:end], right)


def search(
    project: Project,
    pattern: str,
    *,
    regex: bool = False,
    lemma: bool = False,
    word: bool = False,
    question: str | None = None,
    where: Sequence[str] = (),
    coded: bool | None = None,
    coder: str | None = None,
    context: int = CONTEXT,
) -> SearchResult:
    """Every occurrence of ``pattern`` in the segments in scope (modes: module docstring).

    Args:
        project: The open project.
        pattern: What to look for.
        regex: ``pattern`` is a regular expression.
        lemma: Compare lemmas instead of spellings.
        word: Whole words only (plain mode).
        question: Only segments of this question.
        where: ``VAR=VALUE`` filters on the source variables.
        coded: True: only coded segments, False: only uncoded ones, None: all.
        coder: Whose codings ``coded`` looks at (default: anyone's).
        context: Characters of context on each side.
    """
    if sum((regex, lemma)) > 1 or (word and (regex or lemma)):
        raise InputError(_("choose one of --regex, --lemma and --word"))
    if not pattern.strip():
        raise InputError(_("the search pattern is empty; give a word, a phrase or --regex PATTERN"))
    project.require_question(question)
    pairs = parse_where(where)
    project.require_variables(name for name, _ in pairs)
    if coder is not None and coder not in project.coders():
        listed = ", ".join(project.coders()) or "none yet"
        raise InputError(_("coder {coder!r} has no codings in {name}; "
                           "coders are: {listed}")
                         .format(coder=coder, name=project.path.name, listed=listed))
    scope = _scope_sql(question, pairs, coded, coder)
    hits: list[Hit] = []
    if regex:
        compiled = compile_regex(pattern)
        sql, params = scope
        for row in project.conn.execute(sql + " ORDER BY s.seq", params):
            hits += [_hit(row, s, e, context) for s, e in _regex_spans(row[4], compiled)]
        return SearchResult(pattern, "regex", hits)
    if lemma:
        sql, params = scope
        rows = project.conn.execute(sql + " ORDER BY s.seq", params).fetchall()
        hits = [_hit(row, s, e, context) for row, s, e in _lemma_hits(project, pattern, rows)]
        return SearchResult(pattern, "lemma", hits)
    needle = fold_text(pattern.strip())
    if not needle.strip():
        raise InputError(_("the search pattern {pattern!r} has no letters to search for")
                         .format(pattern=pattern))
    for row in _candidates(project, needle, scope):
        hits += [_hit(row, s, e, context) for s, e in _plain_spans(row[4], needle, word)]
    return SearchResult(pattern, "word" if word else "plain", hits)


# --- formatting --------------------------------------------------------------------------


def format_table(result: SearchResult, *, width: int = 80) -> list[str]:
    """KWIC lines: segment id, left context right-aligned, [match], right context."""
    hits = result.hits
    lines = [f"{len(hits)} hit{'s' if len(hits) != 1 else ''} in {result.n_segments} "
             f"segment{'s' if result.n_segments != 1 else ''} for {result.pattern!r}"
             f" ({result.mode})"]
    if not hits:
        return lines
    id_width = min(24, max(len(h.segment_id) for h in hits))
    room = width - id_width - 2
    for h in hits:
        match = f"[{h.match.replace(chr(10), ' ')}]"
        side = max(6, (room - len(match)) // 2)
        left = h.left[-side:] if len(h.left) > side else h.left
        right = h.right[:max(0, room - side - len(match))]
        sid = h.segment_id if len(h.segment_id) <= id_width else h.segment_id[:id_width - 1] + "…"
        lines.append(f"{sid:<{id_width}}  {left:>{side}}{match}{right}".rstrip()[:width])
    return lines


def format_csv(result: SearchResult) -> str:
    """CSV: segment, source, question, start, end, left, match, right."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["segment", "source", "question", "start", "end", "left", "match", "right"])
    for h in result.hits:
        writer.writerow([h.segment_id, h.source_id, h.question or "", h.start, h.end, h.left,
                         h.match, h.right])
    return buf.getvalue()


def format_json(result: SearchResult) -> str:
    """A JSON object with the pattern, the mode and the list of hits."""
    return json.dumps({"pattern": result.pattern, "mode": result.mode,
                       "n_hits": len(result.hits), "n_segments": result.n_segments,
                       "hits": [h.to_dict() for h in result.hits]},
                      ensure_ascii=False, indent=2) + "\n"
