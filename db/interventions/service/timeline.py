"""The audit trail of an intervention (``historiques_interventions``) as a French timeline.

Each entry says who (full name), when, what (the action in French, the trigger's
description) and, for each changed field, its French label with the old and the new value in
words: a technician's name rather than an id, "En cours" rather than ``en_cours``, a date in
the French format. Newest first, one page at a time (``LIMIT`` on the
``(intervention_id, horodatage)`` index). A client reads the trail of their own interventions
without the IP address and browser columns (db/access/columns.csv), which are not read here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.billing.models import Contrat
from db.equipment.models import Equipement
from db.interventions.models import HistoriqueIntervention
from db.interventions.service._shared import find_intervention
from db.interventions.service.common import PRIORITE_LABELS, STATUT_LABELS, TYPE_LABELS
from db.people.models import Client, Technicien, User
from db.validation import BUSINESS_TZ, clamp_int

PAGE_SIZE = 20
PAGE_MAX = 100
MAX_VALUE_SHOWN = 300

ACTION_LABELS = {
    "creation": "Création",
    "modification": "Modification",
    "affectation": "Affectation",
    "changement_statut": "Changement de statut",
    "debut_intervention": "Début de l'intervention",
    "fin_intervention": "Fin de l'intervention",
    "ajout_commentaire": "Commentaire",
    "upload_document": "Document ajouté",
    "planification": "Planification",
    "annulation": "Annulation",
}
# Field -> French label, in the order the changes are shown. Fields not listed here (ids of
# the audit's own bookkeeping: message_id, conversation_id, document_id …) are not shown.
FIELD_LABELS = {
    "statut": "Statut",
    "technicien_id": "Technicien principal",
    "titre": "Titre",
    "description": "Description",
    "type_intervention": "Type",
    "priorite": "Priorité",
    "urgence": "Urgence",
    "equipement_id": "Équipement",
    "client_id": "Client",
    "contrat_id": "Contrat",
    "date_planifiee": "Date planifiée",
    "date_limite": "Échéance",
    "date_debut": "Début",
    "date_fin": "Fin",
    "duree_estimee": "Durée estimée (h)",
    "duree_reelle": "Durée réelle (h)",
    "cout_estime": "Coût estimé (MAD)",
    "cout_reel": "Coût réel (MAD)",
    "diagnostic": "Diagnostic",
    "solution": "Solution",
    "notes_techniques": "Notes techniques",
    "satisfaction_client": "Satisfaction client",
    "nom_fichier": "Fichier",
    "date_creation": "Créée le",
}
ENUM_FIELDS = {"statut": STATUT_LABELS, "priorite": PRIORITE_LABELS}
ENUM_FIELDS["type_intervention"] = TYPE_LABELS
DATE_FIELDS = {"date_planifiee", "date_limite", "date_debut", "date_fin", "date_creation"}
MONEY_FIELDS = {"cout_estime", "cout_reel", "duree_estimee", "duree_reelle"}
# On creation only what was filled in is shown, and not the ids the creator did not choose.
CREATION_SKIPPED = {"id", "client_id", "date_creation"}


def _names(session: Session, model: Any, label: Any, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted({i for i in ids if isinstance(i, int)})
    if not wanted:
        return {}
    return {
        r[0]: r[1] for r in session.execute(select(model.id, label).where(model.id.in_(wanted)))
    }


def _technician_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted({i for i in ids if isinstance(i, int)})
    if not wanted:
        return {}
    rows = session.execute(
        select(Technicien.id, User.full_name)
        .join(User, User.id == Technicien.user_id)
        .where(Technicien.id.in_(wanted))
    )
    return {r[0]: r[1] for r in rows}


def _fmt_datetime(value: Any) -> str:
    try:
        d = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if d.tzinfo is not None:
        d = d.astimezone(BUSINESS_TZ)
    return d.strftime("%d/%m/%Y %H:%M")


def _fmt_number(value: Any) -> str:
    try:
        n = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    s = f"{n:,.2f}".replace(",", " ").replace(".", ",")
    return s.removesuffix(",00")


class _Lookups:
    """Names of the ids that appear in one page of the trail (one query per kind)."""

    def __init__(self, session: Session, rows: list[Any]) -> None:
        ids: dict[str, set[int]] = {k: set() for k in ("technicien_id", "equipement_id")}
        ids.update({"client_id": set(), "contrat_id": set()})
        for r in rows:
            for values in (r.ancienne_valeur, r.nouvelle_valeur):
                for key in ids:
                    v = (values or {}).get(key)
                    if isinstance(v, int):
                        ids[key].add(v)
        self.names = {
            "technicien_id": _technician_names(session, ids["technicien_id"]),
            "equipement_id": _names(session, Equipement, Equipement.nom, ids["equipement_id"]),
            "client_id": _names(session, Client, Client.nom_entreprise, ids["client_id"]),
            "contrat_id": _names(session, Contrat, Contrat.numero_contrat, ids["contrat_id"]),
        }

    def show(self, field: str, value: Any) -> str:
        """``value`` of ``field`` in words."""
        if value is None or value == "":
            return "—"
        if field in self.names:
            name = self.names[field].get(value) if isinstance(value, int) else None
            return name or f"n° {value}"
        if field in ENUM_FIELDS:
            return ENUM_FIELDS[field].get(str(value), str(value))
        if isinstance(value, bool):
            return "Oui" if value else "Non"
        if field in DATE_FIELDS:
            return _fmt_datetime(value)
        if field in MONEY_FIELDS:
            return _fmt_number(value)
        if field == "satisfaction_client":
            return f"{value}/5"
        s = value if isinstance(value, str) else str(value)
        return s if len(s) <= MAX_VALUE_SHOWN else s[: MAX_VALUE_SHOWN - 1] + "…"


def _changes(row: Any, lookups: _Lookups) -> list[dict[str, str]]:
    old = row.ancienne_valeur or {}
    new = row.nouvelle_valeur or {}
    action = str(row.action)
    out = []
    for field, label in FIELD_LABELS.items():
        if field not in old and field not in new:
            continue
        if action == "creation" and (field in CREATION_SKIPPED or new.get(field) is None):
            continue
        out.append(
            {
                "champ": field,
                "libelle": label,
                "avant": lookups.show(field, old.get(field)) if field in old else "—",
                "apres": lookups.show(field, new.get(field)),
            }
        )
    return out


def list_timeline(
    *, session: Session, intervention_id: Any, page: Any = 1, page_size: Any = PAGE_SIZE
) -> dict[str, Any]:
    """One page of the intervention's trail, newest first.

    Returns ``{"entries": [...], "page": n, "has_more": bool}``; each entry has ``qui``,
    ``quand`` (datetime), ``quand_texte``, ``action``, ``action_libelle``, ``description``
    and ``changements`` (``libelle``, ``avant``, ``apres``).
    """
    intervention = find_intervention(session, intervention_id)
    size = clamp_int(page_size, field="page_size", label="Taille de page", low=1, high=PAGE_MAX)
    # Deep pages of a trail are rare; 1000 pages of 100 entries is far beyond any intervention.
    n = clamp_int(page, field="page", label="Page", low=1, high=1000)
    h = HistoriqueIntervention
    rows = session.execute(
        select(
            h.id,
            h.action,
            h.description,
            h.ancienne_valeur,
            h.nouvelle_valeur,
            h.horodatage,
            h.user_id,
            User.full_name,
        )
        .outerjoin(User, User.id == h.user_id)
        .where(h.intervention_id == intervention.id)
        .order_by(h.horodatage.desc(), h.id.desc())
        .limit(size + 1)
        .offset((n - 1) * size)
    ).all()
    has_more = len(rows) > size
    rows = rows[:size]
    lookups = _Lookups(session, list(rows))
    entries = []
    for r in rows:
        action = str(r.action)
        entries.append(
            {
                "id": r.id,
                "qui": r.full_name or ("Système" if r.user_id is None else "Utilisateur"),
                "quand": r.horodatage,
                "quand_texte": r.horodatage.astimezone(BUSINESS_TZ).strftime("%d/%m/%Y %H:%M"),
                "action": action,
                "action_libelle": ACTION_LABELS.get(action, action),
                "description": _describe(r, action),
                "changements": _changes(r, lookups),
            }
        )
    return {"entries": entries, "page": n, "has_more": has_more}


def _describe(row: Any, action: str) -> str:
    """The trigger's description, with status codes replaced by their French labels."""
    text = row.description or ""
    if action != "changement_statut":
        return text
    # "Statut : en_cours → en_attente — motif : <the user's words>": only the codes before the
    # user's own words are replaced.
    head, sep, motif = text.partition(" — motif : ")
    for code, label in STATUT_LABELS.items():
        head = head.replace(f" {code} ", f" {label} ").replace(f" {code}", f" {label}")
    return head + sep + motif
