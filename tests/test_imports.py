"""Taking an import back: exactly what it added, refused over coded work unless asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import snapshot_db

from qca.coding import set_coding, set_memo
from qca.errors import InputError
from qca.importing import import_survey
from qca.imports import list_imports, remove_import
from qca.store import Project


def test_list_imports(survey_project: Project) -> None:
    (record,) = list_imports(survey_project)
    assert (record.id, record.kind, record.file, record.sources, record.segments_now) == (
        1, "survey", "survey.csv", 4, 7)


def test_remove_takes_back_exactly_one_import(survey_project: Project, tmp_path: Path) -> None:
    extra = tmp_path / "extra.csv"
    extra.write_text("lfd_nr;wuensche\n1;Mehr Personal\n9;Geld\n", encoding="utf-8")
    import_survey(survey_project, extra, text_columns=["wuensche"], id_column="lfd_nr")
    assert [r.id for r in list_imports(survey_project)] == [1, 2]
    removed = remove_import(survey_project, 2)
    assert (removed.segments, removed.sources) == (2, 1)  # source 9 goes, source 1 stays
    assert survey_project.questions() == ["chancen", "herausforderungen"]
    assert survey_project.source("1") is not None and survey_project.source("9") is None
    event = survey_project.events()[-1]
    assert event.action == "import.remove" and event.before["segments"] == ["1#wuensche", "9#wuensche"]
    again = import_survey(survey_project, extra, text_columns=["wuensche"], id_column="lfd_nr")
    assert again.segments_added == 2  # the file can come in again


def test_remove_refused_over_codings_unless_asked(survey_project: Project) -> None:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    set_memo(survey_project, "2#chancen", "ben", "unklar")
    before = snapshot_db(survey_project.path)
    with pytest.raises(InputError, match="carry 1 codings and 1 notes; nothing was removed; "
                                         "add --with-codings"):
        remove_import(survey_project, 1)
    assert snapshot_db(survey_project.path) == before
    removed = remove_import(survey_project, 1, with_codings=True)
    assert (removed.codings, removed.notes) == (1, 1)
    assert survey_project.count("segments") == survey_project.count("sources") == 0
    kept = survey_project.events()[-1].before
    assert kept["codings"][0]["category"] == "CH_REFL" and kept["notes"][0]["memo"] == "unklar"


def test_unknown_import(survey_project: Project) -> None:
    with pytest.raises(InputError, match="there is no import 7 in test.qca; imports are: 1"):
        remove_import(survey_project, 7)
