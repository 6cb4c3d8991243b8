"""The equipment registry page, run with ``streamlit.testing.v1.AppTest`` for every role.

The page runs inside the real shell (``app.py``: login gate, role navigation) with the login
already done, as streamlit-authenticator leaves it (``authentication_status`` + ``username``).
AppTest reads committed data, so a module fixture commits its own small world (users of every
role, two client companies, a fleet named ``PGT-…``) and deletes it afterwards.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

from db.session import Actor
from tests.factories import DUMMY_HASH
from ui.export import build_export, write_csv
from ui.table import Column

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
PAGE = ROOT / "pages" / "equipements.py"
PAGE_NAME = "pages/equipements.py"
PREFIX = "pgt"  # usernames and company names of this module's world
ROLES = ("admin", "responsable", "technicien", "client")


# ------------------------------------------------------------------------------------------
# A committed world, removed after the module
# ------------------------------------------------------------------------------------------


def _user(c: Any, role: str, name: str) -> int:
    return c.execute(
        text(
            "INSERT INTO users (username, full_name, email, hashed_password, role)"
            " VALUES (:u, :f, :e, :h, :r) RETURNING id"
        ),
        {"u": f"{PREFIX}_{name}", "f": f"Test {name}", "e": f"{PREFIX}_{name}@test.ma",
         "h": DUMMY_HASH, "r": role},
    ).scalar_one()  # fmt: skip


def _cleanup(engine: Engine) -> None:
    """Remove this module's machines, then its users (clients and technicians cascade)."""
    like = {"p": f"{PREFIX}_%"}
    with engine.begin() as c:
        c.execute(
            text(
                "DELETE FROM equipements WHERE client_id IN (SELECT c.id FROM clients c"
                " JOIN users u ON u.id = c.user_id WHERE u.username LIKE :p)"
            ),
            like,
        )
        c.execute(text("DELETE FROM users WHERE username LIKE :p"), like)


@pytest.fixture(scope="module")
def world(owner_engine: Engine) -> Iterator[dict[str, Any]]:
    """Users of each role, companies A (30 machines) and B (3), committed."""
    _cleanup(owner_engine)
    ids: dict[str, Any] = {}
    with owner_engine.begin() as c:
        for role in ("admin", "responsable"):
            ids[role] = _user(c, role, role)
        ids["technicien"] = _user(c, "technicien", "technicien")
        c.execute(text("INSERT INTO techniciens (user_id) VALUES (:u)"), {"u": ids["technicien"]})
        for company, name in (("A", "Alpha Pgt SARL"), ("B", "Beta Pgt SA")):
            uid = _user(c, "client", f"client{company.lower()}")
            ids[f"client{company}_user"] = uid
            ids[f"client{company}"] = c.execute(
                text("INSERT INTO clients (user_id, nom_entreprise) VALUES (:u, :n) RETURNING id"),
                {"u": uid, "n": name},
            ).scalar_one()
        machines = []
        for i in range(1, 31):
            machines.append(
                {
                    "client_id": ids["clientA"],
                    "nom": f"Pompe {i:02d}",
                    "numero_serie": f"PGT-A-{i:03d}",
                    "statut": "panne" if i % 5 == 0 else "operationnel",
                    "criticite": "critique" if i % 3 == 0 else "normale",
                    "prochaine_maintenance": date(2026, 1, i % 28 + 1),
                    "date_installation": date(2023, 1, 1),
                    "cout_acquisition": 1000 * i,
                }
            )
        for i in range(1, 4):
            machines.append(
                {
                    "client_id": ids["clientB"],
                    "nom": f"Chaudière B{i}",
                    "numero_serie": f"PGT-B-{i:03d}",
                    "statut": "operationnel",
                    "criticite": "haute",
                    "prochaine_maintenance": None,
                    "date_installation": date(2022, 6, 1),
                    "cout_acquisition": None,
                }
            )
        c.execute(
            text(
                "INSERT INTO equipements (client_id, nom, numero_serie, statut, criticite,"
                " prochaine_maintenance, date_installation, cout_acquisition) VALUES (:client_id,"
                " :nom, :numero_serie, :statut, :criticite, :prochaine_maintenance,"
                " :date_installation, :cout_acquisition)"
            ),
            machines,
        )
        rows = c.execute(
            text("SELECT numero_serie, id FROM equipements WHERE numero_serie LIKE 'PGT-%'")
        ).all()
        ids["machines"] = dict(rows)
    yield ids
    _cleanup(owner_engine)


