"""A lead's own survey in the first hour (issue 11), walked as CLI calls.

The survey is shaped unlike the demo: an XLSX sheet with long German column headers, ids
like ``ch-001``, a long export with a question column, a ``.qdc`` codebook from another
tool whose top-level codes are named like the questions, and a matrix with German headers.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli, snapshot_db

QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:project:1.0" origin="Handmade">
<Codes>
<Code name="chancen" isCodable="false" guid="00000000-0000-4000-8000-000000000001">
<Code name="Zeitersparnis" isCodable="true" guid="00000000-0000-4000-8000-000000000002"/>
<Code name="Transparenz" isCodable="true" guid="00000000-0000-4000-8000-000000000003"/>
</Code>
<Code name="foerderung" isCodable="false" guid="00000000-0000-4000-8000-000000000005">
<Code name="Geld" isCodable="true" guid="00000000-0000-4000-8000-000000000006"/>
<Code name="Schulung" isCodable="true" guid="00000000-0000-4000-8000-000000000008"/>
</Code>
</Codes>
</CodeBook>
"""
LONG_Q1 = "Welche Chancen sehen Sie in der Digitalisierung Ihrer Verwaltung? (offen)"
LONG_Q2 = "Welche Unterstützung wünschen Sie sich vom Land? (offen)"
ANSWERS = [
    ("ch-001", "Bayern", "Weniger Wartezeit für Bürger", "Mehr Geld für IT"),
    ("ch-002", "Sachsen", "Mehr Transparenz bei Anträgen", "k.A."),
    ("ch-003", "NRW", "k.A.", "Schulungen für das Personal"),
    ("ch-004", "Bayern", "Zeitersparnis und Transparenz", "Fördermittel und Schulung"),
]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "book.qdc").write_text(QDC, encoding="utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Fragebogen-Nr.", "Bundesland", LONG_Q1, LONG_Q2])
    for row in ANSWERS:
        ws.append(list(row))
    wb.save(tmp_path / "umfrage.xlsx")
    lines = ["id;frage;antwort;land"]
    for rid, land, ch, fo in ANSWERS:
        lines += [f"{rid};chancen;{ch};{land}", f"{rid};foerderung;{fo};{land}"]
    (tmp_path / "antworten.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def cli(capsys, *args: object) -> tuple[int, str, str]:
    return run_cli(capsys, *map(str, args))


def offered(capsys, project: Path) -> dict[str, list[str]]:
    code, out, _ = cli(capsys, "questions", project, "--format", "json")
    assert code == 0
    return {q["question"]: q["groups"] for q in json.loads(out)}


@pytest.mark.parametrize("codebook_first", [True, False], ids=["qdc-first", "answers-first"])
def test_1_qdc_binds_by_name_in_either_order(capsys, files: Path, codebook_first: bool) -> None:
    p = files / "study.qca"
    answers = ["import", p, files / "antworten.csv", "--text-column", "antwort",
               "--id-column", "id", "--question-column", "frage"]
    if codebook_first:
        assert cli(capsys, "init", p, "--codebook", files / "book.qdc")[0] == 0
        code, out, _ = cli(capsys, *answers)
    else:
        assert cli(capsys, "init", p)[0] == 0
        assert cli(capsys, *answers)[0] == 0
        code, out, _ = cli(capsys, "codebook", "import", p, files / "book.qdc")
    assert code == 0
    assert "bound group chancen to question 'chancen' (named like it)" in out
    assert offered(capsys, p) == {"chancen": ["chancen"], "foerderung": ["foerderung"]}
    code, out, _ = cli(capsys, "codebook", "show", p)
    assert "(questions: chancen)" in out and "(questions: foerderung)" in out


def test_2_long_headers_are_warned_renamed_and_duplicates_removable(capsys, files: Path) -> None:
    p = files / "own.qca"
    cli(capsys, "init", p, "--codebook", files / "book.qdc")
    code, out, err = cli(capsys, "import", p, files / "umfrage.xlsx", "--id-column",
                         "Fragebogen-Nr.", "--text-column", LONG_Q1, "--text-column", LONG_Q2)
    assert code == 0
    assert "qca: warning: the codebook binds no group to a question" in err
    code, out, err = cli(capsys, "questions", "rename", p, LONG_Q1, "chancen")
    assert code == 0 and "ids stay" in out
    cli(capsys, "questions", "rename", p, LONG_Q2, "foerderung")
    assert offered(capsys, p) == {"chancen": ["chancen"], "foerderung": ["foerderung"]}
    # the same answers again under the question's name: nothing doubles
    code, out, _ = cli(capsys, "import", p, files / "umfrage.xlsx", "--id-column",
                       "Fragebogen-Nr.", "--text-column", LONG_Q1, "--question", "chancen")
    assert code == 0 and "0 segments added" in out
    assert "gained variables" not in out  # the other question's column is no variable
    # a second, unwanted import can be taken back
    code, out, _ = cli(capsys, "import", p, files / "umfrage.xlsx", "--id-column",
                       "Fragebogen-Nr.", "--id-prefix", "x-", "--text-column", LONG_Q1,
                       "--question", "chancen")
    assert "4 segments added" in out
    code, out, _ = cli(capsys, "imports", p, "--format", "json")
    last = json.loads(out)[-1]
    assert (last["file"], last["segments_now"]) == ("umfrage.xlsx", 4)
    code, out, _ = cli(capsys, "imports", "remove", p, last["id"])
    assert code == 0 and "4 segments" in out
    code, out, _ = cli(capsys, "questions", p, "--format", "json")
    assert {q["question"]: q["segments"] for q in json.loads(out)} == {"chancen": 4,
                                                                      "foerderung": 4}
    # a protocol without --question: warned, and named afterwards
    doc = files / "protokoll.txt"
    doc.write_text("Begrüßung und Vorstellung.\n\nDiskussion der Förderung.\n", encoding="utf-8")
    code, _, err = cli(capsys, "import", p, doc)
    assert "2 segments have no question" in err and "qca questions rename" in err
    assert cli(capsys, "questions", "rename", p, "(none)", "protokoll")[0] == 0
    code, _, err = cli(capsys, "codebook", "bind", p, "Zeitersparnis", "--question", "protokoll")
    assert code != 0 and "not a top-level group" in err


def test_3_codings_by_the_ids_a_user_has(capsys, files: Path) -> None:
    p = files / "own.qca"
    cli(capsys, "init", p, "--codebook", files / "book.qdc")
    cli(capsys, "import", p, files / "antworten.csv", "--text-column", "antwort",
        "--id-column", "id", "--question-column", "frage")
    sheet = files / "kodiert.csv"
    sheet.write_text("id;frage;code\nch-001;chancen;Zeitersparnis\nch-004;foerderung;Schulung\n",
                     encoding="utf-8")
    code, out, err = cli(capsys, "import-codings", p, sheet, "--coder", "lea")
    assert code == 0, err
    assert "2 codings added" in out
    bad = files / "falsch.csv"
    bad.write_text("id;code\nch-01;Geld\n", encoding="utf-8")
    before = snapshot_db(p)
    code, _, err = cli(capsys, "import-codings", p, bad, "--coder", "lea")
    assert code != 0 and "unknown segment id 'ch-01'; closest: ch-001" in err
    assert snapshot_db(p) == before


def test_4_german_header_matrix(capsys, files: Path) -> None:
    m = files / "matrix.csv"
    m.write_text("Fall,c1,c2,c3\n101,1,1,1\n102,2,2,2\n103,1,1,2\n104,3,3,3\n105,2,2,2\n"
                 "106,1,1,1\n", encoding="utf-8")
    code, out, _ = cli(capsys, "agreement", "--matrix", m, "--format", "json")
    res = json.loads(out)
    assert code == 0 and res["id_column"] == "Fall" and res["n_coders"] == 3
    assert round(res["percent_agreement"], 3) == 0.889
    m.write_text("lfd_nr;c1;c2\n1;a;a\n2;b;b\n3;a;b\n", encoding="utf-8")
    code, out, _ = cli(capsys, "agreement", "--matrix", m)
    assert "unit ids from column 'lfd_nr'" in out
    code, out, _ = cli(capsys, "agreement", "--matrix", m, "--id-column", "none")
    assert "no id column" in out and "3 coders" in out


def test_5_consensus_is_the_default_only_when_complete(capsys, files: Path) -> None:
    p = files / "own.qca"
    cli(capsys, "init", p, "--codebook", files / "book.qdc")
    cli(capsys, "import", p, files / "antworten.csv", "--text-column", "antwort",
        "--id-column", "id", "--question-column", "frage")
    sheet = files / "kodiert.csv"
    sheet.write_text(
        "segment_id;coder;code\n"
        "ch-001#chancen;anna;Zeitersparnis\nch-001#chancen;ben;Zeitersparnis\n"
        "ch-002#chancen;anna;Transparenz\nch-002#chancen;ben;Zeitersparnis\n"
        "ch-004#foerderung;anna;Schulung\nch-004#foerderung;ben;Schulung\n", encoding="utf-8")
    assert cli(capsys, "import-codings", p, sheet)[0] == 0
    code, _, err = cli(capsys, "counts", p)
    assert code != 0 and "anna 3/3, ben 3/3" in err
    code, out, _ = cli(capsys, "consensus", p, "--coders", "anna,ben", "--lead", "lea")
    assert code == 0 and out.startswith("2 segments where anna, ben agree")
    code, _, err = cli(capsys, "counts", p)  # one disagreement open: not complete
    assert code != 0 and "consensus covers 2 of 3" in err
    code, _, err = cli(capsys, "export", p, "--format", "wide")
    assert code != 0 and "consensus 2/3" in err
    from qca.reconcile import set_consensus
    from qca.store import Project

    with Project.open(p) as proj:
        set_consensus(proj, "ch-002#chancen", {"Transparenz"}, lead="lea", reason="Anträge")
    code, out, err = cli(capsys, "counts", p, "--format", "json")
    assert code == 0 and "counts of coder consensus" in err
    code, out, err = cli(capsys, "export", p, "--format", "wide")
    assert code == 0 and "coder consensus" in err


def test_6_qdpx_round_trip_keeps_the_project(capsys, files: Path) -> None:
    p = files / "own.qca"
    cli(capsys, "init", p, "--codebook", files / "book.qdc")
    cli(capsys, "import", p, files / "antworten.csv", "--text-column", "antwort",
        "--id-column", "id", "--question-column", "frage")
    from qca.coding import set_coding, set_flag, set_memo
    from qca.store import Project

    with Project.open(p) as proj:
        set_coding(proj, "ch-001#chancen", "Zeitersparnis", "lea", True)
        set_memo(proj, "ch-001#chancen", "lea", "Bürgersicht")
        set_flag(proj, "ch-002#chancen", "lea", True)
    assert cli(capsys, "export", p, "--format", "qdpx", "-o", files / "own.qdpx")[0] == 0
    fresh = files / "fresh.qca"
    cli(capsys, "init", fresh)
    code, out, err = cli(capsys, "import", fresh, files / "own.qdpx")
    assert code == 0, err
    code, out, _ = cli(capsys, "questions", fresh, "--format", "json")
    listed = {q["question"]: (q["kind"], q["segments"], q["substantive"]) for q in json.loads(out)}
    assert listed == {"chancen": ("survey", 4, 3), "foerderung": ("survey", 4, 3)}
    with Project.open(fresh) as proj:
        assert {s.kind for s in proj.sources()} == {"survey"}
        assert proj.source("ch-001").variables == {"land": "Bayern"}
        notes = set(proj.conn.execute("SELECT segment_id, coder, memo, flagged FROM notes"))
        assert notes == {("ch-001#chancen", "lea", "Bürgersicht", 0), ("ch-002#chancen", "lea", "", 1)}
        assert proj.codebook().get("chancen").questions == ["chancen"]
