"""Figures of the home page, per role: SQL ``COUNT``s and short ``LIMIT``ed lists.

Every function takes the session of the acting user (row-level security applies) and filters
explicitly as well, so a figure means the same whatever the policies. Nothing loads a whole
table: counts are computed by PostgreSQL, lists are capped (``LIST_LIMIT``).

"Today" is the business day in Morocco (``BUSINESS_TZ``); callers may pass ``today`` / ``now``
to pin the clock (tests). Every argument is checked first (``db.validation``): an id beyond
``int4``, a negative or infinite ``limit``, a date in year 9999 are refused with a French
``ServiceError`` naming the argument, never sent to PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from db.billing.models import Contrat, Facture, StatutContrat, StatutFacture
from db.equipment.models import Equipement, StatutEquipement
from db.errors import ServiceError, describe
from db.interventions.models import (
    Intervention,
    InterventionTechnicien,
    StatutIntervention,
)
from db.people.models import Client, Technicien, User
from db.planning.models import Planning
from db.stock.models import PieceDetachee
from db.tz import BUSINESS_TZ, database_offset_disagreement
from db.validation import clamp_int, clean_bool, clean_date, clean_datetime, clean_id

LIST_LIMIT = 20
MAX_LIST_LIMIT = 500
CONTRACT_HORIZON_DAYS = 30

S = StatutIntervention
# An intervention still to be dealt with (neither closed, cancelled nor archived).
OPEN_STATUSES: tuple[StatutIntervention, ...] = (S.ouverte, S.affectee, S.en_cours, S.en_attente)
# Interventions that still belong on a technician's agenda.
AGENDA_EXCLUDED: tuple[StatutIntervention, ...] = (S.annulee, S.archivee)


def business_now() -> datetime:
    """Current instant in Morocco's time zone."""
    return datetime.now(BUSINESS_TZ)


def business_today() -> date:
    """Current business day in Morocco."""
    return business_now().date()


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BUSINESS_TZ)


def week_bounds(day: date) -> tuple[date, date]:
    """Monday and the following Monday of the week of ``day``."""
    day = _day(day, "day", "Jour", required=True)
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=7)


# --------------------------------------------------------------------------- arguments


def _day(value: Any, field: str, label: str, *, required: bool = False) -> date:
    """A date argument (1900–2200), or today when it is optional and absent."""
    d = clean_date(value, field=field, label=label)
    if d is None:
        if required:
            raise ServiceError(f"{label} : date obligatoire.", field=field, rule="validation")
        return business_today()
    return d


def _instant(value: Any) -> datetime:
    return clean_datetime(value, field="now", label="Date et heure") or business_now()


def _limit(value: Any) -> int:
    # Lists of the home page: a few dozen rows; clamped, never an SQL error on LIMIT.
    return clamp_int(value, field="limit", label="Nombre de lignes", low=1, high=MAX_LIST_LIMIT)


def _technicien(value: Any) -> int:
    return clean_id(value, field="technicien_id", label="Technicien")


def _client(value: Any) -> int:
    return clean_id(value, field="client_id", label="Client")


# --------------------------------------------------------------------------- conditions


def _open() -> ColumnElement[bool]:
    return Intervention.statut.in_(OPEN_STATUSES)


def _late(now: datetime) -> ColumnElement[bool]:
    return and_(_open(), Intervention.date_limite.is_not(None), Intervention.date_limite < now)


def _below_minimum() -> ColumnElement[bool]:
    return and_(
        PieceDetachee.active.is_(True), PieceDetachee.stock_actuel < PieceDetachee.stock_minimum
    )


def _contract_ending(today: date) -> ColumnElement[bool]:
    return and_(
        Contrat.statut == StatutContrat.actif,
        Contrat.date_fin >= today,
        Contrat.date_fin <= today + timedelta(days=CONTRACT_HORIZON_DAYS),
    )


def _invoice_late(today: date) -> ColumnElement[bool]:
    # Overdue: flagged en_retard, or sent, unpaid and past its due date (drafts are not issued).
    return or_(
        Facture.statut == StatutFacture.en_retard,
        and_(
            Facture.statut == StatutFacture.envoyee,
            Facture.date_paiement.is_(None),
            Facture.date_echeance < today,
        ),
    )


def _assigned_to(technicien_id: int) -> ColumnElement[bool]:
    # Principal or assistant. The principal always has its intervention_techniciens row too
    # (trg_interventions_principal_sync), so one indexed semi-join covers both; an OR with
    # interventions.technicien_id would turn it into a sequential scan of all interventions.
    return Intervention.id.in_(
        select(InterventionTechnicien.intervention_id).where(
            InterventionTechnicien.technicien_id == technicien_id
        )
    )


