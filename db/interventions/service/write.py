"""Create and edit interventions, and move them through their statuses.

Offers:

* ``create_intervention(*, session, actor, data)`` → id: managers (any machine, every field,
  required skills ``data["competences"] = [(competence_id, niveau), ...]``), a client (a
  request on one of their own machines: title, description, type, urgency; lands
  ``ouverte``), a technician (a ``diagnostic`` on a machine they are working on);
* ``update_intervention(*, session, actor, intervention_id, data, expected_updated_at)`` →
  new ``updated_at`` (managers: every editable field; a technician on their intervention:
  diagnostic, solution, notes);
* ``allowed_transitions(*, session, actor, intervention)`` → the statuses the actor may move
  it to (state machine of DESIGN §3.2 and role);
* ``change_statut(*, session, actor, intervention_id, statut, motif=None, solution=None,
  expected_updated_at=None)`` → new ``updated_at`` (a pause needs a motif, kept in the audit
  row; a close needs a solution);
* ``EDITABLE_FIELDS``, ``CLIENT_FIELDS``, ``MAX_TEXT``.

Every refusal is a French ``ServiceError`` / ``ValidationError`` (field by field) raised
before anything is written; the database enforces the same rules (role guard, transitions,
row-level security) for whatever gets past.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from db.equipment.models import Equipement, StatutEquipement
from db.errors import ConflictError, ServiceError, ValidationError
from db.interventions.models import (
    INTERVENTION_TRANSITIONS,
    Intervention,
    InterventionCompetence,
    InterventionTechnicien,
    StatutIntervention,
)
from db.interventions.service.common import (
    CONFLICT_MESSAGE,
    NIVEAU_LABELS,
    NOT_FOUND_MESSAGE,
    PRIORITE_LABELS,
    STATUT_LABELS,
    TYPE_LABELS,
    is_manager,
    same_instant,
)
from db.people.models import Competence
from db.session import Actor
from db.validation import (
    clean_bool,
    clean_choice,
    clean_datetime,
    clean_id,
    clean_money,
    clean_text,
)

_I = Intervention
MAX_TEXT = 5_000  # description, diagnostic, solution, notes: a long report, not a file
MAX_MOTIF = 500
MAX_COMPETENCES = 20

LABELS = {
    "equipement_id": "Équipement",
    "titre": "Titre",
    "description": "Description",
    "type_intervention": "Type",
    "priorite": "Priorité",
    "urgence": "Urgence",
    "date_planifiee": "Date planifiée",
    "date_limite": "Échéance",
    "duree_estimee": "Durée estimée (h)",
    "duree_reelle": "Durée réelle (h)",
    "cout_estime": "Coût estimé",
    "cout_reel": "Coût réel",
    "diagnostic": "Diagnostic",
    "solution": "Solution",
    "notes_techniques": "Notes techniques",
    "competences": "Compétences requises",
    "motif": "Motif",
}
CLIENT_FIELDS = ("equipement_id", "titre", "description", "type_intervention", "urgence")
TECHNICIAN_CREATE_FIELDS = (*CLIENT_FIELDS, "priorite", "diagnostic", "notes_techniques")
EDITABLE_FIELDS = (
    "titre",
    "description",
    "type_intervention",
    "priorite",
    "urgence",
    "date_planifiee",
    "date_limite",
    "duree_estimee",
    "duree_reelle",
    "cout_estime",
    "cout_reel",
    "diagnostic",
    "solution",
    "notes_techniques",
)
TECHNICIAN_EDIT_FIELDS = ("diagnostic", "solution", "notes_techniques")
_TEXTS = ("description", "diagnostic", "solution", "notes_techniques")
_DATES = ("date_planifiee", "date_limite")
_AMOUNTS = {"duree_estimee": 8, "duree_reelle": 8, "cout_estime": 14, "cout_reel": 14}

S = StatutIntervention
# What a technician on the intervention may do (DESIGN §3.2); managers may do every
# transition of the state machine; a client only cancels its own request while open.
TECHNICIAN_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "affectee": ("en_cours",),
    "en_cours": ("en_attente", "cloturee"),
    "en_attente": ("en_cours",),
}
CLIENT_TRANSITIONS: dict[str, tuple[str, ...]] = {"ouverte": ("annulee",)}


def _provided(data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name)
    return value not in (None, "", [], (), False)


def _clean_field(name: str, value: Any) -> Any:
    label = LABELS[name]
    if name == "titre":
        return clean_text(value, field=name, label=label, max_len=200, required=True)
    if name in _TEXTS:
        return clean_text(value, field=name, label=label, max_len=MAX_TEXT)
    if name == "type_intervention":
        return clean_choice(value, field=name, label=label, choices=TYPE_LABELS)
    if name == "priorite":
        return clean_choice(value, field=name, label=label, choices=PRIORITE_LABELS)
    if name == "urgence":
        return False if value is None else clean_bool(value, field=name, label=label)
    if name in _DATES:
        return clean_datetime(value, field=name, label=label)
    if name in _AMOUNTS:
        return clean_money(value, field=name, label=label, precision=_AMOUNTS[name])
    if name == "equipement_id":
        return clean_id(value, field=name, label=label)
    raise ServiceError(f"Champ inconnu : {name}.", field=name, rule="validation")


def _clean_fields(data: Mapping[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """Every named field of ``data`` checked; all bad fields reported at once."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in names:
        if name not in data:
            continue
        try:
            clean[name] = _clean_field(name, data[name])
        except ServiceError as exc:
            errors[name] = exc.message
    if errors:
        raise ValidationError(errors)
    return clean


