"""Category suggestions: rank a segment's categories, say why, learn from codings so far.

Suggestions save coders time without steering them. They only rank the categories offered
for the segment's question; nothing here writes a coding. A suggestion accepted on the
coding screen is stored by :func:`qca.coding.set_coding` with ``origin="suggestion"``.

How a category is scored (all scores lie in 0..1):

* **Cold start** (no codings needed): the segment's lemmas are compared with the
  category's name, definition, anchor examples and coding rule (sentences of the rule that
  point to *other* categories are left out, they describe what the category is not):
  word TF-IDF cosine, character n-gram TF-IDF cosine (compounds, inflection), fuzzy word
  matching with rapidfuzz on umlaut-folded lemmas (typos, lost umlauts, and category words
  inside compounds such as ``Nutzungskonflikte``), and word vectors when a genuine spaCy
  model with vectors is installed. The blend becomes a share over the question's
  categories (a softmax), so a segment that matches nothing gets flat, low scores.
  German negations (``nicht``, ``kein``, ``niemand``, ``kaum``, ``ohne`` ...) count as
  content words here although they are stop words: they separate a barrier from a
  strength. A protocol passage's innermost heading (``segments.heading``, e.g.
  ``"5. Barrieren der Zusammenarbeit"``) is read with it, as a coder reads it: its
  lemmas join the passage's TF-IDF features (not its fuzzy matches, not ``why``).
  ``why`` of a passage with several sentences comes from the sentence most similar to
  the category (``_SENTENCE_WEIGHT`` could mix that sentence's similarity into the score;
  it is off, see there).
* **Learned**: per question, on the same lemma and character n-gram TF-IDF features
  (heading included) and the codings made so far, the mean of two learners:

  - one logistic regression per category (its probability);
  - a few-shot centroid (Rocchio) prototype per category: ``alpha * description +
    beta * mean(coded segments) - gamma * mean(other segments)`` of unit vectors, negative
    weights cut, with the textbook ``_ROCCHIO`` = (1, 0.75, 0.15); the description is the
    category's cold-start text in the same feature space. A segment's cosine to each
    prototype is rescaled to 0..1 over the question's categories (min-max). With few
    examples per category (long protocol passages) the regression overfits; the centroid
    stays close to the examples' common words (development coder, protocol top-3 after
    100 codings 0.73 -> 0.77, survey 0.94 -> 0.95).
* **Blend**: ``w * learned + (1 - w) * cold`` with ``w = n / (n + PRIOR_EXAMPLES)``, ``n``
  the category's training examples, so a category few segments carry still shows up. The
  learned scores are made a share over the categories first, like the cold ones, so neither
  part outweighs the other by its scale alone.

Blindness: by default a coder's model learns only from that coder's own codings and from
consensus codings (coder ``consensus`` or origin ``consensus``); ``widen=True`` uses all
coders. Evaluation (:func:`evaluate`) replays one coder's codings in order and measures
top-1/top-3 accuracy on the segments not yet used for training.
"""

from __future__ import annotations

import atexit
import math
import multiprocessing
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from qca.codebook import Category
from qca.coders import CONSENSUS
from qca.events import Origin
from qca.nlp import Progress, SegmentFeatures, ensure_features, fold, stop_words, text_features
from qca.store import Project, Segment

__all__ = [
    "DEFAULT_STEPS",
    "PRIOR_EXAMPLES",
    "RETRAIN_EVERY",
    "CurvePoint",
    "LearningCurve",
    "Suggestion",
    "SuggestionModel",
    "SuggestionService",
    "build_indexes",
    "evaluate",
    "replay",
    "suggest_for_coder",
    "train_model",
]

