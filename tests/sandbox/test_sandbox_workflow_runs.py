"""Workflow runs: a few days of seeded history relative to the sandbox's clock, GitHub's filters
and pagination, and runs an operator records so a failing agent loop can recover."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from github import Auth, Github

from reconciler.sandbox import Sandbox, sandbox_group

ORG = "Sovereign-Operating-System"
KERNEL = f"{ORG}/sovereign-kernel"
RUNTIME = f"{ORG}/agent-runtime"
LOOP = "autonomous-agent-loop.yml"


def runs(sandbox: Sandbox, repository: str, path: str = "/actions/runs", **params: Any) -> requests.Response:
    return requests.get(
        f"{sandbox.url}/repos/{repository}{path}",
        headers={"Authorization": "token test-token"},
        params={"per_page": 100, **params},
    )


def all_runs(sandbox: Sandbox, repository: str, **params: Any) -> list[dict[str, Any]]:
    response = runs(sandbox, repository, **params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total_count"] == len(body["workflow_runs"])
    listed: list[dict[str, Any]] = body["workflow_runs"]
    return listed


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def completed_loop_runs(sandbox: Sandbox, repository: str) -> list[dict[str, Any]]:
    listed = all_runs(sandbox, repository)
    return [r for r in listed if r["path"].partition("@")[0].endswith(LOOP) and r["status"] == "completed"]


def test_the_seeded_history_covers_days_of_the_agent_loop_newest_first(sandbox: Sandbox) -> None:
    listed = all_runs(sandbox, KERNEL)
    now = datetime.fromtimestamp(sandbox.now(), UTC)

    created = [moment(r["created_at"]) for r in listed]
    assert created == sorted(created, reverse=True)
    assert now - created[-1] > timedelta(days=2)
    assert all(moment(r["updated_at"]) <= now for r in listed)
    newest = listed[0]
    assert (newest["status"], newest["conclusion"], newest["event"]) == ("in_progress", None, "schedule")
    assert newest["name"] == "Autonomous Agent Loop" and newest["path"] == f".github/workflows/{LOOP}@main"
    assert newest["html_url"] == f"{sandbox.url}/{KERNEL}/actions/runs/{newest['id']}"
    assert newest["head_branch"] == "main" and newest["head_commit"]["id"] == newest["head_sha"]
    assert newest["run_attempt"] == 1 and newest["run_started_at"] == newest["created_at"]
    finished = [r for r in listed if r["status"] == "completed"]
    durations = {moment(r["updated_at"]) - moment(r["run_started_at"]) for r in finished}
    assert all(timedelta(minutes=1) < d < timedelta(minutes=30) for d in durations)


def test_the_kernel_loop_keeps_failing_lately_and_the_runtime_loop_is_healthy(sandbox: Sandbox) -> None:
    yesterday = datetime.fromtimestamp(sandbox.now(), UTC) - timedelta(hours=24)
    kernel = completed_loop_runs(sandbox, KERNEL)
    runtime = completed_loop_runs(sandbox, RUNTIME)

    recent = [r["conclusion"] for r in kernel if moment(r["created_at"]) > yesterday]
    earlier = [r["conclusion"] for r in kernel if moment(r["created_at"]) <= yesterday]
    assert len(recent) >= 5 and set(recent) == {"failure"}
    assert "success" in earlier
    assert runtime[0]["conclusion"] == "success"
    assert {"success", "failure", "cancelled"} <= {r["conclusion"] for r in runtime}
    assert not [r for r in all_runs(sandbox, RUNTIME) if r["status"] != "completed"]


def test_a_workflows_runs_by_file_name_or_id(sandbox: Sandbox) -> None:
    by_name = all_runs(sandbox, KERNEL, path=f"/actions/workflows/{LOOP}/runs")
    workflow_id = by_name[0]["workflow_id"]
    by_id = all_runs(sandbox, KERNEL, path=f"/actions/workflows/{workflow_id}/runs")
    missing = runs(sandbox, KERNEL, path="/actions/workflows/no-such.yml/runs")

    assert [r["id"] for r in by_name] == [r["id"] for r in by_id]
    assert {r["workflow_id"] for r in by_name} == {workflow_id}
    assert len(by_name) < len(all_runs(sandbox, KERNEL))  # the CI runs are not the loop's
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"status": "failure"}, lambda r: r["conclusion"] == "failure"),
        ({"status": "in_progress"}, lambda r: r["status"] == "in_progress"),
        ({"status": "completed"}, lambda r: r["status"] == "completed"),
        ({"event": "push"}, lambda r: r["event"] == "push"),
        ({"branch": "main"}, lambda r: r["head_branch"] == "main"),
        ({"branch": "elsewhere"}, lambda r: False),
    ],
)
def test_filters_keep_exactly_the_matching_runs(sandbox: Sandbox, params: dict[str, str], keep: Any) -> None:
    # The seeded runs are all on main: one elsewhere gives the branch filter something to drop.
    sandbox.record_run(KERNEL, LOOP, branch="release/next")
    everything = all_runs(sandbox, KERNEL)

    filtered = all_runs(sandbox, KERNEL, **params)

    expected = [r["id"] for r in everything if keep(r)]
    # Some seeded run must fail the filter, or an ignored filter would pass too.
    assert len(expected) < len(everything)
    assert [r["id"] for r in filtered] == expected


def test_created_takes_githubs_date_range_syntax(sandbox: Sandbox) -> None:
    everything = all_runs(sandbox, KERNEL)
    today = datetime.fromtimestamp(sandbox.now(), UTC).date()
    yesterday = today - timedelta(days=1)
    day = lambda r: moment(r["created_at"]).date()  # noqa: E731

    def ids(expression: str) -> list[int]:
        return [r["id"] for r in all_runs(sandbox, KERNEL, created=expression)]

    assert ids(f">={yesterday}") == [r["id"] for r in everything if day(r) >= yesterday]
    assert ids(f">{yesterday}") == [r["id"] for r in everything if day(r) > yesterday]
    assert ids(f"<{yesterday}") == [r["id"] for r in everything if day(r) < yesterday]
    assert ids(f"<={yesterday}") == [r["id"] for r in everything if day(r) <= yesterday]
    assert ids(f"{yesterday}") == [r["id"] for r in everything if day(r) == yesterday]
    assert ids(f"{yesterday}..{today}") == [r["id"] for r in everything if yesterday <= day(r) <= today]
    assert ids(f"{yesterday}..*") == ids(f">={yesterday}")
    newest = everything[0]["created_at"]
    assert ids(f">={newest}") == [everything[0]["id"]]
    assert ids(">=2001-01-01") == [r["id"] for r in everything]


@pytest.mark.contract_violations_expected
def test_a_created_filter_that_is_no_date_is_refused(sandbox: Sandbox) -> None:
    bad = runs(sandbox, KERNEL, created="yesterday")

    assert bad.status_code == 422
    assert "'yesterday' is not a date" in bad.json()["message"]


def test_runs_page_with_link_headers_and_a_total_count(sandbox: Sandbox) -> None:
    everything = all_runs(sandbox, KERNEL)

    second = runs(sandbox, KERNEL, per_page=5, page=2)

    body = second.json()
    assert body["total_count"] == len(everything)
    assert [r["id"] for r in body["workflow_runs"]] == [r["id"] for r in everything[5:10]]
    links = second.headers["Link"]
    assert 'rel="next"' in links and 'rel="prev"' in links and 'rel="first"' in links and 'rel="last"' in links
    assert f"{sandbox.url}/repos/{KERNEL}/actions/runs?" in links


@pytest.fixture
def gh(sandbox: Sandbox) -> Iterator[Github]:
    client = Github(base_url=sandbox.url, auth=Auth.Token("test-token"), retry=None, seconds_between_requests=None)
    yield client
    client.close()


def test_pygithub_reads_runs_with_its_filters(sandbox: Sandbox, gh: Github) -> None:
    repo = gh.get_repo(KERNEL)
    yesterday = (datetime.fromtimestamp(sandbox.now(), UTC) - timedelta(days=1)).date()

    failures = list(repo.get_workflow(LOOP).get_runs(status="failure"))
    recent = list(repo.get_workflow_runs(created=f">={yesterday}"))

    assert failures and {run.conclusion for run in failures} == {"failure"}
    assert all(run.created_at.date() >= yesterday for run in recent)
    assert failures[0].html_url.startswith(sandbox.url)


def test_a_recorded_success_makes_the_failing_loop_recover(sandbox: Sandbox) -> None:
    assert completed_loop_runs(sandbox, KERNEL)[0]["conclusion"] == "failure"

    recorded = requests.post(
        f"{sandbox.url}/_sandbox/runs",
        json={"repository": KERNEL, "workflow": LOOP, "conclusion": "success", "event": "schedule"},
    )

    assert recorded.status_code == 201
    latest = completed_loop_runs(sandbox, KERNEL)[0]
    assert (latest["id"], latest["conclusion"], latest["event"]) == (recorded.json()["id"], "success", "schedule")
    assert recorded.json()["html_url"] == latest["html_url"]
    assert latest["run_number"] == max(r["run_number"] for r in completed_loop_runs(sandbox, KERNEL))


def test_recording_a_run_checks_what_it_is_told(sandbox: Sandbox) -> None:
    for body in (
        {"repository": "nobody/nothing", "workflow": LOOP},
        {"repository": KERNEL, "workflow": "no-such.yml"},
        {"repository": KERNEL, "workflow": LOOP, "conclusion": "splendid"},
        {"repository": KERNEL},
    ):
        response = requests.post(f"{sandbox.url}/_sandbox/runs", json=body)
        assert response.status_code == 400, body


def test_record_run_from_the_command_line_follows_the_clock(sandbox: Sandbox) -> None:
    assert sandbox.state_file is not None
    sandbox.advance_clock(86400)

    result = CliRunner().invoke(
        sandbox_group,
        ["record-run", KERNEL, LOOP, "--conclusion", "failure", "--duration", "3m", "--state", str(sandbox.state_file)],
    )

    assert result.exit_code == 0, result.output
    latest = completed_loop_runs(sandbox, KERNEL)[0]
    assert f"Recorded run {latest['id']}" in result.output
    assert latest["conclusion"] == "failure"
    ended = moment(latest["updated_at"]).timestamp()
    assert ended == pytest.approx(sandbox.now(), abs=5)
    assert ended - moment(latest["run_started_at"]).timestamp() == 180


def test_a_run_recorded_in_progress_has_no_conclusion(sandbox: Sandbox) -> None:
    run = sandbox.record_run(RUNTIME, LOOP, status="in_progress", duration_seconds=60)

    listed = all_runs(sandbox, RUNTIME, status="in_progress")

    assert [r["id"] for r in listed] == [run.id]
    assert listed[0]["conclusion"] is None
