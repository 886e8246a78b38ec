"""The ``qca`` command line: thin wrappers around the domain modules.

Every command takes the project path first. A :class:`~qca.errors.QcaError` becomes one
line on stderr (``qca: error: ...``) and a non-zero exit code; no traceback reaches a user
for bad input.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, TypeVar

import click

from qca import __version__
from qca.clihelp import QcaCommand, QcaGroup, lang_option, version_option
from qca.errors import InputError, QcaError
from qca.i18n import N_, _, ngettext
from qca.progress import Progress

__all__ = ["cli", "main"]

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int = 1) -> None:
    click.echo(_("qca: error: {message}").format(message=message), err=True)
    sys.exit(code)


def _warn(lines: list[str]) -> None:
    for line in lines:
        click.echo(_("qca: warning: {message}").format(message=line), err=True)


class _DefaultGroup(click.Group):
    """A group whose first argument, when it names no subcommand, goes to ``list``:
    ``qca questions PROJECT`` is ``qca questions list PROJECT``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["list", *args]
        return super().parse_args(ctx, args)


@contextmanager
def _project(path: str) -> Iterator[Any]:
    from qca.store import Project

    project = Project.open(path)
    try:
        yield project
    finally:
        project.close()


def _interactive() -> bool:
    """Whether a screen may open: standard output is a terminal (not piped or redirected)."""
    return sys.stdout.isatty()


def _project_arg(func: F) -> F:
    # No click.Path checks: Project.open/create say in one line what is wrong with the path.
    return click.argument("project", type=click.Path())(func)


def _check_where(ctx: click.Context, param: click.Parameter,
                 value: tuple[str, ...]) -> tuple[str, ...]:
    """Refuse a malformed ``--where VAR=VALUE`` before anything opens (the session parses it)."""
    from qca.session import parse_where

    parse_where(value)
    return value


def _where_option(func: F) -> F:
    return click.option(
        "--where", "where", multiple=True, metavar="VAR=VALUE", callback=_check_where,
        help=N_("Only segments whose source has VAR=VALUE; repeat to narrow further."),
    )(func)


