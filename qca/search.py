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
    A Python regular expression, matched like plain search: case- and umlaut-insensitively
    on the folded texts. The pattern's literal characters (outside and inside ``[...]``) are
    folded by the same rules (:func:`fold_pattern`): ``Bäume``, ``Baume`` and ``BAEUME`` all
    become ``baume``, ``Straße`` becomes ``strasse``, ``[A-ZÄÖÜ]`` becomes ``[a-zaou]``; escapes
    (``\\w``, ``\\d``, ``\\x41``), group names and quantifiers are left as written. Because the
    spelled-out umlauts are folded too (``ae`` → ``a``), write such a pair inside one piece of
    the pattern (``B(ue|ü)ro``, not ``Bu(e|ü)ro``). When the pattern has a literal run of
    three or more characters outside any group or repetition (``Konflikt`` in
    ``Konflikt\\w*``), the index narrows the candidates first; otherwise every segment in
    scope is scanned.
``lemma=True``
    On the stored lemmas (:mod:`qca.nlp`): the pattern's lemma is compared, folded, with
    every word's lemma, so ``Baum`` finds ``Bäume`` but not ``Baumpflege``.

``exact=True`` (plain, ``word`` or ``regex``) turns folding off: case and umlauts matter, on
the original texts (``Bäume`` finds ``Bäume`` only, not ``bäume`` or ``Baume``).

