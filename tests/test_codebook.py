from __future__ import annotations

import json
from pathlib import Path

import pytest

from qca.codebook import codebook_from_dict, dump_yaml, join_codebooks, load_yaml, slug_key
from qca.demo import data_root
from qca.errors import CodebookError

from conftest import SMALL_CODEBOOK


def book_dict() -> dict:
    return json.loads(json.dumps(SMALL_CODEBOOK))


def test_walk_order_and_question_binding(small_codebook) -> None:
    assert small_codebook.keys()[:4] == ["CH", "CH_REFL", "CH_ZUS", "CH_SONST"]
    offered = [c.key for c in small_codebook.codable_for_question("chancen")]
    assert offered == ["CH_REFL", "CH_ZUS", "CH_SONST", "MEMO"]
    assert [c.key for c in small_codebook.codable_for_question(None)] == ["MEMO"]
    assert small_codebook.questions() == ["chancen", "herausforderungen"]
    assert not small_codebook.get("CH").is_codable


def test_yaml_round_trip(small_codebook, tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text(dump_yaml(small_codebook), encoding="utf-8")
    again = load_yaml(path)
    assert again == small_codebook


def mutate(change):
    data = book_dict()
    change(data)
    return data


BAD_BOOKS = [
    (mutate(lambda d: d["categories"][0]["children"][0].update(key="1bad")), "not valid"),
    (mutate(lambda d: d["categories"][0]["children"][1].update(key="CH_REFL")), "used twice"),
    (mutate(lambda d: d["categories"][0]["children"][1].update(shortcut="1")), "shortcut '1'"),
    (mutate(lambda d: d["categories"][2].update(shortcut="1")), "shortcut '1'"),
    (mutate(lambda d: d["categories"][0].update(color="red")), "#RRGGBB"),
    (mutate(lambda d: d["categories"][0].update(colour="#ffffff")), "unknown field"),
    (mutate(lambda d: d["categories"][0]["children"][0].update(questions=["x"])), "top-level"),
    (mutate(lambda d: d["categories"][0]["children"][0].pop("key")), "has no key"),
    (mutate(lambda d: d["categories"][0]["children"][0].update(shortcut="F1")), "one digit"),
    ({"name": "x"}, "'categories' list"),
]


@pytest.mark.parametrize(("data", "message"), BAD_BOOKS)
def test_invalid_codebooks(data, message) -> None:
    with pytest.raises(CodebookError, match=message):
        codebook_from_dict(data)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text("categories:\n  - key: A\n    name: [unclosed\n", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"cb.yaml, line \d+"):
        load_yaml(path)


def test_join_refuses_clashing_keys(small_codebook) -> None:
    with pytest.raises(CodebookError, match="used twice"):
        join_codebooks([small_codebook, codebook_from_dict(book_dict())])


def test_slug_key() -> None:
    assert slug_key("Stärkung des Zusammenhalts") == "Staerkung_des_Zusammenhalts"
    assert slug_key("1. Chance", ["c_1_Chance"]) == "c_1_Chance_2"
    assert slug_key("!!!") == "code"


@pytest.mark.parametrize("path", sorted((data_root() / "codebooks").glob("*.yaml")))
def test_bundled_codebooks_load(path: Path) -> None:
    book = load_yaml(path)
    for cat in book.walk():
        if cat.is_codable:
            assert cat.definition and cat.anchors and cat.rule, cat.key
    assert book.questions()


def test_tree_lines(small_codebook) -> None:
    from qca.codebook import tree_lines

    lines = tree_lines(small_codebook, {"CH_REFL": 3}, question="chancen", full=True)
    assert lines[0] == "CH  Chancen  (questions: chancen)"
    assert lines[1] == "  [1] CH_REFL  Reflexionsressource  3x"
    assert lines[2] == "      definition: Vielfalt regt an, die eigene Arbeit zu überdenken."
    assert "      anchor: Wir hinterfragen unsere Routinen." in lines
    assert not any(line.lstrip().startswith("HE") for line in lines)
    assert len(tree_lines(small_codebook, {})) == len(list(small_codebook.walk()))


@pytest.mark.parametrize(("field", "message"), [("definition", "has no definition"),
                                                 ("rule", "has no rule")])
def test_codebook_file_leaf_needs_definition_and_rule(tmp_path: Path, field, message) -> None:
    data = book_dict()
    data["categories"][0]["children"][0].pop(field)
    path = tmp_path / "cb.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
    with pytest.raises(CodebookError, match=rf"cb.yaml: category 'CH_REFL' .*{message}"):
        load_yaml(path)
    codebook_from_dict(data)  # codes from other tools (REFI-QDA) may come without them


def test_a_yaml_codebook_needs_a_file_level_name(tmp_path) -> None:
    """The codebooks README requires the title; a file without one is refused, not renamed."""
    import yaml

    from conftest import SMALL_CODEBOOK

    data = {k: v for k, v in SMALL_CODEBOOK.items() if k != "name"}
    path = tmp_path / "ohne_titel.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CodebookError, match="ohne_titel.yaml: no file-level 'name:'"):
        load_yaml(path)


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [("name: x\ncategories:\n  - key: A\n    name: a\n   rule: r\n", 5, "indentation"),
     ("name: x\ncategories:\n  - key: A\n    name: Ziel: mehr\n", 4, "put the value in quotes"),
     ("name: x\ncategories:\n\t- key: A\n", 3, "indent with spaces"),
     ("name: 'x\ncategories: []\n", 1, "quotation mark is opened and never closed")],
)
def test_yaml_mistakes_are_said_plainly_with_their_line(tmp_path, text, line, says) -> None:
    from qca.codebook import load_yaml
    from qca.errors import CodebookError

    path = tmp_path / "book.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError, match=rf"book\.yaml, line {line}: .*{says}") as info:
        load_yaml(path)
    assert "<block" not in str(info.value) and "\n" not in str(info.value)


def test_commas_in_an_unquoted_flow_value_are_named(tmp_path) -> None:
    path = tmp_path / "book.yaml"
    path.write_text("name: x\ncategories:\n  - {key: A, name: a, definition: Staff, phone "
                    "lines, queues., anchors: [x], rule: r}\n", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"commas inside \{ \} .*put that value in quotes"):
        load_yaml(path)