def username(role: str) -> str:
    """Login of this module's user for ``role`` (client = company A)."""
    return f"{PREFIX}_clienta" if role == "client" else f"{PREFIX}_{role}"


def open_page(user: str, **query: str | list[str]) -> AppTest:
    """The registry as ``user`` sees it after logging in, through ``app.py``.

    The library's session keys say "logged in as ``user``" (streamlit-authenticator's own
    state); ``_shell_booted`` skips the shell's empty first run of a browser session.
    """
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = user
    at.session_state["_shell_booted"] = True
    at.run()  # the shell's default page (home); the first run always goes through app.py
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(PAGE_NAME).run()
    assert not at.exception, at.exception
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def table(at: AppTest, with_column: str | None = None) -> Any:
    """A data grid of the page as pandas: the first one (the list), or one with that column."""
    frames = [d.value for d in at.dataframe]
    if with_column is None:
        return frames[0]
    return next(f for f in frames if with_column in f.columns)


def db_value(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as c:
        return c.execute(text(sql), params).scalar()


def set_search(at: AppTest, q: str) -> AppTest:
    at.text_input(key="equip.f.q").input(q).run()
    assert not at.exception, at.exception
    return at


# ------------------------------------------------------------------------------------------
# Every role
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_registry(world: dict[str, Any], role: str) -> None:
    at = open_page(username(role), q="PGT")
    assert [t.value for t in at.title] == ["Parc équipements"]
    assert errors(at) == []
    df = table(at)
    tab_labels = [t.label for t in at.tabs]
    if role == "client":
        assert "Client" not in df.columns  # it is always their own company
        assert not [s for s in at.selectbox if s.key == "equip.f.client"]
        assert "1–25 sur 30" in captions(at)  # company A only, never B's 3 machines
        assert set(df["N° de série"].str[:5]) == {"PGT-A"}
        assert tab_labels == []
    else:
        assert "Client" in df.columns and "equip.f.client" in [s.key for s in at.selectbox]
        assert "1–25 sur 33" in captions(at)
        if role == "technicien":
            assert tab_labels == []  # reads only: no create, no import
        else:
            assert tab_labels == ["Liste", "Nouvel équipement", "Import CSV"]


def test_list_shows_names_french_dates_and_labels(world: dict[str, Any]) -> None:
    at = open_page(username("admin"), q="PGT-A-005")
    row = table(at).iloc[0].to_dict()
    assert row["Client"] == "Alpha Pgt SARL"
    assert row["Statut"] == "En panne"
    assert row["Prochaine maintenance"] == "06/01/2026"
    assert "id" not in row and "client_id" not in row


def test_page_refuses_a_user_without_a_role() -> None:
    at = AppTest.from_file(str(PAGE), default_timeout=30)
    at.session_state["actor"] = Actor(user_id=None, role="inconnu")
    at.run()
    assert errors(at) == ["Cette page n'est pas accessible avec votre profil."]
    assert not at.dataframe


# ------------------------------------------------------------------------------------------
# Filters, query parameters, sort, pagination, selection
# ------------------------------------------------------------------------------------------


def test_query_parameters_preset_the_filters(world: dict[str, Any]) -> None:
    at = open_page(username("responsable"), statut="panne", criticite="critique", q="PGT")
    assert at.multiselect(key="equip.f.statut").value == ["panne"]
    assert at.multiselect(key="equip.f.criticite").value == ["critique"]
    assert at.text_input(key="equip.f.q").value == "PGT"
    df = table(at)
    assert sorted(df["N° de série"]) == ["PGT-A-015", "PGT-A-030"]
    assert set(df["Statut"]) == {"En panne"} and set(df["Criticité"]) == {"Critique"}


def test_bad_query_parameters_are_ignored(world: dict[str, Any]) -> None:
    at = open_page(username("admin"), statut="n'importe quoi", id="abc")
    assert [w.value for w in at.warning] == ["Équipement introuvable."]
    at.button(key="equip.back").click().run()
    assert "id" not in at.query_params
    assert at.multiselect(key="equip.f.statut").value == []


def test_search_and_filter_widgets(world: dict[str, Any]) -> None:
    at = open_page(username("admin"))
    set_search(at, "pgt-b")
    assert "1–3 sur 3" in captions(at)
    assert at.query_params["q"] == "pgt-b"  # the URL follows the filters
    set_search(at, "PGT")
    at.selectbox(key="equip.f.client").set_value(world["clientB"]).run()
    assert "1–3 sur 3" in captions(at)
    at.selectbox(key="equip.f.client").set_value(None).run()
    at.multiselect(key="equip.f.statut").set_value(["panne"]).run()
    assert "1–6 sur 6" in captions(at)
    assert at.query_params["statut"] == "panne"
    at.date_input(key="equip.f.maintenance").set_value(date(2026, 1, 11)).run()
    # panne machines: 5, 10, 15, 20, 25, 30 → maintenance on day i % 28 + 1 ≤ 11: 5, 10, 30
    assert sorted(table(at)["N° de série"]) == ["PGT-A-005", "PGT-A-010", "PGT-A-030"]
    at.button(key="equip.f.reset").click().run()
    assert at.multiselect(key="equip.f.statut").value == []
    assert at.text_input(key="equip.f.q").value == ""


def test_pagination_sort_and_page_size(world: dict[str, Any]) -> None:
    at = open_page(username("admin"), q="PGT-A")
    assert "1–25 sur 30" in captions(at)
    assert len(table(at)) == 25
    at.get("pagination")[0].set_value(2).run()
    assert "26–30 sur 30" in captions(at)
    assert list(table(at)["Nom"]) == [f"Pompe {i}" for i in range(26, 31)]
    at.selectbox(key="equip.list.sort").set_value("numero_serie").run()
    assert "1–25 sur 30" in captions(at)  # a new order starts again at page 1
    at.selectbox(key="equip.list.desc").set_value(True).run()
    assert table(at)["N° de série"].iloc[0] == "PGT-A-030"
    at.selectbox(key="equip.list.size").set_value(50).run()
    assert "1–30 sur 30" in captions(at) and len(table(at)) == 30
    assert not at.get("pagination")  # a single page needs no page picker


def test_clicking_a_row_opens_its_detail_and_back(world: dict[str, Any]) -> None:
    at = open_page(username("technicien"), q="PGT-B")
    first = table(at).iloc[0]
    at.session_state["equip.list.grid"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert at.query_params["id"] == str(world["machines"][first["N° de série"]])
    assert [h.value for h in at.header] == [first["Nom"]]
    at.button(key="equip.back").click().run()
    assert "id" not in at.query_params
    assert at.text_input(key="equip.f.q").value == "PGT-B"  # filters kept
    assert "1–3 sur 3" in captions(at)


# ------------------------------------------------------------------------------------------
# Detail per role
# ------------------------------------------------------------------------------------------


def test_detail_for_a_manager(world: dict[str, Any]) -> None:
    eid = world["machines"]["PGT-A-001"]
    at = open_page(username("responsable"), id=str(eid))
    assert [h.value for h in at.header] == ["Pompe 01"]
    labels = [t.label for t in at.tabs]
    assert labels[0] == "Fiche" and labels[-2:] == ["Étiquette QR", "Modifier"]
    assert "Contrats (0)" in labels
    markdown = " ".join(m.value for m in at.markdown)
    assert "1 000,00 MAD" in markdown and "01/01/2023" in markdown
    assert "Alpha Pgt SARL" in markdown
    buttons = [b.label for b in at.button if (b.key or "").startswith("equip.to.")]
    assert buttons == ["Passer en « En maintenance »", "Passer en « En panne »"]
    assert at.get("imgs") or at.get("image")  # the QR label is rendered


def test_detail_for_a_technician_is_read_only(world: dict[str, Any]) -> None:
    at = open_page(username("technicien"), id=str(world["machines"]["PGT-B-001"]))
    assert [h.value for h in at.header] == ["Chaudière B1"]
    assert "Modifier" not in [t.label for t in at.tabs]
    assert not [b for b in at.button if (b.key or "").startswith("equip.to.")]


def test_client_cannot_reach_another_company_by_url(world: dict[str, Any]) -> None:
    other = world["machines"]["PGT-B-001"]
    at = open_page(username("client"), id=str(other))
    assert [w.value for w in at.warning] == ["Équipement introuvable."]
    assert not at.header
    own = open_page(username("client"), id=str(world["machines"]["PGT-A-002"]))
    assert [h.value for h in own.header] == ["Pompe 02"]
    assert "Modifier" not in [t.label for t in own.tabs]


# ------------------------------------------------------------------------------------------
# Create, edit, conflict, lifecycle
# ------------------------------------------------------------------------------------------


def fill_create(at: AppTest, client_id: int, **fields: Any) -> AppTest:
    prefix = "equip.new.0"
    at.selectbox(key=f"{prefix}.client_id").set_value(client_id)
    for name, value in fields.items():
        widget = at.get("text_input") + at.get("text_area") + at.get("date_input")
        match = [w for w in widget if w.key == f"{prefix}.{name}"]
        assert match, name
        match[0].set_value(value)
    at.button(key=f"{prefix}.submit").click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"nom": "", "numero_serie": "PGT-X-1"}, "Nom : champ obligatoire."),
        ({"nom": "Pompe", "numero_serie": "   "}, "Numéro de série : champ obligatoire."),
        (
            {"nom": "Pompe", "numero_serie": "PGT-A-001"},
            "Le numéro de série « PGT-A-001 » est déjà utilisé par l'équipement « Pompe 01 »"
            " (Alpha Pgt SARL).",
        ),
        (
            {"nom": "Pompe", "numero_serie": "PGT-X-1", "cout_acquisition": "-250"},
            "Coût d'acquisition : le montant ne peut pas être négatif.",
        ),
        (
            {"nom": "P" * 10_000, "numero_serie": "PGT-X-1"},
            "Nom : 200 caractères au maximum (10 000 saisis).",
        ),
        (
            {
                "nom": "Pompe",
                "numero_serie": "PGT-X-1",
                "date_installation": date(2025, 5, 1),
                "date_fin_garantie": date(2025, 4, 1),
            },
            "Fin de garantie : elle ne peut pas précéder la date d'installation.",
        ),
    ],
)
def test_create_form_bad_input(
    world: dict[str, Any], owner_engine: Engine, fields: dict[str, Any], expected: str
) -> None:
    before = db_value(owner_engine, "SELECT count(*) FROM equipements")
    at = fill_create(open_page(username("admin")), world["clientA"], **fields)
    shown = [e.replace("\\", "") for e in errors(at)]  # Markdown escapes aside
    assert expected in shown
    assert "Corrigez les champs signalés : rien n'a été enregistré." in shown
    assert db_value(owner_engine, "SELECT count(*) FROM equipements") == before


