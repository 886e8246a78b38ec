"""Detection of personal data: the rules, the word lists, the user's list and spaCy NER."""

from __future__ import annotations

import pytest

from qca.pseudonymise.detect import Detector, Terms, build_terms


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def _found(detector: Detector, text: str) -> set[tuple[str, str]]:
    return {(f.kind, f.text) for f in detector.find(text)}


@pytest.mark.parametrize(("text", "expected"), [
    ("Frau Dr. Seidel betont, dass", {("Person", "Seidel")}),
    ("Herr Brenner und Frau Koch vom Seniorenbeirat", {("Person", "Brenner"),
                                                        ("Person", "Koch")}),
    ("Bürgermeisterin Krüger eröffnet die Sitzung.", {("Person", "Krüger")}),
    ("Prof. Dr. Renate Albers-Quast stellt vor.", {("Person", "Renate Albers-Quast")}),
    ("Jana Seidel, Bauverwaltung", {("Person", "Jana Seidel")}),
    ("Haddad: Wir brauchen mehr Zeit.\nModeratorin: Danke.", {("Person", "Haddad")}),
    ("Herr Öztürk (Quartiersmanagement): Das sehe ich auch so.", {("Person", "Öztürk")}),
    ("- Nnamdi Okafor, Integrationsrat", {("Person", "Nnamdi Okafor")}),
    ("die beratung bei herrn schulte war gut", {("Person", "schulte")}),
    ("Frank Ober-\nländer ergänzt", {("Person", "Frank Ober-\nländer")}),
    ("Schreiben Sie an j.seidel@example.org.", {("E-Mail", "j.seidel@example.org")}),
    ("Rückruf unter 0176 23456789 oder +49 (0)30 1234567", {("Telefon", "0176 23456789"),
                                                             ("Telefon", "+49 (0)30 1234567")}),
    ("IBAN DE89 3704 0044 0532 0130 00 bitte", {("IBAN", "DE89 3704 0044 0532 0130 00")}),
    ("Wir wohnen Mühlenstraße 8 seit Jahren.", {("Adresse", "Mühlenstraße 8")}),
    ("Treffen Am Anger 5, 63450 Hanau", {("Adresse", "Am Anger 5, 63450 Hanau")}),
    ("Infos: https://example.org/hilfe?id=3.", {("URL", "https://example.org/hilfe?id=3")}),
    ("Die Stadt Auenfeld und die Gemeinde Ellerbach", {("Ort", "Auenfeld"), ("Ort", "Ellerbach")}),
    ("Nach dem Umzug aus Gelsenkirchen", {("Ort", "Gelsenkirchen")}),
])
def test_finds(detector: Detector, text: str, expected: set[tuple[str, str]]) -> None:
    assert _found(detector, text) == expected


@pytest.mark.parametrize("text", [
    "Die Moderatorin fragt, ob das Ordnungsamt beteiligt ist.",
    "Der Bürgermeister lässt sich entschuldigen; Herr Bürgermeister, bitte.",
    "Eine Frau Mitte fünfzig aus dem Publikum fragt nach dem Bus.",
    "Herr der Lage sei die Denkmalpflege.",
    "Im August war das Straßenfest, im Sommer 2024 ist es ausgefallen.",
    "Der Koch der Kita-Küche kocht beim Fest.",
    "Die Kollegen im Außendienst machen einen guten Job.",
    "Aus Sicht der Praxis: mehr Vielfalt in Kitas, je nach Herkunft.",
    "Datum: 12. Februar 2025\nProtokoll: siehe Anlage\nTeilnehmende: 12",
    "Solange die Stelle befristet ist, bleibt alles offen.",
    "- Zusammenhalt\n- neue Ideen\n- Sozialer Zusammenhalt",
    "Die Stabsstelle Klima in der Stadtverwaltung, 50000 Euro im Jahr 2025.",
])
def test_does_not_find_roles_offices_or_common_words(detector: Detector, text: str) -> None:
    assert _found(detector, text) == set()


@pytest.mark.parametrize(("text", "expected"), [
    ("Herr Lange und Frau Groß sind dagegen.", {("Person", "Lange"), ("Person", "Groß")}),
    ("Protokoll: J. Albrecht", {("Person", "J. Albrecht")}),
    ("Prof. H. Vossberg trägt vor.", {("Person", "H. Vossberg")}),
    ("Wir fahren nach Brühl oder Marl.", {("Ort", "Brühl"), ("Ort", "Marl")}),
    ("Der Bus Richtung Zülpich fällt aus.", {("Ort", "Zülpich")}),
    ("Zülpich plant ein Fahrradparkhaus.", {("Ort", "Zülpich")}),
    ("Sie zog nach Bad Honnef.", {("Ort", "Bad Honnef")}),
    ("Treffpunkt Konrad-Adenauer-Platz 5 um neun.", {("Adresse", "Konrad-Adenauer-Platz 5")}),
    ("Am Dr.-Otto-Schmidt-Weg 2 fehlt Licht.", {("Adresse", "Dr.-Otto-Schmidt-Weg 2")}),
    ("Rückruf: 0221 / 44 55 66", {("Telefon", "0221 / 44 55 66")}),
    ("wir haben mit tim und lisa gekocht, das war schön", {("Person", "tim"),
                                                          ("Person", "lisa")}),
])
def test_finds_more(detector: Detector, text: str, expected: set[tuple[str, str]]) -> None:
    assert _found(detector, text) == expected


