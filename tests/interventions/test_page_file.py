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
    """Remove what the world may lose. Audit rows go only through an open retention run of
    this very transaction (the trail is otherwise immutable); stock movements never go, so an
    intervention that used parts stays with its machine and company (uniquely named test
    rows, like the stock movements that keep them)."""
    machines = [ids["machineA"], ids["machineB"]]
    with engine.begin() as c:
        c.execute(text("INSERT INTO retention_runs (txid) VALUES (txid_current())"))
        c.execute(
            text(
                "DELETE FROM interventions i WHERE equipement_id = ANY(:m) AND NOT EXISTS"
                " (SELECT 1 FROM mouvements_stock s WHERE s.intervention_id = i.id)"
            ),
            {"m": machines},
        )
        c.execute(
            text(
                "DELETE FROM equipements e WHERE id = ANY(:m) AND NOT EXISTS"
                " (SELECT 1 FROM interventions i WHERE i.equipement_id = e.id)"
            ),
            {"m": machines},
        )
        c.execute(
            text("UPDATE pieces_detachees SET active = false WHERE id = :p"), {"p": ids["piece"]}
        )
        for user_id in ids["users"]:
            nested = c.begin_nested()
            try:
                c.execute(text("DELETE FROM users WHERE id = :u"), {"u": user_id})
                nested.commit()
            except Exception:  # still referenced by what stays
                nested.rollback()
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
    button(at, "Démarrer").click().run()  # one click: nothing to ask
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


# ------------------------------------------------------------------------------------------
# Notes and duration; version conflicts
# ------------------------------------------------------------------------------------------


def test_the_assigned_technician_writes_the_diagnostic_but_not_the_duration(
    owner_engine: Engine, world: dict[str, Any]
) -> None:
    iid = new_intervention(owner_engine, world, statut="en_cours")
    at = open_file(world, "technicien", iid)
    assert not [w for w in at.text_input if w.key and w.key.endswith("notes.duree_reelle")]
    key_suffix(at, "text_area", "notes.diagnostic").input("Roulement usé <script>x</script> 🔧")
    button(at, "Enregistrer").click().run()
    assert "Compte rendu enregistré." in successes(at)
    assert db(owner_engine, "SELECT diagnostic FROM interventions WHERE id = :i", i=iid) == (
        "Roulement usé <script>x</script> 🔧"
    )
    # Another technician, not assigned, gets no form; the client neither.
    for who in ("technicien2", "client"):
        other = open_file(world, who, iid)
        assert not [w for w in other.text_area if w.key and "notes." in w.key]