def test_create_form_without_client(world: dict[str, Any]) -> None:
    at = open_page(username("admin"))
    at.text_input(key="equip.new.0.nom").input("Pompe")
    at.text_input(key="equip.new.0.numero_serie").input("PGT-X-9")
    at.button(key="equip.new.0.submit").click().run()
    assert "Client : champ obligatoire." in errors(at)


def test_create_form_success_with_tricky_text(world: dict[str, Any], owner_engine: Engine) -> None:
    name = 'Presse « L\'Atlas » "10 t" <script>alert(1)</script> 🚀'
    at = fill_create(
        open_page(username("responsable")),
        world["clientB"],
        nom=name,
        numero_serie="PGT-B-NEW",
        cout_acquisition="12 345,50",
        date_installation=date(2025, 1, 15),
    )
    assert errors(at) == []
    assert any("créé" in s.value for s in at.success)
    stored = db_value(owner_engine, "SELECT nom FROM equipements WHERE numero_serie = 'PGT-B-NEW'")
    assert stored == name
    # The new machine's page is open and shows the name literally (escaped, not interpreted).
    eid = db_value(owner_engine, "SELECT id FROM equipements WHERE numero_serie = 'PGT-B-NEW'")
    assert at.query_params["id"] == str(eid)
    assert at.header[0].value.replace("\\", "") == name
    assert "12 345,50 MAD" in " ".join(m.value for m in at.markdown)


