"""Features of the suggestion model: text preparation and the per-question index.

Nothing here reads codings. :func:`build_indexes` vectorises every question's segments and
categories once (the expensive, label-free part); every model and the evaluation reuse it.

How a category is scored without codings (cold start; all scores lie in 0..1): the
segment's lemmas are compared with the category's name, definition, anchor examples and
coding rule (sentences of the rule that point to *other* categories are left out, they
describe what the category is not): word TF-IDF cosine, character n-gram TF-IDF cosine
(compounds, inflection), fuzzy word matching with rapidfuzz on umlaut-folded lemmas (typos,
lost umlauts, and category words inside compounds such as ``Nutzungskonflikte``), and word
vectors when a genuine spaCy model with vectors is installed. The blend becomes a share over
the question's categories (a softmax), so a segment that matches nothing gets flat, low
scores. German negations (``nicht``, ``kein``, ``niemand``, ``kaum``, ``ohne`` ...) count as
content words here although they are stop words: they separate a barrier from a strength. A
protocol passage's innermost heading (``segments.heading``, e.g. ``"5. Barrieren der
Zusammenarbeit"``) is read with it, as a coder reads it: its lemmas join the passage's TF-IDF
features (not its fuzzy matches, not ``why``). ``why`` of a passage with several sentences
comes from the sentence most similar to the category.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from qca.codebook import Category, Codebook
from qca.nlp import SegmentFeatures, ensure_features, fold, stop_words, text_features
from qca.progress import Progress
from qca.store import Project, Segment

__all__ = ["build_indexes"]

_TEMPERATURE = 0.05
_COLD_WEIGHTS = {"word": 0.3, "char": 0.5, "fuzzy": 0.2}
"""Cold-start similarities' weights, chosen on the demo, Cycling Dialogues and NHS FFT cold
start (``bench/suggest_corpora.py``). ``char``: character 2-5-grams of the text as written
(names left out), in place of 3-5-grams of the lemmas, with more weight (0.3 before): top-1 on
the demo survey 0.825 -> 0.843, Cycling Dialogues 0.622 -> 0.629, top-3 0.895 -> 0.919;
demo protocol top-3 0.772 -> 0.759."""
_COLD_WEIGHTS_VEC = {"word": 0.25, "char": 0.45, "fuzzy": 0.15, "vec": 0.15}
_FUZZY_RATIO = 85.0
_COMPOUND_MIN = 5
_OTHER_KEY = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
_SENTENCE = re.compile(r"(?<=[.;!?])\s+")
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+|\n+")
_SENTENCE_MIN = 4
# Mixing the best sentence's similarity into a long passage's cold score was tried and left
# out: on the development coder's protocol codings it lowered cold top-3 (0.74 -> 0.72 at a
# share of 0.5). The sentences still pick the words shown in ``why``.
_FUZZY_CHUNK = 2000
"""Words matched against the category words at once by :meth:`_QuestionIndex.cold_matrix`."""
_NEGATION = frozenset({
    "nicht", "nie", "niemals", "niemand", "nichts", "kein", "keine", "keiner", "keines",
    "keinem", "keinen", "ohne", "kaum", "nirgends", "weder",
})
"""German negations: stop words elsewhere, but here they tell a barrier from a strength."""
_TITLES = frozenset({"Frau", "Herr", "Herrn"})
_DEGREES = frozenset({"Dr.", "Dr", "Prof.", "Prof"})
"""A word after ``Frau``/``Herr`` (``Frau Dr. Seidel``) is a person's name: protocols name
their speakers, and a suggestion must not depend on who said something."""


# --- text preparation --------------------------------------------------------------------


def _content(feats: SegmentFeatures) -> list[tuple[str, str]]:
    """(surface word, folded lemma) of the words that carry content (no speakers' names)."""
    return [(t, f) for t, f, _ in _content_at(feats)]


def _content_at(feats: SegmentFeatures) -> list[tuple[str, str, int]]:
    """Like :func:`_content`, with each word's position among ``feats.tokens``."""
    stops = stop_words() - _NEGATION
    out = []
    named = _names(feats.tokens)
    for i, (token, lemma) in enumerate(zip(feats.tokens, feats.lemmas)):
        if i in named:
            continue  # a speaker's name (see _TITLES)
        f = fold(lemma)
        if fold(token) in _NEGATION:
            f = fold(token)  # "keine" stays "keine", not the lemma "kein" (as in stop words)
        if len(f) >= 2 and f not in stops and any(c.isalpha() for c in f):
            out.append((token, f, i))
    return out


def _names(tokens: Sequence[str]) -> set[int]:
    """Positions of the words that name a person (after ``Frau``/``Herr``, see _TITLES)."""
    out = set()
    after_title = False
    for i, token in enumerate(tokens):
        if after_title and token[:1].isupper() and token not in _DEGREES:
            out.add(i)
        after_title = token in _TITLES or (after_title and token in _DEGREES)
    return out


def _unnamed(feats: SegmentFeatures, heading: str = "") -> str:
    """The segment's words as written, without persons' names, after its heading."""
    named = _names(feats.tokens)
    words = [t for i, t in enumerate(feats.tokens) if i not in named]
    return " ".join([heading, *words] if heading else words)


def _sentences(text: str, feats: SegmentFeatures) -> tuple[np.ndarray, ...] | None:
    """The positions in ``_content(feats)`` of each sentence's words; None for one sentence.

    Sentences end at ``.!?;`` or a line break; a piece with fewer than ``_SENTENCE_MIN``
    content words (an abbreviation such as ``Dr.``, a date, a list bullet) joins its
    neighbour. Tokens are found in ``text`` in order to tell their sentence.
    """
    content = _content_at(feats)
    starts = [m.end() for m in _SENTENCE_END.finditer(text)]
    if not starts or len(content) < 2 * _SENTENCE_MIN:
        return None
    sentence_of: list[int] = []
    pos = s = 0
    for token in feats.tokens:
        i = text.find(token, pos)
        if i >= 0:
            pos = i + len(token)
            while s < len(starts) and starts[s] <= i:
                s += 1
        sentence_of.append(s)
    parts: list[list[int]] = []
    last = -1
    for k, (_, _, t) in enumerate(content):
        if sentence_of[t] != last:
            if parts and len(parts[-1]) < _SENTENCE_MIN:
                pass  # too short to stand alone: keep filling it
            else:
                parts.append([])
            last = sentence_of[t]
        parts[-1].append(k)
    if len(parts) > 1 and len(parts[-1]) < _SENTENCE_MIN:
        parts[-2].extend(parts.pop())
    if len(parts) < 2:
        return None
    return tuple(np.array(p, dtype=np.intp) for p in parts)


def _word_ngrams(doc: list[str]) -> list[str]:
    return doc + [f"{a} {b}" for a, b in zip(doc, doc[1:])]


def _category_text(cat: Category, others: set[str]) -> str:
    """Name (twice), definition, anchors, and the rule without its pointers elsewhere."""
    rule = " ".join(
        s for s in _SENTENCE.split(cat.rule)
        if not any(k in others for k in _OTHER_KEY.findall(s))
    )
    return "\n".join([cat.name, cat.name, cat.definition, *cat.anchors, rule])


# --- per-question index: features shared by every model ----------------------------------


@dataclass(frozen=True)
class _QuestionIndex:
    """Vectorised segments and categories of one question (fit without any labels)."""

    question: str | None
    kind: dict[str, str]
    keys: tuple[str, ...]
    names: tuple[str, ...]
    row_of: dict[str, int]
    content: list[list[tuple[str, str]]]
    parts: list[tuple[np.ndarray, ...] | None]  # per row: its sentences (see _sentences)
    word_vec: Any
    char_vec: Any  # character 2-5-grams of the text as written (names left out)
    word_names: Any  # feature names of word_vec (cached: computing them is O(features))
    x: sparse.csr_matrix  # segments × (word + char) features
    n_word: int
    c_word: sparse.csr_matrix  # categories × word features
    c_char: sparse.csr_matrix
    idf: dict[str, float]
    vocab: dict[str, int]  # folded category word -> column of ``owner``
    owner: np.ndarray  # categories × vocab: icf weight where the category holds the word
    vocab_list: list[str]
    seg_vec: np.ndarray | None
    cat_vec: np.ndarray | None
    subs: tuple[tuple[int, tuple[int, ...]], ...] = ()
    """Per codable category with codable subcategories (any depth): its row and theirs;
    see :func:`_lift_parents`."""
    _cold: list[np.ndarray] = field(default_factory=list)  # [cold_matrix()] once computed
    _cat_words: dict[int, dict[int, float]] = field(default_factory=dict)

    def desc(self) -> sparse.csr_matrix:
        """The categories' descriptions in the segments' (word + char) feature space."""
        return sparse.hstack([self.c_word, self.c_char], format="csr")

    def features_of(self, content: list[tuple[str, str]], heading: list[str] | None = None,
                    text: str | None = None) -> sparse.csr_matrix:
        """Word features of ``content`` plus ``heading``'s words, character n-grams of
        ``text`` (default: ``content``'s words as written)."""
        doc = [f for _, f in content] + (heading or [])
        xw = self.word_vec.transform([doc])
        xc = self.char_vec.transform([" ".join(t for t, _ in content) if text is None else text])
        return sparse.hstack([xw, xc], format="csr")

    def cold(self, row: int | None, content: list[tuple[str, str]],
             x: sparse.csr_matrix, vec: np.ndarray | None) -> np.ndarray:
        """Cold-start scores (a share over the question's categories).

        A known ``row`` is read from :meth:`cold_matrix`; otherwise (a segment imported
        after the index was built) computed from ``content``, its features ``x`` and ``vec``.
        """
        if row is not None:
            return self.cold_matrix()[row]
        raw, _ = self._raw(content, x, vec, None)
        return _softmax(_lift_parents(raw[None, :], self.subs))[0]

    def cold_rows(self, rows: np.ndarray) -> np.ndarray:
        """:meth:`cold` of each of ``rows`` (rows × categories)."""
        return self.cold_matrix()[np.asarray(rows, dtype=np.intp)]

    def cold_matrix(self) -> np.ndarray:
        """:meth:`cold` of every row, computed at once and kept (rows × categories).

        The same sums as :meth:`_raw`, as matrix products over all rows; the fuzzy matching
        runs once per distinct word of the question instead of once per segment.
        """
        if self._cold:
            return self._cold[0]
        k = len(self.keys)
        s_word = (self.x[:, : self.n_word] @ self.c_word.T).toarray()
        s_char = (self.x[:, self.n_word:] @ self.c_char.T).toarray()
        column: dict[str, int] = {}
        indptr, indices, data = [0], [], []
        for content in self.content:
            for f in dict.fromkeys(f for _, f in content if len(f) >= 4):
                indices.append(column.setdefault(f, len(column)))
                data.append(self.idf.get(f, 1.0))
            indptr.append(len(indices))
        words = list(column)
        m = sparse.csr_matrix((np.array(data, dtype=np.float64), indices, indptr),
                              shape=(len(self.content), len(words)))
        total = np.asarray(m.sum(axis=1)).ravel()
        m = sparse.diags(np.where(total > 0, 1.0 / np.where(total > 0, total, 1.0), 0.0)) @ m
        strength = np.vstack([self._word_strength(words[i:i + _FUZZY_CHUNK])
                              for i in range(0, len(words), _FUZZY_CHUNK)] or
                             [np.zeros((0, k))])
        s_fuzzy = np.asarray(m @ strength) if self.vocab_list else np.zeros_like(s_word)
        if self.seg_vec is not None and self.cat_vec is not None:
            w = _COLD_WEIGHTS_VEC
            raw = w["vec"] * np.clip(self.seg_vec @ self.cat_vec.T, 0.0, 1.0)
        else:
            w = _COLD_WEIGHTS
            raw = np.zeros_like(s_word)
        raw += w["word"] * s_word + w["char"] * s_char + w["fuzzy"] * s_fuzzy
        self._cold.append(_softmax(_lift_parents(raw, self.subs)))
        return self._cold[0]

    def _raw(self, content: list[tuple[str, str]], x: sparse.csr_matrix,
             vec: np.ndarray | None, parts: tuple[np.ndarray, ...] | None
             ) -> tuple[np.ndarray, np.ndarray | None]:
        """Blended similarity per category, and per category its best sentence (or None)."""
        xw, xc = x[:, : self.n_word], x[:, self.n_word:]
        s_word = (xw @ self.c_word.T).toarray().ravel()
        s_char = (xc @ self.c_char.T).toarray().ravel()
        words, strength = self._strength(content)
        s_fuzzy = self._fuzzy_share(words, strength)
        if vec is not None and self.cat_vec is not None:
            w = _COLD_WEIGHTS_VEC
            s_vec = np.clip(self.cat_vec @ vec, 0.0, 1.0)
            raw = w["word"] * s_word + w["char"] * s_char + w["fuzzy"] * s_fuzzy + w["vec"] * s_vec
        else:
            w = _COLD_WEIGHTS
            raw = w["word"] * s_word + w["char"] * s_char + w["fuzzy"] * s_fuzzy
        if not parts:
            return raw, None
        docs = [[content[i][1] for i in p] for p in parts]
        sw = (self.word_vec.transform(docs) @ self.c_word.T).toarray()
        sc = (self.char_vec.transform([" ".join(content[i][0] for i in p) for p in parts])
              @ self.c_char.T).toarray()
        row_of_word = {f: i for i, f in enumerate(words)}
        sf = np.vstack([self._fuzzy_share(
            words, strength, [row_of_word[f] for f in dict.fromkeys(d) if f in row_of_word])
            for d in docs])
        raw_s = w["word"] * sw + w["char"] * sc + w["fuzzy"] * sf
        if "vec" in w:  # sentences share the passage's vector similarity
            raw_s = raw_s + w["vec"] * s_vec
        best = raw_s.argmax(axis=0)
        return raw, best

    def _strength(self, content: list[tuple[str, str]]) -> tuple[list[str], np.ndarray]:
        """The segment's distinct words (4+ letters) and, per word and category, how strongly
        it matches (fuzzily) one of the category's words, weighted by icf.
        """
        from rapidfuzz import fuzz, process

        words = list(dict.fromkeys(f for _, f in content if len(f) >= 4))
        return words, self._word_strength(words)

    def _word_strength(self, words: list[str]) -> np.ndarray:
        """Per word and category: how strongly the word matches one of its words (see
        :meth:`_strength`)."""
        from rapidfuzz import fuzz, process

        k = len(self.keys)
        if not words or not self.vocab_list:
            return np.zeros((len(words), k))
        sim = process.cdist(words, self.vocab_list, scorer=fuzz.ratio,
                            score_cutoff=_FUZZY_RATIO, dtype=np.float32, workers=1) / 100.0
        for i, w in enumerate(words):
            if w in self.vocab:
                sim[i, self.vocab[w]] = 1.0
            if len(w) >= _COMPOUND_MIN + 2:  # category words inside a compound
                for a in range(len(w) - _COMPOUND_MIN + 1):
                    for b in range(a + _COMPOUND_MIN, len(w) + 1):
                        if b - a == len(w):
                            continue
                        j = self.vocab.get(w[a:b])
                        if j is not None and sim[i, j] < 0.9:
                            sim[i, j] = 0.9
        # strength[i, c] = max over the category's words of similarity × icf
        strength = np.zeros((len(words), k))
        for c in range(k):
            cols = self.owner[c]
            strength[:, c] = (sim * cols).max(axis=1) if cols.any() else 0.0
        return strength

    def _fuzzy_share(self, words: list[str], strength: np.ndarray,
                     rows: list[int] | None = None) -> np.ndarray:
        """Per category: idf-weighted share of the words (``rows`` of them) found in it."""
        if rows is not None:
            words, strength = [words[i] for i in rows], strength[rows]
        if not words or not self.vocab_list:
            return np.zeros(len(self.keys))
        weights = np.array([self.idf.get(w, 1.0) for w in words])
        return (weights @ strength) / weights.sum()

    def best_sentences(self, content: list[tuple[str, str]], x: sparse.csr_matrix,
                       parts: tuple[np.ndarray, ...] | None,
                       vec: np.ndarray | None = None) -> np.ndarray | None:
        """Per category, the sentence of ``parts`` most similar to it (None: one sentence)."""
        return self._raw(content, x, vec, parts)[1] if parts else None

    def why_cold(self, c: int, content: list[tuple[str, str]], x: sparse.csr_matrix,
                 parts: tuple[np.ndarray, ...] | None = None,
                 vec: np.ndarray | None = None) -> list[str]:
        """The words behind category ``c``'s cold score, from its best sentence if any."""
        return SegmentWhy(self, content, x, parts, vec).cold(c)

    def category_words(self, c: int) -> dict[int, float]:
        """Category ``c``'s word features (column -> weight), kept once asked for."""
        if c not in self._cat_words:
            row = self.c_word[c]
            self._cat_words[c] = dict(zip(row.indices.tolist(), row.data.tolist()))
        return self._cat_words[c]


class SegmentWhy:
    """The words behind a segment's suggestions, sharing the work between categories.

    Only the categories shown ask: the sentence most similar to each, the fuzzy strength
    of each word, and the segment's word features are computed once per segment.
    """

    def __init__(self, index: _QuestionIndex, content: list[tuple[str, str]],
                 x: sparse.csr_matrix, parts: tuple[np.ndarray, ...] | None,
                 vec: np.ndarray | None, cold: np.ndarray | None = None) -> None:
        self.index = index
        self.content = content
        self.x = x
        self.parts = parts
        self.vec = vec
        self._cold = cold  # the segment's cold-start shares, when the caller has them
        self._best: np.ndarray | None = None
        self._strength: tuple[dict[str, int], np.ndarray] | None = None
        self._pieces: dict[int, tuple[list[tuple[str, str]], np.ndarray, np.ndarray]] = {}

    def _words(self, x: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        xw = x[:, : self.index.n_word].tocoo()
        return xw.col, xw.data

    def _piece(self, c: int) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray]:
        """The content (whole, or its sentence most like ``c``) and its word features."""
        s = -1
        if self.parts:
            if self._best is None:
                self._best = self.index.best_sentences(self.content, self.x, self.parts,
                                                       self.vec)
            if self._best is not None:
                s = int(self._best[c])
        if s < 0:
            return self._whole()
        if s not in self._pieces:
            assert self.parts is not None
            content = [self.content[i] for i in self.parts[s]]
            self._pieces[s] = (content, *self._words(self.index.features_of(content)))
        return self._pieces[s]

    def _whole(self) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray]:
        if -1 not in self._pieces:
            self._pieces[-1] = (self.content, *self._words(self.x))
        return self._pieces[-1]

    def _contrib(self, cols: np.ndarray, values: np.ndarray) -> dict[str, float]:
        names = self.index.word_names
        contrib: dict[str, float] = {}
        for j, v in zip(cols.tolist(), values.tolist()):
            if v:
                for part in str(names[j]).split(" "):
                    contrib[part] = contrib.get(part, 0.0) + v
        return contrib

    def cold(self, c: int) -> list[str]:
        """The words behind category ``c``'s cold score: for a main category lifted to a
        subcategory's (:func:`_lift_parents`), that subcategory's words."""
        below = dict(self.index.subs).get(c)
        if below:
            if self._cold is None:
                self._cold = self.index.cold(None, self.content, self.x, self.vec)
            shares = self._cold
            # lifted, the main category's share equals its best subcategory's
            best = max(below, key=lambda j: shares[j])
            if shares[best] >= shares[c]:
                c = best
        content, cols, data = self._piece(c)
        weights = self.index.category_words(c)
        contrib = self._contrib(cols, data * np.array([weights.get(j, 0.0)
                                                       for j in cols.tolist()]))
        if self._strength is None:
            words, strength = self.index._strength(self.content)
            self._strength = ({w: i for i, w in enumerate(words)}, strength)
        row_of, strength = self._strength
        for w in dict.fromkeys(f for _, f in content if len(f) >= 4):
            i = row_of.get(w)
            if i is not None and strength[i, c] > 0:
                contrib[w] = contrib.get(w, 0.0) + float(strength[i, c]) * 0.1
        return _surface(contrib, content)

    def learned(self, coef: np.ndarray) -> list[str]:
        """The words behind a regression with word weights ``coef`` (whole segment)."""
        _, cols, data = self._whole()
        return _surface(self._contrib(cols, coef[cols] * data), self.content)