def test_a_manager_sets_the_actual_duration_and_labour_enters_the_cost(
    owner_engine: Engine, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIF_TAUX_HORAIRE_MAD", "200")
    iid = new_intervention(owner_engine, world, statut="en_cours")
    at = open_file(world, "responsable", iid)
    key_suffix(at, "text_input", "notes.duree_reelle").input("2,5")
    button(at, "Enregistrer").click().run()
    assert "Compte rendu enregistré." in successes(at)
    assert (
        float(db(owner_engine, "SELECT duree_reelle FROM interventions WHERE id = :i", i=iid))
        == 2.5
    )
    labour = [m for m in at.metric if m.label.startswith("Main-d'œuvre")]
    assert labour and labour[0].value.replace("\u202f", " ").startswith("500,00")
    key_suffix(at, "text_input", "notes.duree_reelle").input("-1")
    button(at, "Enregistrer").click().run()
    assert errors(at) and successes(at) == []
    assert (
        float(db(owner_engine, "SELECT duree_reelle FROM interventions WHERE id = :i", i=iid))
        == 2.5
    )


def test_a_save_on_a_stale_file_is_refused_with_reload_and_overwrites_nothing(
    owner_engine: Engine, world: dict[str, Any]
) -> None:
    iid = new_intervention(owner_engine, world, statut="en_cours")
    at = open_file(world, "responsable", iid)
    with owner_engine.begin() as c:  # someone else saves meanwhile
        c.execute(text("UPDATE interventions SET diagnostic = 'Autre' WHERE id = :i"), {"i": iid})
    key_suffix(at, "text_area", "notes.diagnostic").input("Le mien")
    button(at, "Enregistrer").click().run()
    assert any("rechargez" in e for e in errors(at)), errors(at)
    assert db(owner_engine, "SELECT diagnostic FROM interventions WHERE id = :i", i=iid) == "Autre"


# ------------------------------------------------------------------------------------------
# Dispatch
# ------------------------------------------------------------------------------------------


def test_the_manager_sees_the_ranking_with_reasons_and_assigns(
    owner_engine: Engine, world: dict[str, Any]
) -> None:
    iid = new_intervention(owner_engine, world, technicien_id=None, statut="ouverte")
    at = open_file(world, "responsable", iid)
    ranking = next(d.value for d in at.dataframe if "Pourquoi" in d.value.columns)
    assert {"Rang", "Technicien", "Score", "Pourquoi"} <= set(ranking.columns)
    assert ranking["Pourquoi"].str.contains("Disponibilité").all()
    assert any(e.label.startswith("1. ") for e in at.expander)
    principal = key_suffix(at, "selectbox", "dispatch.principal")
    principal.set_value(world["tech2"])
    key_suffix(at, "multiselect", "dispatch.assistants").set_value([world["tech1"]])
    button(at, "Affecter").click().run()
    assert any(s.startswith("Intervention affectée à") for s in successes(at))
    row = (
        owner_engine.connect()
        .execute(
            text("SELECT technicien_id, statut::text FROM interventions WHERE id = :i"), {"i": iid}
        )
        .one()
    )
    assert tuple(row) == (world["tech2"], "affectee")
    roles = dict(
        owner_engine.connect()
        .execute(
            text(
                "SELECT technicien_id, role::text FROM intervention_techniciens"
                " WHERE intervention_id = :i"
            ),
            {"i": iid},
        )
        .all()
    )
    assert roles == {world["tech2"]: "principal", world["tech1"]: "assistant"}


def test_two_managers_assigning_at_once_the_second_is_told_and_nothing_is_overwritten(
    owner_engine: Engine, world: dict[str, Any]
) -> None:
    iid = new_intervention(owner_engine, world, technicien_id=None, statut="ouverte")
    first = open_file(world, "responsable", iid)
    second = open_file(world, "admin", iid)
    key_suffix(first, "selectbox", "dispatch.principal").set_value(world["tech1"])
    button(first, "Affecter").click().run()
    assert (
        db(owner_engine, "SELECT technicien_id FROM interventions WHERE id = :i", i=iid)
        == (world["tech1"])
    )
    key_suffix(second, "selectbox", "dispatch.principal").set_value(world["tech2"])
    button(second, "Affecter").click().run()
    assert any("rechargez" in e for e in errors(second)), errors(second)
    assert (
        db(owner_engine, "SELECT technicien_id FROM interventions WHERE id = :i", i=iid)
        == (world["tech1"])
    )


# ------------------------------------------------------------------------------------------
# Checklist
# ------------------------------------------------------------------------------------------


def test_the_technician_adds_ticks_and_reorders_tasks_and_the_client_only_reads(
    owner_engine: Engine, world: dict[str, Any]
) -> None:
    iid = new_intervention(owner_engine, world, statut="en_cours")
    at = open_file(world, "technicien", iid)
    button(at, "Ajouter").click().run()
    assert any("Description" in e for e in errors(at)), errors(at)  # empty task refused
    for label in ("Couper l'alimentation", "Changer le joint"):
        key_suffix(at, "text_input", "tasks.new").input(label)
        button(at, "Ajouter").click().run()
        assert "Tâche ajoutée." in successes(at)
    order = (
        "SELECT string_agg(description, '|' ORDER BY ordre, id) FROM taches"
        " WHERE intervention_id = :i"
    )
    assert db(owner_engine, order, i=iid) == "Couper l'alimentation|Changer le joint"
    boxes = [c for c in at.checkbox if c.key and ".task." in c.key]
    boxes[0].check().run()
    assert "Tâche terminée." in successes(at)
    up = [b for b in at.button if b.key and b.key.endswith(".up")]
    up[0].click().run()
    assert db(owner_engine, order, i=iid) == "Changer le joint|Couper l'alimentation"
    assert (
        db(
            owner_engine,
            "SELECT count(*) FROM taches WHERE intervention_id = :i AND statut = 'terminee'",
            i=iid,
        )
        == 1
    )
    client = open_file(world, "client", iid)
    assert all(c.disabled for c in client.checkbox if c.key and ".task." in c.key)
    assert not [b for b in client.button if b.label == "Ajouter"]


# ------------------------------------------------------------------------------------------
# Parts
# ------------------------------------------------------------------------------------------


def test_parts_are_searched_by_reference_and_bad_quantities_get_french_refusals(
    owner_engine: Engine, world: dict[str, Any]
) -> None:
    iid = new_intervention(owner_engine, world, statut="en_cours")
    stock = "SELECT stock_actuel FROM pieces_detachees WHERE id = :p"
    before = db(owner_engine, stock, p=world["piece"])
    at = open_file(world, "technicien", iid)
    key_suffix(at, "text_input", "parts.q").input(world["piece_ref"]).run()
    piece = key_suffix(at, "selectbox", "parts.piece")
    assert piece.options and "stock : " in piece.options[0]
    for bad, words in ((0, "Quantité"), (-2, "négative"), (before + 1, "Stock insuffisant")):
        key_suffix(at, "number_input", "parts.qty").set_value(bad)
        button(at, "Enregistrer la pièce").click().run()
        assert any(words in e for e in errors(at)), (bad, errors(at))
        assert db(owner_engine, stock, p=world["piece"]) == before
    key_suffix(at, "number_input", "parts.qty").set_value(2)
    button(at, "Enregistrer la pièce").click().run()
    assert any("enregistrée, stock mis à jour" in s for s in successes(at))
    assert db(owner_engine, stock, p=world["piece"]) == before - 2
    lines = next(d.value for d in at.dataframe if "Référence" in d.value.columns)
    assert list(lines["Référence"]) == [world["piece_ref"]]
    # Give one back.
    key_suffix(at, "number_input", "parts.return.qty").set_value(1)
    button(at, "Rendre").click().run()
    assert db(owner_engine, stock, p=world["piece"]) == before - 1
    # The client sees the lines but no picker.
    client = open_file(world, "client", iid)
    assert not [w for w in client.text_input if w.key and w.key.endswith("parts.q")]


# ------------------------------------------------------------------------------------------
# Documents
# ------------------------------------------------------------------------------------------


def _png(size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def test_the_client_uploads_a_photo_seen_as_thumbnail_and_downloaded_verified(
    owner_engine: Engine, world: dict[str, Any]
) -> None:
    iid = new_intervention(owner_engine, world, technicien_id=None, statut="ouverte")
    at = open_file(world, "client", iid)
    photo = _png()
    key_suffix(at, "file_uploader", "docs.file").set_value(("fuite.png", photo, "image/png"))
    button(at, "Ajouter le document").click().run()
    assert "Document « fuite.png » ajouté." in successes(at), errors(at)
    assert db(owner_engine, "SELECT count(*) FROM documents WHERE intervention_id = :i", i=iid) == 1
    manager = open_file(world, "responsable", iid)
    assert len(manager.image) == 1  # the thumbnail
    button(manager, "Préparer").click().run()
    downloads = manager.get("download_button")
    assert downloads and "fuite.png" in downloads[0].proto.label
    # Another company never sees it.
    assert tab_labels(open_file(world, "clientB", iid)) == []


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, "Type de fichier non autorisé"),
        ("grand.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10), "trop volumineux"),
    ],
)
def test_an_executable_renamed_jpg_or_a_file_over_the_limit_is_refused(
    owner_engine: Engine, world: dict[str, Any], name: str, content: bytes, words: str
) -> None:
    iid = new_intervention(owner_engine, world, statut="en_cours")
    at = open_file(world, "technicien", iid)
    key_suffix(at, "file_uploader", "docs.file").set_value((name, content, "image/jpeg"))
    button(at, "Ajouter le document").click().run()
    assert any(words in e for e in errors(at)), errors(at)
    assert db(owner_engine, "SELECT count(*) FROM documents WHERE intervention_id = :i", i=iid) == 0