def _clean_competences(value: Any) -> list[tuple[int, str]]:
    """``[(competence_id, niveau), ...]`` checked; duplicates keep the highest level."""
    if value in (None, "", [], ()):
        return []
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        raise ValidationError({"competences": "Compétences requises : liste attendue."})
    if len(value) > MAX_COMPETENCES:
        raise ValidationError(
            {"competences": f"Compétences requises : {MAX_COMPETENCES} au maximum."}
        )
    order = list(NIVEAU_LABELS)
    out: dict[int, str] = {}
    for item in value:
        if not isinstance(item, Sequence) or isinstance(item, str | bytes) or len(item) != 2:
            raise ValidationError({"competences": "Compétences requises : choix invalide."})
        try:
            cid = clean_id(item[0], field="competences", label="Compétence")
            niveau = clean_choice(
                item[1], field="competences", label="Niveau requis", choices=NIVEAU_LABELS
            )
        except ServiceError as exc:
            raise ValidationError({"competences": exc.message}) from None
        niveau = niveau or "intermediaire"
        if cid not in out or order.index(niveau) > order.index(out[cid]):
            out[cid] = niveau
    return list(out.items())


def _machine(session: Session, equipement_id: int) -> Any:
    """The machine as the session's user sees it (row-level security), or a refusal."""
    row = session.execute(
        select(Equipement.id, Equipement.client_id, Equipement.statut).where(
            Equipement.id == equipement_id
        )
    ).first()
    if row is None:
        # Unknown, or another client's: the same words (nothing to learn about other ids).
        raise ValidationError({"equipement_id": "Équipement introuvable."})
    if row.statut == StatutEquipement.retire:
        raise ValidationError(
            {"equipement_id": "Cet équipement est retiré : aucune intervention possible."}
        )
    return row


def _works_on(session: Session, technicien_id: int, equipement_id: int) -> bool:
    """The technician has an open intervention on this machine (the role guard's rule)."""
    stmt = (
        select(_I.id)
        .join(InterventionTechnicien, InterventionTechnicien.intervention_id == _I.id)
        .where(
            _I.equipement_id == equipement_id,
            InterventionTechnicien.technicien_id == technicien_id,
            _I.statut.in_(("affectee", "en_cours", "en_attente")),
        )
        .limit(1)
    )
    return session.scalar(stmt) is not None


def _check_competences(session: Session, competences: list[tuple[int, str]]) -> None:
    if not competences:
        return
    ids = [cid for cid, _ in competences]
    found = set(
        session.scalars(
            select(Competence.id).where(Competence.id.in_(ids), Competence.active.is_(True))
        )
    )
    if set(ids) - found:
        raise ValidationError({"competences": "Compétences requises : compétence inconnue."})