def _max_size_option(func: F) -> F:
    """``--max-size SIZE``: archives (XLSX, DOCX, QDPX) may unpack to SIZE in this run."""

    @click.option("--max-size", metavar="SIZE",
                  help=N_("XLSX, DOCX, QDPX: refuse a file that unpacks to more than SIZE "
                       "(default 1GB) or, without this option, to over 100 times its size; "
                       "CSV/TSV: let one value hold SIZE characters (default 1,000,000); "
                       "e.g. --max-size 4GB for a trusted large file."))
    @functools.wraps(func)
    def wrapper(*args: Any, max_size: str | None, **kwargs: Any) -> Any:
        from qca.limits import parse_size, raised_limits

        with raised_limits(parse_size(max_size) if max_size else None):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@click.group(cls=QcaGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@version_option(__version__)
@lang_option
def cli() -> None:
    """qca: qualitative content analysis of open survey answers and dialogue protocols.

    A project is one file. Typical work: init a project with a codebook, import survey
    answers and protocols, code them ('qca code'), compare coders ('qca agreement'),
    and export for R, SPSS, Stata or pandas ('qca export').
    """


# --- project -------------------------------------------------------------------------------


@cli.command()
@_project_arg
@click.option("--codebook", "codebooks", multiple=True, type=click.Path(dir_okay=False),
              help=N_("Codebook (.yaml or .qdc) to start with; repeat to join several files."))
@click.option("--name", help=N_("Project name (default: the file name)."))
def init(project: str, codebooks: tuple[str, ...], name: str | None) -> None:
    """Create a new project file PROJECT (for example study.qca)."""
    from qca.importing.readers import read_codebooks
    from qca.revise import assign_free_shortcuts, describe_assigned, replace_codebook
    from qca.store import Project

    book = read_codebooks(codebooks) if codebooks else None
    assigned = describe_assigned(assign_free_shortcuts(book)) if book else ""
    proj = Project.create(project, name=name)
    try:
        if book is not None:
            replace_codebook(proj, book, author="init", note="initial codebook")
    except BaseException:
        proj.close()
        for suffix in ("", "-wal", "-shm"):
            Path(project + suffix).unlink(missing_ok=True)
        raise
    proj.close()
    if book:
        message = _("created {project} with codebook '{codebook}'").format(
            project=project, codebook=book.name)
    else:
        message = _("created {project}").format(project=project)
    click.echo(message + (f"; {assigned}" if assigned else ""))


@cli.command()
@_project_arg
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def status(project: str, fmt: str) -> None:
    """Show sources, segments, codebook version and each coder's progress."""
    from qca.status import project_status

    with _project(project) as proj:
        st = project_status(proj)
        try:
            from qca.nlp import pipeline_description

            st.pipeline = pipeline_description()
        except ImportError:
            pass
    if fmt == "json":
        from dataclasses import asdict

        click.echo(json.dumps(asdict(st), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(st.lines()))


# --- import --------------------------------------------------------------------------------


@cli.command(name="import")
@_project_arg
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(["survey", "protocol"]),
              help=N_("What FILE holds (default: protocol for .txt/.md/.docx, else survey)."))
@click.option("--text-column", "text_columns", multiple=True,
              help=N_("Survey: column with open answers; repeat for several questions."))
@click.option("--id-column", help=N_("Survey: column with the respondent id."))
@click.option("--var", "variables", multiple=True,
              help=N_("Survey: a column to keep as variable (default: all). "
                   "Protocol: name=value, e.g. --var treffen=1."))
@click.option("--question", help=N_("Question name (default: the text column's name)."))
@click.option("--question-column", help=N_("Survey: column naming each row's question."))
@click.option("--sheet", help=N_("XLSX: the sheet to read (default: the first)."))
@click.option("--id-prefix", default="",
              help=N_("Survey, .qdpx: put before every id (keeps waves or projects apart)."))
@click.option("--source-id", help=N_("Protocol: the source id (default: the file name stem)."))
@_max_size_option
def import_(project: str, file: str, kind: str | None, text_columns: tuple[str, ...],
            id_column: str | None, variables: tuple[str, ...], question: str | None,
            question_column: str | None, sheet: str | None, id_prefix: str,
            source_id: str | None) -> None:
    """Import survey answers (CSV/TSV/XLSX) or a protocol (.txt/.md/.docx) into PROJECT.

    \b
    Examples:
      qca import study.qca answers.csv --text-column chancen --id-column lfd_nr
      qca import study.qca protokoll.txt --kind protocol --var treffen=1
    """
    from qca.importing.readers import import_and_bind

    with _project(project) as proj:
        report = import_and_bind(
            proj, file, kind=kind, text_columns=text_columns, id_column=id_column,
            variables=variables, question=question, question_column=question_column,
            sheet=sheet, id_prefix=id_prefix, source_id=source_id,
        )
    click.echo(report.summary())
    _warn(report.warnings)


@cli.command(name="import-codings")
@_project_arg
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--id-column", help=N_("Column with segment ids [default: segment_id]."))
@click.option("--coder-column", help=N_("Column with coder names [default: coder]."))
@click.option("--code-column", help=N_("Column with codes (keys or names, ';'-separated) "
                                    "[default: code or codes]."))
@click.option("--coder", help=N_("One coder for the whole file, instead of a coder column."))
@click.option("--question", help=N_("The question of every row (a bare source id then names "
                                 "its answer to it)."))
@click.option("--question-column", help=N_("Column naming each row's question."))
def import_codings_cmd(project: str, file: str, id_column: str | None, coder_column: str | None,
                       code_column: str | None, coder: str | None, question: str | None,
                       question_column: str | None) -> None:
    """Bring in codings made elsewhere; unknown ids or codes abort with nothing written.

    Codings are only added: one the project already has stays, also when the file no longer
    lists it (take it back on the coding screen under that coder's name). Rows with an id
    and no code are counted and left out.

    An id is a segment id, <source id>#<question>, or a respondent's source id where it
    names one answer (the source has one, or one in --question / --question-column).
    """
    from qca.importing.codings import import_codings

    if question and question_column:
        raise InputError(_("give --question or --question-column, not both"))
    with _project(project) as proj:
        result = import_codings(proj, file, id_column=id_column, coder_column=coder_column,
                                code_column=code_column, coder=coder, question=question,
                                question_column=question_column)
    click.echo(result.summary(Path(file).name))


# --- questions and imports -----------------------------------------------------------------


@cli.group(cls=_DefaultGroup)
def questions() -> None:
    """List the questions (qca questions PROJECT) and rename them.

    \b
    Examples:
      qca questions study.qca
      qca questions rename study.qca "Welche Chancen sehen Sie?" chancen_vielfalt
    """


@questions.command(name="list")
@_project_arg
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def questions_list(project: str, fmt: str) -> None:
    """Each question with its kind, segment count and the categories it is offered."""
    from qca.questions import format_table, list_questions, to_json

    with _project(project) as proj:
        infos = list_questions(proj)
    click.echo(to_json(infos) if fmt == "json" else "\n".join(format_table(infos)), nl=fmt != "json")


@questions.command(name="rename")
@_project_arg
@click.argument("old")
@click.argument("new")
@click.option("--author", default="lead", show_default=True, help=N_("Who renames (for the log)."))
def questions_rename(project: str, old: str, new: str, author: str) -> None:
    """Rename question OLD to NEW ('(none)': segments without a question); ids stay stable."""
    from qca.questions import rename_question

    with _project(project) as proj:
        n = rename_question(proj, old, new, author=author)
    click.echo(ngettext("renamed question {old!r} to {new!r} ({n} segment; its id stays)",
                        "renamed question {old!r} to {new!r} ({n} segments; their ids stay)",
                        n).format(old=old, new=new, n=n))


@cli.group(cls=_DefaultGroup)
def imports() -> None:
    """List the imports (qca imports PROJECT) and take one back (qca imports remove).

    \b
    Examples:
      qca imports study.qca
      qca imports remove study.qca 3
    """


@imports.command(name="list")
@_project_arg
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def imports_list(project: str, fmt: str) -> None:
    """Every import with its id, time, file, kind and what it added."""
    from qca.imports import format_table, list_imports, to_json

    with _project(project) as proj:
        rows = list_imports(proj)
    click.echo(to_json(rows) if fmt == "json" else "\n".join(format_table(rows)), nl=fmt != "json")


@imports.command(name="remove")
@_project_arg
@click.argument("import_id", metavar="ID", type=int)
@click.option("--with-codings", is_flag=True,
              help=N_("Also when its segments carry codings or notes (they stay in the event log)."))
@click.option("--actor", default="lead", show_default=True, help=N_("Who removes (for the log)."))
def imports_remove(project: str, import_id: int, with_codings: bool, actor: str) -> None:
    """Remove what import ID added: its segments and the sources it brought in."""
    from qca.imports import remove_import

    with _project(project) as proj:
        removed = remove_import(proj, import_id, with_codings=with_codings, actor=actor)
    click.echo(removed.summary())


# --- codebook ------------------------------------------------------------------------------


@cli.group()
def codebook() -> None:
    """Show, import, export and revise the project's codebook (each change is a new version)."""


@codebook.command(name="show")
@_project_arg
@click.option("--question", help=N_("Only the categories offered for this question."))
@click.option("--full", is_flag=True, help=N_("With definitions, anchor examples and rules."))
def codebook_show(project: str, question: str | None, full: bool) -> None:
    """Print the category tree with keys, shortcuts and usage."""
    with _project(project) as proj:
        book = proj.codebook()
        usage = proj.category_usage()
        version = proj.codebook_version()
    from qca.codebook import tree_lines

    click.echo(_("{codebook} (version {version})").format(codebook=book.name, version=version))
    for line in tree_lines(book, usage, question=question, full=full):
        click.echo(line)


@codebook.command(name="import")
@_project_arg
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--author", default="lead", show_default=True, help=N_("Who makes this version."))
@_max_size_option
def codebook_import(project: str, files: tuple[str, ...], author: str) -> None:
    """Replace the codebook by FILES (.yaml or .qdc), as a new version."""
    from qca.importing.readers import read_codebooks
    from qca.questions import import_codebook
    from qca.revise import assign_free_shortcuts, describe_assigned

    with _project(project) as proj:
        book = read_codebooks(files)
        assigned = describe_assigned(assign_free_shortcuts(book))
        report = import_codebook(proj, book, author=author,
                                 note=f"import {', '.join(Path(f).name for f in files)}")
    click.echo(report.summary())
    if assigned and not report.unchanged:
        click.echo(assigned)
    _warn(report.warnings)


@codebook.command(name="bind")
@_project_arg
@click.argument("group")
@click.option("--question", required=True, help=N_("The question GROUP's categories are offered for."))
@click.option("--author", default="lead", show_default=True)
def codebook_bind(project: str, group: str, question: str, author: str) -> None:
    """Offer top-level GROUP's categories for --question (a new codebook version)."""
    from qca.questions import bind

    with _project(project) as proj:
        version = bind(proj, group, question, author=author)
    click.echo(_("codebook version {version}: bound {group} to question {question!r}").format(
        version=version, group=group, question=question))


@codebook.command(name="unbind")
@_project_arg
@click.argument("group")
@click.option("--question", required=True, help=N_("The question to take from GROUP."))
@click.option("--author", default="lead", show_default=True)
def codebook_unbind(project: str, group: str, question: str, author: str) -> None:
    """Stop binding top-level GROUP to --question (it is never bound by name again)."""
    from qca.questions import unbind

    with _project(project) as proj:
        version = unbind(proj, group, question, author=author)
    click.echo(_("codebook version {version}: unbound {group} from question {question!r}")
               .format(version=version, group=group, question=question))


@codebook.command(name="export")
@_project_arg
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help=N_("Target file: .yaml or .qdc (REFI-QDA)."))
@click.option("--version", "version", type=int, help=N_("An earlier codebook version."))
def codebook_export(project: str, output: str, version: int | None) -> None:
    """Write the codebook as YAML or REFI-QDA .qdc."""
    from qca.codebook import dump_yaml

    with _project(project) as proj:
        book = proj.codebook_at(version) if version else proj.codebook()
    if output.lower().endswith(".qdc"):
        from qca.refi import write_qdc

        write_qdc(book, output)
    elif output.lower().endswith((".yaml", ".yml")):
        from qca.fileio import write_text

        write_text(output, dump_yaml(book))
    else:
        raise InputError(_("{path}: unknown codebook format; end the name in .yaml or .qdc")
                         .format(path=output))
    click.echo(_("wrote {path}").format(path=output))


