"""REFI-QDA exchange: .qdc codebooks and .qdpx projects."""

from __future__ import annotations

import copy
import functools
import string
from pathlib import Path

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qca.codebook import Category, Codebook, codebook_from_dict, load_yaml
from qca.demo import data_root
from qca.errors import CodebookError, ExportError
from qca.importing import import_protocol
from qca.importing.protocol import read_protocol_document
from qca.refi import (
    code_guid,
    format_description,
    load_qdc,
    parse_description,
    qdc_bytes,
    read_qdc,
    write_qdc,
)

DATA = Path(__file__).parent / "data" / "refi"
CODEBOOKS = data_root() / "codebooks"
SCHEMAS = DATA  # Codebook.xsd and Project.xsd of REFI-QDA 1.5 (MIT, see LICENSE-REFI-QDA.txt)


@functools.cache
def _schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / name))


def _normalised(book: Codebook) -> Codebook:
    """``book`` with ``codable`` written the way a REFI file keeps it (explicit only where
    it differs from the default)."""
    book = copy.deepcopy(book)
    for cat in book.walk():
        if cat.codable is not None and cat.codable == (not cat.children):
            cat.codable = None
    return book


# --- hypothesis: random valid codebooks --------------------------------------------------

_LABEL_LINES = [
    "Definition: x", "Anchor example: y", "ankerbeispiele:", "qca key: FOO", "qca question: q",
    "\\Coding rule: z", "\\\\Kodierregel: w", "  Beispiel :", "- bullet", "Key: not a label",
    "For example: no label",
]
_chars = st.characters(blacklist_categories=("Cs", "Cc", "Cn"), blacklist_characters="\r")
_line = st.one_of(st.text(_chars, max_size=20), st.sampled_from(_LABEL_LINES))
_text = st.lists(_line, max_size=4).map("\n".join).map(str.strip)
_name = st.text(_chars, min_size=1, max_size=20).map(str.strip).filter(bool)
_key = st.from_regex(r"\A[A-Za-z][A-Za-z0-9_]{0,12}\Z")
_color = st.none() | st.from_regex(r"\A#[0-9A-Fa-f]{6}\Z")


@st.composite
def codebooks(draw) -> dict:
    keys = draw(st.lists(_key, min_size=1, max_size=12, unique_by=str.casefold))
    shortcuts = iter(draw(st.permutations(list(string.digits + string.ascii_lowercase))))
    pool = iter(keys)

    def category(depth: int, top: bool) -> dict | None:
        key = next(pool, None)
        if key is None:
            return None
        cat: dict = {"key": key, "name": draw(_name)}
        definition, rule = draw(_text), draw(_text)
        if definition:
            cat["definition"] = definition
        if rule:
            cat["rule"] = rule
        anchors = draw(st.lists(_text.filter(bool), max_size=3))
        if anchors:
            cat["anchors"] = anchors
        if draw(st.booleans()):
            cat["shortcut"] = next(shortcuts)
        color = draw(_color)
        if color:
            cat["color"] = color
        if top and draw(st.booleans()):
            cat["questions"] = draw(st.lists(_name, min_size=1, max_size=2, unique=True))
        codable = draw(st.sampled_from([None, True, False]))
        if codable is not None:
            cat["codable"] = codable
        if depth < 3:
            kids = [category(depth + 1, False) for _ in range(draw(st.integers(0, 3)))]
            kids = [k for k in kids if k]
            if kids:
                cat["children"] = kids
        return cat

    cats = []
    while True:
        cat = category(0, True)
        if cat is None:
            break
        cats.append(cat)
    return {"name": draw(_name), "description": draw(_text), "categories": cats}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codebooks())
def test_round_trip_random_codebooks(tmp_path_factory, data):
    book = codebook_from_dict(data)
    path = tmp_path_factory.mktemp("rt") / "book.qdc"
    write_qdc(book, path)
    assert read_qdc(path) == _normalised(book)


@settings(max_examples=100, deadline=None)
@given(st.builds(
    Category, key=_key, name=_name, definition=_text, rule=_text,
    anchors=st.lists(_text.filter(bool), max_size=3),
))
def test_description_format_round_trip(cat):
    for language in ("en", "de"):
        parts = parse_description(format_description(cat, language))
        assert (parts.definition, parts.anchors, parts.rule, parts.key) == (
            cat.definition, cat.anchors, cat.rule, cat.key)


def _demo_books() -> list[tuple[str, Codebook]]:
    """The demo codebooks that ship in the package."""
    books = [(path.stem, load_yaml(path)) for path in sorted(CODEBOOKS.glob("*.yaml"))]
    assert len(books) == 2
    return books


def test_round_trip_of_the_demo_codebooks(tmp_path):
    for stem, book in _demo_books():
        target = tmp_path / f"{stem}.qdc"
        write_qdc(book, target)
        assert read_qdc(target) == _normalised(book)


