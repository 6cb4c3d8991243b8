"""Turn a database refusal into a clear French sentence.

Every constraint and trigger rule is named; the triggers raise with ``CONSTRAINT = <rule>``
and a French message. ``ServiceError`` is what services raise for bad input they detect first;
``describe`` maps a ``sqlalchemy.exc.DBAPIError`` (or psycopg error) to the same shape, so a
page shows one kind of message whatever refused the action.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field

from sqlalchemy.exc import DBAPIError

# Constraint or rule name -> (field it concerns or None, French message).
MESSAGES: dict[str, tuple[str | None, str]] = {
    # users / people
    "uq_users_username": ("username", "Ce nom d'utilisateur est déjà pris."),
    "uq_users_email": ("email", "Cette adresse e-mail est déjà utilisée."),
    "ck_users_email_format": ("email", "Adresse e-mail invalide."),
    "ck_users_username_not_blank": ("username", "Le nom d'utilisateur est obligatoire."),
    "uq_techniciens_user_id": ("user_id", "Cet utilisateur a déjà une fiche technicien."),
    "uq_clients_user_id": ("user_id", "Cet utilisateur a déjà une fiche client."),
    "ck_clients_nom_entreprise_not_blank": (
        "nom_entreprise",
        "Le nom de l'entreprise est obligatoire.",
    ),
    # equipment
    "uq_equipements_numero_serie": ("numero_serie", "Ce numéro de série existe déjà."),
    "ck_equipements_nom_not_blank": ("nom", "Le nom de l'équipement est obligatoire."),
    "ck_equipements_numero_serie_not_blank": (
        "numero_serie",
        "Le numéro de série est obligatoire.",
    ),
    "ck_equipements_cout_positif": (
        "cout_acquisition",
        "Le coût d'acquisition ne peut pas être négatif.",
    ),
    "ck_equipements_garantie_positive": (
        "duree_garantie_mois",
        "La durée de garantie ne peut pas être négative.",
    ),
    "ck_equipements_garantie_apres_installation": (
        "date_fin_garantie",
        "La fin de garantie doit suivre la date d'installation.",
    ),
    "fk_equipements_client_id_clients": ("client_id", "Client inconnu."),
    # interventions
    "chk_intervention_dates": (
        "date_fin",
        "Dates incohérentes : fin avant début, ou échéance avant création.",
    ),
    "chk_satisfaction_range": ("satisfaction_client", "La satisfaction se note de 1 à 5."),
    "ck_interventions_titre_not_blank": ("titre", "Le titre de l'intervention est obligatoire."),
    "ck_interventions_cout_estime_positif": (
        "cout_estime",
        "Le coût estimé ne peut pas être négatif.",
    ),
    "ck_interventions_cout_reel_positif": ("cout_reel", "Le coût réel ne peut pas être négatif."),
    "fk_interventions_equipement_id_equipements": ("equipement_id", "Équipement inconnu."),
    # stock
    "chk_stock_levels": (
        "stock_minimum",
        "Niveaux de stock incohérents (minimum ≤ maximum, jamais négatifs).",
    ),
    "uq_pieces_detachees_reference": ("reference", "Cette référence de pièce existe déjà."),
    "ck_mouvements_stock_quantite_valide": (
        "quantite",
        "La quantité doit être positive (non nulle pour un ajustement).",
    ),
    "ck_intervention_pieces_quantite_positive": ("quantite", "La quantité doit être positive."),
    # billing
    "uq_contrats_numero_contrat": ("numero_contrat", "Ce numéro de contrat existe déjà."),
    "ck_contrats_dates": ("date_fin", "La fin du contrat doit suivre son début."),
    "ck_contrats_montant_positif": ("montant", "Le montant ne peut pas être négatif."),
    "uq_factures_numero_facture": ("numero_facture", "Ce numéro de facture existe déjà."),
    "ck_factures_montant_ht_positif": ("montant_ht", "Le montant HT ne peut pas être négatif."),
    "ck_factures_montant_ttc_calcule": (
        "montant_ttc",
        "Le montant TTC doit être égal au HT × (1 + TVA).",
    ),
    "ck_factures_echeance_apres_emission": (
        "date_echeance",
        "L'échéance doit suivre la date d'émission.",
    ),
    "ck_factures_numero_format": (
        "numero_facture",
        "Le numéro de facture doit avoir la forme FAC-AAAA-NNNNN.",
    ),
    # planning
    "ck_planning_dates": ("date_fin", "La fin du créneau doit suivre son début."),
    "uq_planning_intervention_id": ("intervention_id", "Cette intervention est déjà planifiée."),
    "ck_planning_duree": ("date_fin", "Un créneau dure au plus 14 jours."),
    "ck_absences_dates": ("date_fin", "La fin de l'absence doit suivre son début."),
    "ck_absences_duree": ("date_fin", "Une absence dure au plus un an."),
    "fk_absences_technicien_id_techniciens": ("technicien_id", "Technicien inconnu."),
    # preventive plans
    "uq_intervention_preventive_ouverte": (
        "type_intervention",
        "Cette machine a déjà une intervention préventive ouverte.",
    ),
    "ck_equipements_intervalle_maintenance_positif": (
        "intervalle_maintenance_jours",
        "L'intervalle de maintenance est un nombre de jours entre 1 et 3660.",
    ),
}

# SQLSTATE class -> generic message when the rule has no entry above.
GENERIC: dict[str, str] = {
    "23505": "Cette valeur existe déjà.",
    "23503": "Référence inconnue, ou enregistrement encore utilisé ailleurs.",
    "23502": "Un champ obligatoire est vide.",
    "23514": "Valeur refusée par une règle de gestion.",
    "23P01": "Ce créneau chevauche une autre occupation du technicien.",
    "22001": "Texte trop long.",
    "22003": "Nombre hors limites.",
    "22007": "Date invalide.",
    "22008": "Date hors limites.",
    "22P02": "Valeur invalide.",
    "42501": "Action non autorisée pour votre profil.",
    "40001": "Conflit avec une autre modification : réessayez.",
    "40P01": "Conflit avec une autre modification : réessayez.",
}


@dataclass
class ServiceError(Exception):
    """A refused action, with a French message and optionally the field it concerns."""

    message: str
    field: str | None = None
    rule: str | None = None
    details: list[str] = dc_field(default_factory=list)

    def __str__(self) -> str:
        return self.message


class ValidationError(ServiceError):
    """Several invalid fields at once: ``errors`` maps field → French message.

    ``message``/``field`` carry the first error, so code that knows only ``ServiceError``
    still shows something right.
    """

    def __init__(self, errors: Mapping[str, str]) -> None:
        first_field, first_message = next(iter(errors.items()))
        super().__init__(first_message, field=first_field, rule="validation")
        self.errors: dict[str, str] = dict(errors)


class ConflictError(ServiceError):
    """Optimistic concurrency: the record changed since the user loaded it."""


def describe(exc: BaseException) -> ServiceError:
    """French ``ServiceError`` for a database exception (or any exception, generically)."""
    if isinstance(exc, ServiceError):
        return exc
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    diag = getattr(orig, "diag", None)
    sqlstate = getattr(orig, "sqlstate", None) or ""
    rule = getattr(diag, "constraint_name", None) if diag is not None else None
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    if rule and rule in MESSAGES:
        fld, msg = MESSAGES[rule]
        return ServiceError(msg, field=fld, rule=rule)
    # Trigger rules raise with a French message of their own (sqlstate 23514 + rule name).
    if rule and sqlstate == "23514" and primary:
        return ServiceError(primary, field=None, rule=rule)
    if rule and sqlstate == "42501" and primary:  # role guards raise their own French text
        return ServiceError(primary, field=None, rule=rule)
    if sqlstate == "42501" and primary and "row-level security" in primary:
        return ServiceError("Action non autorisée sur cet enregistrement.", rule="rls")
    column = getattr(diag, "column_name", None) if diag is not None else None
    msg = GENERIC.get(sqlstate, "L'opération a été refusée par la base de données.")
    return ServiceError(msg, field=column, rule=rule or sqlstate or None)