@codebook.command(name="rename")
@_project_arg
@click.argument("key")
@click.argument("new_key", required=False)
@click.option("--name", help=N_("New category name."))
@click.option("--author", default="lead", show_default=True)
def codebook_rename(project: str, key: str, new_key: str | None, name: str | None,
                    author: str) -> None:
    """Rename category KEY to NEW_KEY and/or give it a new --name; codings follow."""
    from qca.revise import rename

    with _project(project) as proj:
        version = rename(proj, key, new_key, name, author=author)
    click.echo(_("codebook version {version}: renamed {key}").format(version=version, key=key))


@codebook.command(name="combine")
@_project_arg
@click.argument("keys", nargs=-1, required=True)
@click.option("--into", required=True, help=N_("The category that absorbs KEYS."))
@click.option("--author", default="lead", show_default=True)
def codebook_combine(project: str, keys: tuple[str, ...], into: str, author: str) -> None:
    """Combine categories KEYS into --into; their codings move there ('merge' is an alias)."""
    from qca.revise import combine

    with _project(project) as proj:
        version = combine(proj, list(keys), into, author=author)
    if click.get_current_context().info_name == "merge":
        message = _("codebook version {version}: merged {keys} into {into}")
    else:
        message = _("codebook version {version}: combined {keys} into {into}")
    click.echo(message.format(version=version, keys=", ".join(keys), into=into))


codebook.add_command(
    QcaCommand("merge", params=codebook_combine.params, callback=codebook_combine.callback,
                  help=N_("The older name of 'qca codebook combine' (combine categories).")),
)


@codebook.command(name="split")
@_project_arg
@click.argument("key")
@click.option("--into", required=True, help=N_("New keys, comma-separated: A,B[,C]."))
@click.option("--names", help=N_("Their names, ';'-separated, in the same order."))
@click.option("--author", default="lead", show_default=True)
def codebook_split(project: str, key: str, into: str, names: str | None, author: str) -> None:
    """Split KEY into new categories; codings go to the first, and are flagged for review."""
    from qca.revise import split

    keys = [k.strip() for k in into.split(",") if k.strip()]
    labels = [n.strip() for n in names.split(";")] if names else []
    if labels and len(labels) != len(keys):
        raise InputError(_("--names gives {names} names for {keys} keys; give one each")
                         .format(names=len(labels), keys=len(keys)))
    pairs = list(zip(keys, labels or [""] * len(keys)))
    with _project(project) as proj:
        result = split(proj, key, pairs, author=author)
    click.echo(result.describe())


@codebook.command(name="versions")
@_project_arg
def codebook_versions(project: str) -> None:
    """List the codebook versions with who made them and why."""
    with _project(project) as proj:
        for row in proj.codebook_versions():
            click.echo(f"v{row['version']:<4} {row['created_at']}  {row['author']:<10} {row['note']}")


# --- codings -------------------------------------------------------------------------------


@cli.command(name="copy")
@_project_arg
@click.argument("dest", type=click.Path(dir_okay=False))
def copy_project(project: str, dest: str) -> None:
    """Write a consistent copy of PROJECT to the new file DEST, also while others code.

    For a coder who works offline: code in the copy ('qca code DEST ...') and bring the work
    back with 'qca merge PROJECT DEST'. Unlike copying the file by hand, the copy holds the
    changes SQLite still keeps in PROJECT's -wal file.
    """
    with _project(project) as proj:
        proj.copy_to(dest)
    click.echo(_("copied {project} to {dest}; bring the work back with: "
                 "qca merge {project} {dest}").format(project=project, dest=dest))


@cli.command(name="pseudonymise")
@click.argument("project", type=click.Path(dir_okay=False))
@click.argument("dest", type=click.Path(dir_okay=False))
@click.argument("out", required=False, type=click.Path(dir_okay=False))
@click.option("--key", type=click.Path(dir_okay=False),
              help=N_("Where to write the key (default: DEST-key.csv beside DEST)."))
@click.option("--names", type=click.Path(dir_okay=False),
              help=N_("Your own list: a name per line, or 'Ort: Auenfeld', 'Organisation: ...'."))
@click.option("--keep", multiple=True, metavar="TERM",
              help=N_("A word never to replace (a study site, a word taken for a name); repeat."))
@click.option("--dry-run", is_flag=True,
              help=N_("Only list what would be replaced, per kind with counts and examples."))
@click.option("--reverse", is_flag=True,
              help=N_("Restore: qca pseudonymise --reverse DEST KEY.csv OUT.qca writes OUT with "
                   "every original back."))
def pseudonymise_cmd(project: str, dest: str, out: str | None, key: str | None,
                     names: str | None, keep: tuple[str, ...], dry_run: bool,
                     reverse: bool) -> None:
    """Write DEST, a copy of PROJECT with personal data replaced by pseudonyms.

    Names, e-mail addresses, phone numbers, addresses, places, URLs and IBANs in segment
    texts, protocol documents, variables and memos (also those in the log) become
    [Person 1], [E-Mail 1], [Ort 1] ...: the same person the same pseudonym everywhere.
    Codings, notes and events stay on the same segments, so agreement, counts and exports
    of DEST equal PROJECT's. The key (original -> pseudonym) goes to DEST-key.csv, never
    into DEST. With --reverse the arguments are DEST KEY.csv OUT.qca.
    """
    from qca.pseudonymise.copies import Plan, pseudonymise, reverse_copy

    if reverse:
        if out is None:
            raise InputError(_("--reverse takes three files: qca pseudonymise --reverse DEST "
                               "KEY.csv OUT.qca"))
        if key or names or keep or dry_run:
            raise InputError(_("--reverse takes only DEST KEY.csv OUT.qca; leave out --key, "
                               "--names, --keep and --dry-run"))
        click.echo(reverse_copy(project, dest, out).summary())
        return
    if out is not None:
        raise InputError(_("unexpected third file {out!r}; a copy is written with qca "
                           "pseudonymise PROJECT DEST.qca (three files only with --reverse)")
                         .format(out=out))
    result = pseudonymise(project, dest, key=key, names=names, keep=keep, dry_run=dry_run)
    click.echo(result.summary(dest) if isinstance(result, Plan) else result.summary())