# ------------------------------------------------------------------------------------------
# Thread, audit trail, rating
# ------------------------------------------------------------------------------------------


def test_an_empty_message_is_refused_and_a_message_is_posted_and_read_by_the_client(
    owner_engine: Engine, world: dict[str, Any]
) -> None:
    iid = new_intervention(owner_engine, world, statut="en_cours")
    at = open_file(world, "technicien", iid)
    key_suffix(at, "text_area", "thread.text").input("   ")
    button(at, "Envoyer").click().run()
    assert any("Message" in e for e in errors(at)), errors(at)
    key_suffix(at, "text_area", "thread.text").input("J'arrive à 14 h <b>demain</b>")
    button(at, "Envoyer").click().run()
    assert "Message envoyé." in successes(at)
    client = open_file(world, "client", iid)
    assert any("J'arrive à 14 h" in m.value for m in client.markdown)


def test_the_audit_trail_reads_in_french_with_names(
    owner_engine: Engine, world: dict[str, Any]
) -> None:
    iid = new_intervention(owner_engine, world, technicien_id=None, statut="ouverte")
    at = open_file(world, "responsable", iid)
    key_suffix(at, "selectbox", "dispatch.principal").set_value(world["tech1"])
    button(at, "Affecter").click().run()
    shown = texts(at)
    assert "Création" in shown
    assert "Technicien principal : — → Test Technicien" in shown
    assert "Statut : Ouverte → Affectée" in shown