def _planned_at() -> ColumnElement[Any]:
    # The planning slot wins over the intervention's own planned date.
    return func.coalesce(Planning.date_debut, Intervention.date_planifiee)


def _count(session: Session, stmt: Select[Any]) -> int:
    return int(session.execute(stmt).scalar_one())


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class ManagerFigures:
    """Alerts of the admin / responsable home page."""

    open_interventions: int
    late_interventions: int
    equipment_down: int
    parts_below_minimum: int
    contracts_ending: int
    invoices_late: int


@dataclass(frozen=True)
class TechnicianFigures:
    """A technician's agenda: planned today, planned this week, open and late assignments."""

    today: int
    week: int
    open: int
    late: int


@dataclass(frozen=True)
class ClientFigures:
    """A client's machines by status and their open requests."""

    equipment_by_status: dict[str, int] = field(default_factory=dict)
    open_requests: int = 0

    @property
    def equipment_total(self) -> int:
        """All the client's machines."""
        return sum(self.equipment_by_status.values())


def manager_figures(
    *, session: Session, today: date | None = None, now: datetime | None = None
) -> ManagerFigures:
    """Counts for managers, each a single SQL ``COUNT`` on an indexed condition."""
    today = _day(today, "today", "Date du jour")
    now = _instant(now)
    count = func.count()
    return ManagerFigures(
        open_interventions=_count(session, select(count).select_from(Intervention).where(_open())),
        late_interventions=_count(
            session, select(count).select_from(Intervention).where(_late(now))
        ),
        equipment_down=_count(
            session,
            select(count)
            .select_from(Equipement)
            .where(Equipement.statut == StatutEquipement.panne),
        ),
        parts_below_minimum=_count(
            session, select(count).select_from(PieceDetachee).where(_below_minimum())
        ),
        contracts_ending=_count(
            session, select(count).select_from(Contrat).where(_contract_ending(today))
        ),
        invoices_late=_count(
            session, select(count).select_from(Facture).where(_invoice_late(today))
        ),
    )


def _agenda_count(session: Session, technicien_id: int, start: date, end: date) -> int:
    stmt = (
        select(func.count())
        .select_from(Intervention)
        .outerjoin(Planning, Planning.intervention_id == Intervention.id)
        .where(
            _assigned_to(technicien_id),
            Intervention.statut.not_in(AGENDA_EXCLUDED),
            _planned_at() >= _day_start(start),
            _planned_at() < _day_start(end),
        )
    )
    return _count(session, stmt)


def technician_figures(
    *,
    session: Session,
    technicien_id: int,
    today: date | None = None,
    now: datetime | None = None,
) -> TechnicianFigures:
    """Counts for one technician (principal or assistant)."""
    technicien_id = _technicien(technicien_id)
    today = _day(today, "today", "Date du jour")
    now = _instant(now)
    monday, next_monday = week_bounds(today)
    mine = select(func.count()).select_from(Intervention).where(_assigned_to(technicien_id))
    return TechnicianFigures(
        today=_agenda_count(session, technicien_id, today, today + timedelta(days=1)),
        week=_agenda_count(session, technicien_id, monday, next_monday),
        open=_count(session, mine.where(_open())),
        late=_count(session, mine.where(_late(now))),
    )


def client_figures(*, session: Session, client_id: int) -> ClientFigures:
    """One client's machines per status (all statuses listed) and open requests."""
    client_id = _client(client_id)
    rows = session.execute(
        select(Equipement.statut, func.count())
        .where(Equipement.client_id == client_id)
        .group_by(Equipement.statut)
    ).all()
    by_status = {str(s): 0 for s in StatutEquipement}
    by_status.update({str(statut): int(n) for statut, n in rows})
    open_requests = _count(
        session,
        select(func.count())
        .select_from(Intervention)
        .where(Intervention.client_id == client_id, _open()),
    )
    return ClientFigures(equipment_by_status=by_status, open_requests=open_requests)


# --------------------------------------------------------------------------- lists


def _intervention_rows(stmt: Select[Any], session: Session, limit: int) -> list[dict[str, Any]]:
    return [dict(row) for row in session.execute(stmt.limit(limit)).mappings()]