@cli.command()
@_project_arg
@click.option("--coder", required=True, help=N_("Whose change to undo."))
def undo(project: str, coder: str) -> None:
    """Undo CODER's latest coding, memo or flag change (works across sessions)."""
    from qca.coding import require_coder
    from qca.coding import undo as undo_change

    with _project(project) as proj:
        change = undo_change(proj, require_coder(proj, coder))
    if change is None:
        click.echo(_("nothing to undo for {coder}").format(coder=coder))
    elif change.segment_id:
        click.echo(_("undone: {change} on {segment}").format(change=change.description,
                                                             segment=change.segment_id))
    else:
        click.echo(_("undone: {change}").format(change=change.description))


@cli.command()
@_project_arg
@click.option("--coder", required=True, help=N_("Whose undone change to redo."))
def redo(project: str, coder: str) -> None:
    """Redo CODER's latest undone change."""
    from qca.coding import require_coder
    from qca.coding import redo as redo_change

    with _project(project) as proj:
        change = redo_change(proj, require_coder(proj, coder))
    if change is None:
        click.echo(_("nothing to redo for {coder}").format(coder=coder))
    elif change.segment_id:
        click.echo(_("redone: {change} on {segment}").format(change=change.description,
                                                             segment=change.segment_id))
    else:
        click.echo(_("redone: {change}").format(change=change.description))


@cli.command()
@_project_arg
@click.option("--coder", required=True, help=N_("Your coder name (codings are blind per coder)."))
@click.option("--question", help=N_("Only segments of this question."))
@_where_option
@click.option("--no-suggest", is_flag=True,
              help=N_("Start without category suggestions (T on the screen turns them on)."))
@click.option("--suggest-from-all", "widen", is_flag=True,
              help=N_("Suggestions learn from every coder's codings (ends blind coding; by "
                   "default only CODER's own and consensus codings)."))
@click.option("--retrieve", metavar="KEY",
              help=N_("Open the list of segments carrying KEY (A+B, A,B, A-B) first; Enter "
                   "opens one, Esc returns to the list (L on the screen)."))
@click.option("--lead", is_flag=True,
              help=N_("Show every coder's work: usage counts in the codebook browser (B) and "
                   "every coder's codings in the retrieval list (L); a blind coder sees only "
                   "their own."))
@click.option("--review", type=click.Choice(["dictionary"]),
              help=N_("Step through the proposals of 'qca autocode': Y confirms, Backspace rejects."))
def code(project: str, coder: str, question: str | None, where: tuple[str, ...],
         no_suggest: bool, widen: bool, retrieve: str | None, lead: bool,
         review: str | None) -> None:
    """Open the coding screen for CODER (keys: press ? on the screen)."""
    from qca.coding import validate_person
    from qca.store import Project

    with Project.open(project) as proj:
        if retrieve is not None:
            from qca.retrieval import parse_code_query

            parse_code_query(retrieve, proj.codebook())
    coder = validate_person(coder)
    if not _interactive():
        raise QcaError(_("the coding screen needs a terminal, and standard output is piped or "
                         "redirected; run 'qca code {project} --coder {coder}' in a terminal, "
                         "or 'qca status {project}' for progress")
                       .format(project=project, coder=coder))
    _open_coding_screen(project, coder, question, where,
                        suggest=not no_suggest, widen=widen, lead=lead, retrieve=retrieve,
                        status="proposed" if review else "all")


# --- agreement, merge, reconcile -----------------------------------------------------------


@cli.command()
@click.argument("project", required=False, type=click.Path())
@click.option("--matrix", type=click.Path(dir_okay=False),
              help=N_("Instead of a project: a CSV with one row per unit and one column per coder "
                   "(empty cell = missing)."))
@click.option("--level", type=click.Choice(["nominal", "ordinal", "interval", "ratio"]),
              default="nominal", show_default=True,
              help=N_("--matrix: level of measurement for Krippendorff's alpha."))
@click.option("--coders", help=N_("Coders to compare, comma-separated (default: all but consensus)."))
@click.option("--question", help=N_("Only segments of this question."))
@click.option("--by-category", is_flag=True,
              help=N_("Also per category: presence/absence of the category per segment."))
@click.option("--confusion", "confusion_pair", metavar="A,B",
              help=N_("Instead: the confusion table of coders A and B and the most confused pairs."))
@click.option("--include-nonsubstantive", is_flag=True,
              help=N_("Also segments such as 'k.A.' or '-' (left out by default)."))
@click.option("--hints", is_flag=True,
              help=N_("Instead: codebook revision hints for two --coders: confused pairs with "
                   "disputed segments, definitions and separating words; weak categories."))
@click.option("--id-column", metavar="NAME|none",
              help=N_("--matrix: the column of unit ids, or none [default: the first column when "
                   "named like id, nr, lfd_nr, fall, case, unit, item, segment, or when its "
                   "values are distinct and no code of the others]."))
@click.option("--machine", is_flag=True,
              help=N_("Also, for each coder, qca's suggestion model as a coder (k-fold "
                   "cross-validated on that coder's codings), beside the human coders, "
                   "overall and per category, with sentence vectors when an encoder is "
                   "installed (missing ones are computed and stored first, as for qca "
                   "suggest). No coding is written to the project."))
@click.option("--folds", type=int, metavar="K",
              help=N_("--machine: folds of the cross-validation.  [default: 5]"))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
def agreement(project: str | None, matrix: str | None, level: str, coders: str | None,
              question: str | None, by_category: bool, confusion_pair: str | None,
              include_nonsubstantive: bool, hints: bool, id_column: str | None,
              machine: bool, folds: int | None,
              fmt: str) -> None:
    """Intercoder agreement of PROJECT's coders, or of a --matrix CSV coded elsewhere.

    \b
    Examples:
      qca agreement study.qca --coders anna,ben --by-category
      qca agreement study.qca --question chancen_vielfalt --format json
      qca agreement study.qca --confusion anna,ben
      qca agreement study.qca --machine --folds 5
      qca agreement --matrix ratings.csv --level interval
      qca agreement --matrix ratings.csv --id-column Fall
    """
    if hints and (machine or folds is not None):
        raise InputError(_("--hints and --machine are two different reports; run one at a time"))
    if hints:
        _agreement_hints(project, matrix, coders, question,
                         by_category or bool(confusion_pair) or id_column is not None, fmt)
        return
    from qca.agreement_report import agreement_report

    with _progressbar(_("analysing segments")) as progress, \
            _progressbar(_("sentence vectors")) as vectors_progress:
        text = agreement_report(
            project, matrix=matrix, level=level, coders=coders, question=question,
            by_category=by_category, confusion=confusion_pair,
            include_nonsubstantive=include_nonsubstantive, fmt=fmt, id_column=id_column,
            machine=machine, folds=folds, progress=progress, vectors_progress=vectors_progress,
        )
    click.echo(text, nl=False)


