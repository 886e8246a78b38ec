"""Choosing a writer by ``--format`` or the target's extension, in one place: ``qca export``
uses it, and so will any screen that exports.

:func:`export` picks the writer (``.xlsx``, ``.sps``, ``.sav``, ``.dta``, ``.qdpx``; any other
target is the long CSV), refuses to replace any file it would write unless ``force``, writes
each file atomically and returns a summary whose first line names the coder(s) and counts
(``wrote exports/wide.csv: coder anna, 1,310 segments, 1,254 coded``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qca.errors import ExportError, InputError
from qca.exporting.csv import (
    LONG_FIXED,
    LONG_TAIL,
    WIDE_FIXED,
    WIDE_NOTE,
    WIDE_TAIL,
    WideCsv,
    choose_coder,
    long_rows,
    write_csv,
    write_csv_text,
)
from qca.exporting.names import mapping_path, mapping_rows, safe_names
from qca.fileio import all_or_none, check_new, check_target
from qca.i18n import N_, _, grouped, ngettext
from qca.store import Project

__all__ = ["FORMATS", "ExportResult", "export", "format_for"]

FORMATS = ("long", "wide", "notes", "xlsx", "spss", "sav", "stata", "qdpx")
_BY_SUFFIX = {".xlsx": "xlsx", ".sps": "spss", ".sav": "sav", ".dta": "stata", ".qdpx": "qdpx"}
_SUFFIX = {"xlsx": ".xlsx", "sav": ".sav", "stata": ".dta", "qdpx": ".qdpx"}
_FILES_ONLY = {"xlsx", "spss", "sav", "stata", "qdpx"}
_EVERY_CODER = {"xlsx", "qdpx"}
_NAMES_DEFAULT = {"long": "keep", "wide": "safe", "spss": "safe", "sav": "safe", "stata": "safe"}
_NAMES_REQUIRED = {"sav": N_("an SPSS .sav"), "stata": N_("a Stata .dta")}


@dataclass
class ExportResult:
    """What an export wrote: the files, or the text for standard output, and a summary."""

    written: list[Path]
    summary: str  # "wrote exports/wide.csv: coder anna, 1,310 segments, 1,254 coded"
    text: str | None = None  # the CSV when no target was given
    more: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [self.summary, *self.more]


def format_for(fmt: str | None, output: Path | str | None) -> str:
    """The format asked for, else the one the target's extension names, else ``long``."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise InputError(_("unknown export format {fmt!r}; choose one of {items}")
                             .format(fmt=fmt, items=', '.join(FORMATS)))
        return fmt
    if output is None:
        return "long"
    return _BY_SUFFIX.get(Path(output).suffix.lower(), "long")


_NOUNS: dict[str, Callable[[int], str]] = {
    "coding": lambda n: ngettext("{n} coding", "{n} codings", n),
    "segment": lambda n: ngettext("{n} segment", "{n} segments", n),
    "source": lambda n: ngettext("{n} source", "{n} sources", n),
    "note": lambda n: ngettext("{n} note", "{n} notes", n),
    "memo": lambda n: ngettext("{n} memo", "{n} memos", n),
    "flag": lambda n: ngettext("{n} flag", "{n} flags", n),
    "reason": lambda n: ngettext("{n} reason", "{n} reasons", n),
    "split note": lambda n: ngettext("{n} split note", "{n} split notes", n),
}


def _count(n: int, noun: str) -> str:
    """``1 note``, ``1,254 notes`` (``1.254 Notizen``: in the interface language)."""
    return _NOUNS[noun](n).format(n=grouped(n))


def _coders(names: list[str]) -> str:
    if not names:
        return _("no coders yet")
    return ngettext("coder {names}", "coders {names}", len(names)).format(names=", ".join(names))


