"""Background worker: its section of the admin's database status page."""

STRINGS: dict[str, dict[str, str]] = {
    "worker.title": {"fr": "Travaux en arrière-plan", "en": "Background work"},
    "worker.alive": {"fr": "Travailleurs actifs", "en": "Workers alive"},
    "worker.none_alive": {
        "fr": (
            "Aucun travailleur actif : les rappels, retards, vues et la rétention ne tournent"
            " pas. Lancez `python -m db worker` (ou `make run`)."
        ),
        "en": (
            "No worker alive: reminders, late notices, views and retention are not running."
            " Start `python -m db worker` (or `make run`)."
        ),
    },
    "worker.heartbeat": {"fr": "Dernier signe de vie", "en": "Last heartbeat"},
    "worker.ago": {"fr": "il y a {n} s", "en": "{n} s ago"},
    "worker.waiting": {"fr": "En attente", "en": "Waiting"},
    "worker.running": {"fr": "En cours", "en": "Running"},
    "worker.failed": {"fr": "En échec", "en": "Failed"},
    "worker.col_task": {"fr": "Tâche", "en": "Task"},
    "worker.col_schedule": {"fr": "Planification (cron, UTC)", "en": "Schedule (cron, UTC)"},
    "worker.col_last": {"fr": "Dernière exécution", "en": "Last run"},
    "worker.col_status": {"fr": "État", "en": "Status"},
    "worker.col_success": {"fr": "Dernier succès", "en": "Last success"},
    "worker.never": {"fr": "jamais", "en": "never"},
    "worker.error": {
        "fr": "L'état des travaux en arrière-plan n'a pas pu être lu.",
        "en": "The background work status could not be read.",
    },
    "worker.status.todo": {"fr": "en attente", "en": "waiting"},
    "worker.status.doing": {"fr": "en cours", "en": "running"},
    "worker.status.succeeded": {"fr": "réussie", "en": "succeeded"},
    "worker.status.failed": {"fr": "en échec", "en": "failed"},
    "worker.status.cancelled": {"fr": "annulée", "en": "cancelled"},
    "worker.status.aborted": {"fr": "interrompue", "en": "aborted"},
    "worker.task.interventions:notify_late": {
        "fr": "Interventions en retard (notifications)",
        "en": "Late interventions (notifications)",
    },
    "worker.task.planning:slot_reminders": {
        "fr": "Rappels des créneaux (24 h)",
        "en": "Slot reminders (24 h)",
    },
    "worker.task.reporting:refresh_views": {
        "fr": "Rafraîchissement des vues matérialisées",
        "en": "Materialized views refresh",
    },
    "worker.task.reporting:retention": {
        "fr": "Archivage et rétention",
        "en": "Archiving and retention",
    },
    "worker.task.equipment:generate_preventive": {
        "fr": "Génération des interventions préventives",
        "en": "Preventive work orders",
    },
    "worker.task.worker:cleanup": {
        "fr": "Nettoyage des tâches terminées",
        "en": "Finished jobs clean-up",
    },
}
