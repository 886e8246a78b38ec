"""Tests for qca.importing.textrepair: repairing PDF-extracted text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qca.importing.textrepair import is_hyphenated_compound, repair_text, split_paragraphs

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        # line-break hyphenation is undone
        ("Die Verwal-\ntungen", "Die Verwaltungen"),
        ("Bürger-\ninnen", "Bürgerinnen"),
        ("Mitarbeiter*in-\nnen", "Mitarbeiter*innen"),
        ("Wissenschaft-\nler*innen", "Wissenschaftler*innen"),
        ("Leib-\nniz-Institut", "Leibniz-Institut"),
        ("inner-\nhalb", "innerhalb"),
        # capitalised continuation: a real hyphen
        ("der Klima-\nCheck", "der Klima-Check"),
        ("per E-\nMail", "per E-Mail"),
        ("EU-\nProgramm", "EU-Programm"),
        ("2015-\n2020", "2015-2020"),
        # suspended hyphens keep hyphen and space
        ("Klimaschutz-\nund Klimaanpassung", "Klimaschutz- und Klimaanpassung"),
        ("Vielfalts-\noder Sicherheitsbezug", "Vielfalts- oder Sicherheitsbezug"),
        ("Klimaschutz-\nbzw. Klimaanpassung", "Klimaschutz- bzw. Klimaanpassung"),
        ("Kommunal-\nsowie Landespolitik", "Kommunal- sowie Landespolitik"),
        ("Integrations-\nals auch Klimaaufgaben", "Integrations- als auch Klimaaufgaben"),
        ("Integrations-\n, Klima- und", "Integrations-, Klima- und"),
        ("Stadtplanung und\n-entwicklung", "Stadtplanung und -entwicklung"),
        # lowercase hyphenated compounds attested in the word list keep their hyphen
        ("deutsch-\nfranzösische", "deutsch-französische"),
        ("schwarz-\nweiß", "schwarz-weiß"),
        ("sozial-\nökologische Wende", "sozial-ökologische Wende"),
        # dashes are not hyphenation
        ("eine Pause -\ndann weiter", "eine Pause - dann weiter"),
        ("eine Pause –\ndann weiter", "eine Pause – dann weiter"),
        # soft hyphen and OCR's ¬ at line end always join
        ("Verwal\u00ad\ntung", "Verwaltung"),
        ("Verwal¬\ntung", "Verwaltung"),
        ("Ver\u00adwal\u00adtung", "Verwaltung"),
        # normalisation
        ("a\u00a0b\u202fc\td", "a b c d"),
        ("ﬁnden ﬂach Auﬀassung", "finden flach Auffassung"),
        ("viele    Leerzeichen   ", "viele Leerzeichen"),
        ("Zeile  \r\nzwei\r\n", "Zeile zwei"),
        ("a\u2010b", "a-b"),
        # umlauts lost by OCR are not restored
        ("Komplexitat der Ansatze", "Komplexitat der Ansatze"),
        # paragraphs
        ("Erster\nAbsatz.\n\n\n  \nZweiter\nAbsatz.", "Erster Absatz.\n\nZweiter Absatz."),
        ("Seite\f weiter", "Seite weiter"),
        # list items keep their own lines
        ("Punkte:\n• eins\n• zwei-\nter Punkt", "Punkte:\n• eins\n• zweiter Punkt"),
        ("", ""),
        (" \n\n \n", ""),
    ],
)
def test_repair_text(raw: str, repaired: str) -> None:
    assert repair_text(raw) == repaired


def test_compound_lookup() -> None:
    assert is_hyphenated_compound("deutsch", "französische")
    assert not is_hyphenated_compound("Verwal", "tungen")
    assert not is_hyphenated_compound("Bürger", "innen")


def test_split_paragraphs() -> None:
    text = "Eins\nzwei\n\n  \n\nDrei\r\n\r\nVier  \n"
    assert split_paragraphs(text) == ["Eins\nzwei", "Drei", "Vier"]
    assert split_paragraphs("") == []
    assert split_paragraphs(repair_text("a\nb\n\nc")) == ["a b", "c"]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(
            alphabet=st.sampled_from(list("aäbB -\n\t\u00ad¬,und–—•*ﬁ\u00a0\r\u2029\u2028\x0c1.")),
            max_size=80,
        ),
        st.text(max_size=60),
    )
)
def test_repair_is_idempotent(text: str) -> None:
    once = repair_text(text)
    assert repair_text(once) == once
    assert once == once.strip()
    assert "\n\n\n" not in once


# Line-end hyphenations found in the seed PDFs, as the repaired text must read.
SEED_CASES = {
    "000_db4b8bd7866a4759.txt": [
        "Leibniz-Institut fiir 6kologische",  # Leib- / niz-Institut
        "transdisziplindren Forschungsprojekten, StadtumMig",  # Forschungs- / projekten
        "die Wissenschaftler*innen transdisziplindre",  # Wissenschaft- / ler*innen
        "des Governanceansatzes, der",  # Governan- / ceansatzes
        "in Verwaltungen innerhalb eines Ressorts",  # Verwaltun- / gen
        "mégliche Veranderungsansatze zur",  # Veran- / derungsansatze
        "Faktoren zusammensetzen: Fehlendes",  # zusam- / mensetzen
        "Kommunal- sowie Landespolitiker*innen, aber",  # suspended hyphen kept, in- / nen
        "Bertelsmann Stiftung & BMI",  # Bertels- / mann
        "Umsetzungsstrategien und -praktiken von Integrations- und",
    ],
    "004_0b650726d7abc1b1.txt": [
        "Amtern und Fachbereichen (Ordnung, Stadtplanung und -entwicklung",  # Fachbe- / reichen
        "den Jugend- und Sozialamtern erkennen",  # Jugend- / und: suspended hyphen kept
        "auf das EU-Programm EHAP",  # EU- / Programm: real hyphen kept
        "mehr Vielfalts- oder mehr Sicherheitsbezug",  # Vielfalts- / oder
        "ein paar wesentliche Befunde",  # we- / sentliche
    ],
}


@pytest.mark.parametrize("name", sorted(SEED_CASES))
def test_seed_hyphenation(name: str) -> None:
    path = SEEDS / name
    if not path.is_file():
        pytest.skip(f"seed {path} not available")
    repaired = repair_text(path.read_text(encoding="utf-8"))
    for expected in SEED_CASES[name]:
        assert expected in repaired
    # no paragraph keeps a hard wrap
    assert all("\n" not in p or "•" in p for p in split_paragraphs(repaired)[:5])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Datum: 12. Februar 2025, 9:30 bis 12:15 Uhr\nOrt: digital (Videokonferenz)\n"
         "Moderation: Dr. Miriam Hoffmeister\nProtokoll: Lena Vogt (ISV)",
         "Datum: 12. Februar 2025, 9:30 bis 12:15 Uhr\nOrt: digital (Videokonferenz)\n"
         "Moderation: Dr. Miriam Hoffmeister\nProtokoll: Lena Vogt (ISV)"),
        ("**Datum:** 12. März 2025  \n**Ort:** digital", "**Datum:** 12. März 2025\n**Ort:** digital"),
        ("TOP 1 Begrüßung\nTOP 2 Erfahrungen aus den Städten: Klima\nTOP 3 Barrieren",
         "TOP 1 Begrüßung\nTOP 2 Erfahrungen aus den Städten: Klima\nTOP 3 Barrieren"),
        # Prose that merely starts with a label is joined as before.
        ("Fazit: Die Nutzung des Konzepts hat zu einer Systematisierung\nder Gesprache beigetragen.",
         "Fazit: Die Nutzung des Konzepts hat zu einer Systematisierung der Gesprache beigetragen."),
        ("Parallel wird der Nutzen verschiedener Formate der\nZusammenarbeit diskutiert: Modellprojekte.",
         "Parallel wird der Nutzen verschiedener Formate der Zusammenarbeit diskutiert: Modellprojekte."),
        ("Datum: 12. Februar 2025 und viel mehr\nText, der weiterläuft",
         "Datum: 12. Februar 2025 und viel mehr Text, der weiterläuft"),
    ],
    ids=["fields", "markdown-fields", "agenda", "prose-label", "prose-colon", "field-then-prose"],
)
def test_header_block_keeps_its_lines(text: str, expected: str) -> None:
    assert repair_text(text) == expected
    assert repair_text(expected) == expected  # idempotent
