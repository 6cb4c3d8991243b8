"""Field rules of a machine: what each input field accepts, date limits, the checks of a
whole form (``validate_equipement``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from db.equipment.models import (
    Criticite,
    StatutEquipement,
)
from db.equipment.service.common import (
    CRITICITE_LABELS,
    STATUT_LABELS,
)
from db.errors import ServiceError, ValidationError
from db.validation import (
    MIN_DATE,
    add_months,
    business_today,
    clean_choice,
    clean_date,
    clean_id,
    clean_int,
    clean_money,
    clean_text,
    fmt_date,
)

MAX_TEXT = 20_000  # free-text fields (specifications, manual): generous but bounded
# Warranties of industrial machines run a few years; 20 years is already far beyond any
# contract seen, and keeps the warranty end of a machine within a lifetime of the registry.
MAX_WARRANTY_MONTHS = 240
# A machine may be registered when it is delivered, a few weeks before it is commissioned
# (and the server's day may be ahead of Morocco's): installation up to 30 days ahead.
INSTALLATION_TOLERANCE_DAYS = 30
# Planned maintenance is scheduled years ahead at most; 20 years bounds typing mistakes.
MAX_PLANNING_MONTHS = 240
# A preventive interval of ten years at most (ck_equipements_intervalle_maintenance_positif).
MAX_INTERVAL_DAYS = 3660


# --------------------------------------------------------------------------------------------
# Field rules
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldRule:
    """How one input field is checked: French label, kind, required, maximum length."""

    label: str
    kind: str = "text"  # text | date | money | int | days | criticite | statut | client
    required: bool = False
    max_len: int | None = None


FIELDS: dict[str, FieldRule] = {
    "client_id": FieldRule("Client", "client", required=True),
    "nom": FieldRule("Nom", required=True, max_len=200),
    "numero_serie": FieldRule("Numéro de série", required=True, max_len=100),
    "modele": FieldRule("Modèle", max_len=150),
    "fabricant": FieldRule("Fabricant", max_len=150),
    "date_installation": FieldRule("Date d'installation", "date"),
    "statut": FieldRule("Statut", "statut"),
    "criticite": FieldRule("Criticité", "criticite"),
    "localisation": FieldRule("Localisation", max_len=200),
    "specifications_techniques": FieldRule("Spécifications techniques", max_len=MAX_TEXT),
    "manuel_utilisation": FieldRule("Manuel d'utilisation", max_len=MAX_TEXT),
    "prochaine_maintenance": FieldRule("Prochaine maintenance", "date"),
    "cout_acquisition": FieldRule("Coût d'acquisition", "money"),
    "fournisseur": FieldRule("Fournisseur", max_len=150),
    "date_fin_garantie": FieldRule("Fin de garantie", "date"),
    "duree_garantie_mois": FieldRule("Durée de garantie (mois)", "int"),
    # The preventive plan (revision 0014): days between two visits, empty = no plan.
    "intervalle_maintenance_jours": FieldRule("Intervalle de maintenance (jours)", "days"),
}
EDITABLE_FIELDS = tuple(f for f in FIELDS if f != "statut")  # status changes via change_statut


def date_limits(today: date | None = None) -> dict[str, tuple[date, date]]:
    """Earliest and latest accepted value of each date field (pages bound their widgets)."""
    today = clean_date(today, field="today", label="Date du jour") or business_today()
    installed_by = today + timedelta(days=INSTALLATION_TOLERANCE_DAYS)
    return {
        "date_installation": (MIN_DATE, installed_by),
        "prochaine_maintenance": (MIN_DATE, add_months(today, MAX_PLANNING_MONTHS)),
        "date_fin_garantie": (MIN_DATE, add_months(installed_by, MAX_WARRANTY_MONTHS)),
    }


def _too_late(name: str, latest: date) -> str:
    label = FIELDS[name].label
    if name == "date_installation":
        return (
            f"{label} : pas plus de {INSTALLATION_TOLERANCE_DAYS} jours dans l'avenir"
            f" (au plus tard le {fmt_date(latest)})."
        )
    if name == "prochaine_maintenance":
        return f"{label} : au plus {MAX_PLANNING_MONTHS // 12} ans à l'avance."
    return f"{label} : au plus {MAX_WARRANTY_MONTHS} mois après l'installation."


def _clean_value(name: str, value: Any, limits: Mapping[str, tuple[date, date]]) -> Any:
    """Checked, normalised value of one field (``ServiceError`` with a French message)."""
    rule = FIELDS[name]
    if rule.kind == "text":
        return clean_text(value, field=name, label=rule.label, max_len=rule.max_len)
    if rule.kind == "date":
        earliest, latest = limits[name]
        return clean_date(
            value,
            field=name,
            label=rule.label,
            earliest=earliest,
            latest=latest,
            too_late=_too_late(name, latest),
        )
    if rule.kind == "money":
        return clean_money(value, field=name, label=rule.label)
    if rule.kind == "int":
        return clean_int(
            value,
            field=name,
            label=rule.label,
            max_value=MAX_WARRANTY_MONTHS,
            negative_message=f"{rule.label} : ne peut pas être négatif.",
        )
    if rule.kind == "days":
        return clean_int(
            value,
            field=name,
            label=rule.label,
            min_value=1,
            max_value=MAX_INTERVAL_DAYS,
            negative_message=f"{rule.label} : au moins 1 jour (vide = pas de plan).",
        )
    if rule.kind in ("statut", "criticite"):
        labels = STATUT_LABELS if rule.kind == "statut" else CRITICITE_LABELS
        return clean_choice(value, field=name, label=rule.label, choices=labels)
    if rule.kind == "client":
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return clean_id(value, field=name, label=rule.label)
        except ServiceError:
            raise ServiceError(
                "Client : choisissez un client dans la liste.", field=name, rule="validation"
            ) from None
    raise AssertionError(rule.kind)  # pragma: no cover


def validate_equipement(
    data: Mapping[str, Any], *, fields: Sequence[str] = tuple(FIELDS)
) -> dict[str, Any]:
    """Cleaned values of ``fields`` from ``data``; ``ValidationError`` lists every bad one.

    Texts are trimmed (empty → NULL) and stored as typed: quotes, ``<script>`` and emoji are
    data, never interpreted (all SQL is parameterised; pages display them escaped). NUL bytes,
    control characters and unencodable text are refused; numbers fit their columns; dates stay
    within ``date_limits`` (no installation in 2100, no warranty ending 50 years later).
    """
    if not isinstance(data, Mapping):
        raise ServiceError("Formulaire invalide : aucune valeur reçue.", rule="validation")
    limits = date_limits()
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in fields:
        try:
            clean[name] = _clean_value(name, data.get(name), limits)
        except ServiceError as exc:
            errors[name] = exc.message
            continue
        if FIELDS[name].required and clean[name] is None:
            errors[name] = f"{FIELDS[name].label} : champ obligatoire."
    if "criticite" in clean and clean["criticite"] is None:
        clean["criticite"] = Criticite.normale.value
    if "statut" in clean and clean["statut"] is None:
        clean["statut"] = StatutEquipement.operationnel.value

    installed = clean.get("date_installation")
    months = clean.get("duree_garantie_mois")
    if (
        installed
        and months is not None
        and "date_fin_garantie" in fields
        and clean.get("date_fin_garantie") is None
        and "date_fin_garantie" not in errors
    ):
        # Same rule as the add_equipment_warranty back-fill: end = installation + duration.
        clean["date_fin_garantie"] = add_months(installed, months)
    if installed and "date_fin_garantie" not in errors:
        end = clean.get("date_fin_garantie")
        if end is not None and end < installed:
            errors["date_fin_garantie"] = (
                "Fin de garantie : elle ne peut pas précéder la date d'installation."
            )
        elif end is not None and end > add_months(installed, MAX_WARRANTY_MONTHS):
            errors["date_fin_garantie"] = _too_late("date_fin_garantie", end)
    if installed and "prochaine_maintenance" not in errors:
        nxt = clean.get("prochaine_maintenance")
        if nxt is not None and nxt < installed:
            errors["prochaine_maintenance"] = (
                "Prochaine maintenance : elle ne peut pas précéder la date d'installation."
            )
    if errors:
        raise ValidationError(errors)
    return clean
