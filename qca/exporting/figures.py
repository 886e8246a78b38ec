"""Print-ready bar charts of category shares per group, for reports.

One figure per question, like the typology figures of a survey report: the question's
categories on the y axis in codebook order (top to bottom, German names wrapped), one
horizontal bar per group (e.g. per office), the bar's length the share of the group's coded
substantive answers that carry the category (:mod:`qca.counts`; multiple responses, so the
bars of a group may add up to more than 100 %). The legend names each group with its base,
"Ordnung (N = 27)".

Colours: groups need distinct colours, so each group takes a colour of the Okabe-Ito
palette (colour-blind safe), by its position: the first group (in the order of
:mod:`qca.counts`) is always blue, the second orange, and so on, so a group keeps its colour
in every figure of a report. The ``total`` series, when asked for, is dark grey and hatched,
so it never looks like a group. A chart without groups draws its one series in the colour
the codebook gives the question's top-level category (the typology), dark grey if it has
none. Subcategories' own colours are not used, because in a grouped chart the colour
encodes the group.

The figure is built on matplotlib's object API with the Agg canvas (no pyplot, no display),
so :func:`bar_figure` can be tested through its artists; :func:`write_figure` saves PNG at
300 dpi, or SVG / PDF as vector graphics.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from qca.codebook import Category, Codebook
from qca.counts import TOTAL, CountTable, counts_table
from qca.errors import ExportError
from qca.fileio import atomic_path, check_new
from qca.i18n import _
from qca.store import Project

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = [
    "DPI", "FORMATS", "MAX_GROUPS", "PALETTE", "bar_figure", "figure_categories", "group_colors",
    "write_figure",
]

FORMATS = (".png", ".svg", ".pdf")
DPI = 300
MAX_GROUPS = 12
"""Groups a bar chart compares at most: the palette repeats after seven, and past a dozen
the bars of one category no longer read as a comparison (a variable of 86 titles took 25 s
and drew a 5.7 MB picture nobody could read)."""
_TOTAL_COLOR = "#595959"
_WIDTH_IN = 16 / 2.54  # a text column of an A4 report
_WRAP = 30
# TrueType fonts in PDF (editable, accepted by print shops); stable ids in SVG.
_PRINT_RC: dict[RcKeyType, Any] = {"pdf.fonttype": 42, "svg.hashsalt": "qca"}


# Okabe & Ito (2008), "Color Universal Design"; black left out, yellow last (weak on white).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


def group_colors(n: int) -> list[str]:
    """Colours for ``n`` groups, by position (the palette repeats after seven groups)."""
    return [PALETTE[i % len(PALETTE)] for i in range(n)]


def figure_categories(table: CountTable) -> list[Category]:
    """The categories drawn: all of the table's, except top-level groups that have children
    (those are the question itself; their share is 100 % by construction)."""
    return [c for c in table.categories if c.parent is not None or not c.children]


def _question_color(book: Codebook, table: CountTable) -> str:
    for cat in table.categories:
        top = book.top_level_of(cat.key)
        if top is not None and top.color:
            return top.color
    return _TOTAL_COLOR


def _default_title(book: Codebook, table: CountTable) -> str:
    tops = [c for c in book.categories
            if table.question is not None and table.question in c.questions]
    return " / ".join(c.name for c in tops) or (table.question or book.name)


def bar_figure(
    table: CountTable,
    book: Codebook,
    *,
    title: str | None = None,
    include_total: bool = False,
) -> Figure:
    """Draw the grouped horizontal bar chart of ``share_segments`` (see the module docstring).

    Args:
        table: Counts by a variable for one question (:func:`qca.counts.counts_table`).
        book: The codebook, for the question's colour and title.
        title: The title; None takes the question's top-level category name, "" omits it.
        include_total: Add a bar for all groups together (``total``) after the groups.

    Returns:
        The figure; each group is one ``BarContainer`` in ``ax.containers`` labelled with
        the legend text, its bars in category order.
    """
    cats = figure_categories(table)
    groups = list(table.groups) or [TOTAL]
    if include_total and table.groups:
        groups.append(TOTAL)
    colors = group_colors(len(table.groups))
    if table.groups:
        colors.append(_TOTAL_COLOR)
    else:
        colors = [_question_color(book, table)]

    n_groups = len(groups)
    slot = 0.8 / n_groups
    row_height_in = max(0.3, 0.12 * n_groups + 0.1)
    height_in = 1.2 + len(cats) * row_height_in + 0.2 * ((n_groups + 2) // 3)
    fig = Figure(figsize=(_WIDTH_IN, height_in), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()

    top = 0.0
    for j, group in enumerate(groups):
        shares = [table.row(c.key, group).share_segments or 0.0 for c in cats]
        ys = [i - 0.4 + slot * (j + 0.5) for i in range(len(cats))]
        is_total = group == TOTAL
        ax.barh(ys, shares, height=slot * 0.9, color=colors[j],
                edgecolor="white" if is_total and table.groups else "none",
                hatch="////" if is_total and table.groups else None, linewidth=0,
                label=f"{_('total') if is_total else group} (N = {table.n_group(group)})")
        top = max([top, *shares])

    ax.set_yticks(range(len(cats)))
    ax.set_yticklabels([textwrap.fill(c.name, _WRAP) for c in cats], fontsize=8)
    ax.set_ylim(len(cats) - 0.5, -0.5)  # codebook order from the top
    upper = min(1.0, max(0.1, (int(top * 10 + 0.999)) / 10))
    ax.set_xlim(0, upper)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.tick_params(axis="x", labelsize=8)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#d0d0d0", linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if table.by:
        label = _("Share of coded answers by {variable} (multiple answers possible; "
                  "coder: {coder})")
    else:
        label = _("Share of coded answers, all answers (multiple answers possible; "
                  "coder: {coder})")
    ax.set_xlabel(label.format(variable=table.by, coder=table.coder), fontsize=8)
    fig.legend(loc="outside lower center", ncols=min(n_groups, 3), fontsize=8, frameon=False)
    text = _default_title(book, table) if title is None else title
    if text:
        ax.set_title(textwrap.fill(text, 70), fontsize=10, loc="left")
    return fig


def write_figure(
    project: Project,
    path: Path | str,
    *,
    question: str,
    by: str | None,
    coder: str | None = None,
    title: str | None = None,
    include_total: bool = False,
    order: Sequence[str] | None = None,
    force: bool = False,
) -> Path:
    """Count, draw and save the figure atomically; the format follows the file's extension.
    Without ``by``, one bar per category for all segments of the question.

    Raises:
        ExportError: The extension is not .png, .svg or .pdf, the file exists (without
            ``force``), it cannot be written, or ``by`` has more than :data:`MAX_GROUPS`
            values.
    """
    path = check_figure_path(path, force=force)
    suffix = path.suffix.lower()
    table = counts_table(project, by=by, question=question, coder=coder, order=order)
    if len(table.groups) > MAX_GROUPS:
        raise ExportError(_("{by!r} has {n} values; a bar chart compares at most {max} groups: "
                            "choose a variable with fewer values, or see every group in "
                            "'qca counts --by {by}'").format(by=by, n=len(table.groups),
                                                            max=MAX_GROUPS))
    fig = bar_figure(table, project.codebook(), title=title, include_total=include_total)
    fmt = suffix[1:]
    metadata = {"png": {"Software": "qca"}, "svg": {"Date": None, "Creator": "qca"},
                "pdf": {"CreationDate": None, "Creator": "qca"}}[fmt]
    with atomic_path(path) as tmp, matplotlib.rc_context(_PRINT_RC):
        fig.savefig(tmp, format=fmt, dpi=DPI, metadata=metadata)
    return path


def check_figure_path(path: Path | str, *, force: bool = False) -> Path:
    """``path`` as a figure file qca may write: a known extension, not a folder, in a folder
    that exists, and new (unless ``force``).

    Raises:
        ExportError: naming what is wrong with ``path`` and how to fix it.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(_("{path}: unknown figure format {value!r}; "
                            "end the name in .png, .svg or .pdf")
                          .format(path=path, value=suffix or _('(none)')))
    if path.is_dir():
        raise ExportError(_("{path}: is a folder; give a file name such as {path}/figure.png")
                          .format(path=path))
    if not path.parent.exists():
        raise ExportError(_("{path}: folder {parent} does not exist; create it first")
                          .format(path=path, parent=path.parent))
    check_new([path], force=force)
    return path
