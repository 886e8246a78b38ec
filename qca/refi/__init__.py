"""REFI-QDA exchange: codebooks (``.qdc``) and projects (``.qdpx``).

The formats and every mapping decision are described in :mod:`qca.refi.codebook` (codebook
files, description labels, keys, question binding, sets) and :mod:`qca.refi.project`
(project archives: sources, selections, codings, users, variables).
"""

from __future__ import annotations

from qca.refi._xml import CODEBOOK_NS, PROJECT_NS, code_guid
from qca.refi.codebook import (
    CodeSet,
    QdcResult,
    format_description,
    load_qdc,
    parse_description,
    qdc_bytes,
    read_qdc,
    write_qdc,
)
from qca.refi.project import QdpxExport, QdpxImport, export_qdpx, import_qdpx, source_text

__all__ = [
    "CODEBOOK_NS",
    "CodeSet",
    "PROJECT_NS",
    "QdcResult",
    "QdpxExport",
    "QdpxImport",
    "code_guid",
    "export_qdpx",
    "format_description",
    "import_qdpx",
    "load_qdc",
    "parse_description",
    "qdc_bytes",
    "read_qdc",
    "source_text",
    "write_qdc",
]
