"""Command line of the data layer: ``python -m db <command>``.

Commands: migrate, downgrade, seed, refresh-views, archive, notify-late, preventive,
create-user, status, worker.
They run as the table owner (``DATABASE_URL``, or the embedded server).
"""

from __future__ import annotations

import argparse
import getpass
import os
import socket
import sys
import time
from typing import Any

from sqlalchemy import text

from db import config, health, migrate


def _owner_session() -> Any:  # small local helper; imports lazily to keep start-up light
    from db.session import owner_engine, session_scope

    return session_scope(engine=owner_engine())


def cmd_migrate(args: argparse.Namespace) -> int:
    """Create the database if needed and upgrade it to ``head`` (or a given revision)."""
    migrate.upgrade(revision=args.revision)
    print(f"Base à jour : révision {migrate.current_revision()}")
    return 0


def cmd_downgrade(args: argparse.Namespace) -> int:
    """Downgrade to a revision (``base`` removes every object of the schema)."""
    migrate.downgrade(revision=args.revision)
    print(f"Révision actuelle : {migrate.current_revision() or 'aucune'}")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    """Load the demo data (adds nothing when it is already there)."""
    from db.seed import run_seed

    report = run_seed(scale=args.scale)
    if not report.created:
        print(f"Données de démonstration déjà présentes : rien ajouté ({report.seconds:.2f} s).")
        return 0
    width = max(len(t) for t in report.counts)
    for table, n in report.counts.items():
        print(f"  {table:<{width}}  {n:>9}")
    print(f"Données de démonstration chargées en {report.seconds:.2f} s (échelle {args.scale}).")
    return 0


def cmd_refresh_views(_args: argparse.Namespace) -> int:
    """Refresh the materialized views (CONCURRENTLY)."""
    started = time.perf_counter()
    with _owner_session() as session:
        session.execute(text("SELECT refresh_materialized_views()"))
    print(f"Vues matérialisées rafraîchies en {time.perf_counter() - started:.2f} s.")
    return 0


def cmd_archive(_args: argparse.Namespace) -> int:
    """Run the retention function and print the counts it returns (and records)."""
    with _owner_session() as session:
        done = session.execute(text("SELECT * FROM archive_old_interventions()")).one()
    print(f"  interventions archivées : {done.archived}")
    print(f"  notifications supprimées : {done.notifications_deleted}")
    print(f"  lignes d'historique supprimées : {done.audit_deleted}")
    return 0


def cmd_notify_late(_args: argparse.Namespace) -> int:
    """Announce the deadlines passed (``notify_late_interventions()``) and print the count.

    Fit for cron: a deadline is announced once per user, so a second run writes nothing new.
    """
    with _owner_session() as session:
        written = int(session.execute(text("SELECT notify_late_interventions()")).scalar_one())
    print(f"  notifications de retard écrites : {written}")
    return 0


def cmd_preventive(args: argparse.Namespace) -> int:
    """Generate the preventive work orders due within the horizon and print the count.

    Fit for cron: at most one open preventive per machine, so a second run creates nothing.
    """
    from db.equipment.preventive import generate_preventive

    with _owner_session() as session:
        created = generate_preventive(session=session, horizon_days=args.horizon)
    print(f"  interventions préventives créées : {created}")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    """Create a user account; the password is asked twice on the terminal (bcrypt)."""
    from db.errors import ServiceError
    from db.people.service import create_user

    password = getpass.getpass("Mot de passe : ")
    if password != getpass.getpass("Confirmez le mot de passe : "):
        print("Les deux mots de passe diffèrent.", file=sys.stderr)
        return 1
    try:
        with _owner_session() as session:
            user_id = create_user(
                session=session,
                username=args.username,
                full_name=args.full_name,
                email=args.email,
                password=password,
                role=args.role,
            )
    except ServiceError as exc:
        print(f"Refusé : {exc.message}", file=sys.stderr)
        return 1
    print(f"Utilisateur « {args.username} » créé (id {user_id}).")
    return 0


def _time_zone_state() -> str:
    """Whether the database server and the app agree on the business zone's offset now."""
    from db.tz import BUSINESS_ZONE, database_offset_disagreement

    with _owner_session() as session:
        agreed = f"{BUSINESS_ZONE}, serveur et application d'accord"
        return database_offset_disagreement(session) or agreed


