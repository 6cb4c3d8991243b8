"""Home-page figures and lists (db.reporting.service), per role, on the seeded test database.

Manager figures count the whole database, so the tests compare counts before and after adding
rows in the test's (rolled-back) transaction. Technician and client figures use new people, so
their counts are exact. A fixed date (a Wednesday in 2030) keeps the week arithmetic stable.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db.errors import describe
from db.reporting import service as reporting
from tests.conftest import act_as, sql_error
from tests.factories import (
    insert,
    make_client,
    make_contrat,
    make_equipement,
    make_intervention,
    make_piece,
    make_technicien,
)

TZ = reporting.BUSINESS_TZ
TODAY = date(2030, 1, 9)  # a Wednesday
NOW = datetime(2030, 1, 9, 12, 0, tzinfo=TZ)
_invoice_no = iter(range(90001, 99999))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Moroccan local time on ``day``."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def _invoice(conn: Connection, client_id: int, **extra: object) -> int:
    values: dict[str, object] = {
        "client_id": client_id,
        "numero_facture": f"FAC-2029-{next(_invoice_no):05d}",
        "statut": "envoyee",
        "date_emission": TODAY - timedelta(days=60),
        "date_echeance": TODAY - timedelta(days=30),
        "montant_ht": 1000,
        "taux_tva": 20,
        "montant_ttc": 1200,
    }
    values.update(extra)
    return insert(conn, "factures", **values)


def _username(conn: Connection, user_id: int) -> str:
    return conn.scalar(text("SELECT full_name FROM users WHERE id = :i"), {"i": user_id})


# --------------------------------------------------------------------------- managers


def test_manager_figures_count_each_alert(conn: Connection, session: Session) -> None:
    before = reporting.manager_figures(session=session, today=TODAY, now=NOW)
    client_id, _ = make_client(conn)
    tech_id, _ = make_technicien(conn)
    machine = make_equipement(conn, client_id)
    make_equipement(conn, client_id, statut="panne")
    make_equipement(conn, client_id, statut="maintenance")
    created = NOW - timedelta(days=10)
    # open, no deadline / open, late / open, deadline ahead / cancelled although late
    make_intervention(conn, machine, date_creation=created)
    make_intervention(
        conn,
        machine,
        technicien_id=tech_id,
        statut="affectee",
        date_creation=created,
        date_limite=NOW - timedelta(hours=1),
    )
    make_intervention(conn, machine, date_creation=created, date_limite=NOW + timedelta(days=2))
    make_intervention(
        conn, machine, statut="annulee", date_creation=created, date_limite=NOW - timedelta(days=1)
    )
    # below minimum / exactly at minimum / inactive below minimum
    make_piece(conn, stock=1, stock_minimum=2)
    make_piece(conn, stock=2, stock_minimum=2)
    make_piece(conn, stock=1, stock_minimum=5, active=False)
    # ending in 10 days / in 40 days / in 10 days but terminated / ended yesterday
    soon = {"date_debut": TODAY - timedelta(days=300)}
    make_contrat(conn, client_id, date_fin=TODAY + timedelta(days=10), **soon)
    make_contrat(conn, client_id, date_fin=TODAY + timedelta(days=40), **soon)
    make_contrat(conn, client_id, date_fin=TODAY + timedelta(days=10), statut="resilie", **soon)
    make_contrat(conn, client_id, date_fin=TODAY - timedelta(days=1), **soon)
    # flagged late / sent and past due / paid / draft past due / sent, not yet due
    _invoice(conn, client_id, statut="en_retard")
    _invoice(conn, client_id)
    _invoice(conn, client_id, statut="payee", date_paiement=TODAY - timedelta(days=5))
    _invoice(conn, client_id, statut="brouillon")
    _invoice(conn, client_id, date_echeance=TODAY + timedelta(days=3))

    after = reporting.manager_figures(session=session, today=TODAY, now=NOW)
    assert after.open_interventions - before.open_interventions == 3
    assert after.late_interventions - before.late_interventions == 1
    assert after.equipment_down - before.equipment_down == 1
    assert after.parts_below_minimum - before.parts_below_minimum == 1
    assert after.contracts_ending - before.contracts_ending == 1
    assert after.invoices_late - before.invoices_late == 2


def test_manager_figures_are_the_same_through_the_app_role(conn: Connection, session) -> None:
    owner_view = reporting.manager_figures(session=session, today=TODAY, now=NOW)
    admin = conn.execute(text("SELECT id FROM users WHERE role = 'admin' LIMIT 1")).scalar_one()
    from db.session import Actor

    act_as(session, Actor(user_id=admin, role="admin"))
    assert reporting.manager_figures(session=session, today=TODAY, now=NOW) == owner_view


def test_manager_lists_are_limited_and_show_names(conn: Connection, session: Session) -> None:
    client_id, _ = make_client(conn, nom_entreprise="Ciments du Souss")
    tech_id, tech_user = make_technicien(conn)
    machine = make_equipement(conn, client_id, nom="Broyeur à boulets")
    created = NOW - timedelta(days=5000)  # older than anything in the demo data
    for days_late in (4000, 3999, 3998):
        make_intervention(
            conn,
            machine,
            titre=f"Retard {days_late}",
            technicien_id=tech_id,
            statut="affectee",
            date_creation=created,
            date_limite=NOW - timedelta(days=days_late),
        )
    rows = reporting.late_interventions(session=session, now=NOW, limit=2)
    assert [r["titre"] for r in rows] == ["Retard 4000", "Retard 3999"]
    assert rows[0]["client"] == "Ciments du Souss"
    assert rows[0]["equipement"] == "Broyeur à boulets"
    assert rows[0]["technicien"] == _username(conn, tech_user)
    assert len(reporting.open_interventions(session=session, limit=5)) == 5

    make_piece(conn, stock=0, stock_minimum=500, nom="Joint torique")
    parts = reporting.parts_below_minimum(session=session, limit=1)
    assert parts[0]["nom"] == "Joint torique"

    make_contrat(
        conn,
        client_id,
        numero_contrat="CTR-T-FIN-01",
        date_debut=TODAY - timedelta(days=200),
        date_fin=TODAY,
    )
    contracts = reporting.contracts_ending(session=session, today=TODAY, limit=1)
    assert contracts[0]["numero_contrat"] == "CTR-T-FIN-01"
    assert contracts[0]["client"] == "Ciments du Souss"

    _invoice(
        conn, client_id, date_echeance=TODAY - timedelta(days=5000), date_emission=date(2016, 1, 1)
    )
    invoices = reporting.late_invoices(session=session, today=TODAY, limit=1)
    assert invoices[0]["client"] == "Ciments du Souss"


# --------------------------------------------------------------------------- technicians


def test_technician_agenda_today_and_this_week(conn: Connection, session: Session) -> None:
    tech, tech_user = make_technicien(conn)
    other, other_user = make_technicien(conn)
    client_id, _ = make_client(conn)
    machine = make_equipement(conn, client_id)
    created = datetime(2029, 11, 1, tzinfo=TZ)

    def job(title: str, planned: datetime | None, principal: int = tech, **extra) -> int:
        return make_intervention(
            conn,
            machine,
            titre=title,
            technicien_id=principal,
            statut=extra.pop("statut", "affectee"),
            date_creation=created,
            date_planifiee=planned,
            **extra,
        )

    job("A aujourd'hui", at(TODAY, 10))
    assisted = job("B assistant aujourd'hui", at(TODAY, 15), principal=other)
    conn.execute(
        text(
            "INSERT INTO intervention_techniciens (intervention_id, technicien_id, role)"
            " VALUES (:i, :t, 'assistant')"
        ),
        {"i": assisted, "t": tech},
    )
    job("C vendredi en retard", at(TODAY + timedelta(days=2), 9), date_limite=at(TODAY, 8))
    job("D lundi prochain", at(TODAY + timedelta(days=5), 9))
    job("E annulée", at(TODAY, 11), statut="annulee")
    slot = job("F créneau jeudi", at(date(2029, 12, 1), 9))
    insert(
        conn,
        "planning",
        intervention_id=slot,
        date_debut=at(TODAY + timedelta(days=1), 9),
        date_fin=at(TODAY + timedelta(days=1), 11),
    )
    job("G tard ce soir", at(TODAY, 23, 30))
    job("H après minuit", at(TODAY + timedelta(days=1), 0, 30))
    job("I sans date", None)

    figures = reporting.technician_figures(
        session=session, technicien_id=tech, today=TODAY, now=NOW
    )
    assert (figures.today, figures.week) == (3, 6)
    assert figures.open == 8  # everything but the cancelled one
    assert figures.late == 1

    rows = reporting.technician_agenda(
        session=session, technicien_id=tech, start=TODAY, end=TODAY + timedelta(days=1)
    )
    assert [r["titre"] for r in rows] == [
        "A aujourd'hui",
        "B assistant aujourd'hui",
        "G tard ce soir",
    ]
    assert rows[1]["technicien"] == _username(conn, other_user)
    late = reporting.technician_open_interventions(
        session=session, technicien_id=tech, now=NOW, late_only=True
    )
    assert [r["titre"] for r in late] == ["C vendredi en retard"]
    # Nothing for the other technician beyond their own interventions.
    other_figures = reporting.technician_figures(
        session=session, technicien_id=other, today=TODAY, now=NOW
    )
    assert other_figures.today == 1
    assert _username(conn, tech_user)


def test_week_bounds_run_monday_to_monday() -> None:
    assert reporting.week_bounds(TODAY) == (date(2030, 1, 7), date(2030, 1, 14))
    assert reporting.week_bounds(date(2030, 1, 13)) == (date(2030, 1, 7), date(2030, 1, 14))


# --------------------------------------------------------------------------- clients


def test_client_figures_by_status_and_open_requests(conn: Connection, session: Session) -> None:
    client_id, client_user = make_client(conn)
    other_id, _ = make_client(conn)
    mine = make_equipement(conn, client_id)
    make_equipement(conn, client_id)
    make_equipement(conn, client_id, statut="panne")
    theirs = make_equipement(conn, other_id, statut="panne")
    make_intervention(conn, mine, titre="Fuite d'huile")
    make_intervention(conn, mine, statut="annulee")
    make_intervention(conn, theirs)

    figures = reporting.client_figures(session=session, client_id=client_id)
    assert figures.equipment_by_status == {
        "operationnel": 2,
        "maintenance": 0,
        "panne": 1,
        "retire": 0,
    }
    assert figures.equipment_total == 3
    assert figures.open_requests == 1
    rows = reporting.client_open_requests(session=session, client_id=client_id)
    assert [r["titre"] for r in rows] == ["Fuite d'huile"]

    from db.session import Actor

    act_as(session, Actor(user_id=client_user, role="client", client_id=client_id))
    assert reporting.client_figures(session=session, client_id=client_id) == figures
    # Even asked for another company, row-level security returns nothing of theirs.
    assert reporting.client_figures(session=session, client_id=other_id).equipment_total == 0
    assert reporting.client_open_requests(session=session, client_id=other_id) == []


# --------------------------------------------------------------------------- database status


def test_database_status_as_admin(conn: Connection, session: Session) -> None:
    from db.session import Actor

    admin = conn.execute(text("SELECT id FROM users WHERE role = 'admin' LIMIT 1")).scalar_one()
    users = conn.scalar(text("SELECT count(*) FROM users"))
    act_as(session, Actor(user_id=admin, role="admin"))
    status = reporting.database_status(session=session)
    assert status.revision == status.head
    assert status.up_to_date
    counts = dict(status.table_rows)
    assert counts["users"] == users
    assert "interventions" in counts
    assert not any(name.startswith(("mv_", "v_")) for name in counts)
    assert status.size_bytes > 0
    assert status.total_rows >= users


def test_database_status_counts_every_row_even_those_rls_hides_from_the_admin(
    conn: Connection, session: Session
) -> None:
    from db.session import Actor

    admin = conn.execute(text("SELECT id FROM users WHERE role = 'admin' LIMIT 1")).scalar_one()
    notifications = conn.scalar(text("SELECT count(*) FROM notifications"))
    tables = conn.scalar(
        text(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename <> 'alembic_version'"
        )
    )
    act_as(session, Actor(user_id=admin, role="admin"))
    own = session.scalar(text("SELECT count(*) FROM notifications"))
    counts = dict(reporting.database_status(session=session).table_rows)
    assert own < notifications  # notifications are personal, even for an admin
    assert counts["notifications"] == notifications
    assert len(counts) == tables


def test_exact_table_counts_are_refused_to_anyone_but_an_admin(conn: Connection) -> None:
    from db.session import Actor

    resp = conn.execute(
        text("SELECT id FROM users WHERE role = 'responsable' LIMIT 1")
    ).scalar_one()
    act_as(conn, Actor(user_id=resp, role="responsable"))
    exc = sql_error(conn, "SELECT * FROM admin_table_counts()")
    # Only the admin role may execute it at all (functions.csv); the function's own check of
    # the acting user stays as a second line.
    assert exc.orig.sqlstate == "42501"
    assert describe(exc).message == "Action non autorisée pour votre profil."


def test_big_tables_are_counted_by_estimate_and_flagged(conn: Connection) -> None:
    from db.session import Actor

    admin = conn.execute(text("SELECT id FROM users WHERE role = 'admin' LIMIT 1")).scalar_one()
    conn.execute(text("ANALYZE interventions, users"))
    exact = conn.scalar(text("SELECT count(*) FROM interventions"))
    act_as(conn, Actor(user_id=admin, role="admin"))
    # At the demo scale every table is below the threshold: exact counts, nothing flagged.
    default = {
        r.table_name: (r.row_count, r.estimated)
        for r in conn.execute(text("SELECT * FROM admin_table_counts()"))
    }
    assert default["interventions"] == (exact, False)
    # With a threshold of 1 row, analysed tables give PostgreSQL's estimate, flagged.
    low = {
        r.table_name: (r.row_count, r.estimated)
        for r in conn.execute(text("SELECT * FROM admin_table_counts(1)"))
    }
    count, estimated = low["interventions"]
    assert estimated is True
    assert abs(count - exact) <= exact * 0.1 + 10