def test_written_codebook_is_stable_and_deterministic(tmp_path):
    book = load_yaml(CODEBOOKS / "kommunalbefragung.yaml")
    assert qdc_bytes(book) == qdc_bytes(copy.deepcopy(book))
    data = qdc_bytes(book).decode()
    assert 'origin="qca ' in data and 'xmlns="urn:QDA-XML:codebook:1.0"' in data
    assert f'guid="{code_guid("CH_REFLEXION")}"' in data


def test_german_labels(tmp_path):
    book = load_yaml(CODEBOOKS / "kommunalbefragung.yaml")
    write_qdc(book, tmp_path / "de.qdc", language="de")
    text = (tmp_path / "de.qdc").read_text("utf-8")
    assert "Ankerbeispiel: " in text and "Kodierregel: " in text
    assert read_qdc(tmp_path / "de.qdc") == _normalised(book)


# --- schema validation -------------------------------------------------------------------


def test_written_codebook_validates_against_the_schema(tmp_path):
    schema = _schema("Codebook.xsd")
    for stem, book in _demo_books():
        target = tmp_path / f"{stem}.qdc"
        write_qdc(book, target)
        schema.validate(str(target))


@settings(max_examples=40, deadline=None)
@given(codebooks())
def test_random_codebooks_validate_against_the_schema(tmp_path_factory, data):
    schema = _schema("Codebook.xsd")
    path = tmp_path_factory.mktemp("xsd") / "book.qdc"
    write_qdc(codebook_from_dict(data), path)
    schema.validate(str(path))


@pytest.mark.parametrize("name", ["maxqda.qdc", "taguette.qdc"])
def test_fixtures_in_codebook_namespace_are_schema_valid(name):
    # The imitations are valid REFI-QDA, except for the quirks imitated on purpose:
    # QualCoder's project namespace, ATLAS.ti's project-style <MemberCode targetGUID>.
    _schema("Codebook.xsd").validate(str(DATA / name))


def test_atlasti_fixture_deviates_only_in_member_code():
    schema = _schema("Codebook.xsd")
    errors = list(schema.iter_errors(str(DATA / "atlasti.qdc")))
    assert errors and all("MemberCode" in str(e.path) for e in errors)


# --- reading what other programs write ----------------------------------------------------


def test_maxqda_nested_codes_colours_and_labelled_descriptions():
    book = read_qdc(DATA / "maxqda.qdc")
    assert book.name == "maxqda"
    # Keys are derived in document order: the nested "Sonstiges" comes first.
    assert [c.key for c in book.categories] == ["Chancen", "Herausforderungen", "Sonstiges_2"]
    chancen = book.categories[0]
    assert chancen.color == "#4c72b0" and chancen.definition.startswith("Chancen von Vielfalt")
    assert chancen.codable is None and not chancen.is_codable
    reflexion, konflikt = chancen.children
    assert reflexion.parent == "Chancen"
    assert reflexion.definition == "Vielfalt regt Lernprozesse an."
    assert reflexion.anchors == ['"Begegnung hilft, Vorurteile zu hinterfragen."',
                                 '"Andere Sichtweisen machen uns sensibler."']
    assert reflexion.rule == "Kodieren, wenn Lernen im Vordergrund steht."
    assert konflikt.anchors == ['"Mehr Perspektiven am Tisch."',
                                '"Netzwerke helfen beim Schlichten."']
    heraus = book.get("Herausforderungen")
    assert heraus.codable is True and heraus.is_codable  # a group that is codable itself
    assert heraus.children[1].key == "Sonstiges"


def test_atlasti_descriptions_braced_guids_and_sets():
    result = load_qdc(DATA / "atlasti.qdc")
    book = result.codebook
    assert result.origin == "ATLAS.ti 23.2.1"
    assert book.get("Themen").codable is False
    assert book.get("Wirtschaft").definition == "Alles zu Arbeit, Steuern oder Unternehmen"
    health = book.get("Gesundheit")
    assert health.anchors == ["Die Wartezeiten beim Arzt sind zu lang."]
    assert health.rule == "Nur Aussagen zur Versorgung, nicht zu Kosten."
    assert book.get("Coke_diet_Coke").name == "Coke::diet Coke"
    assert result.guids["d7aa29da-519b-4946-9b90-253b6db8fd0a"] == "Wirtschaft"
    # Sets: reported with their members (both MemberCode spellings), kept in the description.
    assert [(s.name, s.members) for s in result.sets] == [
        ("Politik", ["Wirtschaft", "Gesundheit"]), ("Getränke", ["Coke_diet_Coke"])]
    assert result.sets[0].description == "Codes zu politischen Themen"
    assert "Politik: Wirtschaft, Gesundheit" in book.description
    assert "2 code sets" in result.summary()


