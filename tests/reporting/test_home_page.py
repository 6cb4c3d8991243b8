"""The home page with AppTest: every intervention figure opens its rows (the filtered list)
and each of its first rows opens that intervention's file."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from db.reporting import service as reporting
from tests.ui.test_navigation import fr, logged_in

OPEN = sorted(reporting.OPEN_STATUSES)


def list_links(at: Any) -> list[dict[str, list[str]]]:
    """Query parameters of every "see the whole list" link of the last run."""
    return [
        parse_qs(element.proto.query_string)
        for element in at.get("page_link")
        if element.proto.label == fr("home.open_list")
    ]


def test_the_managers_figures_link_to_the_filtered_interventions_list(db_url) -> None:
    at = logged_in("responsable")
    queries = list_links(at)
    # The demo data has open and late interventions: one link each, to the filtered list.
    assert {"vue": ["liste"], "retard": ["1"]} in queries, queries
    assert any(q.get("vue") == ["liste"] and sorted(q.get("statut", [])) == OPEN for q in queries)


def test_a_row_of_a_home_list_opens_the_intervention_file(db_url) -> None:
    at = logged_in("responsable")
    at.session_state["home.open"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    assert at.query_params.get("id"), at.query_params
    assert fr("itv.title") in [t.value for t in at.title]


def test_a_client_s_open_requests_link_to_its_list(db_url) -> None:
    at = logged_in("client")
    assert not at.exception, at.exception
    queries = list_links(at)
    assert any(sorted(q.get("statut", [])) == OPEN for q in queries), queries


def test_a_technician_s_open_work_links_to_its_own_list(db_url) -> None:
    at = logged_in("technicien")
    assert not at.exception, at.exception
    queries = list_links(at)
    assert any(q.get("technicien") and sorted(q.get("statut", [])) == OPEN for q in queries), (
        queries
    )
