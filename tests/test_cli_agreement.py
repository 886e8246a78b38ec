"""`qca agreement`, `qca merge`, `qca reconcile` on the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qca.agreement import report
from qca.cli import cli
from qca.coding import set_coding
from qca.store import Project

from conftest import run_cli as run, snapshot_db

# Krippendorff (2011), section C: 4 observers, 12 units; empty = missing
K2011_CSV = (
    "unit,A,B,C,D\n"
    "1,1,1,,1\n2,2,2,3,2\n3,3,3,3,3\n4,3,3,3,3\n5,2,2,2,2\n6,1,2,3,4\n"
    "7,4,4,4,4\n8,1,1,2,1\n9,2,2,2,2\n10,,5,5,5\n11,,,1,1\n12,,3,,\n"
)


@pytest.fixture
def k2011(tmp_path: Path) -> Path:
    path = tmp_path / "k2011.csv"
    path.write_text(K2011_CSV, encoding="utf-8")
    return path


@pytest.fixture
def coded(survey_project: Project) -> Path:
    for seg, coder, cat in [
        ("1#chancen", "anna", "CH_REFL"), ("1#chancen", "ben", "CH_REFL"),
        ("2#chancen", "anna", "CH_ZUS"), ("2#chancen", "ben", "CH_SONST"),
        ("4#chancen", "anna", "CH_ZUS"), ("4#chancen", "anna", "MEMO"), ("4#chancen", "ben", "CH_ZUS"),
        ("1#herausforderungen", "anna", "HE_SPR"), ("1#herausforderungen", "ben", "HE_SPR"),
    ]:
        set_coding(survey_project, seg, cat, coder, True)
    survey_project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return survey_project.path


@pytest.mark.parametrize("level, alpha", [("nominal", 0.743), ("interval", 0.849)])
def test_matrix_reproduces_krippendorff_2011(capsys, k2011: Path, level: str, alpha: float) -> None:
    code, out, err = run(capsys, "agreement", "--matrix", str(k2011), "--level", level,
                         "--format", "json")
    assert code == 0, err
    res = json.loads(out)
    assert round(res["krippendorff_alpha"], 3) == alpha
    assert res["n_units"] == 11 and res["n_pairable"] == 40 and res["n_coders"] == 4
    from qca.importing.matrix import read_matrix_csv

    assert set(res) == set(report(read_matrix_csv(k2011))) | {"id_column"}


def test_matrix_table(capsys, k2011: Path) -> None:
    code, out, _ = run(capsys, "agreement", "--matrix", str(k2011))
    assert code == 0
    assert "Krippendorff's alpha (nominal)" in out and "0.743" in out and "40 pairable" in out


def test_project_json_shape(capsys, coded: Path) -> None:
    code, out, err = run(capsys, "agreement", str(coded), "--by-category", "--format", "json")
    assert code == 0, err
    res = json.loads(out)
    assert set(res) == {"overall", "categories"}
    overall = res["overall"]
    for key in ("n_units", "n_coders", "n_pairable", "percent_agreement", "krippendorff_alpha",
                "fleiss_kappa", "gwet_ac1", "brennan_prediger", "cohen_kappa", "scott_pi",
                "krippendorff_alpha_masi", "alpha_ci_low", "alpha_ci_high"):
        assert key in overall
    assert overall["n_units"] == 4 and overall["values"] == "code_set"
    assert set(res["categories"]) == {"CH_REFL", "CH_ZUS", "CH_SONST", "HE_SPR", "HE_KONF", "MEMO"}
    assert res["categories"]["HE_KONF"]["krippendorff_alpha"] is None  # nan -> null


def test_project_table_and_csv(capsys, coded: Path) -> None:
    code, out, _ = run(capsys, "agreement", str(coded), "--coders", "anna,ben", "--question",
                       "chancen", "--by-category")
    assert code == 0
    assert "Agreement of anna, ben (question chancen)" in out
    assert "95% CI [" in out and "MASI" in out and "CH_ZUS" in out
    code, out, _ = run(capsys, "agreement", str(coded), "--by-category", "--format", "csv")
    lines = out.splitlines()
    assert lines[0].startswith("scope,n_units,") and lines[1].startswith("overall,4,")
    assert len(lines) == 1 + 1 + 6


def test_confusion(capsys, coded: Path) -> None:
    code, out, _ = run(capsys, "agreement", str(coded), "--confusion", "anna,ben")
    assert code == 0
    assert "Confusion of anna (rows) and ben (columns), 4 segments" in out
    assert "CH_SONST / CH_ZUS: 1" in out and "only anna added" in out
    code, out, _ = run(capsys, "agreement", str(coded), "--confusion", "anna,ben", "--format", "json")
    assert json.loads(out)["most_confused"] == [{"a": "CH_SONST", "b": "CH_ZUS", "n": 1}]


@pytest.mark.parametrize("args, message", [
    ([], "exactly one of them"),
    (["PROJECT", "--matrix", "K2011"], "exactly one of them"),
    (["--matrix", "K2011", "--coders", "a,b"], "--coders is for a project"),
    (["--matrix", "MISSING"], "file not found; check the path and spelling"),
    (["--matrix", "TEXT", "--level", "interval"], "interval alpha needs numbers"),
    (["PROJECT", "--level", "interval"], "--level is for --matrix"),
    (["PROJECT", "--coders", "anna,zoe"], "'zoe' has no codings"),
    (["PROJECT", "--coders", ","], "name the coders"),
    (["PROJECT", "--question", "nope"], "question 'nope'"),
    (["PROJECT", "--confusion", "anna"], "exactly two coders"),
    (["PROJECT", "--confusion", "anna,anna"], "two different coders"),
    (["NOPROJECT"], "no such project"),
])
def test_bad_inputs_one_line(capsys, coded: Path, k2011: Path, tmp_path: Path, args: list[str],
                             message: str) -> None:
    text = tmp_path / "text.csv"
    text.write_text("A,B\nja,nein\nja,ja\n", encoding="utf-8")
    subst = {"PROJECT": str(coded), "K2011": str(k2011), "MISSING": str(tmp_path / "x.csv"),
             "TEXT": str(text), "NOPROJECT": str(tmp_path / "none.qca")}
    before = snapshot_db(coded)
    code, out, err = run(capsys, "agreement", *[subst.get(a, a) for a in args])
    assert code != 0
    assert err.count("\n") == 1 and err.startswith("qca: error: ") and message in err
    assert snapshot_db(coded) == before


def test_merge_cli(capsys, coded: Path) -> None:
    copy = coded.with_name("copy.qca")
    shutil.copy(coded, copy)
    with Project.open(copy) as other:
        set_coding(other, "2#chancen", "CH_ZUS", "carla", True)
        set_coding(other, "1#chancen", "CH_ZUS", "anna", True)  # anna changed her codes there ...
    with Project.open(coded) as proj:
        set_coding(proj, "1#chancen", "MEMO", "anna", True)  # ... and here, differently
    before = snapshot_db(coded)
    code, out, err = run(capsys, "merge", str(coded), str(copy))
    assert code != 0
    assert "conflict: 1#chancen anna codings: here {CH_REFL, MEMO}, other {CH_REFL, CH_ZUS}" in err
    assert err.strip().endswith("--skip-conflicts to merge the rest and keep this project's "
                                "version of the conflict")  # one conflict: singular
    assert snapshot_db(coded) == before
    code, out, err = run(capsys, "merge", str(coded), str(copy), "--dry-run")
    assert code == 0 and "would add 1 coding and" in out and snapshot_db(coded) == before
    code, out, err = run(capsys, "merge", str(coded), str(copy), "--skip-conflicts")
    assert code == 0 and "1 coding," in out and "carla" in out and "1 conflict left" in out


def test_merge_cli_removals(capsys, coded: Path) -> None:
    copy = coded.with_name("copy.qca")
    shutil.copy(coded, copy)
    with Project.open(copy) as other:
        set_coding(other, "4#chancen", "CH_ZUS", "anna", False)  # anna removed all her codes
        set_coding(other, "4#chancen", "MEMO", "anna", False)
        set_coding(other, "1#chancen", "CH_REFL", "ben", False)  # ben too, but ...
    with Project.open(coded) as proj:
        set_coding(proj, "1#chancen", "CH_ZUS", "ben", True)  # ... he coded on here meanwhile
    before = snapshot_db(coded)
    code, out, err = run(capsys, "merge", str(coded), str(copy), "--dry-run")
    assert code == 0 and "and remove 2 codings of anna" in out and "1 conflict" in out
    code, out, err = run(capsys, "merge", str(coded), str(copy))
    assert code != 0 and "conflict: 1#chancen ben codings: here {CH_REFL, CH_ZUS}, other {}" in err
    assert snapshot_db(coded) == before
    code, out, err = run(capsys, "merge", str(coded), str(copy), "--skip-conflicts")
    assert code == 0 and "2 codings removed of anna" in out and "1 conflict left" in out
    with Project.open(coded) as proj:
        assert proj.codings(coder="anna", segment_id="4#chancen") == []
        assert {c.category for c in proj.codings(coder="ben", segment_id="1#chancen")} == {
            "CH_REFL", "CH_ZUS"}


def test_reconcile_cli_without_terminal(capsys, coded: Path) -> None:
    code, out, err = run(capsys, "reconcile", str(coded), "--lead", "lea")
    assert code == 0, err
    assert "2 disagreements, 0 with consensus" in out
    code, out, err = run(capsys, "reconcile", str(coded), "--lead", "lea", "--category", "NOPE")
    assert code != 0 and "'NOPE' is not in the codebook" in err


@pytest.mark.parametrize("command", ["agreement", "merge", "reconcile"])
def test_help(command: str) -> None:
    assert cli.commands[command].help