def test_qualcoder_project_namespace_and_colour_quirks():
    result = load_qdc(DATA / "qualcoder.qdc", questions=["Beteiligung", "chancen"])
    book = result.codebook
    assert book.get("Gruende").children[0].name == "Zeitmangel"
    assert book.get("Zeitmangel").color == "#F0A0A0"  # '#' added
    assert book.get("Buerokratie").color == "#00aaff"  # 3 digits expanded
    assert book.get("Buerokratie").anchors == ["Zu viele Formulare.",
                                               "Lange Bearbeitungszeiten."]
    # A top-level code named like a known question is bound to it.
    assert book.get("beteiligung").questions == ["Beteiligung"]
    assert book.get("Gruende").questions == []


def test_no_question_binding_without_known_questions():
    book = read_qdc(DATA / "qualcoder.qdc")
    assert book.questions() == []


def test_taguette_flat_codes_without_colours():
    book = read_qdc(DATA / "taguette.qdc")
    assert [c.name for c in book.categories] == [
        "interesting", "Vertrauen in die Polizei", "Vertrauen in die Polizei!"]
    assert all(c.color is None and not c.children for c in book.categories)
    assert book.keys() == ["interesting", "Vertrauen_in_die_Polizei",
                           "Vertrauen_in_die_Polizei_2"]


def test_fixture_round_trip_keeps_keys(tmp_path):
    for name in ("maxqda.qdc", "atlasti.qdc", "qualcoder.qdc", "taguette.qdc"):
        book = read_qdc(DATA / name)
        write_qdc(book, tmp_path / name)
        assert read_qdc(tmp_path / name) == book


def test_codebook_of_a_project_file(tmp_path):
    text = (DATA / "maxqda.qdc").read_text("utf-8")
    codes = text[text.index("<Codes>"): text.index("</CodeBook>")]
    qde = tmp_path / "project.qde"
    qde.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
        f'name="Studie"><CodeBook>{codes}</CodeBook></Project>', "utf-8")
    book = read_qdc(qde)
    assert book.name == "Studie" and book.get("Reflexion") is not None


def test_no_namespace_and_codes_without_wrapper(tmp_path):
    path = tmp_path / "plain.qdc"
    path.write_text('<CodeBook><Code guid="0b1e0a35-7b7e-4f26-9c13-1c1a5b7e2f09" name="A" '
                    'isCodable="true"/></CodeBook>', "utf-8")
    assert read_qdc(path).keys() == ["A"]


def test_qca_lines_in_foreign_files(tmp_path):
    path = tmp_path / "hand.qdc"
    path.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="0b1e0a35-7b7e-4f26-9c13-1c1a5b7e2f11" name="Gruppe" isCodable="false">'
        "<Description>qca key: G\nqca question: frage_1</Description>"
        '<Code guid="0b1e0a35-7b7e-4f26-9c13-1c1a5b7e2f12" name="Eins" isCodable="true">'
        "<Description>qca key: 9bad\nqca shortcut: XY\nqca question: frage_2</Description>"
        "</Code></Code>"
        '<Code guid="0b1e0a35-7b7e-4f26-9c13-1c1a5b7e2f13" name="Zwei" isCodable="true" '
        'color="red"><Description>qca key: G</Description></Code>'
        "</Codes></CodeBook>", "utf-8")
    result = load_qdc(path)
    book = result.codebook
    assert book.keys() == ["G", "Eins", "Zwei"]
    assert book.get("G").questions == ["frage_1"]
    assert book.get("Eins").questions == [] and book.get("Eins").shortcut is None
    assert book.get("Zwei").color is None
    summary = result.summary()
    for part in ("'9bad' is not valid", "'XY' dropped", "question lines ignored",
                 "'G' is used twice", "'red' dropped"):
        assert part in summary


# --- bad files ---------------------------------------------------------------------------

