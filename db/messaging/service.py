"""Messaging services: for now the unread notifications count shown in the sidebar.

Offers ``unread_count(*, session, actor)`` → ``(count, capped)``. The inbox page comes later.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.messaging.models import Notification
from db.session import Actor

# Past this many unread notifications the sidebar shows "99+": counting further would read
# more index entries for a figure nobody needs exactly.
UNREAD_CAP = 99


def unread_count(*, session: Session, actor: Actor) -> tuple[int, bool]:
    """Unread notifications of the acting user, at most ``UNREAD_CAP`` (and whether more
    exist). One LIMITed read of the partial index ``idx_unread_notifications`` (user_id,
    date_envoi WHERE lu = FALSE): the same cost whatever the table's size. Row-level security
    shows each user their own notifications only; no user, no count."""
    if actor.user_id is None:
        return 0, False
    inner = (
        select(Notification.id)
        .where(Notification.user_id == actor.user_id, Notification.lu.is_(False))
        .limit(UNREAD_CAP + 1)
        .subquery()
    )
    n = int(session.scalar(select(func.count()).select_from(inner)) or 0)
    return min(n, UNREAD_CAP), n > UNREAD_CAP


__all__ = ["UNREAD_CAP", "unread_count"]