RETRAIN_EVERY = 5
"""New codings after which :meth:`SuggestionService.note_coding` asks for a retrain."""
PRIOR_EXAMPLES = 5.0
"""Training examples at which a category's learned and cold-start scores weigh the same."""
DEFAULT_STEPS = (0, 25, 50, 100, 200, 400, 800, 1600)
_TEMPERATURE = 0.05
_COLD_WEIGHTS = {"word": 0.4, "char": 0.3, "fuzzy": 0.3}
_COLD_WEIGHTS_VEC = {"word": 0.35, "char": 0.25, "fuzzy": 0.25, "vec": 0.15}
_FUZZY_RATIO = 85.0
_ROCCHIO = (1.0, 0.75, 0.15)
"""Rocchio's textbook alpha (description), beta (positives), gamma (negatives); not tuned."""
_EXACT_FIT_MAX = 2000
_COMPOUND_MIN = 5
_OTHER_KEY = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
_SENTENCE = re.compile(r"(?<=[.;!?])\s+")
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+|\n+")
_SENTENCE_MIN = 4
_SENTENCE_WEIGHT = 0.0
"""Share of the best sentence's similarity in a long passage's cold score. Off: on the
development coder's protocol codings it lowered cold top-3 (0.74 -> 0.72 at 0.5); the
sentences still pick the words shown in ``why``."""
_NEGATION = frozenset({
    "nicht", "nie", "niemals", "niemand", "nichts", "kein", "keine", "keiner", "keines",
    "keinem", "keinen", "ohne", "kaum", "nirgends", "weder",
})
"""German negations: stop words elsewhere, but here they tell a barrier from a strength."""
_TITLES = frozenset({"Frau", "Herr", "Herrn"})
_DEGREES = frozenset({"Dr.", "Dr", "Prof.", "Prof"})
"""A word after ``Frau``/``Herr`` (``Frau Dr. Seidel``) is a person's name: protocols name
their speakers, and a suggestion must not depend on who said something."""


@dataclass(frozen=True)
class Suggestion:
    """One ranked category: ``score`` in 0..1, ``why`` the segment's words that drove it."""

    code: str
    name: str
    score: float
    why: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "score": round(self.score, 4),
                "why": list(self.why)}


# --- text preparation --------------------------------------------------------------------


def _content(feats: SegmentFeatures) -> list[tuple[str, str]]:
    """(surface word, folded lemma) of the words that carry content (no speakers' names)."""
    return [(t, f) for t, f, _ in _content_at(feats)]


