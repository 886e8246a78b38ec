"""The German language pipeline: tokens and lemmas of every segment, computed once.

Which pipeline runs:

1. A genuine spaCy model ``de_core_news_lg``, ``_md`` or ``_sm`` when one is installed. The
   package registry offers a placeholder stub under those names that is no model; a package
   counts only when it ships spaCy's ``meta.json`` for German with a pipeline, and loading it
   yields a :class:`spacy.language.Language` with pipes. Anything else is skipped.
2. Otherwise an offline pipeline built from registry packages alone:
   ``spacy.blank("de")``, a sentencizer and lemmas from ``simplemma`` (or, without
   simplemma, spaCy's ``de`` lookup table from ``spacy-lookups-data``), plus a repair step
   that restores lost umlauts and OCR damage (``haufig`` → ``häufig``, ``fiir`` → ``für``,
   ``MaBnahmen`` → ``Maßnahme``) where the damaged word is unknown but a repaired form is
   known.

Why simplemma: on the hand-made gold list ``bench/lemma_gold.tsv`` (174 word → lemma pairs
from the demo codebooks, the seed reports with their OCR damage, and survey spellings),
``python bench/lemma_compare.py`` measured (agreement, case-insensitive / umlaut-folded):

    simplemma + repair       0.95 / 0.96
    simplemma                0.73 / 0.86
    spaCy lookup + repair    0.80 / 0.84
    spaCy lookup             0.60 / 0.71

(The repair rules were written with the same seed texts in view, so the repair gain is an
optimistic figure; the gap between the two lemmatizers holds with and without it.)

Nothing here downloads anything. Set ``QCA_PIPELINE=offline`` to force the offline
pipeline, or to a model name to prefer that model.

Features live in the project's ``features`` table (migration ``0002_features``), keyed by
segment, with the pipeline id and a digest of the text: they are recomputed when either
changes. The pipeline itself loads once per process (:func:`load_pipeline`).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qca.errors import QcaError
from qca.i18n import _
from qca.progress import Progress  # re-exported: the suggestion modules import it from here

if TYPE_CHECKING:
    from spacy.language import Language

    from qca.store import Project, Segment

__all__ = [
    "GENUINE_MODELS",
    "Progress",
    "SegmentFeatures",
    "analyse",
    "analyse_project",
    "ensure_features",
    "fold",
    "genuine_model",
    "load_pipeline",
    "offline_pipeline",
    "pipeline_description",
    "pipeline_id",
    "stop_words",
    "text_features",
]

GENUINE_MODELS = ("de_core_news_lg", "de_core_news_md", "de_core_news_sm")
#: Bump when the offline pipeline's output changes, so stored features are recomputed.
_OFFLINE_REVISION = "r1"
_CHUNK = 500


_lock = threading.RLock()
_nlp: Language | None = None
_nlp_id: str | None = None


@dataclass(frozen=True)
class SegmentFeatures:
    """The words of one segment (no punctuation or spaces) and their lemmas, aligned."""

    tokens: tuple[str, ...]
    lemmas: tuple[str, ...]

    def to_json(self) -> str:
        return json.dumps([list(p) for p in zip(self.tokens, self.lemmas)], ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> SegmentFeatures:
        pairs = json.loads(text)
        return cls(tuple(p[0] for p in pairs), tuple(p[1] for p in pairs))


# --- folding -----------------------------------------------------------------------------

_FOLD_TABLE = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Case- and umlaut-folded form, so ``Ämter``, ``Aemter`` and OCR's ``Amter`` agree.

    ä/ae → a, ö/oe → o, ü/ue/ii → u, ß → ss, other accents dropped. Applied to both sides
    of every comparison, so the few words it merges wrongly (``neue`` → ``nue``) still match.
    """
    w = word.casefold().translate(_FOLD_TABLE)
    w = w.replace("ae", "a").replace("oe", "o").replace("ue", "u").replace("ii", "u")
    if not w.isascii():
        w = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    return w


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """German stop words from spaCy, folded."""
    from spacy.lang.de.stop_words import STOP_WORDS

    return frozenset(fold(w) for w in STOP_WORDS)


# --- which pipeline ----------------------------------------------------------------------


