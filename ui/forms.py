"""Run a user action safely and show its outcome: French messages, never a traceback.

Typical form::

    form = FormFeedback("equip.create")
    with st.form("equip.create.form"):
        nom = st.text_input(t("equip.f.nom"))
        form.slot("nom")                      # the message about "nom" appears here
        ...
        submitted = st.form_submit_button(t("common.save"))
    form.general()                            # messages tied to no field
    if submitted:
        new_id = form.run(actor, create_equipement, actor=actor, data={...})
        if new_id is not None:
            flash(t("equip.created"))
            st.rerun()

``run_action`` opens ``session_scope(actor)`` (one transaction per action: committed on
success, rolled back on any error) and calls ``fn(session=session, **kwargs)``.
A ``ServiceError`` (or a subclass with an ``errors`` dict of field → message) and any database
refusal translated by ``db.errors.describe`` become French messages; an unexpected exception is
logged with its traceback on the server and the user reads a generic French sentence. A lost
database connection is neither: it propagates to ``ui.outage.guard`` (around every page run),
which says "base de données indisponible".
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import streamlit as st
from sqlalchemy.exc import DBAPIError

from db import health
from db.errors import ServiceError, describe
from db.session import Actor, session_scope
from ui.format import md_escape
from ui.i18n import t

log = logging.getLogger(__name__)
T = TypeVar("T")
FLASH_KEY = "_flash_messages"


@dataclass
class ActionResult(Generic[T]):
    """Outcome of ``run_action``: ``value`` on success, else ``error`` (French)."""

    ok: bool
    value: T | None = None
    error: ServiceError | None = None
    field_errors: dict[str, str] = field(default_factory=dict)
    unexpected: bool = False  # a bug, not a refusal: ``error`` holds the generic sentence


def shown(message: str) -> str:
    """A message as it may be written on the page: literal (no Markdown), always encodable.

    Service messages may quote user input; a lone surrogate in it would make Streamlit fail
    while sending the page, so it becomes '?'.
    """
    return md_escape(str(message).encode("utf-8", errors="replace").decode("utf-8"))


def field_errors_of(error: ServiceError) -> dict[str, str]:
    """Field → message of a refusal (several for a validation error, one otherwise)."""
    errors = getattr(error, "errors", None)
    if isinstance(errors, Mapping) and errors:
        return {str(k): str(v) for k, v in errors.items()}
    return {error.field: error.message} if error.field else {}


def run_action(actor: Actor, fn: Callable[..., T], /, **kwargs: Any) -> ActionResult[T]:
    """Call ``fn(session=..., **kwargs)`` in one transaction and capture any refusal."""
    try:
        with session_scope(actor) as session:
            value = fn(session=session, **kwargs)
    except ServiceError as exc:
        return ActionResult(False, error=exc, field_errors=field_errors_of(exc))
    except DBAPIError as exc:
        if health.is_unavailable(exc):
            raise  # not a refusal: the page stops on "base de données indisponible" (app.py)
        error = describe(exc)
        log.info("action refused by the database: %s (%s)", error.message, error.rule)
        return ActionResult(False, error=error, field_errors=field_errors_of(error))
    except Exception as exc:
        if health.is_unavailable(exc):  # a driver error raised outside SQLAlchemy
            raise
        # The traceback goes to the server log only; the user gets a French sentence.
        log.exception("unexpected error in %s", getattr(fn, "__name__", fn))
        return ActionResult(False, error=ServiceError(t("common.error")), unexpected=True)
    return ActionResult(True, value=value)


def run_read(actor: Actor, fn: Callable[..., T], /, **kwargs: Any) -> T | None:
    """A read for display: the value, or ``None`` after showing a French error notice."""
    result = run_action(actor, fn, **kwargs)
    if not result.ok:
        st.error(shown(result.error.message) if result.error else t("common.error"))
        return None
    return result.value


class FormFeedback:
    """Places for a form's messages, next to each field, and the call that fills them.

    ``slot(field)`` reserves an empty spot just under a widget; ``general()`` reserves the
    spot for messages tied to no known field; ``run(...)`` performs the action and writes each
    message where it belongs (fields without a slot fall back to the general spot).
    ``summary_key`` is the general sentence when every message found its field (a list's
    filters say "fix the filters", not "nothing was saved").
    """

    def __init__(self, key: str, *, summary_key: str = "form.fix_errors") -> None:
        self.key = key
        self.summary_key = summary_key
        self._slots: dict[str, Any] = {}
        self._general: Any = None

    def slot(self, field_name: str) -> None:
        """Reserve the place of ``field_name``'s message (call right after its widget)."""
        self._slots[field_name] = st.empty()

    def general(self) -> None:
        """Reserve the place of messages that concern no particular field."""
        self._general = st.empty()

    def show(self, result: ActionResult[Any]) -> None:
        """Write the messages of a failed ``result`` in their places."""
        if result.ok or result.error is None:
            return
        unplaced: list[str] = []
        for name, message in result.field_errors.items():
            if name in self._slots:
                self._slots[name].error(shown(message), icon=":material/error:")
            else:
                unplaced.append(shown(message))
        if result.field_errors and not unplaced:
            summary = t(self.summary_key)
        else:
            # Service messages may quote user data: shown literally, never as Markdown.
            summary = "\n\n".join(unplaced or [shown(result.error.message)])
            details = [shown(d) for d in result.error.details if d]
            if details:
                summary += "\n\n" + "\n".join(f"- {d}" for d in details)
        target = self._general if self._general is not None else st
        target.error(summary, icon=":material/block:")

    def run(self, actor: Actor, fn: Callable[..., T], /, **kwargs: Any) -> T | None:
        """Run the action; on failure show the messages and return ``None``."""
        result = run_action(actor, fn, **kwargs)
        self.show(result)
        return result.value if result.ok else None


def flash(message: str, kind: str = "success") -> None:
    """Queue a notice for the next run (survives ``st.rerun()``)."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, message))


def show_flash() -> None:
    """Show and forget the queued notices (call near the top of a page)."""
    for kind, message in st.session_state.pop(FLASH_KEY, []):
        if kind == "error":
            st.error(message, icon=":material/error:")
        elif kind == "warning":
            st.warning(message, icon=":material/warning:")
        else:
            st.success(message, icon=":material/check_circle:")
