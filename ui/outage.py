"""A page run that loses the database shows one French message, never a traceback.

``app.py`` runs the whole page inside ``guard()``. A lost or refused connection
(``db.health.is_unavailable``) raised anywhere in the run — a page's own query, ``run_action``
or an export, which let it through on purpose — ends the run with "base de données
indisponible" and a retry button. Any other error is not ours to hide and propagates.

The recovery itself happens in the data layer (``db.health``): the engines drop their pooled
connections and the embedded server is started again, so the next run works without
restarting the app. ``show_unavailable`` calls it once more, for failures raised outside those
engines.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from db import health
from ui.i18n import t

log = logging.getLogger(__name__)


def show_unavailable(exc: BaseException | None = None) -> None:
    """Say that the database is unavailable, start recovery, offer to try again."""
    if exc is not None:
        log.warning("page run stopped, database unavailable: %s", health.reason(exc))
    recovery = health.recover()
    st.error(t("outage.unavailable"), icon=":material/cloud_off:")
    if recovery.restarted:
        st.info(t("outage.restarted"), icon=":material/restart_alt:")
    st.button(t("outage.retry"), key="outage.retry", icon=":material/refresh:")


@contextmanager
def guard() -> Iterator[None]:
    """Run a page: an outage becomes ``show_unavailable``; other errors propagate."""
    try:
        yield
    except health.CONNECTION_ERRORS as exc:
        if not health.is_unavailable(exc):
            raise
        show_unavailable(exc)
