"""Tests for qca.importing.protocol: splitting protocol documents into passages."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from qca.errors import InputError
from qca.importing.protocol import Passage, read_protocol, read_protocol_document

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        read_protocol(path)
    message = str(info.value)
    assert "\n" not in message and path.name in message
    return message


# --------------------------------------------------------------------------- .txt


TXT = """\
PROTOKOLL DIALOGTREFFEN

Seite 1 von 3

Einleitende Worte der
Moderation.

2. Barrieren der Zusammenarbeit

Die Verwal-
tungen arbeiten
- 12 -
zu wenig zusammen.

IRS Dialog 2025

2.1 Wissen

Moderatorin:

Es fehlt Klima-
Check und Wissen.

IRS Dialog 2025

II. Lösungen

Moderatorin:

# Ausblick
Nächstes Treffen
im Mai.

IRS Dialog 2025

17
"""


def test_txt_passages_headings_and_page_furniture(tmp_path: Path) -> None:
    passages = read_protocol(write(tmp_path / "protokoll.txt", TXT))
    assert passages == [
        Passage(1, "PROTOKOLL DIALOGTREFFEN", "Einleitende Worte der Moderation."),
        Passage(2, "2. Barrieren der Zusammenarbeit", "Die Verwaltungen arbeiten zu wenig zusammen."),
        Passage(3, "2. Barrieren der Zusammenarbeit > 2.1 Wissen", "Moderatorin:"),
        Passage(4, "2. Barrieren der Zusammenarbeit > 2.1 Wissen", "Es fehlt Klima-Check und Wissen."),
        Passage(5, "II. Lösungen", "Moderatorin:"),  # speaker labels survive repetition
        Passage(6, "Ausblick", "Nächstes Treffen im Mai."),
    ]


def test_txt_not_headings(tmp_path: Path) -> None:
    text = (
        "Zusammenfassung\n\n1. Ein ganzer Satz als Absatz.\n\n2020 war ein Jahr\n\n"
        "IRS\n\n" + "3. " + "sehr lang " * 10 + "\n"
    )
    passages = read_protocol(write(tmp_path / "p.txt", text))
    assert [p.heading for p in passages] == [None] * 5
    assert [p.text for p in passages][:4] == [
        "Zusammenfassung",
        "1. Ein ganzer Satz als Absatz.",
        "2020 war ein Jahr",
        "IRS",
    ]


def test_txt_form_feed_pages(tmp_path: Path) -> None:
    pages = [
        "Bericht Kommunalbefragung\n\nErster Absatz.\n\nZweiter Absatz mit Zusam-\n\nSeite 1",
        "Bericht Kommunalbefragung\n\nmenarbeit.\n\nDritter Absatz.\n\nSeite 2",
        "Bericht Kommunalbefragung\n\nVierter Absatz.\n\nSeite 3",
    ]
    passages = read_protocol(write(tmp_path / "p.txt", "\f".join(pages)))
    assert [p.text for p in passages] == [
        "Erster Absatz.",
        "Zweiter Absatz mit Zusammenarbeit.",
        "Dritter Absatz.",
        "Vierter Absatz.",
    ]


def test_txt_cp1252_and_crlf(tmp_path: Path) -> None:
    path = write(tmp_path / "p.txt", "Grüße\r\naus Köln.\r\n\r\nZweiter.\r\n", "cp1252")
    assert [p.text for p in read_protocol(path)] == ["Grüße aus Köln.", "Zweiter."]


# --------------------------------------------------------------------------- .md


MD = """\
# Protokoll

Einleitung mit *Betonung*
über zwei Zeilen.

## Barrieren

- Punkt eins
  geht weiter
- Punkt zwei

- Punkt drei

Absatz nach der Liste.

### Details
Text **fett**.

---

## Lösungen