def _agreement_hints(project: str | None, matrix: str | None, coders: str | None,
                     question: str | None, other_view: bool, fmt: str) -> None:
    from qca.agreement_report import coder_list
    from qca.hints import format_hints, revision_hints, to_json

    if project is None or matrix is not None or other_view or fmt == "csv":
        raise InputError(_("--hints reads a PROJECT's codings and prints text or json; leave "
                           "out --matrix, --id-column, --by-category, --confusion and "
                           "--format csv"))
    with _project(project) as proj:
        result = revision_hints(proj, coder_list(coders, "--coders"), question)
    if fmt == "json":
        click.echo(json.dumps(to_json(result), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(format_hints(result)))


@cli.command(name="merge")
@_project_arg
@click.argument("other", type=click.Path())
@click.option("--skip-conflicts", is_flag=True,
              help=N_("Merge everything that does not conflict; conflicts keep PROJECT's version."))
@click.option("--dry-run", is_flag=True, help=N_("Only report what would be merged."))
@click.option("--actor", default="lead", show_default=True, help=N_("Who merges (for the log)."))
def merge_cmd(project: str, other: str, skip_conflicts: bool, dry_run: bool, actor: str) -> None:
    """Bring in the codings, memos and flags of OTHER, a copy of PROJECT a coder worked on.

    Segments are matched by id. Each coder's codes, memo and flag on a segment are merged
    three ways, reading both logs from where the copy was made, or from the last merge of
    the same copy (OTHER is recognised by its event log, also renamed or moved): what changed
    only in OTHER is taken over (codes added or removed, memos and flags set, changed or
    cleared), what changed only in PROJECT is kept. What changed on both sides, differently,
    is a conflict: listed and never overwritten, and with any conflict nothing is merged
    unless --skip-conflicts. If the two logs share no event (OTHER is no copy) and OTHER was
    never merged, only the codings and notes are compared.
    """
    from qca.errors import CodingError
    from qca.merge import merge_project

    with _project(project) as proj:
        result = merge_project(proj, other, actor=actor, skip_conflicts=skip_conflicts,
                               dry_run=dry_run)
    for conflict in result.conflicts:
        click.echo(_("conflict: {conflict}").format(conflict=conflict.describe()), err=True)
    if dry_run:
        click.echo(result.dry_run_summary())
        return
    if result.conflicts and not skip_conflicts:
        raise CodingError(ngettext(
            "{n} conflict (listed above); nothing was merged; rerun with --skip-conflicts to "
            "merge the rest and keep this project's version of the conflict",
            "{n} conflicts (listed above); nothing was merged; rerun with --skip-conflicts to "
            "merge the rest and keep this project's version of the conflicts",
            len(result.conflicts)).format(n=len(result.conflicts)))
    click.echo(result.summary())


@cli.command()
@_project_arg
@click.option("--lead", required=True, help=N_("Your name: the consensus is logged under it."))
@click.option("--coders", help=N_("Coders to reconcile, comma-separated (default: all but consensus)."))
@click.option("--question", help=N_("Only segments of this question."))
@click.option("--category", help=N_("Only disagreements about this category."))
def reconcile(project: str, lead: str, coders: str | None, question: str | None,
              category: str | None) -> None:
    """Walk the segments where coders disagree and set the consensus (keys: ? on the screen)."""
    from qca.agreement_report import coder_list
    from qca.coding import validate_person
    from qca.reconcile import disagreements, write_agreed

    lead = validate_person(lead)
    chosen = coder_list(coders, "--coders")
    with _project(project) as proj:
        items = disagreements(proj, chosen, question, category)
        agreed = write_agreed(proj, chosen, question, lead=lead)
    click.echo(agreed.summary(), err=sys.stdout.isatty())
    if not _interactive():
        done = sum(d.resolved for d in items)
        click.echo(_("{n} disagreements, {done} with consensus; run this in a terminal "
                     "to reconcile them").format(n=len(items), done=done))
        return
    from qca.tui.reconcile import run_reconcile_app

    run_reconcile_app(project, lead, chosen, question, category)


@cli.command()
@_project_arg
@click.option("--coders", help=N_("Coders to compare, comma-separated (default: all but consensus)."))
@click.option("--lead", default="lead", show_default=True,
              help=N_("Who writes the consensus (for the log)."))
@click.option("--question", help=N_("Only segments of this question."))
def consensus(project: str, coders: str | None, lead: str, question: str | None) -> None:
    """Write the consensus where the coders agree: their common code set (no screen).

    Segments that have a consensus already keep it; the disagreements are left for
    'qca reconcile'. One transaction, one 'consensus.agreed' event.

    \b
    Example:
      qca consensus study.qca --coders anna,ben
    """
    from qca.agreement_report import coder_list
    from qca.coding import validate_coder
    from qca.reconcile import write_agreed

    with _project(project) as proj:
        agreed = write_agreed(proj, coder_list(coders, "--coders"), question,
                              lead=validate_coder(lead))
    click.echo(agreed.summary())


# --- export --------------------------------------------------------------------------------


@cli.command()
@_project_arg
@click.option("--format", "fmt",
              type=click.Choice(["long", "wide", "notes", "xlsx", "spss", "sav", "stata", "qdpx"]),
              help=N_("long: a CSV row per coding; wide: a CSV row per segment with a 0/1 column "
                   "per category; notes: a CSV row per memo, flag, reconciliation reason and "
                   "split note; xlsx: codebook, segments, codings, per-coder sheets and notes; "
                   "spss: wide CSV plus SPSS syntax (-o NAME.sps writes NAME.sps and NAME.csv; "
                   "any other -o is a folder); sav: SPSS data file; stata: Stata .dta; qdpx: "
                   "REFI-QDA project. [default: by the extension of -o (.xlsx, .sps, .sav, .dta, "
                   ".qdpx), else long]"))
@click.option("--coder", help=N_("Only this coder (wide, spss, sav, stata: required when several "
                              "coded)."))
@click.option("--names", type=click.Choice(["safe", "keep"]),
              help=N_("safe: column names R, Stata and SPSS accept (ASCII letters, digits, _, at "
                   "most 32 characters), with the mapping in FILE.names.csv beside FILE; keep: "
                   "the original names. [default: safe for wide, spss, sav, stata; keep for "
                   "long]"))
@click.option("--force", is_flag=True, help=N_("Replace files that exist (refused without it)."))
@click.option("-o", "--output", type=click.Path(),
              help=N_("Target file (long, wide, notes default: standard output)."))
@click.option("--pseudonymise", "key", type=click.Path(dir_okay=False), metavar="KEY.csv",
              help=N_("Replace every original that KEY.csv (written by qca pseudonymise) names by "
                   "its pseudonym: the export equals that of the pseudonymised copy."))
def export(project: str, fmt: str | None, coder: str | None, names: str | None, force: bool,
           output: str | None, key: str | None) -> None:
    """Export codings for R, SPSS, Stata, pandas, Excel or another QDA tool (see README)."""
    from qca.exporting import export as run_export

    with _project(project) as proj:
        result = run_export(proj, fmt, output, coder=coder, names=names, force=force, key=key)
    if result.text is not None:
        click.echo(result.text, nl=False)
    for line in result.lines():
        click.echo(line, err=True)


# --- suggestions ---------------------------------------------------------------------------


@contextmanager
def _progressbar(label: str) -> Iterator[Progress]:
    """A progress callback that shows a bar on stderr once there is work to show."""
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            if total == 0:
                return
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
            state["done"] = 0
        state["bar"].update(done - state["done"])
        state["done"] = done

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


@cli.command()
@_project_arg
@click.option("--coder", required=True, help=N_("Whose suggestions: they learn from this coder's "
                                             "codings and consensus codings only."))
@click.option("--question", help=N_("Only segments of this question."))
@click.option("--top", default=3, show_default=True, type=click.IntRange(1, 50),
              help=N_("How many categories to rank per segment."))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help=N_("json: one object per line."))