def test_edit_and_concurrent_edit_conflict(world: dict[str, Any], owner_engine: Engine) -> None:
    eid = world["machines"]["PGT-A-007"]
    at = open_page(username("admin"), id=str(eid))
    prefix = f"equip.edit.{eid}.0"
    # Someone else saves the machine while this user has the form open.
    with owner_engine.begin() as c:
        c.execute(text("UPDATE equipements SET localisation = 'Hall B' WHERE id = :i"), {"i": eid})
    at.text_input(key=f"{prefix}.localisation").input("Hall A")
    at.button(key=f"{prefix}.submit").click().run()
    assert "Cet équipement a été modifié entre-temps, rechargez la page." in errors(at)
    assert db_value(owner_engine, "SELECT localisation FROM equipements WHERE id = :i", i=eid) == (
        "Hall B"
    )  # nothing overwritten
    at.button(key=f"{prefix}.reload").click().run()
    new_prefix = f"equip.edit.{eid}.1"
    assert at.text_input(key=f"{new_prefix}.localisation").value == "Hall B"
    at.text_input(key=f"{new_prefix}.localisation").input("Hall A")
    at.text_input(key=f"{new_prefix}.cout_acquisition").input("-1")
    at.button(key=f"{new_prefix}.submit").click().run()
    assert any("négatif" in e for e in errors(at))
    at.text_input(key=f"{new_prefix}.cout_acquisition").input("7 500")
    at.button(key=f"{new_prefix}.submit").click().run()
    assert errors(at) == []
    assert [s.value for s in at.success][:1] == ["Modifications enregistrées."]
    assert db_value(owner_engine, "SELECT localisation FROM equipements WHERE id = :i", i=eid) == (
        "Hall A"
    )


