"""The interventions service, split by verb family (the pages import from here).

* ``list``: ``InterventionFilters``, ``filters_from_params``, ``filters_to_params``,
  ``board_column``, ``list_interventions``, ``count_interventions``,
  ``export_chunk_interventions``, ``my_work``;
* ``write``: ``create_intervention``, ``update_intervention``, ``change_statut``,
  ``allowed_transitions``;
* ``dispatch``: ``rank_technicians``, ``assign``;
* ``common``: statuses, priorities, types, French labels.

The intervention file's other verbs (checklist, parts, documents, thread, rating, audit
timeline) live in their own modules of this package.
"""

from __future__ import annotations

from db.interventions.service.common import (
    BOARD_STATUTS,
    HIDDEN_STATUTS,
    OPEN_STATUTS,
    PRIORITE_LABELS,
    PRIORITES,
    STATUT_LABELS,
    STATUTS,
    TYPE_LABELS,
    TYPES,
)
from db.interventions.service.dispatch import RankedTechnician, assign, rank_technicians
from db.interventions.service.list import (
    EXPORT_COLUMNS,
    BoardColumn,
    InterventionFilters,
    MyWork,
    board_column,
    count_interventions,
    export_chunk_interventions,
    filters_from_params,
    filters_to_params,
    list_interventions,
    my_work,
)
from db.interventions.service.write import (
    allowed_transitions,
    allowed_transitions_of,
    change_statut,
    create_intervention,
    update_intervention,
)

__all__ = [
    "BOARD_STATUTS",
    "EXPORT_COLUMNS",
    "HIDDEN_STATUTS",
    "OPEN_STATUTS",
    "PRIORITES",
    "PRIORITE_LABELS",
    "STATUTS",
    "STATUT_LABELS",
    "TYPES",
    "TYPE_LABELS",
    "BoardColumn",
    "InterventionFilters",
    "MyWork",
    "RankedTechnician",
    "allowed_transitions",
    "allowed_transitions_of",
    "assign",
    "board_column",
    "change_statut",
    "count_interventions",
    "create_intervention",
    "export_chunk_interventions",
    "filters_from_params",
    "filters_to_params",
    "list_interventions",
    "my_work",
    "rank_technicians",
    "update_intervention",
]