@click.option("--all-coders", "widen", is_flag=True,
              help=N_("Learn from every coder's codings (ends blind coding)."))
@click.option("--evaluate", "evaluate_", is_flag=True,
              help=N_("Instead: replay CODER's codings and print learning curves (top-1/top-3)."))
def suggest(project: str, coder: str, question: str | None, top: int, fmt: str, widen: bool,
            evaluate_: bool) -> None:
    """Rank categories for every segment CODER has not coded yet (nothing is coded)."""
    from qca.suggest import evaluate, format_curves, suggest_for_coder

    with _project(project) as proj, _progressbar(_("analysing segments")) as progress, \
            _progressbar(_("sentence vectors")) as vectors_progress:
        proj.require_question(question)
        if evaluate_:
            curves = evaluate(proj, coder, question=question, progress=progress,
                              vectors_progress=vectors_progress)
            if fmt == "json":
                for curve in curves:
                    click.echo(json.dumps(curve.to_dict(), ensure_ascii=False))
                return
            for line in format_curves(curves):
                click.echo(line)
            return
        for seg, ranked in suggest_for_coder(proj, coder, question=question, top=top,
                                             widen=widen, progress=progress,
                                             vectors_progress=vectors_progress):
            if fmt == "json":
                click.echo(json.dumps({"id": seg.source_id, "segment": seg.id,
                                       "suggestions": [s.to_dict() for s in ranked]},
                                      ensure_ascii=False))
                continue
            click.echo(f"{seg.id}: {' '.join(seg.text.split())[:70]}")
            for s in ranked:
                why = f"  ({', '.join(s.why)})" if s.why else ""
                click.echo(f"  {s.score:4.2f}  {s.code:<16} {s.name}{why}")


@cli.command()
@_project_arg
def vectors(project: str) -> None:
    """Compute and store the sentence vectors the segments lack (once; for suggestions)."""
    from qca.suggest.vectors import compute_vectors

    with _project(project) as proj, _progressbar(_("sentence vectors")) as progress:
        report = compute_vectors(proj, progress=progress)
    for line in report.lines():
        click.echo(line)


# --- counts and figures --------------------------------------------------------------------


def _split_order(order: str | None) -> list[str] | None:
    return [g.strip() for g in order.split(",") if g.strip()] if order else None


@cli.command()
@_project_arg
@click.option("--by", metavar="VAR",
              help=N_("Source variable to group by, e.g. amt (default: only the total)."))
@click.option("--question", help=N_("Only this question's segments and categories (default: all)."))
@click.option("--coder", help=N_("Whose codings [default: consensus, else the only coder]."))
@click.option("--order", metavar="A,B,...",
              help=N_("Groups to list first, comma-separated, e.g. Ordnung,Stadtplanung."))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True,
              help=N_("table: readable text; csv: category,name,group,n_segments,n_group,"
                   "share_segments,share_mentions; json: a list of such records."))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help=N_("Target file (default: standard output)."))
@click.option("--force", is_flag=True, help=N_("Replace the target if it exists (refused without it)."))
def counts(project: str, by: str | None, question: str | None, coder: str | None,
           order: str | None, fmt: str, output: str | None, force: bool) -> None:
    """Count categories per group for one coder: segments, base N and shares (see README).

    The base N of a group is its substantive segments that the coder has coded; parents
    count a segment once if any subcategory applies; answers may carry several categories.

    \b
    Examples:
      qca counts study.qca --by amt --question chancen_vielfalt
      qca counts study.qca --by amt --coder anna --format csv -o counts.csv
    """
    from qca.counts import counts_table, csv_rows, format_table, to_json
    from qca.exporting.csv import write_csv
    from qca.fileio import check_new

    if output is not None:
        check_new([Path(output)], force=force)
    with _project(project) as proj:
        table = counts_table(proj, by=by, question=question, coder=coder,
                             order=_split_order(order))
    if fmt != "table":
        click.echo(_("counts of coder {coder}").format(coder=table.coder), err=True)
    if fmt == "csv":
        text = write_csv(csv_rows(table), output)
    elif fmt == "json":
        text = to_json(table)
    else:
        text = "\n".join(format_table(table)) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    if fmt != "csv":
        from qca.fileio import write_text

        write_text(output, text or "")
    click.echo(_("wrote {path}").format(path=output), err=True)


@cli.command()
@_project_arg
@click.option("--by", metavar="VAR", help=N_("Source variable to group by, e.g. amt (without "
                                        "it: one bar per category, all answers together)."))
@click.option("--question", help=N_("The question whose categories are drawn (required for the "
                                 "bar chart)."))
@click.option("--cooccurrence", "cooccurrence_", is_flag=True,
              help=N_("Instead: a heatmap of category co-occurrence (Jaccard; see "
                   "'qca cooccurrence')."))
@click.option("--coder", help=N_("Whose codings [default: consensus, else the only coder]."))
@click.option("--order", metavar="A,B,...",
              help=N_("Groups to draw first, comma-separated, e.g. Ordnung,Stadtplanung."))
@click.option("--total", "include_total", is_flag=True,
              help=N_("Add a hatched grey bar for all groups together."))
@click.option("--title", help=N_("Title [default: the question's category name; '' for none]."))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help=N_("Target file: .png (300 dpi), .svg or .pdf (vector)."))
@click.option("--force", is_flag=True, help=N_("Replace the target if it exists (refused without it)."))
def figure(project: str, by: str | None, question: str | None, cooccurrence_: bool,
           coder: str | None, order: str | None, include_total: bool, title: str | None,
           output: str, force: bool) -> None:
    """Draw a bar chart of category shares per group for a report (PNG, SVG or PDF).

    \b
    Examples:
      qca figure study.qca --by amt --question chancen_vielfalt -o abb1.pdf
      qca figure study.qca --question chancen_vielfalt -o alle.png
      qca figure study.qca --cooccurrence --question chancen_vielfalt -o abb2.png
    """
    if cooccurrence_:
        _cooccurrence_figure(project, by, question, coder, order, include_total, title, output,
                             force)
        return
    if question is None:
        raise InputError(_("the bar chart needs --question Q, and --by VAR to compare groups "
                           "(or --cooccurrence for a heatmap)"))
    from qca.exporting.figures import write_figure

    with _project(project) as proj:
        from qca.coverage import choose_coder

        chosen = choose_coder(proj, coder, what=N_("a figure is"))
        write_figure(proj, output, question=question, by=by, coder=chosen, title=title,
                     include_total=include_total, order=_split_order(order), force=force)
    click.echo(_("wrote {path} (coder {coder})").format(path=output, coder=chosen), err=True)