def create_intervention(*, session: Session, actor: Actor, data: Mapping[str, Any]) -> int:
    """Validate and insert an intervention (and its required skills); returns its id.

    Managers create any intervention; a client files a request on one of their own machines
    (title, description, type, urgency only; it lands ``ouverte``); a technician opens a
    ``diagnostic`` assigned to themselves on a machine they are working on. Another client's
    machine reads as unknown; a retired machine is refused; nothing is written on a refusal.
    """
    if not isinstance(data, Mapping):
        raise ServiceError("Données de l'intervention invalides.", rule="validation")
    role = actor.role
    if role == "client":
        allowed: Sequence[str] = CLIENT_FIELDS
    elif role == "technicien":
        allowed = TECHNICIAN_CREATE_FIELDS
    elif is_manager(actor):
        allowed = ("equipement_id", *EDITABLE_FIELDS)
    else:
        raise ServiceError("Action non autorisée pour votre profil.", rule="role")
    extra = [n for n in data if n not in allowed and n != "competences" and _provided(data, n)]
    if data.get("competences") and not is_manager(actor):
        extra.append("competences")
    if extra:
        raise ValidationError(
            {n: f"{LABELS.get(n, n)} : votre profil ne permet pas de le renseigner." for n in extra}
        )
    if "equipement_id" not in data or data.get("equipement_id") in (None, ""):
        raise ValidationError({"equipement_id": "Équipement : champ obligatoire."})
    errors: dict[str, str] = {}
    try:
        clean = _clean_fields({"titre": None, **data}, ("titre", *allowed))
    except ValidationError as exc:
        errors.update(exc.errors)
        clean = {}
    competences: list[tuple[int, str]] = []
    try:
        competences = _clean_competences(data.get("competences"))
    except ValidationError as exc:
        errors.update(exc.errors)
    now = session.scalar(select(text("now()")))
    limite = clean.get("date_limite")
    if limite is not None and now is not None and limite < now:
        errors["date_limite"] = "Échéance : elle ne peut pas précéder la création (maintenant)."
    if errors:
        raise ValidationError(errors)
    machine = _machine(session, clean["equipement_id"])
    _check_competences(session, competences)
    values: dict[str, Any] = {k: v for k, v in clean.items() if v is not None}
    values["client_id"] = machine.client_id
    if role == "client":
        if actor.client_id is not None and machine.client_id != actor.client_id:
            raise ValidationError({"equipement_id": "Équipement introuvable."})
        values["statut"] = S.ouverte
    elif role == "technicien":
        if actor.technicien_id is None or not _works_on(session, actor.technicien_id, machine.id):
            raise ServiceError(
                "Un technicien ne crée qu'un diagnostic sur une machine où il intervient déjà.",
                field="equipement_id",
                rule="intervention_droits_role",
            )
        values.update(
            type_intervention="diagnostic", technicien_id=actor.technicien_id, statut=S.affectee
        )
    with session.begin_nested():
        new_id = int(session.execute(insert(_I).values(**values).returning(_I.id)).scalar_one())
        if competences:
            session.execute(
                insert(InterventionCompetence),
                [
                    {"intervention_id": new_id, "competence_id": cid, "niveau_requis": niveau}
                    for cid, niveau in competences
                ],
            )
    return new_id


def _locked(session: Session, intervention_id: Any) -> Any:
    """The intervention row, locked until the end of the transaction (FOR UPDATE), as the
    session's user sees it; ``ServiceError`` when it does not exist or is not visible."""
    iid = clean_id(intervention_id, field="intervention_id", label="Intervention")
    row = session.execute(
        select(
            _I.id,
            _I.statut,
            _I.technicien_id,
            _I.client_id,
            _I.solution,
            _I.updated_at,
        )
        .where(_I.id == iid)
        .with_for_update()
    ).first()
    if row is None:
        raise ServiceError(NOT_FOUND_MESSAGE, field="intervention_id", rule="not_found")
    return row


