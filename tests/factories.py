"""Small raw-SQL builders for test data (owner connection; all rolled back after the test)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from db.session import Actor

_seq = itertools.count(1)
# A valid bcrypt hash (of "x"); tests that log in build their own.
DUMMY_HASH = "$2b$04$Qq8kTqzv1k2yq6h1l3kF0e5JmWm1YcM8o9b2mS2m9T2dG2VvYb9dW"


def _n() -> int:
    return next(_seq)


def insert(conn: Connection, table: str, **values: Any) -> int:
    """INSERT one row and return its id."""
    cols = ", ".join(values)
    params = ", ".join(f":{k}" for k in values)
    return conn.execute(
        text(f"INSERT INTO {table} ({cols}) VALUES ({params}) RETURNING id"), values
    ).scalar_one()


def make_user(conn: Connection, role: str, **extra: Any) -> int:
    """A user with a unique username/email."""
    n = _n()
    values = {
        "username": f"t_{role}_{n}",
        "full_name": f"Test {role.title()} {n}",
        "email": f"t_{role}_{n}@test.ma",
        "hashed_password": DUMMY_HASH,
        "role": role,
    }
    values.update(extra)
    return insert(conn, "users", **values)


def make_client(conn: Connection, **extra: Any) -> tuple[int, int]:
    """(client id, user id) of a new client company."""
    user_id = make_user(conn, "client")
    values = {"user_id": user_id, "nom_entreprise": f"Société Test {_n()}", "ville": "Casablanca"}
    values.update(extra)
    return insert(conn, "clients", **values), user_id


def make_technicien(conn: Connection, **extra: Any) -> tuple[int, int]:
    """(technicien id, user id) of a new technician."""
    user_id = make_user(conn, "technicien")
    values = {"user_id": user_id, "specialite": "Électromécanique"}
    values.update(extra)
    return insert(conn, "techniciens", **values), user_id


def make_equipement(conn: Connection, client_id: int, **extra: Any) -> int:
    """A machine of ``client_id``."""
    n = _n()
    values = {
        "client_id": client_id,
        "nom": f"Compresseur {n}",
        "numero_serie": f"SN-TEST-{n:06d}",
        "date_installation": date(2024, 1, 15),
    }
    values.update(extra)
    return insert(conn, "equipements", **values)


def make_intervention(conn: Connection, equipement_id: int, **extra: Any) -> int:
    """An intervention on ``equipement_id`` (client filled in by the database)."""
    values = {"equipement_id": equipement_id, "titre": f"Intervention test {_n()}"}
    values.update(extra)
    return insert(conn, "interventions", **values)


def make_piece(conn: Connection, stock: int = 0, **extra: Any) -> int:
    """A spare part; its stock arrives through an 'entree' movement, as the rules demand."""
    n = _n()
    values = {
        "reference": f"REF-T-{n:05d}",
        "nom": f"Roulement {n}",
        "prix_unitaire": 120,
        "stock_minimum": 2,
        "stock_maximum": 500,
    }
    values.update(extra)
    piece_id = insert(conn, "pieces_detachees", **values)
    if stock:
        insert(conn, "mouvements_stock", piece_id=piece_id, type_mouvement="entree", quantite=stock)
    return piece_id


def make_contrat(conn: Connection, client_id: int, **extra: Any) -> int:
    """An active maintenance contract of ``client_id``."""
    values = {
        "client_id": client_id,
        "numero_contrat": f"CTR-T-{_n():05d}",
        "type_contrat": "maintenance",
        "date_debut": date(2025, 1, 1),
        "date_fin": date(2027, 12, 31),
        "nb_interventions_incluses": 10,
    }
    values.update(extra)
    return insert(conn, "contrats", **values)


def world(conn: Connection) -> dict[str, Any]:
    """Two client companies with a machine and an intervention each, two technicians, staff.

    The usual cast of the RLS and rule tests; returns ids and ready-made ``Actor``s.
    """
    c1, u_c1 = make_client(conn)
    c2, u_c2 = make_client(conn)
    t1, u_t1 = make_technicien(conn)
    t2, u_t2 = make_technicien(conn)
    u_admin = make_user(conn, "admin")
    u_resp = make_user(conn, "responsable")
    e1 = make_equipement(conn, c1)
    e2 = make_equipement(conn, c2)
    i1 = make_intervention(conn, e1, technicien_id=t1, statut="affectee")
    i2 = make_intervention(conn, e2, technicien_id=t2, statut="affectee")
    return {
        "client1": c1,
        "client2": c2,
        "tech1": t1,
        "tech2": t2,
        "equip1": e1,
        "equip2": e2,
        "interv1": i1,
        "interv2": i2,
        "actor_client1": Actor(user_id=u_c1, role="client", client_id=c1),
        "actor_client2": Actor(user_id=u_c2, role="client", client_id=c2),
        "actor_tech1": Actor(user_id=u_t1, role="technicien", technicien_id=t1),
        "actor_tech2": Actor(user_id=u_t2, role="technicien", technicien_id=t2),
        "actor_admin": Actor(user_id=u_admin, role="admin"),
        "actor_resp": Actor(user_id=u_resp, role="responsable"),
    }
