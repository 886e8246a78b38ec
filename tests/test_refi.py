"""REFI-QDA exchange: .qdc codebooks and .qdpx projects."""

from __future__ import annotations

import copy
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qca.codebook import Category, Codebook, codebook_from_dict, load_yaml
from qca.errors import CodebookError, ExportError
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
REPO = Path(__file__).resolve().parents[1]
SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "refi-qda"


def _schema(name: str):
    xmlschema = pytest.importorskip("xmlschema")
    path = SCHEMAS / name
    if not path.exists():
        pytest.skip(f"{path} is missing (the shared REFI-QDA folder is only in team checkouts)")
    return xmlschema.XMLSchema(str(path))


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
    """The demo codebooks of the repository that are valid right now."""
    books = []
    for path in sorted((REPO / "codebooks").glob("*.yaml")):
        try:
            books.append((path.stem, load_yaml(path)))
        except CodebookError:
            continue
    if not books:
        pytest.skip("no valid demo codebook in codebooks/")
    return books


def test_round_trip_of_the_demo_codebooks(tmp_path):
    for stem, book in _demo_books():
        target = tmp_path / f"{stem}.qdc"
        write_qdc(book, target)
        assert read_qdc(target) == _normalised(book)


def test_written_codebook_is_stable_and_deterministic(tmp_path):
    book = load_yaml(REPO / "codebooks" / "kommunalbefragung.yaml")
    assert qdc_bytes(book) == qdc_bytes(copy.deepcopy(book))
    data = qdc_bytes(book).decode()
    assert 'origin="qca ' in data and 'xmlns="urn:QDA-XML:codebook:1.0"' in data
    assert f'guid="{code_guid("CH_REFLEXION")}"' in data


def test_german_labels(tmp_path):
    book = load_yaml(REPO / "codebooks" / "kommunalbefragung.yaml")
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