# --- working with what is coded: retrieval, co-occurrence, search, dictionary, words -----


_FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
                       default="table", show_default=True)


@cli.command()
@_project_arg
@click.option("--code", required=True, metavar="KEY",
              help=N_("Category key; A+B: both, A,B: either, A-B: A without B."))
@click.option("--coder", help=N_("Only this coder's codings (default: every coder, one row each)."))
@click.option("--question", help=N_("Only segments of this question."))
@click.option("--where", "where", multiple=True, metavar="VAR=VALUE",
              help=N_("Only segments whose source has VAR=VALUE; repeat to narrow further."))
@click.option("--flagged", is_flag=True, help=N_("Only segments the coder flagged."))
@click.option("--memo", is_flag=True, help=N_("Only segments the coder wrote a memo on."))
@_FORMAT
def segments(project: str, code: str, coder: str | None, question: str | None,
             where: tuple[str, ...], flagged: bool, memo: bool, fmt: str) -> None:
    """List every segment carrying a category, with its text, variables, codes and memo.

    A group (a category with subcategories) counts when any subcategory was coded. Each
    coder is judged on their own codes: A+B means one coder gave both.

    \b
    Examples:
      qca segments study.qca --code CH_REFL --coder anna
      qca segments study.qca --code "CH_REFL+CH_ZUS" --where amt=Jugend --format csv
    """
    from qca.retrieval import format_csv, format_json, format_table, retrieve

    with _project(project) as proj:
        rows = retrieve(proj, code, coder=coder, question=question, where=where,
                        flagged=flagged, memo=memo)
        variables = proj.variable_names()
    if fmt == "csv":
        click.echo(format_csv(rows, variables), nl=False)
    elif fmt == "json":
        click.echo(format_json(rows), nl=False)
    else:
        click.echo("\n".join(format_table(rows, code)))


@cli.command(name="search")
@_project_arg
@click.argument("pattern")
@click.option("--regex", is_flag=True,
              help=N_("PATTERN is a regular expression, case- and umlaut-insensitive like a "
                      "plain search (B(ue|ü)ro, Konflikt\\w*)."))
@click.option("--lemma", is_flag=True, help=N_("Match on lemmas: Baum finds Bäume, not Baumpflege."))
@click.option("--word", is_flag=True, help=N_("Whole words only: Personal, not Personaldecke."))
@click.option("--exact", is_flag=True,
              help=N_("Case and umlauts matter: Bäume finds Bäume, not bäume or Baume."))
@click.option("--question", help=N_("Only segments of this question."))
@click.option("--where", "where", multiple=True, metavar="VAR=VALUE",
              help=N_("Only segments whose source has VAR=VALUE; repeat to narrow further."))
@click.option("--coded/--uncoded", "coded", default=None,
              help=N_("Only segments that are coded / not coded yet (by --coder, else anyone)."))
@click.option("--coder", help=N_("Whose codings --coded and --uncoded look at."))
@click.option("--limit", type=click.IntRange(1), metavar="N",
              help=N_("Show N hits [default: 50 in a table, every hit in csv and json]."))
@click.option("--offset", type=click.IntRange(0), default=0, metavar="N",
              help=N_("Skip the first N hits (the next page: --offset 50)."))
@click.option("--all", "all_hits", is_flag=True, help=N_("Show every hit, also in a table."))
@_FORMAT
def search_cmd(project: str, pattern: str, regex: bool, lemma: bool, word: bool, exact: bool,
               question: str | None, where: tuple[str, ...], coded: bool | None,
               coder: str | None, limit: int | None, offset: int, all_hits: bool,
               fmt: str) -> None:
    """Find PATTERN in the texts and show each hit in its context (keyword in context).

    Case and umlauts do not matter (Baume finds Bäume, strasse finds Straße; --exact: they
    do), and a word is found inside compounds (Personal finds Personaldecke) unless --word
    is given. A table shows the first 50 hits in project order and the totals; --offset
    pages on, --all shows all. csv and json carry every hit unless --limit is given.

    \b
    Examples:
      qca search study.qca Personal --question chancen
      qca search study.qca Personal --offset 50
      qca search study.qca "Konflikt\\w*" --regex --uncoded
      qca search study.qca Personal --format csv > personal.csv
    """
    from qca.search import format_csv, format_json, format_table, search

    if all_hits:
        limit = None
    elif limit is None and fmt == "table":
        limit = 50
    with _project(project) as proj:
        result = search(proj, pattern, regex=regex, lemma=lemma, word=word, exact=exact,
                        question=question, where=where, coded=coded, coder=coder,
                        offset=offset, limit=limit)
    if fmt == "csv":
        click.echo(format_csv(result), nl=False)
    elif fmt == "json":
        click.echo(format_json(result), nl=False)
    else:
        click.echo("\n".join(format_table(result)))


@cli.command(name="cooccurrence")
@_project_arg
@click.option("--coder", help=N_("Whose codings [default: consensus, else the only coder]."))
@click.option("--question", help=N_("Only this question's segments and categories."))
@click.option("--by", metavar="VAR", help=N_("Also one table per value of this source variable."))
@click.option("--top", type=click.IntRange(1), help=N_("Table: only the N most frequent pairs."))
@_FORMAT
def cooccurrence_cmd(project: str, coder: str | None, question: str | None, by: str | None,
                     top: int | None, fmt: str) -> None:
    """Count how often two categories were given to the same segment, with the Jaccard index.

    Jaccard = segments with both / segments with either. Open a pair's segments with
    'qca segments PROJECT --code A+B'; draw it with 'qca figure PROJECT --cooccurrence'.

    \b
    Examples:
      qca cooccurrence study.qca --question chancen --coder anna
      qca cooccurrence study.qca --by amt --format csv
    """
    from qca.cooccurrence import cooccurrence, format_csv, format_json, format_table

    with _project(project) as proj:
        table = cooccurrence(proj, coder=coder, question=question, by=by)
    if fmt == "csv":
        click.echo(format_csv(table), nl=False)
    elif fmt == "json":
        click.echo(format_json(table), nl=False)
    else:
        click.echo("\n".join(format_table(table, top=top)))


def _cooccurrence_figure(project: str, by: str | None, question: str | None, coder: str | None,
                         order: str | None, include_total: bool, title: str | None,
                         output: str, force: bool) -> None:
    from qca.cooccurrence_figure import write_heatmap

    if by or order or include_total:
        raise InputError(_("--cooccurrence draws one heatmap; leave out --by, --order and --total"))
    with _project(project) as proj:
        write_heatmap(proj, output, coder=coder, question=question, title=title, force=force)
    click.echo(_("wrote {path}").format(path=output), err=True)