def _lift_parents(raw: np.ndarray, subs: tuple[tuple[int, tuple[int, ...]], ...]
                  ) -> np.ndarray:
    """Cold-start similarities (rows × categories) with each codable main category raised to
    its best subcategory's: a text about one subcategory is about its main category too, by
    the codebook's own tree (Mayring's main and subcategories). Without it, a main category
    whose definition names its subcategories only in passing ranked below unrelated
    categories for their texts."""
    if not subs:
        return raw
    out = raw.copy()
    for parent, children in subs:
        out[:, parent] = np.maximum(raw[:, parent], raw[:, list(children)].max(axis=1))
    return out


def _softmax(raw: np.ndarray) -> np.ndarray:
    """Each row of blended similarities as a share over the categories (``_TEMPERATURE``)."""
    z = np.exp((raw - raw.max(axis=1, keepdims=True)) / _TEMPERATURE)
    return z / z.sum(axis=1, keepdims=True)


def _surface(contrib: dict[str, float], content: list[tuple[str, str]], n: int = 5) -> list[str]:
    """The segment's words (as written) behind the largest contributions."""
    ranked = sorted((v, f) for f, v in contrib.items() if v > 0)
    ranked.reverse()
    out: list[str] = []
    for _, f in ranked:
        for token, folded in content:
            if folded == f and token not in out:
                out.append(token)
                break
        if len(out) >= n:
            break
    return out


