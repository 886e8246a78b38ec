"""Tests for qca.exporting.figures: the bars through matplotlib's artists, and the files written."""

from __future__ import annotations

import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from matplotlib.colors import to_hex

sys.path.insert(0, str(Path(__file__).parent.parent))
from test_counts import build  # noqa: E402  (the hand-checked project)

from qca.counts import TOTAL, counts_table  # noqa: E402
from qca.errors import ExportError  # noqa: E402
from qca.exporting.figures import PALETTE, bar_figure, figure_categories, write_figure  # noqa: E402


@pytest.fixture
def proj(tmp_path: Path):
    project = build(tmp_path / "fig.qca")
    yield project
    project.close()


@pytest.fixture
def table(proj):
    return counts_table(proj, by="amt", question="chancen", coder="anna")


def test_bars_are_the_shares(proj, table):
    fig = bar_figure(table, proj.codebook())
    ax = fig.axes[0]
    cats = [c.key for c in figure_categories(table)]
    assert cats == ["CH_REFL", "CH_KONF", "CH_KONF_NETZ", "CH_KONF_VERM", "CH_SONST"]
    assert len(ax.containers) == 2
    for container, group in zip(ax.containers, ["Ordnung", "Jugend"]):
        widths = [patch.get_width() for patch in container.patches]
        assert widths == pytest.approx([table.row(k, group).share_segments for k in cats])
    # worked out by hand (tests/test_counts.py): Ordnung 50/100/100/50/0 %
    assert [p.get_width() for p in ax.containers[0].patches] == pytest.approx(
        [0.5, 1.0, 1.0, 0.5, 0.0])


def test_codebook_order_from_the_top_and_wrapped_names(proj, table):
    ax = bar_figure(table, proj.codebook()).axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Vielfalt als\nReflexionsressource",
                      "Multiperspektivische\nKonfliktbearbeitung", "Netzwerke", "Vermittlung",
                      "Sonstige Chancen"]
    bottom, top = ax.get_ylim()
    assert bottom > top  # y inverted: first category at the top
    first_group_first_bar = ax.containers[0].patches[0]
    second_group_first_bar = ax.containers[1].patches[0]
    assert first_group_first_bar.get_y() < second_group_first_bar.get_y()


def test_legend_names_groups_with_n(proj, table):
    fig = bar_figure(table, proj.codebook(), include_total=True)
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts == ["Ordnung (N = 2)", "Jugend (N = 2)", "total (N = 4)"]


def test_colours_palette_for_groups_grey_total_codebook_colour_alone(proj, table):
    ax = bar_figure(table, proj.codebook(), include_total=True).axes[0]
    colours = [to_hex(c.patches[0].get_facecolor()) for c in ax.containers]
    assert colours == [PALETTE[0].lower(), PALETTE[1].lower(), "#595959"]
    assert ax.containers[2].patches[0].get_hatch() == "////"
    single = counts_table(proj, question="chancen", coder="anna")
    ax = bar_figure(single, proj.codebook()).axes[0]
    assert to_hex(ax.containers[0].patches[0].get_facecolor()) == "#4c72b0"
    assert ax.containers[0].patches[0].get_hatch() is None


def test_percent_axis_and_titles(proj, table):
    fig = bar_figure(table, proj.codebook())
    ax = fig.axes[0]
    fig.canvas.draw()
    assert ax.get_xlim() == (0, 1.0)
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "100%"
    assert ax.get_title(loc="left") == "Chancen von Vielfalt"
    assert "by amt" in ax.get_xlabel() and "anna" in ax.get_xlabel()
    assert bar_figure(table, proj.codebook(), title="").axes[0].get_title(loc="left") == ""
    assert bar_figure(table, proj.codebook(), title="Abb. 1").axes[0].get_title(
        loc="left") == "Abb. 1"


def test_x_axis_fits_the_largest_share(proj):
    table = counts_table(proj, by="amt", question="herausforderungen", coder="anna")
    assert table.row("HE_WERTE", "Jugend").share_segments == 1.0
    ax = bar_figure(table, proj.codebook()).axes[0]
    assert ax.get_xlim()[1] == 1.0
    assert TOTAL not in [t.get_text() for t in ax.get_yticklabels()]


