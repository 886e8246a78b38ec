"""The coding screen: one segment, its question's categories, and every key a coder needs.

Keys never collide with category shortcuts: codebooks use digits and lower-case letters
(``[0-9a-z]``), so commands use arrows, Enter, Tab, Space, punctuation, ctrl-keys and
UPPER-case letters. No widget takes focus, so each key means the same thing everywhere on
this screen. Each change is written (and committed) inside the key handler, before the
screen updates.

Suggestions (:class:`qca.suggest.SuggestionService`) are trained in a thread worker on
mount and whenever enough new codings came in, and computed for a segment in another
worker once the segment is on screen: the keypress -> next segment path never waits for
them.

The resume point is written with each change and on quit; after plain moving it is written
once the coder has stayed :data:`POSITION_DELAY` seconds on a segment (at the latest
:data:`POSITION_MAX_WAIT` seconds after moving on), never inside a key's handler.
"""

from __future__ import annotations

import bisect
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import OptionList

from qca import coding
from qca.codebook import Category
from qca.errors import RESOURCE_ERRORS, QcaError, resource_message
from qca.events import Origin
from qca.i18n import N_, _, ngettext
from qca.session import ProgressCount, ProgressCounter, SegmentFilter, SegmentView, Session
from qca.tui.bindings import localise_bindings
from qca.tui.screens.codebook import CodebookScreen
from qca.tui.screens.confirm import ConfirmScreen
from qca.tui.screens.counts import CountsScreen
from qca.tui.screens.dialog import Dialog
from qca.tui.screens.filter import FilterScreen
from qca.tui.screens.help import HelpScreen
from qca.tui.screens.jump import JumpScreen
from qca.tui.screens.memo import MemoScreen
from qca.tui.screens.picker import PickerScreen
from qca.tui.screens.retrieval import RetrievalScreen, RetrieveDialog
from qca.tui.screens.search import SearchScreen
from qca.tui.widgets.categories import CategoryList
from qca.tui.widgets.definition import DefinitionPanel
from qca.tui.widgets.keybar import KeyBar
from qca.tui.widgets.message import MessageLine
from qca.tui.widgets.segment import SegmentPanel
from qca.tui.widgets.status import StatusLine
from qca.tui.widgets.suggestions import SuggestionPanel

if TYPE_CHECKING:
    from qca.suggest import Suggestion, SuggestionService

__all__ = ["CodingScreen"]

SUGGEST_DELAY = 0.25
"""Seconds a segment stays on screen before its suggestions are computed (or a due
retrain starts): keys typed in a row never share the CPU with suggestion work."""
_SWITCH_INTERVAL = 0.0005
POSITION_DELAY = 1.5
"""Seconds the coder stays on a segment before it is stored as the resume point: each
store waits for the disk, so moving through segments in a row stores nothing."""
POSITION_MAX_WAIT = 10.0
"""Seconds after which the resume point is stored even while the coder keeps moving."""


