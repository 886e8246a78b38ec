"""Exports: the formats a qca project is handed on in.

``csv``
    The long (one row per coding) and wide (one row per segment) CSV files.
``xlsx``
    The Excel workbook: codebook, codings and one wide sheet per coder.
``spss``
    The wide CSV of one coder with the SPSS syntax that reads it.
``figures``
    Print-ready bar charts of category shares per group.

The REFI-QDA project export lives in :mod:`qca.refi`.
"""
