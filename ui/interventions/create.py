"""New intervention (managers), request (client) or diagnostic (technician).

``?nouvelle=1&machine=<id>`` preselects the machine (the registry's machine file links here).
The fields offered follow the role (the service refuses any other); messages go beside each
field; one transaction writes the intervention, its required skills and a client's photo
(a refused photo writes nothing at all). Success opens the new file.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Any

import streamlit as st
from sqlalchemy.orm import Session

from db import storage
from db.errors import ServiceError, ValidationError
from db.interventions.service import PRIORITES, TYPES, create_intervention
from db.interventions.service.choices import competence_choices, machine_choices
from db.interventions.service.common import NIVEAU_LABELS, NIVEAUX
from db.session import Actor
from db.validation import BUSINESS_TZ
from ui.format import WIDGET_DATE_BOUNDS, WIDGET_DATE_FORMAT, enum_label, md_escape
from ui.forms import FormFeedback, flash, run_read
from ui.i18n import t

DATE_BOUNDS = WIDGET_DATE_BOUNDS
PLANNED_AT = time(8, 0)  # a planned day starts the working day
DEADLINE_AT = time(23, 59)  # a deadline day lasts until its end
NEW = "itv.new."
SUBMIT = {"client": "itv.create.submit_client", "technicien": "itv.create.submit_tech"}


def create_with_photo(
    *,
    session: Session,
    actor: Actor,
    data: dict[str, Any],
    photo: tuple[str, bytes] | None = None,
) -> int:
    """Create the intervention, then file its photo, in the caller's one transaction: a
    refused photo refuses the whole request (nothing half-written), its message beside the
    photo field."""
    new_id = create_intervention(session=session, actor=actor, data=data)
    if photo is not None:
        try:
            from db.interventions.service.documents import add_document
        except ImportError:  # pragma: no cover - documents ship with the file views
            raise ValidationError({"photo": "Photo : envoi indisponible."}) from None
        try:
            add_document(
                session=session,
                actor=actor,
                filename=photo[0],
                content=photo[1],
                intervention_id=new_id,
                type_document="photo",
            )
        except ServiceError as exc:
            raise ValidationError({"photo": exc.message}) from exc
    return new_id


def new_label(role: str | None) -> str:
    """Catalogue key of what the role creates: a request (client), a diagnostic (technician)
    or an intervention (managers): the button of the page and the form's heading."""
    return {"client": "itv.new.client", "technicien": "itv.new.tech"}.get(role or "", "itv.new")


def photo_limit_mb() -> int:
    """The file store's size limit in whole megabytes, for the uploader (rounded up: the
    store, not the widget, has the last word, and says so in French)."""
    return max(1, math.ceil(storage.max_upload_bytes() / 2**20))


def _at(value: Any, at: time) -> datetime | None:
    return datetime.combine(value, at, tzinfo=BUSINESS_TZ) if isinstance(value, date) else None


def _preselected() -> int | None:
    raw = st.query_params.get("machine")
    try:
        value = int(str(raw))
    except ValueError:
        return None
    return value if 0 < value < 2**31 else None


def close_create() -> None:
    """Back to the page's views (the preselected machine forgotten)."""
    for name in ("nouvelle", "machine"):
        if name in st.query_params:
            del st.query_params[name]
    st.rerun()


def _machine_picker(actor: Actor, prefix: str, form: FormFeedback) -> int | None:
    # A client only has its own machines: searching them "by client" would read oddly.
    search = (
        "itv.create.machine_search_own" if actor.role == "client" else "itv.create.machine_search"
    )
    found = st.text_input(t(search), key=f"{prefix}.machine_q", icon=":material/search:")
    wanted = _preselected()
    key = f"{prefix}.equipement_id"
    chosen = st.session_state.get(key, wanted)
    options = dict(
        run_read(
            actor,
            machine_choices,
            actor=actor,
            q=found.strip() if isinstance(found, str) else "",
            include=chosen if isinstance(chosen, int) else None,
        )
        or []
    )
    if key not in st.session_state and wanted in options:
        st.session_state[key] = wanted
    if st.session_state.get(key) not in options:
        st.session_state[key] = None
    value = st.selectbox(
        t("itv.create.machine"),
        list(options),
        index=None,
        format_func=options.__getitem__,
        placeholder=t("itv.create.machine_choose"),
        key=key,
    )
    form.slot("equipement_id")
    if actor.role == "technicien":  # a caption, not help=: its icon is labelled in English
        st.caption(t("itv.create.machine_tech_help"))
    if wanted is not None and wanted not in options and value is None:
        # Unknown, retired or another client's: the same words, nothing to learn.
        st.warning(t("itv.create.machine_unknown"), icon=":material/link_off:")
    elif not options:
        st.caption(t("itv.create.no_machine"))
    return value if isinstance(value, int) else None


