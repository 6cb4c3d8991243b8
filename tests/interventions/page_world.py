"""A committed world for the interventions page's AppTests, and helpers to open the page.

AppTest reads committed data, so each test module builds its own small world (users of every
role, two client companies, machines and interventions whose titles start with the module's
prefix) and removes it afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

from tests.factories import DUMMY_HASH

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
PAGE_NAME = "pages/interventions.py"
ROLES = ("admin", "responsable", "technicien", "client")


def _user(c: Any, prefix: str, role: str, name: str) -> int:
    return c.execute(
        text(
            "INSERT INTO users (username, full_name, email, hashed_password, role)"
            " VALUES (:u, :f, :e, :h, :r) RETURNING id"
        ),
        {"u": f"{prefix}_{name}", "f": f"Test {prefix} {name}", "e": f"{prefix}_{name}@test.ma",
         "h": DUMMY_HASH, "r": role},
    ).scalar_one()  # fmt: skip


def cleanup(engine: Engine, prefix: str) -> None:
    """Remove the module's interventions (their audit rows are immutable for the app: the
    owner lifts the triggers inside this one transaction), machines, then users."""
    like = {"p": f"{prefix}_%"}
    with engine.begin() as c:
        clients = (
            "SELECT c.id FROM clients c JOIN users u ON u.id = c.user_id WHERE u.username LIKE :p"
        )
        for table in ("historiques_interventions", "interventions", "documents"):
            c.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        ids = f"SELECT id FROM interventions WHERE client_id IN ({clients})"
        c.execute(
            text(f"DELETE FROM historiques_interventions WHERE intervention_id IN ({ids})"), like
        )
        c.execute(text(f"DELETE FROM documents WHERE intervention_id IN ({ids})"), like)
        c.execute(text(f"DELETE FROM interventions WHERE client_id IN ({clients})"), like)
        for table in ("historiques_interventions", "interventions", "documents"):
            c.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        c.execute(text(f"DELETE FROM equipements WHERE client_id IN ({clients})"), like)
        c.execute(text("DELETE FROM users WHERE username LIKE :p"), like)


def build_world(engine: Engine, prefix: str) -> Iterator[dict[str, Any]]:
    """Users of each role; company A (machines A1, A2 and a retired one; interventions in
    every board status, one late and urgent) and company B (one machine, one open request)."""
    cleanup(engine, prefix)
    ids: dict[str, Any] = {}
    now = datetime.now(UTC)
    with engine.begin() as c:
        for role in ("admin", "responsable"):
            ids[role] = _user(c, prefix, role, role)
        ids["technicien_user"] = _user(c, prefix, "technicien", "technicien")
        ids["technicien"] = c.execute(
            text("INSERT INTO techniciens (user_id) VALUES (:u) RETURNING id"),
            {"u": ids["technicien_user"]},
        ).scalar_one()
        for company in ("A", "B"):
            uid = _user(c, prefix, "client", f"client{company.lower()}")
            ids[f"client{company}_user"] = uid
            ids[f"client{company}"] = c.execute(
                text("INSERT INTO clients (user_id, nom_entreprise) VALUES (:u, :n) RETURNING id"),
                {"u": uid, "n": f"{prefix.upper()} Société {company}"},
            ).scalar_one()

        def machine(client: str, name: str, statut: str = "operationnel") -> int:
            return c.execute(
                text(
                    "INSERT INTO equipements (client_id, nom, numero_serie, statut, criticite)"
                    " VALUES (:c, :n, :s, 'operationnel', 'critique') RETURNING id"
                ),
                {"c": ids[f"client{client}"], "n": f"{prefix} {name}", "s": f"{prefix}-{name}"},
            ).scalar_one()

        for name in ("A1", "A2", "AR"):
            ids[f"m{name}"] = machine("A", name)
        ids["mB1"] = machine("B", "B1")
        c.execute(text("UPDATE equipements SET statut = 'panne' WHERE id = :i"), {"i": ids["mAR"]})
        c.execute(text("UPDATE equipements SET statut = 'retire' WHERE id = :i"), {"i": ids["mAR"]})

        def intervention(m: str, titre: str, **extra: Any) -> int:
            values = {"equipement_id": ids[m], "titre": f"{prefix} {titre}", **extra}
            cols = ", ".join(values)
            params = ", ".join(f":{k}" for k in values)
            return c.execute(
                text(f"INSERT INTO interventions ({cols}) VALUES ({params}) RETURNING id"), values
            ).scalar_one()

        tech = ids["technicien"]
        ids["open1"] = intervention("mA1", "ouverte un", priorite="haute")
        ids["open2"] = intervention("mA2", "ouverte deux", priorite="basse")
        ids["assigned"] = intervention("mA1", "affectee", statut="affectee", technicien_id=tech)
        ids["late"] = intervention(
            "mA2",
            "en cours en retard",
            statut="affectee",
            technicien_id=tech,
            urgence=True,
            priorite="urgente",
            date_creation=now - timedelta(days=10),
            date_limite=now - timedelta(days=1),
        )
        c.execute(
            text("UPDATE interventions SET statut = 'en_cours' WHERE id = :i"), {"i": ids["late"]}
        )
        ids["secretB"] = intervention("mB1", "secret de B")
    yield ids
    cleanup(engine, prefix)


def username(prefix: str, role: str) -> str:
    """Login of the module's user for ``role`` (client = company A)."""
    return f"{prefix}_clienta" if role == "client" else f"{prefix}_{role}"


def open_page(user: str, **query: str | list[str]) -> AppTest:
    """The interventions page as ``user`` sees it after logging in, through ``app.py``."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = user
    at.session_state["_shell_booted"] = True
    at.run()
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(PAGE_NAME).run()
    assert not at.exception, at.exception
    return at


def db_value(engine: Engine, sql: str, **params: Any) -> Any:
    """One value read as the owner (what the database really holds)."""
    with engine.connect() as c:
        return c.execute(text(sql), params).scalar()


def markdown_text(at: AppTest) -> str:
    """Every Markdown, caption and link label of the page, one string (cards, counts)."""
    links = [link.proto.label for link in at.get("page_link")]
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + links)