def _check_version(row: Any, expected_updated_at: Any) -> None:
    if expected_updated_at is None:
        return
    try:
        same = same_instant(row.updated_at, expected_updated_at)
    except (TypeError, ValueError):
        # Not an instant at all (a tampered form): it cannot be the version the user read.
        same = False
    if not same:
        raise ConflictError(CONFLICT_MESSAGE, rule="conflict")


def _is_on(session: Session, actor: Actor, intervention_id: int) -> bool:
    """The acting technician is principal or assistant of the intervention."""
    if actor.technicien_id is None:
        return False
    return (
        session.scalar(
            select(InterventionTechnicien.technicien_id).where(
                InterventionTechnicien.intervention_id == intervention_id,
                InterventionTechnicien.technicien_id == actor.technicien_id,
            )
        )
        is not None
    )


def update_intervention(
    *,
    session: Session,
    actor: Actor,
    intervention_id: int,
    data: Mapping[str, Any],
    expected_updated_at: datetime | str | None,
) -> datetime:
    """Save the editable fields; returns the new ``updated_at``.

    Managers edit every field of ``EDITABLE_FIELDS`` (``duree_reelle`` included); a technician
    on the intervention edits its diagnostic, solution and notes. Optimistic concurrency: when
    the row changed since ``expected_updated_at`` was read, ``ConflictError`` ("modifiée par
    quelqu'un d'autre, rechargez") and nothing is overwritten.
    """
    if not isinstance(data, Mapping):
        raise ServiceError("Données de l'intervention invalides.", rule="validation")
    row = _locked(session, intervention_id)
    if is_manager(actor):
        allowed: Sequence[str] = EDITABLE_FIELDS
    elif actor.role == "technicien" and _is_on(session, actor, row.id):
        allowed = TECHNICIAN_EDIT_FIELDS
    else:
        raise ServiceError(
            "Votre profil ne permet pas de modifier cette intervention.", rule="role"
        )
    extra = [n for n in data if n not in allowed]
    if extra:
        raise ValidationError(
            {n: f"{LABELS.get(n, n)} : votre profil ne permet pas de le modifier." for n in extra}
        )
    clean = _clean_fields(data, allowed)
    _check_version(row, expected_updated_at)
    if not clean:
        return row.updated_at
    with session.begin_nested():
        new = session.execute(
            update(_I).where(_I.id == row.id).values(**clean).returning(_I.updated_at)
        ).scalar_one()
    return new


# The state machine by status value (DESIGN §3.2), built once.
_GRAPH: dict[str, tuple[str, ...]] = {
    k.value: tuple(s.value for s in v) for k, v in INTERVENTION_TRANSITIONS.items()
}


def _moves(actor: Actor, statut: str, client_id: int, *, on_it: bool) -> tuple[str, ...]:
    """The moves the role allows from ``statut``; ``on_it``: the acting technician is on the
    intervention (principal or assistant)."""
    if is_manager(actor):
        return _GRAPH.get(statut, ())
    if actor.role == "technicien" and on_it:
        return TECHNICIAN_TRANSITIONS.get(statut, ())
    if actor.role == "client" and actor.client_id is not None and client_id == actor.client_id:
        return CLIENT_TRANSITIONS.get(statut, ())
    return ()


def _transitions_for(
    session: Session, actor: Actor, intervention_id: int, statut: str, client_id: int
) -> tuple[str, ...]:
    on_it = actor.role == "technicien" and _is_on(session, actor, intervention_id)
    return _moves(actor, statut, client_id, on_it=on_it)


def allowed_transitions(
    *, session: Session, actor: Actor, intervention: int | Mapping[str, Any]
) -> tuple[str, ...]:
    """Statuses ``actor`` may move the intervention to (DESIGN §3.2 state machine, then the
    role: a technician starts, pauses, resumes and closes their own; a client cancels their
    own open request; managers do every transition, re-opening a closed one included).

    ``intervention`` is an id or a row with ``id``, ``statut`` and ``client_id``; an unknown or
    invisible one allows nothing.
    """
    if isinstance(intervention, Mapping):
        iid = clean_id(intervention.get("id"), field="intervention_id", label="Intervention")
        statut = str(getattr(intervention.get("statut"), "value", intervention.get("statut")))
        client_id = intervention.get("client_id")
    else:
        iid = clean_id(intervention, field="intervention_id", label="Intervention")
        row = session.execute(select(_I.statut, _I.client_id).where(_I.id == iid)).first()
        if row is None:
            return ()
        statut, client_id = row.statut.value, row.client_id
    return _transitions_for(session, actor, iid, statut, int(client_id or 0))


