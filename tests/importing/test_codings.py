from __future__ import annotations

from pathlib import Path

import pytest

from qca.importing.codings import import_codings
from qca.errors import InputError
from qca.store import Project

from conftest import snapshot_db


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "codings.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_codes_by_key_and_name(survey_project: Project, tmp_path: Path) -> None:
    path = write(tmp_path, "segment_id,coder,codes\n1#chancen,anna,CH_REFL;zusammenhalt\n"
                           "2#chancen,ben,Sonstiges\n")
    result = import_codings(survey_project, path)
    assert result.added == 3 and result.coders == ["anna", "ben"]
    assert {c.origin for c in survey_project.codings()} == {"imported"}
    again = import_codings(survey_project, path)
    assert again.added == 0 and again.already_present == 3


def test_one_coder_for_the_file(survey_project: Project, tmp_path: Path) -> None:
    path = write(tmp_path, "id;kat\n1#chancen;CH_REFL\n")
    import_codings(survey_project, path, id_column="id", code_column="kat", coder="carla")
    assert [c.coder for c in survey_project.codings()] == ["carla"]


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("segment_id,coder,code\n9#chancen,anna,CH_REFL\n", {}, "unknown segment id '9#chancen'"),
        ("segment_id,coder,code\n1#chancen,anna,NOPE\n", {}, "unknown code 'NOPE'"),
        ("segment_id,coder,code\n1#chancen,anna,HE_SPR\n", {}, "not offered for question"),
        ("segment_id,code\n1#chancen,CH_REFL\n", {}, "--coder-column or give --coder"),
        ("fall,coder,code\n1#chancen,anna,CH_REFL\n", {}, "no column 'segment_id'"),
        ("id,coder,code\n1,anna,CH_REFL\n", {}, "source '1' has 2 segments"),
        ("id,coder,code\n77,anna,CH_REFL\n", {}, r"unknown segment id '77'; closest: .*'<source id>#<question>'"),
        ("id,coder,code\n1,anna,CH_REFL\n", {"question": "nope"}, "question 'nope' is not in"),
        ("segment_id,coder,code\n1#chancen,,CH_REFL\n", {}, "unusable coder"),
        ("segment_id,coder,code\n1#chancen,Anna,CH_REFL\n", {"_anna": True},
         "coder 'Anna' differs from the project's 'anna' in case only"),
    ],
)
def test_problems_write_nothing(survey_project: Project, tmp_path: Path, text, kwargs,
                                message) -> None:
    if kwargs.pop("_anna", False):
        import_codings(survey_project, write(tmp_path, "segment_id,coder,code\n"
                                                       "2#chancen,anna,CH_REFL\n"))
    path = write(tmp_path, text)
    before = snapshot_db(survey_project.path)
    with pytest.raises(InputError, match=message):
        import_codings(survey_project, path, **kwargs)
    assert snapshot_db(survey_project.path) == before


def test_all_problems_reported_at_once(survey_project: Project, tmp_path: Path) -> None:
    path = write(tmp_path, "segment_id,coder,code\n" + "".join(
        f"{i}#x,anna,NOPE\n" for i in range(8)) + "1#chancen,anna,CH_REFL\n")
    with pytest.raises(InputError, match=r"8 problem\(s\).*and 3 more"):
        import_codings(survey_project, path)
    assert survey_project.count("codings") == 0


@pytest.mark.parametrize(
    ("text", "kwargs"),
    [
        ("id,coder,code\n1,anna,CH_REFL\n", {"question": "chancen"}),
        ("id,frage,coder,code\n1,chancen,anna,CH_REFL\n", {}),  # a question column found
        ("nr,q,coder,code\n1,chancen,anna,CH_REFL\n", {"id_column": "nr", "question_column": "q"}),
        ("segment_id,coder,code\n1#chancen,anna,CH_REFL\n", {}),
    ],
)
def test_ids_a_user_has(survey_project: Project, tmp_path: Path, text, kwargs) -> None:
    import_codings(survey_project, write(tmp_path, text), **kwargs)
    assert [(c.segment_id, c.category) for c in survey_project.codings()] == [("1#chancen", "CH_REFL")]


def test_source_id_with_one_answer(survey_project: Project, tmp_path: Path) -> None:
    from qca.importing import import_survey
    from qca.questions import rename_question

    rename_question(survey_project, "chancen", "chancen_vielfalt")
    one = tmp_path / "one.csv"
    one.write_text("nr,chancen_vielfalt\nch-001,Mehr Austausch\n", encoding="utf-8")
    import_survey(survey_project, one, text_columns=["chancen_vielfalt"], id_column="nr")
    rows = "ch-001,anna,CH_REFL\n1#chancen_vielfalt,anna,CH_REFL\n"  # the new name names it
    import_codings(survey_project, write(tmp_path, "id,coder,code\n" + rows))
    assert {c.segment_id for c in survey_project.codings()} == {"ch-001#chancen_vielfalt",
                                                                 "1#chancen"}


def test_rows_without_a_code_are_counted_and_named(survey_project: Project,
                                                    tmp_path: Path) -> None:
    path = write(tmp_path, "segment_id,coder,code\n1#chancen,gold,\n2#chancen,gold,CH_REFL\n")
    result = import_codings(survey_project, path)
    assert result.added == 1 and result.without_code == 1 and result.coders == ["gold"]
    assert "1 row without a code left out" in result.summary("codings.csv")
    only_empty = import_codings(survey_project, write(tmp_path, "segment_id,coder,code\n"
                                                                "1#chancen,gold,\n"))
    assert only_empty.added == 0 and only_empty.coders == ["gold"]  # was: "(coders: )"
