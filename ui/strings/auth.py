"""Strings of the app shell: login, session, navigation, sidebar and the database status page."""

STRINGS: dict[str, dict[str, str]] = {
    # Login form
    "auth.welcome": {
        "fr": "Gestion de la maintenance industrielle",
        "en": "Industrial maintenance management",
    },
    "auth.form_title": {"fr": "Connexion", "en": "Sign in"},
    "auth.username": {"fr": "Nom d'utilisateur", "en": "Username"},
    "auth.password": {"fr": "Mot de passe", "en": "Password"},
    "auth.submit": {"fr": "Se connecter", "en": "Sign in"},
    "auth.bad_credentials": {
        "fr": "Nom d'utilisateur ou mot de passe incorrect.",
        "en": "Wrong username or password.",
    },
    "auth.locked": {
        "fr": (
            "Ce compte est verrouillé après {n} tentatives de connexion échouées. "
            "Réessayez dans {minutes} minutes ou contactez l'administrateur."
        ),
        "en": (
            "This account is locked after {n} failed sign-in attempts. "
            "Try again in {minutes} minutes or contact the administrator."
        ),
    },
    "auth.locked_now": {
        "fr": ("Trop de tentatives échouées : le compte est verrouillé pendant {minutes} minutes."),
        "en": "Too many failed attempts: the account is locked for {minutes} minutes.",
    },
    "auth.session_ended": {
        "fr": "Votre session a pris fin. Reconnectez-vous.",
        "en": "Your session has ended. Please sign in again.",
    },
    "auth.logged_out": {"fr": "Vous êtes déconnecté.", "en": "You are signed out."},
    "auth.unavailable": {
        "fr": "La base de données est injoignable. Réessayez dans un instant.",
        "en": "The database cannot be reached. Try again in a moment.",
    },
    "auth.cookie_key_missing": {
        "fr": (
            "Configuration incomplète : aucune clé de cookie de session. Définissez "
            "`cookie_key` dans `.streamlit/secrets.toml` ou la variable d'environnement "
            "`MIF_COOKIE_KEY` (au moins 32 caractères aléatoires), puis relancez l'application."
        ),
        "en": (
            "Incomplete configuration: no session cookie key. Set `cookie_key` in "
            "`.streamlit/secrets.toml` or the `MIF_COOKIE_KEY` environment variable (at least "
            "32 random characters), then restart the application."
        ),
    },
    "auth.cookie_key_short": {
        "fr": (
            "La clé de cookie de session est trop courte ({n} caractères) : il en faut au moins 32."
        ),
        "en": "The session cookie key is too short ({n} characters): at least 32 are needed.",
    },
    # Sidebar
    "sidebar.signed_in_as": {"fr": "Connecté", "en": "Signed in"},
    "sidebar.logout": {"fr": "Se déconnecter", "en": "Sign out"},
    "sidebar.lang_fr": {"fr": "Français", "en": "Français"},
    "sidebar.lang_en": {"fr": "English", "en": "English"},
    # Navigation: sections and page titles
    "nav.section.home": {"fr": "Tableau de bord", "en": "Dashboard"},
    "nav.section.operations": {"fr": "Exploitation", "en": "Operations"},
    "nav.section.admin": {"fr": "Administration", "en": "Administration"},
    "nav.home": {"fr": "Accueil", "en": "Home"},
    "nav.equipment": {"fr": "Parc équipements", "en": "Equipment"},
    "nav.db_status": {"fr": "État de la base", "en": "Database status"},
    "nav.page_unavailable": {
        "fr": "Cette page n'existe pas ou ne vous est pas ouverte : voici votre tableau de bord.",
        "en": "This page does not exist or is not open to you: here is your dashboard.",
    },
    # Database status page
    "dbstatus.title": {"fr": "État de la base de données", "en": "Database status"},
    "dbstatus.server": {"fr": "Serveur", "en": "Server"},
    "dbstatus.embedded": {"fr": "PostgreSQL intégré (local)", "en": "Embedded PostgreSQL (local)"},
    "dbstatus.external": {"fr": "Serveur PostgreSQL externe", "en": "External PostgreSQL server"},
    "dbstatus.version": {"fr": "Version", "en": "Version"},
    "dbstatus.database": {"fr": "Base", "en": "Database"},
    # Units of the database size (binary multiples)
    "dbstatus.unit.b": {"fr": "o", "en": "B"},
    "dbstatus.unit.kb": {"fr": "Ko", "en": "KB"},
    "dbstatus.unit.mb": {"fr": "Mo", "en": "MB"},
    "dbstatus.unit.gb": {"fr": "Go", "en": "GB"},
    "dbstatus.unit.tb": {"fr": "To", "en": "TB"},
    "dbstatus.revision": {"fr": "Révision du schéma", "en": "Schema revision"},
    "dbstatus.up_to_date": {"fr": "à jour", "en": "up to date"},
    "dbstatus.behind": {
        "fr": "en retard (dernière : {head})",
        "en": "behind (latest: {head})",
    },
    "dbstatus.none": {"fr": "aucune", "en": "none"},
    "dbstatus.tables": {"fr": "Lignes par table", "en": "Rows per table"},
    "dbstatus.col_table": {"fr": "Table", "en": "Table"},
    "dbstatus.col_rows": {"fr": "Lignes", "en": "Rows"},
    "dbstatus.estimated": {
        "fr": "≈ : estimation de PostgreSQL pour les tables de plus de {n} lignes "
        "(un comptage exact y coûterait plusieurs secondes).",
        "en": "≈: PostgreSQL's estimate for tables of more than {n} rows "
        "(an exact count there would take seconds).",
    },
    "dbstatus.total": {
        "fr": "{tables} tables, {rows} lignes au total.",
        "en": "{tables} tables, {rows} rows in total.",
    },
    "dbstatus.error": {
        "fr": "L'état de la base n'a pas pu être lu.",
        "en": "The database status could not be read.",
    },
}