def allowed_transitions_of(
    *, session: Session, actor: Actor, rows: Sequence[Mapping[str, Any]]
) -> dict[int, tuple[str, ...]]:
    """``allowed_transitions`` for each row shown (a board's cards, a technician's work),
    keyed by id: one query for the technician's own among them instead of one per row."""
    ids = [clean_id(r.get("id"), field="intervention_id", label="Intervention") for r in rows]
    mine: set[int] = set()
    if actor.role == "technicien" and actor.technicien_id is not None and ids:
        mine = set(
            session.scalars(
                select(InterventionTechnicien.intervention_id).where(
                    InterventionTechnicien.technicien_id == actor.technicien_id,
                    InterventionTechnicien.intervention_id.in_(ids),
                )
            )
        )
    return {
        iid: _moves(
            actor,
            str(getattr(row.get("statut"), "value", row.get("statut"))),
            int(row.get("client_id") or 0),
            on_it=iid in mine,
        )
        for iid, row in zip(ids, rows, strict=True)
    }


def change_statut(
    *,
    session: Session,
    actor: Actor,
    intervention_id: int,
    statut: str,
    motif: str | None = None,
    solution: str | None = None,
    expected_updated_at: datetime | str | None = None,
) -> datetime:
    """Move the intervention to ``statut`` if the state machine and the actor's role allow it;
    returns the new ``updated_at``.

    A pause (``en_attente``) needs a ``motif``, written in the audit row's description; a close
    (``cloturee``) needs a ``solution`` (given here or already on the intervention). The row is
    locked and, with ``expected_updated_at``, checked unchanged since the user loaded it.
    """
    target = clean_choice(statut, field="statut", label="Statut", choices=STATUT_LABELS)
    if target is None:
        raise ValidationError({"statut": "Statut : champ obligatoire."})
    row = _locked(session, intervention_id)
    current = row.statut.value
    allowed = _transitions_for(session, actor, row.id, current, row.client_id)
    if target not in allowed:
        raise ServiceError(
            f"Passage de « {STATUT_LABELS[current]} » à « {STATUT_LABELS[target]} » "
            "non autorisé pour votre profil.",
            field="statut",
            rule="intervention_transition",
        )
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"statut": S(target)}
    clean_motif: str | None = None
    try:
        clean_motif = clean_text(
            motif, field="motif", label="Motif", max_len=MAX_MOTIF, required=target == "en_attente"
        )
    except ServiceError as exc:
        errors["motif"] = exc.message
    try:
        clean_solution = clean_text(solution, field="solution", label="Solution", max_len=MAX_TEXT)
        if target == "cloturee" and not (clean_solution or row.solution):
            errors["solution"] = "Solution : obligatoire pour clôturer l'intervention."
        if clean_solution and target == "cloturee":
            values["solution"] = clean_solution
    except ServiceError as exc:
        errors["solution"] = exc.message
    if target in ("affectee", "en_cours", "en_attente", "cloturee") and row.technicien_id is None:
        errors["statut"] = "Affectez d'abord un technicien principal."
    if errors:
        raise ValidationError(errors)
    _check_version(row, expected_updated_at)
    with session.begin_nested():
        # The audit trigger (trg_intervention_audit_v2) appends this reason to its row.
        session.execute(
            text("SELECT set_config('app.motif_statut', :m, true)"), {"m": clean_motif or ""}
        )
        new = session.execute(
            update(_I).where(_I.id == row.id).values(**values).returning(_I.updated_at)
        ).scalar_one()
        session.execute(text("SELECT set_config('app.motif_statut', '', true)"))
    return new
