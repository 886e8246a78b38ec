"""Tests for qca.importing.readers: one choice of reader by extension for CLI and demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import snapshot_db
from qca.codebook import Codebook, dump_yaml
from qca.errors import InputError
from qca.importing.readers import import_file, kind_for, parse_assignments, read_codebooks
from qca.store import Project


@pytest.mark.parametrize(
    ("name", "text_columns", "kind"),
    [
        ("answers.csv", (), "survey"),
        ("answers.XLSX", (), "survey"),
        ("protokoll.txt", (), "protocol"),
        ("protokoll.md", (), "protocol"),
        ("protokoll.markdown", (), "protocol"),
        ("protokoll.docx", (), "protocol"),
        ("export.txt", ("antwort",), "survey"),  # a tab-separated export saved as .txt
        ("study.qdpx", (), "qdpx"),
        ("study.QDPX", ("antwort",), "qdpx"),
        ("old.xls", (), "survey"),  # the survey reader refuses it with a fix
    ],
)
def test_kind_for(name: str, text_columns: tuple[str, ...], kind: str) -> None:
    assert kind_for(name, text_columns=text_columns) == kind


def test_parse_assignments() -> None:
    assert parse_assignments(["treffen = 1", "ort=Nord"], "--var") == {"treffen": "1", "ort": "Nord"}
    with pytest.raises(InputError, match="--var 'treffen': write it as name=value"):
        parse_assignments(["treffen"], "--var")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kind": "protocol", "id_column": "lfd_nr"}, "are for surveys"),
        ({"text_columns": ["chancen"], "source_id": "x"}, "--source-id is for protocols"),
        ({"kind": "table"}, "--kind 'table'"),
    ],
)
def test_import_file_refuses_options_of_the_other_kind(
    project: Project, survey_file: Path, options: dict, message: str
) -> None:
    before = snapshot_db(project.path)
    with pytest.raises(InputError, match=message):
        import_file(project, survey_file, **options)
    assert snapshot_db(project.path) == before


def test_import_file_reads_a_survey_and_a_protocol(project: Project, survey_file: Path,
                                                   tmp_path: Path) -> None:
    survey = import_file(project, survey_file, text_columns=["chancen"], id_column="lfd_nr")
    assert "segments added" in survey.summary()
    protocol = tmp_path / "treffen.md"
    protocol.write_text("# Protokoll\n\nErster Absatz.\n\nZweiter Absatz.\n", encoding="utf-8")
    result = import_file(project, protocol, variables=["treffen=1"])
    assert result.summary().startswith("treffen.md: 2 segments added")
    assert project.conn.execute(
        "SELECT variables FROM sources WHERE id = 'treffen'").fetchone()[0] == '{"treffen": "1"}'


def test_read_codebooks_by_extension(tmp_path: Path, small_codebook: Codebook) -> None:
    from qca.refi import write_qdc

    yaml_path = tmp_path / "book.yaml"
    yaml_path.write_text(dump_yaml(small_codebook), encoding="utf-8")
    qdc_path = tmp_path / "book.QDC"
    write_qdc(small_codebook, qdc_path)
    from_yaml = read_codebooks([yaml_path])
    from_qdc = read_codebooks([qdc_path])
    assert [c.key for c in from_yaml.walk()] == [c.key for c in small_codebook.walk()]
    assert [c.key for c in from_qdc.walk()] == [c.key for c in small_codebook.walk()]
