"""Tests for qca.counts: a small project whose tables were worked out by hand."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from qca.codebook import codebook_from_dict
from qca.coding import set_coding
from qca.counts import (
    CSV_COLUMNS,
    MISSING_GROUP,
    TOTAL,
    counts_table,
    csv_rows,
    format_table,
    text_bars,
    to_json,
)
from qca.errors import ExportError, InputError
from qca.exporting.csv import write_csv
from qca.revise import replace_codebook
from qca.store import Project

BOOK = {
    "name": "Zähl-Codebook",
    "categories": [
        {"key": "CH", "name": "Chancen von Vielfalt", "questions": ["chancen"],
         "color": "#4C72B0", "children": [
             {"key": "CH_REFL", "name": "Vielfalt als Reflexionsressource"},
             {"key": "CH_KONF", "name": "Multiperspektivische Konfliktbearbeitung", "children": [
                 {"key": "CH_KONF_NETZ", "name": "Netzwerke"},
                 {"key": "CH_KONF_VERM", "name": "Vermittlung"},
             ]},
             {"key": "CH_SONST", "name": "Sonstige Chancen"},
         ]},
        {"key": "HE", "name": "Herausforderungen", "questions": ["herausforderungen"],
         "color": "#DD8452", "children": [
             {"key": "HE_SPR", "name": "Sprachbarrieren"},
             {"key": "HE_WERTE", "name": "Unterschiedliche Wertvorstellungen"},
         ]},
    ],
}

# (source, amt, {question: (text, substantive)})
SOURCES = [
    ("s1", "Ordnung", {"chancen": ("Wir lernen.", 1), "herausforderungen": ("Sprache", 1)}),
    ("s2", "Ordnung", {"chancen": ("Netzwerke und Vermittlung", 1)}),
    ("s3", "Ordnung", {"chancen": ("k.A.", 0)}),
    ("s4", "Jugend", {"chancen": ("Reflexion", 1), "herausforderungen": ("Sprache, Werte", 1)}),
    ("s5", "Jugend", {"chancen": ("Sonstiges", 1)}),
    ("s6", "Jugend", {"chancen": ("Vermittlung, Sonstiges", 1)}),
]

CODINGS = {
    "anna": [
        ("s1-chancen", "CH_REFL"), ("s1-chancen", "CH_KONF_NETZ"),    # multi-coded
        ("s2-chancen", "CH_KONF_NETZ"), ("s2-chancen", "CH_KONF_VERM"),  # two children
        ("s3-chancen", "CH_SONST"),                                    # non-substantive
        ("s4-chancen", "CH_REFL"),
        # s5-chancen: not coded by anna -> missing, not in the base
        ("s6-chancen", "CH_KONF_VERM"), ("s6-chancen", "CH_SONST"),
        ("s1-herausforderungen", "HE_SPR"),
        ("s4-herausforderungen", "HE_SPR"), ("s4-herausforderungen", "HE_WERTE"),
    ],
    "ben": [("s1-chancen", "CH_REFL"), ("s5-chancen", "CH_SONST")],
}


def add_source(project: Project, source_id: str, variables: dict[str, str],
               answers: dict[str, tuple[str, int]]) -> None:
    with project.transaction():
        project.add_variable_names(list(variables))
        project.conn.execute(
            "INSERT INTO sources (id, kind, name, variables) VALUES (?, 'survey', ?, ?)",
            (source_id, source_id, json.dumps(variables, ensure_ascii=False)),
        )
        for question, (text, substantive) in answers.items():
            project.conn.execute(
                "INSERT INTO segments (id, seq, source_id, question, position, heading, text, "
                "substantive) VALUES (?, ?, ?, ?, 1, NULL, ?, ?)",
                (f"{source_id}-{question}", project.next_seq(), source_id, question, text,
                 substantive),
            )


def build(path: Path) -> Project:
    project = Project.create(path)
    replace_codebook(project, codebook_from_dict(BOOK), author="test", note="counts")
    for source_id, amt, answers in SOURCES:
        add_source(project, source_id, {"amt": amt}, answers)
    for coder, pairs in CODINGS.items():
        for segment_id, category in pairs:
            set_coding(project, segment_id, category, coder, True)
    return project


@pytest.fixture
def proj(tmp_path: Path):
    project = build(tmp_path / "counts.qca")
    yield project
    project.close()


def cell(table, category, group):
    row = table.row(category, group)
    return (row.n_segments, row.n_group, row.share_segments, row.share_mentions)


# Worked out by hand: Ordnung's base is s1, s2 (s3 is non-substantive) with 4 codings;
# Jugend's base is s4, s6 (anna did not code s5) with 3 codings.
EXPECTED_CHANCEN = [
    ("CH", "Ordnung", (2, 2, 1.0, 4 / 4)),
    ("CH", "Jugend", (2, 2, 1.0, 3 / 3)),
    ("CH", TOTAL, (4, 4, 1.0, 7 / 7)),
    ("CH_REFL", "Ordnung", (1, 2, 0.5, 1 / 4)),
    ("CH_REFL", "Jugend", (1, 2, 0.5, 1 / 3)),
    ("CH_REFL", TOTAL, (2, 4, 0.5, 2 / 7)),
    ("CH_KONF", "Ordnung", (2, 2, 1.0, 3 / 4)),  # s2 has both children: one segment
    ("CH_KONF", "Jugend", (1, 2, 0.5, 1 / 3)),
    ("CH_KONF", TOTAL, (3, 4, 0.75, 4 / 7)),
    ("CH_KONF_NETZ", "Ordnung", (2, 2, 1.0, 2 / 4)),
    ("CH_KONF_NETZ", "Jugend", (0, 2, 0.0, 0 / 3)),
    ("CH_KONF_NETZ", TOTAL, (2, 4, 0.5, 2 / 7)),
    ("CH_KONF_VERM", "Ordnung", (1, 2, 0.5, 1 / 4)),
    ("CH_KONF_VERM", "Jugend", (1, 2, 0.5, 1 / 3)),
    ("CH_KONF_VERM", TOTAL, (2, 4, 0.5, 2 / 7)),
    ("CH_SONST", "Ordnung", (0, 2, 0.0, 0 / 4)),  # s3's coding is non-substantive
    ("CH_SONST", "Jugend", (1, 2, 0.5, 1 / 3)),
    ("CH_SONST", TOTAL, (1, 4, 0.25, 1 / 7)),
    (TOTAL, "Ordnung", (2, 2, 1.0, 1.0)),
    (TOTAL, "Jugend", (2, 2, 1.0, 1.0)),
    (TOTAL, TOTAL, (4, 4, 1.0, 1.0)),
]


@pytest.mark.parametrize(("category", "group", "expected"), EXPECTED_CHANCEN)
def test_counts_by_hand(proj, category, group, expected):
    table = counts_table(proj, by="amt", question="chancen", coder="anna")
    assert cell(table, category, group) == pytest.approx(expected)


def test_row_order_groups_and_categories(proj):
    table = counts_table(proj, by="amt", question="chancen", coder="anna")
    assert table.groups == ["Ordnung", "Jugend"]
    assert [c.key for c in table.categories] == [
        "CH", "CH_REFL", "CH_KONF", "CH_KONF_NETZ", "CH_KONF_VERM", "CH_SONST"]
    assert [(r.category, r.group) for r in table.rows] == [
        (c, g) for c in ["CH", "CH_REFL", "CH_KONF", "CH_KONF_NETZ", "CH_KONF_VERM",
                         "CH_SONST", TOTAL]
        for g in ["Ordnung", "Jugend", TOTAL]]
    assert table.row("CH_KONF_NETZ", "Jugend").depth == 2


def test_multiple_response_shares_sum_above_one(proj):
    table = counts_table(proj, by="amt", question="chancen", coder="anna")
    leaves = ["CH_REFL", "CH_KONF_NETZ", "CH_KONF_VERM", "CH_SONST"]
    assert sum(table.row(k, "Ordnung").share_segments for k in leaves) == pytest.approx(2.0)
    # shares of mentions sum to 1 over the leaves, and over the parent level
    assert sum(table.row(k, "Ordnung").share_mentions for k in leaves) == pytest.approx(1.0)
    level1 = ["CH_REFL", "CH_KONF", "CH_SONST"]
    assert sum(table.row(k, TOTAL).share_mentions for k in level1) == pytest.approx(1.0)


def test_other_coder_has_own_base(proj):
    table = counts_table(proj, by="amt", question="chancen", coder="ben")
    assert cell(table, "CH_REFL", "Ordnung") == pytest.approx((1, 1, 1.0, 1.0))
    assert cell(table, "CH_SONST", "Jugend") == pytest.approx((1, 1, 1.0, 1.0))
    assert cell(table, "CH_SONST", TOTAL) == pytest.approx((1, 2, 0.5, 0.5))


def test_all_questions_each_category_has_its_questions_base(proj):
    table = counts_table(proj, by="amt", coder="anna")
    assert cell(table, "CH_REFL", "Ordnung") == pytest.approx((1, 2, 0.5, 1 / 4))
    assert cell(table, "HE_SPR", "Ordnung") == pytest.approx((1, 1, 1.0, 1.0))
    assert cell(table, "HE_WERTE", "Jugend") == pytest.approx((1, 1, 1.0, 1 / 2))
    assert cell(table, TOTAL, "Ordnung")[:2] == (3, 3)
    assert cell(table, TOTAL, "Jugend")[:2] == (3, 3)


def test_without_by_only_total(proj):
    table = counts_table(proj, question="chancen", coder="anna")
    assert table.groups == []
    assert {r.group for r in table.rows} == {TOTAL}
    assert cell(table, "CH_KONF", TOTAL) == pytest.approx((3, 4, 0.75, 4 / 7))


def test_missing_value_is_its_own_group(proj):
    add_source(proj, "s7", {"amt": ""}, {"chancen": ("Lernen", 1)})
    set_coding(proj, "s7-chancen", "CH_REFL", "anna", True)
    table = counts_table(proj, by="amt", question="chancen", coder="anna")
    assert table.groups == ["Ordnung", "Jugend", MISSING_GROUP]
    assert cell(table, "CH_REFL", MISSING_GROUP) == pytest.approx((1, 1, 1.0, 1.0))
    assert cell(table, "CH_REFL", TOTAL) == pytest.approx((3, 5, 0.6, 3 / 8))


def test_group_without_coded_segments_has_no_share(proj):
    add_source(proj, "s8", {"amt": "Soziales"}, {"chancen": ("noch offen", 1)})
    table = counts_table(proj, by="amt", question="chancen", coder="anna")
    row = table.row("CH_REFL", "Soziales")
    assert (row.n_segments, row.n_group, row.share_segments, row.share_mentions) == (
        0, 0, None, None)
    assert row.as_dict()["share_segments"] is None


def test_default_coder(proj):
    with pytest.raises(ExportError, match=r"counts are per coder.*anna \d+/\d+, ben"):
        counts_table(proj, by="amt", question="chancen")
    set_coding(proj, "s1-chancen", "CH_REFL", "consensus", True)
    # a consensus on one segment is not the default: it would count a handful of segments
    with pytest.raises(ExportError, match=r"consensus covers 1 of \d+ coded segments"):
        counts_table(proj, by="amt", question="chancen")
    taken = {c.segment_id: c.category for c in proj.codings() if c.coder != "consensus"}
    for seg, category in taken.items():
        set_coding(proj, seg, category, "consensus", True)
    assert counts_table(proj, by="amt", question="chancen").coder == "consensus"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"by": "ressort"}, r"variable 'ressort' is not in counts\.qca; variables are: amt"),
    ({"question": "wuensche"},
     r"question 'wuensche' is not in counts\.qca; questions are: chancen, herausforderungen"),
    ({"coder": "carla"}, r"no codings by coder 'carla'; coders are: anna, ben"),
])
def test_errors_are_one_line(proj, kwargs, message):
    args = {"by": "amt", "coder": "anna", **kwargs}
    with pytest.raises((InputError, ExportError), match=message) as info:
        counts_table(proj, **args)
    assert "\n" not in str(info.value)


def test_csv_columns_and_values(proj, tmp_path):
    table = counts_table(proj, by="amt", question="chancen", coder="anna")
    path = tmp_path / "counts.csv"
    write_csv(csv_rows(table), path)
    raw = path.read_bytes()
    assert raw.startswith(",".join(CSV_COLUMNS).encode() + b"\n")
    records = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    assert len(records) == len(table.rows)
    konf = next(r for r in records if r["category"] == "CH_KONF" and r["group"] == TOTAL)
    assert konf == {"category": "CH_KONF", "name": "Multiperspektivische Konfliktbearbeitung",
                    "group": "total", "n_segments": "3", "n_group": "4",
                    "share_segments": "0.75", "share_mentions": "0.571429"}


def test_json_records(proj):
    table = counts_table(proj, by="amt", question="chancen", coder="anna")
    records = json.loads(to_json(table))
    assert list(records[0]) == CSV_COLUMNS
    first = records[0]
    assert first["category"] == "CH" and first["group"] == "Ordnung"
    assert first["share_segments"] == 1.0


def test_format_table_shows_percentages_and_n(proj):
    lines = format_table(counts_table(proj, by="amt", question="chancen", coder="anna"))
    text = "\n".join(lines)
    assert "N = 2" in text and "N = 4" in text
    konf = next(line for line in lines if "Konfliktbearbeitung" in line)
    assert konf.split()[-6:] == ["2", "(100.0%)", "1", "(50.0%)", "3", "(75.0%)"]
    assert next(line for line in lines if line.startswith("mentions")).split()[-3:] == [
        "4", "3", "7"]


def test_text_bars_single_group(proj):
    table = counts_table(proj, question="chancen", coder="anna")
    lines = text_bars(table.category_rows(TOTAL), width=50)
    assert len(lines) == len(table.categories)
    assert all(len(line) <= 50 for line in lines)
    konf = next(line for line in lines if line.startswith("  Multiper"))
    assert konf.endswith("75.0% 3/4")
    refl = next(line for line in lines if line.startswith("  Vielfalt als"))
    # 75 % draws half again as much bar as 50 %
    assert konf.count("█") > refl.count("█") > 0


def test_text_bars_grouped(proj):
    table = counts_table(proj, by="amt", question="chancen", coder="anna")
    rows = [r for r in table.category_rows() if r.group != TOTAL]
    lines = text_bars(rows, width=60)
    assert lines[0] == "Chancen von Vielfalt"
    assert lines[1].startswith("  Ordnung") and lines[1].endswith("100.0% 2/2")
    assert all(len(line) <= 60 for line in lines)
    assert text_bars([], 40) == []


def test_group_order(proj):
    table = counts_table(proj, by="amt", question="chancen", coder="anna", order=["Jugend"])
    assert table.groups == ["Jugend", "Ordnung"]
    assert [r.group for r in table.rows[:3]] == ["Jugend", "Ordnung", TOTAL]
    with pytest.raises(InputError, match=r"amt has no value 'Soziales'.*Ordnung, Jugend"):
        counts_table(proj, by="amt", question="chancen", coder="anna", order=["Soziales"])


def _run(capsys, *args: str) -> tuple[int, str, str]:
    from qca.cli import main

    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_counts(proj, tmp_path, capsys):
    path = str(proj.path)
    code, out, _ = _run(capsys, "counts", path, "--by", "amt", "--question", "chancen",
                        "--coder", "anna", "--order", "Jugend,Ordnung")
    assert code == 0 and "N = 2" in out and out.index("Jugend") < out.index("Ordnung")
    target = tmp_path / "c.csv"
    code, _, err = _run(capsys, "counts", path, "--by", "amt", "--question", "chancen",
                        "--coder", "anna", "--format", "csv", "-o", str(target))
    assert code == 0 and "wrote" in err
    assert target.read_text(encoding="utf-8").splitlines()[0] == ",".join(CSV_COLUMNS)
    code, out, _ = _run(capsys, "counts", path, "--by", "amt", "--coder", "anna",
                        "--format", "json")
    assert code == 0 and json.loads(out)[0]["category"] == "CH"
    code, out, err = _run(capsys, "counts", path, "--by", "ressort", "--coder", "anna")
    assert code != 0 and out == ""
    assert err == "qca: error: variable 'ressort' is not in counts.qca; variables are: amt\n"
    code, out, err = _run(capsys, "counts", path, "--by", "amt")
    assert code != 0 and err.count("\n") == 1 and re.search(r"anna \d+/\d+, ben", err)
    code, _, err = _run(capsys, "counts", path, "--by", "amt", "--question", "chancen",
                        "--coder", "anna", "--format", "csv", "-o", str(target))
    assert code != 0 and f"{target}: exists already" in err and "--force" in err
    code, _, err = _run(capsys, "counts", path, "--by", "amt", "--question", "chancen",
                        "--coder", "anna", "--format", "json", "-o", str(target), "--force")
    assert code == 0 and target.read_text(encoding="utf-8").startswith("[")


@pytest.mark.parametrize("command", ["counts", "figure"])
def test_cli_help(capsys, command):
    code, out, _ = _run(capsys, command, "--help")
    assert code == 0 and "--by" in out and "--coder" in out


@pytest.mark.parametrize("coder", ["anna", "ben"])
def test_leaf_counts_agree_with_the_wide_export(proj, coder):
    from qca.exporting.csv import wide_rows

    rows = list(wide_rows(proj, coder))
    header, data = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    table = counts_table(proj, by="amt", question="chancen", coder=coder)
    for leaf in ["CH_REFL", "CH_KONF_NETZ", "CH_KONF_VERM", "CH_SONST"]:
        for group in table.groups:
            base = [r for r in data if r[col["question"]] == "chancen" and r[col["amt"]] == group
                    and r[col["substantive"]] == 1 and r[col[leaf]] != ""]
            row = table.row(leaf, group)
            assert row.n_group == len(base)
            assert row.n_segments == sum(r[col[leaf]] for r in base)