def _content_at(feats: SegmentFeatures) -> list[tuple[str, str, int]]:
    """Like :func:`_content`, with each word's position among ``feats.tokens``."""
    stops = stop_words() - _NEGATION
    out = []
    after_title = False
    for i, (token, lemma) in enumerate(zip(feats.tokens, feats.lemmas)):
        named = after_title and token[:1].isupper() and token not in _DEGREES
        after_title = token in _TITLES or (after_title and token in _DEGREES)
        if named:
            continue  # a speaker's name (see _TITLES)
        f = fold(lemma)
        if fold(token) in _NEGATION:
            f = fold(token)  # "keine" stays "keine", not the lemma "kein" (as in stop words)
        if len(f) >= 2 and f not in stops and any(c.isalpha() for c in f):
            out.append((token, f, i))
    return out


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
    char_vec: Any
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
    _cold_cache: dict[int, np.ndarray] = field(default_factory=dict)

    def desc(self) -> sparse.csr_matrix:
        """The categories' descriptions in the segments' (word + char) feature space."""
        return sparse.hstack([self.c_word, self.c_char], format="csr")

    def features_of(self, content: list[tuple[str, str]],
                    heading: list[str] | None = None) -> sparse.csr_matrix:
        """Word and character n-gram features of ``content`` plus ``heading``'s words."""
        doc = [f for _, f in content] + (heading or [])
        xw = self.word_vec.transform([doc])
        xc = self.char_vec.transform([" ".join(doc)])
        return sparse.hstack([xw, xc], format="csr")

    def cold(self, row: int | None, content: list[tuple[str, str]],
             x: sparse.csr_matrix, vec: np.ndarray | None,
             parts: tuple[np.ndarray, ...] | None = None) -> np.ndarray:
        """Cold-start scores (a share over the question's categories).

        ``parts`` (the sentences, default: the row's) adds the best sentence's similarity,
        so a long passage with one matching sentence is not diluted by the rest.
        """
        if row is not None and row in self._cold_cache:
            return self._cold_cache[row]
        if row is not None and parts is None:
            parts = self.parts[row]
        raw, _ = self._raw(content, x, vec, parts if _SENTENCE_WEIGHT else None)
        z = np.exp((raw - raw.max()) / _TEMPERATURE)
        share = z / z.sum()
        if row is not None:
            self._cold_cache[row] = share
        return share

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
        sc = (self.char_vec.transform([" ".join(d) for d in docs]) @ self.c_char.T).toarray()
        row_of_word = {f: i for i, f in enumerate(words)}
        sf = np.vstack([self._fuzzy_share(
            words, strength, [row_of_word[f] for f in dict.fromkeys(d) if f in row_of_word])
            for d in docs])
        raw_s = w["word"] * sw + w["char"] * sc + w["fuzzy"] * sf
        if "vec" in w:  # sentences share the passage's vector similarity
            raw_s = raw_s + w["vec"] * s_vec
        best = raw_s.argmax(axis=0)
        return (1 - _SENTENCE_WEIGHT) * raw + _SENTENCE_WEIGHT * raw_s.max(axis=0), best

    def _strength(self, content: list[tuple[str, str]]) -> tuple[list[str], np.ndarray]:
        """The segment's distinct words (4+ letters) and, per word and category, how strongly
        it matches (fuzzily) one of the category's words, weighted by icf.
        """
        from rapidfuzz import fuzz, process

        k = len(self.keys)
        words = list(dict.fromkeys(f for _, f in content if len(f) >= 4))
        if not words or not self.vocab_list:
            return words, np.zeros((len(words), k))
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
        return words, strength

    def _fuzzy_share(self, words: list[str], strength: np.ndarray,
                     rows: list[int] | None = None) -> np.ndarray:
        """Per category: idf-weighted share of the words (``rows`` of them) found in it."""
        if rows is not None:
            words, strength = [words[i] for i in rows], strength[rows]
        if not words or not self.vocab_list:
            return np.zeros(len(self.keys))
        weights = np.array([self.idf.get(w, 1.0) for w in words])
        return (weights @ strength) / weights.sum()

    def why_cold(self, c: int, content: list[tuple[str, str]], x: sparse.csr_matrix,
                 parts: tuple[np.ndarray, ...] | None = None,
                 vec: np.ndarray | None = None) -> list[str]:
        """The words behind category ``c``'s cold score, from its best sentence if any."""
        if parts:
            _, best = self._raw(content, x, vec, parts)
            if best is not None:
                content = [content[i] for i in parts[int(best[c])]]
                x = self.features_of(content)
        contrib: dict[str, float] = {}
        xw = x[:, : self.n_word]
        cw = self.c_word[c]
        prod = xw.multiply(cw).tocoo()
        names = self.word_names
        for j, v in zip(prod.col, prod.data):
            for part in str(names[j]).split(" "):
                contrib[part] = contrib.get(part, 0.0) + float(v)
        words, strength = self._strength(content)
        for i, w in enumerate(words):
            if strength[i, c] > 0:
                contrib[w] = contrib.get(w, 0.0) + float(strength[i, c]) * 0.1
        return _surface(contrib, content)


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
        char_vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                   dtype=np.float32)
        word_vec.fit(docs + cat_docs)
        char_vec.fit([" ".join(d) for d in docs + cat_docs])
        xw = word_vec.transform(docs)
        xc = char_vec.transform([" ".join(d) for d in docs])
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
            c_word=word_vec.transform(cat_docs).tocsr(),
            c_char=char_vec.transform([" ".join(d) for d in cat_docs]).tocsr(),
            idf=idf,
            vocab=vocab,
            owner=owner,
            vocab_list=vocab_list,
            seg_vec=seg_vec,
            cat_vec=cat_vec,
        )
    return out


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


