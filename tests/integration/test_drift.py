"""`reconciler drift` end to end: exit codes, and the one drift issue it keeps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from reconciler.publish.drift_issue import RESOLVED, TITLE
from reconciler.publish.markers import drift_report_marker
from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import Issue, RepoState
from tests.integration.conftest import KERNEL, ORG, RUNTIME, run, writes

MARKER = drift_report_marker("desired-state")


def kernel(sandbox: Sandbox) -> RepoState:
    found = sandbox.state.find_repo(ORG, "sovereign-kernel")
    assert found is not None
    return found


def drift_issues(sandbox: Sandbox) -> list[Issue]:
    with sandbox.state.lock:
        return [i for i in kernel(sandbox).issues if MARKER in (i.body or "")]


def comments_on(sandbox: Sandbox, number: int) -> list[str]:
    with sandbox.state.lock:
        return [c.body for c in kernel(sandbox).comments if c.issue_number == number]


def test_drift_exits_2_on_drift_and_0_once_applied(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "drift")
    assert code == 2
    assert "~ label priority:high" in out

    assert run(capsys, "apply", "--auto-approve")[0] == 0
    live.stats.reset()
    code, out, _ = run(capsys, "drift")
    assert code == 0
    assert "No changes." in out
    assert writes(live) == {}, "drift only reads"


def test_a_change_only_a_person_can_make_is_drift(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "apply", "--sandbox", "--auto-approve")[0] == 1
    code, out, _ = run(capsys, "drift", "--sandbox")
    assert code == 2
    assert "needs attention" in out


def test_the_drift_issue_is_opened_once_kept_current_and_closed_when_drift_is_gone(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    bodies = []
    for attempt in range(3):
        if attempt == 2:
            # More drift between runs: the issue must say so.
            headers = {"Authorization": "token someone-else"}
            response = requests.patch(
                f"{live.url}/repos/{KERNEL}/labels/priority:critical", json={"color": "000000"}, headers=headers
            )
            assert response.status_code == 200
        code, _, err = run(capsys, "drift", "--report-issue", KERNEL)
        assert code == 2
        # The second run may land in the same second as the first, and then has nothing to update.
        expected = {0: ("created",), 1: ("updated", "unchanged"), 2: ("updated",)}[attempt]
        assert re.search(rf"Drift issue: ({'|'.join(expected)}) on {KERNEL}#", err), err
        issues = drift_issues(live)
        assert len(issues) == 1, "exactly one drift issue"
        bodies.append(issues[0].body or "")

    issue = drift_issues(live)[0]
    assert issue.state == "open" and issue.title == TITLE
    with live.state.lock:
        assert [lab.name for lab in kernel(live).issue_labels(issue)] == ["drift"]
    assert bodies[0].startswith(MARKER)
    recoloured = "color `000000` → `b60205`"
    assert recoloured not in bodies[1] and recoloured in bodies[2]
    assert "| `Sovereign-Operating-System/agent-runtime` |" in bodies[2]
    assert len(bodies[2]) < 65_536

    assert run(capsys, "apply", "--auto-approve")[0] == 0
    code, _, err = run(capsys, "drift", "--report-issue", KERNEL)

    assert code == 0
    assert f"Drift issue: closed on {KERNEL}#{issue.number}" in err
    closed = drift_issues(live)
    assert len(closed) == 1
    assert (closed[0].state, closed[0].state_reason) == ("closed", "completed")
    assert comments_on(live, issue.number) == [RESOLVED]

    # Still clean: nothing more is written, and no issue is opened.
    live.stats.reset()
    code, _, err = run(capsys, "drift", "--report-issue", KERNEL)
    assert code == 0 and "Drift issue: none open" in err
    assert writes(live) == {}
    assert len(drift_issues(live)) == 1


def test_the_drift_issue_is_found_by_its_marker_even_without_its_label(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "drift", "--report-issue", KERNEL)[0] == 2
    number = drift_issues(live)[0].number
    headers = {"Authorization": "token someone-else"}
    response = requests.patch(
        f"{live.url}/repos/{KERNEL}/issues/{number}",
        json={"labels": [], "title": "Renamed by a person"},
        headers=headers,
    )
    assert response.status_code == 200

    assert run(capsys, "drift", "--report-issue", KERNEL)[0] == 2

    issues = drift_issues(live)
    assert [i.number for i in issues] == [number]
    assert issues[0].title == TITLE


def test_another_desired_state_keeps_its_own_issue(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "other").mkdir()
    (workdir / "other" / "repos.yml").write_text(
        f"repositories:\n  - repository: {RUNTIME}\n    labels:\n      items:\n"
        "        - name: other\n          color: '000000'\n"
    )
    assert run(capsys, "drift", "--report-issue", KERNEL)[0] == 2
    assert run(capsys, "drift", "other", "--report-issue", KERNEL)[0] == 2

    with live.state.lock:
        open_reports = [i for i in kernel(live).issues if i.state == "open" and i.title == TITLE]
    assert len(open_reports) == 2
    markers = (drift_report_marker("desired-state"), drift_report_marker("other"))
    assert sorted(sum(m in (i.body or "") for i in open_reports) for m in markers) == [1, 1]


def test_no_drift_label_is_made_where_reconciler_would_prune_it(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "pruned").mkdir()
    (workdir / "pruned" / "repos.yml").write_text(
        f"repositories:\n  - repository: {KERNEL}\n    labels:\n      prune: true\n      items:\n"
        "        - name: bug\n          color: 'd73a4a'\n"
    )
    assert run(capsys, "drift", "pruned", "--report-issue", KERNEL)[0] == 2

    with live.state.lock:
        assert kernel(live).find_label("drift") is None, "the next apply would delete it again"
        (issue,) = [i for i in kernel(live).issues if drift_report_marker("pruned") in (i.body or "")]
        assert issue.label_ids == []


def test_an_unreadable_repository_is_an_error_and_never_closes_the_issue(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "drift", "--report-issue", KERNEL)[0] == 2
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    live.inject_fault(method="GET", path_pattern="/agent-runtime/actions/secrets$", status=404, times=1000)

    code, out, err = run(capsys, "drift", "--report-issue", KERNEL)

    assert code == 1
    assert "could not be planned" in out
    assert "Drift issue" not in err
    assert drift_issues(live)[0].state == "open"


def test_report_issue_arguments_are_checked_before_anything_is_read(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "drift", "--report-issue", "not a repo")
    assert code == 1 and "use OWNER/NAME" in err
    code, _, err = run(capsys, "drift", "--report-issue", KERNEL, "--repo", KERNEL)
    assert code == 1 and "cannot be combined with --repo" in err
    assert live.stats.total() == 0


def test_a_failed_issue_create_is_not_retried_and_the_next_run_opens_one(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    live.inject_fault(method="POST", path_pattern="/sovereign-kernel/issues$", status=502, times=1)

    code, _, err = run(capsys, "drift", "--report-issue", KERNEL)

    assert code == 1 and "502" in err
    assert live.stats.count("POST", "/repos/{owner}/{repo}/issues") == 1
    assert drift_issues(live) == []
    assert run(capsys, "drift", "--report-issue", KERNEL)[0] == 2
    assert len(drift_issues(live)) == 1
