"""The unread notifications count of the sidebar (``db.messaging.service.unread_count``)."""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from db.messaging.service import UNREAD_CAP, unread_count
from db.session import Actor
from tests.conftest import act_as
from tests.factories import make_user


def _notify(conn: Connection, user_id: int, n: int, lu: bool = False) -> None:
    conn.execute(
        text(
            "INSERT INTO notifications (user_id, titre, lu, date_lu)"
            " SELECT :u, 'n' || g, :lu, CASE WHEN :lu THEN now() END FROM generate_series(1, :n) g"
        ),
        {"u": user_id, "n": n, "lu": lu},
    )


def test_a_user_counts_only_its_own_unread_notifications(
    conn: Connection, session: Session
) -> None:
    me, other = make_user(conn, "responsable"), make_user(conn, "responsable")
    _notify(conn, me, 3)
    _notify(conn, me, 2, lu=True)
    _notify(conn, other, 4)
    actor = Actor(user_id=me, role="responsable")
    act_as(session, actor)
    assert unread_count(session=session, actor=actor) == (3, False)


def test_the_count_stops_at_its_cap(conn: Connection, session: Session) -> None:
    me = make_user(conn, "client")
    _notify(conn, me, UNREAD_CAP + 5)
    actor = Actor(user_id=me, role="client")
    act_as(session, actor)
    assert unread_count(session=session, actor=actor) == (UNREAD_CAP, True)


def test_no_user_no_count(session: Session) -> None:
    assert unread_count(session=session, actor=Actor()) == (0, False)