# --- learning ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Learned:
    coef: np.ndarray  # categories × features
    intercept: np.ndarray
    n_pos: np.ndarray
    n_train: int
    proto: np.ndarray | None = None  # categories × features, unit Rocchio prototypes

    def proba(self, x: sparse.csr_matrix) -> np.ndarray:
        z = np.asarray(x @ self.coef.T).reshape(x.shape[0], -1) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def centroid(self, x: sparse.csr_matrix) -> np.ndarray:
        """Cosine of each row of ``x`` to each prototype, rescaled to 0..1 per row."""
        from sklearn.preprocessing import normalize

        if self.proto is None:
            return np.zeros((x.shape[0], len(self.n_pos)))
        s = np.asarray(normalize(x) @ self.proto.T).reshape(x.shape[0], -1)
        lo, hi = s.min(axis=1, keepdims=True), s.max(axis=1, keepdims=True)
        return np.where(hi > lo, (s - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)

    def learned(self, x: sparse.csr_matrix) -> np.ndarray:
        """The learned score: mean of the regression's probability and the centroid score."""
        p = self.proba(x)
        return p if self.proto is None else 0.5 * p + 0.5 * self.centroid(x)


def _rocchio(x: sparse.csr_matrix, y: np.ndarray,
             desc: sparse.csr_matrix | None) -> np.ndarray:
    """Unit prototypes ``alpha·description + beta·mean(positives) − gamma·mean(negatives)``
    of the unit rows of ``x`` and ``desc``, negative weights cut to zero."""
    from sklearn.preprocessing import normalize

    alpha, beta, gamma = _ROCCHIO
    xn = normalize(x)
    yf = y.astype(np.float32)
    n_pos = yf.sum(axis=0)
    pos_sum = np.asarray((xn.T @ yf).T)  # categories × features
    all_sum = np.asarray(xn.sum(axis=0)).ravel()
    pos = pos_sum / np.maximum(n_pos, 1.0)[:, None]
    neg = (all_sum[None, :] - pos_sum) / np.maximum(len(yf) - n_pos, 1.0)[:, None]
    proto = beta * pos - gamma * neg
    if desc is not None:
        proto += alpha * normalize(desc).toarray()
    np.maximum(proto, 0.0, out=proto)
    return normalize(proto).astype(np.float32)


def _fit(x: sparse.csr_matrix, y: np.ndarray,
         desc: sparse.csr_matrix | None = None) -> _Learned:
    """One logistic regression per category (constant scores where a class is missing) and
    the Rocchio prototypes (``desc``: the categories' descriptions, see :meth:`desc`)."""
    from sklearn.linear_model import LogisticRegression, SGDClassifier

    n, k = y.shape
    coef = np.zeros((k, x.shape[1]), dtype=np.float32)
    intercept = np.zeros(k)
    n_pos = y.sum(axis=0).astype(float)
    for c in range(k):
        pos = int(n_pos[c])
        if 0 < pos < n:
            # liblinear is exact and quick on the first thousands of codings but grows
            # super-linearly (10,000 codings: ~10 s); SGD keeps retraining under 2 s there.
            clf = (LogisticRegression(C=10.0, solver="liblinear", class_weight="balanced")
                   if n <= _EXACT_FIT_MAX else
                   SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=12, tol=None,
                                 class_weight="balanced", random_state=0))
            clf.fit(x, y[:, c])
            coef[c] = clf.coef_[0]
            intercept[c] = clf.intercept_[0]
        else:
            rate = (pos + 0.5) / (n + 1.0)
            intercept[c] = math.log(rate / (1 - rate))
    return _Learned(coef, intercept, n_pos, n, _rocchio(x, y, desc))


def _share(scores: np.ndarray) -> np.ndarray:
    """Each row of non-negative ``scores`` as a share over the categories (flat if all 0)."""
    total = scores.sum(axis=-1, keepdims=True)
    return np.where(total > 0, scores / np.where(total > 0, total, 1.0), 1.0 / scores.shape[-1])


def _blend(cold: np.ndarray, learned: _Learned | None, x: sparse.csr_matrix) -> np.ndarray:
    """``w * learned + (1 - w) * cold`` per category, both parts shares over the categories.

    The cold score is a share (it sums to 1 over the question's categories); the learned
    score is made one too before mixing, else its unnormalised probabilities outweigh the
    cold share of every category at once (top-3 after 100 codings, development coder:
    protocol 0.77 -> 0.79, survey 0.953 -> 0.954; ``bench/suggest_learners.py``).
    """
    if learned is None or learned.n_train == 0:
        return cold
    p = _share(learned.learned(x))
    w = learned.n_pos / (learned.n_pos + PRIOR_EXAMPLES)
    return w * p + (1 - w) * cold