def _intervention_select() -> Select[Any]:
    tech_user = User.__table__.alias("tech_user")
    return (
        select(
            Intervention.id,
            Intervention.titre,
            Equipement.nom.label("equipement"),
            Client.nom_entreprise.label("client"),
            tech_user.c.full_name.label("technicien"),
            Intervention.priorite,
            Intervention.statut,
            _planned_at().label("date_planifiee"),
            Intervention.date_limite,
        )
        .join(Equipement, Equipement.id == Intervention.equipement_id)
        .join(Client, Client.id == Intervention.client_id)
        .outerjoin(Technicien, Technicien.id == Intervention.technicien_id)
        .outerjoin(tech_user, tech_user.c.id == Technicien.user_id)
        .outerjoin(Planning, Planning.intervention_id == Intervention.id)
    )


def open_interventions(*, session: Session, limit: int = LIST_LIMIT) -> list[dict[str, Any]]:
    """Open interventions, most urgent first (earliest deadline, then oldest)."""
    limit = _limit(limit)
    stmt = (
        _intervention_select()
        .where(_open())
        .order_by(
            Intervention.date_limite.asc().nulls_last(),
            Intervention.date_creation.asc(),
            Intervention.id,
        )
    )
    return _intervention_rows(stmt, session, limit)


def late_interventions(
    *, session: Session, now: datetime | None = None, limit: int = LIST_LIMIT
) -> list[dict[str, Any]]:
    """Open interventions past their deadline, the longest overdue first."""
    limit = _limit(limit)
    stmt = (
        _intervention_select()
        .where(_late(_instant(now)))
        .order_by(Intervention.date_limite.asc(), Intervention.id)
    )
    return _intervention_rows(stmt, session, limit)


def technician_agenda(
    *,
    session: Session,
    technicien_id: int,
    start: date,
    end: date,
    limit: int = LIST_LIMIT,
) -> list[dict[str, Any]]:
    """A technician's interventions planned from ``start`` (included) to ``end`` (excluded)."""
    technicien_id = _technicien(technicien_id)
    start = _day(start, "start", "Début", required=True)
    end = _day(end, "end", "Fin", required=True)
    limit = _limit(limit)
    stmt = (
        _intervention_select()
        .where(
            _assigned_to(technicien_id),
            Intervention.statut.not_in(AGENDA_EXCLUDED),
            _planned_at() >= _day_start(start),
            _planned_at() < _day_start(end),
        )
        .order_by(_planned_at().asc(), Intervention.id)
    )
    return _intervention_rows(stmt, session, limit)


def client_open_requests(
    *, session: Session, client_id: int, limit: int = LIST_LIMIT
) -> list[dict[str, Any]]:
    """A client's open interventions, newest first."""
    client_id = _client(client_id)
    limit = _limit(limit)
    stmt = (
        _intervention_select()
        .where(Intervention.client_id == client_id, _open())
        .order_by(Intervention.date_creation.desc(), Intervention.id.desc())
    )
    return _intervention_rows(stmt, session, limit)


def parts_below_minimum(*, session: Session, limit: int = LIST_LIMIT) -> list[dict[str, Any]]:
    """Active parts whose stock is under their minimum, the largest shortfall first."""
    limit = _limit(limit)
    shortfall = PieceDetachee.stock_minimum - PieceDetachee.stock_actuel
    stmt = (
        select(
            PieceDetachee.id,
            PieceDetachee.reference,
            PieceDetachee.nom,
            PieceDetachee.stock_actuel,
            PieceDetachee.stock_minimum,
            PieceDetachee.unite,
            PieceDetachee.emplacement,
        )
        .where(_below_minimum())
        .order_by(shortfall.desc(), PieceDetachee.reference)
        .limit(limit)
    )
    return [dict(row) for row in session.execute(stmt).mappings()]


def contracts_ending(
    *, session: Session, today: date | None = None, limit: int = LIST_LIMIT
) -> list[dict[str, Any]]:
    """Active contracts ending within ``CONTRACT_HORIZON_DAYS`` days, soonest first."""
    today = _day(today, "today", "Date du jour")
    limit = _limit(limit)
    stmt = (
        select(
            Contrat.id,
            Contrat.numero_contrat,
            Client.nom_entreprise.label("client"),
            Contrat.type_contrat,
            Contrat.date_fin,
            Contrat.montant,
            Contrat.devise,
        )
        .join(Client, Client.id == Contrat.client_id)
        .where(_contract_ending(today))
        .order_by(Contrat.date_fin.asc(), Contrat.numero_contrat)
        .limit(limit)
    )
    return [dict(row) for row in session.execute(stmt).mappings()]


