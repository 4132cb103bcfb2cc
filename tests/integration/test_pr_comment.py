"""`plan --comment-on`: the plan as one pull-request comment, updated in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.publish.markers import plan_comment_marker
from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import RepoState
from tests.integration.conftest import KERNEL, ORG, RUNTIME, run, writes

RUN_URL = "https://github.com/octo-org/desired-state/actions/runs/42"


def kernel(sandbox: Sandbox) -> RepoState:
    found = sandbox.state.find_repo(ORG, "sovereign-kernel")
    assert found is not None
    return found


def pull_request_number(sandbox: Sandbox) -> int:
    with sandbox.state.lock:
        return next(i.number for i in kernel(sandbox).issues if i.is_pull_request)


def comments(sandbox: Sandbox, number: int) -> list[str]:
    with sandbox.state.lock:
        return [c.body for c in kernel(sandbox).comments if c.issue_number == number]


def test_commenting_twice_leaves_one_comment_updated_in_place(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = pull_request_number(live)
    before = comments(live, number)
    target = f"{KERNEL}#{number}"

    code, out, err = run(capsys, "plan", "--comment-on", target)
    assert code == 0
    assert "Plan: " in out
    assert f"Plan comment: created on {target}" in err
    code, _, err = run(capsys, "plan", "--comment-on", target)
    assert code == 0 and f"Plan comment: unchanged on {target}" in err

    # A push that changes the plan: the same comment now shows the new plan.
    example = workdir / "desired-state" / "packs" / "sovereign-autonomy.yml"
    example.write_text(example.read_text().replace("AUTONOMY_DEFAULT_AGENT: codex", "AUTONOMY_DEFAULT_AGENT: claude"))
    code, _, err = run(capsys, "plan", "--comment-on", target)
    assert code == 0 and f"Plan comment: updated on {target}" in err

    ours = [body for body in comments(live, number) if body not in before]
    assert len(ours) == 1
    assert ours[0].startswith(plan_comment_marker("desired-state") + "\n### reconciler plan")
    assert "value `codex` → `claude`" in ours[0]
    assert "| Repository | Create | Update | Rename | Delete | Needs attention |" in ours[0]


def test_of_two_marked_comments_the_oldest_is_kept_current(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    number = pull_request_number(live)
    stale = plan_comment_marker("desired-state") + "\nan old plan"
    with live.state.lock:
        pull = next(i for i in kernel(live).issues if i.number == number)
        first = live.state.add_comment(kernel(live), pull, stale, author="sandbox-operator")
        second = live.state.add_comment(kernel(live), pull, stale, author="sandbox-operator")
    live.persist()

    code, _, err = run(capsys, "plan", "--comment-on", f"{KERNEL}#{number}")

    assert code == 0 and "Plan comment: updated" in err
    with live.state.lock:
        bodies = {c.id: c.body for c in kernel(live).comments}
    assert "### reconciler plan" in bodies[first.id]
    assert bodies[second.id] == stale


def test_planning_with_a_comment_writes_only_that_comment(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    number = pull_request_number(live)
    live.stats.reset()

    assert run(capsys, "plan", "--comment-on", f"{KERNEL}#{number}")[0] == 0

    assert writes(live) == {"POST /repos/{owner}/{repo}/issues/{issue_number}/comments": 1}


def test_two_desired_states_keep_a_comment_each(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = pull_request_number(live)
    (workdir / "other").mkdir()
    (workdir / "other" / "repos.yml").write_text(f"repositories:\n  - repository: {RUNTIME}\n    labels: {{}}\n")
    for path in ("desired-state", "other", "desired-state", "other"):
        assert run(capsys, "plan", path, "--comment-on", f"{KERNEL}#{number}")[0] == 0

    bodies = comments(live, number)
    assert sum(plan_comment_marker("desired-state") in b for b in bodies) == 1
    assert sum(plan_comment_marker("other") in b for b in bodies) == 1


def test_a_big_plan_points_at_the_artifact_of_the_workflow_run(
    live: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "octo-org/desired-state")
    monkeypatch.setenv("GITHUB_RUN_ID", "42")
    monkeypatch.setattr("reconciler.render.markdown.DEFAULT_LIMIT", 2_000)
    monkeypatch.setattr("reconciler.publish.pr_comment.DEFAULT_LIMIT", 2_000)
    number = pull_request_number(live)

    assert run(capsys, "plan", "--comment-on", f"{KERNEL}#{number}")[0] == 0

    body = next(b for b in comments(live, number) if plan_comment_marker("desired-state") in b)
    assert len(body) <= 2_000
    assert f"download the plan artifact (attached to workflow run {RUN_URL})" in body


@pytest.mark.parametrize("target", ["octo/repo", "octo/repo#0", "octo/repo#x", "#5", "octo#5", "octo/repo#5#6"])
def test_a_malformed_target_is_a_usage_error_before_any_request(
    live: Sandbox, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    code, _, err = run(capsys, "plan", "--comment-on", target)

    assert code == 1
    assert "use OWNER/NAME#NUMBER" in err
    assert live.stats.total() == 0
