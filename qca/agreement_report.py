"""What ``qca agreement`` prints: the coefficients of a project or a matrix, as text, JSON or CSV.

:func:`agreement_report` is the one call behind the command. It checks that the options fit
together, computes the result (:func:`qca.reliability.agreement`,
:func:`qca.reliability.confusion_table` or :func:`qca.agreement.report` of a matrix read by
:func:`qca.importing.matrix.read_matrix_csv`) and formats it:

* ``table``: a readable summary; a coefficient that is undefined shows as ``-``.
* ``json``: the result's ``to_json`` (undefined coefficients are ``null``).
* ``csv``: one row per scope (overall, then each category), or one per confusion pair.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from qca.errors import InputError
from qca.i18n import N_, _
from qca.progress import Progress
from qca.reliability import AgreementResult, ConfusionResult

__all__ = ["agreement_report", "coder_list", "confusion_lines", "coefficient_lines"]

_COEFFICIENTS = [
    ("percent_agreement", N_("percent agreement (p_a)")),
    ("krippendorff_alpha", "Krippendorff's alpha"),
    ("krippendorff_alpha_masi", "Krippendorff's alpha, MASI"),
    ("cohen_kappa", "Cohen's kappa"),
    ("scott_pi", "Scott's pi"),
    ("fleiss_kappa", "Fleiss' kappa"),
    ("gwet_ac1", "Gwet's AC1"),
    ("brennan_prediger", "Brennan-Prediger"),
]
FORMATS = ("table", "json", "csv")


def coder_list(value: str | None, option: str) -> list[str] | None:
    """Coder names from a comma-separated option value (``None`` when it was not given)."""
    if value is None:
        return None
    names = [c.strip() for c in value.split(",") if c.strip()]
    if not names:
        raise InputError(_("{option} {value!r}: name the coders, comma-separated, e.g. {option} anna,ben")
                         .format(option=option, value=value))
    return names


def _num(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    return f"{value:.3f}"


def coefficient_lines(res: dict[str, Any], level: str = "nominal") -> list[str]:
    """The counts and every coefficient in ``res`` (a jsonable report), one line each."""
    lines = [_("{units} units coded by 2 or more coders, {pairable} pairable values, "
               "{coders} coders").format(units=res["n_units"], pairable=res["n_pairable"],
                                         coders=res["n_coders"])]
    for key, label in _COEFFICIENTS:
        if key not in res:
            continue
        label = _(label)
        if key == "krippendorff_alpha":
            label = f"{label} ({level})"
        line = f"  {label:<34}{_num(res[key]):>7}"
        if key == "krippendorff_alpha" and "alpha_ci_low" in res:
            line += f"   95% CI [{_num(res['alpha_ci_low'])}, {_num(res['alpha_ci_high'])}]"
        lines.append(line)
    return lines


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buf.getvalue()


def _text(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def confusion_lines(conf: ConfusionResult) -> list[str]:
    """The confusion table of two coders, the most confused pairs and codes only one added."""
    codes = sorted({a for a, _ in conf.table} | {b for _, b in conf.table})
    lines = [_("Confusion of {coder_a} (rows) and {coder_b} (columns), {n} segments coded by "
               "both").format(coder_a=conf.coder_a, coder_b=conf.coder_b, n=conf.n_units)]
    if not codes:
        return [*lines, "  " + _("no segment coded by both")]
    width = max(len(c) for c in codes)
    cell = max(5, width)
    lines.append(" " * (width + 2) + " ".join(f"{c:>{cell}}" for c in codes))
    for a in codes:
        cells = " ".join(f"{conf.table.get((a, b), 0) or '.':>{cell}}" for b in codes)
        lines.append(f"  {a:<{width}}{cells}")
    lines.append(_("Most often confused:"))
    for a, b, n in conf.most_confused[:10] or [("-", "-", 0)]:
        lines.append(f"  {a} / {b}: {n}" if n else "  " + _("none"))
    for coder, only in ((conf.coder_a, conf.only_a), (conf.coder_b, conf.only_b)):
        if only:
            listed = ", ".join(f"{k} {n}" for k, n in only.items())
            lines.append(_("Codes only {coder} added (no other code to pair with): {listed}")
                         .format(coder=coder, listed=listed))
    return lines


def _agreement_lines(result: AgreementResult, out: dict[str, Any], question: str | None) -> list[str]:
    overall = out["overall"]
    scope = (_("question {question}").format(question=question) if question
             else _("all questions"))
    lines = [_("Agreement of {coders} ({scope})").format(coders=", ".join(result.coders),
                                                         scope=scope),
             *coefficient_lines(overall)]
    if overall["values"] == "code_set":
        lines.append("  " + _("several codes per segment ({n} times a coder gave one segment "
                              "more than one code): the coefficients compare code sets (equal "
                              "or not); MASI alpha gives partial credit")
                     .format(n=overall["n_multi_coded"]))
    if out["categories"]:
        kappa = "cohen_kappa" if "cohen_kappa" in overall else "fleiss_kappa"
        header = (_("category"), _("units"), _("agree"))
        width = max(8, len(header[0]), *(len(k) for k in out["categories"]))
        units = max(5, len(header[1]))
        agree = max(6, len(header[2]))
        lines.append("")
        lines.append(_("Per category, present or absent per segment (kappa: {kappa}):").format(
            kappa="Cohen" if kappa == "cohen_kappa" else "Fleiss"))
        lines.append(f"{header[0]:<{width}} {header[1]:>{units}} {header[2]:>{agree}} "
                     f"{'alpha':>6} {'kappa':>6} {'AC1':>6}")
        for cat, res in out["categories"].items():
            lines.append(f"{cat:<{width}} {res['n_units']:>{units}} "
                         f"{_num(res['percent_agreement']):>{agree}} "
                         f"{_num(res['krippendorff_alpha']):>6} {_num(res.get(kappa)):>6} "
                         f"{_num(res['gwet_ac1']):>6}")
    return lines


def _matrix_report(matrix: str, level: str, fmt: str, id_column: str | None) -> str:
    from qca.agreement import report, to_jsonable
    from qca.importing.matrix import read_matrix

    read = read_matrix(matrix, id_column)
    res = to_jsonable(report(read.data, level))
    res["id_column"] = read.id_column
    if fmt == "json":
        return json.dumps(res, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(list(res), [list(res.values())])
    ids = (_("unit ids from column {column!r}").format(column=read.id_column)
           if read.id_column is not None else _("no id column, units numbered from 1"))
    return _text([_("{name}: {ids}; coders {coders} (choose with --id-column NAME|none)").format(
        name=Path(matrix).name, ids=ids, coders=", ".join(read.data.coders)),
        *coefficient_lines(res, level)])


def _confusion_report(project: Any, pair: list[str], question: str | None,
                      include_nonsubstantive: bool, fmt: str) -> str:
    from qca.reliability import confusion_table

    conf = confusion_table(project, pair[0], pair[1], question,
                           include_nonsubstantive=include_nonsubstantive)
    if fmt == "json":
        return json.dumps(conf.to_json(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv([pair[0], pair[1], "n"], [[a, b, n] for (a, b), n in conf.table.items()])
    return _text(confusion_lines(conf))


def _project_report(project: Any, coders: list[str] | None, question: str | None,
                    by_category: bool, include_nonsubstantive: bool, fmt: str) -> str:
    from qca.reliability import agreement

    result = agreement(project, coders, question, by_category=by_category,
                       include_nonsubstantive=include_nonsubstantive)
    out = result.to_json()
    if fmt == "json":
        return json.dumps(out, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        overall = out["overall"]
        keys = [k for k in overall if k not in ("coders", "question", "values")]
        rows = [["overall", *[overall[k] for k in keys]]]
        rows += [[cat, *[res.get(k) for k in keys]] for cat, res in out["categories"].items()]
        return _csv(["scope", *keys], rows)
    return _text(_agreement_lines(result, out, question))


def _machine_report(project: str | Path | None, matrix: str | None, coders: str | None,
                    question: str | None, confusion: str | None, include_nonsubstantive: bool,
                    folds: int | None, fmt: str, progress: Progress | None = None,
                    vectors_progress: Progress | None = None) -> str:
    from qca import machine as m

    if matrix is not None:
        raise InputError(_("--machine learns from a project's codings; a --matrix CSV has no "
                           "texts"))
    if confusion is not None or include_nonsubstantive:
        flag = "--confusion" if confusion is not None else "--include-nonsubstantive"
        raise InputError(_("{option} does not go with --machine; leave it out").format(
            option=flag))
    from qca.store import Project

    assert project is not None
    with Project.open(project) as proj:
        result = m.machine_agreement(proj, coder_list(coders, "--coders"), question,
                                     folds=m.DEFAULT_FOLDS if folds is None else folds,
                                     progress=progress, vectors_progress=vectors_progress)
    if fmt == "json":
        return m.format_json(result)
    if fmt == "csv":
        return m.format_csv(result)
    return m.format_table(result)


def agreement_report(
    project: str | Path | None = None,
    *,
    matrix: str | None = None,
    level: str = "nominal",
    coders: str | None = None,
    question: str | None = None,
    by_category: bool = False,
    confusion: str | None = None,
    include_nonsubstantive: bool = False,
    fmt: str = "table",
    id_column: str | None = None,
    machine: bool = False,
    folds: int | None = None,
    progress: Progress | None = None,
    vectors_progress: Progress | None = None,
) -> str:
    """The text ``qca agreement`` prints, for a project file or a ``matrix`` CSV.

    Args:
        project: The project file; exactly one of ``project`` and ``matrix``.
        matrix: A units x coders CSV coded elsewhere.
        id_column: The matrix's column of unit ids, ``"none"`` for none (default: found by
            :func:`qca.importing.matrix.read_matrix`).
        level: Krippendorff's alpha level, for a matrix only.
        coders: Coders to compare, comma-separated (default: all but consensus).
        confusion: Two coders ``"A,B"``: their confusion table instead of coefficients.
        fmt: ``table``, ``json`` or ``csv``.
        machine: For each coder a cross-validated machine coder beside the humans
            (:mod:`qca.machine`); ``folds`` folds (default 5).
        progress: ``machine`` only: progress of analysing the segments.
        vectors_progress: ``machine`` only: progress of computing missing sentence vectors.

    Raises:
        InputError: Options that do not fit together (named as the CLI spells them).
    """
    if (project is None) == (matrix is None):
        raise InputError(_("give either a PROJECT or --matrix FILE.csv (exactly one of them)"))
    if folds is not None and not machine:
        raise InputError(_("--folds is for --machine; add --machine or leave out --folds"))
    if machine:
        return _machine_report(project, matrix, coders, question, confusion,
                               include_nonsubstantive, folds, fmt, progress, vectors_progress)
    if matrix is not None:
        project_only = [name for name, used in (("--coders", coders), ("--question", question),
                        ("--by-category", by_category), ("--confusion", confusion),
                        ("--include-nonsubstantive", include_nonsubstantive)) if used]
        if project_only:
            raise InputError(_("{project_only} is for a project; a --matrix CSV is used as it is")
                             .format(project_only=project_only[0]))
        return _matrix_report(matrix, level, fmt, id_column)
    assert project is not None
    if id_column is not None:
        raise InputError(_("--id-column is for --matrix; a project's units are its segments"))
    if level != "nominal":
        raise InputError(_("--level is for --matrix; codes in a project are nominal (MASI alpha "
                           "gives partial credit for overlapping code sets)"))
    pair: list[str] | None = None
    if confusion is not None:
        pair = coder_list(confusion, "--confusion") or []
        if len(pair) != 2:
            raise InputError(_("--confusion {confusion!r}: name exactly two coders, e.g. anna,ben")
                             .format(confusion=confusion))
        if coders or by_category:
            raise InputError(_("--confusion names its two coders; leave out --coders and --by-category"))
    from qca.store import Project

    with Project.open(project) as proj:
        if pair is not None:
            return _confusion_report(proj, pair, question, include_nonsubstantive, fmt)
        return _project_report(proj, coder_list(coders, "--coders"), question, by_category,
                               include_nonsubstantive, fmt)