@cli.command(name="autocode")
@_project_arg
@click.option("--dictionary", "dictionary", required=True, type=click.Path(dir_okay=False),
              help=N_("YAML file: category key -> words, phrases, 'word:' or 'regex:' entries "
                   "(format: codebooks/README.md)."))
@click.option("--coder", required=True, help=N_("Whose proposals these become (origin dictionary)."))
@click.option("--dry-run", is_flag=True, help=N_("Only print what would be coded, per category."))
def autocode_cmd(project: str, dictionary: str, coder: str, dry_run: bool) -> None:
    """Propose categories from keyword lists, for CODER to review (one undoable step).

    Words match case- and umlaut-insensitively, also inside compounds. Segments CODER has
    coded already are never touched. Review the proposals with
    'qca code PROJECT --coder CODER --review dictionary'; 'qca undo' takes the run back.

    \b
    Example:
      qca autocode study.qca --dictionary woerter.yaml --coder anna --dry-run
    """
    from qca.autocode import autocode, format_plan
    from qca.coding import validate_person

    coder = validate_person(coder)
    with _project(project) as proj:
        plan = autocode(proj, dictionary, coder, dry_run=dry_run)
    click.echo("\n".join(format_plan(plan, dry_run=dry_run)))


@cli.command(name="words")
@_project_arg
@click.option("--question", help=N_("Only segments of this question."))
@click.option("--by", metavar="VAR", help=N_("One list per value of this source variable."))
@click.option("--code", metavar="KEY",
              help=N_("Segments carrying KEY (A+B, A,B, A-B as in 'qca segments') against the "
                   "other segments the coder coded."))
@click.option("--coder", help=N_("--code: whose codings [default: consensus, else the only coder]."))
@click.option("--top", default=20, show_default=True, type=click.IntRange(1),
              help=N_("How many lemmas per group."))
@_FORMAT
def words_cmd(project: str, question: str | None, by: str | None, code: str | None,
              coder: str | None, top: int, fmt: str) -> None:
    """Lemma frequencies with the share of segments using each, per group or category.

    Stop words, numbers and one-letter words are left out; lemmas are folded, so Ämter and
    Amter count as one. The raw material of an inductive category.

    \b
    Examples:
      qca words study.qca --question gruende_nichtnutzung --by amt --top 10
      qca words study.qca --code FN_SONST --coder anna
    """
    from qca.words import format_csv, format_json, format_table, word_frequencies

    with _project(project) as proj, _progressbar("analysing segments") as progress:
        table = word_frequencies(proj, question=question, by=by, code=code, coder=coder,
                                 top=top, progress=progress)
    if fmt == "csv":
        click.echo(format_csv(table), nl=False)
    elif fmt == "json":
        click.echo(format_json(table), nl=False)
    else:
        click.echo("\n".join(format_table(table)))


# --- demo ----------------------------------------------------------------------------------


@cli.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False),
              help=N_("Folder to build demo.qca in (default: ~/.local/share/qca, or "
                   "$XDG_DATA_HOME/qca when XDG_DATA_HOME is set)."))
@click.option("--fresh", is_flag=True, help=N_("Rebuild the demo project from scratch."))
@click.option("--no-open", is_flag=True, help=N_("Only build and summarise; do not open the screen."))
@click.option("--coder", default="demo", show_default=True, help=N_("Coder name on the screen."))
def demo(directory: str | None, fresh: bool, no_open: bool, coder: str) -> None:
    """Build the demo project from the bundled corpora and codebooks, and open it.

    The project is built once, as ~/.local/share/qca/demo.qca by default, and reused after;
    the project summary is printed when the screen closes (instead of opening it when the
    output is not a terminal).
    """
    from qca.demo import build_demo
    from qca.status import project_status
    from qca.store import Project

    path = build_demo(Path(directory) if directory else None, fresh=fresh)
    if no_open or not _interactive():
        with Project.open(path) as proj:
            click.echo("\n".join(project_status(proj).lines()))
        click.echo("\n" + _("open it with: qca code {path} --coder {coder}").format(
            path=path, coder=coder))
        return
    _open_coding_screen(path, coder, None, ())
    # Summarised after the screen closes, so it counts what was just coded.
    with Project.open(path) as proj:
        click.echo("\n".join(project_status(proj).lines()))
    click.echo("\n" + _("continue with: qca code {path} --coder {coder}").format(
        path=path, coder=coder))


def _open_coding_screen(path: Path | str, coder: str, question: str | None,
                        where: tuple[str, ...], *, suggest: bool = True,
                        widen: bool = False, lead: bool = False, retrieve: str | None = None,
                        status: str = "all") -> None:
    from qca.coding import check_new_coder
    from qca.tui.app import run_coding_app

    with _project(str(path)) as proj:
        check_new_coder(proj, coder)
        if suggest:
            # Lemmas are computed once and stored; doing it here, with a progress bar, keeps
            # the screen's first training short so typing stays fast from the first key.
            from qca.nlp import analyse_project

            with _progressbar(_("analysing segments")) as progress:
                analyse_project(proj, progress=progress)
    run_coding_app(path, coder=coder, question=question, where=where, suggest=suggest,
                   widen=widen, status=status, lead=lead, retrieve=retrieve)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``qca`` console script."""
    from qca.limits import note_input

    note_input(None)
    try:
        cli.main(args=argv, prog_name="qca", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(_("qca: aborted"), err=True)
        sys.exit(130)
    except click.exceptions.NoArgsIsHelpError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        _fail(_usage_message(exc), exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except QcaError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        click.echo(_("qca: interrupted"), err=True)
        sys.exit(130)
    except BrokenPipeError:
        os._exit(0)
    except (MemoryError, RecursionError) as exc:
        _fail(_resource_message(exc), 1)
    except OSError as exc:
        _fail(f"{exc.filename or ''}: {exc.strerror or exc}".strip(": "), 1)


def _usage_message(exc: click.UsageError) -> str:
    """Click's Usage/Try/Error lines as one: what is wrong, in which command, where the help is."""
    where = exc.ctx.command_path if exc.ctx is not None else "qca"
    what = " ".join(exc.format_message().split()).rstrip(".")
    return _("{command}: {problem}; see '{command} --help'").format(command=where, problem=what)


def _resource_message(exc: BaseException) -> str:
    """One line for a resource that ran out while reading a user's file."""
    from qca.limits import current_input, format_size, limits

    name = current_input()
    where = f"{name}: " if name else ""
    if isinstance(exc, RecursionError):
        return where + _("nested too deeply to read (over Python's recursion limit of "
                         "{limit}); the file is damaged or hostile; export it again").format(
            limit=sys.getrecursionlimit())
    return where + _("not enough memory to read it; nothing was changed. Close other programs "
                     "or split the file; archives that unpack to more than --max-size (now "
                     "{size}) are refused before reading").format(
        size=format_size(limits().max_size))


if __name__ == "__main__":
    main()