def genuine_model(name: str) -> str | None:
    """The version of an installed genuine spaCy model ``name``, else None.

    Cheap: reads the package's ``meta.json`` without importing spaCy or the package. The
    registry's placeholder stub of the same name has no such file and is skipped.
    """
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        meta_path = Path(location) / "meta.json"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if (
            isinstance(meta, dict)
            and meta.get("lang") == "de"
            and meta.get("pipeline")
            and meta.get("version")
        ):
            return str(meta["version"])
    return None


def _candidate_models() -> list[str]:
    wanted = os.environ.get("QCA_PIPELINE", "").strip()
    if wanted == "offline":
        return []
    if wanted:
        return [wanted, *(m for m in GENUINE_MODELS if m != wanted)]
    return list(GENUINE_MODELS)


def _offline_lemmatizer() -> str:
    return "simplemma" if importlib.util.find_spec("simplemma") is not None else "lookup"


def _dist_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def pipeline_id() -> str:
    """A short id of the pipeline this process would use, stored with every feature row."""
    with _lock:
        if _nlp_id is not None:
            return _nlp_id
    for name in _candidate_models():
        version = genuine_model(name)
        if version:
            return f"{name}-{version}"
    lemmatizer = _offline_lemmatizer()
    dist = "simplemma" if lemmatizer == "simplemma" else "spacy-lookups-data"
    return f"offline-{lemmatizer}-{_dist_version(dist)}-{_OFFLINE_REVISION}"


def pipeline_description(short: bool = False) -> str:
    """One line for ``qca status`` (``short``: a few words for the coding screen).

    Never loads spaCy.
    """
    pid = pipeline_id()
    if not pid.startswith("offline-"):
        name, _sep, version = pid.rpartition("-")
        vectors = ""
        with _lock:
            if _nlp is not None and _nlp.vocab.vectors.size:
                vectors = " (vectors)"
        return f"{name} {version}{vectors}"
    lemmatizer = _offline_lemmatizer()
    if short:
        return _("offline German ({lemmatizer})").format(lemmatizer=lemmatizer)
    source = (f"simplemma {_dist_version('simplemma')}" if lemmatizer == "simplemma"
              else _("spaCy lookup table (spacy-lookups-data {version})").format(
                  version=_dist_version("spacy-lookups-data")))
    return _("offline: spacy.blank('de') + sentencizer + {source} lemmas, umlaut/OCR "
             "repair").format(source=source)


def load_pipeline() -> Language:
    """The pipeline of this process, loaded on first use (thread-safe)."""
    global _nlp, _nlp_id
    with _lock:
        if _nlp is not None:
            return _nlp
        for name in _candidate_models():
            nlp = _load_genuine(name)
            if nlp is not None:
                _nlp, _nlp_id = nlp, f"{name}-{nlp.meta.get('version', '?')}"
                return nlp
        lemmatizer = _offline_lemmatizer()
        _nlp = offline_pipeline(lemmatizer)
        dist = "simplemma" if lemmatizer == "simplemma" else "spacy-lookups-data"
        _nlp_id = f"offline-{lemmatizer}-{_dist_version(dist)}-{_OFFLINE_REVISION}"
        return _nlp


def _load_genuine(name: str) -> Language | None:
    if genuine_model(name) is None:
        return None
    try:
        import spacy
        from spacy.language import Language

        if not spacy.util.is_package(name):
            return None
        nlp = spacy.load(name)
    except Exception:  # a broken or fake package: fall back to the offline pipeline
        return None
    if not isinstance(nlp, Language) or not nlp.pipe_names or not nlp.meta.get("name"):
        return None
    if "senter" not in nlp.pipe_names and "parser" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    return nlp


def _reset_for_tests() -> None:
    global _nlp, _nlp_id
    with _lock:
        _nlp, _nlp_id = None, None


# --- the offline pipeline ----------------------------------------------------------------

# Repairs tried, one or two at a time, on a word no lemmatizer knows: typed-out umlauts,
# umlauts lost in OCR or on keyboards, and OCR's typical misreadings of ü, ö and ß.
_REPAIRS = (
    ("ae", "ä"), ("oe", "ö"), ("ue", "ü"), ("Ae", "Ä"), ("Oe", "Ö"), ("Ue", "Ü"),
    ("ss", "ß"), ("B", "ß"), ("f3", "ß"), ("ii", "ü"),
    ("a", "ä"), ("o", "ö"), ("u", "ü"), ("A", "Ä"), ("O", "Ö"), ("U", "Ü"),
    ("b", "ö"), ("d", "ö"), ("i", "ü"), ("e", "ö"),
)


