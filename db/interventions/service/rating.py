"""The client's rating of a closed intervention (``satisfaction_client``, 1 to 5, once).

Where the comment is kept, and why: the schema has no column for it (seed 004 has only
``satisfaction_client``), and the client may write no other column of the intervention (the
role guard ``intervention_droits_role``). Rather than a new column, the comment is posted, in
the same transaction as the note, as the client's message in the intervention's thread
(``Avis du client (4/5) : …``). So it is where the team already reads the client, it is
immutable (nobody may edit a message), it is in the client's own name, and the database puts
it in the audit trail too (``ajout_commentaire``), next to the ``modification`` row of the
note itself. :func:`get_rating` finds it again without guessing: the note's audit row and the
comment's message share their author and their instant (``now()`` is the transaction's start).

"Once" is the database's rule as well: the role guard lets a client write
``satisfaction_client`` only while it is empty, on a closed intervention.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.interventions.models import HistoriqueIntervention, Intervention
from db.interventions.service import thread
from db.interventions.service._shared import affected, database_refusal, find_intervention
from db.messaging.models import Conversation, Message
from db.session import Actor
from db.validation import clean_int, clean_text

MAX_COMMENT = 2000
COMMENT_PREFIX = "Avis du client"
RATABLE_STATUS = "cloturee"


def _clean_note(note: Any) -> int:
    message = "La note va de 1 à 5."
    try:
        value = clean_int(note, field="note", label="Note", min_value=1, max_value=5)
    except ServiceError:
        raise ServiceError(message, field="note", rule="validation") from None
    if value is None:
        raise ServiceError(message, field="note", rule="validation")
    return value


def rate_intervention(
    *,
    session: Session,
    actor: Actor,
    intervention_id: Any,
    note: Any,
    commentaire: Any = None,
) -> dict[str, Any]:
    """Record the client's note (1–5) and optional comment on their closed intervention."""
    if actor.role != "client":
        raise ServiceError("Seul le client note une intervention.", field="note", rule="profil")
    intervention = find_intervention(session, intervention_id)
    value = _clean_note(note)
    comment = clean_text(commentaire, field="commentaire", label="Commentaire", max_len=MAX_COMMENT)
    if intervention.statut != RATABLE_STATUS:
        raise ServiceError(
            "Une intervention se note une fois clôturée.", field="note", rule="non_cloturee"
        )
    if intervention.satisfaction_client is not None:
        raise ServiceError(
            "Vous avez déjà noté cette intervention.", field="note", rule="deja_notee"
        )
    with database_refusal(session):
        result = session.execute(
            update(Intervention)
            .where(Intervention.id == intervention.id, Intervention.satisfaction_client.is_(None))
            .values(satisfaction_client=value)
        )
        if affected(result) == 0:  # rated meanwhile (another tab)
            raise ServiceError(
                "Vous avez déjà noté cette intervention.", field="note", rule="deja_notee"
            )
    message_id = None
    if comment:
        message_id = thread.post_message(
            session=session,
            actor=actor,
            intervention_id=intervention.id,
            contenu=f"{COMMENT_PREFIX} ({value}/5) : {comment}",
        )
    return {"note": value, "commentaire": comment, "message_id": message_id}


def get_rating(*, session: Session, intervention_id: Any) -> dict[str, Any] | None:
    """The note and the comment of an intervention the user may see (None: not rated)."""
    intervention = find_intervention(session, intervention_id)
    if intervention.satisfaction_client is None:
        return None
    audit = session.execute(
        select(HistoriqueIntervention.user_id, HistoriqueIntervention.horodatage)
        .where(
            HistoriqueIntervention.intervention_id == intervention.id,
            HistoriqueIntervention.nouvelle_valeur.has_key("satisfaction_client"),
        )
        .order_by(HistoriqueIntervention.horodatage.desc(), HistoriqueIntervention.id.desc())
        .limit(1)
    ).one_or_none()
    comment = None
    if audit is not None and audit.user_id is not None:
        prefix = f"{COMMENT_PREFIX} ({intervention.satisfaction_client}/5) : "
        found = session.scalar(
            select(Message.contenu)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(
                Conversation.intervention_id == intervention.id,
                Message.user_id == audit.user_id,
                Message.horodatage == audit.horodatage,
            )
            .order_by(Message.id)
            .limit(1)
        )
        if found is not None and found.startswith(prefix):
            comment = found.removeprefix(prefix)
    return {
        "note": intervention.satisfaction_client,
        "commentaire": comment,
        "date": audit.horodatage if audit is not None else None,
    }
