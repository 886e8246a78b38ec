"""Bringing a user's files into a project: survey tables, protocols, codings.

The modules, one format each:

* :mod:`qca.importing.survey` reads survey exports (CSV, TSV, XLSX) into a table;
* :mod:`qca.importing.protocol` splits protocol documents (.txt, .md, .docx) into
  passages, with :mod:`qca.importing.textrepair` mending PDF-extracted text;
* :mod:`qca.importing.codings` brings in codings made elsewhere;
* :mod:`qca.importing.matrix` reads an agreement matrix (units x coders) coded elsewhere;
* :mod:`qca.importing.decode` is the one decoder of a user's text file (encodings, BOM,
  delimiters) that survey tables, protocols and matrices share;
* :mod:`qca.importing.sources` writes survey answers and protocol passages into a project.
"""

from __future__ import annotations

from qca.importing.sources import ImportResult, import_protocol, import_survey, is_substantive

__all__ = ["ImportResult", "import_protocol", "import_survey", "is_substantive"]