def test_lifecycle_buttons_and_confirmed_retirement(
    world: dict[str, Any], owner_engine: Engine
) -> None:
    eid = world["machines"]["PGT-A-011"]  # operationnel
    at = open_page(username("responsable"), id=str(eid))
    at.button(key=f"equip.to.panne.{eid}").click().run()
    assert "Statut changé : En panne." in [s.value for s in at.success]
    buttons = [b.label for b in at.button if (b.key or "").startswith("equip.to.")]
    assert buttons == ["Passer en « En maintenance »", "Passer en « Retiré »"]
    at.button(key=f"equip.to.retire.{eid}").click().run()
    assert db_value(owner_engine, "SELECT statut FROM equipements WHERE id = :i", i=eid) == "panne"
    assert any("définitif" in w.value for w in at.warning)  # asks before the final step
    at.button(key=f"equip.retire.confirm.{eid}").click().run()
    assert db_value(owner_engine, "SELECT statut FROM equipements WHERE id = :i", i=eid) == "retire"
    assert "Équipement retiré : son statut est définitif." in captions(at)
    assert not [b for b in at.button if (b.key or "").startswith("equip.to.")]


# ------------------------------------------------------------------------------------------
# Import, export
# ------------------------------------------------------------------------------------------


def upload(at: AppTest, content: bytes) -> AppTest:
    at.file_uploader(key="equip.import.file.0").set_value(("parc.csv", content, "text/csv"))
    at.run()
    at.button(key="equip.import.submit").click().run()
    assert not at.exception, at.exception
    return at


def test_import_good_file(world: dict[str, Any], owner_engine: Engine) -> None:
    content = (
        b"client;nom;numero_serie;date_installation;cout_acquisition\r\n"
        b"Alpha Pgt SARL;Tour CN;PGT-IMP-1;15/01/2024;12 000,00\r\n"
        b"beta pgt sa;Fraiseuse;PGT-IMP-2;;\r\n"
    )
    at = upload(open_page(username("admin")), content)
    assert "2 équipement(s) importé(s)." in [s.value for s in at.success]
    imported = "SELECT count(*) FROM equipements WHERE numero_serie LIKE 'PGT-IMP-%'"
    assert db_value(owner_engine, imported) == 2


