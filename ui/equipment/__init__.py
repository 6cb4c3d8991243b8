"""Views of the equipment registry page (``pages/equipements.py`` chooses which one to show).

``filters`` (search and filters mirrored in the URL), ``list`` (paged table and export),
``detail`` (one machine's record and its tabs), ``forms`` (create / edit), ``lifecycle``
(status buttons), ``qr`` (printable label), ``import_csv`` (CSV import), ``columns`` (the
list's and the export's columns, shared with the benchmark).
"""
