"""Questions: listing, renaming with stable ids, binding by name in any order, warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import snapshot_db

from qca.codebook import codebook_from_dict
from qca.errors import CodebookError, InputError
from qca.importing import import_survey
from qca.importing.readers import import_and_bind
from qca.questions import (
    bind,
    import_codebook,
    list_questions,
    question_warnings,
    rename_question,
    unbind,
)
from qca.store import Project

# A codebook as a .qdc brings it: top-level groups named like questions, bound to none.
UNBOUND = {"name": "unbound", "categories": [
    {"key": "chancen", "name": "Chancen", "children": [
        {"key": "CH_A", "name": "Austausch"}]},
    {"key": "HE", "name": "herausforderungen", "children": [
        {"key": "HE_A", "name": "Sprache"}]},
]}


def test_list_questions(survey_project: Project) -> None:
    infos = {i.question: i for i in list_questions(survey_project)}
    assert list(infos) == ["chancen", "herausforderungen"]
    assert (infos["chancen"].kind, infos["chancen"].segments) == ("survey", 4)
    assert infos["chancen"].groups == ["CH", "MEMO"] and infos["chancen"].bound == ["CH"]
    assert infos["chancen"].categories == 4


def test_rename_keeps_ids_and_moves_the_binding(survey_project: Project,
                                               survey_file: Path) -> None:
    ids = [s.id for s in survey_project.segments()]
    assert rename_question(survey_project, "chancen", "chancen_vielfalt") == 4
    assert [s.id for s in survey_project.segments()] == ids
    assert survey_project.codebook().get("CH").questions == ["chancen_vielfalt"]
    assert survey_project.questions() == ["chancen_vielfalt", "herausforderungen"]
    again = import_survey(survey_project, survey_file, text_columns=["chancen", "herausforderungen"],
                          id_column="lfd_nr")
    assert again.segments_added == 0  # the old name leads to the renamed question
    with_name = import_survey(survey_project, survey_file, text_columns=["chancen"],
                              id_column="lfd_nr", question="chancen_vielfalt")
    assert with_name.segments_added == 0  # the same answers under their new name: no duplicate
    assert survey_project.count("segments") == len(ids)
    assert "herausforderungen" not in survey_project.source("1").variables  # a question, no variable


def test_another_answer_to_a_renamed_question_is_refused(survey_project: Project,
                                                        tmp_path: Path) -> None:
    rename_question(survey_project, "chancen", "chancen_vielfalt")
    wave = tmp_path / "welle.csv"
    wave.write_text("lfd_nr;chancen_vielfalt\n5;Neu\n1;Etwas ganz anderes\n", encoding="utf-8")
    segments = survey_project.count("segments")
    with pytest.raises(InputError, match=r"^welle\.csv, row \d+: '1' has another answer to "
                       r"question 'chancen_vielfalt' in the project \(segment '1#chancen'\)"):
        import_survey(survey_project, wave, text_columns=["chancen_vielfalt"], id_column="lfd_nr")
    assert survey_project.count("segments") == segments  # nothing of the file came in


@pytest.mark.parametrize(("old", "new", "message"), [
    ("nope", "x", "question 'nope' is not in test.qca; questions are: chancen, herausforderungen"),
    ("chancen", "herausforderungen", "exists already"),
    ("chancen", " ", "cannot name a question"),
])
def test_rename_refuses(survey_project: Project, old: str, new: str, message: str) -> None:
    before = snapshot_db(survey_project.path)
    with pytest.raises(InputError, match=message):
        rename_question(survey_project, old, new)
    assert snapshot_db(survey_project.path) == before


@pytest.mark.parametrize("codebook_first", [True, False])
def test_binding_by_name_whatever_the_order(tmp_path: Path, survey_file: Path,
                                           codebook_first: bool) -> None:
    project = Project.create(tmp_path / "p.qca")
    book = codebook_from_dict(UNBOUND)
    if codebook_first:
        import_codebook(project, book, author="lead", note="qdc")
        report = import_and_bind(project, survey_file, text_columns=["chancen", "herausforderungen"],
                                 id_column="lfd_nr")
        assert report.bound == [("chancen", "chancen"), ("HE", "herausforderungen")]
        assert "bound group chancen to question 'chancen'" in report.summary()
    else:
        import_and_bind(project, survey_file, text_columns=["chancen", "herausforderungen"],
                        id_column="lfd_nr")
        result = import_codebook(project, book, author="lead", note="qdc")
        assert result.bound == [("chancen", "chancen"), ("HE", "herausforderungen")]
    offered = {i.question: i.groups for i in list_questions(project)}
    assert offered == {"chancen": ["chancen"], "herausforderungen": ["HE"]}
    project.close()


def test_bind_and_unbind(tmp_path: Path, survey_file: Path) -> None:
    project = Project.create(tmp_path / "p.qca")
    import_codebook(project, codebook_from_dict(UNBOUND), author="lead", note="qdc")
    options = {"text_columns": ["chancen"], "id_column": "lfd_nr"}
    import_and_bind(project, survey_file, **options)
    unbind(project, "chancen", "chancen")
    assert project.codebook().get("chancen").questions == []
    with pytest.raises(CodebookError, match="not bound to 'chancen'"):
        unbind(project, "chancen", "chancen")
    # unbound by hand: neither an import nor a codebook import binds it back by name
    import_and_bind(project, survey_file, text_columns=["herausforderungen"], id_column="lfd_nr")
    assert project.codebook().get("chancen").questions == []
    import_codebook(project, codebook_from_dict(UNBOUND), author="lead", note="again")
    assert project.codebook().get("chancen").questions == []
    bind(project, "chancen", "chancen")
    assert project.codebook().get("chancen").questions == ["chancen"]
    bind(project, "HE", "chancen")  # by hand: kept when the codebook file comes in again
    import_codebook(project, codebook_from_dict(UNBOUND), author="lead", note="third")
    assert project.codebook().get("HE").questions == ["chancen"]
    with pytest.raises(CodebookError, match="bound to 'chancen' already"):
        bind(project, "chancen", "chancen")
    project.close()


@pytest.mark.parametrize(("group", "question", "error", "message"), [
    ("CH_REFL", "chancen", CodebookError, "'CH_REFL' is not a top-level group .*bind CH"),
    ("NOPE", "chancen", CodebookError, "group 'NOPE' is not in the codebook; top-level groups are: CH, HE, MEMO"),
    ("CH", "nope", InputError, "question 'nope' is not in"),
])
def test_bind_refuses(survey_project: Project, group, question, error, message) -> None:
    before = snapshot_db(survey_project.path)
    with pytest.raises(error, match=message):
        bind(survey_project, group, question)
    assert snapshot_db(survey_project.path) == before


def test_warnings_name_the_question_and_the_fix(survey_project: Project) -> None:
    assert question_warnings(survey_project) == []
    book = codebook_from_dict({"categories": [
        {"key": "CH", "name": "Chancen", "questions": ["chancen_vielfalt"], "children": [
            {"key": "CH_A", "name": "A"}]}]})
    result = import_codebook(survey_project, book, author="lead", note="bound elsewhere")
    assert any("question 'chancen' is offered no category; bind a group to it with: "
               "qca codebook bind" in w and "--question 'chancen'" in w for w in result.warnings)
    assert len(result.warnings) == 2  # both questions


def test_segments_without_a_question(project: Project, tmp_path: Path) -> None:
    doc = tmp_path / "protokoll.txt"
    doc.write_text("Erster Absatz.\n\nZweiter Absatz.\n", encoding="utf-8")
    report = import_and_bind(project, doc)
    assert any("2 segments have no question" in w and "qca questions rename" in w
               for w in report.warnings)
    assert [i.question for i in list_questions(project)] == ["(none)"]
    rename_question(project, "(none)", "dialog")
    assert project.questions() == ["dialog"]