def _check_options(fmt: str, output: Path | None, coder: str | None, names: str | None) -> str:
    if fmt in _FILES_ONLY and output is None:
        raise InputError(_("--format {fmt} writes files; name the target with -o").format(fmt=fmt))
    if coder and fmt in _EVERY_CODER:
        raise InputError(_("--format {fmt} holds every coder; leave out --coder "
                           "(it selects a coder for long, wide, notes, spss, sav and stata)")
                         .format(fmt=fmt))
    if names is not None and fmt not in _NAMES_DEFAULT:
        raise InputError(_("--names applies to long, wide, spss, sav and stata; --format {fmt} "
                           "keeps the original names").format(fmt=fmt))
    if names == "keep" and fmt in _NAMES_REQUIRED:
        raise InputError(_("--names keep: {names_required} needs names it accepts; leave "
                           "out --names (safe is the default)")
                         .format(names_required=_(_NAMES_REQUIRED[fmt])))
    if names not in (None, "safe", "keep"):
        raise InputError(_("--names {names}: choose safe or keep").format(names=names))
    suffix = _SUFFIX.get(fmt)
    if suffix and output is not None and output.suffix.lower() != suffix:
        raise ExportError(_("{output}: --format {fmt} writes a {suffix} file; name the target "
                            "{name}")
                          .format(output=output, fmt=fmt, suffix=suffix, name=output.with_suffix(suffix).name))
    return names or _NAMES_DEFAULT.get(fmt, "keep")


def _renamed_note(original: list[str], exported: list[str], output: Path | None) -> list[str]:
    changed = sum(a != b for a, b in zip(original, exported))
    if output is None:
        if not changed:
            return []
        return [_("{changed} column names changed for R, Stata and SPSS (--names safe); "
                  "give -o FILE to get the mapping FILE.names.csv, or use --names keep")
                .format(changed=changed)]
    return [_("also wrote {path}: {changed} of {n} column names changed for R, Stata and SPSS")
            .format(path=mapping_path(output), changed=changed, n=len(original))]


def export(project: Project, fmt: str | None = None, output: Path | str | None = None, *,
           coder: str | None = None, names: str | None = None,
           force: bool = False, key: Path | str | None = None) -> ExportResult:
    """Write ``project`` in ``fmt`` (default: by the extension of ``output``) to ``output``.

    Args:
        fmt: one of :data:`FORMATS`; None picks it from ``output``'s extension, else long.
        output: the target file (a folder for ``spss``); None returns long, wide or notes
            CSV as ``text`` for standard output.
        coder: whose codings (long, notes: a filter; wide, spss, sav, stata: required when
            several coded, else the only coder or ``consensus``).
        names: ``safe`` or ``keep`` (default: safe for wide, spss, sav and stata).
        force: replace files that exist; without it an existing target is refused.
        key: a key written by ``qca pseudonymise``: export the project with every original
            it names replaced by its pseudonym, as the export of the pseudonymised copy.

    Raises:
        InputError: an option does not fit the format.
        ExportError: a target exists (without ``force``), its folder is missing, or it
            cannot be written.
    """
    fmt = format_for(fmt, output)
    target = Path(output) if output is not None else None
    naming = _check_options(fmt, target, coder, names)
    if key is not None:
        return _export_pseudonymised(project, Path(key), fmt, target, coder, names, force)
    if coder is not None and fmt != "notes":  # a coder may have notes and no codings
        choose_coder(project, coder)  # an unknown coder is an error, not an empty file
    if fmt in ("long", "wide"):
        return _export_table(project, fmt, target, coder, naming, force)
    if fmt == "notes":
        return _export_notes(project, target, coder, force)
    if target is None:  # refused by _check_options already; this tells mypy
        raise InputError(_("--format {fmt} writes files; name the target with -o").format(fmt=fmt))
    if fmt == "xlsx":
        return _export_xlsx(project, target, force)
    if fmt == "qdpx":
        return _export_qdpx(project, target, force)
    return _export_labelled(project, fmt, target, coder, naming, force)


