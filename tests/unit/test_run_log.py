"""The lines -v and --debug write, and what the JSON log holds: never a header, always redacted."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest

from reconciler.cli.run_log import JsonLog, describe_repository, describe_request, describe_wait
from reconciler.github.http import RequestEvent, WaitEvent
from reconciler.progress import PhaseStarted, RepositoryDone
from reconciler.redaction import register

SECRET = "s3cr3t-value-in-a-query-0123456789"


def test_a_request_line_names_method_path_status_duration_cache_retries_and_budget() -> None:
    event = RequestEvent(
        "GET", "/repos/o/r/labels?per_page=100", 304, 0.0123, "list labels", "o/r",
        from_cache=True, retries=2, remaining=4321, resource="core",
    )  # fmt: skip
    assert describe_request(event) == (
        "GET /repos/o/r/labels?per_page=100 304 12 ms; 304 from cache; retry 2; remaining 4,321 (core)"
    )
    failed = RequestEvent("GET", "/user", None, 0.002, "read the user", "", error="cannot reach x: connection refused")
    assert describe_request(failed) == "GET /user no answer 2 ms; cannot reach x: connection refused"
    wait = WaitEvent("the REST points-per-minute limit", 2.5, "list labels", "o/r")
    assert describe_wait(wait) == "wait 2.5 s for the REST points-per-minute limit (list labels)"


def test_repository_lines_say_what_was_done_there() -> None:
    assert describe_repository(RepositoryDone("plan", "o/r", changes=3)) == "planned o/r: 3 changes"
    assert describe_repository(RepositoryDone("plan", "o/r")) == "planned o/r: no changes"
    assert describe_repository(RepositoryDone("plan", "o/r", failed=1, error="404")) == "could not read o/r: 404"
    applied = RepositoryDone("apply", "o/r", changes=4, failed=1, error="HTTP 422")
    assert describe_repository(applied) == "applied o/r: 4 changes made, 1 failed (HTTP 422)"


def test_the_json_log_appends_redacted_lines_only_the_user_can_read(tmp_path: Path) -> None:
    register(SECRET)
    path = tmp_path / "run.jsonl"
    for command in ("plan", "apply"):
        log = JsonLog(path, command)
        log.request_finished(RequestEvent("GET", f"/search?q={SECRET}", 200, 0.5, "search", "o/r", remaining=7))
        log.waited(WaitEvent("write spacing", 1.0, "create label", "o/r"))
        log.progress(PhaseStarted("apply", 1))
        log.progress(RepositoryDone("apply", "o/r", changes=1))
        log.close()
    text = path.read_text()
    assert SECRET not in text and "/search?q=***" in text
    records = [json.loads(line) for line in text.splitlines()]
    assert [r["event"] for r in records] == ["run", "request", "wait", "phase", "repository"] * 2
    assert records[1]["duration_ms"] == 500.0 and records[1]["remaining"] == 7
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_an_unwritable_log_file_is_the_users_error(tmp_path: Path) -> None:
    from reconciler.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="--log-file"):
        JsonLog(tmp_path / "missing" / "run.jsonl", "plan")


def test_debug_records_are_redacted_for_every_handler(caplog: pytest.LogCaptureFixture) -> None:
    from reconciler.cli.redacted import redact_log_records
    from reconciler.cli.run_log import DebugLog

    redact_log_records()
    register(SECRET)
    caplog.set_level(logging.DEBUG, logger="reconciler.requests")
    DebugLog().request_finished(RequestEvent("GET", f"/x?token={SECRET}", 200, 0.1, "x", "o/r"))
    assert caplog.records and SECRET not in caplog.text and "/x?token=***" in caplog.text