def _heading(heading: str | None) -> str:
    """The innermost heading of a passage (``"A > B > C"`` → ``"C"``), or ``""``."""
    return heading.rsplit(" > ", 1)[-1].strip() if heading else ""


def _heading_words(head_feats: dict[str, SegmentFeatures], heading: str | None) -> list[str]:
    h = _heading(heading)
    return [f for _, f in _content(head_feats[f"@heading:{h}"])] if h else []


def _kind_of(project: Project) -> dict[str, str]:
    return {r[0]: r[1] for r in project.conn.execute(
        "SELECT segments.id, sources.kind FROM segments JOIN sources ON sources.id = source_id")}


def build_indexes(
    project: Project, *, progress: Progress | None = None
) -> dict[str | None, _QuestionIndex]:
    """Vectorise every question's segments and categories (no codings are read)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    book = project.codebook()
    segments = project.segments()
    feats = ensure_features(project, segments, progress=progress)
    kinds = _kind_of(project)
    by_question: dict[str | None, list[Segment]] = {}
    for seg in segments:
        by_question.setdefault(seg.question, []).append(seg)
    all_keys = set(book.keys())
    cat_texts: dict[str, str] = {}
    for q in by_question:
        for cat in book.codable_for_question(q):
            cat_texts[f"@category:{cat.key}"] = _category_text(cat, all_keys - {cat.key})
    cat_feats = text_features(project, cat_texts)
    head_feats = text_features(project, {
        f"@heading:{h}": h for h in {_heading(s.heading) for s in segments} if h})
    vectors = _vectors()
    out: dict[str | None, _QuestionIndex] = {}
    for q, segs in by_question.items():
        cats = book.codable_for_question(q)
        if not cats:
            continue
        content = [_content(feats[s.id]) for s in segs]
        cat_content = [_content(cat_feats[f"@category:{c.key}"]) for c in cats]
        docs = [[f for _, f in c] + _heading_words(head_feats, s.heading)
                for c, s in zip(content, segs)]
        cat_docs = [[f for _, f in c] for c in cat_content]
        word_vec = TfidfVectorizer(analyzer=_word_ngrams, sublinear_tf=True, dtype=np.float32)
        char_vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                   dtype=np.float32)
        n = len(docs)  # fit_transform once: transforming after fit would analyse twice
        xw_all = word_vec.fit_transform(docs + cat_docs).tocsr()
        texts = [_unnamed(feats[s.id], _heading(s.heading)) for s in segs]
        cat_written = ["\n".join([c.name, c.definition, *c.anchors]) for c in cats]
        xc_all = char_vec.fit_transform(texts + cat_written).tocsr()
        xw, xc = xw_all[:n], xc_all[:n]
        names = word_vec.get_feature_names_out()
        idf = {str(n): float(v) for n, v in zip(names, word_vec.idf_) if " " not in n}
        vocab_list: list[str] = []
        vocab: dict[str, int] = {}
        holders: list[set[int]] = []
        for ci, cc in enumerate(cat_content):
            for _, f in cc:
                if len(f) < 4:
                    continue
                if f not in vocab:
                    vocab[f] = len(vocab_list)
                    vocab_list.append(f)
                    holders.append(set())
                holders[vocab[f]].add(ci)
        k = len(cats)
        owner = np.zeros((k, len(vocab_list)), dtype=np.float32)
        for j, hs in enumerate(holders):
            icf = math.log(1 + k / len(hs)) / math.log(1 + k)
            for ci in hs:
                owner[ci, j] = icf
        seg_vec = cat_vec = None
        if vectors is not None:
            seg_vec = np.vstack([vectors(d) for d in docs]) if docs else None
            cat_vec = np.vstack([vectors(d) for d in cat_docs])
        out[q] = _QuestionIndex(
            question=q,
            kind={s.id: kinds.get(s.id, "survey") for s in segs},
            keys=tuple(c.key for c in cats),
            names=tuple(c.name for c in cats),
            row_of={s.id: i for i, s in enumerate(segs)},
            content=content,
            parts=[_sentences(s.text, feats[s.id]) for s in segs],
            word_vec=word_vec,
            char_vec=char_vec,
            word_names=names,
            x=sparse.hstack([xw, xc], format="csr"),
            n_word=xw.shape[1],
            c_word=xw_all[n:],
            c_char=xc_all[n:],
            idf=idf,
            vocab=vocab,
            owner=owner,
            vocab_list=vocab_list,
            seg_vec=seg_vec,
            cat_vec=cat_vec,
            subs=_subcategories(book, cats),
        )
        out[q].cold_matrix()  # label-free: computed once, where the index is built
    return out


def _subcategories(book: Codebook, cats: list[Category]
                   ) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """For :attr:`_QuestionIndex.subs`: each of ``cats`` with codable descendants among
    ``cats``, as (its position, theirs)."""
    at = {c.key: i for i, c in enumerate(cats)}
    out = []
    for i, cat in enumerate(cats):
        below = tuple(at[d.key] for d in book.descendants(cat.key) if d.key in at)
        if below:
            out.append((i, below))
    return tuple(out)


def _vectors() -> Callable[[list[str]], np.ndarray] | None:
    """Mean unit word vector of folded lemmas, when a genuine model with vectors is loaded."""
    from qca.nlp import load_pipeline, pipeline_id

    if pipeline_id().startswith("offline-"):
        return None
    nlp = load_pipeline()
    table = nlp.vocab.vectors
    if not table.size:
        return None
    width = table.shape[1]

    def mean(doc: list[str]) -> np.ndarray:
        rows = [table[nlp.vocab.strings[w]] for w in doc
                if nlp.vocab.strings[w] in table] if doc else []
        if not rows:
            return np.zeros(width, dtype=np.float32)
        v = np.mean(rows, axis=0)
        norm = float(np.linalg.norm(v))
        return v / norm if norm else v

    return mean