def _export_pseudonymised(project: Project, key: Path, fmt: str, target: Path | None,
                          coder: str | None, names: str | None, force: bool) -> ExportResult:
    """The export of a temporary copy with the key's pseudonyms (deleted after)."""
    from qca.pseudonymise.copies import keyed_copy

    with keyed_copy(project, key) as copy:
        result = export(copy, fmt, target, coder=coder, names=names, force=force)
    result.more.append(_("pseudonymised with the key {key}: every original it names is "
                         "replaced by its pseudonym").format(key=key))
    return result


def _export_table(project: Project, fmt: str, target: Path | None, coder: str | None,
                  naming: str, force: bool) -> ExportResult:
    if fmt == "long":
        rows = list(long_rows(project, coder))
        fixed = {*LONG_FIXED, *LONG_TAIL}
        coder_col, segment_col = rows[0].index("coder"), rows[0].index("segment_id")
        coders = [coder] if coder else sorted({str(r[coder_col]) for r in rows[1:]})
        segments = len({r[segment_col] for r in rows[1:]})
        counts = _("{coders}, {codings} of {segments}").format(
            coders=_coders(coders), codings=_count(len(rows) - 1, "coding"),
            segments=_count(segments, "segment"))
    else:
        return _export_wide(project, target, coder, naming, force)
    original = [str(h) for h in rows[0]]
    more: list[str] = []
    if naming == "safe":
        exported = safe_names(original, fixed)
        rows[0] = list(exported)
        more = _renamed_note(original, exported, target)
    if target is None:
        return ExportResult([], _("exported to standard output: {counts}").format(counts=counts),
                            write_csv(iter(rows), None), more)
    written = [target, *([mapping_path(target)] if naming == "safe" else [])]
    check_new(written, force=force)
    check_target(target)
    with all_or_none(written) as staged:
        write_csv(iter(rows), staged[0])
        if naming == "safe":
            write_csv(mapping_rows(original, exported), staged[1])
    return ExportResult(written, _("wrote {path}: {counts}").format(path=target, counts=counts), None, more)


def _wide_counts(coder: str, table: WideCsv) -> str:
    return _("coder {coder}, {segments}, {coded} coded").format(
        coder=coder, segments=_count(table.segments, "segment"), coded=grouped(table.coded))


def _export_wide(project: Project, target: Path | None, coder: str | None, naming: str,
                 force: bool) -> ExportResult:
    """The wide table, written while it is read: a million segments in flat memory."""
    chosen = choose_coder(project, coder)
    table = WideCsv(project, chosen)
    original = table.header
    header: list[object] = list(original)
    more: list[str] = []
    if naming == "safe":
        exported = safe_names(original, {*WIDE_FIXED, *WIDE_NOTE, *WIDE_TAIL})
        header = list(exported)
        more = _renamed_note(original, exported, target)
    if target is None:
        text = write_csv_text(table.chunks(header), None)
        return ExportResult([], _("exported to standard output: {counts}").format(
            counts=_wide_counts(chosen, table)), text, more)
    written = [target, *([mapping_path(target)] if naming == "safe" else [])]
    check_new(written, force=force)
    check_target(target)
    with all_or_none(written) as staged:
        write_csv_text(table.chunks(header), staged[0])
        if naming == "safe":
            write_csv(mapping_rows(original, exported), staged[1])
    return ExportResult(written, _("wrote {path}: {counts}").format(
        path=target, counts=_wide_counts(chosen, table)), None, more)