def test_import_one_bad_row_imports_nothing(world: dict[str, Any], owner_engine: Engine) -> None:
    content = (
        b"client;nom;numero_serie;cout_acquisition\r\n"
        b"Alpha Pgt SARL;Tour;PGT-IMP-9;100\r\n"
        b"Alpha Pgt SARL;Fraiseuse;PGT-IMP-10;-100\r\n"
    )
    at = upload(open_page(username("responsable")), content)
    assert any("Import refusé : 1 erreur(s) sur 2 ligne(s)" in e for e in errors(at))
    report = table(at, with_column="Ligne")
    assert list(report["Ligne"]) == ["3"] and list(report["Colonne"]) == ["cout_acquisition"]
    written = "SELECT count(*) FROM equipements WHERE numero_serie IN ('PGT-IMP-9', 'PGT-IMP-10')"
    assert db_value(owner_engine, written) == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("client;nom;numero_serie\r\nSociété;Pompe;PGT-ENC\r\n".encode("cp1252"), "UTF-8"),
        (b"client;nom\r\nAlpha Pgt SARL;Pompe\r\n", "manquantes : numero"),
    ],
)
def test_import_bad_file(
    world: dict[str, Any], owner_engine: Engine, content: bytes, expected: str
) -> None:
    before = db_value(owner_engine, "SELECT count(*) FROM equipements")
    at = upload(open_page(username("admin")), content)
    assert any(expected in e.replace("\\", "") for e in errors(at))
    assert db_value(owner_engine, "SELECT count(*) FROM equipements") == before


def test_import_template_is_offered(world: dict[str, Any]) -> None:
    at = open_page(username("admin"))
    labels = [b.label for b in at.get("download_button")]
    assert "Télécharger le modèle" in labels


def test_export_of_the_filtered_set(world: dict[str, Any]) -> None:
    at = open_page(username("technicien"), q="PGT-B-00")
    at.button(key="equip.export.csv").click().run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert any(label.endswith(".csv (3 lignes)") for label in labels), labels
    at.button(key="equip.export.xlsx").click().run()
    labels = [b.label for b in at.get("download_button")]
    assert any(label.endswith(".xlsx (3 lignes)") for label in labels), labels
    set_search(at, "PGT-A")  # other filters: the old file is no longer offered
    assert not [b for b in at.get("download_button") if "lignes" in b.label]


def test_export_writers() -> None:
    columns = [
        Column("nom", "equip.col.nom"),
        Column("cout", "equip.col.cout_acquisition", "money"),
        Column("jour", "equip.col.date_installation", "date"),
        Column("statut", "equip.col.statut", "enum", enum="statut_equipement"),
    ]
    rows = [
        {"nom": "=1+1", "cout": 12345.5, "jour": date(2024, 1, 15), "statut": "panne"},
        {"nom": "Pompe « 1 » 🚀", "cout": None, "jour": None, "statut": "retire"},
    ]
    data, n = build_export("csv", rows, columns)
    assert n == 2
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Nom;Coût d'acquisition;Installation;Statut"
    assert lines[1] == "'=1+1;12345,50;15/01/2024;En panne"  # no formula injection
    assert lines[2] == "Pompe « 1 » 🚀;;;Retiré"
    seen: list[int] = []
    write_csv(rows * 5, columns, io.BytesIO(), on_progress=seen.append, every=4)
    assert seen == [4, 8]  # a long export reports its progress chunk by chunk
    data, n = build_export("xlsx", rows, columns)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[2]][:2] == ["=1+1", 12345.5]
    assert sheet["A2"].data_type == "s"  # a string, not a formula
    assert sheet["C2"].is_date and sheet["C2"].number_format == "dd/mm/yyyy"


def test_page_run_time(world: dict[str, Any]) -> None:
    """Not a benchmark: prints the AppTest time of one run of the page, per role and view."""
    for role in ROLES:
        at = open_page(username(role))
        t0 = time.perf_counter()
        at.run()  # the list (seeded demo data + this module's fleet)
        t1 = time.perf_counter()
        at.query_params["id"] = str(world["machines"]["PGT-A-003"])
        at.run()  # a machine's record, every tab
        t2 = time.perf_counter()
        assert not at.exception
        print(f"\n[equipements] {role}: list {t1 - t0:.3f} s, detail {t2 - t1:.3f} s")


# ------------------------------------------------------------------------------------------
# Hostile input: a French message beside the field or the filter, never a traceback
# ------------------------------------------------------------------------------------------


def in_order(node: Any) -> list[Any]:
    """The page's elements in display order, containers opened."""
    children = getattr(node, "children", None)
    if children is None:
        return [node]
    return [leaf for _, child in sorted(children.items()) for leaf in in_order(child)]


