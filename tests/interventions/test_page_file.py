"""The intervention file (ui/interventions/file), run with AppTest for every role.

AppTest reads committed data: a module fixture commits a small world (two client companies,
two technicians, staff, machines, a part in stock) and removes it afterwards; each test that
acts creates its own intervention, so tests never depend on one another.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

from db.session import Actor
from tests import factories as f

SCRIPT = str(Path(__file__).with_name("file_view_app.py"))
ROLES = ("admin", "responsable", "technicien", "client")


def _cleanup(engine: Engine, ids: dict[str, Any]) -> None:
    """Remove the world. Audit rows only go through an open retention run of this very
    transaction (the trail is otherwise immutable), as ``archive_old_interventions`` does."""
    with engine.begin() as c:
        c.execute(text("INSERT INTO retention_runs (txid) VALUES (txid_current())"))
        c.execute(
            text("DELETE FROM equipements WHERE client_id = ANY(:c)"),
            {"c": [ids["clientA"], ids["clientB"]]},
        )
        # Stock movements are immutable: the part stays, inactive, out of every search.
        c.execute(
            text("UPDATE pieces_detachees SET active = false WHERE id = :p"), {"p": ids["piece"]}
        )
        c.execute(text("DELETE FROM users WHERE id = ANY(:u)"), {"u": ids["users"]})
        c.execute(text("DELETE FROM retention_runs WHERE txid = txid_current()"))


@pytest.fixture(scope="module")
def world(owner_engine: Engine) -> Iterator[dict[str, Any]]:
    """Committed: companies A and B with a machine each, two technicians, admin, manager,
    a part with 5 in stock."""
    ids: dict[str, Any] = {}
    with owner_engine.begin() as c:
        ids["clientA"], u_a = f.make_client(c, contact_principal="Mme Alaoui")
        ids["clientB"], u_b = f.make_client(c)
        ids["tech1"], u_t1 = f.make_technicien(c)
        ids["tech2"], u_t2 = f.make_technicien(c)
        u_admin = f.make_user(c, "admin")
        u_resp = f.make_user(c, "responsable")
        ids["machineA"] = f.make_equipement(c, ids["clientA"], nom="Compresseur Atlas")
        ids["machineB"] = f.make_equipement(c, ids["clientB"], nom="Chaudière Beta")
        ids["piece"] = f.make_piece(c, stock=5, nom="Courroie crantée PFT")
        ids["piece_ref"] = c.execute(
            text("SELECT reference FROM pieces_detachees WHERE id = :p"), {"p": ids["piece"]}
        ).scalar_one()
        ids["users"] = [u_a, u_b, u_t1, u_t2, u_admin, u_resp]
    ids["actors"] = {
        "admin": Actor(user_id=u_admin, role="admin"),
        "responsable": Actor(user_id=u_resp, role="responsable"),
        "technicien": Actor(user_id=u_t1, role="technicien", technicien_id=ids["tech1"]),
        "technicien2": Actor(user_id=u_t2, role="technicien", technicien_id=ids["tech2"]),
        "client": Actor(user_id=u_a, role="client", client_id=ids["clientA"]),
        "clientB": Actor(user_id=u_b, role="client", client_id=ids["clientB"]),
    }
    yield ids
    _cleanup(owner_engine, ids)


@pytest.fixture(autouse=True)
def _files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIF_FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("MIF_UPLOAD_MAX_MB", "1")


def new_intervention(engine: Engine, world: dict[str, Any], **values: Any) -> int:
    """A committed intervention on company A's machine (assigned to tech1 by default)."""
    values.setdefault("technicien_id", world["tech1"])
    values.setdefault("statut", "affectee")
    with engine.begin() as c:
        return f.make_intervention(c, world["machineA"], **values)


def db(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as c:
        return c.execute(text(sql), params).scalar()


def open_file(world: dict[str, Any], who: str, intervention_id: Any) -> AppTest:
    """The file of ``intervention_id`` as ``who`` sees it."""
    at = AppTest.from_file(SCRIPT, default_timeout=30)
    at.session_state["actor"] = world["actors"][who]
    at.query_params["id"] = str(intervention_id)
    at.run()
    assert not at.exception, at.exception
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def tab_labels(at: AppTest) -> list[str]:
    return [t.label for t in at.tabs]


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def successes(at: AppTest) -> list[str]:
    return [s.value for s in at.success]


def button(at: AppTest, label: str) -> Any:
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r} in {[b.label for b in at.button]}"
    return found[0]


def key_suffix(at: AppTest, kind: str, suffix: str) -> Any:
    widgets = [w for w in getattr(at, kind) if w.key and w.key.endswith(suffix)]
    assert widgets, f"no {kind} ending {suffix!r}"
    return widgets[0]


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += (
        [e.value for e in at.error] + [w.value for w in at.warning] + [i.value for i in at.info]
    )
    return "\n".join(str(p) for p in parts)


# ------------------------------------------------------------------------------------------
# Every role, every tab
# ------------------------------------------------------------------------------------------

