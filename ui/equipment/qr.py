"""Printable QR label of a machine (serial number and a link to its record)."""

from __future__ import annotations

import os
from functools import lru_cache
from urllib.parse import urlsplit

import streamlit as st

from db.equipment.service import (
    EquipementDetail,
)
from ui.export import label_png, qr_svg
from ui.i18n import t
from ui.layout import page_url_path


def qr_target_url(equipement_id: int) -> str:
    """Link encoded in the label: this page with ``?id=``.

    The site root is ``MIF_PUBLIC_URL`` when set (behind a proxy), else the browser's own
    address; the page path comes from the navigation table, so the two never disagree.
    """
    root = os.environ.get("MIF_PUBLIC_URL") or ""
    if not root:
        parts = urlsplit(st.context.url or "http://localhost:8501")
        root = f"{parts.scheme}://{parts.netloc}"
    return f"{root.rstrip('/')}/{page_url_path('pages/equipements.py')}?id={equipement_id}"


# Drawing the label (QR code, fonts, PNG) cost ~14 % of the server's CPU under load when every
# view of a machine redrew it. Each image is a pure function of its texts (all of which the
# caller already shows), so a process-wide cache is safe for every user; 256 labels ≈ 20 MB.
@lru_cache(maxsize=256)
def _label(url: str, title: str, code: str, lines: tuple[str, ...]) -> bytes:
    return label_png(url, title, code, lines)


@lru_cache(maxsize=256)
def _svg(url: str) -> bytes:
    return qr_svg(url)


def render_qr(detail: EquipementDetail) -> None:
    """Printable QR label: serial number, name, client and a link to this page."""
    e = detail.equipement
    url = qr_target_url(e["id"])
    st.caption(t("equip.qr.intro"))
    subtitle = " · ".join(x for x in (e.get("fabricant"), e.get("modele")) if x)
    png = _label(url, e["nom"], e["numero_serie"], (subtitle, e["client_nom"]))
    st.image(png, width=450)
    buttons = st.container(horizontal=True)
    safe_serial = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in e["numero_serie"])
    buttons.download_button(
        t("equip.qr.png"),
        data=png,
        file_name=f"etiquette_{safe_serial}.png",
        mime="image/png",
        key=f"equip.qr.png.{e['id']}",
        icon=":material/qr_code_2:",
        on_click="ignore",
    )
    buttons.download_button(
        t("equip.qr.svg"),
        data=_svg(url),
        file_name=f"qr_{safe_serial}.svg",
        mime="image/svg+xml",
        key=f"equip.qr.svg.{e['id']}",
        on_click="ignore",
    )
    st.caption(t("equip.qr.link", url=f"`{url}`"))