def message_under(at: AppTest, widget_key: str) -> str | None:
    """The error shown right under the widget ``widget_key`` (its feedback slot), if any."""
    elements = in_order(at.main)
    position = next(i for i, e in enumerate(elements) if getattr(e, "key", None) == widget_key)
    following = elements[position + 1] if position + 1 < len(elements) else None
    if following is None or following.type != "error":
        return None
    return following.value.replace("\\", "")  # Markdown escapes aside


def test_a_search_text_the_service_refuses_is_explained_under_the_search_box(
    world: dict[str, Any],
) -> None:
    at = open_page(username("admin"), q="PGT\x00")  # ?q=PGT%00
    assert message_under(at, "equip.f.q") == "Recherche : caractères de contrôle non autorisés."
    assert "Corrigez les filtres signalés pour afficher la liste." in errors(at)
    assert not at.dataframe  # no list for criteria that cannot be searched
    set_search(at, "P" * 500)
    assert message_under(at, "equip.f.q") == "Recherche : 200 caractères au maximum (500 saisis)."
    set_search(at, "PGT-B-00")  # corrected: the list is back, the message gone
    assert message_under(at, "equip.f.q") is None
    assert "1–3 sur 3" in captions(at)


def test_hostile_url_parameters_are_ignored_or_read_as_not_found(world: dict[str, Any]) -> None:
    at = open_page(
        username("responsable"),
        q="PGT-A-02",
        statut=["xyz", "panne"],
        criticite="\x00",
        page="1e20",
    )
    assert errors(at) == []
    assert at.multiselect(key="equip.f.statut").value == ["panne"]
    assert at.multiselect(key="equip.f.criticite").value == []
    assert sorted(table(at)["N° de série"]) == ["PGT-A-020", "PGT-A-025"]
    for bad_id in ("99999999999", "-1", "1e20", "\x00", "12abc"):
        at = open_page(username("admin"), id=bad_id)
        assert [w.value for w in at.warning] == ["Équipement introuvable."], bad_id
        assert errors(at) == []


def test_hostile_form_input_gets_a_french_message_beside_each_field(
    world: dict[str, Any], owner_engine: Engine
) -> None:
    before = db_value(owner_engine, "SELECT count(*) FROM equipements")
    at = fill_create(
        open_page(username("admin")),
        world["clientA"],
        nom="Pompe\x00",
        numero_serie="PGT-\U0001f527-" + "9" * 120,
        cout_acquisition="inf",
        modele="'; DROP TABLE equipements; --",
    )
    prefix = "equip.new.0"
    assert message_under(at, f"{prefix}.nom") == "Nom : caractères de contrôle non autorisés."
    assert message_under(at, f"{prefix}.numero_serie") == (
        "Numéro de série : 100 caractères au maximum (126 saisis)."
    )
    assert message_under(at, f"{prefix}.cout_acquisition") == (
        "Coût d'acquisition : montant invalide."
    )
    assert message_under(at, f"{prefix}.modele") is None  # quotes are data, not an attack
    assert "Corrigez les champs signalés : rien n'a été enregistré." in errors(at)
    assert db_value(owner_engine, "SELECT count(*) FROM equipements") == before


def test_dates_and_warranty_widgets_offer_only_what_the_service_accepts(
    world: dict[str, Any],
) -> None:
    from db.equipment.service import MAX_WARRANTY_MONTHS, date_limits

    at = open_page(username("admin"))
    limits = date_limits()
    installed = at.date_input(key="equip.new.0.date_installation")
    assert installed.max == limits["date_installation"][1] < date(2100, 12, 31)
    assert at.number_input(key="equip.new.0.duree_garantie_mois").max == MAX_WARRANTY_MONTHS


# ------------------------------------------------------------------------------------------
# Defects a new user found (issue 9); the layout ones are checked in a real browser too
# (tests/browser/test_registry_defects.py)
# ------------------------------------------------------------------------------------------

HELP_WIDGETS = ("text_input", "text_area", "selectbox", "multiselect", "date_input", "number_input")


def test_the_click_hint_shows_whenever_the_list_has_rows(world: dict[str, Any]) -> None:
    at = open_page(username("admin"))
    assert len(table(at)) == 25  # several pages: the hint used to show on one page only
    assert "Cliquez sur une ligne pour ouvrir sa fiche." in captions(at)
    set_search(at, "PGT-B-001")
    assert len(table(at)) == 1
    assert "Cliquez sur une ligne pour ouvrir sa fiche." in captions(at)
    set_search(at, "introuvable-pgt")
    assert "Cliquez sur une ligne pour ouvrir sa fiche." not in captions(at)


