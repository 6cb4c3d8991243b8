"""The conversation bound to an intervention (``conversations.intervention_id``): its thread.

One thread per intervention, opened on the first message (an advisory lock on the
intervention makes two first messages at once share one thread). Its participants are kept by
the database (revision 0010: the technicians and the client's contact when it is opened,
whoever posts from their first message). Posting writes ``messages`` in the author's own name;
the database adds the ``ajout_commentaire`` audit row (revision 0009). Who may read and post
is row-level security's decision: managers all threads, a technician those of the
interventions assigned to them, a client those of their company's interventions.

Text is stored as typed: ``<script>``, quotes and emoji are plain text here, and the page
escapes what it shows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from db.errors import ServiceError
from db.interventions.service._shared import (
    InterventionRef,
    database_refusal,
    find_intervention,
    require_staff_or_assigned,
)
from db.messaging.models import Conversation, Message
from db.people.models import User
from db.session import Actor
from db.validation import clamp_int, clean_text

MAX_MESSAGE = 10_000
LIST_LIMIT = 50
LIST_MAX = 200
# Namespace of the advisory locks taken while opening a thread (the second key is the
# intervention id), so they never collide with another use of advisory locks.
THREAD_LOCK_NAMESPACE = 91


def _thread_id(session: Session, intervention_id: int) -> int | None:
    """The intervention's thread (the first one opened), None when there is none yet."""
    found = session.scalar(
        select(func.min(Conversation.id)).where(Conversation.intervention_id == intervention_id)
    )
    return int(found) if found is not None else None


def _may_take_part(session: Session, actor: Actor, intervention: InterventionRef) -> None:
    # A client reaches only their company's interventions (find_intervention); a technician
    # must be assigned: the thread is the team's working channel.
    if actor.role != "client":
        require_staff_or_assigned(session, actor, intervention, what="écrire dans ce fil")


def get_or_create_thread(*, session: Session, actor: Actor, intervention_id: Any) -> int:
    """Id of the intervention's thread, opened now if it has none."""
    intervention = find_intervention(session, intervention_id)
    _may_take_part(session, actor, intervention)
    existing = _thread_id(session, intervention.id)
    if existing is not None:
        return existing
    session.execute(
        select(func.pg_advisory_xact_lock(THREAD_LOCK_NAMESPACE, intervention.id))
    ).all()
    existing = _thread_id(session, intervention.id)  # opened while we waited for the lock
    if existing is not None:
        return existing
    title = f"Intervention n° {intervention.id} — {intervention.titre}"[:200]
    # No RETURNING: a new row returned must pass the SELECT policy, whose list of visible
    # threads was computed when the statement started, without this one. Read back after.
    with database_refusal(session):
        # Plain SQL: the ORM's insert() would add "RETURNING id" on its own.
        session.execute(
            text("INSERT INTO conversations (titre, intervention_id) VALUES (:t, :i)"),
            {"t": title, "i": intervention.id},
        )
    created = _thread_id(session, intervention.id)
    if created is None:  # not visible to its own author: refused by row-level security
        raise ServiceError("Action non autorisée sur cet enregistrement.", rule="rls")
    return created


def list_messages(
    *, session: Session, intervention_id: Any, limit: Any = LIST_LIMIT
) -> list[dict[str, Any]]:
    """The newest ``limit`` messages of the thread (200 at most), oldest first, with authors.

    An intervention without a thread has no messages; one the user may not see is refused.
    """
    intervention = find_intervention(session, intervention_id)
    n = clamp_int(limit, field="limit", label="Nombre de messages", low=1, high=LIST_MAX)
    thread = _thread_id(session, intervention.id)
    if thread is None:
        return []
    rows = session.execute(
        select(
            Message.id,
            Message.contenu,
            Message.horodatage,
            Message.user_id,
            User.full_name,
            User.role,
        )
        .outerjoin(User, User.id == Message.user_id)
        .where(Message.conversation_id == thread)
        .order_by(Message.horodatage.desc(), Message.id.desc())
        .limit(n)
    ).all()
    return [
        {
            "id": r.id,
            "contenu": r.contenu,
            "horodatage": r.horodatage,
            "user_id": r.user_id,
            "auteur": r.full_name or "Utilisateur",
            "role": str(r.role) if r.role is not None else None,
        }
        for r in reversed(rows)
    ]


def clean_message(contenu: Any) -> str:
    """A message's text: required, 10,000 characters at most, no control characters."""
    cleaned = clean_text(
        contenu, field="contenu", label="Message", max_len=MAX_MESSAGE, required=True
    )
    assert cleaned is not None  # required=True
    return cleaned


def post_message(*, session: Session, actor: Actor, intervention_id: Any, contenu: Any) -> int:
    """Post a message in the intervention's thread (opened if needed); returns its id."""
    body = clean_message(contenu)
    thread = get_or_create_thread(session=session, actor=actor, intervention_id=intervention_id)
    if actor.user_id is None:
        raise ServiceError("Connectez-vous pour écrire.", field="contenu", rule="profil")
    with database_refusal(session):
        message_id = session.execute(
            insert(Message)
            .values(conversation_id=thread, user_id=actor.user_id, contenu=body)
            .returning(Message.id)
        ).scalar_one()
    return int(message_id)
