"""The demo: its package data, the corpus generator, and ``qca demo`` from a built package."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qca.codebook import join_codebooks, load_yaml
from qca.demo import DEMO_CODEBOOKS, PROTOCOL_QUESTION, data_root, default_demo_dir

from conftest import REPO, run_cli

GENERATOR = REPO / "corpora" / "make_corpus.py"
CORPUS = data_root() / "corpora"


def _generator():
    spec = importlib.util.spec_from_file_location("make_corpus", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tracked(folder: Path) -> list[str]:
    """Files git tracks under ``folder``, relative to it."""
    out = subprocess.run(["git", "ls-files", "-z", "."], cwd=folder, capture_output=True,
                         check=True).stdout.decode()
    return sorted(name for name in out.split("\0") if name)


def test_a_fresh_run_of_the_generator_reproduces_the_committed_corpus(tmp_path):
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path)], check=True,
                   cwd=tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in CORPUS.iterdir() if p.name != "README.md")
    for name in written:
        assert (tmp_path / name).read_bytes() == (CORPUS / name).read_bytes(), name


def test_every_category_key_of_the_generator_exists_in_the_codebooks():
    gen = _generator()
    book = join_codebooks([load_yaml(data_root() / p) for p in DEMO_CODEBOOKS])
    codable = {q: {c.key for c in book.codable_for_question(q)}
               for q in [*gen.QUESTIONS, PROTOCOL_QUESTION]}
    for question, cats in gen.GROUP_CATS.items():
        assert set(cats) <= codable[question], question
        assert len(gen.WEIGHTS[question]["Ordnung"]) == len(cats)
    for bank in (gen.BANK, gen.BANK_EXTRA):
        assert set(bank) <= set().union(*(codable[q] for q in gen.QUESTIONS))
    for key, neighbours in gen.NEIGHBOURS.items():
        group = book.top_level_of(key)
        assert group is not None, key
        assert all(book.top_level_of(n) is group for n in neighbours), key
    protocol_codes = set()
    for blocks in (gen.PROTOKOLL_1, gen.PROTOKOLL_2, gen.PROTOKOLL_3):
        for block in blocks:
            if len(block) == 3:
                rows = block[2] if block[0] == "table" else [block[2]]
                protocol_codes.update(code for row in rows for code in row)
    assert protocol_codes and protocol_codes <= codable[PROTOCOL_QUESTION]


def test_every_data_file_is_package_data(tmp_path):
    """setuptools' build (what a wheel holds) copies every tracked file of qca/data."""
    pytest.importorskip("setuptools")
    src = tmp_path / "src"
    shutil.copytree(REPO / "qca", src / "qca", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    lib = tmp_path / "lib"
    subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q",
                    "build_py", "--build-lib", str(lib)], cwd=src, check=True,
                   capture_output=True)
    assert _tracked(REPO / "qca" / "data") == sorted(
        str(p.relative_to(lib / "qca" / "data")) for p in (lib / "qca" / "data").rglob("*")
        if p.is_file())

    # ... and `qca demo` run from another folder builds the demo from that copy alone.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(lib), "HOME": str(tmp_path / "home")}
    env.pop("XDG_DATA_HOME", None)
    where = subprocess.run([sys.executable, "-c", "import qca; print(qca.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(lib)
    done = subprocess.run([sys.executable, "-m", "qca", "demo", "--dir", str(tmp_path / "x")],
                          cwd=elsewhere, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert "340 survey rows, 3 protocols" in done.stdout
    assert "codings    3426" in done.stdout
    assert f"qca code {tmp_path / 'x' / 'demo.qca'}" in done.stdout
    assert (tmp_path / "x" / "demo.qca").is_file()
    assert not list(elsewhere.iterdir())


def test_demo_builds_in_the_default_folder_the_help_names(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    code, out, _ = run_cli(capsys, "demo", "--help")
    assert code == 0
    assert "~/.local/share/qca" in " ".join(out.split())
    assert "$XDG_DATA_HOME/qca" in " ".join(out.split())
    assert default_demo_dir() == tmp_path / ".local" / "share" / "qca"

    code, out, err = run_cli(capsys, "demo")
    assert code == 0, err
    assert (tmp_path / ".local" / "share" / "qca" / "demo.qca").is_file()
    assert "1310 (56 non-substantive)" in out

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_demo_dir() == tmp_path / "xdg" / "qca"
