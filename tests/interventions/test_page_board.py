"""The interventions page's board and my work, with AppTest, for every role.

The page runs inside ``app.py`` (login gate, role navigation), logged in as this module's
users; the world (``page_world``) is committed and removed after the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.interventions.page_world import (
    ROLES,
    build_world,
    db_value,
    markdown_text,
    open_page,
    username,
)

PREFIX = "pib"


@pytest.fixture(scope="module")
def world(owner_engine: Engine) -> Iterator[dict[str, Any]]:
    yield from build_world(owner_engine, PREFIX)


def statut_of(engine: Engine, intervention_id: int) -> str:
    sql = "SELECT statut FROM interventions WHERE id = :i"
    return str(db_value(engine, sql, i=intervention_id))


def board(role: str, **query: str) -> Any:
    return open_page(username(PREFIX, role), vue="tableau", **query)


def search_board(at: Any, q: str) -> Any:
    at.text_input(key="itv.b.q").input(q).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_the_board_with_its_columns_and_counts(
    world: dict[str, Any], role: str
) -> None:
    at = search_board(board(role), PREFIX)
    assert [t.value for t in at.title] == ["Interventions"]
    assert not at.error
    text = markdown_text(at)
    for label in ("Ouverte", "Affectée", "En cours", "En attente", "Clôturée"):
        assert f"**{label}**" in text
    assert "Annulée" not in text  # behind the toggle
    # A technician reads every intervention (a machine's whole history); moves only its own.
    assert f"**Ouverte** · {2 if role == 'client' else 3}" in text
    assert "**Affectée** · 1" in text and "**En cours** · 1" in text
    assert ("secret de B" in text) == (role != "client")


def test_cards_show_machine_client_technician_priority_late_and_link_to_the_file(
    world: dict[str, Any],
) -> None:
    at = search_board(board("responsable"), f"{PREFIX} retard")
    text = markdown_text(at)
    assert f"{PREFIX} A2 · {PREFIX.upper()} Société A" in text
    assert f"Test {PREFIX} technicien" in text
    assert f"**n° {world['late']} · {PREFIX} en cours en retard**" in text  # whole, wrapped
    assert "Priorité urgente" in text and "Criticité Critique" in text
    assert ":red-badge[:material/priority_high: Urgent]" in text  # the flag, told apart
    assert "En retard" in text
    # A button that writes ?id= into the address (a link to this same page would not).
    opened = at.button(key=f"itv.open.{world['late']}").click().run()
    assert opened.query_params["id"] == [str(world["late"])] or opened.query_params["id"] == str(
        world["late"]
    )


def test_the_board_toggles_have_short_labels_that_wrap_rather_than_cut(
    world: dict[str, Any],
) -> None:
    at = board("responsable")
    labels = [(w.label, w.proto.wrap) for w in at.toggle]
    assert labels == [("En retard", True), ("Urgentes", True), ("Annulées et archivées", True)]


def test_the_hidden_statuses_come_with_the_toggle(world: dict[str, Any]) -> None:
    at = search_board(board("admin"), PREFIX)
    at.toggle(key="itv.b.hidden").set_value(True).run()
    text = markdown_text(at)
    assert "**Annulée**" in text and "**Archivée**" in text


def test_see_the_others_links_to_the_list_filtered_on_the_status(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.interventions.board as board_view

    monkeypatch.setattr(board_view, "CARDS_PER_COLUMN", 1)
    at = search_board(board("admin"), PREFIX)
    more = [b for b in at.button if b.label.startswith("Voir les")]
    assert more, [b.label for b in at.button]
    assert more[0].label == "Voir les 2 autres"  # 3 open, 1 shown
    more[0].click().run()
    assert at.query_params["vue"] in ("liste", ["liste"])
    assert "ouverte" in str(at.query_params["statut"])


def test_a_manager_cancels_a_card_and_only_allowed_moves_are_offered(
    world: dict[str, Any], owner_engine: Engine
) -> None:
    at = search_board(board("responsable"), f"{PREFIX} deux")
    key = f"itv.card.{world['open2']}.to."
    offered = sorted(str(b.key).removeprefix(key) for b in at.button if str(b.key).startswith(key))
    assert offered == ["affectee", "annulee"]  # the state machine from "ouverte"
    at.button(key=key + "annulee").click().run()
    assert not at.exception, at.exception
    assert "passée à « Annulée »" in " ".join(s.value for s in at.success)
    statut = statut_of(owner_engine, world["open2"])
    assert statut == "annulee"


def test_assigning_without_a_technician_is_refused_in_french_and_nothing_changes(
    world: dict[str, Any], owner_engine: Engine
) -> None:
    at = search_board(board("admin"), f"{PREFIX} ouverte un")
    at.button(key=f"itv.card.{world['open1']}.to.affectee").click().run()
    assert "Affectez d'abord un technicien principal." in [e.value for e in at.error]
    statut = statut_of(owner_engine, world["open1"])
    assert statut == "ouverte"


def test_a_client_may_only_cancel_its_own_open_request(world: dict[str, Any]) -> None:
    at = search_board(board("client"), PREFIX)
    offered = {b.key.rsplit(".", 1)[-1] for b in at.button if ".to." in (b.key or "")}
    assert offered <= {"annulee"}
    assert not any(f"itv.card.{world['assigned']}.to." in (b.key or "") for b in at.button)


def test_a_technician_lands_on_my_work_with_its_late_intervention_today(
    world: dict[str, Any],
) -> None:
    at = open_page(username(PREFIX, "technicien"))
    headers = [h.value for h in at.subheader]
    assert headers[0].startswith("Aujourd'hui")
    text = markdown_text(at)
    assert "en cours en retard" in text and "affectee" in text
    key = f"itv.w.{world['late']}.to."
    offered = sorted(str(b.key).removeprefix(key) for b in at.button if str(b.key).startswith(key))
    assert offered == ["cloturee", "en_attente"]


def test_a_pause_asks_for_its_reason_in_a_dialog(
    world: dict[str, Any], owner_engine: Engine
) -> None:
    at = open_page(username(PREFIX, "technicien"))
    at.button(key=f"itv.w.{world['late']}.to.en_attente").click().run()
    assert not at.exception, at.exception
    at.button(key="FormSubmitter:itv.move.form-Confirmer").click().run()
    assert "Motif" in " ".join(e.value for e in at.error)
    statut = statut_of(owner_engine, world["late"])
    assert statut == "en_cours"
    at.text_area(key="itv.move.text").input("Pièce commandée")
    at.button(key="FormSubmitter:itv.move.form-Confirmer").click().run()
    assert not at.exception, at.exception
    statut = statut_of(owner_engine, world["late"])
    assert statut == "en_attente"


def test_another_clients_intervention_in_the_url_shows_nothing(world: dict[str, Any]) -> None:
    at = open_page(username(PREFIX, "client"), id=str(world["secretB"]))
    text = markdown_text(at)
    assert "secret de B" not in text
    assert not at.exception


def test_an_empty_column_says_so(world: dict[str, Any]) -> None:
    at = search_board(board("client"), PREFIX)
    text = markdown_text(at)
    assert "**Clôturée** · 0" in text  # no test of this module closes one
    empty = sum("** · 0" in m.value for m in at.markdown)
    assert [c.value for c in at.caption].count("Aucune intervention.") == empty


def test_a_clients_cards_leave_out_its_own_company_and_its_search_does_not_offer_it(
    world: dict[str, Any],
) -> None:
    at = search_board(board("client"), PREFIX)
    cards = "\n".join(m.value for m in at.main.markdown)  # the sidebar names the company
    assert f"{PREFIX} A1" in cards and "Société A" not in cards
    assert at.text_input(key="itv.b.q").placeholder == "Titre, description, machine ou n° de série"
    assert at.button(key="itv.new").label == "Nouvelle demande"


def test_my_work_says_when_a_period_has_nothing(world: dict[str, Any]) -> None:
    at = open_page(username(PREFIX, "technicien"))
    assert "Cette semaine · 0" in [h.value for h in at.subheader]
    assert "Aucune intervention pour cette période." in [c.value for c in at.caption]
    assert at.button(key="itv.new").label == "Nouveau diagnostic"
