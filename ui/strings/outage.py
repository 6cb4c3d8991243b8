"""Database outage: what a page shows when the database cannot be reached."""

STRINGS: dict[str, dict[str, str]] = {
    "outage.unavailable": {
        "fr": (
            "Base de données indisponible : le serveur ne répond pas. Réessayez dans un instant."
        ),
        "en": "Database unavailable: the server does not answer. Try again in a moment.",
    },
    "outage.restarted": {
        "fr": "Le serveur de base de données a été redémarré.",
        "en": "The database server has been started again.",
    },
    "outage.retry": {"fr": "Réessayer", "en": "Try again"},
}
