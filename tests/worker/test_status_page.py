"""The admin's "État de la base" shows the background worker: alive or not, each task's run."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

from ui.i18n import catalogue

os.environ["MIF_LOGIN_DELAY"] = "0"
APP = str(Path(__file__).resolve().parents[2] / "app.py")


def fr(key: str) -> str:
    return catalogue()[key]["fr"]


def status_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "admin"
    at.session_state["name"] = "admin"
    at.run()
    at.switch_page("pages/etat_base.py").run()
    assert not at.exception, at.exception
    return at


def test_the_status_page_lists_each_periodic_task_and_says_no_worker_is_alive(
    owner_engine: Engine,
) -> None:
    with owner_engine.begin() as c:
        c.execute(text("TRUNCATE procrastinate_workers CASCADE"))
    at = status_page()
    assert fr("worker.title") in [h.value for h in at.subheader]
    assert any(fr("worker.none_alive") in w.value for w in at.warning)
    table = at.dataframe[-1].value
    tasks = list(table[fr("worker.col_task")])
    assert fr("worker.task.interventions:notify_late") in tasks
    assert fr("worker.task.reporting:refresh_views") in tasks
    assert fr("worker.task.planning:slot_reminders") in tasks


def test_a_live_worker_and_a_task_run_are_shown(owner_engine: Engine) -> None:
    with owner_engine.begin() as c:
        c.execute(text("INSERT INTO procrastinate_workers DEFAULT VALUES"))
        job = c.execute(
            text(
                "INSERT INTO procrastinate_jobs (queue_name, task_name, args) VALUES"
                " ('default', 'reporting:refresh_views', '{\"timestamp\": 5}') RETURNING id"
            )
        ).scalar_one()
        c.execute(text("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = :j"), {"j": job})
        c.execute(
            text("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id = :j"), {"j": job}
        )
    try:
        at = status_page()
        assert not any(fr("worker.none_alive") in w.value for w in at.warning)
        assert at.metric[0].value == "1"
        assert at.metric[1].value.startswith("il y a ")
        table = at.dataframe[-1].value
        row = table[table[fr("worker.col_task")] == fr("worker.task.reporting:refresh_views")]
        assert list(row[fr("worker.col_status")]) == [fr("worker.status.succeeded")]
        assert list(row[fr("worker.col_last")]) != [fr("worker.never")]
    finally:
        with owner_engine.begin() as c:
            c.execute(
                text(
                    "TRUNCATE procrastinate_events, procrastinate_periodic_defers,"
                    " procrastinate_jobs, procrastinate_workers"
                )
            )