def _competences(actor: Actor, prefix: str) -> list[tuple[int, str]]:
    options = dict(run_read(actor, competence_choices, actor=actor) or [])
    chosen = st.multiselect(
        t("itv.create.competences"),
        list(options),
        format_func=options.__getitem__,
        placeholder=t("itv.create.competences_choose"),
        key=f"{prefix}.competences",
    )
    out: list[tuple[int, str]] = []
    for cid in chosen:
        niveau = st.selectbox(
            t("itv.create.niveau", c=options.get(cid, cid)),
            NIVEAUX,
            index=NIVEAUX.index("intermediaire"),
            format_func=NIVEAU_LABELS.__getitem__,
            key=f"{prefix}.niveau.{cid}",
        )
        out.append((cid, niveau))
    return out


def render_create(actor: Actor) -> None:
    """The form of the user's role; on success the new file opens."""
    gen = st.session_state.setdefault(NEW + "gen", 0)
    prefix = f"{NEW}{gen}"
    role = actor.role
    manager = actor.is_staff
    st.subheader(t(new_label(role)), anchor=False)
    st.button(t("itv.back"), key="itv.new.back", on_click=close_create, icon=":material/close:")
    if role == "client":
        st.caption(t("itv.create.client_note"))
    elif role == "technicien":
        st.caption(t("itv.create.tech_note"))
    # Escaped: a caption is Markdown, and a leading "* " would turn the legend into a bullet.
    st.caption(md_escape(t("itv.create.required")))
    form = FormFeedback(prefix)
    data: dict[str, Any] = {"equipement_id": _machine_picker(actor, prefix, form)}
    data["titre"] = st.text_input(t("itv.create.titre"), key=f"{prefix}.titre")
    form.slot("titre")
    data["description"] = st.text_area(t("itv.create.description"), key=f"{prefix}.description")
    form.slot("description")
    # Only the role's fields, side by side: no empty column where one is not offered.
    offered = (("type", role != "technicien"), ("priorite", role != "client"))
    kinds = [kind for kind, shown in offered if shown]
    slots = dict(zip([*kinds, "urgence"], st.columns(3), strict=False))
    if "type" in slots:
        with slots["type"]:
            data["type_intervention"] = st.selectbox(
                t("itv.create.type"),
                TYPES,
                index=TYPES.index("corrective"),
                format_func=lambda v: enum_label("intervention_type", v),
                key=f"{prefix}.type",
            )
            form.slot("type_intervention")
    if "priorite" in slots:
        with slots["priorite"]:
            data["priorite"] = st.selectbox(
                t("itv.create.priorite"),
                PRIORITES,
                index=PRIORITES.index("normale"),
                format_func=lambda v: enum_label("priorite_intervention", v),
                key=f"{prefix}.priorite",
            )
            form.slot("priorite")
    with slots["urgence"]:
        data["urgence"] = st.toggle(t("itv.create.urgence"), key=f"{prefix}.urgence")
        form.slot("urgence")
    if manager:
        c4, c5, c6 = st.columns(3)
        with c4:
            planned = st.date_input(
                t("itv.create.date_planifiee"),
                value=None,
                format=WIDGET_DATE_FORMAT,
                key=f"{prefix}.date_planifiee",
                **DATE_BOUNDS,
            )
            form.slot("date_planifiee")
        with c5:
            deadline = st.date_input(
                t("itv.create.date_limite"),
                value=None,
                format=WIDGET_DATE_FORMAT,
                key=f"{prefix}.date_limite",
                **DATE_BOUNDS,
            )
            form.slot("date_limite")
        with c6:
            data["duree_estimee"] = st.number_input(
                t("itv.create.duree_estimee"),
                min_value=0.0,
                max_value=10_000.0,
                value=None,
                step=0.5,
                key=f"{prefix}.duree_estimee",
            )
            form.slot("duree_estimee")
        data["date_planifiee"] = _at(planned, PLANNED_AT)
        data["date_limite"] = _at(deadline, DEADLINE_AT)
        data["competences"] = _competences(actor, prefix)
        form.slot("competences")
    if role == "technicien":
        data["diagnostic"] = st.text_area(t("itv.create.diagnostic"), key=f"{prefix}.diagnostic")
        form.slot("diagnostic")
    photo: tuple[str, bytes] | None = None
    if role == "client":
        upload = st.file_uploader(
            t("itv.create.photo"),
            type=["jpg", "jpeg", "png", "webp"],
            key=f"{prefix}.photo",
            max_upload_size=photo_limit_mb(),
        )
        form.slot("photo")
        st.caption(t("itv.create.photo_hint", mb=photo_limit_mb()))
        if upload is not None:
            photo = (upload.name, upload.getvalue())
    submitted = st.button(
        t(SUBMIT.get(role or "", "itv.create.submit")),
        type="primary",
        icon=":material/add:",
        key=f"{prefix}.submit",
    )
    form.general()
    if submitted:
        new_id = form.run(actor, create_with_photo, actor=actor, data=data, photo=photo)
        if new_id is not None:
            st.session_state[NEW + "gen"] = gen + 1  # the next form starts empty
            flash(t("itv.created", id=new_id))
            for name in ("nouvelle", "machine"):
                if name in st.query_params:
                    del st.query_params[name]
            st.query_params["id"] = str(new_id)
            st.rerun()