def test_the_client_rates_a_closed_intervention_once_and_managers_see_it(
    owner_engine: Engine, world: dict[str, Any]
) -> None:
    iid = new_intervention(owner_engine, world, statut="cloturee", solution="Fait")
    at = open_file(world, "client", iid)
    radio = key_suffix(at, "radio", "rating.note")
    assert list(radio.options) == ["★", "★★", "★★★", "★★★★", "★★★★★"]  # only 1 to 5
    button(at, "Envoyer la note").click().run()  # no note chosen
    assert "La note va de 1 à 5." in errors(at)
    key_suffix(at, "radio", "rating.note").set_value(4)
    key_suffix(at, "text_area", "rating.comment").input("Rapide et propre")
    button(at, "Envoyer la note").click().run()
    assert "Merci, votre note est enregistrée." in successes(at)
    assert (
        db(owner_engine, "SELECT satisfaction_client FROM interventions WHERE id = :i", i=iid) == 4
    )
    assert not [r for r in at.radio if r.key and r.key.endswith("rating.note")]  # once
    manager = open_file(world, "responsable", iid)
    shown = texts(manager)
    assert "★★★★☆  4/5" in shown and "Rapide et propre" in shown


def test_a_rating_of_0_or_6_is_refused_by_the_service(
    session: Any, conn: Any, world: dict[str, Any]
) -> None:
    from db.errors import ServiceError
    from db.interventions.service.rating import rate_intervention
    from tests.conftest import act_as

    iid = f.make_intervention(conn, world["machineA"], statut="cloturee", solution="x",
                              technicien_id=world["tech1"])  # fmt: skip
    act_as(session, world["actors"]["client"])
    for bad in (0, 6, "5.5", None):
        with pytest.raises(ServiceError, match=r"La note va de 1 à 5\."):
            rate_intervention(
                session=session, actor=world["actors"]["client"], intervention_id=iid, note=bad
            )


# ------------------------------------------------------------------------------------------
# Through the app: the interventions page routes ?id= to the file
# ------------------------------------------------------------------------------------------


def test_the_interventions_page_opens_the_file_of_its_id_inside_the_app(
    owner_engine: Engine, world: dict[str, Any]
) -> None:
    iid = new_intervention(owner_engine, world, titre="Routage de la fiche")
    username = db(
        owner_engine,
        "SELECT username FROM users WHERE id = :u",
        u=world["actors"]["client"].user_id,
    )
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["_shell_booted"] = True
    at.run()
    at.query_params["id"] = str(iid)
    at.switch_page("pages/interventions.py").run()
    assert not at.exception, at.exception
    assert any("Routage de la fiche" in h.value for h in at.header)
    assert "Évaluation" in tab_labels(at)
    # Another company's user reads "introuvable" through the same route.
    other = db(
        owner_engine,
        "SELECT username FROM users WHERE id = :u",
        u=world["actors"]["clientB"].user_id,
    )
    at2 = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=30)
    at2.session_state["authentication_status"] = True
    at2.session_state["username"] = other
    at2.session_state["_shell_booted"] = True
    at2.run()
    at2.query_params["id"] = str(iid)
    at2.switch_page("pages/interventions.py").run()
    assert not at2.exception, at2.exception
    assert tab_labels(at2) == []
    assert any("introuvable" in w.value for w in at2.warning)


def test_the_file_reads_in_english_when_the_user_switches(
    owner_engine: Engine, world: dict[str, Any]
) -> None:
    iid = new_intervention(owner_engine, world, statut="en_cours")
    at = AppTest.from_file(SCRIPT, default_timeout=30)
    at.session_state["actor"] = world["actors"]["responsable"]
    at.session_state["lang"] = "en"
    at.query_params["id"] = str(iid)
    at.run()
    assert not at.exception, at.exception
    assert tab_labels(at) == [
        "Details", "Dispatch", "Checklist", "Parts", "Documents", "Thread", "Audit trail", "Rating",
    ]  # fmt: skip
    labels = [b.label for b in at.button if b.key and ".tr." in b.key]
    assert labels == ["Put on hold", "Close", "Cancel the work order"]