def _training_codes(project: Project, coder: str, widen: bool) -> dict[str, set[str]]:
    if widen:
        rows = project.conn.execute("SELECT segment_id, category FROM codings")
    else:
        rows = project.conn.execute(
            "SELECT segment_id, category FROM codings "
            "WHERE coder = ? OR coder = ? OR origin = ?", (coder, CONSENSUS, Origin.CONSENSUS))
    out: dict[str, set[str]] = {}
    for seg, cat in rows:
        out.setdefault(seg, set()).add(cat)
    return out


def _labels(index: _QuestionIndex, seg_ids: Sequence[str],
            codes: dict[str, set[str]]) -> np.ndarray:
    y = np.zeros((len(seg_ids), len(index.keys)), dtype=np.int8)
    for i, sid in enumerate(seg_ids):
        for c, key in enumerate(index.keys):
            if key in codes.get(sid, ()):
                y[i, c] = 1
    return y


@dataclass(frozen=True)
class SuggestionModel:
    """An immutable snapshot: indexes plus what was learned. Swap in a new one to update."""

    coder: str
    widen: bool
    indexes: dict[str | None, _QuestionIndex]
    learned: dict[str | None, _Learned]
    codebook_version: int
    n_codings: int
    trained_at: float

    def suggest(self, segment: Segment, top: int = 3) -> list[Suggestion]:
        """The ``top`` categories for ``segment``, best first (fast: no I/O for known ones)."""
        if not segment.substantive:
            return []
        index = self.indexes.get(segment.question)
        if index is None:
            return []
        row = index.row_of.get(segment.id)
        if row is not None and index.content[row] is not None:
            content, x, parts = index.content[row], index.x[row], index.parts[row]
            vec = index.seg_vec[row] if index.seg_vec is not None else None
        else:  # a segment imported after the model was built
            from qca.nlp import analyse

            feats = analyse([segment.text])[0]
            content, parts = _content(feats), _sentences(segment.text, feats)
            heading = ([f for _, f in _content(analyse([_heading(segment.heading)])[0])]
                       if segment.heading else [])
            x, vec, row = index.features_of(content, heading), None, None
        cold = index.cold(row, content, x, vec, parts)
        learned = self.learned.get(segment.question)
        scores = _blend(cold, learned, x).ravel()
        order = np.argsort(-scores, kind="stable")[:top]
        out = []
        for c in order:
            w = 0.0
            if learned is not None and learned.n_train:
                w = learned.n_pos[c] / (learned.n_pos[c] + PRIOR_EXAMPLES)
            why = _why_learned(index, learned, int(c), content, x) if w >= 0.5 else []
            if len(why) < 3:
                why += [t for t in index.why_cold(int(c), content, x, parts, vec)
                        if t not in why]
            out.append(Suggestion(index.keys[c], index.names[c],
                                  float(min(1.0, max(0.0, scores[c]))), why[:5]))
        return out


def _why_learned(index: _QuestionIndex, learned: _Learned | None, c: int,
                 content: list[tuple[str, str]], x: sparse.csr_matrix) -> list[str]:
    if learned is None:
        return []
    xw = x[:, : index.n_word].tocoo()
    names = index.word_names
    contrib: dict[str, float] = {}
    for j, v in zip(xw.col, xw.data):
        value = float(learned.coef[c, j]) * float(v)
        for part in str(names[j]).split(" "):
            contrib[part] = contrib.get(part, 0.0) + value
    return _surface(contrib, content)


