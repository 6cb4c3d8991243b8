"""A committed world for the planning page's AppTests (AppTest reads committed data).

Users of each role (prefixed), two technicians, one client company with a machine, and
interventions: two urgent unplanned ones (far-past deadlines, so they head the « À planifier »
list whatever the demo data), technician 1's slot today 10:00-11:00 and technician 2's slot
today 08:00-09:00. Removed after the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

from db.validation import BUSINESS_TZ
from tests.interventions.page_world import APP, _user, cleanup

PAGE_NAME = "pages/planning.py"


def today_at(hour: int, minute: int = 0) -> datetime:
    """Today at ``hour`` in Morocco's time zone."""
    return datetime.combine(datetime.now(BUSINESS_TZ).date(), time(hour, minute), BUSINESS_TZ)


def build_world(engine: Engine, prefix: str) -> Iterator[dict[str, Any]]:
    """Create the world, yield its ids, remove it."""
    cleanup(engine, prefix)
    ids: dict[str, Any] = {}
    old = datetime.now(UTC) - timedelta(days=4000)
    with engine.begin() as c:
        for role in ("admin", "responsable"):
            ids[role] = _user(c, prefix, role, role)
        for n in ("1", "2"):
            uid = _user(c, prefix, "technicien", f"technicien{n}")
            ids[f"tech{n}"] = c.execute(
                text(
                    "INSERT INTO techniciens (user_id, equipe, zone_geographique)"
                    " VALUES (:u, :e, 'Zone PW') RETURNING id"
                ),
                {"u": uid, "e": f"{prefix} equipe {n}"},
            ).scalar_one()
        uid = _user(c, prefix, "client", "clienta")
        ids["client"] = c.execute(
            text("INSERT INTO clients (user_id, nom_entreprise) VALUES (:u, :n) RETURNING id"),
            {"u": uid, "n": f"{prefix.upper()} Société A"},
        ).scalar_one()
        ids["machine"] = c.execute(
            text(
                "INSERT INTO equipements (client_id, nom, numero_serie, statut, criticite)"
                " VALUES (:c, :n, :s, 'operationnel', 'critique') RETURNING id"
            ),
            {"c": ids["client"], "n": f"{prefix} M1", "s": f"{prefix}-M1"},
        ).scalar_one()

        def intervention(titre: str, **extra: Any) -> int:
            values = {
                "equipement_id": ids["machine"],
                "titre": f"{prefix} {titre}",
                "priorite": "urgente",
                "urgence": True,
                "date_creation": old,
                "date_limite": old + timedelta(days=1),
                **extra,
            }
            cols = ", ".join(values)
            params = ", ".join(f":{k}" for k in values)
            return c.execute(
                text(f"INSERT INTO interventions ({cols}) VALUES ({params}) RETURNING id"), values
            ).scalar_one()

        ids["open"] = intervention("a planifier")
        ids["open2"] = intervention("a planifier aussi", date_limite=old + timedelta(days=2))
        ids["work1"] = intervention("travail un", statut="affectee", technicien_id=ids["tech1"])
        ids["work2"] = intervention("travail deux", statut="affectee", technicien_id=ids["tech2"])
        for key, tech_slot, start in (("slot1", "work1", 10), ("slot2", "work2", 8)):
            ids[key] = c.execute(
                text(
                    "INSERT INTO planning (intervention_id, date_debut, date_fin)"
                    " VALUES (:i, :d, :f) RETURNING id"
                ),
                {"i": ids[tech_slot], "d": today_at(start), "f": today_at(start + 1)},
            ).scalar_one()
    yield ids
    cleanup(engine, prefix)


def username(prefix: str, role: str) -> str:
    """Login of the module's user for ``role`` (``technicien`` is technician 1)."""
    return {"client": f"{prefix}_clienta", "technicien": f"{prefix}_technicien1"}.get(
        role, f"{prefix}_{role}"
    )


def open_planning(user: str) -> AppTest:
    """The planning page as ``user`` sees it after logging in, through ``app.py``."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = user
    at.session_state["_shell_booted"] = True
    at.run()
    at.switch_page(PAGE_NAME).run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str) -> Any:
    """The (form submit) button labelled ``label``."""
    found = [b for b in at.button if b.label == label]
    assert found, [b.label for b in at.button]
    return found[0]


def errors(at: AppTest) -> list[str]:
    """Every error message shown."""
    return [e.value for e in at.error]


def db_row(engine: Engine, sql: str, **params: Any) -> Any:
    """One row read as the owner."""
    with engine.connect() as c:
        return c.execute(text(sql), params).first()
