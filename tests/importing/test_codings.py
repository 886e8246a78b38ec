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
        ("id,coder,code\n1#chancen,anna,CH_REFL\n", {}, "no column 'segment_id'"),
        ("segment_id,coder,code\n1#chancen,,CH_REFL\n", {}, "unusable coder"),
    ],
)
def test_problems_write_nothing(survey_project: Project, tmp_path: Path, text, kwargs,
                                message) -> None:
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
