"""The interventions list with AppTest: filters from the URL, scoping by role, a row opens
its file, the export of the filtered set."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.interventions.page_world import ROLES, build_world, open_page, username

PREFIX = "qzl"


@pytest.fixture(scope="module")
def world(owner_engine: Engine) -> Iterator[dict[str, Any]]:
    yield from build_world(owner_engine, PREFIX)


def listing(role: str, **query: str | list[str]) -> Any:
    return open_page(username(PREFIX, role), vue="liste", q=PREFIX, **query)


def titles(at: Any) -> list[str]:
    if not at.dataframe:
        return []
    return sorted(str(v).removeprefix(f"{PREFIX} ") for v in at.dataframe[0].value["Titre"])


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_the_list_scoped_by_row_level_security(
    world: dict[str, Any], role: str
) -> None:
    at = listing(role)
    assert not at.error
    seen = titles(at)
    assert ("secret de B" in seen) == (role != "client")
    assert "ouverte un" in seen
    columns = list(at.dataframe[0].value.columns)
    assert ("Client" in columns) == (role != "client")


def test_filters_come_from_the_url(world: dict[str, Any]) -> None:
    at = listing("responsable", statut="ouverte", priorite="haute")
    assert titles(at) == ["ouverte un"]
    assert at.multiselect(key="itv.f.statuts").value == ["ouverte"]
    assert at.multiselect(key="itv.f.priorites").value == ["haute"]


def test_a_home_figure_link_late_only_shows_the_late_ones(world: dict[str, Any]) -> None:
    at = open_page(username(PREFIX, "admin"), q=PREFIX, retard="1")  # no vue: list criteria
    assert titles(at) == ["en cours en retard"]
    assert at.toggle(key="itv.f.en_retard").value is True


def test_machine_and_technician_filters(world: dict[str, Any]) -> None:
    at = listing("admin", machine=str(world["mA1"]))
    assert titles(at) == ["affectee", "ouverte un"]
    at = listing("admin", technicien=str(world["technicien"]))
    assert titles(at) == ["affectee", "en cours en retard"]


def test_widgets_write_the_filters_into_the_url(world: dict[str, Any]) -> None:
    at = listing("admin")
    at.toggle(key="itv.f.urgentes").set_value(True).run()
    assert titles(at) == ["en cours en retard"]
    assert at.query_params["urgent"] == "1"


def test_a_refused_url_parameter_is_explained_and_dropped(world: dict[str, Any]) -> None:
    at = listing("admin", statut="n'importe quoi", cree_du="31/02/2026")
    warnings = " ".join(w.value for w in at.warning)
    assert "Statut" in warnings
    assert "secret de B" in titles(at)  # the rest of the list still shows


def test_a_client_filtering_on_another_companys_machine_sees_nothing(
    world: dict[str, Any],
) -> None:
    at = listing("client", machine=str(world["mB1"]))
    assert titles(at) == []


def test_clicking_a_row_opens_its_file(world: dict[str, Any]) -> None:
    at = listing("admin", statut="en_cours")
    assert titles(at) == ["en cours en retard"]
    at.session_state["itv.list.grid"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert at.query_params["id"] == str(world["late"])


def test_export_offers_csv_and_excel_of_the_filtered_set(world: dict[str, Any]) -> None:
    at = listing("admin", statut="ouverte")
    at.button(key="itv.export.csv").click().run()
    assert not at.exception, at.exception
    labels = [b.label for b in at.get("download_button")]
    assert any(label.endswith(".csv (3 lignes)") for label in labels), labels
    at.button(key="itv.export.xlsx").click().run()
    labels = [b.label for b in at.get("download_button")]
    assert any(label.endswith(".xlsx (3 lignes)") for label in labels), labels


def test_the_list_shows_french_labels_never_raw_values(world: dict[str, Any]) -> None:
    at = listing("admin")
    table = at.dataframe[0].value
    assert set(table["Type"]) <= {"Corrective", "Préventive", "Améliorative", "Diagnostic"}
    assert set(table["Statut"]) <= {"Ouverte", "Affectée", "En cours", "En attente", "Clôturée"}
    assert "Urgente" in set(table["Priorité"]) and "urgente" not in set(table["Priorité"])
    assert at.multiselect(key="itv.f.types").options == [
        "Corrective",
        "Préventive",
        "Améliorative",
        "Diagnostic",
    ]


def test_every_date_filter_uses_the_french_day_month_year_format(world: dict[str, Any]) -> None:
    at = listing("admin")
    assert len(at.date_input) == 6
    assert {d.proto.format for d in at.date_input} == {"DD/MM/YYYY"}


def more_filters(at: Any) -> Any:
    return next(e for e in at.expander if str(e.label).startswith("Plus de filtres"))


def test_secondary_filters_wait_in_a_closed_expander_until_one_is_active(
    world: dict[str, Any],
) -> None:
    at = listing("admin")
    box = more_filters(at)
    assert box.label == "Plus de filtres" and not box.proto.expanded
    inside = {w.key for w in box.selectbox} | {w.key for w in box.date_input}
    assert {"itv.f.client_id", "itv.f.equipement_id", "itv.f.technicien_id"} <= inside
    assert "itv.f.cree_du" in inside and "itv.f.limite_au" in inside
    assert "itv.f.statuts" not in {w.key for w in box.multiselect}  # kept in sight
    assert "Filtres actifs : 1" in [c.value for c in at.caption]  # the search text


def test_an_active_secondary_filter_opens_the_expander_and_is_counted(
    world: dict[str, Any],
) -> None:
    at = listing("admin", machine=str(world["mA1"]), cree_du="01/01/2020", statut="ouverte")
    box = more_filters(at)
    assert box.label == "Plus de filtres · 2 actif(s)" and box.proto.expanded
    assert "Filtres actifs : 4" in [c.value for c in at.caption]
    at.button(key="itv.f.reset").click().run()
    assert not more_filters(at).proto.expanded
    assert "Aucun filtre actif" in [c.value for c in at.caption]
    assert "machine" not in at.query_params and "statut" not in at.query_params


def test_a_link_on_the_principal_technician_says_so_by_name(world: dict[str, Any]) -> None:
    at = listing("admin", principal=str(world["technicien"]))
    assert titles(at) == ["affectee", "en cours en retard"]
    captions = " ".join(c.value for c in more_filters(at).caption)
    assert f"Technicien principal seulement : Test {PREFIX} technicien" in captions
    at.button(key="itv.f.reset").click().run()
    assert "principal" not in at.query_params
    assert "secret de B" in titles(at)


def test_priority_filter_agrees_in_gender(world: dict[str, Any]) -> None:
    at = listing("admin")
    assert at.multiselect(key="itv.f.priorites").placeholder == "Toutes"
    assert at.multiselect(key="itv.f.statuts").placeholder == "Tous"
