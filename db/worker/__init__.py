"""Background work on a job engine (procrastinate): the app, the tasks' registry, the CLI worker.

Tasks live with their domain (``db/<domain>/tasks.py``, one procrastinate ``Blueprint`` each)
and are registered in one place, :mod:`db.worker.registry`. The engine's schema is installed
by an Alembic revision; the worker runs its SQL as the ``mif_worker`` role.
"""
