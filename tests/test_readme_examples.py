"""The README's example commands name questions and categories the demo really has.

A newcomer runs the examples on the demo project; an example naming a question or a
category key that does not exist there fails with an error at the first try.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DATA = ROOT / "qca" / "data"
PLACEHOLDERS = {"Q", "NAME", "COL"}


def _keys(node: dict) -> set[str]:
    found = {node["key"]}
    for child in node.get("children") or []:
        found |= _keys(child)
    return found


def _demo_keys() -> set[str]:
    keys: set[str] = set()
    for book in (DATA / "codebooks").glob("*.yaml"):
        for top in yaml.safe_load(book.read_text(encoding="utf-8"))["categories"]:
            keys |= _keys(top)
    return keys


def _demo_questions() -> set[str]:
    with open(DATA / "corpora" / "kommunalbefragung.csv", encoding="cp1252", newline="") as f:
        header = next(csv.reader(f, delimiter=";"))
    return set(header) | {"dialogprotokoll"}


def test_every_question_in_an_example_exists_in_the_demo() -> None:
    # the examples are the sh blocks (the CLI error table names wrong questions on purpose);
    # a question an example renames into being exists for the examples after it
    examples = "\n".join(re.findall(r"```sh\n(.*?)```", README, re.S))
    named = set(re.findall(r"--question ([A-Za-z_]\w*)", examples)) - PLACEHOLDERS
    created = set(re.findall(r"qca questions rename \S+ (?:\"[^\"]*\"|\S+) (\w+)", examples))
    assert named, "the README's examples name no question"
    assert named - _demo_questions() - created == set()


def test_every_existing_category_an_example_works_on_is_in_the_demo_codebooks() -> None:
    # the category a revision starts from, and the one --category/--into names
    starts = re.findall(r"qca codebook (?:rename|combine|split|merge) \S+ ([A-Z][A-Z0-9_]+)", README)
    starts += re.findall(r"--category ([A-Z][A-Z0-9_]+)", README)
    starts += re.findall(r"qca codebook combine \S+ \S+ --into ([A-Z][A-Z0-9_]+)", README)
    assert starts, "the README's examples revise no category"
    assert set(starts) - _demo_keys() == set()
