"""The coding app: one factory for the CLI and the tests, and the CLI's entry point.

``qca code PROJECT --coder NAME`` calls :func:`run_coding_app`; tests and the benchmark
build the same app with :func:`make_app` and drive it with Textual's Pilot.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import work
from textual.app import App
from textual.notifications import SeverityLevel

from qca.errors import QcaError
from qca.session import SegmentFilter, Session, parse_where
from qca.store import Project
from qca.tui.screens.coding import CodingScreen

__all__ = ["CodingApp", "make_app", "run_coding_app"]


def _pipeline_description() -> str | None:
    """The active NLP pipeline in a few words."""
    from qca.nlp import pipeline_description

    try:
        return pipeline_description(short=True)
    except Exception:  # an optional note must never stop coding
        return None


class CodingApp(App[None]):
    """Owns the open project and the session; closes the project when it ends."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "qca"

    def __init__(self, project: Project, session: Session, *, show_pipeline: bool = True,
                 suggest: bool = False, widen: bool = False, lead: bool = False,
                 retrieve: str | None = None) -> None:
        super().__init__()
        self.lead = lead
        self.retrieve = retrieve
        self.project = project
        self.session = session
        self.show_pipeline = show_pipeline
        self.suggest = suggest
        self.widen = widen
        self.sub_title = project.name

    def on_mount(self) -> None:
        service = None
        if self.suggest:
            from qca.suggest import SuggestionService

            service = SuggestionService(self.project.path, self.session.coder, widen=self.widen)
        screen = CodingScreen(self.session, service, widen=self.widen, lead=self.lead)
        self.push_screen(screen)
        if self.retrieve is not None:
            screen.open_retrieval(self.retrieve)
        if self.show_pipeline:
            self._describe_pipeline()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _describe_pipeline(self) -> None:
        note = _pipeline_description()
        if note:
            self.call_from_thread(self._set_note, f"NLP: {note}")

    def _set_note(self, note: str) -> None:
        if isinstance(self.screen, CodingScreen):
            self.screen.set_note(note)
        else:
            for screen in self.screen_stack:
                if isinstance(screen, CodingScreen):
                    screen.set_note(note)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """On the coding screen, a message goes to its message line (one at a time, never
        over the text or the categories); a dialog on top shows Textual's notification."""
        if isinstance(self.screen, CodingScreen):
            self.screen.say(message, severity, timeout)
        else:
            super().notify(message, title=title, severity=severity, timeout=timeout,
                           markup=markup)

    def on_unmount(self) -> None:
        try:
            self.session.remember_position()
        except QcaError:
            pass  # the last coding already stored a resume point
        self.project.close()


def make_app(
    path: Path | str,
    coder: str,
    question: str | None = None,
    where: Iterable[str] = (),
    *,
    status: str = "all",
    show_pipeline: bool = True,
    suggest: bool = False,
    widen: bool = False,
    lead: bool = False,
    retrieve: str | None = None,
) -> CodingApp:
    """Open the project and build the coding app for ``coder``.

    ``suggest`` turns category suggestions on (the CLI does unless ``--no-suggest``; tests
    and snapshots leave them off unless they test them, so nothing races a model).
    ``widen`` lets the suggestions learn from every coder, not only this coder and consensus.
    ``lead`` shows every coder's usage counts in the codebook browser and every coder's
    codings in the retrieval list (a blind coder sees only their own). ``retrieve`` opens
    the retrieval list of that code expression first. ``status="proposed"`` reviews the
    proposals of a dictionary (``qca autocode``).

    Raises :class:`QcaError` (before any screen appears) for an unusable project, coder
    name, question or ``VAR=VALUE`` filter.
    """
    segment_filter = SegmentFilter(question=question, where=parse_where(where), status=status)
    project = Project.open(path)
    try:
        project.require_question(question)
        project.require_variables(k for k, _ in segment_filter.where)
        if retrieve is not None:
            from qca.retrieval import parse_code_query

            parse_code_query(retrieve, project.codebook())
        session = Session(project, coder, segment_filter)
    except BaseException:
        project.close()
        raise
    return CodingApp(project, session, show_pipeline=show_pipeline, suggest=suggest,
                     widen=widen, lead=lead, retrieve=retrieve)


def run_coding_app(
    path: Path | str, coder: str, question: str | None = None, where: Iterable[str] = (),
    *, suggest: bool = True, widen: bool = False, status: str = "all", lead: bool = False,
    retrieve: str | None = None,
) -> None:
    """Open the coding screen in this terminal until the coder quits."""
    app = make_app(path, coder, question, where, suggest=suggest, widen=widen, status=status,
                   lead=lead, retrieve=retrieve)
    try:
        app.run()
    finally:
        if suggest:
            from qca.suggest.service import stop_training

            stop_training()  # a training under way would hold up the exit