def late_invoices(
    *, session: Session, today: date | None = None, limit: int = LIST_LIMIT
) -> list[dict[str, Any]]:
    """Overdue invoices, the oldest due date first."""
    today = _day(today, "today", "Date du jour")
    limit = _limit(limit)
    stmt = (
        select(
            Facture.id,
            Facture.numero_facture,
            Client.nom_entreprise.label("client"),
            Facture.statut,
            Facture.date_echeance,
            Facture.montant_ttc,
        )
        .join(Client, Client.id == Facture.client_id)
        .where(_invoice_late(today))
        .order_by(Facture.date_echeance.asc(), Facture.numero_facture)
        .limit(limit)
    )
    return [dict(row) for row in session.execute(stmt).mappings()]


def technician_open_interventions(
    *,
    session: Session,
    technicien_id: int,
    now: datetime | None = None,
    late_only: bool = False,
    limit: int = LIST_LIMIT,
) -> list[dict[str, Any]]:
    """A technician's open interventions (or only the late ones), earliest deadline first."""
    technicien_id = _technicien(technicien_id)
    late_only = clean_bool(late_only, field="late_only", label="En retard seulement")
    limit = _limit(limit)
    condition = _late(_instant(now)) if late_only else _open()
    stmt = (
        _intervention_select()
        .where(_assigned_to(technicien_id), condition)
        .order_by(
            Intervention.date_limite.asc().nulls_last(),
            _planned_at().asc().nulls_last(),
            Intervention.id,
        )
    )
    return _intervention_rows(stmt, session, limit)


# --------------------------------------------------------------------------- database status

# Rows above which a table's count on the status page is PostgreSQL's estimate: an exact
# count(*) of every table cost the page 1.4 s at a million interventions.
EXACT_COUNT_BELOW = 100_000


@dataclass(frozen=True)
class DatabaseStatus:
    """What the admin's "État de la base" page shows."""

    embedded: bool
    version: str
    database: str
    size_bytes: int
    revision: str | None
    head: str | None
    table_rows: list[tuple[str, int]]
    # Tables whose count is PostgreSQL's estimate (above EXACT_COUNT_BELOW rows).
    estimated: frozenset[str] = frozenset()
    # Set when the server's time-zone data disagrees with the app's (db.tz): French sentence.
    time_zone_warning: str | None = None

    @property
    def up_to_date(self) -> bool:
        """True when the schema is at the latest migration."""
        return self.revision is not None and self.revision == self.head

    @property
    def total_rows(self) -> int:
        """Rows in all tables."""
        return sum(n for _, n in self.table_rows)


@cache
def head_revision() -> str | None:
    """Latest revision of the migration scripts shipped with this code."""
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def database_status(*, session: Session) -> DatabaseStatus:
    """Server kind and version, schema revision and row counts of every table.

    Counts come from ``admin_table_counts()``, which refuses anyone but an admin: exact below
    ``EXACT_COUNT_BELOW`` rows, PostgreSQL's estimate above (listed in ``estimated``), so the
    page costs the same at a million interventions as at the demo's 600.
    """
    from db import config

    info = session.execute(
        text(
            "SELECT current_setting('server_version') AS version,"
            " current_database() AS database,"
            " pg_database_size(current_database()) AS size,"
            " to_regclass('public.alembic_version') IS NOT NULL AS has_version"
        )
    ).one()
    revision = (
        session.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
        if info.has_version
        else None
    )
    # Exact totals as the owner (admin only): through the app role, row-level security would
    # hide rows, e.g. other users' notifications. Anyone else is refused by the function; the
    # savepoint keeps the caller's transaction usable and the refusal is said in French.
    try:
        with session.begin_nested():
            counted = session.execute(
                text("SELECT table_name, row_count, estimated FROM admin_table_counts(:n)"),
                {"n": EXACT_COUNT_BELOW},
            ).all()
            rows = [(str(r.table_name), int(r.row_count)) for r in counted]
            estimated = frozenset(str(r.table_name) for r in counted if r.estimated)
    except DBAPIError as exc:
        raise describe(exc) from exc
    return DatabaseStatus(
        embedded=config.uses_embedded(),
        version=str(info.version),
        database=str(info.database),
        size_bytes=int(info.size),
        revision=revision,
        head=head_revision(),
        table_rows=sorted(rows),
        estimated=estimated,
        time_zone_warning=database_offset_disagreement(session),
    )