1. erstens
2. zweitens
"""


def test_markdown(tmp_path: Path) -> None:
    passages = read_protocol(write(tmp_path / "p.md", MD))
    assert passages == [
        Passage(1, "Protokoll", "Einleitung mit *Betonung* über zwei Zeilen."),
        Passage(2, "Protokoll > Barrieren", "- Punkt eins geht weiter\n- Punkt zwei\n- Punkt drei"),
        Passage(3, "Protokoll > Barrieren", "Absatz nach der Liste."),
        Passage(4, "Protokoll > Barrieren > Details", "Text **fett**."),
        Passage(5, "Protokoll > Lösungen", "1. erstens\n2. zweitens"),
    ]


def test_document_text_keeps_headings_and_passage_offsets(tmp_path: Path) -> None:
    path = write(tmp_path / "p.md", MD)
    document = read_protocol_document(path)
    assert document.text == (
        "Protokoll\n\nEinleitung mit *Betonung* über zwei Zeilen.\n\nBarrieren\n\n"
        "- Punkt eins geht weiter\n- Punkt zwei\n- Punkt drei\n\nAbsatz nach der Liste.\n\n"
        "Details\n\nText **fett**.\n\nLösungen\n\n1. erstens\n2. zweitens"
    )
    assert document.passages == read_protocol(path)
    assert [document.text[start:end] for start, end in document.spans] == [
        p.text for p in document.passages]
    # Page furniture stays out; a passage equal to a heading is found at its own place.
    txt = write(tmp_path / "p.txt", "# Fazit\n\nFazit\n\nSeite 1 von 2\n\nEnde.\n")
    document = read_protocol_document(txt)
    assert document.text == "Fazit\n\nFazit\n\nEnde."
    assert document.spans == [(7, 12), (14, 19)]


def test_markdown_setext_and_code(tmp_path: Path) -> None:
    text = "Titel\n=====\n\nText.\n\nUnter\n-----\n\n```\ncode  bleibt\n```\n"
    passages = read_protocol(write(tmp_path / "p.md", text))
    assert passages == [Passage(1, "Titel", "Text."), Passage(2, "Titel > Unter", "code  bleibt")]


# --------------------------------------------------------------------------- .docx


def test_docx(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Protokoll", 0)
    document.add_paragraph("Vor der ersten Überschrift.")
    document.add_heading("Barrieren", 1)
    document.add_paragraph("Erster Absatz.")
    document.add_paragraph("")
    document.add_paragraph("Zweiter\u00a0 Absatz.")
    document.add_paragraph("Punkt A", style="List Bullet")
    document.add_paragraph("Punkt B", style="List Bullet")
    document.add_heading("Details", 2)
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "Thema"
    table.cell(0, 2).text = "Ergebnis"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "Zusammen"
    document.add_heading("Lösungen", 1)
    document.add_paragraph("Schluss.")
    path = tmp_path / "p.docx"
    document.save(str(path))

    assert read_protocol(path) == [
        Passage(1, "Protokoll", "Vor der ersten Überschrift."),
        Passage(2, "Protokoll > Barrieren", "Erster Absatz."),
        Passage(3, "Protokoll > Barrieren", "Zweiter Absatz."),
        Passage(4, "Protokoll > Barrieren", "Punkt A\nPunkt B"),
        Passage(5, "Protokoll > Barrieren > Details", "Thema | Ergebnis"),
        Passage(6, "Protokoll > Barrieren > Details", "Zusammen"),
        Passage(7, "Protokoll > Lösungen", "Schluss."),
    ]


def test_docx_german_style_names(tmp_path: Path) -> None:
    document = docx.Document()
    heading = document.styles.add_style("Überschrift 1", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Ergebnisse", style=heading)
    document.add_paragraph("Text.")
    path = tmp_path / "de.docx"
    document.save(str(path))
    assert read_protocol(path) == [Passage(1, "Ergebnisse", "Text.")]


# --------------------------------------------------------------------------- errors


def test_errors(tmp_path: Path) -> None:
    assert ".docx" in error(write(tmp_path / "p.pdf", "x"))
    assert "old Word" in error(write(tmp_path / "p.doc", "x"))
    assert "not found" in error(tmp_path / "fehlt.txt")
    assert "no text passages" in error(write(tmp_path / "leer.txt", "\n \n\n"))
    assert "no text passages" in error(write(tmp_path / "nur.md", "# Nur\n\n## Überschriften\n"))
    (tmp_path / "kaputt.docx").write_bytes(b"PK\x03\x04 kaputt")
    assert "save it again as .docx" in error(tmp_path / "kaputt.docx")
    (tmp_path / "x.txt").write_bytes(b"Absatz \x81 eins\n")
    message = error(tmp_path / "x.txt")
    assert "line 1" in message and "0x81" in message and "UTF-8" in message


# --------------------------------------------------------------------------- seeds


def test_seed_protocol() -> None:
    path = SEEDS / "004_0b650726d7abc1b1.txt"
    if not path.is_file():
        pytest.skip(f"seed {path} not available")
    passages = read_protocol(path)
    assert [p.position for p in passages] == list(range(1, len(passages) + 1))
    headings = {p.heading for p in passages}
    assert "1. Kurzzusammenfassung der wesentlichen Befunde" in headings
    assert any(h and h.endswith("> 2.2 Pretest des Fragebogens") for h in headings)
    text = "\n".join(p.text for p in passages)
    for word in ("Fachbereichen (Ordnung, Stadtplanung und -entwicklung", "Jugend- und Sozialamtern",
                 "EU-Programm", "wesentliche Befunde"):
        assert word in text
    assert all("\n" not in p.text or "•" in p.text for p in passages[:20])


def test_demo_protocol_header_and_agenda_keep_their_lines() -> None:
    """Protocol 1's Rahmendaten (#2) and Tagesordnung (#4) read as the document shows them."""
    path = (Path(__file__).resolve().parents[2] / "qca" / "data" / "corpora"
            / "protokoll_dialogtreffen_1.txt")
    passages = read_protocol(path)
    assert passages[1].text.split("\n") == [
        "Datum: 12. Februar 2025, 9:30 bis 12:15 Uhr", "Ort: digital (Videokonferenz)",
        "Moderation: Dr. Miriam Hoffmeister, Jonas Albrecht (ISV)", "Protokoll: Lena Vogt (ISV)"]
    agenda = passages[3].text.split("\n")
    assert len(agenda) == 5 and all(line.startswith("TOP ") for line in agenda)
