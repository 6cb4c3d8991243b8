"""The checklist of an intervention: its ``taches``, in order (``ordre``), ticked one by one.

Managers and the intervention's technicians add, tick and re-order tasks; only managers
delete one (db/access/matrix.csv: a technician has no DELETE on ``taches``). A client reads
the checklist of their own interventions. The database fills in each task's machine from its
intervention (``trg_taches_equipement``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.interventions.models import StatutTache, Tache
from db.interventions.service._shared import (
    CLOSED_STATUSES,
    InterventionRef,
    affected,
    database_refusal,
    find_intervention,
    require_staff_or_assigned,
)
from db.session import Actor
from db.validation import clean_bool, clean_date, clean_id, clean_text

MAX_TASKS = 200  # a checklist, not a project plan: bounds every read and the re-order
MAX_DESCRIPTION = 2000
MAX_BATCH = 200  # interventions per progress query (one board column's page)
STATUT_LABELS = {"a_faire": "À faire", "en_cours": "En cours", "terminee": "Terminée"}


def _task_row(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "description": r.description,
        "date_echeance": r.date_echeance,
        "statut": str(r.statut),
        "statut_label": STATUT_LABELS.get(str(r.statut), str(r.statut)),
        "done": str(r.statut) == StatutTache.terminee.value,
        "ordre": r.ordre,
    }


def list_tasks(*, session: Session, intervention_id: Any) -> list[dict[str, Any]]:
    """The intervention's tasks in checklist order (bounded)."""
    intervention = find_intervention(session, intervention_id)
    rows = session.execute(
        select(Tache.id, Tache.description, Tache.date_echeance, Tache.statut, Tache.ordre)
        .where(Tache.intervention_id == intervention.id)
        .order_by(Tache.ordre, Tache.id)
        .limit(MAX_TASKS)
    ).all()
    return [_task_row(r) for r in rows]


def checklist_progress(*, session: Session, intervention_ids: Any) -> dict[int, tuple[int, int]]:
    """(done, total) per intervention, for a board column's cards at once (one query).

    Interventions without tasks, or that the user may not see, are absent from the answer.
    """
    if not isinstance(intervention_ids, list | tuple | set | frozenset):
        raise ServiceError("Liste d'interventions attendue.", field="intervention_ids")
    if len(intervention_ids) > MAX_BATCH:
        raise ServiceError(
            f"Au plus {MAX_BATCH} interventions à la fois.", field="intervention_ids"
        )
    ids = sorted(
        {clean_id(i, field="intervention_ids", label="Intervention") for i in intervention_ids}
    )
    if not ids:
        return {}
    done = func.count(case((Tache.statut == StatutTache.terminee, 1)))
    rows = session.execute(
        select(Tache.intervention_id, done, func.count())
        .where(Tache.intervention_id.in_(ids))
        .group_by(Tache.intervention_id)
    ).all()
    # intervention_id is never NULL here (the IN above); the test keeps the type exact.
    return {iid: (int(n), int(total)) for iid, n, total in rows if iid is not None}


def _editable(session: Session, actor: Actor, intervention_id: Any) -> InterventionRef:
    intervention = find_intervention(session, intervention_id)
    require_staff_or_assigned(session, actor, intervention, what="modifier la liste de tâches")
    if intervention.statut in CLOSED_STATUSES:
        raise ServiceError(
            "Intervention annulée ou archivée : sa liste de tâches ne change plus.",
            field="intervention_id",
            rule="intervention_close",
        )
    return intervention


def _task(session: Session, task_id: Any) -> Any:
    tid = clean_id(task_id, field="task_id", label="Tâche")
    row = session.execute(
        select(Tache.id, Tache.intervention_id, Tache.statut, Tache.ordre).where(Tache.id == tid)
    ).one_or_none()
    if row is None or row.intervention_id is None:
        raise ServiceError("Tâche introuvable.", field="task_id", rule="introuvable")
    return row


