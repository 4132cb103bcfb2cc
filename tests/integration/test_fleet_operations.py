"""`reconciler status` and `reconciler monitor` end to end on the sandbox's seeded fleet, and
verify's token-expiry check: the runbook's morning checklist and its hourly monitoring."""

from __future__ import annotations

import json
import re
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reconciler.publish.markers import AGENT_ALERT
from reconciler.sandbox import Sandbox
from reconciler.sandbox.model import Issue
from reconciler.sandbox.workflows import WorkflowRun
from reconciler.schemas import packaged
from tests.integration.conftest import HANDBOOK, KERNEL, ORG, RUNTIME, run

LOOP = ".github/workflows/autonomous-agent-loop.yml"
STOP = ".agent-workspace/STOP"


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def seeded(workdir: Path) -> Sandbox:
    """The sandbox state the --sandbox commands share, opened to look at or change it."""
    return Sandbox(workdir / "sandbox.json")


def loop_runs(sandbox: Sandbox, repository: str, since: datetime) -> list[WorkflowRun]:
    with sandbox.state.lock:
        repo = sandbox.state.find_repo(*repository.split("/"))
        assert repo is not None
        return [r for r in repo.workflow_runs if r.path == LOOP and moment(r.created_at) >= since]


def status_document(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, "status", "--sandbox", "--format", "json", *args)
    assert code == 0, err
    found: dict[str, Any] = json.loads(out)
    jsonschema.Draft202012Validator(packaged("status.schema.json")).validate(found)
    return found


def by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["repository"]: r for r in document["repositories"]}


# -- status -------------------------------------------------------------------------------------


@pytest.mark.parametrize("window", ["24h", "3d"])
def test_status_counts_the_seeded_runs_of_each_agent_loop(
    workdir: Path, capsys: pytest.CaptureFixture[str], window: str
) -> None:
    document = status_document(capsys, "--since", window)
    since = moment(document["since"])
    assert moment(document["created_at"]) - since == (timedelta(hours=24) if window == "24h" else timedelta(days=3))
    sandbox = seeded(workdir)
    for repository in (KERNEL, RUNTIME):
        expected = loop_runs(sandbox, repository, since)
        (loop,) = by_name(document)[repository]["agent_loops"]
        figures = loop["runs"]
        finished = [r for r in expected if r.status == "completed"]
        assert figures["runs"] == len(expected)
        assert figures["succeeded"] == sum(r.conclusion == "success" for r in finished)
        assert figures["failed"] == sum(r.conclusion == "failure" for r in finished)
        assert figures["cancelled"] == sum(r.conclusion == "cancelled" for r in finished)
        assert figures["in_progress"] == len(expected) - len(finished)
        durations = [(moment(r.updated_at) - moment(r.run_started_at)).total_seconds() for r in finished]
        assert figures["median_duration_seconds"] == (statistics.median(durations) if durations else None)
        if expected:
            newest = max(expected, key=lambda r: (r.created_at, r.id))
            assert figures["last_run"]["id"] == newest.id
            assert figures["last_run"]["url"].endswith(f"/{repository}/actions/runs/{newest.id}")
    totals = document["totals"]["runs"]
    assert totals["runs"] == sum(len(loop_runs(sandbox, r, since)) for r in (KERNEL, RUNTIME))