def test_an_import_line_reports_every_bad_field(
    world: dict[str, Any], owner_engine: Engine
) -> None:
    content = (
        b"client;nom;numero_serie;date_installation;statut;cout_acquisition\r\n"
        b"Inconnue Pgt SARL;Tour;PGT-IMP-20;32/13/2024;bof;-5\r\n"
        b"Alpha Pgt SARL;;PGT-A-001;;;abc\r\n"
    )
    at = upload(open_page(username("admin")), content)
    report = table(at, with_column="Ligne")
    found = set(zip(report["Ligne"], report["Colonne"], strict=True))
    assert found == {
        ("2", "client"),
        ("2", "date_installation"),
        ("2", "statut"),
        ("2", "cout_acquisition"),
        ("3", "nom"),
        ("3", "numero_serie"),  # already in the base, reported beside the other faults
        ("3", "cout_acquisition"),
    }
    written = "SELECT count(*) FROM equipements WHERE numero_serie = 'PGT-IMP-20'"
    assert db_value(owner_engine, written) == 0


def test_every_date_field_reads_day_month_year_and_no_hint_hides_behind_an_english_icon(
    world: dict[str, Any],
) -> None:
    eid = world["machines"]["PGT-A-002"]
    for at in (open_page(username("admin")), open_page(username("admin"), id=str(eid))):
        assert at.date_input, "the page has date fields"
        assert {d.proto.format for d in at.date_input} == {"DD/MM/YYYY"}
        # Streamlit labels a help icon "Help for <label>" in English: hints are captions.
        for kind in HELP_WIDGETS:
            assert not [w.label for w in getattr(at, kind) if w.proto.help], kind
    assert "L'entreprise propriétaire de la machine." in captions(at)


def test_the_preventive_interval_is_refused_at_zero_or_below_beside_its_field_and_saved_else(
    world: dict[str, Any], owner_engine: Engine
) -> None:
    prefix = "equip.new.0"
    label = "Intervalle de maintenance (jours)"
    for value, expected in (
        (0, f"{label} : 1 au minimum."),
        (-3, f"{label} : au moins 1 jour (vide = pas de plan)."),
        (120, None),
    ):
        before = db_value(owner_engine, "SELECT count(*) FROM equipements")
        at = open_page(username("admin"))
        at.selectbox(key=f"{prefix}.client_id").set_value(world["clientA"])
        at.text_input(key=f"{prefix}.nom").input("Pompe plan préventif")
        at.text_input(key=f"{prefix}.numero_serie").input(f"PGT-PLAN-{value + 10}")
        at.number_input(key=f"{prefix}.intervalle_maintenance_jours").set_value(value)
        at.button(key=f"{prefix}.submit").click().run()
        assert not at.exception, at.exception
        if expected is not None:  # a saved machine opens its file: the form is gone
            assert message_under(at, f"{prefix}.intervalle_maintenance_jours") == expected
        saved = db_value(
            owner_engine,
            "SELECT intervalle_maintenance_jours FROM equipements WHERE numero_serie = :s",
            s=f"PGT-PLAN-{value + 10}",
        )
        if expected is None:
            assert saved == 120
        else:
            assert saved is None
            assert db_value(owner_engine, "SELECT count(*) FROM equipements") == before


def test_a_machine_document_opens_with_its_checksum_verified(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from db.interventions.service.documents import add_document
    from db.session import Actor, session_scope

    monkeypatch.setenv("MIF_FILES_DIR", str(tmp_path))
    eid = world["machines"]["PGT-A-003"]
    manager = Actor(user_id=world["responsable"], role="responsable")
    with session_scope(manager) as s:
        add_document(
            session=s,
            actor=manager,
            filename="manuel pompe.pdf",
            content=b"%PDF-1.4\n" + b"0" * 200,
            equipement_id=eid,
        )
    at = open_page(username("client"), id=str(eid))  # company A's own machine
    assert "Documents (1)" in [t.label for t in at.tabs]
    at.button(key=f"equip.docs.{eid}.prepare").click().run()
    assert not at.error, [e.value for e in at.error]
    labels = [d.proto.label for d in at.get("download_button")]
    assert any("manuel" in label for label in labels), labels