@pytest.mark.parametrize("text", [
    "Anwohnerin: Nachts ist es laut.\nInterviewerin: Danke.",
    "Vertreter Polizei: Wir kontrollieren seit März.",
    "Frau Bürgermeisterin a. D. bietet Hilfe an.",
    "- Rassismus\n- Zeitmangel und Personalmangel\n- Beschwerdemanagement",
    "Die Kurse sind auf Vietnamesisch und Türkisch.",
])
def test_does_not_find_more(detector: Detector, text: str) -> None:
    assert _found(detector, text) == set()


def test_a_surname_that_is_a_word_stays_the_word_after_im(detector: Detector) -> None:
    texts = ["Frau Winter aus dem Bauamt kommt.", "Im Winter ist es dunkel, im Winter."]
    terms, _ = build_terms(texts, detector)
    assert [terms.occurrences(t) for t in texts] == [[(5, 11, "Winter")], []]


def test_user_list_and_keep() -> None:
    mine = Detector(names=["Straßenfest", ("Ort", "Kleinkleckersdorf")], keep=["Seidel"])
    found = _found(mine, "Frau Seidel organisiert das Straßenfest in Kleinkleckersdorf.")
    assert found == {("Person", "Straßenfest"), ("Ort", "Kleinkleckersdorf")}


def test_one_person_one_entity_across_texts(detector: Detector) -> None:
    texts = ["Teilnehmende: Jana Seidel, Bauverwaltung", "Frau Seidel berichtet.",
             "Seidel: Das stimmt.", "Jana meint, Seidels Vorschlag sei gut."]
    terms, _ = build_terms(texts, detector)
    entities = {terms.entity[t] for t in ("Jana Seidel", "Seidel", "Jana")}
    assert entities == {"Person:Seidel"}
    found = [[text[a:b] for a, b, _ in terms.occurrences(text)] for text in texts]
    assert found == [["Jana Seidel"], ["Seidel"], ["Seidel"], ["Jana", "Seidel"]]


def test_a_first_name_of_two_people_is_its_own_entity(detector: Detector) -> None:
    terms, _ = build_terms(["Jana Seidel und Jana Krüger", "Jana sagt nichts."], detector)
    assert terms.entity["Jana Seidel"] != terms.entity["Jana Krüger"]
    assert terms.entity["Jana"] not in (terms.entity["Jana Seidel"],
                                        terms.entity["Jana Krüger"])


def test_a_common_word_surname_is_not_replaced_after_an_article(detector: Detector) -> None:
    terms, _ = build_terms(["Frau Koch spricht.", "Der Koch kocht, Koch lacht."], detector)
    occurrences = terms.occurrences("Der Koch kocht, Koch lacht.")
    assert [(a, b) for a, b, _ in occurrences] == [(16, 20)]


@pytest.fixture(scope="module")
def ner_pipeline():
    """spaCy's own entity recogniser API on a blank German pipeline: an entity ruler
    stands in for a trained model's ``ner`` pipe (no model is downloaded)."""
    import spacy

    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": "PER", "pattern": [{"TEXT": "Frau"}, {"TEXT": "Wiśniewska"}]},
        {"label": "ORG", "pattern": "Kulturbrücke"},
        {"label": "ORG", "pattern": "Ordnungsamt"},
        {"label": "LOC", "pattern": "Zülpich"},
        {"label": "LOC", "pattern": "Deutschland"},
    ])
    return nlp


def test_named_entities_of_a_spacy_pipeline(ner_pipeline) -> None:
    with_ner = Detector(ner=ner_pipeline)
    text = ("Frau Wiśniewska vom Verein Kulturbrücke lebt in Zülpich, Deutschland; "
            "das Ordnungsamt weiß Bescheid.")
    assert _found(with_ner, text) == {("Person", "Wiśniewska"), ("Organisation", "Kulturbrücke"),
                                      ("Ort", "Zülpich")}


def test_named_entities_in_batches_are_those_one_by_one(ner_pipeline) -> None:
    with_ner = Detector(ner=ner_pipeline)
    texts = ["Frau Wiśniewska kommt.", "Nichts.", "Die Kulturbrücke in Zülpich."]
    assert list(with_ner.find_all(texts)) == [with_ner.find(t) for t in texts]
    terms, _ = build_terms(texts, with_ner)
    assert terms.kind["Kulturbrücke"] == "Organisation" and terms.kind["Zülpich"] == "Ort"


def test_the_detector_uses_no_model_unless_a_genuine_one_is_installed(monkeypatch) -> None:
    from qca.pseudonymise import detector as make

    monkeypatch.setenv("QCA_PIPELINE", "offline")
    assert make().ner is None


def test_terms_ignore_the_empty_project() -> None:
    assert Terms().occurrences("Frau Seidel") == []