def test_status_puts_the_failing_loop_first_and_says_what_each_loop_is(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = status_document(capsys)
    repositories = by_name(document)
    kernel = repositories[KERNEL]
    assert kernel["agent_loops"][0]["state"] == "enabled"
    assert repositories[RUNTIME]["agent_loops"][0]["state"] == "disabled"
    assert repositories[HANDBOOK]["agent_loops"][0]["state"] == "missing"
    assert any(reason.startswith(f"agent loop {LOOP} failing: ") for reason in kernel["needs_person"])
    # Those that need a person come first.
    order = [r["repository"] for r in document["repositories"]]
    needing = [r["repository"] for r in document["repositories"] if r["needs_person"]]
    assert order[: len(needing)] == needing and KERNEL in needing
    # Every repository starts drifted; limits show the live value beside the desired one.
    assert {r["state"] for r in document["repositories"]} == {"drifted"}
    limit = next(limit for limit in kernel["limits"] if limit["limit"] == "max_issues")
    assert (limit["value"], limit["desired"]) == ("10", "3")
    assert document["totals"]["needs_person"] == len(needing)


def test_status_shows_a_stop_file_and_pull_requests_waiting_for_a_person(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox = seeded(workdir)
    with sandbox.state.lock:
        kernel = sandbox.state.find_repo(ORG, "sovereign-kernel")
        assert kernel is not None
        sandbox.state.commit_files(kernel, kernel.default_branch, {STOP: b"paused by the operator\n"}, "Stop agents")
        pull: Issue = next(i for i in kernel.issues if i.is_pull_request and i.state == "open")
        label = next(lab for lab in kernel.labels if lab.name == "security:review-required")
        pull.label_ids.append(label.id)
    sandbox.persist()

    document = status_document(capsys)
    found = by_name(document)[KERNEL]
    assert found["stop_file"] is True and by_name(document)[RUNTIME]["stop_file"] is False
    assert [p["number"] for p in found["security_pulls"]] == [pull.number]
    assert found["security_pulls"][0]["url"].endswith(f"/{KERNEL}/pull/{pull.number}")
    assert f"{STOP} is present: agents are told to stop" in found["needs_person"]
    assert "1 open pull request labelled security:review-required" in found["needs_person"]
    assert document["totals"]["stop_files"] == 1 and document["totals"]["security_pulls"] == 1


def test_status_prints_the_fleet_table(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "status", "--sandbox")
    assert code == 0
    assert "3 repositories" in out and "Needs a person" in out
    kernel_row = next(line for line in out.splitlines() if line.startswith("sovereign-kernel "))
    since = datetime.now().astimezone() - timedelta(hours=24)
    expected = loop_runs(seeded(workdir), KERNEL, since)
    failed = sum(r.conclusion == "failure" for r in expected)
    assert re.search(rf"\benabled\s+{len(expected)}\s+0\s+{failed}\b", kernel_row), kernel_row


def test_status_html_is_one_page_with_charts_and_only_links_to_github(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "status", "--sandbox", "--since", "3d", "--format", "html", "--out", "status.html")
    assert code == 0 and out == ""
    assert "Status written to status.html" in err
    page = (workdir / "status.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count("<svg") >= 3  # the fleet's two charts and a chart per repository with runs
    # Nothing is fetched when it opens: no script, stylesheet, image or font from anywhere.
    assert not re.search(r"<(script|link|img|iframe)\b|@import|url\(", page)
    addresses = re.findall(r"(?:https?:)?//[^\s\"'<>)]+", page)
    assert addresses, "links to the repositories and runs"
    assert all(re.fullmatch(r"http://127\.0\.0\.1:\d+(/\S*)?", a) for a in addresses), addresses
    assert f"/{KERNEL}/actions/runs/" in page


def test_status_narrowed_to_one_repository_and_in_markdown(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "status", "--sandbox", "--repo", RUNTIME, "--format", "markdown")
    assert code == 0
    assert out.startswith("# reconciler status\n") and "| Repository | Packs |" in out
    assert RUNTIME in out and KERNEL not in out


# -- monitor ------------------------------------------------------------------------------------


def open_alerts(workdir: Path) -> list[Issue]:
    sandbox = seeded(workdir)
    with sandbox.state.lock:
        handbook = sandbox.state.find_repo(ORG, "operations-handbook")
        assert handbook is not None
        return [i for i in handbook.issues if AGENT_ALERT in (i.body or "") and i.state == "open"]


def test_monitor_keeps_one_alert_issue_while_the_loop_fails_and_closes_it_when_it_recovers(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(3):
        code, out, _ = run(capsys, "monitor", "--sandbox", "--report-issue", HANDBOOK)
        assert code == 2, out
        assert f"✗ {KERNEL} {LOOP}: ALERT" in out
    (alert,) = open_alerts(workdir)
    assert KERNEL in alert.title and "Failed runs, newest first" in (alert.body or "")
    sandbox = seeded(workdir)
    with sandbox.state.lock:
        handbook = sandbox.state.find_repo(ORG, "operations-handbook")
        assert handbook is not None
        assert {lab.name for lab in handbook.issue_labels(alert)} == {"alert", "operations"}
    failing = [r for r in loop_runs(sandbox, KERNEL, datetime(2000, 1, 1, tzinfo=UTC)) if r.conclusion == "failure"]
    newest_failure = max(failing, key=lambda r: r.created_at)
    assert f"/actions/runs/{newest_failure.id})" in (alert.body or "")

    recovered = sandbox.record_run(KERNEL, "autonomous-agent-loop.yml", conclusion="success")
    sandbox.persist()
    code, out, _ = run(capsys, "monitor", "--sandbox", "--report-issue", HANDBOOK)

    assert code == 0, out
    assert open_alerts(workdir) == []
    sandbox = seeded(workdir)
    with sandbox.state.lock:
        handbook = sandbox.state.find_repo(ORG, "operations-handbook")
        assert handbook is not None
        closed = next(i for i in handbook.issues if i.number == alert.number)
        assert closed.state == "closed"
        comments = [c.body for c in handbook.comments if c.issue_number == alert.number]
    assert any(f"/actions/runs/{recovered.id}" in body and "Recovered" in body for body in comments)


def test_monitor_without_a_report_repository_only_reads(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "monitor", "--sandbox")
    assert code == 2
    assert "1 alerting" in out and f"✓ {RUNTIME} {LOOP}" in out
    assert "0 writes" in err


def test_monitor_failures_threshold_is_the_streak_it_takes(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sandbox = seeded(workdir)
    with sandbox.state.lock:
        kernel = sandbox.state.find_repo(ORG, "sovereign-kernel")
        assert kernel is not None
        finished = sorted(
            (r for r in kernel.workflow_runs if r.path == LOOP and r.status == "completed"),
            key=lambda r: r.created_at,
            reverse=True,
        )
    streak = next(i for i, r in enumerate(finished) if r.conclusion == "success")
    assert run(capsys, "monitor", "--sandbox", "--failures", str(streak))[0] == 2
    assert run(capsys, "monitor", "--sandbox", "--failures", str(streak + 1))[0] == 0


def test_monitor_lists_a_repositorys_workflows_once_however_many_loops_it_has(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A second agent loop in the pack, not pushed: GitHub does not list it.
    pack = workdir / "desired-state" / "packs" / "sovereign-autonomy.yml"
    second = (
        "        - path: .github/workflows/second-agent-loop.yml\n"
        "          source: workflows/autonomous-agent-loop.yml\n"
    )
    pack.write_text(
        pack.read_text().replace(
            "          agent: true\n", f"          agent: true\n{second}          agent: true\n", 1
        )
    )
    live.stats.reset()
    code, out, err = run(capsys, "monitor")
    assert code == 2, err
    assert f"· {KERNEL} .github/workflows/second-agent-loop.yml: not listed by GitHub" in out
    assert f"✗ {KERNEL} {LOOP}: ALERT" in out
    looped = {line.split()[1] for line in out.splitlines() if line.startswith("  ")}
    assert len(looped) == 3
    assert live.stats.count("GET", "/repos/{owner}/{repo}/actions/workflows") == len(looped)


# -- verify: the token's expiry -------------------------------------------------------------------


def test_verify_reports_a_token_expiring_in_three_days_as_drift_with_the_date(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "sandbox", "grant", "--expires-in", "3d")
    assert code == 0
    expires = moment(re.search(r"expires (\S+)", out).group(1))  # type: ignore[union-attr]

    code, out, _ = run(capsys, "verify", "--sandbox", "--out", "health.md")

    report = (workdir / "health.md").read_text(encoding="utf-8")
    assert code == 2
    shown = f"{expires:%Y-%m-%d %H:%M} UTC"
    assert "| Token | ⚠️ drift | valid, acts for sandbox-operator;" in report
    assert f"it expires {shown} (in 3 days)" in report
    assert f"the token expires {shown} (in 3 days): make a new one" in report

    # Past its expiry GitHub rejects it: broken, as any rejected token is.
    assert run(capsys, "sandbox", "clock", "--advance", "4d")[0] == 0
    assert run(capsys, "verify", "--sandbox")[0] == 1
