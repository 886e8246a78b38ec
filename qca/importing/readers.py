"""Choosing a reader by the file's extension, in one place: the CLI and the demo use it, and
so will any screen that imports a file.

* A file to import: ``.qdpx`` is a REFI-QDA project (:func:`qca.refi.import_qdpx`);
  ``.txt``, ``.md``, ``.markdown`` and ``.docx`` are protocols unless text columns are
  named; every other file is a survey table (:func:`qca.importing.survey.read_table` says
  which table formats it reads, and refuses the rest with a fix).
* A codebook file: ``.qdc`` (or the codebook inside ``.qde``/``.qdpx``) is REFI-QDA;
  every other file is YAML (``qca/data/codebooks/README.md``). Several files are joined into one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from qca.errors import CodebookError, InputError
from qca.i18n import _
from qca.importing.protocol import PROTOCOL_EXTENSIONS
from qca.importing.sources import import_protocol, import_survey

if TYPE_CHECKING:
    from qca.codebook import Codebook
    from qca.store import Project

__all__ = [
    "ImportReport",
    "Kind",
    "Summarised",
    "import_and_bind",
    "import_file",
    "kind_for",
    "parse_assignments",
    "read_codebooks",
]

Kind = Literal["survey", "protocol", "qdpx"]
_REFI_CODEBOOKS = (".qdc", ".qde", ".qdpx")


class Summarised(Protocol):
    """What an import returns: a result that sums itself up in one line."""

    def summary(self) -> str: ...


def kind_for(path: Path | str, *, text_columns: Sequence[str] = ()) -> Kind:
    """What a file to import holds, by its extension (see the module doc)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".qdpx":
        return "qdpx"
    if suffix in PROTOCOL_EXTENSIONS and not text_columns:
        return "protocol"
    return "survey"


def parse_assignments(values: Sequence[str], option: str) -> dict[str, str]:
    """``name=value`` strings as a dict; an :class:`InputError` naming ``option`` otherwise."""
    out = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(_("{option} {item!r}: write it as name=value, e.g. {option} amt=Jugend")
                             .format(option=option, item=item))
        out[name.strip()] = value.strip()
    return out


def import_file(
    project: Project,
    path: Path | str,
    *,
    kind: str | None = None,
    text_columns: Sequence[str] = (),
    id_column: str | None = None,
    variables: Sequence[str] = (),
    question: str | None = None,
    question_column: str | None = None,
    sheet: str | None = None,
    id_prefix: str = "",
    source_id: str | None = None,
) -> Summarised:
    """Import a survey table, a protocol or a REFI-QDA project, chosen by extension.

    Args:
        kind: ``"survey"`` or ``"protocol"`` to override the extension (a ``.qdpx`` file is
            always a REFI-QDA project).
        variables: Survey: the columns to keep as variables (default: all). Protocol:
            ``name=value`` pairs, the source's variables.
        text_columns, id_column, question_column, sheet: Survey only.
        source_id: Protocol only. ``id_prefix``: surveys and ``.qdpx``.

    Raises:
        InputError: An option that does not fit the file's kind, or whatever the reader
            refuses.
    """
    chosen = kind_for(path, text_columns=text_columns)
    if chosen == "qdpx":
        from qca.refi import import_qdpx

        return import_qdpx(project, path, id_prefix=id_prefix)
    if kind is not None and kind not in ("survey", "protocol"):
        raise InputError(_("--kind {kind!r}: give survey or protocol").format(kind=kind))
    if (kind or chosen) == "protocol":
        if text_columns or id_column or question_column or sheet or id_prefix:
            raise InputError(
                _("--text-column, --id-column, --question-column, --sheet and --id-prefix "
                  "are for surveys; a protocol takes --var name=value, --question, --source-id")
            )
        return import_protocol(project, path, variables=parse_assignments(variables, "--var"),
                               question=question, source_id=source_id)
    if source_id:
        raise InputError(_("--source-id is for protocols; surveys take --id-column"))
    return import_survey(
        project, path, text_columns=list(text_columns), id_column=id_column,
        variables=list(variables) or None, question=question,
        question_column=question_column, sheet=sheet, id_prefix=id_prefix,
    )


_YAML_CODEBOOKS = (".yaml", ".yml")


def _check_codebook_extension(path: Path) -> None:
    """Refuse by name what cannot be a codebook, before decoding its bytes."""
    if path.suffix.lower() in _YAML_CODEBOOKS + _REFI_CODEBOOKS:
        return
    what = (_("'{ext}' files").format(ext=path.suffix) if path.suffix
            else _("files without an extension"))
    raise CodebookError(
        _("{path}: {what} are not codebooks; a codebook is a .yaml/.yml file (format: "
          "qca/data/codebooks/README.md) or a REFI-QDA .qdc (also .qde, .qdpx); survey "
          "answers are brought in with 'qca import'").format(path=path, what=what)
    )


@dataclass
class ImportReport:
    """An import, the groups it got bound by name, and the questions left without categories."""

    result: Summarised
    bound: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [self.result.summary()]
        lines += [_("bound group {group} to question {question!r} (named like it)").format(
            group=g, question=q) for g, q in self.bound]
        return "\n".join(lines)


def import_and_bind(project: Project, path: Path | str, **options: object) -> ImportReport:
    """:func:`import_file`, then bind codebook groups named like the new questions, and say
    which questions are offered no category (:mod:`qca.questions`)."""
    from qca.questions import apply_name_bindings, question_warnings

    result = import_file(project, path, **options)  # type: ignore[arg-type]
    bound = apply_name_bindings(project, author="import")
    return ImportReport(result, bound, question_warnings(project))


def read_codebooks(paths: Sequence[Path | str], questions: list[str] | None = None) -> Codebook:
    """Read YAML or REFI-QDA codebooks (.qdc, or the codebook inside .qde/.qdpx) and join them.

    Args:
        questions: The project's question names, so a .qdc top-level code named like a
            question becomes that question's group.
    """
    from qca.codebook import join_codebooks, load_yaml

    for p in paths:
        _check_codebook_extension(Path(p))
    books = []
    for p in paths:
        if str(p).lower().endswith(_REFI_CODEBOOKS):
            from qca.refi import read_qdc

            books.append(read_qdc(p, questions=questions))
        else:
            books.append(load_yaml(p))
    return join_codebooks(books)
