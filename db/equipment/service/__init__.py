"""Equipment registry services: list, detail, create, edit, lifecycle, CSV import.

One module per verb family; this package re-exports their public names, so callers write
``from db.equipment.service import list_equipements`` whatever module holds it:

* ``common``: roles allowed to write, enum values, French messages and labels;
* ``validation``: field rules, date limits, ``validate_equipement``;
* ``list``: filters, the paged list, export chunks, counts;
* ``choices``: bounded pickers (clients by name);
* ``detail``: one machine, its interventions and maintenance history;
* ``write``: create and edit; ``lifecycle``: status changes; ``importer``: CSV import.

Conventions every domain service follows (the pages rely on them):

* Functions are keyword-only and take an open ``session`` (one transaction per user action,
  opened by the caller with ``db.session.session_scope(actor)``); writers also take ``actor``.
* Reads are scoped by row-level security (the transaction carries the acting user); writers
  check the role first so the user gets a clear French message instead of a database refusal.
* Bad input raises ``ServiceError`` (one field) or ``ValidationError`` (several fields) with
  French messages, *before* anything is written. What only the database can see (races) is
  left to its constraints and translated by ``db.errors.describe``.
* Paged lists return ``(rows, total)`` for ``(filters, sort, page, page_size)``; ``sort`` is
  ``(key, descending)`` with ``key`` from a whitelist, ``page`` starts at 1. Rows are plain
  dicts, so they outlive the session.
"""

from __future__ import annotations

from db.equipment.service.choices import CLIENT_CHOICES_LIMIT, client_choices
from db.equipment.service.common import (
    CONFLICT_MESSAGE,
    CRITICITE_LABELS,
    CRITICITES,
    FORBIDDEN_MESSAGE,
    NOT_FOUND_MESSAGE,
    STATUT_FINAL,
    STATUT_LABELS,
    STATUTS,
    WRITER_ROLES,
    Sort,
    require_writer,
)
from db.equipment.service.detail import (
    DETAIL_LIST_LIMIT,
    HISTORY_SORT_KEYS,
    INTERVENTION_SORT_KEYS,
    EquipementDetail,
    get_equipement_detail,
    list_equipement_interventions,
    list_historique_maintenance,
)
from db.equipment.service.importer import (
    IMPORT_COLUMNS,
    IMPORT_REQUIRED,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    MAX_REPORTED_ERRORS,
    ImportReport,
    RowError,
    import_equipements_csv,
    import_template_csv,
)
from db.equipment.service.lifecycle import change_statut
from db.equipment.service.list import (
    DEFAULT_SORT,
    FILTER_LABELS,
    LIST_COLUMNS,
    MAX_EXPORT_CHUNK,
    SEARCH_COLUMNS,
    SORT_KEYS,
    EquipementFilters,
    clean_filters,
    count_equipements,
    export_chunk_equipements,
    iter_equipements_for_export,
    list_equipements,
    search_ids,
)
from db.equipment.service.validation import (
    EDITABLE_FIELDS,
    FIELDS,
    INSTALLATION_TOLERANCE_DAYS,
    MAX_PLANNING_MONTHS,
    MAX_TEXT,
    MAX_WARRANTY_MONTHS,
    FieldRule,
    date_limits,
    validate_equipement,
)
from db.equipment.service.write import create_equipement, update_equipement
from db.errors import ConflictError, ServiceError, ValidationError
from db.query import like_pattern, paginate
from db.validation import add_months, parse_date, parse_decimal

__all__ = [
    "CLIENT_CHOICES_LIMIT",
    "CONFLICT_MESSAGE",
    "CRITICITES",
    "CRITICITE_LABELS",
    "DEFAULT_SORT",
    "DETAIL_LIST_LIMIT",
    "EDITABLE_FIELDS",
    "FIELDS",
    "FILTER_LABELS",
    "FORBIDDEN_MESSAGE",
    "HISTORY_SORT_KEYS",
    "IMPORT_COLUMNS",
    "IMPORT_REQUIRED",
    "INSTALLATION_TOLERANCE_DAYS",
    "INTERVENTION_SORT_KEYS",
    "LIST_COLUMNS",
    "MAX_EXPORT_CHUNK",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "MAX_PLANNING_MONTHS",
    "MAX_REPORTED_ERRORS",
    "MAX_TEXT",
    "MAX_WARRANTY_MONTHS",
    "NOT_FOUND_MESSAGE",
    "SEARCH_COLUMNS",
    "SORT_KEYS",
    "STATUTS",
    "STATUT_FINAL",
    "STATUT_LABELS",
    "WRITER_ROLES",
    "ConflictError",
    "EquipementDetail",
    "EquipementFilters",
    "FieldRule",
    "ImportReport",
    "RowError",
    "ServiceError",
    "Sort",
    "ValidationError",
    "add_months",
    "change_statut",
    "clean_filters",
    "client_choices",
    "count_equipements",
    "create_equipement",
    "date_limits",
    "export_chunk_equipements",
    "get_equipement_detail",
    "import_equipements_csv",
    "import_template_csv",
    "iter_equipements_for_export",
    "like_pattern",
    "list_equipement_interventions",
    "list_equipements",
    "list_historique_maintenance",
    "paginate",
    "parse_date",
    "parse_decimal",
    "require_writer",
    "search_ids",
    "update_equipement",
    "validate_equipement",
]
