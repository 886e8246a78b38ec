"""A small coded survey with known answers, shared by the retrieval, co-occurrence, search,
dictionary, word and hint tests.

Six respondents (``amt``), two questions, two coders. What each coder gave is listed in
:data:`CODINGS`; the tests count from it by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qca import coding
from qca.codebook import codebook_from_dict
from qca.revise import replace_codebook
from qca.store import Project

SURVEY = (
    "lfd_nr;amt;chancen;herausforderungen\n"
    "1;Ordnung;Die Personaldecke ist dünn, wir brauchen mehr Personal.;Sprachbarrieren im Amt\n"
    "2;Jugend;Neue Bäume im Park und mehr Miteinander.;Konflikte zwischen Gruppen\n"
    "3;Jugend;Wir überdenken unsere Abläufe, das Miteinander wächst.;\n"
    "4;Soziales;Zusammenhalt im Quartier, personelle Engpässe.;Konflikte und Sprachprobleme\n"
    "5;Integration;k.A.;-\n"
    "6;Ordnung;Die Straße ist sauberer, Baumpflege.;Zu wenig Personal\n"
)

CODINGS = {
    "anna": {
        "1#chancen": ["CH_REFL"], "2#chancen": ["CH_ZUS"], "3#chancen": ["CH_REFL", "CH_ZUS"],
        "4#chancen": ["CH_ZUS", "MEMO"], "6#chancen": ["CH_SONST"],
        "1#herausforderungen": ["HE_SPR"], "2#herausforderungen": ["HE_KONF"],
        "4#herausforderungen": ["HE_KONF", "HE_SPR"],
    },
    "ben": {
        "1#chancen": ["CH_REFL"], "2#chancen": ["CH_REFL"], "3#chancen": ["CH_ZUS"],
        "4#chancen": ["CH_ZUS"], "6#chancen": ["CH_SONST"],
        "1#herausforderungen": ["HE_SPR"], "2#herausforderungen": ["HE_KONF"],
        "4#herausforderungen": ["HE_KONF"],
    },
}


def build_coded(path: Path) -> Path:
    """Create the coded project at ``path`` (see the module docstring)."""
    from conftest import SMALL_CODEBOOK

    from qca.importing import import_survey

    proj = Project.create(path)
    try:
        replace_codebook(proj, codebook_from_dict(SMALL_CODEBOOK), author="t", note="book")
        survey = path.with_suffix(".csv")
        survey.write_text(SURVEY, encoding="utf-8")
        import_survey(proj, survey, text_columns=["chancen", "herausforderungen"],
                      id_column="lfd_nr")
        for coder, given in CODINGS.items():
            for segment, keys in given.items():
                for key in keys:
                    coding.set_coding(proj, segment, key, coder, True)
        coding.set_memo(proj, "3#chancen", "anna", "Beides? Reflexion und Miteinander.")
        coding.set_flag(proj, "4#chancen", "anna", True)
    finally:
        proj.close()
    return path


@pytest.fixture
def coded_path(tmp_path: Path) -> Path:
    return build_coded(tmp_path / "coded.qca")


@pytest.fixture
def coded(coded_path: Path):
    proj = Project.open(coded_path)
    yield proj
    proj.close()