ALL_TABS = [
    "Fiche",
    "Affectation",
    "Tâches",
    "Pièces",
    "Documents",
    "Discussion",
    "Historique",
    "Évaluation",
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_every_tab_of_an_intervention_it_may_see(
    owner_engine: Engine, world: dict[str, Any], role: str
) -> None:
    iid = new_intervention(owner_engine, world, titre="Fuite d'huile <b>vérin</b>")
    at = open_file(world, role, iid)
    assert errors(at) == []
    assert any("Fuite d'huile" in h.value for h in at.header)
    expected = (
        ALL_TABS
        if role in ("admin", "responsable")
        else [t for t in ALL_TABS if t != "Affectation"]
    )
    assert tab_labels(at) == expected
    shown = texts(at)
    assert "Compresseur Atlas" in shown  # the machine, with its link
    assert "Technicien principal" in shown
    assert "Coût réel (pièces + main-d'œuvre)" in [s.value for s in at.subheader]
    if role == "client":
        assert "Coût estimé" not in shown


@pytest.mark.parametrize(
    ("who", "raw_id"),
    [("clientB", None), ("client", "999999999"), ("client", "abc"), ("admin", "-3"),
     ("technicien", "1e3"), ("responsable", "")],
)  # fmt: skip
def test_foreign_unknown_or_non_numeric_ids_read_introuvable_and_show_nothing(
    owner_engine: Engine, world: dict[str, Any], who: str, raw_id: str | None
) -> None:
    iid = new_intervention(owner_engine, world)
    before = db(owner_engine, "SELECT count(*) FROM historiques_interventions")
    at = open_file(world, who, iid if raw_id is None else raw_id)
    assert [w.value for w in at.warning] == [
        "Intervention introuvable : elle n'existe pas ou vous n'y avez pas accès."
    ]
    assert tab_labels(at) == [] and list(at.header) == [] and list(at.button) == []
    assert db(owner_engine, "SELECT count(*) FROM historiques_interventions") == before


# ------------------------------------------------------------------------------------------
# Transitions
# ------------------------------------------------------------------------------------------


def test_the_technician_starts_pauses_with_a_reason_resumes_and_closes_with_a_solution(
    owner_engine: Engine, world: dict[str, Any]
) -> None:
    iid = new_intervention(owner_engine, world)
    statut = "SELECT statut::text FROM interventions WHERE id = :i"
    at = open_file(world, "technicien", iid)
    assert [b.label for b in at.button if b.key and ".tr." in b.key] == ["Démarrer"]
    button(at, "Démarrer").click().run()
    button(at, "Confirmer").click().run()
    assert db(owner_engine, statut, i=iid) == "en_cours"
    assert "Intervention passée à « En cours »." in successes(at)
    # Pause: the reason is required.
    button(at, "Mettre en attente").click().run()
    button(at, "Confirmer").click().run()
    assert db(owner_engine, statut, i=iid) == "en_cours"
    assert "Motif : champ obligatoire." in errors(at)
    # In a form, typed values travel with the submit (no run in between).
    key_suffix(at, "text_area", "tr.motif").input("Pièce en commande")
    button(at, "Confirmer").click().run()
    assert errors(at) == []
    assert db(owner_engine, statut, i=iid) == "en_attente"
    motif = db(
        owner_engine,
        "SELECT description FROM historiques_interventions WHERE intervention_id = :i"
        " AND action = 'changement_statut' ORDER BY id DESC LIMIT 1",
        i=iid,
    )
    assert "Pièce en commande" in motif
    button(at, "Reprendre").click().run()
    button(at, "Confirmer").click().run()
    assert db(owner_engine, statut, i=iid) == "en_cours"
    # Close: the solution is required.
    button(at, "Clôturer").click().run()
    button(at, "Confirmer").click().run()
    assert "Solution : obligatoire pour clôturer l'intervention." in errors(at)
    assert db(owner_engine, statut, i=iid) == "en_cours"
    key_suffix(at, "text_area", "tr.solution").input("Joint remplacé")
    button(at, "Confirmer").click().run()
    assert db(owner_engine, statut, i=iid) == "cloturee"
    assert [b.label for b in at.button if b.key and ".tr." in b.key] == []


def test_cancelling_asks_for_a_confirmation_and_can_be_abandoned(
    owner_engine: Engine, world: dict[str, Any]
) -> None:
    iid = new_intervention(owner_engine, world, technicien_id=None, statut="ouverte")
    statut = "SELECT statut::text FROM interventions WHERE id = :i"
    at = open_file(world, "client", iid)
    assert [b.label for b in at.button if b.key and ".tr." in b.key] == ["Annuler l'intervention"]
    button(at, "Annuler l'intervention").click().run()
    assert any("sera annulée" in w.value for w in at.warning)
    button(at, "Annuler").click().run()  # the form's "cancel": nothing happens
    assert db(owner_engine, statut, i=iid) == "ouverte"
    button(at, "Annuler l'intervention").click().run()
    button(at, "Confirmer").click().run()
    assert db(owner_engine, statut, i=iid) == "annulee"


def test_managers_reopen_and_archive_a_closed_intervention(
    owner_engine: Engine, world: dict[str, Any]
) -> None:
    iid = new_intervention(owner_engine, world, statut="cloturee", solution="Fait")
    at = open_file(world, "responsable", iid)
    labels = [b.label for b in at.button if b.key and ".tr." in b.key]
    assert "Archiver" in labels and any(lbl.startswith("Rouvrir") for lbl in labels)
    tech = open_file(world, "technicien", iid)
    assert not [b for b in tech.button if b.key and ".tr." in b.key]  # managers only
    button(at, "Archiver").click().run()
    assert any("sera archivée" in w.value for w in at.warning)
    button(at, "Confirmer").click().run()
    assert db(owner_engine, "SELECT statut::text FROM interventions WHERE id = :i", i=iid) == (
        "archivee"
    )
