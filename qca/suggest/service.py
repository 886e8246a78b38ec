"""The training service of the coding screen: models trained in a separate process.

Training in a separate (spawned) process keeps the coding screen's thread free of the GIL
contention that in-thread training causes. The worker watches its parent and exits within
about a second when the parent is gone, whichever signal ended it.

A retraining runs BLAS on one thread: with two, retraining on 10,000 codings with vectors
took 2.5-2.7 s of CPU instead of 2.1 s and no less wall time (``bench/suggest_bench.py
--vectors``, 2 cores), CPU the screen would lack; the scores are the same to the bit.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from qca.progress import Progress
from qca.store import Project, Segment
from qca.suggest.features import _QuestionIndex
from qca.suggest.models import Suggestion, SuggestionModel, train_model
from qca.suggest.vectors import WORKER_BATCH, _one_thread, ensure_vectors

__all__ = ["RETRAIN_EVERY", "SuggestionService", "TrainingStopped", "stop_training"]

RETRAIN_EVERY = 5
"""New codings after which :meth:`SuggestionService.note_coding` asks for a retrain."""
_PARENT_POLL = 0.5
"""Seconds between the training process's checks that its parent still lives."""


# --- the service the coding screen uses --------------------------------------------------


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
_stopped = threading.Event()
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
                                           mp_context=multiprocessing.get_context("spawn"),
                                           initializer=_watch_parent, initargs=(os.getpid(),))
                pool.submit(int)  # starts the worker process now
            finally:
                sys.stderr = saved
            atexit.register(pool.shutdown, wait=False, cancel_futures=True)
            _pool = pool
        return _pool


def _watch_parent(parent: int) -> None:
    """Runs in the training process: exit as soon as ``parent`` is gone.

    A parent ended by SIGKILL (or a crash) cannot shut the pool down, and the worker would
    wait on its task queue forever, since it holds that pipe's write end itself. When the
    parent dies the worker is re-parented, so a changed ``os.getppid()`` tells it.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_POLL)
        os._exit(0)

    threading.Thread(target=watch, name="qca-parent-watch", daemon=True).start()


def _discard_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


class TrainingStopped(RuntimeError):
    """A retrain asked for after :func:`stop_training`: the screen is closing."""


def stop_training() -> None:
    """End the training process now, a training under way included.

    Called when the coding screen closes, which will not use that model. Without it the
    interpreter's exit waits for the training under way (``concurrent.futures`` joins its
    pools at exit), seconds on a large project after the coder pressed Q. Retrains asked
    for after this raise :class:`TrainingStopped` instead of training in this process.
    """
    global _pool
    _stopped.set()
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is None:
        return
    # The public way to end the workers (terminate_workers) arrives with Python 3.14.
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.join(timeout=5)


def _train_in_worker(path: str, coder: str, widen: bool) -> SuggestionModel:
    """Runs in the training process; keeps the last model to reuse its indexes (and
    :func:`qca.suggest.vectors.index_vectors` keeps the vectors it read)."""
    key = (path, coder, widen)
    old = _worker_models.get(key)
    with Project.open(path) as project, _one_thread():
        # a few hundred missing sentence vectors a retraining (~3 s), here, off the screen
        ensure_vectors(project, limit=WORKER_BATCH)
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
            if _stopped.is_set():
                raise TrainingStopped("the coding screen is closing")
            self._pending = 0
            model = None
            if self.isolate and progress is None:
                try:
                    model = _training_pool().submit(
                        _train_in_worker, str(self.project_path), self.coder, self.widen
                    ).result()
                except (BrokenProcessPool, OSError):
                    if _stopped.is_set():
                        raise TrainingStopped("the coding screen is closing") from None
                    # The worker died or could not start: train here rather than not at all.
                    _discard_pool()
            if model is None:
                with Project.open(self.project_path) as project, _one_thread():
                    ensure_vectors(project, limit=WORKER_BATCH)
                    model = train_model(project, self.coder, widen=self.widen,
                                        indexes=_reusable(self._model, project),
                                        progress=progress)
            self._model = model
            return model


