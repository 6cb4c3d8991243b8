"""Background tasks of the equipment domain: preventive work orders ahead of their date.

The generation itself is ``db.equipment.preventive.generate_preventive(*, session | conn,
horizon_days) -> int`` (idempotent: at most one open preventive per machine). Its periodic
task exists only when that module is present: it is looked up when this module is imported,
and the worker's registry then lists it (``python -m db worker`` prints its tasks).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
from collections.abc import Callable
from typing import Any

from procrastinate import Blueprint

blueprint = Blueprint()

PREVENTIVE_MODULE = "db.equipment.preventive"
DEFAULT_HORIZON_DAYS = 30
MAX_HORIZON_DAYS = 366  # what generate_preventive accepts


def horizon_days() -> int:
    """How far ahead preventive work is generated (``MIF_PREVENTIVE_HORIZON_DAYS``, 30; 1–366)."""
    try:
        days = int(os.environ.get("MIF_PREVENTIVE_HORIZON_DAYS", DEFAULT_HORIZON_DAYS))
    except ValueError:
        return DEFAULT_HORIZON_DAYS
    return min(max(1, days), MAX_HORIZON_DAYS)


def _find_generator() -> Callable[..., int] | None:
    # find_spec, not try/except ImportError: an error inside an existing module must surface.
    if importlib.util.find_spec(PREVENTIVE_MODULE) is None:
        return None
    module = importlib.import_module(PREVENTIVE_MODULE)
    generator = getattr(module, "generate_preventive", None)
    return generator if callable(generator) else None


generate_preventive = _find_generator()


def run_generation(generator: Callable[..., int], days: int) -> int:
    """Call the generator in one owner transaction, with a session or a connection.

    As the owner, like ``python -m db`` commands: the generation writes interventions, on
    which the worker role has no right (it only executes SECURITY DEFINER maintenance
    functions). A generation moved into such a function could run as the worker instead.
    """
    from db.session import owner_engine, session_scope

    params = inspect.signature(generator).parameters
    kwargs: dict[str, Any] = {"horizon_days": days}
    with session_scope(engine=owner_engine()) as session:
        if "session" in params:
            return int(generator(session=session, **kwargs))
        return int(generator(conn=session.connection(), **kwargs))


if generate_preventive is not None:
    _generator = generate_preventive

    # Hourly: idempotent (at most one open preventive per machine), so a tick missed or run
    # twice changes nothing; the lock keeps two workers from generating at the same time.
    @blueprint.periodic(cron="45 * * * *")
    @blueprint.task(
        name="generate_preventive",
        queueing_lock="equipment.generate_preventive",
        lock="equipment.generate_preventive",
    )
    def preventive(timestamp: int) -> int:
        """Preventive work orders due within the horizon; returns how many were created."""
        return run_generation(_generator, horizon_days())
