"""The wide CSV written line by line is, byte for byte, the csv module's rendering of
``wide_rows``: quoting of commas, quotes and line breaks, missing cells, notes, order."""

from __future__ import annotations

from pathlib import Path

import pytest
from mixed_fixtures import build_mixed

from qca.exporting import export
from qca.exporting.csv import WideCsv, wide_rows, write_csv, write_csv_text
from qca.store import Project


@pytest.fixture
def mixed(tmp_path: Path):
    proj = Project.open(build_mixed(tmp_path / "mixed.qca", segments=300))
    yield proj
    proj.close()


@pytest.mark.parametrize("coder", ["c0", "c2", "consensus", "only_ka"])
def test_wide_csv_text_equals_the_rows(mixed: Project, coder: str) -> None:
    table = WideCsv(mixed, coder)
    text = write_csv_text(table.chunks(), None)
    expected = write_csv(wide_rows(mixed, coder), None)
    assert text == expected
    assert '"Zeile eins\nZeile' in text and '""nie wieder""' in text  # quoted where needed
    rows = list(wide_rows(mixed, coder))[1:]
    assert table.segments == len(rows) == 300
    coded = table.header.index("coded")
    assert table.coded == sum(r[coded] == 1 for r in rows) > 0


def test_wide_csv_header_can_be_replaced(mixed: Project) -> None:
    table = WideCsv(mixed, "c1")
    header = [f"x{i}" for i in range(len(table.header))]
    lines = write_csv_text(table.chunks(header), None).split("\n", 1)
    assert lines[0] == ",".join(header)
    assert lines[1] == write_csv(wide_rows(mixed, "c1"), None).split("\n", 1)[1]


def test_export_wide_file_and_stdout_agree(mixed: Project, tmp_path: Path) -> None:
    target = tmp_path / "wide.csv"
    written = export(mixed, "wide", target, coder="c0", names="keep")
    shown = export(mixed, "wide", None, coder="c0", names="keep")
    assert target.read_bytes() == (shown.text or "").encode("utf-8")
    assert shown.text == write_csv(wide_rows(mixed, "c0"), None)
    assert written.summary.endswith(shown.summary.split(": ", 1)[1])
