"""The co-occurrence heatmap: categories x categories, coloured by the Jaccard index.

Each off-diagonal cell's colour is the Jaccard index of its two categories
(:mod:`qca.cooccurrence`) on matplotlib's ``cividis`` colormap, designed to be read alike with
and without colour-vision deficiency and in greyscale; the cell is labelled with the number
of segments carrying both. The diagonal is left pale and labelled with the category's own
number of segments, as are pairs never given together. Only categories that occur are
drawn, in codebook order.

Built on matplotlib's object API with the Agg canvas (no pyplot, no display); saved as PNG at
300 dpi, or SVG / PDF as vector graphics, atomically.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from qca.cooccurrence import TOTAL, CooccurrenceTable, cooccurrence, matrix
from qca.errors import ExportError
from qca.exporting.figures import check_figure_path
from qca.fileio import atomic_path
from qca.i18n import _
from qca.store import Project

__all__ = ["COLORMAP", "heatmap_figure", "write_heatmap"]

COLORMAP = "cividis"
_DPI = 300


def heatmap_figure(table: CooccurrenceTable, *, title: str | None = None,
                   group: str = TOTAL) -> Figure:
    """The heatmap of one group of ``table`` as a matplotlib figure."""
    keys, counts = matrix(table, group)
    if len(keys) < 2:
        raise ExportError(_("coder {coder} gave fewer than two categories here; "
                            "a co-occurrence heatmap needs at least two")
                          .format(coder=table.coder))
    n = len(keys)
    jaccard = np.full((n, n), np.nan)
    for i, a in enumerate(keys):
        for j, b in enumerate(keys):
            if i != j and counts[i][j]:  # never together: left pale, as the diagonal
                jaccard[i, j] = table.pair(a, b, group).jaccard or 0.0
    size = min(12.0, 2.5 + 0.45 * n)
    fig = Figure(figsize=(size + 1.2, size), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_facecolor("#f4f4f4")
    image = ax.imshow(jaccard, cmap=COLORMAP, vmin=0.0, vmax=1.0)
    for i in range(n):
        for j in range(n):
            value = counts[i][j]
            if i != j and not value:
                continue
            dark = i != j and jaccard[i, j] < 0.6
            ax.text(j, i, str(value), ha="center", va="center", fontsize=7,
                    color="white" if dark else "black",
                    fontweight="bold" if i == j else "normal")
    ax.set_xticks(range(n), keys, rotation=90, fontsize=7)
    ax.set_yticks(range(n), keys, fontsize=7)
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label(_("Jaccard index (segments with both / with either)"), fontsize=8)
    scope = (_("question {question}").format(question=table.question) if table.question
             else _("all questions"))
    label = "" if group == TOTAL else f", {table.by} = {group}"
    ax.set_title(title if title is not None else
                 _("Co-occurrence of categories ({scope}, coder {coder})").format(
                     scope=scope + label, coder=table.coder),
                 fontsize=9, loc="left")
    return fig


def write_heatmap(project: Project, path: Path | str, *, coder: str | None = None,
                  question: str | None = None, title: str | None = None,
                  force: bool = False) -> Path:
    """Count, draw and save the heatmap; the format follows the file's extension.

    Raises:
        ExportError: The extension is not .png, .svg or .pdf, the file exists (without
            ``force``), or it cannot be written.
    """
    path = check_figure_path(path, force=force)
    suffix = path.suffix.lower()
    table = cooccurrence(project, coder=coder, question=question)
    fig = heatmap_figure(table, title=title)
    metadata = {".png": {"Software": "qca"}, ".svg": {"Date": None, "Creator": "qca"},
                ".pdf": {"CreationDate": None, "Creator": "qca"}}[suffix]
    with atomic_path(path, "figure.png") as tmp:
        fig.savefig(tmp, format=suffix[1:], dpi=_DPI, metadata=metadata)
    return path