def _single_repairs(word: str) -> Iterable[str]:
    for old, new in _REPAIRS:
        start = word.find(old)
        while start != -1:
            yield word[:start] + new + word[start + len(old):]
            start = word.find(old, start + 1)


def _repairs(word: str) -> Iterable[str]:
    """Candidate spellings of ``word``: capitalised, then one repair, then two."""
    if word[:1].islower():
        yield word[:1].upper() + word[1:]
    if len(word) > 30:
        return
    firsts = list(dict.fromkeys(_single_repairs(word)))
    yield from firsts
    for first in firsts:
        yield from _single_repairs(first)


class _Lemmatizer:
    """Word → lemma for one offline strategy, with the repair step, cached."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._cache: dict[tuple[str, bool], str] = {}
        if kind == "simplemma":
            import simplemma

            self._simplemma = simplemma
        else:
            from spacy.lookups import load_lookups

            # spaCy's Table hashes its string keys; look words up with get / in.
            self._table = load_lookups("de", ["lemma_lookup"]).get_table("lemma_lookup")
            self._lemmas = set(self._table.values())

    def _is_known(self, word: str) -> bool:
        if self.kind == "simplemma":
            return bool(self._simplemma.is_known(word, lang="de"))
        return word in self._table or word in self._lemmas

    def _plain(self, word: str) -> str:
        if self.kind == "simplemma":
            return str(self._simplemma.lemmatize(word, lang="de"))
        return str(self._table.get(word, word))

    def __call__(self, word: str, repair: bool = True) -> str:
        key = (word, repair)
        lemma = self._cache.get(key)
        if lemma is None:
            lemma = self._cache[key] = self._lemma(word, repair)
        return lemma

    def _lemma(self, word: str, repair: bool) -> str:
        if not word[:1].isalpha() or self._is_known(word) or not repair:
            return self._plain(word)
        for candidate in _repairs(word):
            if self._is_known(candidate):
                return self._plain(candidate)
        return self._plain(word)


@lru_cache(maxsize=4)
def _lemmatizer(kind: str) -> _Lemmatizer:
    return _Lemmatizer(kind)


def offline_pipeline(lemmatizer: str = "simplemma", *, repair: bool = True) -> Language:
    """``spacy.blank("de")`` + sentencizer + lemmas (``simplemma`` or ``lookup``)."""
    import spacy
    from spacy.language import Language

    name = f"qca_lemmas_{lemmatizer}{'_repair' if repair else ''}"
    if not Language.has_factory(name):
        lemmatize = _lemmatizer(lemmatizer)

        def component(doc: Any) -> Any:
            for token in doc:
                if not token.is_punct and not token.is_space:
                    token.lemma_ = lemmatize(token.text, repair)
            return doc

        Language.component(name, func=component)
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(name)
    return nlp


# --- features ----------------------------------------------------------------------------


def analyse(
    texts: Sequence[str], *, nlp: Language | None = None, progress: Progress | None = None
) -> list[SegmentFeatures]:
    """Tokens and lemmas of each text, via ``nlp.pipe`` in this process."""
    nlp = nlp or load_pipeline()
    out: list[SegmentFeatures] = []
    total = len(texts)
    for doc in nlp.pipe(texts, batch_size=128, n_process=1):
        words = [t for t in doc if not (t.is_punct or t.is_space)]
        out.append(SegmentFeatures(
            tuple(t.text for t in words), tuple(t.lemma_ or t.text for t in words)
        ))
        if progress is not None and (len(out) % 100 == 0 or len(out) == total):
            progress(len(out), total)
    return out


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def ensure_features(
    project: Project,
    segments: Sequence[Segment] | None = None,
    *,
    progress: Progress | None = None,
) -> dict[str, SegmentFeatures]:
    """Features of ``segments`` (default: all), computing and storing the missing ones.

    Stored rows are reused when their pipeline id and text digest still match, so the
    pipeline loads only when something is new. ``progress(done, total)`` counts the
    segments being computed (not those reused). A project that cannot be written (read-only)
    still gets its features, just not stored.
    """
    segments = project.segments() if segments is None else segments
    return _ensure(project, [(seg.id, seg.text) for seg in segments], progress)


def text_features(project: Project, texts: dict[str, str]) -> dict[str, SegmentFeatures]:
    """Like :func:`ensure_features` for other texts (category descriptions), by key.

    Keys must not collide with segment ids; qca uses ``@category:<key>``.
    """
    return _ensure(project, list(texts.items()), None)


def _ensure(
    project: Project, items: list[tuple[str, str]], progress: Progress | None
) -> dict[str, SegmentFeatures]:
    pid = pipeline_id()
    stored: dict[str, tuple[str, str, str]] = {
        row[0]: (row[1], row[2], row[3])
        for row in project.conn.execute("SELECT segment_id, pipeline, digest, lemmas FROM features")
    }
    out: dict[str, SegmentFeatures] = {}
    missing: list[tuple[str, str, str]] = []
    for key, text in items:
        digest = _digest(text)
        row = stored.get(key)
        if row is not None and row[0] == pid and row[1] == digest:
            out[key] = SegmentFeatures.from_json(row[2])
        else:
            missing.append((key, text, digest))
    if not missing:
        return out
    nlp = load_pipeline()
    pid = pipeline_id()
    total = len(missing)
    if progress is not None:
        progress(0, total)
    for start in range(0, total, _CHUNK):
        chunk = missing[start:start + _CHUNK]
        feats = analyse([text for _, text, _ in chunk], nlp=nlp)
        rows = [(key, pid, digest, f.to_json()) for (key, _, digest), f in zip(chunk, feats)]
        try:
            with project.transaction():
                project.store_features(rows)
        except QcaError:
            pass  # read-only or busy: the features are still returned, only not kept
        for (key, _, _), f in zip(chunk, feats):
            out[key] = f
        if progress is not None:
            progress(min(start + _CHUNK, total), total)
    return out


_PAGE = 5000  # segments read at a time by analyse_project


def analyse_project(project: Project, *, progress: Progress | None = None) -> int:
    """Compute and store the features of every segment that lacks current ones.

    Unlike :func:`ensure_features` it returns nothing but the count, and reads the
    segments a page at a time in ``seq`` order, so memory stays at one page however many
    segments the project has (what the coding screen runs before it opens). The pipeline
    loads only when a segment needs it. ``progress(done, total)`` counts the segments
    without a stored row of this pipeline.

    Returns:
        How many segments were analysed.
    """
    pid = pipeline_id()
    total = _count_missing(project, pid)
    if progress is not None and total:
        progress(0, total)
    nlp: Language | None = None
    done = 0
    after = 0
    while True:
        page = project.conn.execute(
            "SELECT s.seq, s.id, s.text, f.pipeline, f.digest FROM segments s "
            "LEFT JOIN features f ON f.segment_id = s.id WHERE s.seq > ? ORDER BY s.seq "
            "LIMIT ?", (after, _PAGE)).fetchall()
        if not page:
            return done
        after = page[-1][0]
        missing = []
        for _, key, text, stored_pid, stored_digest in page:
            digest = _digest(text)
            if stored_pid != pid or stored_digest != digest:
                missing.append((key, text, digest))
        if missing and nlp is None:
            nlp = load_pipeline()
            if pipeline_id() != pid:  # the model named first failed to load: start over
                pid, after = pipeline_id(), 0
                total = _count_missing(project, pid)
                continue
        for start in range(0, len(missing), _CHUNK):
            chunk = missing[start:start + _CHUNK]
            feats = analyse([text for _, text, _ in chunk], nlp=nlp)
            try:
                with project.transaction():
                    project.store_features(
                        (key, pid, digest, f.to_json()) for (key, _, digest), f in zip(chunk, feats))
            except QcaError:
                pass  # read-only or busy: computed again next time
            done += len(chunk)
            if progress is not None:
                progress(min(done, total), max(total, done))


def _count_missing(project: Project, pid: str) -> int:
    row = project.conn.execute(
        "SELECT COUNT(*) FROM segments s LEFT JOIN features f ON f.segment_id = s.id "
        "WHERE f.pipeline IS NULL OR f.pipeline != ?", (pid,)).fetchone()
    return int(row[0])
