"""qca cooccurrence and the heatmap: counts and Jaccard on the coded fixture."""

from __future__ import annotations

import json

import pytest

from coded_fixtures import coded, coded_path  # noqa: F401
from conftest import run_cli, snapshot_db
from qca.cooccurrence import cooccurrence, matrix
from qca.cooccurrence_figure import COLORMAP, heatmap_figure


def test_counts_and_jaccard_for_anna(coded) -> None:  # noqa: F811
    table = cooccurrence(coded, coder="anna")
    assert table.n_segments["total"] == 8
    pair = table.pair("CH_ZUS", "CH_REFL")  # either order
    assert (pair.a, pair.b, pair.n_a, pair.n_b, pair.n_both) == ("CH_REFL", "CH_ZUS", 2, 3, 1)
    assert pair.jaccard == pytest.approx(1 / 4)
    assert table.pair("CH_ZUS", "MEMO").jaccard == pytest.approx(1 / 3)
    assert table.pair("HE_SPR", "HE_KONF").jaccard == pytest.approx(1 / 3)
    assert table.pair("CH_REFL", "HE_SPR").n_both == 0
    assert table.pair("CH_REFL", "HE_SPR").jaccard == 0
    together = {(p.a, p.b): p.n_both for p in table.pairs() if p.n_both}
    assert together == {("CH_REFL", "CH_ZUS"): 1, ("CH_ZUS", "MEMO"): 1,
                        ("HE_SPR", "HE_KONF"): 1}


def test_ben_never_gave_two_codes(coded) -> None:  # noqa: F811
    assert not [p for p in cooccurrence(coded, coder="ben").pairs() if p.n_both]


def test_by_group_and_question(coded) -> None:  # noqa: F811
    table = cooccurrence(coded, coder="anna", question="chancen", by="amt")
    assert table.groups == ["Ordnung", "Jugend", "Soziales", "total"]
    assert table.pair("CH_REFL", "CH_ZUS", "Jugend").jaccard == pytest.approx(1 / 2)
    assert table.pair("CH_ZUS", "MEMO", "Soziales").jaccard == 1.0
    assert "HE_SPR" not in table.categories
    keys, rows = matrix(table)
    assert keys == ["CH_REFL", "CH_ZUS", "CH_SONST", "MEMO"]
    assert rows[1] == [1, 3, 0, 1]


def test_heatmap_uses_a_colour_blind_safe_map(coded) -> None:  # noqa: F811
    fig = heatmap_figure(cooccurrence(coded, coder="anna"))
    (image,) = fig.axes[0].get_images()
    assert image.get_cmap().name == COLORMAP == "cividis"
    labels = [t.get_text() for t in fig.axes[0].texts]
    # three pairs in both halves (six 1s), and the diagonal: CH_SONST and MEMO 1, CH_ZUS 3
    assert labels.count("1") == 8 and labels.count("3") == 1 and len(labels) == 12


def test_cli(coded_path, capsys, tmp_path) -> None:  # noqa: F811
    code, out, _ = run_cli(capsys, "cooccurrence", str(coded_path), "--coder", "anna")
    assert code == 0
    assert "  CH_REFL  CH_ZUS       1     2     3    0.25" in out.splitlines()
    code, out, _ = run_cli(capsys, "cooccurrence", str(coded_path), "--coder", "anna",
                           "--format", "csv")
    assert "total,CH_REFL,CH_ZUS,2,3,1,0.25" in out.splitlines()
    code, out, _ = run_cli(capsys, "cooccurrence", str(coded_path), "--coder", "anna",
                           "--format", "json")
    assert json.loads(out)["groups"]["total"]["categories"]["CH_ZUS"] == 3
    target = tmp_path / "heat.svg"
    code, _, err = run_cli(capsys, "figure", str(coded_path), "--cooccurrence",
                           "--coder", "anna", "-o", str(target))
    assert code == 0 and target.read_text().startswith("<?xml")


@pytest.mark.parametrize(
    ("args", "message"),
    [(["cooccurrence", "--coder", "zoe"], "no codings by coder 'zoe'"),
     (["cooccurrence"], "add --coder NAME"),
     (["cooccurrence", "--coder", "anna", "--by", "bezirk"], "variable 'bezirk'"),
     (["figure", "--cooccurrence", "--coder", "anna", "-o", "x.gif"], "unknown figure format"),
     (["figure", "--cooccurrence", "--coder", "anna", "--by", "amt", "-o", "x.png"],
      "leave out --by"),
     (["figure", "-o", "x.png"], "needs --question Q, and --by VAR")],
)
def test_bad_input(coded_path, capsys, args, message) -> None:  # noqa: F811
    before = snapshot_db(coded_path)
    code, out, err = run_cli(capsys, args[0], str(coded_path), *args[1:])
    assert code != 0 and len(err.strip().splitlines()) == 1 and message in err
    assert snapshot_db(coded_path) == before