def train_model(
    project: Project | Path | str,
    coder: str,
    *,
    widen: bool = False,
    indexes: dict[str | None, _QuestionIndex] | None = None,
    progress: Progress | None = None,
) -> SuggestionModel:
    """Train a fresh model for ``coder``; safe in a background thread given a path.

    With a path, opens its own connection and closes it. ``indexes`` from an earlier model
    are reused when the codebook is unchanged (the expensive, label-free part).
    """
    if not isinstance(project, Project):
        with Project.open(project) as own:
            return train_model(own, coder, widen=widen, indexes=indexes, progress=progress)
    if indexes is None:
        indexes = build_indexes(project, progress=progress)
    codes = _training_codes(project, coder, widen)
    learned: dict[str | None, _Learned] = {}
    n_codings = 0
    for q, index in indexes.items():
        seg_ids = [s for s in index.row_of if codes.get(s, set()) & set(index.keys)]
        if not seg_ids:
            continue
        rows = [index.row_of[s] for s in seg_ids]
        y = _labels(index, seg_ids, codes)
        learned[q] = _fit(index.x[rows], y, index.desc())
        n_codings += len(seg_ids)
    return SuggestionModel(coder, widen, indexes, learned, project.codebook_version(),
                           n_codings, time.time())


# --- the service the coding screen uses --------------------------------------------------


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
_worker_models: dict[tuple[str, str, bool], SuggestionModel] = {}


def _training_pool() -> ProcessPoolExecutor:
    """One spawned worker process for training, shared by the services of this process.

    The pool and its worker are started here, at once: a running Textual app replaces
    ``sys.stderr`` with an object that has no file descriptor, and multiprocessing passes
    stderr's descriptor to the processes it starts (its resource tracker and the worker), so
    the start borrows the interpreter's original stderr.
    """
    global _pool
    with _pool_lock:
        if _pool is None:
            saved = sys.stderr
            sys.stderr = sys.__stderr__ or saved
            try:  # creating the pool starts multiprocessing's resource tracker
                pool = ProcessPoolExecutor(max_workers=1,
                                           mp_context=multiprocessing.get_context("spawn"))
                pool.submit(int)  # starts the worker process now
            finally:
                sys.stderr = saved
            atexit.register(pool.shutdown, wait=False, cancel_futures=True)
            _pool = pool
        return _pool


def _discard_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def _train_in_worker(path: str, coder: str, widen: bool) -> SuggestionModel:
    """Runs in the training process; keeps the last model to reuse its indexes."""
    key = (path, coder, widen)
    old = _worker_models.get(key)
    with Project.open(path) as project:
        model = train_model(project, coder, widen=widen, indexes=_reusable(old, project))
    _worker_models[key] = model
    return model


def _reusable(old: SuggestionModel | None,
              project: Project) -> dict[str | None, _QuestionIndex] | None:
    if old is None or old.codebook_version != project.codebook_version():
        return None
    if sum(len(i.row_of) for i in old.indexes.values()) > project.count("segments"):
        return None
    return old.indexes


