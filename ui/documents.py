"""Download of a stored document (machine record, intervention file): choose it, then its
content is read, its checksum verified (db.storage) and offered to the browser.

The file is read only when the user asks for it (a "Préparer" button), never on every run of
the page: a machine may list dozens of documents of several megabytes each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from db.interventions.service.documents import open_document
from db.session import Actor
from ui.forms import run_action
from ui.i18n import t


def render_document_download(actor: Actor, docs: Sequence[Mapping[str, Any]], *, key: str) -> None:
    """A picker of ``docs`` (rows with ``id`` and ``nom_fichier``) and the chosen one's
    download; a refusal (not visible, missing or corrupted file) is said in French."""
    if not docs:
        return
    by_id = {int(d["id"]): d for d in docs}
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    chosen = c1.selectbox(
        t("ifile.docs.choose"),
        list(by_id),
        format_func=lambda v: str(by_id[v]["nom_fichier"]),
        key=f"{key}.choose",
    )
    ready_key = f"{key}.ready"
    if c2.button(t("ifile.docs.prepare"), key=f"{key}.prepare"):
        st.session_state[ready_key] = chosen
    if st.session_state.get(ready_key) != chosen:
        return
    result = run_action(actor, open_document, document_id=chosen)
    if not result.ok or result.value is None:
        st.error(result.error.message if result.error else t("common.error"))
        return
    name, mime, data = result.value
    st.download_button(
        t("ifile.docs.download", nom=name),
        data=data,
        file_name=name,
        mime=mime,
        icon=":material/download:",
        key=f"{key}.download",
    )