_XXE = """<?xml version="1.0"?>
<!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="0b1e0a35-7b7e-4f26-9c13-1c1a5b7e2f01" name="&xxe;" isCodable="true"/>
</Codes></CodeBook>"""
_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<CodeBook><Codes><Code guid="0b1e0a35-7b7e-4f26-9c13-1c1a5b7e2f01" name="&lol2;"
isCodable="true"/></Codes></CodeBook>"""
_G1 = "0b1e0a35-7b7e-4f26-9c13-1c1a5b7e2f01"

BAD_FILES = [
    ("not XML", "this is not xml", "bad.qdc: not well-formed XML (syntax error, line 1"),
    ("empty", "", "bad.qdc: the file is empty; export the codebook again"),
    ("wrong root", "<Codebook/>",
     "bad.qdc: root element <Codebook> is not a REFI-QDA <CodeBook> or <Project>"),
    ("project without codebook", '<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>',
     "bad.qdc: the project holds no <CodeBook>"),
    ("no codes", "<CodeBook><Codes/></CodeBook>", "bad.qdc: the codebook holds no codes"),
    ("code without name", f'<CodeBook><Codes><Code guid="{_G1}" isCodable="true"/></Codes>'
     "</CodeBook>", f"bad.qdc: code with GUID {_G1} has no name; give every code a name"),
    ("duplicate GUIDs",
     f'<CodeBook><Codes><Code guid="{_G1}" name="A" isCodable="true"/>'
     f'<Code guid="{{{_G1.upper()}}}" name="B" isCodable="true"/></Codes></CodeBook>',
     f"bad.qdc: GUID {{{_G1.upper()}}} is used by both 'A' and 'B'; each code needs its own"),
    ("XXE", _XXE, "bad.qdc: it declares a DTD or entities, which qca refuses for safety"),
    ("billion laughs", _LAUGHS, "bad.qdc: it declares a DTD or entities"),
    ("unclosed tag", "<CodeBook><Codes>", "bad.qdc: not well-formed XML (no element found"),
    ("zip without qde", None, "bad.qdc: a zip archive without project.qde"),
]


@pytest.mark.parametrize("label, content, message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_codebook_files(tmp_path, label, content, message):
    path = tmp_path / "bad.qdc"
    if content is None:
        import zipfile

        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "no project here")
    else:
        path.write_text(content, "utf-8")
    with pytest.raises(CodebookError) as info:
        read_qdc(path)
    text = str(info.value)
    assert text.startswith(message), text
    assert "\n" not in text


def test_missing_file(tmp_path):
    with pytest.raises(CodebookError, match="file not found; check the path"):
        read_qdc(tmp_path / "nope.qdc")


def test_write_refuses_control_characters_and_empty_books(tmp_path):
    book = Codebook(categories=[Category(key="A", name="A", definition="bell \x07")])
    with pytest.raises(ExportError, match=r"category 'A' holds the control character U\+0007"):
        write_qdc(book, tmp_path / "x.qdc")
    with pytest.raises(ExportError, match="has no categories"):
        write_qdc(Codebook(), tmp_path / "x.qdc")
    with pytest.raises(ExportError, match="does not exist; create it first"):
        write_qdc(Codebook(categories=[Category(key="A", name="A")]),
                  tmp_path / "missing" / "x.qdc")


# === projects (.qdpx) =====================================================================

import json  # noqa: E402
import zipfile  # noqa: E402

from qca.coding import set_coding  # noqa: E402
from qca.errors import InputError  # noqa: E402
from qca.refi import export_qdpx, import_qdpx, source_text  # noqa: E402
from qca.refi._xml import local, parse  # noqa: E402
from qca.revise import replace_codebook  # noqa: E402
from qca.store import Project  # noqa: E402

_PROJECT_BOOK = {
    "name": "Teststudie",
    "categories": [
        {"key": "CHANCEN", "name": "Chancen", "questions": ["chancen"], "color": "#4C72B0",
         "children": [
             {"key": "CH_A", "name": "Reflexion", "definition": "Lernen.",
              "anchors": ["Vorurteile abbauen."], "rule": "Nur Lernen.", "shortcut": "1"},
             {"key": "CH_B", "name": "Zusammenhalt", "shortcut": "2"},
         ]},
        {"key": "HERAUS", "name": "Herausforderungen", "questions": ["heraus"],
         "children": [{"key": "HE_A", "name": "Sprache", "shortcut": "1"}]},
        {"key": "SONST", "name": "Sonstiges"},
    ],
}
_SEGMENTS = [
    # id, source, question, position, heading, text
    ("R1#chancen", "R1", "chancen", 1, None, "Begegnung baut Vorurteile ab – schön! 😀"),
    ("R2#chancen", "R2", "chancen", 1, None, "Mehr Zusammenhalt\nim Viertel."),
    ("R1#heraus", "R1", "heraus", 1, None, "Sprachbarrieren."),
    ("P1#1", "P1", None, 1, "TOP 1", "Frau K. eröffnet die Sitzung."),
    ("P1#2", "P1", None, 2, "TOP 1", "Herr L. berichtet über Konflikte 🙂 im Park."),
    ("P1#3", "P1", None, 3, "TOP 2", "Verschiedenes."),
]
_CODINGS = [
    ("R1#chancen", "CH_A", "anna"), ("R1#chancen", "CH_B", "anna"), ("R1#heraus", "HE_A", "anna"),
    ("P1#1", "SONST", "anna"), ("R1#chancen", "CH_A", "ben"), ("R2#chancen", "CH_B", "ben"),
    ("P1#2", "SONST", "ben"),
]


def _build_project(path: Path) -> Project:
    proj = Project.create(path)
    replace_codebook(proj, codebook_from_dict(_PROJECT_BOOK), author="lead", note="start")
    with proj.transaction():
        proj.conn.executemany(
            "INSERT INTO sources (id, kind, name, variables) VALUES (?, ?, ?, ?)",
            [("R1", "survey", "umfrage.csv", json.dumps({"amt": "Jugend", "jahr": "2023"})),
             ("R2", "survey", "umfrage.csv", json.dumps({"amt": "Ordnung", "jahr": "2024"})),
             ("P1", "protocol", "sitzung.docx", json.dumps({"treffen": "1"}))],
        )
        proj.conn.executemany(
            "INSERT INTO segments (id, seq, source_id, question, position, heading, text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(sid, n, src, q, pos, head, text)
             for n, (sid, src, q, pos, head, text) in enumerate(_SEGMENTS, 1)],
        )
        proj.add_variable_names(["amt", "jahr", "treffen"])
    for seg, cat, coder in _CODINGS:
        set_coding(proj, seg, cat, coder, True)
    return proj


def _coding_triples(proj: Project) -> set[tuple[str, str, str]]:
    texts = {s.id: s.text for s in proj.segments()}
    return {(texts[c.segment_id], c.category, c.coder) for c in proj.codings()}


@pytest.fixture
def exported(tmp_path):
    proj = _build_project(tmp_path / "study.qca")
    target = tmp_path / "study.qdpx"
    result = export_qdpx(proj, target)
    yield proj, target, result
    proj.close()


def _qde(path: Path):
    with zipfile.ZipFile(path) as archive:
        return parse(archive.read("project.qde")), {
            n: archive.read(n).decode("utf-8") for n in archive.namelist() if n != "project.qde"}


def test_export_validates_against_the_project_schema(exported, tmp_path):
    schema = _schema("Project.xsd")
    _, target, _ = exported
    with zipfile.ZipFile(target) as archive:
        (tmp_path / "project.qde").write_bytes(archive.read("project.qde"))
    schema.validate(str(tmp_path / "project.qde"))


def test_export_structure_and_offsets(exported):
    proj, target, result = exported
    assert (result.sources, result.selections, result.codings, result.users) == (3, 6, 7, 2)
    root, files = _qde(target)
    assert root.tag == "{urn:QDA-XML:project:1.0}Project"
    assert root.get("origin").startswith("qca ")
    users = {u.get("guid"): u.get("name") for u in root.iter() if local(u.tag) == "User"}
    assert sorted(users.values()) == ["anna", "ben"]
    codes = {c.get("guid"): c.get("name") for c in root.iter() if local(c.tag) == "Code"}
    assert codes[code_guid("CH_A")] == "Reflexion"
    texts = {s.id: s.text for s in proj.segments()}
    seen = set()
    for source in (e for e in root.iter() if local(e.tag) == "TextSource"):
        path = source.get("plainTextPath")
        assert path.startswith("internal://")
        text = files["sources/" + path[len("internal://"):]]
        for sel in (e for e in source if local(e.tag) == "PlainTextSelection"):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            assert text[start:end] == texts[sel.get("name")]  # code-point offsets
            seen.add(sel.get("name"))
            for coding in (e for e in sel if local(e.tag) == "Coding"):
                assert users[coding.get("creatingUser")] in {"anna", "ben"}
    assert seen == set(texts)
    survey = next(t for n, t in files.items() if "chancen:\nBegegnung" in t)
    assert survey.startswith("chancen:\nBegegnung baut Vorurteile ab")
    assert "heraus:\nSprachbarrieren." in survey
    protocol = next(t for t in files.values() if t.startswith("TOP 1"))
    assert protocol == ("TOP 1\n\nFrau K. eröffnet die Sitzung.\n\nHerr L. berichtet über "
                        "Konflikte 🙂 im Park.\n\nTOP 2\n\nVerschiedenes.")


def test_export_is_deterministic(exported, tmp_path):
    proj, target, _ = exported
    export_qdpx(proj, tmp_path / "again.qdpx")
    assert target.read_bytes() == (tmp_path / "again.qdpx").read_bytes()


def test_round_trip_through_qdpx(exported, tmp_path):
    proj, target, _ = exported
    fresh = Project.create(tmp_path / "fresh.qca")
    try:
        result = import_qdpx(fresh, target)
        assert _coding_triples(fresh) == _coding_triples(proj)
        assert fresh.codebook().categories == _normalised(proj.codebook()).categories
        assert {s.id: s.variables for s in fresh.sources()} == {
            s.id: s.variables for s in proj.sources()}
        # qca's own file brings the origins back (another tool's codings are "imported")
        assert {c.origin for c in fresh.codings()} == {c.origin for c in proj.codings()}
        # Survey answers get their question back (qca's own line on the selection).
        questions = {s.text: s.question for s in fresh.segments()}
        assert questions["Sprachbarrieren."] == "heraus"
        assert questions["Verschiedenes."] is None
        assert (result.sources_added, result.segments_added, result.codings_added) == (3, 6, 7)
        assert result.coders == ["anna", "ben"]
        event = fresh.events()[-1]
        assert (event.action, event.target) == ("import", "study.qdpx")
        assert event.after["codings"] == 7
        # Importing the same file again adds nothing.
        events, version = len(fresh.events()), fresh.codebook_version()
        again = import_qdpx(fresh, target)
        assert (again.sources_added, again.segments_added, again.codings_added) == (0, 0, 0)
        assert (again.segments_present, again.codings_present) == (6, 7)
        assert again.codes_added == []
        assert len(fresh.events()) == events and fresh.codebook_version() == version
        assert "0 codings added" in again.summary()
    finally:
        fresh.close()


def test_import_into_the_original_project_is_refused(exported):
    proj, target, _ = exported
    with pytest.raises(InputError) as info:
        import_qdpx(proj, target)
    message = str(info.value)
    assert message.startswith("study.qdpx: 3 problem(s), nothing imported: source 'R1' is "
                              "already in the project as a survey source")
    assert "source 'P1' is already in the project as a protocol source" in message
    assert message.endswith("import into a new project or with an id prefix")
    assert "\n" not in message
    # With a prefix the sources are kept apart.
    result = import_qdpx(proj, target, id_prefix="copy:")
    assert result.sources_added == 3 and result.codes_added == []


def _zip_dir(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return target


def test_import_foreign_project(tmp_path):
    archive = _zip_dir(DATA / "atlas_project", tmp_path / "atlas.qdpx")
    proj = Project.create(tmp_path / "p.qca")
    try:
        replace_codebook(proj, codebook_from_dict(
            {"categories": [{"key": "WIRT", "name": "wirtschaft", "definition": "ours"}]}),
            author="lead", note="start")
        result = import_qdpx(proj, archive)
        book = proj.codebook()
        # "Wirtschaft" matched the existing category by name; the rest was added.
        assert book.get("WIRT").definition == "ours"
        assert result.codes_added == ["Gesundheit", "Stimmung", "froh"]
        assert book.get("froh").parent == "Stimmung" and result.codebook_version == 2
        assert book.get("Gesundheit").anchors == ["Die Wartezeiten beim Arzt sind zu lang."]
        sources = {s.id: s for s in proj.sources()}
        assert set(sources) == {"Interview M.docx", "Notiz"}
        assert sources["Interview M.docx"].variables == {"Alter": "67", "Geschlecht": "weiblich"}
        assert sources["Interview M.docx"].kind == "protocol"
        segments = {s.id: s for s in proj.segments()}
        assert segments["Interview M.docx#23-62"].text == "Die Wartezeiten beim Arzt sind zu lang."
        # Offsets count code points of the file, "\r" included, not UTF-16 units.
        assert segments["Interview M.docx#109-114"].text == "Ende."
        assert segments["Notiz#17-24"].text == "Steuern"
        assert segments["Interview M.docx#23-62"].position == 23
        triples = {(c.segment_id, c.category, c.coder) for c in proj.codings()}
        assert triples == {
            ("Interview M.docx#23-62", "Gesundheit", "Friedrich Markgraf"),
            ("Interview M.docx#23-62", "Gesundheit", "Petrausch Sebastian"),
            ("Interview M.docx#23-62", "froh", "Petrausch Sebastian"),
            ("Interview M.docx#63-91", "WIRT", "Friedrich Markgraf"),
            ("Interview M.docx#109-114", "froh", "Petrausch Sebastian"),
            ("Notiz#17-24", "WIRT", "Friedrich Markgraf"),
        }
        assert {c.created_at for c in proj.codings()} >= {"2018-03-27T19:29:27Z"}
        assert result.skipped == {"picture sources": 1, "empty selections": 1}
        assert "1 picture sources skipped" in result.summary()
        assert import_qdpx(proj, archive).codings_added == 0
    finally:
        proj.close()


def _qdpx(tmp_path: Path, qde: str | None, files: dict[str, str] | None = None) -> Path:
    target = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(target, "w") as archive:
        if qde is not None:
            archive.writestr("project.qde", qde)
        for name, text in (files or {}).items():
            archive.writestr(name, text)
    return target


_CODE = ('<CodeBook><Codes><Code guid="0b1e0a35-7b7e-4f26-9c13-1c1a5b7e2f01" name="A" '
         'isCodable="true"/></Codes></CodeBook>')


def _src(body: str, attrs: str = "") -> str:
    return (f'<Project xmlns="urn:QDA-XML:project:1.0" name="x">{_CODE}<Sources>'
            f'<TextSource guid="0b1e0a35-7b7e-4f26-9c13-1c1a5b7e2f02" name="S" {attrs}>'
            f"{body}</TextSource></Sources></Project>")


_SEL = ('<PlainTextSelection guid="0b1e0a35-7b7e-4f26-9c13-1c1a5b7e2f03" startPosition="{0}" '
        'endPosition="{1}"><Coding guid="0b1e0a35-7b7e-4f26-9c13-1c1a5b7e2f04"><CodeRef '
        'targetGUID="{2}"/></Coding></PlainTextSelection>')
_A = "0b1e0a35-7b7e-4f26-9c13-1c1a5b7e2f01"

BAD_PROJECTS = [
    ("not a zip", "NOT A ZIP", None, "bad.qdpx: not a zip archive"),
    ("no project.qde", None, {"sources/x.txt": "x"}, "bad.qdpx: the archive holds no project.qde"),
    ("not XML", "<Project", None, "bad.qdpx (project.qde): not well-formed XML"),
    ("XXE", _XXE, None, "bad.qdpx (project.qde): it declares a DTD or entities"),
    ("wrong root", _CODE, None, "bad.qdpx: project.qde has root <CodeBook>, not a REFI-QDA"),
    ("selection outside the text",
     _src("<PlainTextContent>kurz</PlainTextContent>" + _SEL.format(2, 40, _A)), None,
     "bad.qdpx: 1 problem(s), nothing imported: source 'S': selection 2-40 lies outside its "
     "text of 4 characters"),
    ("unknown code", _src("<PlainTextContent>kurz</PlainTextContent>" + _SEL.format(
        0, 4, "0b1e0a35-7b7e-4f26-9c13-1c1a5b7e2fff")), None,
     "bad.qdpx: 1 problem(s), nothing imported: source 'S': a coding refers to unknown code"),
    ("missing source file", _src("", 'plainTextPath="internal://gone.txt"'), None,
     "bad.qdpx: 1 problem(s), nothing imported: source 'S': internal://gone.txt is not in"),
    ("cases after sources", _src("<PlainTextContent>kurz</PlainTextContent>").replace(
        "</Sources>", "</Sources><Cases/>"), None,
     "bad.qdpx: project.qde has <Cases> after <Sources>, against the REFI-QDA order"),
    ("duplicate code GUIDs", _src("").replace(
        "</Codes>", f'<Code guid="{_A}" name="B" isCodable="true"/></Codes>'), None,
     f"bad.qdpx: GUID {_A} is used by both 'A' and 'B'"),
]


@pytest.mark.parametrize("label, qde, files, message", BAD_PROJECTS,
                         ids=[b[0] for b in BAD_PROJECTS])
def test_bad_project_files(tmp_path, label, qde, files, message):
    if qde == "NOT A ZIP":
        path = tmp_path / "bad.qdpx"
        path.write_text("plain text", "utf-8")
    else:
        path = _qdpx(tmp_path, qde, files)
    proj = Project.create(tmp_path / "p.qca")
    try:
        with pytest.raises(InputError) as info:
            import_qdpx(proj, path)
        text = str(info.value)
        assert text.startswith(message), text
        assert "\n" not in text
        assert proj.count("sources") == 0 and proj.codebook_version() == 0
    finally:
        proj.close()


def test_export_to_a_missing_folder(exported, tmp_path):
    proj, _, _ = exported
    with pytest.raises(ExportError, match="does not exist; create it first"):
        export_qdpx(proj, tmp_path / "nope" / "x.qdpx")


# --- the whole text of protocols ----------------------------------------------------------

_PROTOCOL_MD = """\
# Sitzung am 3. Mai

