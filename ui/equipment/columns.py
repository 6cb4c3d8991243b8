"""Columns of the equipment registry: the paged list and the export of the filtered set.

Shared by the page and the benchmark (which exports with the page's columns): a page script
cannot be imported without running it.
"""

from __future__ import annotations

from typing import Any

from ui.table import Column, Kind


def col(key: str, kind: Kind = "text", **kw: Any) -> Column:
    """A column whose header is ``equip.col.<key>``."""
    label = "equip.col.client" if key == "client_nom" else f"equip.col.{key}"
    return Column(key, label, kind, **kw)


# Widths in pixels: the ten columns and the selection box fit the page at 1440 px wide with
# the sidebar open (about 975 px of grid); longer texts end in "…" (the record shows them).
LIST_COLUMNS = [
    col("nom", sortable=True, width=130),
    col("numero_serie", sortable=True, width=100),
    col("client_nom", sortable=True, width=125),
    col("fabricant", sortable=True, width=90),
    col("modele", sortable=True, width=75),
    col("localisation", sortable=True, width=85),
    col("statut", "enum", enum="statut_equipement", sortable=True, width=90),
    col("criticite", "enum", enum="criticite_equipement", sortable=True, width=70),
    col("prochaine_maintenance", "date", sortable=True, width=82),
    col("date_fin_garantie", "date", sortable=True, width=82),
]
EXPORT_COLUMNS = [
    col("nom"),
    col("numero_serie"),
    col("client_nom"),
    col("fabricant"),
    col("modele"),
    col("localisation"),
    col("statut", "enum", enum="statut_equipement"),
    col("criticite", "enum", enum="criticite_equipement"),
    col("date_installation", "date"),
    col("derniere_maintenance", "datetime"),
    col("prochaine_maintenance", "date"),
    col("date_fin_garantie", "date"),
    col("cout_acquisition", "money"),
    col("fournisseur"),
]
