"""``python -m db notify-late``: fit for cron, a deadline is announced once."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import URL

from db.__main__ import main


def test_notify_late_prints_its_count_and_a_second_run_writes_nothing(
    db_url: URL, capsys: pytest.CaptureFixture[str]
):
    assert main(["notify-late"]) == 0
    assert "notifications de retard écrites" in capsys.readouterr().out
    assert main(["notify-late"]) == 0
    assert "notifications de retard écrites : 0" in capsys.readouterr().out