class SuggestionService:
    """Suggestions for one coder on the coding screen.

    Integration (the screen lives in ``qca/tui/``; this class never imports textual)::

        service = SuggestionService(project_path, coder, widen=False)

        @work(thread=True, exclusive=True, exit_on_error=False, group="suggest")
        def retrain_suggestions(self) -> None:
            model = self.service.retrain()          # own connection; returns a new model
            self.post_message(self.SuggestionsReady(model))   # or call_from_thread

        # on mount: self.retrain_suggestions()
        # per segment (fast, < 20 ms): if service.ready: service.suggest(segment)
        # after each coding: if service.note_coding(): self.retrain_suggestions()
        # accept suggestion s: set_coding(project, seg.id, s.code, coder, True,
        #                                 origin="suggestion")

    Show the top three beside the segment with ``score`` as confidence and highlight the
    words in ``why`` (they are the segment's words as written). :meth:`retrain` swaps the
    new model in itself; the old one keeps answering until then. After a codebook change,
    call :meth:`reset` and retrain.
    """

    def __init__(self, project_path: Path | str, coder: str, *, widen: bool = False,
                 retrain_every: int = RETRAIN_EVERY, isolate: bool = True) -> None:
        self.project_path = Path(project_path)
        self.coder = coder
        self.widen = widen
        self.retrain_every = retrain_every
        # Training in a separate process keeps the coding screen's thread free of the GIL
        # contention that in-thread training causes (p95 per keypress 50-76 ms -> ~the
        # figure without suggestions, bench/tui_bench.py --suggest).
        self.isolate = isolate
        self._model: SuggestionModel | None = None
        self._pending = 0
        self._train_lock = threading.Lock()

    @property
    def ready(self) -> bool:
        return self._model is not None

    @property
    def model(self) -> SuggestionModel | None:
        return self._model

    def suggest(self, segment: Segment, top: int = 3) -> list[Suggestion]:
        """Ranked suggestions from the current model (trains one first if there is none)."""
        model = self._model or self.retrain()
        return model.suggest(segment, top)

    def note_coding(self) -> bool:
        """Count one new coding; True when a retrain is due."""
        self._pending += 1
        return self._pending >= self.retrain_every

    def reset(self) -> None:
        """Forget the indexes (after a codebook change or an import)."""
        self._model = None

    def retrain(self, progress: Progress | None = None) -> SuggestionModel:
        """Train on the codings so far and swap the new model in (thread-safe)."""
        with self._train_lock:
            self._pending = 0
            model = None
            if self.isolate and progress is None:
                try:
                    model = _training_pool().submit(
                        _train_in_worker, str(self.project_path), self.coder, self.widen
                    ).result()
                except (BrokenProcessPool, OSError):
                    # The worker died or could not start: train here rather than not at all.
                    _discard_pool()
            if model is None:
                with Project.open(self.project_path) as project:
                    model = train_model(project, self.coder, widen=self.widen,
                                        indexes=_reusable(self._model, project),
                                        progress=progress)
            self._model = model
            return model


# --- evaluation --------------------------------------------------------------------------


@dataclass(frozen=True)
class CurvePoint:
    """Top-1/top-3 accuracy on ``tested`` segments after ``trained`` codings.

    ``top3_ci`` is the 95 % Wilson score interval of ``top3``: with few tested segments
    (long protocols) it is wide, and a figure should be read with it.
    """

    trained: int
    tested: int
    top1: float
    top3: float
    top1_ci: tuple[float, float] = (0.0, 1.0)
    top3_ci: tuple[float, float] = (0.0, 1.0)

    @classmethod
    def of(cls, trained: int, tested: int, hits1: int, hits3: int) -> CurvePoint:
        return cls(trained, tested, hits1 / tested, hits3 / tested,
                   _wilson(hits1, tested), _wilson(hits3, tested))


def _wilson(hits: int, n: int) -> tuple[float, float]:
    """95 % Wilson score interval of the proportion ``hits / n``."""
    from scipy.stats import binomtest

    ci = binomtest(hits, n).proportion_ci(confidence_level=0.95, method="wilson")
    return (float(ci.low), float(ci.high))


@dataclass(frozen=True)
class LearningCurve:
    """Accuracy after ``trained`` codings, for one question or one kind of source."""

    scope: str
    kind: str
    points: list[CurvePoint]

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.scope, "kind": self.kind,
                "points": [{**vars(p), "top1_ci": list(p.top1_ci), "top3_ci": list(p.top3_ci)}
                           for p in self.points]}


def _coding_order(project: Project, coder: str) -> list[tuple[str, set[str]]]:
    rows = project.conn.execute(
        "SELECT c.segment_id, c.category, c.created_at, s.seq FROM codings c "
        "JOIN segments s ON s.id = c.segment_id WHERE c.coder = ?", (coder,))
    first: dict[str, tuple[str, int]] = {}
    codes: dict[str, set[str]] = {}
    for sid, cat, at, seq in rows:
        codes.setdefault(sid, set()).add(cat)
        if sid not in first or (at, seq) < first[sid]:
            first[sid] = (at, seq)
    return [(sid, codes[sid]) for sid in sorted(first, key=lambda s: first[s])]