class CodingScreen(Screen[None]):
    """Code the segments of a :class:`Session`, one keypress per decision."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-medium"), (45, "-tall")]

    BINDINGS = [
        Binding("enter,right", "next", N_("Next"), key_display="⏎",
                tooltip=N_("Next segment (Enter or →).")),
        Binding("left", "previous", N_("Back"), key_display="←", tooltip=N_("Previous segment.")),
        Binding("tab,N", "next_uncoded", N_("Uncoded"), key_display="Tab",
                tooltip=N_("Next segment you have not coded (Tab or N); k.A. answers are skipped.")),
        Binding("slash", "pick", N_("Find"), key_display="/",
                tooltip=N_("Find a category by name, key, definition or anchor; Enter toggles it.")),
        Binding("M", "memo", N_("Memo"), tooltip=N_("Write a memo on this segment.")),
        Binding("F", "flag", N_("Flag"), tooltip=N_("Flag / unflag this segment as uncertain.")),
        Binding("ctrl+z,U", "undo", N_("Undo"), key_display="^z",
                tooltip=N_("Undo your last change (ctrl+z or U), also after a restart.")),
        Binding("ctrl+y,R", "redo", N_("Redo"), key_display="^y", show=False,
                tooltip=N_("Redo what you undid (ctrl+y or R).")),
        Binding("W", "filter", N_("Filter"),
                tooltip=N_("Filter by question, variable (VAR=VALUE), coded/uncoded/flagged.")),
        Binding("D", "definition", N_("Def"), show=False,
                tooltip=N_("Show / hide the highlighted category's definition, anchors and rule.")),
        Binding("C", "context", N_("Context"), show=False,
                tooltip=N_("Show / hide the neighbouring passages (same protocol or respondent).")),
        Binding("G,ctrl+g", "jump", N_("Go to"), show=False,
                tooltip=N_("Go to a segment by id, id prefix or list number (G or ctrl+g).")),
        Binding("B", "browse", N_("Codebook"), show=False,
                tooltip=N_("Browse the codebook tree with definitions and usage counts.")),
        Binding("X", "next_suggestion", N_("Next ★"), show=False,
                tooltip=N_("Select the next of the three suggestions (★1 → ★2 → ★3).")),
        Binding("T", "toggle_suggestions", N_("Suggest"), show=False,
                tooltip=N_("Suggestions on/off (off: coding unprimed).")),
        Binding("K", "counts", N_("Counts"), show=False,
                tooltip=N_("Counts of your codings for this question as bars; V groups by a variable.")),
        Binding("A", "auto_advance", N_("Auto"), show=False,
                tooltip=N_("Auto-advance on/off: move on after assigning a category by shortcut.")),
        Binding("up", "cursor_up", N_("Highlight ↑"), show=False,
                tooltip=N_("Move the highlight in the category list (↑ / ↓).")),
        Binding("down", "cursor_down", N_("Highlight ↓"), show=False),
        Binding("home", "cursor_first", N_("First"), show=False,
                tooltip=N_("Highlight the first (Home) or last (End) category.")),
        Binding("end", "cursor_last", N_("Last"), show=False),
        Binding("space", "toggle_highlighted", N_("Toggle"), show=False, key_display="Space",
                tooltip=N_("Toggle the highlighted category.")),
        Binding("pageup", "scroll_text(-1)", N_("Text ↑"), show=False,
                tooltip=N_("Scroll a long segment text (PageUp / PageDown).")),
        Binding("pagedown", "scroll_text(1)", N_("Text ↓"), show=False),
        Binding("ctrl+f", "search", N_("Search"), key_display="^f", show=False,
                tooltip=N_("Search this question for a word (case, umlauts, compounds do not "
                        "matter); Enter again or F3 goes to the next hit.")),
        Binding("f3", "search_next(1)", N_("Next hit"), show=False,
                tooltip=N_("Next search hit (F3); shift+F3 the previous one.")),
        Binding("shift+f3", "search_next(-1)", N_("Previous hit"), show=False),
        Binding("escape", "back_to_list", N_("Back to list"), show=False,
                tooltip=N_("Back to the retrieval list this segment was opened from.")),
        Binding("Y", "confirm_proposals", N_("Confirm"), show=False,
                tooltip=N_("Review (--review dictionary): confirm this segment's proposed "
                        "categories and move on.")),
        Binding("backspace", "reject_proposals", N_("Reject"), show=False,
                tooltip=N_("Review: reject this segment's proposed categories and move on.")),
        Binding("question_mark", "help", N_("Help"), key_display="?", tooltip=N_("All keys.")),
        Binding("Q", "app.quit", N_("Quit"), tooltip=N_("Quit (Q or ctrl+q); everything is saved.")),
        Binding("L", "retrieve", N_("List"),
                tooltip=N_("List the segments of a category (A+B, A,B, A-B too); Enter opens one "
                        "to recode, Esc returns to the list.")),
        Binding("S", "accept_suggestion", N_("Accept ★"),
                tooltip=N_("Accept the selected suggestion (★1 unless X moved it): assigns it.")),
    ]

    FOOTER_ORDER = [
        "next", "previous", "next_uncoded", "accept_suggestion", "next_suggestion", "pick",
        "memo", "flag", "undo", "redo", "filter", "definition", "context", "jump", "browse",
        "counts", "retrieve", "toggle_suggestions", "auto_advance", "help", "app.quit",
    ]
    """The footer's keys in the order they are shown."""
    FOOTER_RANK = [
        "help", "app.quit", "next", "next_uncoded", "accept_suggestion", "undo", "filter",
        "pick", "previous", "next_suggestion", "memo", "flag", "retrieve", "definition", "jump",
        "context", "browse", "counts", "toggle_suggestions", "auto_advance", "redo",
    ]
    """The footer's keys by importance: a narrow terminal shows the first that fit, and the
    help key (which lists them all) counts those left out. At 80 columns, in English and
    German, that keeps ⏎ Tab S ^z W / ? Q: W (the filter) is how a coder reaches another
    question, ← and the ★ shortcuts are guessable or printed on the suggestion lines."""

    def __init__(self, session: Session, suggestions: SuggestionService | None = None, *,
                 widen: bool = False, lead: bool = False) -> None:
        super().__init__()
        localise_bindings(self)
        self.session = session
        self.lead = lead
        """The lead sees every coder's usage counts in the codebook browser; others only
        their own (blind coding)."""
        self._retrieval: tuple[str, str] | None = None  # code expression, segment opened
        self._search: tuple[str, list[str], int] | None = None
        self.suggestions = suggestions
        self.suggest_on = suggestions is not None
        self._widen = suggestions.widen if suggestions is not None else widen
        self._suggested: tuple[str, int, list[Suggestion]] | None = None
        self._model_generation = 0
        self._selected = 0
        self._training = False
        self._counter: ProgressCounter | None = None  # counting a long list's progress
        self._retrain_due = False
        self._idle_timer: Timer | None = None
        self._position_timer: Timer | None = None
        self._arrived: tuple[str | None, float] = (None, 0.0)  # segment shown, since when
        self._unsaved_since: float | None = None
        self.auto_advance = False
        self.show_context = False
        self._rows_key: tuple[int, str | None] | None = None
        self._shown_id: str | None = None
        self._shortcuts: dict[str, str] = {}
        self._depths: dict[str, int] = {}
        self._view: SegmentView | None = None
        self._dialog: Dialog | None = None
        self._key_actions = {
            key.strip(): binding.action
            for binding in self.BINDINGS if isinstance(binding, Binding)
            for key in binding.key.split(",")
        }

    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")
        with Container(id="main"):
            yield SegmentPanel(id="segment")
            with Vertical(id="side"):
                yield SuggestionPanel(id="suggestions")
                yield CategoryList(id="categories")
                yield DefinitionPanel(id="definition")
        yield MessageLine(id="message")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one("#definition").border_title = _("Definition")
        self._show_suggestion_panel()
        self.show_segment()
        if self.suggest_on:
            self._train()

    def on_unmount(self) -> None:
        if self._counter is not None:  # quitting need not wait for a count
            self._counter.cancel()

    def _show_suggestion_panel(self) -> None:
        self.set_class(self.suggest_on, "-suggest")
        self._show_keys()

    def _show_keys(self) -> None:
        """Offer the footer the keys that make sense now (S and X only with suggestions)."""
        hidden = set() if self.suggest_on else {"accept_suggestion", "next_suggestion"}
        bindings = {b.action: b for b in self.BINDINGS if isinstance(b, Binding)}
        keys = []
        for action in self.FOOTER_ORDER:
            if action in hidden:
                continue
            binding = bindings[action]
            shown = binding.key_display or self.app.get_key_display(
                Binding(binding.key.split(",")[0], ""))
            keys.append((shown, _(binding.description), self.FOOTER_RANK.index(action)))
        self.query_one(KeyBar).show(keys, more="?")

    # --- messages --------------------------------------------------------------------------

    def say(self, message: str, severity: str = "information",
            timeout: float | None = None) -> None:
        """Show ``message`` in the message line, replacing the one shown.

        The app routes this screen's notifications here, so no toast covers the text or
        the categories. An error stays until the next key; other messages also go after
        ``timeout`` seconds.
        """
        self.query_one(MessageLine).say(message, severity, timeout or 5.0)

    # --- showing ---------------------------------------------------------------------------

    def show_segment(self) -> None:
        """Show the session's current segment, its categories and the progress."""
        try:
            view = self.session.view()
            version = self.session.project.codebook_version()
        except (QcaError, *RESOURCE_ERRORS) as exc:
            self.show_error(exc)
            return
        self._view = view
        with self.app.batch_update():
            self._show(view, version)
        self._position_moved()

    def _show(self, view: SegmentView | None, version: int) -> None:
        categories = self.query_one(CategoryList)
        assigned = view.categories if view else frozenset()
        question = view.segment.question if view else None
        if self._rows_key != (version, question):
            self._rows_key = (version, question)
            rows = self._category_rows(question) if view else []
            self._shortcuts = {c.shortcut: c.key for c, _ in rows if c.shortcut and c.is_codable}
            if view and not any(c.is_codable for c, _ in rows):
                from qca.questions import no_categories_hint

                categories.show_message(no_categories_hint(self.session.project, question))
            else:
                categories.show_categories(rows, assigned)
            categories.set_title(_("Categories · {question}").format(question=question)
                                 if question else _("Categories"))
        else:
            categories.mark(assigned)
        shown_id = view.segment.id if view else None
        if shown_id != self._shown_id:
            self._shown_id = shown_id
            categories.to_top()  # each segment starts with the first heading in view
        context = None
        if view is not None and self.show_context:
            context = self.session.neighbours(view.segment)
        panel = self.query_one(SegmentPanel)
        panel.show(view, context, self._why(view), marks=self._marks(view))
        if view is not None and self.session.filter.status == "proposed":
            proposed = self.session.proposals(view.segment.id)
            panel.set_notes([_("proposed: {codes} · Y confirms, ⌫ rejects").format(
                codes=", ".join(proposed)) if proposed else _("reviewed")])
        self._show_status()
        self._update_suggestions(view)

    def _category_rows(self, question: str | None) -> list[tuple[Category, int]]:
        cats = self.session.categories(question)
        book = self.session.project.codebook()
        nodes = {c.key: c for c in book.walk()}

        def depth(key: str) -> int:
            """Ancestors, plus one under a codable main category: a group's heading already
            sets its members apart, a main category's subcategories are indented below it."""
            d, node = 0, nodes[key]
            while node.parent is not None and node.parent in nodes:
                d, node = d + 1, nodes[node.parent]
            return d + (1 if node.is_codable else 0)

        return [(c, depth(c.key)) for c in cats]

    def _show_status(self) -> None:
        progress = self.session.progress_if_known()
        if progress is None:  # after the screen is drawn: the text first, then the counts
            self.call_after_refresh(self._count_later)
        self.query_one(StatusLine).show(
            self.session.coder, self.session.filter.describe(), progress,
            auto_advance=self.auto_advance)

    # --- progress of a long list, counted in the background -------------------------------

    def _count_later(self) -> None:
        if self._counter is not None and not self.session.counts_for(self._counter):
            self._counter.cancel()  # a count for an earlier filter
            self._counter = None
        if self._counter is None and self.session.progress_if_known() is None:
            self._counter = self.session.progress_counter()
            self._count_progress(self._counter)

    @work(thread=True, exclusive=True, exit_on_error=False, group="progress")
    def _count_progress(self, counter: ProgressCounter) -> None:
        try:
            counted = counter()
        except Exception as exc:  # the screen counts on its own thread instead
            if self._counter is counter:
                self.app.call_from_thread(self._progress_failed, counter)
            return
        if self._counter is counter:
            self.app.call_from_thread(self._progress_counted, counter, counted)

    def _progress_counted(self, counter: ProgressCounter, counted: ProgressCount) -> None:
        if self._counter is not counter:
            return
        self._counter = None
        self.session.adopt_progress(counted)
        self._show_status()  # counts again if the list changed meanwhile

    def _progress_failed(self, counter: ProgressCounter) -> None:
        if self._counter is not counter:
            return
        self._counter = None
        try:
            self.session.progress()
        except (QcaError, *RESOURCE_ERRORS) as exc:
            self.show_error(exc)
            return
        self._show_status()

    def show_error(self, exc: BaseException) -> None:
        """A failed step as one line, in a notification and on the status line (a resource
        that ran out included: the step's transaction rolled back, the project is as it was)."""
        message = str(exc) if isinstance(exc, QcaError) else resource_message(exc)
        self.notify(message, severity="error")
        self.set_note(message)

    def set_note(self, note: str) -> None:
        """Put a short text (e.g. the NLP pipeline) at the right of the status line."""
        self.query_one(StatusLine).set_note(note)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one(DefinitionPanel).show(self.query_one(CategoryList).highlighted_category)

    # --- resume point ----------------------------------------------------------------------

    def _position_moved(self) -> None:
        """Note where the coder is; store it later, once they stay (cheap: runs per key)."""
        now = time.monotonic()
        if self._arrived[0] != self.session.current_id:
            self._arrived = (self.session.current_id, now)
        if self.session.position_saved:
            self._unsaved_since = None
            return
        if self._unsaved_since is None:
            self._unsaved_since = now
        if self._position_timer is None:
            self._position_timer = self.set_timer(POSITION_DELAY, self._store_position)

    def _store_position(self) -> None:
        """Store the resume point if the coder stayed long enough; otherwise wait on."""
        self._position_timer = None
        if self.session.position_saved or self._unsaved_since is None:
            self._unsaved_since = None
            return
        now = time.monotonic()
        stayed = now - self._arrived[1]
        unsaved = now - self._unsaved_since
        if stayed < POSITION_DELAY and unsaved < POSITION_MAX_WAIT:
            later = min(POSITION_DELAY - stayed, POSITION_MAX_WAIT - unsaved)
            self._position_timer = self.set_timer(later, self._store_position)
            return
        try:
            self.session.remember_position(wait=False)
        except QcaError:  # busy or failing disk: try again later, never block the screen
            self._position_timer = self.set_timer(POSITION_DELAY, self._store_position)
            return
        self._unsaved_since = None

    # --- suggestions -----------------------------------------------------------------------

    def _current_suggestions(self, view: SegmentView | None) -> list[Suggestion] | None:
        """The suggestions already computed for ``view`` by the current model, if any."""
        if (view is None or self._suggested is None
                or self._suggested[:2] != (view.segment.id, self._model_generation)):
            return None
        return self._suggested[2]

    def _why(self, view: SegmentView | None) -> list[str]:
        if not self.suggest_on:
            return []
        shown = self._current_suggestions(view)
        return [w for s in shown for w in s.why] if shown else []

    def _update_suggestions(self, view: SegmentView | None) -> None:
        """Show the suggestions for ``view``; compute them after this refresh if needed."""
        panel = self.query_one(SuggestionPanel)
        if not self.suggest_on or self.suggestions is None:
            return
        if view is None:
            panel.show_note(_("suggestions: no segment"))
            return
        if not self.suggestions.ready:
            panel.show_note(_("suggestions: learning…"))
            return
        shown = self._current_suggestions(view)
        if shown is None:
            if self._suggested is None or self._suggested[0] != view.segment.id:
                self._selected = 0
                panel.show_note(_("suggestions: …"))
            self._when_idle()
            return
        panel.show_suggestions(shown, self._selected, {v: k for k, v in self._shortcuts.items()},
                               view.categories)

    def _when_idle(self) -> None:
        """(Re)start the timer after which suggestion work runs; each key pushes it back."""
        if self._idle_timer is not None:
            self._idle_timer.reset()
        else:
            self._idle_timer = self.set_timer(SUGGEST_DELAY, self._idle)

    def _idle(self) -> None:
        self._idle_timer = None
        if not self.suggest_on or self.suggestions is None:
            return
        if self._retrain_due:
            self._retrain_due = False
            self._train()
            return  # suggestions follow from the new model
        view = self._view
        if view is not None and self.suggestions.ready and self._current_suggestions(view) is None:
            self._suggest(view.segment, self._model_generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="suggest")
    def _suggest(self, segment, generation: int) -> None:  # type: ignore[no-untyped-def]
        service = self.suggestions
        if service is None or not service.ready:
            return
        try:
            found = service.suggest(segment)
        except Exception as exc:  # a suggestion must never stop coding
            self.app.call_from_thread(self._suggestions_failed, exc)
            return
        self.app.call_from_thread(self._suggestions_found, segment.id, generation, found)

    def _suggestions_found(self, segment_id: str, generation: int,
                           found: list[Suggestion]) -> None:
        if generation != self._model_generation or not self.suggest_on:
            return
        self._suggested = (segment_id, generation, found)
        view = self._view
        if view is not None and view.segment.id == segment_id:
            self._update_suggestions(view)
            self.query_one(SegmentPanel).emphasise(segment_id, self._why(view))

    def _suggestions_failed(self, exc: BaseException) -> None:
        self.query_one(SuggestionPanel).show_note(
            _("suggestions unavailable: {error}").format(error=exc))

    def _train(self) -> None:
        if self.suggestions is not None and not self._training:
            self._training = True
            # Training holds the GIL in long stretches of Python; a short switch interval
            # lets the event loop take it back within a fraction of a millisecond after
            # each SQLite call or terminal write, so keys do not queue behind it.
            sys.setswitchinterval(_SWITCH_INTERVAL)
            self._retrain(self.suggestions)

    @work(thread=True, exclusive=True, exit_on_error=False, group="suggest-train")
    def _retrain(self, service: SuggestionService) -> None:
        try:
            service.retrain()
        except Exception as exc:  # a suggestion must never stop coding
            self.app.call_from_thread(self._trained, exc)
            return
        self.app.call_from_thread(self._trained, None)

    def _trained(self, error: BaseException | None) -> None:
        self._training = False
        if error is not None:
            self._suggestions_failed(error)
            return
        self._model_generation += 1
        if self.suggest_on:
            self._update_suggestions(self._view)

    def _noted(self, change: coding.Change | None) -> None:
        """Count an assignment towards the next retrain."""
        if (change is not None and self.suggestions is not None
                and change.assigned
                and self.suggestions.note_coding()):
            self._retrain_due = True
            self._when_idle()

    def action_toggle_suggestions(self) -> None:
        self.suggest_on = not self.suggest_on
        if self.suggest_on and self.suggestions is None:
            from qca.suggest import SuggestionService

            self.suggestions = SuggestionService(self.session.project.path, self.session.coder,
                                                 widen=self._widen)
        self._show_suggestion_panel()
        self.notify(_("suggestions on") if self.suggest_on else _("suggestions off"), timeout=3)
        if self.suggest_on and not self.suggestions.ready:  # type: ignore[union-attr]
            self._train()
        view = self._view
        if view is not None:
            self.query_one(SegmentPanel).emphasise(view.segment.id, self._why(view))
        self._update_suggestions(view)

    def action_next_suggestion(self) -> None:
        shown = self._current_suggestions(self._view) if self.suggest_on else None
        if not shown:
            return
        self._selected = (self._selected + 1) % len(shown)
        self._update_suggestions(self._view)

    def action_accept_suggestion(self) -> None:
        view = self._view
        shown = self._current_suggestions(view) if self.suggest_on else None
        if view is None or not shown:
            self.notify(_("no suggestion to accept yet") if self.suggest_on
                        else _("suggestions are off; T turns them on"), timeout=3)
            return
        chosen = shown[min(self._selected, len(shown) - 1)]
        if chosen.code in view.categories:
            self.notify(_("{category} is already assigned").format(category=chosen.name),
                        timeout=3)
            return
        self._code(lambda: self.session.assign(chosen.code, origin=Origin.SUGGESTION),
                   advance=self.auto_advance)

    # --- coding ----------------------------------------------------------------------------

    async def on_key(self, event: events.Key) -> None:
        """Every key of this screen, handled here in the order it was typed.

        Textual would run bindings only after the key bubbled up to the app, so a fast
        "/" followed by "1" could toggle category 1 before the picker opens. Running the
        screen's own bindings here keeps the order, and keys typed while a dialog is
        opening go to that dialog.
        """
        self.query_one(MessageLine).clear()
        if self._dialog is not None:
            event.stop()
            event.prevent_default()
            if event.is_printable and event.character:
                self._dialog.type_ahead(event.character)
            elif event.key in ("enter", "escape"):
                self._dialog.type_ahead_key(event.key)
            return
        key = self._shortcuts.get(event.character or "") if event.key == event.character else None
        if key is not None:
            event.stop()
            event.prevent_default()
            self.toggle(key, advance=self.auto_advance)
            return
        action = self._key_actions.get(event.key)
        if action is not None:
            event.stop()
            event.prevent_default()
            await self.run_action(action)
            return
        char = event.character or ""
        if event.key == char and len(char) == 1 and (char.isdigit() or "a" <= char <= "z"):
            # A shortcut key no category here has: say so rather than do nothing silently.
            event.stop()
            event.prevent_default()
            hint = _("Q quits") if char == "q" else _("? lists the keys")
            self.notify(_("no category [{key}]; {hint}").format(key=char, hint=hint), timeout=3)

    def toggle(self, key: str, *, advance: bool = False) -> None:
        """Assign or remove category ``key`` on the current segment (committed at once)."""
        self._code(lambda: self.session.toggle(key), advance=advance)

    def _code(self, write: Callable[[], coding.Change | None], *, advance: bool) -> None:
        """Run ``write()`` (one committed change on the current segment), then update the view."""
        if self.session.current_id is None:
            self.notify(_("no segment is shown; change the filter with W"), severity="warning")
            return
        try:
            change = write()
        except (QcaError, *RESOURCE_ERRORS) as exc:
            self.show_error(exc)
            return
        if advance and change is not None and change.assigned:
            self.session.next()
        self.show_segment()
        self._noted(change)

    def action_toggle_highlighted(self) -> None:
        cat = self.query_one(CategoryList).highlighted_category
        if cat is not None and self._view is not None:
            self.toggle(cat.key)

    def action_cursor_up(self) -> None:
        self.query_one(CategoryList).action_cursor_up()

    def action_cursor_down(self) -> None:
        self.query_one(CategoryList).action_cursor_down()

    def action_cursor_first(self) -> None:
        self.query_one(CategoryList).action_first()

    def action_cursor_last(self) -> None:
        self.query_one(CategoryList).action_last()

    def action_flag(self) -> None:
        self._change(self.session.toggle_flag)

    def action_undo(self) -> None:
        change = self._change(self.session.undo)
        if change is None:
            message = _("nothing to undo")
        elif change.segment_id:
            message = _("undone: {change} on {segment}").format(change=change.description,
                                                                 segment=change.segment_id)
        else:
            message = _("undone: {change}").format(change=change.description)
        self.notify(message, timeout=3)

    def action_redo(self) -> None:
        change = self._change(self.session.redo)
        if change is None:
            message = _("nothing to redo")
        elif change.segment_id:
            message = _("redone: {change} on {segment}").format(change=change.description,
                                                                 segment=change.segment_id)
        else:
            message = _("redone: {change}").format(change=change.description)
        self.notify(message, timeout=3)

    def _change(self, do):  # type: ignore[no-untyped-def]
        if self._view is None:
            self.notify(_("no segment is shown; change the filter with W"), severity="warning")
            return None
        try:
            result = do()
        except (QcaError, *RESOURCE_ERRORS) as exc:
            self.show_error(exc)
            return None
        self.show_segment()
        return result

    # --- moving ----------------------------------------------------------------------------

    def action_next(self) -> None:
        if self.session.next():
            self.show_segment()
        elif self._view is not None:
            self.notify(_("last segment of this filter; Tab goes to the next uncoded one"),
                        timeout=3)

    def action_previous(self) -> None:
        if self.session.previous():
            self.show_segment()

    def action_next_uncoded(self) -> None:
        if self.session.next_uncoded():
            self.show_segment()
        else:
            self.notify(_("all {n} segments of this filter are coded").format(
                n=self.session.progress().total), timeout=4)

    def action_scroll_text(self, direction: int) -> None:
        panel = self.query_one(SegmentPanel)
        (panel.scroll_page_down if direction > 0 else panel.scroll_page_up)(animate=False)

    def action_definition(self) -> None:
        """Wide: hide/show the definition beside the list. Narrow: show it instead of the
        suggestions, so text, categories and definition all keep their rows at 80x24."""
        wide = self.has_class("-wide")
        self.toggle_class("-hide-definition" if wide else "-show-definition")
        self.query_one(CategoryList).call_after_refresh(
            self.query_one(CategoryList).scroll_to_highlight)

    def action_context(self) -> None:
        self.show_context = not self.show_context
        self.show_segment()

    def action_auto_advance(self) -> None:
        self.auto_advance = not self.auto_advance
        self.notify(_("auto-advance on: a shortcut that assigns moves to the next segment")
                    if self.auto_advance else _("auto-advance off: Enter moves on"), timeout=3)
        self._show_status()

    # --- retrieval, search and review (qca.retrieval, qca.search, qca.autocode) ----------

    def action_retrieve(self) -> None:
        cat = self.query_one(CategoryList).highlighted_category
        last = self._retrieval[0] if self._retrieval else ""

        def chosen(code: str | None) -> None:
            if code:
                self.open_retrieval(code)

        self._open(RetrieveDialog(cat.key if cat is not None else last), chosen)

    def open_retrieval(self, code: str, highlight: str | None = None) -> None:
        """Show the retrieval list of ``code`` (this coder's codings; a lead's: all)."""
        from qca.retrieval import retrieve

        try:
            rows = retrieve(self.session.project, code,
                            coder=None if self.lead else self.session.coder)
        except QcaError as exc:
            self.notify(str(exc), severity="error")
            return

        def opened(segment_id: str | None) -> None:
            self._retrieval = (code, segment_id) if segment_id else None
            if segment_id:
                self._go_to(segment_id)

        self.app.push_screen(RetrievalScreen(code, rows, lead=self.lead, highlight=highlight),
                             opened)

    def _go_to(self, segment_id: str) -> None:
        """Show ``segment_id``, widening the filter to all segments if it is not listed."""
        try:
            self.session.jump(segment_id)
        except QcaError:
            try:
                self.session.apply_filter(SegmentFilter())
                self.session.jump(segment_id)
            except QcaError as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(_("the filter was widened to all segments"), timeout=3)
        self.show_segment()

    def action_back_to_list(self) -> None:
        if self._retrieval is not None:
            code, segment_id = self._retrieval
            self.open_retrieval(code, highlight=segment_id)

    def action_search(self) -> None:
        question = self._view.segment.question if self._view else self.session.filter.question
        pattern = self._search[0] if self._search else ""

        def chosen(text: str | None) -> None:
            if not text:
                return
            if self._search is not None and text == self._search[0]:
                self.action_search_next(1)
                return
            self._find(text, question)

        self._open(SearchScreen(pattern, question), chosen)

    def _find(self, pattern: str, question: str | None) -> None:
        from qca.search import hit_segments

        try:
            ids = hit_segments(self.session.project, pattern, question=question)
        except QcaError as exc:
            self.notify(str(exc), severity="error")
            return
        # Only the ids, in list order: a segment's hits are marked when it is shown (_marks),
        # so a frequent word among a million segments costs no cut-out contexts; the list
        # order comes from the project, not from reading the whole list.
        order = self.session.list_order(ids)
        found = sorted(order, key=order.__getitem__)
        if not found:
            self._search = None
            self.notify(_("{pattern!r} is not in {where}").format(
                pattern=pattern, where=question or _("the listed segments")),
                        severity="warning", timeout=3)
            self.show_segment()
            return
        here = self.session.current_order or 0
        start = bisect.bisect_left([order[sid] for sid in found], here) % len(found)
        self._search = (pattern, found, start)
        self._show_hit()

    def action_search_next(self, step: int) -> None:
        if self._search is None:
            self.notify(_("nothing searched yet; ctrl+f searches"), timeout=3)
            return
        pattern, found, index = self._search
        self._search = (pattern, found, (index + step) % len(found))
        self._show_hit()

    def _show_hit(self) -> None:
        assert self._search is not None
        pattern, found, index = self._search
        self._go_to(found[index])
        # In the status line, not a notification: nothing may cover the categories.
        self.set_note(_("hit {n}/{total} · F3 next").format(n=index + 1, total=len(found)))

    def _marks(self, view: SegmentView | None) -> list[tuple[int, int]]:
        if view is None or self._search is None:
            return []
        from qca.search import segment_hits

        return segment_hits(view.segment.text, self._search[0])

    def action_confirm_proposals(self) -> None:
        self._review(self.session.confirm_proposals, "confirmed")

    def action_reject_proposals(self) -> None:
        self._review(self.session.reject_proposals, "rejected")

    def _review(self, do: Callable[[], list[coding.Change]], verb: str) -> None:
        if self._view is None:
            return
        try:
            changes = do()
        except QcaError as exc:
            self.notify(str(exc), severity="error")
            return
        if not changes:
            self.notify(_("no proposal on this segment"), timeout=3)
            return
        self.notify(f"{verb} {', '.join(c.description.split()[-1] for c in changes)}",
                    timeout=3)
        self.session.next()
        self.show_segment()

    # --- dialogs ---------------------------------------------------------------------------

    def _open(self, dialog: Dialog, done=None) -> None:  # type: ignore[no-untyped-def]
        """Push ``dialog``; until it closes, keys typed on this screen go to it."""
        self._dialog = dialog

        def closed(result) -> None:  # type: ignore[no-untyped-def]
            self._dialog = None
            if done is not None:
                done(result)

        self.app.push_screen(dialog, closed)

    def on_screen_resume(self) -> None:
        self._dialog = None

    def action_help(self) -> None:
        self._open(HelpScreen(self.active_bindings_help()))

    def active_bindings_help(self) -> list[tuple[str, str]]:
        rows = [("0-9 a-z", _("Toggle the category with that shortcut (shown in [ ])."))]
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.tooltip:
                keys = ", ".join(self.app.get_key_display(Binding(k, "")) for k in
                                 binding.key.split(","))
                rows.append((keys, _(binding.tooltip)))
        return rows

    def action_pick(self) -> None:
        if self._view is None:
            return
        cats = self.session.project.codebook().codable_for_question(self._view.segment.question)

        def picked(key: str | None) -> None:
            if key:
                self.toggle(key)

        self._open(PickerScreen(cats, self._view.categories), picked)

    def action_memo(self) -> None:
        if self._view is None:
            return

        def written(memo: str | None) -> None:
            if memo is not None:
                self._change(lambda: self.session.set_memo(memo))

        self._open(MemoScreen(self._view.segment.id, self._view.memo), written)

    def action_jump(self) -> None:
        def chosen(ref: str | None) -> None:
            if not ref:
                return
            try:
                self.session.jump(ref)
            except QcaError as exc:
                hidden = self.session.hidden_by_filter(ref)
                if hidden is None:
                    self.notify(str(exc), severity="warning")
                else:
                    self._offer_clear_filter(hidden)
                return
            self.show_segment()

        self._open(JumpScreen(), chosen)

    def _offer_clear_filter(self, segment_id: str) -> None:
        """The filter hides ``segment_id``: name the filter and offer to clear it."""
        described = self.session.filter.describe()

        def answered(yes: bool | None) -> None:
            if not yes:
                self.notify(_("{segment} stays hidden by the filter ({filter}); W changes it")
                            .format(segment=segment_id, filter=described), timeout=6)
                return
            try:
                self.session.apply_filter(SegmentFilter())
                self.session.jump(segment_id)
            except QcaError as exc:
                self.notify(str(exc), severity="error")
                return
            self.show_segment()
            self.notify(_("filter cleared: {n} segments, all questions").format(
                n=len(self.session)), timeout=4)

        self._open(ConfirmScreen(
            _("Hidden by the filter"),
            _("{segment} is not shown with the filter: {filter}.\nClear the filter and go there?")
            .format(segment=segment_id, filter=described)), answered)

    def action_filter(self) -> None:
        def chosen(segment_filter: SegmentFilter | None) -> None:
            if segment_filter is None:
                return
            try:
                self.session.apply_filter(segment_filter)
            except (QcaError, *RESOURCE_ERRORS) as exc:
                self.show_error(exc)
                return
            self.show_segment()
            self.notify(ngettext("{n} segment: {filter}", "{n} segments: {filter}",
                                 len(self.session)).format(n=len(self.session),
                                                           filter=segment_filter.describe()),
                        timeout=3)

        project = self.session.project
        self._open(
            FilterScreen(self.session.filter, project.questions(), project.variable_names()),
            chosen)

    def action_counts(self) -> None:
        view = self._view
        question = view.segment.question if view is not None else self.session.filter.question
        project = self.session.project
        self._open(CountsScreen(project.path, self.session.coder, question,
                                project.variable_names()))

    def action_browse(self) -> None:
        project = self.session.project
        try:
            usage_all = project.category_usage() if self.lead else None
            usage_mine = project.category_usage(self.session.coder)
        except (QcaError, *RESOURCE_ERRORS) as exc:
            self.show_error(exc)
            return
        self._open(CodebookScreen(project.codebook(), project.codebook_version(),
                                  usage_mine, usage_all, coder=self.session.coder))
