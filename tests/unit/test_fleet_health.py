"""Run figures, failing streaks, the token's expiry and the status page, as pure functions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from reconciler.checks.access import check_token
from reconciler.checks.agent_loops import check_agent_loops
from reconciler.checks.model import Status, Unavailable
from reconciler.durations import parse_duration
from reconciler.fleet.alerts import LoopHealth, alert_body, is_alert
from reconciler.fleet.runs import figures
from reconciler.fleet.svg import runs_per_day, success_rate_per_day
from reconciler.github.account import TokenInfo, token_expiry
from reconciler.github.runs import LiveRun, failures_in_a_row
from reconciler.github.web import web_url

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def a_run(hours_ago: float, conclusion: str | None, minutes: float = 10, number: int = 0) -> LiveRun:
    created = NOW - timedelta(hours=hours_ago)
    status = "completed" if conclusion is not None else "in_progress"
    return LiveRun(
        id=1000 + number,
        run_number=number,
        event="schedule",
        status=status,
        conclusion=conclusion,
        created_at=created,
        updated_at=created + timedelta(minutes=minutes),
        run_started_at=created,
        html_url=f"https://github.com/o/r/actions/runs/{1000 + number}",
    )


def newest_first(*runs: LiveRun) -> list[LiveRun]:
    return sorted(runs, key=lambda r: r.created_at, reverse=True)


def test_a_streak_counts_failures_since_the_last_success_and_skips_cancelled_and_running_runs() -> None:
    runs = newest_first(
        a_run(1, None, number=6),
        a_run(2, "failure", number=5),
        a_run(3, "cancelled", number=4),
        a_run(4, "timed_out", number=3),
        a_run(5, "success", number=2),
        a_run(6, "failure", number=1),
    )
    assert [r.run_number for r in failures_in_a_row(runs)] == [5, 3]
    assert failures_in_a_row(newest_first(a_run(1, "success"), a_run(2, "failure"))) == []


def test_figures_of_a_window() -> None:
    runs = [
        a_run(50, "success", minutes=20, number=1),  # outside a 24-hour window
        a_run(20, "success", minutes=10, number=2),
        a_run(10, "failure", minutes=2, number=3),
        a_run(5, "cancelled", minutes=4, number=4),
        a_run(0.5, None, number=5),
    ]
    found = figures(runs, NOW - timedelta(hours=24), NOW)
    assert (found.runs, found.succeeded, found.failed, found.cancelled, found.in_progress) == (4, 1, 1, 1, 1)
    assert found.success_rate == 0.5
    assert found.median_duration_seconds == 240  # of 10, 2 and 4 minutes
    assert found.failing_streak == 1
    assert found.last_run is not None and found.last_run.number == 5
    assert found.last_failure is not None and found.last_failure.number == 3
    assert [d.day.isoformat() for d in found.days] == ["2026-12-04", "2026-12-05"]
    assert sum(d.runs for d in found.days) == 4


def test_an_empty_window_has_no_rate_and_no_median() -> None:
    found = figures([], NOW - timedelta(days=2), NOW)
    assert (found.runs, found.success_rate, found.median_duration_seconds, found.last_run) == (0, None, None, None)
    assert len(found.days) == 3


def test_token_expiry_is_a_note_within_two_weeks_drift_within_one_and_broken_once_past() -> None:
    def token(expires: datetime) -> TokenInfo:
        return TokenInfo("octocat", ("repo",), expires.strftime("%Y-%m-%d %H:%M:%S UTC"))

    far = check_token(token(NOW + timedelta(days=30)), None, now=NOW)
    assert far.status is Status.OK and not far.notes and "it expires 2027-01-04 12:00 UTC (in 30 days)" in far.detail
    soon = check_token(token(NOW + timedelta(days=10)), None, now=NOW)
    assert soon.status is Status.OK and "in 10 days" in soon.notes[0]
    close = check_token(token(NOW + timedelta(days=3)), None, now=NOW)
    assert close.status is Status.DRIFT
    assert "the token expires 2026-12-08 12:00 UTC (in 3 days)" in close.findings[0].text
    gone = check_token(token(NOW - timedelta(minutes=1)), None, now=NOW)
    assert gone.status is Status.BROKEN and "expired 2026-12-05 11:59 UTC" in gone.detail
    forever = check_token(TokenInfo("octocat", ("repo",)), None, now=NOW)
    assert forever.status is Status.OK and "expire" not in forever.detail


def test_an_installation_token_says_the_app_key_age_cannot_be_seen_and_its_hour_is_no_finding() -> None:
    app = check_token(TokenInfo(None, None, "2026-12-05 12:30:00 UTC"), None, now=NOW)
    assert app.status is Status.OK and not app.findings
    assert any("private key" in note and "not" in note for note in app.notes)


def test_github_spells_the_expiry_more_than_one_way() -> None:
    assert token_expiry("2026-12-31 00:00:00 UTC") == datetime(2026, 12, 31, tzinfo=UTC)
    assert token_expiry("2026-12-31 00:00:00 -0800") == datetime(2026, 12, 31, 8, tzinfo=UTC)
    assert token_expiry("soon") is None and token_expiry(None) is None


def test_verify_finds_a_failing_agent_loop_with_a_link_and_notes_runs_it_could_not_read() -> None:
    failing = newest_first(a_run(1, "failure", number=3), a_run(2, "failure", number=2), a_run(3, "success"))
    check = check_agent_loops(
        {
            ("o/kernel", ".github/workflows/agent.yml"): failing,
            ("o/runtime", ".github/workflows/agent.yml"): newest_first(a_run(1, "failure"), a_run(2, "success")),
            ("o/other", ".github/workflows/agent.yml"): Unavailable("Forbidden (HTTP 403)"),
        },
        None,
    )
    assert check.status is Status.DRIFT and check.detail == "1 of 3 agent loops failing"
    (finding,) = check.findings
    assert finding.repository == "o/kernel" and finding.text.endswith("https://github.com/o/r/actions/runs/1003")
    assert check.notes and "Forbidden" in check.notes[0]


def test_an_alert_needs_the_threshold_and_its_body_changes_only_with_a_new_finished_run() -> None:
    runs = newest_first(a_run(1, None, number=4), a_run(2, "failure", number=3), a_run(4, "failure", number=2))
    health = LoopHealth("o/r", ".github/workflows/agent.yml", "active", tuple(failures_in_a_row(runs)), runs[1])
    assert is_alert(health, 2) and not is_alert(health, 3)
    body = alert_body(health, 2, "desired-state")
    assert "failed its last 2 finished runs" in body and "[run #3](https://github.com/o/r/actions/runs/1003)" in body
    assert alert_body(health, 2, "desired-state") == body
    worse = LoopHealth(
        health.repository, health.workflow, "active", (a_run(0.2, "failure", number=5), *health.streak), None
    )
    assert alert_body(worse, 2, "desired-state") != body


def test_charts_are_inline_svg_without_any_address() -> None:
    days = figures([a_run(30, "success"), a_run(2, "failure")], NOW - timedelta(days=3), NOW).days
    for chart in (runs_per_day(days), success_rate_per_day(days)):
        assert chart.startswith("<svg") and chart.endswith("</svg>")
        assert not re.search(r"https?:|xmlns|href", chart)
    assert runs_per_day(days).count("<rect") == 2 + 2  # a bar for each day with runs, a stub for each without


@pytest.mark.parametrize(
    ("text", "seconds"), [("90m", 5400), ("24h", 86400), ("7d", 604800), ("2w", 1209600), ("30", 30), ("1.5h", 5400)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "0h", "-1d", "3 days", "h"])
def test_durations_that_are_not(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_web_pages_of_an_api() -> None:
    assert web_url("https://api.github.com") == "https://github.com"
    assert web_url("https://ghe.example.com/api/v3/") == "https://ghe.example.com"
    assert web_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