def test_png_svg_pdf_written(proj, tmp_path):
    png = write_figure(proj, tmp_path / "f.png", question="chancen", by="amt", coder="anna")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    import struct

    header = png.read_bytes()
    # the pHYs chunk records 300 dpi as pixels per metre
    at = header.index(b"pHYs")
    ppm = struct.unpack(">I", header[at + 4:at + 8])[0]
    assert round(ppm * 0.0254) == 300
    svg = write_figure(proj, tmp_path / "f.svg", question="chancen", by="amt", coder="anna")
    root = ElementTree.parse(svg).getroot()
    assert root.tag.endswith("svg")
    pdf = write_figure(proj, tmp_path / "f.pdf", question="chancen", by="amt", coder="anna")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("name", ["f.jpg", "f", "f.PNG.txt"])
def test_unknown_extension_is_one_line_error(proj, tmp_path, name):
    with pytest.raises(ExportError, match=r"unknown figure format .*\.png, \.svg or \.pdf") as info:
        write_figure(proj, tmp_path / name, question="chancen", by="amt", coder="anna")
    assert "\n" not in str(info.value)
    assert not (tmp_path / name).exists()


def test_missing_folder(proj, tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        write_figure(proj, tmp_path / "nope" / "f.png", question="chancen", by="amt",
                     coder="anna")


def test_no_pyplot_needed():
    import subprocess

    code = ("import sys, qca.exporting.figures; "
            "sys.exit(1 if 'matplotlib.pyplot' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_cli_figure(proj, tmp_path, capsys):
    from qca.cli import main

    target = tmp_path / "abb.pdf"
    main(["figure", str(proj.path), "--by", "amt", "--question", "chancen", "--coder", "anna",
          "--total", "--title", "Abbildung 1", "-o", str(target)])
    assert target.read_bytes().startswith(b"%PDF-")
    assert capsys.readouterr().err == f"wrote {target} (coder anna)\n"
    with pytest.raises(SystemExit) as info:
        main(["figure", str(proj.path), "--by", "amt", "--question", "chancen", "--coder",
              "anna", "-o", str(tmp_path / "abb.gif")])
    assert info.value.code != 0
    err = capsys.readouterr().err
    assert err.startswith("qca: error: ") and err.count("\n") == 1 and ".gif" in err


def test_cli_figure_refuses_an_existing_target(proj, tmp_path, capsys):
    from qca.cli import main

    target = tmp_path / "abb.png"
    target.write_bytes(b"mine")
    with pytest.raises(SystemExit) as exit_info:
        main(["figure", str(proj.path), "--by", "amt", "--question", "chancen", "--coder",
              "anna", "-o", str(target)])
    assert exit_info.value.code != 0 and target.read_bytes() == b"mine"
    assert f"{target}: exists already" in capsys.readouterr().err
    main(["figure", str(proj.path), "--by", "amt", "--question", "chancen", "--coder", "anna",
          "-o", str(target), "--force"])
    assert target.read_bytes().startswith(b"\x89PNG")


def test_without_by_one_bar_per_category(proj, tmp_path):
    path = write_figure(proj, tmp_path / "all.svg", question="chancen", by=None, coder="anna")
    assert ElementTree.parse(path).getroot().tag.endswith("svg")
    fig = bar_figure(counts_table(proj, question="chancen", coder="anna"), proj.codebook())
    assert [t.get_text() for t in fig.legends[0].get_texts()][0].startswith(TOTAL)


def test_more_groups_than_a_chart_compares_is_refused(proj, tmp_path, monkeypatch):
    import qca.exporting.figures as figures

    monkeypatch.setattr(figures, "MAX_GROUPS", 1)
    with pytest.raises(ExportError, match=r"'amt' has \d+ values; a bar chart compares at most 1"):
        write_figure(proj, tmp_path / "f.png", question="chancen", by="amt", coder="anna")
    assert not (tmp_path / "f.png").exists()
