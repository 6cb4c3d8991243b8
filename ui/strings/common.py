"""Strings shared by every page."""

STRINGS: dict[str, dict[str, str]] = {
    "app.title": {"fr": "MIF Maroc — Maintenance", "en": "MIF Maroc — Maintenance"},
    "lang.label": {"fr": "Langue", "en": "Language"},
    "common.save": {"fr": "Enregistrer", "en": "Save"},
    "common.cancel": {"fr": "Annuler", "en": "Cancel"},
    "common.confirm": {"fr": "Confirmer", "en": "Confirm"},
    "common.search": {"fr": "Rechercher", "en": "Search"},
    "common.none": {"fr": "Aucun résultat.", "en": "No results."},
    "common.error": {
        "fr": "Une erreur inattendue est survenue. L'action n'a pas été enregistrée.",
        "en": "An unexpected error occurred. Nothing was saved.",
    },
    "common.forbidden": {
        "fr": "Cette page n'est pas accessible avec votre profil.",
        "en": "This page is not available for your profile.",
    },
}