def _export_notes(project: Project, target: Path | None, coder: str | None,
                  force: bool) -> ExportResult:
    from qca.exporting.notes import note_rows, notes

    found = notes(project, coder)
    kinds = Counter(n.kind for n in found)
    coders = [coder] if coder else sorted({n.coder for n in found})
    words = {"memo": "memo", "flag": "flag", "reason": "reason", "split": "split note"}
    counts = (f"{_coders(coders)}, {_count(len(found), 'note')} ("
              + ", ".join(_count(kinds[k], w) for k, w in words.items()) + ")"
              if found else _("0 notes: no memos, flags, reasons or split notes yet"))
    rows = note_rows(project, coder)
    if target is None:
        return ExportResult([], _("exported to standard output: {counts}").format(counts=counts), write_csv(rows, None))
    check_new([target], force=force)
    write_csv(rows, target)
    return ExportResult([target], _("wrote {path}: {counts}").format(path=target, counts=counts))


def _all_coders(project: Project) -> list[str]:
    return [r[0] for r in project.conn.execute(
        "SELECT coder FROM codings UNION SELECT coder FROM notes ORDER BY 1")]


def _export_xlsx(project: Project, target: Path, force: bool) -> ExportResult:
    from qca.exporting.notes import notes
    from qca.exporting.xlsx import write_xlsx

    check_new([target], force=force)
    write_xlsx(project, target)
    counts = ", ".join([_coders(_all_coders(project)),
                        _count(project.count("segments"), "segment"),
                        _count(project.count("codings"), "coding"),
                        _count(len(notes(project)), "note")])
    return ExportResult([target], _("wrote {path}: {counts}").format(path=target, counts=counts))


def _export_qdpx(project: Project, target: Path, force: bool) -> ExportResult:
    from qca.refi import export_qdpx

    check_new([target], force=force)
    done = export_qdpx(project, target)
    counts = (f"{_coders(_all_coders(project))}, {_count(done.sources, 'source')}, "
              f"{_count(done.selections, 'segment')}, {_count(done.codings, 'coding')}, "
              f"{_count(done.notes, 'note')}")
    return ExportResult([target], _("wrote {path}: {counts}").format(path=target, counts=counts))


def _export_labelled(project: Project, fmt: str, target: Path, coder: str | None,
                     naming: str, force: bool) -> ExportResult:
    from qca.exporting.labelled import labelled_wide

    chosen = choose_coder(project, coder)
    if fmt == "spss":
        from qca.exporting.spss import spss_targets

        csv_path, sps_path = spss_targets(project.path.stem, target, chosen)
        files = [csv_path, sps_path]
        names_file = mapping_path(sps_path)
    else:
        files = [target]
        names_file = mapping_path(target)
    check_new([*files, names_file], force=force)
    table = labelled_wide(project, chosen)
    if fmt == "spss" and not csv_path.parent.exists():
        try:
            csv_path.parent.mkdir()
        except OSError as exc:
            raise ExportError(_("{parent}: cannot create the folder "
                                "({strerror})")
                              .format(parent=csv_path.parent, strerror=exc.strerror)) from None
    for path in files:
        check_target(path)
    with all_or_none([*files, names_file]) as staged:
        if fmt == "spss":
            from qca.exporting.spss import write_spss

            write_spss(table, staged[0], staged[1], keep_names=naming == "keep",
                       final_csv=csv_path)
        elif fmt == "sav":
            from qca.exporting.spss import write_sav

            write_sav(table, staged[0])
        else:
            from qca.exporting.stata import write_stata

            write_stata(table, staged[0])
        write_csv(mapping_rows(table.columns, table.names), staged[-1])
    coded_col = table.columns.index("coded")
    coded = sum(1 for r in table.rows if r[coded_col] == 1)
    counts = _("coder {coder}, {segments}, {coded} coded").format(
        coder=chosen, segments=_count(len(table.rows), "segment"), coded=grouped(coded))
    changed = sum(a != b for a, b in zip(table.columns, table.names))
    return ExportResult(
        [*files, names_file], _("wrote {path}: {counts}").format(path=" and ".join(str(f) for f in files),
                                                 counts=counts), None,
        [_("also wrote {path}: {changed} of {n} column names changed for R, Stata and SPSS")
         .format(path=names_file, changed=changed, n=len(table.columns))])
