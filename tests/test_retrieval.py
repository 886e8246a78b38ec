"""qca segments: code expressions, filters, blindness per coder, formats, bad input."""

from __future__ import annotations

import json

import pytest

from coded_fixtures import coded, coded_path  # noqa: F401
from conftest import run_cli, snapshot_db
from qca.errors import CodingError, InputError
from qca.retrieval import parse_code_query, retrieve


def _ids(rows) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(r.segment_id, r.coder) for r in rows]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("CH_REFL", ["1#chancen", "3#chancen"]),
        ("CH_REFL+CH_ZUS", ["3#chancen"]),
        ("CH_REFL,CH_ZUS", ["1#chancen", "2#chancen", "3#chancen", "4#chancen"]),
        ("CH_ZUS-CH_REFL", ["2#chancen", "4#chancen"]),
        ("CH_ZUS-CH_REFL,MEMO", ["2#chancen"]),
        ("CH", ["1#chancen", "2#chancen", "3#chancen", "4#chancen", "6#chancen"]),
        ("HE-HE_SPR", ["2#herausforderungen"]),
    ],
)
def test_code_expressions_for_one_coder(coded, code, expected) -> None:  # noqa: F811
    rows = retrieve(coded, code, coder="anna")
    assert [r.segment_id for r in rows] == expected


def test_every_coder_is_judged_on_their_own_codes(coded) -> None:  # noqa: F811
    assert _ids(retrieve(coded, "CH_REFL")) == [
        ("1#chancen", "anna"), ("1#chancen", "ben"), ("2#chancen", "ben"), ("3#chancen", "anna")]
    # anna gave CH_ZUS on 2, ben CH_REFL: no single coder gave both
    assert _ids(retrieve(coded, "CH_REFL+CH_ZUS")) == [("3#chancen", "anna")]


def test_rows_carry_text_variables_other_codes_and_memo(coded) -> None:  # noqa: F811
    (row,) = retrieve(coded, "CH_REFL+CH_ZUS", coder="anna")
    assert row.codes == ("CH_REFL", "CH_ZUS")
    assert row.variables == {"amt": "Jugend"}
    assert row.memo == "Beides? Reflexion und Miteinander."
    assert row.text.startswith("Wir überdenken")


def test_filters(coded) -> None:  # noqa: F811
    assert [r.segment_id for r in retrieve(coded, "CH_ZUS", coder="anna", where=["amt=Jugend"])
            ] == ["2#chancen", "3#chancen"]
    assert [r.segment_id for r in retrieve(coded, "CH_ZUS", coder="anna", flagged=True)
            ] == ["4#chancen"]
    assert [r.segment_id for r in retrieve(coded, "CH_ZUS", coder="anna", memo=True)
            ] == ["3#chancen"]
    assert retrieve(coded, "MEMO", coder="anna", question="herausforderungen") == []


@pytest.mark.parametrize(
    ("expression", "error"),
    [("NOPE", CodingError), ("CH_REFL+NOPE", CodingError), ("A+B,C", InputError),
     ("+CH_REFL", InputError), ("CH_REFL-", InputError), ("CH_REFL-CH_ZUS-MEMO", InputError)],
)
def test_bad_expressions(coded, expression: str, error: type) -> None:  # noqa: F811
    with pytest.raises(error):
        parse_code_query(expression, coded.codebook())


def test_cli_table_csv_json(coded_path, capsys) -> None:  # noqa: F811
    code, out, _ = run_cli(capsys, "segments", str(coded_path), "--code", "CH_REFL",
                           "--coder", "anna")
    assert code == 0
    assert out.splitlines()[0] == "2 segments with CH_REFL (anna)"
    assert "1#chancen  anna: CH_REFL" in out and "  | Die Personaldecke" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    code, out, _ = run_cli(capsys, "segments", str(coded_path), "--code", "CH_REFL",
                           "--format", "csv")
    lines = out.splitlines()
    assert lines[0] == "segment,source,question,coder,codes,memo,flagged,amt,text"
    assert len(lines) == 5
    code, out, _ = run_cli(capsys, "segments", str(coded_path), "--code", "CH_ZUS+MEMO",
                           "--format", "json")
    records = json.loads(out)
    assert [(r["segment"], r["coder"], r["flagged"]) for r in records] == [
        ("4#chancen", "anna", True)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--code", "NOPE"], "category 'NOPE' is not in the codebook"),
        (["--code", "CH_REFL", "--coder", "zoe"], "coder 'zoe' has no codings"),
        (["--code", "CH_REFL", "--question", "nix"], "question 'nix' is not in"),
        (["--code", "CH_REFL", "--where", "bezirk=Mitte"], "variable 'bezirk' is not in"),
        (["--code", "CH_REFL", "--where", "amt"], "is not VAR=VALUE"),
    ],
)
def test_cli_bad_input_is_one_line(coded_path, capsys, args, message) -> None:  # noqa: F811
    before = snapshot_db(coded_path)
    code, out, err = run_cli(capsys, "segments", str(coded_path), *args)
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err
    assert snapshot_db(coded_path) == before