def cmd_status(_args: argparse.Namespace) -> int:
    """Where the database is, and what is wrong with it if anything.

    Exit code 0: schema up to date; 1: database missing or schema not migrated; 2: server
    unreachable (or the embedded one cannot start).
    """
    if config.uses_embedded():
        running = config.embedded_server_running()
        print(
            f"Serveur : PostgreSQL embarqué ({config.pgdata_dir()})"
            + ("" if running else " — il ne tournait pas : démarré pour cette commande")
        )
    else:
        print("Serveur : DATABASE_URL")
    diagnosis = health.diagnose()
    if diagnosis.state != "unreachable" or not config.uses_embedded():
        print(f"Base (propriétaire) : {config.owner_url().render_as_string(hide_password=True)}")
        print(f"Base (application) : {config.app_url().render_as_string(hide_password=True)}")
    if diagnosis.revision is not None:
        print(f"Révision : {diagnosis.revision}" + (" (à jour)" if diagnosis.ok else ""))
    print(f"État : {diagnosis.message}")
    if diagnosis.ok:
        print(f"Fuseau horaire : {_time_zone_state()}")
    return {"up_to_date": 0, "missing": 1, "not_migrated": 1}.get(diagnosis.state, 2)


def cmd_worker(args: argparse.Namespace) -> int:
    """Run one background worker (procrastinate) until SIGINT / SIGTERM.

    Several may run at once, on one machine or several, against the same database: each job
    is fetched by one worker only, each periodic tick deferred once.
    """
    import logging

    from db.worker.registry import app, periodic_task_names

    diagnosis = health.diagnose()
    if not diagnosis.ok:
        print(diagnosis.message, file=sys.stderr)
        return 1 if diagnosis.state in ("missing", "not_migrated") else 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    print(f"Travailleur « {args.name} » : tâches périodiques {', '.join(periodic_task_names())}")
    app.run_worker(name=args.name, concurrency=args.concurrency)
    print(f"Travailleur « {args.name} » arrêté.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of ``python -m db``."""
    parser = argparse.ArgumentParser(prog="python -m db", description="Base MIF Maroc")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("migrate", help="créer la base si besoin et appliquer les migrations")
    p.add_argument("revision", nargs="?", default="head")
    p.set_defaults(func=cmd_migrate)
    p = sub.add_parser("downgrade", help="revenir à une révision (base = tout retirer)")
    p.add_argument("revision")
    p.set_defaults(func=cmd_downgrade)
    p = sub.add_parser("seed", help="charger les données de démonstration (idempotent)")
    p.add_argument("--scale", type=int, default=1, help="multiplie le volume (défaut 1)")
    p.set_defaults(func=cmd_seed)
    sub.add_parser("refresh-views", help="rafraîchir les vues matérialisées").set_defaults(
        func=cmd_refresh_views
    )
    sub.add_parser("archive", help="archivage et rétention").set_defaults(func=cmd_archive)
    sub.add_parser(
        "notify-late", help="notifier les échéances dépassées (une fois par utilisateur)"
    ).set_defaults(func=cmd_notify_late)
    p = sub.add_parser(
        "preventive", help="créer les interventions préventives à venir (idempotent)"
    )
    p.add_argument("--horizon", type=int, default=30, help="jours à l'avance (défaut 30)")
    p.set_defaults(func=cmd_preventive)
    p = sub.add_parser("create-user", help="créer un compte (mot de passe demandé)")
    p.add_argument("username")
    p.add_argument("--full-name", required=True)
    p.add_argument("--email", required=True)
    p.add_argument(
        "--role", required=True, choices=["admin", "responsable", "technicien", "client"]
    )
    p.set_defaults(func=cmd_create_user)
    sub.add_parser("status", help="serveur, URL et révision").set_defaults(func=cmd_status)
    p = sub.add_parser("worker", help="lancer un travailleur de tâches en arrière-plan")
    p.add_argument("--name", default=f"worker-{socket.gethostname()}-{os.getpid()}")
    p.add_argument("--concurrency", type=int, default=1, help="tâches en parallèle (défaut 1)")
    p.set_defaults(func=cmd_worker)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except health.CONNECTION_ERRORS as exc:
        # No traceback for the usual operator situations: say which one it is (server down,
        # database missing, schema not migrated), not always "run migrate".
        driver_error = getattr(exc, "orig", exc)
        undefined_table = getattr(driver_error, "sqlstate", None) == "42P01"
        if not (health.is_unavailable(exc) or undefined_table):
            raise
        diagnosis = health.diagnose()
        if diagnosis.ok:  # the schema is fine: the error was about something else
            print(f"Base injoignable : {health.reason(exc)}", file=sys.stderr)
        else:
            print(diagnosis.message, file=sys.stderr)
        return 1 if diagnosis.state in ("missing", "not_migrated") else 2


if __name__ == "__main__":
    sys.exit(main())