A hit is one occurrence, with its offsets in the segment's text and some characters of
context on each side. Results are in project order (the segments' ``seq``), so a page is
stable. :func:`search` returns one page (``offset``, ``limit``; default: every hit) and the
totals: the number of segments with a hit always, and the number of hits when it is cheap
to know: always in word, regex, lemma and exact modes (which look at every candidate anyway),
and in plain mode when the page holds every hit or at most :data:`COUNT_BOUND` segments have
a hit (counting then reads each candidate's text once; beyond that only the index is asked,
which counts segments, not occurrences).
"""

from __future__ import annotations

import csv
import heapq
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from qca.errors import InputError
from qca.folding import FoldedText, fold_text
from qca.i18n import N_, _, ngettext
from qca.session import parse_where
from qca.store import Project

__all__ = [
    "COUNT_BOUND",
    "Hit",
    "SearchResult",
    "compile_regex",
    "fold_pattern",
    "format_csv",
    "format_json",
    "format_table",
    "hit_segments",
    "search",
    "segment_hits",
]

_TRIGRAM = 3
_CHUNK = 500  # segments read by one statement (SQLite limits the number of parameters)
CONTEXT = 40
#: In plain mode, hits are counted beyond the page only when at most this many segments
#: have one (reading 20,000 texts costs some 50 ms; a frequent word in a million segments,
#: a second and more).
COUNT_BOUND = 20_000


class Hit(NamedTuple):
    """One occurrence: ``text[start:end]`` of segment ``segment_id`` matched."""

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
    """One page of the hits of a search, the totals, and how it matched.

    ``hits`` are the hits ``offset`` to ``offset + limit`` in project order; ``n_segments``
    counts every segment with a hit, ``n_hits`` every hit, or is None when counting them
    would read too many texts (plain mode over more than :data:`COUNT_BOUND` segments).
    """

    pattern: str
    mode: str
    hits: list[Hit]
    n_segments: int
    n_hits: int | None
    offset: int = 0

    @property
    def complete(self) -> bool:
        """Whether ``hits`` is every hit of the search."""
        return self.offset == 0 and self.n_hits == len(self.hits)


# --- matching one text ------------------------------------------------------------------


def _find_all(text: str, needle: str) -> list[tuple[int, int]]:
    n = len(needle)
    spans = []
    start = text.find(needle)
    while start != -1:
        spans.append((start, start + n))
        start = text.find(needle, start + n)
    return spans


def _regex_spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()]


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


# --- folding a regular expression -------------------------------------------------------

_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}
_QUANTIFIER = re.compile(r"\{\d*(,\d*)?\}")


def _fold_class_char(ch: str) -> str:
    folded = fold_text(ch)
    return folded[:1] if folded else ch  # ß folds to ss: one s stands for it in a class


def _escape_end(pattern: str, i: int) -> int:
    """The end of the escape starting at ``pattern[i] == '\\'``."""
    nxt = pattern[i + 1:i + 2]
    if nxt in _HEX_DIGITS:
        return i + 2 + _HEX_DIGITS[nxt]
    if nxt == "N" and pattern[i + 2:i + 3] == "{":
        close = pattern.find("}", i)
        return len(pattern) if close == -1 else close + 1
    if nxt == "g" and pattern[i + 2:i + 3] == "<":
        close = pattern.find(">", i)
        return len(pattern) if close == -1 else close + 1
    return i + 2


def _group_header_end(pattern: str, i: int) -> int:
    """The end of an extension's header ``(?...`` starting at ``pattern[i] == '('``."""
    rest = pattern[i + 2:i + 4]
    for head in ("<=", "<!", "=", "!", ":", ">"):  # look-arounds, (?:, atomic (?>
        if rest.startswith(head):
            return i + 2 + len(head)
    if rest.startswith(("P<", "P=", "<", "#")):  # a group's name, a back-reference, a comment
        close = pattern.find(">" if rest[:1] in "P<" and rest[:2] != "P=" else ")", i)
        return len(pattern) if close == -1 else close + 1
    j = i + 2
    while j < len(pattern) and (pattern[j].isalpha() or pattern[j] == "-"):
        j += 1  # inline flags: (?aiLmsux) or (?imsx-imsx:
    if j < len(pattern) and pattern[j] in ":)":
        j += 1
    return j


def _class_end(pattern: str, i: int) -> int:
    """The end of the character class starting at ``pattern[i] == '['``."""
    j = i + 1
    if pattern[j:j + 1] == "^":
        j += 1
    if pattern[j:j + 1] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j = _escape_end(pattern, j) if pattern[j] == "\\" else j + 1
    return j + 1


def _fold_class(body: str) -> str:
    out = []
    j = 0
    while j < len(body):
        if body[j] == "\\":
            end = _escape_end(body, j)
            out.append(body[j:end])
            j = end
        else:
            out.append(_fold_class_char(body[j]))
            j += 1
    return "".join(out)


def fold_pattern(pattern: str) -> str:
    """``pattern`` with its literal characters folded as :func:`qca.folding.fold_text` does.

    Runs of literal characters are folded as a whole (so ``ae`` becomes ``a`` as in the
    texts); characters in a class one by one; escapes, group headers and ``{m,n}`` are kept.
    """
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append(fold_text("".join(run)))
            run.clear()

    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            end = _escape_end(pattern, i)
        elif ch == "[":
            end = _class_end(pattern, i)
            flush()
            head = 2 if pattern[i + 1:i + 2] == "^" else 1
            out.append(pattern[i:i + head] + _fold_class(pattern[i + head:end - 1]) + "]")
            i = end
            continue
        elif ch == "(" and pattern[i + 1:i + 2] == "?":
            end = _group_header_end(pattern, i)
        elif ch == "{" and (m := _QUANTIFIER.match(pattern, i)):
            end = m.end()
        elif ch in ".^$*+?|()":
            end = i + 1
        else:
            run.append(ch)
            i += 1
            continue
        flush()
        out.append(pattern[i:end])
        i = end
    flush()
    return "".join(out)


def compile_regex(pattern: str, *, exact: bool = False) -> re.Pattern[str]:
    """``pattern`` compiled for the folded texts (or as written, ``exact``), or one-line
    :class:`InputError`."""
    try:
        compiled = re.compile(pattern, 0 if exact else re.IGNORECASE)
    except re.error as exc:
        raise InputError(_("--regex '{pattern}' is not a valid regular expression ({exc}); "
                           "escape special characters with \\ or search without --regex")
                         .format(pattern=pattern, exc=exc)) from None
    if exact:
        return compiled
    try:
        return re.compile(fold_pattern(pattern), re.IGNORECASE)
    except re.error:
        return compiled  # folding broke a construct it does not know: match as written


_MAX_ALTERNATIVES = 16


def _exact_strings(item: tuple[Any, Any], parser: Any) -> set[str] | None:
    """The few strings a parsed regex item matches, if it matches only a few."""
    op, value = item
    if op is parser.LITERAL:
        return {chr(value)}
    if op is parser.IN and value and all(o is parser.LITERAL for o, _ in value) \
            and len(value) <= _MAX_ALTERNATIVES:
        return {chr(v) for _, v in value}
    if op is parser.SUBPATTERN:
        return _exact_sequence(value[-1], parser)
    if op is parser.BRANCH:
        out: set[str] = set()
        for alternative in value[1]:
            strings = _exact_sequence(alternative, parser)
            if strings is None:
                return None
            out |= strings
        return out if len(out) <= _MAX_ALTERNATIVES else None
    return None


def _exact_sequence(items: Any, parser: Any) -> set[str] | None:
    strings = {""}
    for item in items:
        part = _exact_strings(item, parser)
        if part is None:
            return None
        strings = {a + b for a in strings for b in part}
        if len(strings) > _MAX_ALTERNATIVES:
            return None
    return strings


def _better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """Of two sets of alternatives, the one whose shortest string is longer."""
    if not b or min(map(len, b)) < _TRIGRAM:
        return a
    if not a or min(map(len, b)) > min(map(len, a)):
        return b
    return a


def _required_in(items: Any, parser: Any) -> set[str] | None:
    """Strings of which every match of the sequence ``items`` contains one (or None)."""
    best: set[str] | None = None
    run = {""}
    for item in [*items, None]:
        part = None if item is None else _exact_strings(item, parser)
        if part is not None:
            joined = {a + b for a in run for b in part}
            if len(joined) <= _MAX_ALTERNATIVES:
                run = joined
                continue
        best = _better(best, run)
        run = part if part is not None else {""}
        if item is None or part is not None:
            continue
        op, value = item
        if op is parser.SUBPATTERN:
            best = _better(best, _required_in(value[-1], parser))
        elif op in (parser.MAX_REPEAT, parser.MIN_REPEAT) and value[0] >= 1:
            best = _better(best, _required_in(value[2], parser))
        elif op is parser.BRANCH:
            found = [_required_in(alt, parser) for alt in value[1]]
            if all(found):
                union = set().union(*found)  # type: ignore[arg-type]
                if len(union) <= _MAX_ALTERNATIVES:
                    best = _better(best, union)
    return best


def _required_strings(compiled: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings of three or more characters of which every match contains one, if any.

    ``Konflikt\\w*`` gives ``konflikt``, ``(schul|sport)\\w*amt`` ``schul`` or ``sport`` (or
    ``amt``: the longer wins); ``(abc)?xy`` nothing the index could look up.
    """
    try:
        from re import _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(compiled.pattern, compiled.flags & ~re.IGNORECASE)
        found = _required_in(list(parsed), _parser)
    except Exception:  # noqa: BLE001 - an internal module; without it, no pre-filter
        return None
    return tuple(sorted(found)) if found else None


# --- matchers: how a mode counts and locates hits in one text ------------------------------


@dataclass(frozen=True)
class _Matcher:
    """Hits in one text: on the folded text (``folded``) or on the original."""

    folded: bool
    count: Callable[[str], int]
    spans: Callable[[str], list[tuple[int, int]]]
    phrase: tuple[str, ...] | None  # every hit's folded text contains one (the index looks up)
    cheap_total: bool   # the index alone gives the number of segments with a hit
    raw: tuple[str, ...] | None = None  # exact modes: every hit's original text contains one


def _regex_counter(compiled: re.Pattern[str]) -> Callable[[str], int]:
    try:
        from re import _parser  # type: ignore[attr-defined]

        never_empty = _parser.parse(compiled.pattern, compiled.flags).getwidth()[0] > 0
    except Exception:  # noqa: BLE001 - an internal module: count the careful way
        never_empty = False
    if never_empty:
        return lambda text: len(compiled.findall(text))
    return lambda text: len(_regex_spans(text, compiled))


def _matcher(pattern: str, *, regex: bool, word: bool, exact: bool) -> _Matcher:
    if regex:
        compiled = compile_regex(pattern, exact=exact)
        strings = _required_strings(compiled)
        if exact:  # an inline (?i) makes the literals case-insensitive: no pre-filter then
            raw = None if compiled.flags & re.IGNORECASE else strings
            phrase = None
        else:
            raw = None
            lowered = tuple(x.lower() for x in strings or ())
            phrase = lowered if lowered and all(fold_text(x) == x for x in lowered) else None
        # exact: a literal of the original need not survive folding (``Bluesky`` folds to
        # ``blusky``, losing ``esk``), so only the folded modes ask the index
        return _Matcher(not exact, _regex_counter(compiled),
                        lambda text: _regex_spans(text, compiled), phrase, False, raw)
    needle = pattern.strip() if exact else fold_text(pattern.strip())
    if not fold_text(needle).strip():
        raise InputError(_("the search pattern '{pattern}' has no letters to search for")
                         .format(pattern=pattern))
    if word:
        bounded = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)")
        return _Matcher(not exact, lambda text: len(bounded.findall(text)),
                        lambda text: _regex_spans(text, bounded),
                        None if exact else (needle,), False, (needle,) if exact else None)
    return _Matcher(not exact, lambda text: text.count(needle),
                    lambda text: _find_all(text, needle), None if exact else (needle,),
                    not exact, (needle,) if exact else None)


# --- selecting candidates ---------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    """The SQL that keeps a segment ``s`` (joined to its source ``src``) in scope."""

    join: str
    where: str
    params: tuple[Any, ...]

    @property
    def narrows(self) -> bool:
        return bool(self.where)


def _scope(question: str | None, pairs: Sequence[tuple[str, str]], coded: bool | None,
           coder: str | None) -> _Scope:
    join = " JOIN sources src ON src.id = s.source_id" if pairs else ""
    where = ""
    params: list[Any] = []
    if question is not None:
        where += " AND s.question = ?"
        params.append(question)
    for name, value in pairs:
        where += " AND CAST(json_extract(src.variables, ?) AS TEXT) = ?"
        params += ['$."' + name.replace('"', '\\"') + '"', value]
    if coded is not None:
        inner = "SELECT 1 FROM codings c WHERE c.segment_id = s.id"
        if coder is not None:
            inner += " AND c.coder = ?"
            params.append(coder)
        where += f" AND {'' if coded else 'NOT '}EXISTS ({inner})"
    return _Scope(join, where, tuple(params))


def _fts_phrase(folded: str) -> str:
    return '"' + folded.replace('"', '""') + '"'


def _indexed_sql(m: _Matcher, scope: _Scope, what: str,
                 join: bool = False) -> tuple[str, list[Any]]:
    """FROM/WHERE over the index (``f``) for a folded matcher, driven by the index.

    CROSS JOIN keeps the index as the outer loop: otherwise SQLite may walk every segment
    and ask the index once per segment (minutes, not milliseconds, for a million).
    """
    sql = f"SELECT {what} FROM segment_search f"
    params: list[Any] = []
    if scope.narrows or join:
        sql += " CROSS JOIN segments s ON s.seq = f.rowid" + scope.join
    sql += " WHERE 1=1"
    if m.phrase is not None and min(map(len, m.phrase)) >= _TRIGRAM:
        sql += " AND f.segment_search MATCH ?"
        params.append(" OR ".join(map(_fts_phrase, m.phrase)))
    elif m.phrase is not None:
        sql += " AND (" + " OR ".join(["instr(f.folded, ?) > 0"] * len(m.phrase)) + ")"
        params += m.phrase
    return sql + scope.where, params + list(scope.params)


def _candidates(project: Project, m: _Matcher, scope: _Scope) -> Iterator[tuple[int, str]]:
    """(seq, text to match) of the segments in scope that may hold a hit, in seq order."""
    conn = project.conn
    if not m.folded:
        sql = "SELECT s.seq, s.text FROM segments s" + scope.join + " WHERE 1=1"
        params: list[Any] = []
        if m.raw is not None:
            sql += " AND (" + " OR ".join(["instr(s.text, ?) > 0"] * len(m.raw)) + ")"
            params += m.raw
        yield from conn.execute(sql + scope.where + " ORDER BY s.seq",
                                params + list(scope.params))
        return
    sql, params = _indexed_sql(m, scope, "f.rowid, f.folded")
    indexed = conn.execute(sql + " ORDER BY f.rowid", params)
    yield from heapq.merge(indexed, _pending(project, scope), key=lambda row: row[0])


def _pending(project: Project, scope: _Scope) -> list[tuple[int, str]]:
    # Segments written outside Project.transaction (another tool) wait in search_pending
    # until the next commit, not yet in the index: they are folded here.
    if project.conn.execute("SELECT 1 FROM search_pending LIMIT 1").fetchone() is None:
        return []
    rows = project.conn.execute(
        "SELECT s.seq, s.text FROM segments s" + scope.join
        + " WHERE s.seq IN (SELECT seq FROM search_pending)" + scope.where + " ORDER BY s.seq",
        scope.params).fetchall()
    return [(seq, fold_text(text)) for seq, text in rows]


def _count_segments(project: Project, m: _Matcher, scope: _Scope) -> int:
    """Segments with a hit, from the index alone (plain folded mode: the index is exact)."""
    sql, params = _indexed_sql(m, scope, "count(*)")
    (n,) = project.conn.execute(sql, params).fetchone()
    return int(n) + sum(1 for _, text in _pending(project, scope) if m.count(text))


# --- one page of hits -------------------------------------------------------------------


class _Pick(NamedTuple):
    seq: int
    first: int  # the first and last-but-one of the segment's hits on the page
    stop: int


def _walk(rows: Iterable[tuple[int, str]], m: _Matcher, offset: int, limit: int | None,
          count_all: bool) -> tuple[list[_Pick], int, int, bool]:
    """Pick the page's segments; return them, the segments and hits seen, and whether all
    candidates were seen."""
    end = None if limit is None else offset + limit
    picks: list[_Pick] = []
    n_segments = n_hits = 0
    for seq, text in rows:
        k = m.count(text)
        if not k:
            continue
        first = max(0, offset - n_hits)
        stop = k if end is None else min(k, end - n_hits)
        if first < stop:
            picks.append(_Pick(seq, first, stop))
        n_segments += 1
        n_hits += k
        if end is not None and n_hits >= end and not count_all:
            return picks, n_segments, n_hits, False
    return picks, n_segments, n_hits, True


def _hits_of(project: Project, picks: Sequence[_Pick], m: _Matcher, context: int) -> list[Hit]:
    if not picks:
        return []
    rows: dict[int, tuple[Any, ...]] = {}
    for at in range(0, len(picks), _CHUNK):
        chunk = [p.seq for p in picks[at:at + _CHUNK]]
        rows.update((row[0], row) for row in project.conn.execute(
            "SELECT seq, id, source_id, question, text FROM segments WHERE seq IN "
            f"({','.join('?' * len(chunk))})", chunk))
    hits = []
    for pick in picks:
        row = rows[pick.seq]
        text = row[4]
        if m.folded:
            folded = FoldedText(text)
            spans = m.spans(folded.folded)
            if not folded.one_to_one:
                spans = [(folded.original(s), folded.original(e)) for s, e in spans]
        else:
            spans = m.spans(text)
        hits += [_hit(row, s, e, context) for s, e in spans[pick.first:pick.stop]]
    return hits


def _hit(row: tuple[Any, ...], start: int, end: int, context: int) -> Hit:
    _, sid, source, question, text = row
    left = text[max(0, start - context):start].replace("\n", " ")
    right = text[end:end + context].replace("\n", " ")
    return Hit(sid, source, question, start, end, left, text[start:end], right)


# --- lemmas -----------------------------------------------------------------------------


def _lemma_pattern(pattern: str) -> tuple[str, ...]:
    from qca.nlp import analyse, fold

    (features,) = analyse([pattern])
    return tuple(fold(lemma) for lemma in features.lemmas)


def _lemma_hits(project: Project, pattern: str, scope: _Scope, context: int) -> list[Hit]:
    from qca.nlp import ensure_features, fold
    from qca.store import Segment

    wanted = _lemma_pattern(pattern)
    typed = tuple(fold(w) for w in pattern.split())
    if not wanted:
        return []
    rows = project.conn.execute(
        "SELECT s.seq, s.id, s.source_id, s.question, s.text FROM segments s" + scope.join
        + " WHERE 1=1" + scope.where + " ORDER BY s.seq", scope.params).fetchall()
    segments = [Segment(sid, seq, src, q, 0, None, text) for seq, sid, src, q, text in rows]
    features = ensure_features(project, segments)
    n = len(wanted)
    hits = []
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
                    hits.append(_hit(row, start, end, context))
    return hits


# --- the search -------------------------------------------------------------------------


def _check(project: Project, pattern: str, *, regex: bool, lemma: bool, word: bool,
           exact: bool, question: str | None, where: Sequence[str], coder: str | None,
           offset: int, limit: int | None) -> Sequence[tuple[str, str]]:
    if sum((regex, lemma)) > 1 or (word and (regex or lemma)):
        raise InputError(_("choose one of --regex, --lemma and --word"))
    if exact and lemma:
        raise InputError(_("--exact works with plain, --word and --regex search, "
                           "not with --lemma"))
    if offset < 0 or (limit is not None and limit < 1):
        raise InputError(_("--offset must be 0 or more and --limit 1 or more"))
    if not pattern.strip():
        raise InputError(_("the search pattern is empty; give a word, a phrase or --regex PATTERN"))
    project.require_question(question)
    pairs = parse_where(where)
    project.require_variables(name for name, _ in pairs)
    if coder is not None and coder not in project.coders():
        listed = ", ".join(project.coders()) or _("none yet")
        raise InputError(_("coder {coder!r} has no codings in {name}; "
                           "coders are: {listed}")
                         .format(coder=coder, name=project.path.name, listed=listed))
    return pairs


def _mode(regex: bool, lemma: bool, word: bool, exact: bool) -> str:
    mode = "regex" if regex else "lemma" if lemma else "word" if word else "plain"
    return mode + ", exact" if exact else mode


def search(
    project: Project,
    pattern: str,
    *,
    regex: bool = False,
    lemma: bool = False,
    word: bool = False,
    exact: bool = False,
    question: str | None = None,
    where: Sequence[str] = (),
    coded: bool | None = None,
    coder: str | None = None,
    context: int = CONTEXT,
    offset: int = 0,
    limit: int | None = None,
) -> SearchResult:
    """One page of the occurrences of ``pattern`` in the segments in scope, with totals.

    Modes and totals: module docstring.

    Args:
        project: The open project.
        pattern: What to look for.
        regex: ``pattern`` is a regular expression.
        lemma: Compare lemmas instead of spellings.
        word: Whole words only (plain mode).
        exact: Case and umlauts matter (plain, word and regex modes).
        question: Only segments of this question.
        where: ``VAR=VALUE`` filters on the source variables.
        coded: True: only coded segments, False: only uncoded ones, None: all.
        coder: Whose codings ``coded`` looks at (default: anyone's).
        context: Characters of context on each side.
        offset: Hits to skip (in project order) before the page starts.
        limit: Hits on the page (None: every hit from ``offset`` on).
    """
    pairs = _check(project, pattern, regex=regex, lemma=lemma, word=word, exact=exact,
                   question=question, where=where, coder=coder, offset=offset, limit=limit)
    scope = _scope(question, pairs, coded, coder)
    mode = _mode(regex, lemma, word, exact)
    if lemma:
        hits = _lemma_hits(project, pattern, scope, context)
        page = hits[offset:] if limit is None else hits[offset:offset + limit]
        return SearchResult(pattern, mode, page, len({h.segment_id for h in hits}), len(hits),
                            offset)
    m = _matcher(pattern, regex=regex, word=word, exact=exact)
    total = _count_segments(project, m, scope) if m.cheap_total and limit is not None else None
    count_all = total is None or total <= COUNT_BOUND
    picks, n_segments, n_hits, finished = _walk(_candidates(project, m, scope), m, offset,
                                                limit, count_all)
    hits = _hits_of(project, picks, m, context)
    return SearchResult(pattern, mode, hits, n_segments if total is None else total,
                        n_hits if finished else None, offset)


def hit_segments(project: Project, pattern: str, *, question: str | None = None) -> list[str]:
    """The ids of the segments where plain ``pattern`` occurs, in project order.

    For the coding screen (ctrl+f), which shows one segment at a time and marks its hits
    with :func:`segment_hits` only when it is shown: no context is cut out in advance.
    """
    _check(project, pattern, regex=False, lemma=False, word=False, exact=False,
           question=question, where=(), coder=None, offset=0, limit=None)
    m = _matcher(pattern, regex=False, word=False, exact=False)
    scope = _scope(question, (), None, None)
    # plain folded search: the index is exact, no text needs to be read
    sql, params = _indexed_sql(m, scope, "f.rowid, s.id", join=True)
    found = project.conn.execute(sql + " ORDER BY f.rowid", params).fetchall()
    pending = [seq for seq, text in _pending(project, scope) if m.count(text)]
    for at in range(0, len(pending), _CHUNK):
        chunk = pending[at:at + _CHUNK]
        found += project.conn.execute(
            f"SELECT seq, id FROM segments WHERE seq IN ({','.join('?' * len(chunk))})",
            chunk).fetchall()
    found.sort()
    return [sid for _, sid in found]


def segment_hits(text: str, pattern: str, *, word: bool = False,
                 regex: bool = False, exact: bool = False) -> list[tuple[int, int]]:
    """The (start, end) offsets of ``pattern`` in one text (plain, word or regex)."""
    m = _matcher(pattern, regex=regex, word=word, exact=exact)
    if not m.folded:
        return m.spans(text)
    folded = FoldedText(text)
    spans = m.spans(folded.folded)
    if folded.one_to_one:
        return spans
    return [(folded.original(s), folded.original(e)) for s, e in spans]


# --- formatting --------------------------------------------------------------------------

#: How each mode is named in the table (the JSON keeps the English mode).
_MODE_NAMES = {"plain": N_("plain"), "word": N_("whole words"), "lemma": N_("lemma"),
               "regex": N_("regex")}


def _summary(result: SearchResult) -> str:
    segments = ngettext("{n} segment", "{n} segments", result.n_segments).format(
        n=result.n_segments)
    if result.n_hits is None:
        return _("{segments} with a hit for '{pattern}' ({mode})").format(
            segments=segments, pattern=result.pattern,
            mode=_(_MODE_NAMES.get(result.mode, result.mode)))
    hits = ngettext("{n} hit", "{n} hits", result.n_hits).format(n=result.n_hits)
    return ngettext("{hits} in {n} segment for '{pattern}' ({mode})",
                    "{hits} in {n} segments for '{pattern}' ({mode})", result.n_segments).format(
        hits=hits, n=result.n_segments, pattern=result.pattern,
        mode=_(_MODE_NAMES.get(result.mode, result.mode)))


def _paging(result: SearchResult) -> str | None:
    """The last line of a partial listing: which hits it shows and how to see more."""
    if result.complete:
        return None
    first, last = result.offset + 1, result.offset + len(result.hits)
    if not result.hits:
        return _("no hits from --offset {offset} on; the first page is --offset 0").format(
            offset=result.offset)
    shown = (_("hits {first}-{last} of {total} shown").format(
        first=first, last=last, total=result.n_hits) if result.n_hits is not None
        else _("hits {first}-{last} shown").format(first=first, last=last))
    more = result.n_hits is None or last < result.n_hits
    if more:
        return _("{shown}; --offset {last} for the next page, --all for every hit").format(
            shown=shown, last=last)
    return shown


def format_table(result: SearchResult, *, width: int = 80) -> list[str]:
    """KWIC lines: segment id, left context right-aligned, [match], right context."""
    hits = result.hits
    lines = [_summary(result)]
    if hits:
        id_width = min(24, max(len(h.segment_id) for h in hits))
        room = width - id_width - 2
        for h in hits:
            match = f"[{h.match.replace(chr(10), ' ')}]"
            side = max(6, (room - len(match)) // 2)
            left = h.left[-side:] if len(h.left) > side else h.left
            right = h.right[:max(0, room - side - len(match))]
            sid = (h.segment_id if len(h.segment_id) <= id_width
                   else h.segment_id[:id_width - 1] + "…")
            lines.append(f"{sid:<{id_width}}  {left:>{side}}{match}{right}".rstrip()[:width])
    paging = _paging(result)
    if paging is not None:
        lines.append(paging)
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
    """A JSON object with the pattern, the mode, the totals, the page and its hits."""
    return json.dumps({"pattern": result.pattern, "mode": result.mode,
                       "n_hits": result.n_hits, "n_segments": result.n_segments,
                       "offset": result.offset, "complete": result.complete,
                       "hits": [h.to_dict() for h in result.hits]},
                      ensure_ascii=False, indent=2) + "\n"