**Ort:** Rathaus, Raum 2

## TOP 1 Begrüßung

Frau K. eröffnet die Sitzung. 😀

---

## TOP 2 Konflikte

- Lärm im Park
- Müll

Herr L. berichtet über Konflikte im Park.
"""


def _exported_sources(target: Path) -> dict[str, tuple[str, list[tuple[str, int, int]]]]:
    """Per source name: its text and its selections (name, start, end)."""
    root, files = _qde(target)
    found = {}
    for source in (e for e in root.iter() if local(e.tag) == "TextSource"):
        text = files["sources/" + source.get("plainTextPath")[len("internal://"):]]
        found[source.get("name")] = (text, [
            (sel.get("name"), int(sel.get("startPosition")), int(sel.get("endPosition")))
            for sel in source if local(sel.tag) == "PlainTextSelection"])
    return found


def _validate_qde(target: Path, tmp_path: Path) -> None:
    schema = _schema("Project.xsd")
    with zipfile.ZipFile(target) as archive:
        (tmp_path / "project.qde").write_bytes(archive.read("project.qde"))
    schema.validate(str(tmp_path / "project.qde"))


@pytest.fixture
def protocol_export(tmp_path):
    proj = Project.create(tmp_path / "sitzung.qca")
    replace_codebook(proj, codebook_from_dict(_PROJECT_BOOK), author="lead", note="start")
    path = tmp_path / "sitzung.md"
    path.write_text(_PROTOCOL_MD, encoding="utf-8")
    import_protocol(proj, path, variables={"treffen": "1"})
    set_coding(proj, "sitzung#3", "SONST", "anna", True)
    set_coding(proj, "sitzung#2", "SONST", "ben", True)
    target = tmp_path / "sitzung.qdpx"
    export_qdpx(proj, target)
    yield proj, path, target
    proj.close()


def test_protocol_export_writes_the_whole_text(protocol_export):
    proj, path, target = protocol_export
    text, selections = _exported_sources(target)["sitzung"]
    assert text == read_protocol_document(path).text
    for heading in ("Sitzung am 3. Mai", "TOP 1 Begrüßung", "TOP 2 Konflikte"):
        assert f"{heading}\n\n" in text
    segments = {s.id: s.text for s in proj.segments()}
    assert [name for name, _, _ in selections] == list(segments)
    for name, start, end in selections:
        assert text[start:end] == segments[name]
    # Offsets count code points: the emoji before passage 3 is one character.
    start = next(s for name, s, _ in selections if name == "sitzung#3")
    assert start == text.index("- Lärm im Park")


def test_protocol_export_validates_against_the_project_schema(protocol_export, tmp_path):
    _validate_qde(protocol_export[2], tmp_path)


def test_protocol_round_trip_keeps_the_whole_text(protocol_export, tmp_path):
    proj, _, target = protocol_export
    fresh = Project.create(tmp_path / "fresh.qca")
    try:
        result = import_qdpx(fresh, target)
        assert (result.sources_added, result.segments_added, result.codings_added) == (1, 4, 2)
        assert _coding_triples(fresh) == _coding_triples(proj)
        kept = fresh.conn.execute("SELECT text FROM source_texts").fetchone()[0]
        original = _exported_sources(target)["sitzung"]
        assert kept == original[0]
        again = tmp_path / "again.qdpx"
        export_qdpx(fresh, again)
        text, selections = _exported_sources(again)["sitzung"]
        assert text == original[0]
        assert [(s, e) for _, s, e in selections] == [(s, e) for _, s, e in original[1]]
    finally:
        fresh.close()


def test_kept_text_that_lost_a_segment_is_rebuilt(protocol_export, tmp_path):
    proj, _, _ = protocol_export
    with proj.transaction():
        proj.conn.execute("DELETE FROM segment_spans WHERE segment_id = 'sitzung#2'")
    target = tmp_path / "rebuilt.qdpx"
    export_qdpx(proj, target)
    text, selections = _exported_sources(target)["sitzung"]
    segs = sorted(proj.segments(), key=lambda s: s.position)
    assert text == source_text("protocol", segs)[0]
    segments = {s.id: s.text for s in segs}
    assert all(text[start:end] == segments[name] for name, start, end in selections)


def test_project_from_before_kept_texts_exports_as_before(tmp_path):
    from conftest import project_before_source_texts

    path = tmp_path / "alt.qca"
    project_before_source_texts(path)
    with Project.open(path) as proj:
        extra = tmp_path / "neu.md"
        extra.write_text(_PROTOCOL_MD, encoding="utf-8")
        import_protocol(proj, extra)
        target = tmp_path / "alt.qdpx"
        export_qdpx(proj, target)
        segments = {s.id: s.text for s in proj.segments()}
    sources = _exported_sources(target)
    # The protocol imported by the older qca: its text rebuilt from its passages.
    assert sources["P"][0] == ("Protokoll > TOP 1\n\nErster Absatz.\n\n"
                               "Protokoll > TOP 2\n\nZweiter Absatz.")
    assert sources["R1"][0] == "q:\nAntwort."
    assert sources["neu"][0] == read_protocol_document(extra).text
    for text, selections in sources.values():
        assert all(text[start:end] == segments[name] for name, start, end in selections)
    _validate_qde(target, tmp_path)


def test_foreign_text_is_kept_with_normalised_line_ends(tmp_path):
    archive = _zip_dir(DATA / "atlas_project", tmp_path / "atlas.qdpx")
    proj = Project.create(tmp_path / "p.qca")
    try:
        import_qdpx(proj, archive)
        kept = dict(proj.conn.execute("SELECT source_id, text FROM source_texts"))
        assert set(kept) == {"Interview M.docx", "Notiz"}
        assert "\r" not in kept["Interview M.docx"]
        target = tmp_path / "again.qdpx"
        export_qdpx(proj, target)
        segments = {s.id: s.text for s in proj.segments()}
        sources = _exported_sources(target)
        assert sources["Interview M.docx"][0] == kept["Interview M.docx"]
        for text, selections in sources.values():
            assert all(text[start:end] == segments[name] for name, start, end in selections)
        assert sum(len(sel) for _, sel in sources.values()) == len(segments)
        # Offsets of the file (with "\r\n") became offsets of the kept text (with "\n").
        spans = {row[0]: (row[1], row[2]) for row in proj.conn.execute(
            "SELECT segment_id, start_position, end_position FROM segment_spans")}
        assert spans["Interview M.docx#109-114"] == (107, 112)  # two "\r\n" before it
        assert spans["Notiz#17-24"] == (17, 24)
        assert import_qdpx(proj, archive).segments_added == 0
    finally:
        proj.close()


def test_parse_stream_reads_in_blocks_and_drops_what_was_used():
    import io as _io

    from qca.refi._xml import XmlProblem, parse_stream

    many = b"".join(b'<S n="%d">' % i + b"x" * 1000 + b"</S>" for i in range(3000))
    doc = b'<P><!-- meta --><C/><Sources>' + many + b"</Sources></P>"
    seen = []
    root = parse_stream(_io.BytesIO(doc), drop=lambda e, p: seen.append(e.get("n")) or
                        p.tag == "Sources")
    assert len(seen) == 3000 + 2 and [c.tag for c in root][1:] == ["C", "Sources"]
    assert len(root.find("Sources")) == 0  # every source let go once read
    with pytest.raises(XmlProblem, match="DTD or entities"):
        parse_stream(_io.BytesIO(b'<!DOCTYPE P [<!ENTITY e "x">]><P>&e;</P>'))
