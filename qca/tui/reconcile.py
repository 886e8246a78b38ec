"""The reconciliation screen: the lead walks the disagreements and sets the consensus.

A separate, small Textual app over :mod:`qca.reconcile`. Each disagreement shows the segment,
each coder's codes and memo side by side, and the definitions of the categories involved.
Keys: ``1``-``9`` take that coder's version, ``e`` edits the consensus (toggle categories by
their shortcut), ``r`` enters the reason, ``n``/``p`` move on or back, ``?`` lists the keys.
Build it with :func:`make_reconcile_app` (CLI and tests) or run it with
:func:`run_reconcile_app`.
"""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from qca.codebook import Category
from qca.errors import QcaError
from qca.i18n import N_, _
from qca.reconcile import Disagreement, disagreements, set_consensus
from qca.store import Project
from qca.tui.bindings import localise_bindings
from qca.tui.screens.help import HelpScreen

__all__ = [
    "EditScreen",
    "ReasonScreen",
    "ReconcileApp",
    "ReconcileScreen",
    "make_reconcile_app",
    "run_reconcile_app",
]

_MAX_CODERS = 9


class ReasonScreen(ModalScreen[str | None]):
    """One line of reason for the consensus; Enter saves, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, segment_id: str, reason: str) -> None:
        super().__init__()
        localise_bindings(self)
        self.segment_id = segment_id
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(id="rc-reason", classes="rc-dialog") as box:
            box.border_title = _("Reason for the consensus on {segment}").format(
                segment=self.segment_id)
            yield Input(self.reason, placeholder=_("why this version (logged)")
, id="rc-reason-input")
            yield Static(_("Enter save · Esc cancel"), classes="rc-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class EditScreen(ModalScreen[frozenset[str] | None]):
    """Pick the consensus categories: shortcut keys or Space toggle, ctrl+s saves, Esc cancels."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, segment_id: str, categories: list[Category], chosen: frozenset[str]) -> None:
        super().__init__()
        localise_bindings(self)
        self.segment_id = segment_id
        self.categories = categories
        self.chosen = chosen
        self.shortcuts = {c.shortcut: c.key for c in categories if c.shortcut}

    def compose(self) -> ComposeResult:
        items = [
            Selection(f"[{c.shortcut or ' '}] {c.key}  {c.name}", c.key, c.key in self.chosen)
            for c in self.categories
        ]
        with Vertical(id="rc-edit", classes="rc-dialog") as box:
            box.border_title = _("Consensus for {segment}").format(segment=self.segment_id)
            yield SelectionList[str](*items, id="rc-edit-list")
            yield Static(_("shortcut or Space toggles · ctrl+s save · Esc cancel"),
                         classes="rc-hint")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def on_key(self, event: events.Key) -> None:
        key = self.shortcuts.get(event.character or "")
        if key is not None:
            self.query_one(SelectionList).toggle(key)
            event.stop()

    def action_save(self) -> None:
        self.dismiss(frozenset(self.query_one(SelectionList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReconcileScreen(Screen[None]):
    """The disagreements one by one; modal dialogs on top hide these keys."""

    BINDINGS = [
        Binding("1", "take(1)", N_("Take"), key_display="1-9"),
        *[Binding(str(n), f"take({n})", N_("Take"), show=False) for n in range(2, 10)],
        Binding("e", "edit", N_("Edit")),
        Binding("r", "reason", N_("Reason")),
        Binding("n,right", "next", N_("Next"), key_display="n"),
        Binding("p,left", "previous", N_("Prev"), key_display="p"),
        Binding("u", "next_open", N_("Open")),
        Binding("question_mark", "help", N_("Keys"), key_display="?"),
        Binding("q", "app.quit", N_("Quit")),
    ]

    HELP_ROWS = [
        ("1 … 9", N_("take that coder's version as the consensus")),
        ("e", N_("edit the consensus: toggle categories by their shortcut")),
        ("r", N_("enter the reason for the consensus (logged)")),
        ("n / →", N_("next disagreement")),
        ("p / ←", N_("previous disagreement")),
        ("u", N_("next disagreement without consensus")),
        ("Tab, ↑ ↓", N_("focus and scroll the segment text or the definitions")),
        ("?", N_("this list")),
        ("q", N_("quit (everything is saved already)")),
    ]

    def __init__(
        self,
        project: Project,
        lead: str,
        coders: list[str] | None = None,
        question: str | None = None,
        category: str | None = None,
    ) -> None:
        super().__init__()
        localise_bindings(self)
        self.project = project
        self.lead = lead
        self.items: list[Disagreement] = disagreements(project, coders, question, category)
        self.coders: list[str] = self.items[0].coders if self.items else list(coders or [])
        self.index = 0
        self.pending_reason = ""
        self.taken: dict[str, str | None] = {}  # segment id -> coder whose version was taken
        self.filters = ", ".join(
            f"{k} {v}" for k, v in ((_("question"), question), (_("category"), category)) if v
        )

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="rc-status")
        with VerticalScroll(id="rc-segment"):
            yield Static(id="rc-text")
        with Horizontal(id="rc-coders"):
            for i, coder in enumerate(self.coders[:_MAX_CODERS]):
                yield Static(id=f"rc-coder-{i}", classes="rc-coder")
        yield Static(id="rc-consensus")
        with VerticalScroll(id="rc-definitions"):
            yield Static(id="rc-defs")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_view()

    @property
    def current(self) -> Disagreement | None:
        return self.items[self.index] if self.items else None

    def refresh_view(self) -> None:
        status = self.query_one("#rc-status", Static)
        item = self.current
        done = sum(d.resolved for d in self.items)
        scope = f" · {self.filters}" if self.filters else ""
        if item is None:
            status.update(_("[b]Reconcile[/] · lead {lead}{scope} · no disagreements").format(
                lead=escape(self.lead), scope=escape(scope)))
            self.query_one("#rc-text", Static).update(
                _("The chosen coders agree on every segment they both coded. Press q to quit."))
            self.query_one("#rc-consensus", Static).update("")
            self.query_one("#rc-defs", Static).update("")
            return
        seg = item.segment
        status.update(
            _("[b]{done}/{n} resolved[/] · disagreement {index} of {n} · {segment} ({question})"
              "{scope} · lead: {lead}").format(
                done=done, n=len(self.items), index=self.index + 1, segment=escape(seg.id),
                question=escape(seg.question or _("protocol")), scope=escape(scope),
                lead=escape(self.lead))
        )
        heading = f"[dim]{escape(seg.heading)}[/]\n" if seg.heading else ""
        self.query_one("#rc-text", Static).update(heading + escape(seg.text))
        shown = self.coders[:_MAX_CODERS]
        inner = max(8, self.size.width // max(len(shown), 1) - 8)  # word wrap needs slack
        tallest = 1
        for i, coder in enumerate(shown):
            box = self.query_one(f"#rc-coder-{i}", Static)
            codes = item.codes.get(coder)
            lines = [f"[b]{i + 1}[/] {escape(coder)}" + (" [red]⚑[/]" if item.flagged.get(coder) else "")]
            if codes is None:
                lines.append(_("[dim](not coded)[/]"))
            else:
                lines += [escape(k) for k in sorted(codes)] or [_("[dim](no code)[/]")]
            if item.memos.get(coder):
                lines.append(_("[i]memo: {memo}[/]").format(memo=escape(item.memos[coder])))
            box.update("\n".join(lines))
            box.set_class(item.consensus is not None and codes == item.consensus, "rc-taken")
            tallest = max(tallest, sum(1 + len(Text.from_markup(line).plain) // inner for line in lines))
        # equal boxes, as tall as the longest (codes and memo), leaving room for the definitions
        self.query_one("#rc-coders").styles.height = min(tallest + 2, 9)
        if item.consensus is not None:
            codes_text = ", ".join(sorted(item.consensus)) or _("(no code)")
            reason = escape(item.reason) if item.reason else _("[dim](no reason)[/]")
            text = _("[b]Consensus[/] {codes} · reason: {reason}").format(
                codes=escape(codes_text), reason=reason)
        else:
            text = _("[b]Consensus[/] [yellow]open[/] · take a version (1-9) or edit (e)")
            if self.pending_reason:
                text += " · " + _("reason: {reason}").format(reason=escape(self.pending_reason))
        self.query_one("#rc-consensus", Static).update(text)
        defs = []
        for key in item.involved():
            cat = self.project.category(key)
            if cat is None:
                continue
            line = f"[b]{escape(cat.key)}[/] {escape(cat.name)}: {escape(cat.definition or _('(no definition)'))}"
            if cat.rule:
                line += " [dim]" + _("Rule: ") + f"{escape(cat.rule)}[/]"
            defs.append(line)
        self.query_one("#rc-defs", Static).update("\n".join(defs))
        self.query_one("#rc-definitions", VerticalScroll).scroll_home(animate=False)
        self.query_one("#rc-segment", VerticalScroll).scroll_home(animate=False)

    # --- saving ---------------------------------------------------------------------------

    def _store(self, codes: frozenset[str], reason: str, taken_from: str | None) -> None:
        item = self.current
        if item is None:
            return
        try:
            item.consensus = set_consensus(
                self.project, item.segment.id, codes, lead=self.lead, reason=reason,
                taken_from=taken_from,
            )
        except QcaError as exc:
            self.notify(str(exc), severity="error")
            return
        item.reason = " ".join(reason.split())
        self.taken[item.segment.id] = taken_from
        self.pending_reason = ""
        self.refresh_view()

    def action_take(self, number: int) -> None:
        item = self.current
        if item is None:
            return
        if not 1 <= number <= len(self.coders):
            self.notify(_("there is no coder {number}").format(number=number), severity="warning")
            return
        coder = self.coders[number - 1]
        codes = item.codes.get(coder)
        if codes is None:
            self.notify(_("{coder} did not code this segment").format(coder=coder),
                        severity="warning")
            return
        self._store(codes, self.pending_reason or item.reason, coder)
        self.notify(_("consensus: {coder}'s version").format(coder=coder))

    def action_edit(self) -> None:
        item = self.current
        if item is None:
            return
        cats = self.project.codebook().codable_for_question(item.segment.question)
        # start from the consensus, or else from the codes every coder gave
        start = item.consensus if item.consensus is not None else frozenset.intersection(
            *item.codes.values())

        def done(result: frozenset[str] | None) -> None:
            if result is not None:
                self._store(result, self.pending_reason or item.reason, None)

        self.app.push_screen(EditScreen(item.segment.id, cats, start), done)

    def action_reason(self) -> None:
        item = self.current
        if item is None:
            return

        def done(result: str | None) -> None:
            if result is None:
                return
            if item.consensus is not None:
                self._store(item.consensus, result, self.taken.get(item.segment.id))
                self.notify(_("reason saved"))
            else:
                self.pending_reason = " ".join(result.split())
                self.notify(_("reason noted; take a version (1-9) or edit (e) to store it"))
                self.refresh_view()

        self.app.push_screen(ReasonScreen(item.segment.id, item.reason or self.pending_reason), done)

    # --- moving ---------------------------------------------------------------------------

    def _go(self, index: int) -> None:
        if self.items and 0 <= index < len(self.items) and index != self.index:
            self.index = index
            self.pending_reason = ""
            self.refresh_view()

    def action_next(self) -> None:
        self._go(self.index + 1)

    def action_previous(self) -> None:
        self._go(self.index - 1)

    def action_next_open(self) -> None:
        n = len(self.items)
        for step in range(1, n + 1):
            i = (self.index + step) % n
            if not self.items[i].resolved:
                self._go(i)
                return
        if self.items:
            self.notify(_("every disagreement has a consensus"))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(
            [(keys, _(text)) for keys, text in self.HELP_ROWS],
            _("Taking a version or saving an edit stores the consensus at once, with the reason "
              "entered so far; a reason entered afterwards updates it."),
            body_id="rc-help", body_classes="rc-dialog"))


class ReconcileApp(App[None]):
    """A small app around :class:`ReconcileScreen`."""

    CSS_PATH = "reconcile.tcss"
    TITLE = "qca reconcile"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, screen: ReconcileScreen) -> None:
        super().__init__()
        self.reconcile = screen

    def on_mount(self) -> None:
        self.push_screen(self.reconcile)


def make_reconcile_app(
    project: Project,
    lead: str,
    coders: list[str] | None = None,
    question: str | None = None,
    category: str | None = None,
) -> ReconcileApp:
    """The one factory for the CLI and tests; raises :class:`QcaError` for a bad selection."""
    return ReconcileApp(ReconcileScreen(project, lead, coders, question, category))


def run_reconcile_app(
    path: Path | str,
    lead: str,
    coders: list[str] | None = None,
    question: str | None = None,
    category: str | None = None,
) -> None:
    """Open the project, run the reconciliation screen, close the project."""
    project = Project.open(path)
    try:
        make_reconcile_app(project, lead, coders, question, category).run()
    finally:
        project.close()
