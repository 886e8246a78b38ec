"""Bringing a user's files into a project: survey tables, protocols, codings, matrices.

The modules, one format each:

* :mod:`qca.importing.decode` is the one decoder of a user's text file (encodings, BOM,
  delimiters) that survey tables, protocols and matrices share;
* :mod:`qca.importing.survey` reads survey exports (CSV, TSV, XLSX) into a table;
* :mod:`qca.importing.protocol` splits protocol documents (.txt, .md, .docx) into
  passages, with :mod:`qca.importing.textrepair` mending PDF-extracted text;
* :mod:`qca.importing.codings` brings in codings made elsewhere;
* :mod:`qca.importing.matrix` reads an agreement matrix (units x coders) coded elsewhere;
* :mod:`qca.importing.sources` writes survey answers and protocol passages into a project;
* :mod:`qca.importing.readers` chooses the reader by the file's extension, for the CLI
  and the demo.
"""

from __future__ import annotations

from qca.importing.codings import CodingsImport, import_codings
from qca.importing.decode import decode_text, detect_delimiter
from qca.importing.matrix import read_matrix_csv
from qca.importing.protocol import Passage, ProtocolDocument, read_protocol, read_protocol_document
from qca.importing.readers import import_file, kind_for, read_codebooks
from qca.importing.sources import ImportResult, import_protocol, import_survey, is_substantive
from qca.importing.survey import Table, read_table

__all__ = [
    "CodingsImport",
    "ImportResult",
    "Passage",
    "ProtocolDocument",
    "Table",
    "decode_text",
    "detect_delimiter",
    "import_codings",
    "import_file",
    "import_protocol",
    "import_survey",
    "is_substantive",
    "kind_for",
    "read_codebooks",
    "read_matrix_csv",
    "read_protocol",
    "read_protocol_document",
    "read_table",
]