def add_task(
    *,
    session: Session,
    actor: Actor,
    intervention_id: Any,
    description: Any,
    date_echeance: Any = None,
) -> int:
    """Add a task at the end of the checklist; returns its id."""
    intervention = _editable(session, actor, intervention_id)
    text_ = clean_text(
        description,
        field="description",
        label="Description",
        max_len=MAX_DESCRIPTION,
        required=True,
    )
    due = clean_date(
        date_echeance,
        field="date_echeance",
        label="Échéance",
        earliest=date.today() - timedelta(days=365 * 5),
    )
    count, last = session.execute(
        select(func.count(), func.coalesce(func.max(Tache.ordre), 0)).where(
            Tache.intervention_id == intervention.id
        )
    ).one()
    if count >= MAX_TASKS:
        raise ServiceError(
            f"Une intervention compte au plus {MAX_TASKS} tâches.", field="description"
        )
    with database_refusal(session):
        task_id = session.execute(
            insert(Tache)
            .values(
                intervention_id=intervention.id,
                equipement_id=intervention.equipement_id,
                description=text_,
                date_echeance=due,
                ordre=last + 1,
            )
            .returning(Tache.id)
        ).scalar_one()
    return int(task_id)


def set_task_done(*, session: Session, actor: Actor, task_id: Any, done: Any) -> str:
    """Tick (``terminee``) or untick (``a_faire``) a task; returns the new status."""
    task = _task(session, task_id)
    _editable(session, actor, task.intervention_id)
    flag = clean_bool(done, field="done", label="Fait")
    statut = StatutTache.terminee if flag else StatutTache.a_faire
    with database_refusal(session):
        result = session.execute(update(Tache).where(Tache.id == task.id).values(statut=statut))
        if affected(result) == 0:
            raise ServiceError("Action non autorisée sur cet enregistrement.", rule="rls")
    return statut.value


def reorder_tasks(
    *, session: Session, actor: Actor, intervention_id: Any, task_ids: Any
) -> list[int]:
    """Put the checklist in the order of ``task_ids`` (every task of the intervention, once)."""
    intervention = _editable(session, actor, intervention_id)
    if not isinstance(task_ids, list | tuple):
        raise ServiceError("Ordre des tâches : liste attendue.", field="task_ids")
    wanted = [clean_id(t, field="task_ids", label="Tâche") for t in task_ids[: MAX_TASKS + 1]]
    current = set(
        session.scalars(
            select(Tache.id).where(Tache.intervention_id == intervention.id).limit(MAX_TASKS + 1)
        )
    )
    if len(wanted) != len(set(wanted)) or set(wanted) != current:
        raise ServiceError(
            "Ordre des tâches : la liste a changé entre-temps, rechargez la page.",
            field="task_ids",
            rule="conflit",
        )
    with database_refusal(session):
        for position, tid in enumerate(wanted, start=1):
            session.execute(
                update(Tache).where(Tache.id == tid, Tache.ordre != position).values(ordre=position)
            )
    return wanted


def move_task(*, session: Session, actor: Actor, task_id: Any, direction: Any) -> list[int]:
    """Move a task one place ``"up"`` or ``"down"``; returns the new order of ids."""
    task = _task(session, task_id)
    if direction not in ("up", "down"):
        raise ServiceError("Direction : « up » ou « down » attendu.", field="direction")
    order: list[int] = list(
        session.scalars(
            select(Tache.id)
            .where(Tache.intervention_id == task.intervention_id)
            .order_by(Tache.ordre, Tache.id)
            .limit(MAX_TASKS)
        )
    )
    i = order.index(task.id) if task.id in order else -1
    j = i - 1 if direction == "up" else i + 1
    if i >= 0 and 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
    return reorder_tasks(
        session=session, actor=actor, intervention_id=task.intervention_id, task_ids=order
    )


def delete_task(*, session: Session, actor: Actor, task_id: Any) -> None:
    """Remove a task (administrators and managers only)."""
    if not actor.is_staff:
        raise ServiceError(
            "Seuls un administrateur ou un responsable suppriment une tâche.",
            field="task_id",
            rule="profil",
        )
    task = _task(session, task_id)
    _editable(session, actor, task.intervention_id)
    with database_refusal(session):
        session.execute(delete(Tache).where(Tache.id == task.id))