Scorer = Callable[["_QuestionIndex", np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
"""``(index, train_rows, train_labels, test_rows, test_cold) -> scores`` (tests × categories)."""


def _default_scores(index: _QuestionIndex, train: np.ndarray, y: np.ndarray,
                    test: np.ndarray, cold: np.ndarray) -> np.ndarray:
    learned = _fit(index.x[train], y, index.desc()) if len(train) else None
    return _blend(cold, learned, index.x[test])


def replay(
    project: Project,
    coder: str,
    steps: Iterable[int] = DEFAULT_STEPS,
    *,
    indexes: dict[str | None, _QuestionIndex] | None = None,
    scorer: Scorer = _default_scores,
    progress: Progress | None = None,
) -> list[LearningCurve]:
    """Replay ``coder``'s codings in order; accuracy on the segments not yet trained on.

    Per question: after ``n`` coded segments (in order of their first coding, then segment
    order), train on those and rank the question's categories for every later coded
    segment. A hit is any of the segment's codes among the top 1 / top 3. Curves follow per
    question, then pooled over survey questions and over protocol passages. ``scorer``
    ranks (default: the model :func:`train_model` builds); ``bench/suggest_learners.py``
    passes others to compare learners on the same replay.
    """
    steps = sorted(set(steps))
    indexes = indexes if indexes is not None else build_indexes(project, progress=progress)
    order = _coding_order(project, coder)
    per_question: list[LearningCurve] = []
    pooled: dict[str, dict[int, list[int]]] = {}
    for q, index in indexes.items():
        keyset = set(index.keys)
        seq = [(s, codes & keyset) for s, codes in order
               if s in index.row_of and codes & keyset]
        if not seq:
            continue
        rows = np.array([index.row_of[s] for s, _ in seq])
        y = np.array([[k in codes for k in index.keys] for _, codes in seq], dtype=np.int8)
        cold = np.vstack([
            index.cold(int(r), index.content[r], index.x[r],
                       index.seg_vec[r] if index.seg_vec is not None else None)
            for r in rows
        ])
        kind = index.kind[seq[0][0]]
        points = []
        for n in steps:
            if n >= len(seq):
                break
            scores = scorer(index, rows[:n], y[:n], rows[n:], cold[n:])
            ranked = np.argsort(-scores, axis=1, kind="stable")
            truth = y[n:]
            hit1 = truth[np.arange(len(truth)), ranked[:, 0]].astype(bool)
            hit3 = truth[np.arange(len(truth))[:, None], ranked[:, :3]].any(axis=1)
            points.append(CurvePoint.of(n, len(truth), int(hit1.sum()), int(hit3.sum())))
            acc = pooled.setdefault(kind, {}).setdefault(n, [0, 0, 0])
            acc[0] += len(truth)
            acc[1] += int(hit1.sum())
            acc[2] += int(hit3.sum())
        per_question.append(LearningCurve(str(q), kind, points))
    total = [
        LearningCurve(f"all {kind}", kind,
                      [CurvePoint.of(n, t, h1, h3) for n, (t, h1, h3) in sorted(by_n.items())])
        for kind, by_n in sorted(pooled.items(), key=lambda kv: kv[0] != "survey")
    ]
    return per_question + total


def evaluate(
    project: Project,
    coder: str,
    steps: Iterable[int] = DEFAULT_STEPS,
    *,
    indexes: dict[str | None, _QuestionIndex] | None = None,
    progress: Progress | None = None,
) -> list[LearningCurve]:
    """Learning curves of the suggestion model on ``coder``'s codings (see :func:`replay`)."""
    return replay(project, coder, steps, indexes=indexes, progress=progress)


def suggest_for_coder(
    project: Project,
    coder: str,
    *,
    question: str | None = None,
    top: int = 3,
    widen: bool = False,
    progress: Progress | None = None,
) -> Iterable[tuple[Segment, list[Suggestion]]]:
    """Suggestions for every substantive segment ``coder`` has not coded yet."""
    model = train_model(project, coder, widen=widen, progress=progress)
    coded = {r[0] for r in project.conn.execute(
        "SELECT DISTINCT segment_id FROM codings WHERE coder = ?", (coder,))}
    segments = project.segments(question) if question else project.segments()
    for seg in segments:
        if seg.substantive and seg.id not in coded:
            yield seg, model.suggest(seg, top)
