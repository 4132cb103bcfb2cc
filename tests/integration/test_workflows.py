"""Workflow files and workflow state end to end: YAML → plan → the HTTP client → sandbox."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from reconciler.engine.applier import ApplyReport, apply_plan
from reconciler.engine.planner import plan_repositories
from reconciler.engine.selection import resolve
from reconciler.github.http import HttpReader, HttpWriter
from reconciler.gitobjects import blob_sha
from reconciler.kinds.registry import load_desired_config
from reconciler.kinds.workflows.files import SYNC_BRANCH
from reconciler.plan.model import Plan
from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import RepoState, TokenGrant
from tests.conftest import github_session
from tests.integration.conftest import HANDBOOK, KERNEL, ROOT, RUNTIME, run

AGENT_LOOP = ".github/workflows/autonomous-agent-loop.yml"
CI = ".github/workflows/ci.yml"
SOURCE = ROOT / "desired-state" / "workflows" / "autonomous-agent-loop.yml"


def repo(sandbox: Sandbox, slug: str) -> RepoState:
    found = sandbox.state.find_repo(*slug.split("/"))
    assert found is not None
    return found


def workflow_state(sandbox: Sandbox, slug: str) -> str:
    with sandbox.state.lock:
        found = repo(sandbox, slug).find_workflow("autonomous-agent-loop.yml")
        assert found is not None
        return found.state


def commits(sandbox: Sandbox, slug: str) -> int:
    with sandbox.state.lock:
        return len(repo(sandbox, slug).commit_log())


def edit_example(workdir: Path, old: str, new: str) -> None:
    path = workdir / "desired-state" / "packs" / "sovereign-autonomy.yml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_plan_shows_a_file_to_create_one_to_update_with_its_diff_and_a_workflow_to_enable(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "plan", "--sandbox", "--detailed-exitcode")
    assert code == 2
    sections = dict(re.findall(r"^(Sovereign-Operating-System/\S+)\n(.*?)(?=^\S|\Z)", out, re.M | re.S))
    assert f"+ workflow-file {AGENT_LOOP}" in sections[HANDBOOK]
    kernel = sections[KERNEL]
    assert f"~ workflow-file {AGENT_LOOP}" in kernel
    assert "-  cancel-in-progress: true" in kernel and "+  cancel-in-progress: false" in kernel
    assert f"~ workflow-state {AGENT_LOOP}" in sections[RUNTIME]
    assert "state: 'disabled' → 'enabled'" in sections[RUNTIME]
    assert CI not in out, "an undeclared workflow file must not even be mentioned"


def test_apply_makes_one_commit_per_repository_then_planning_is_empty(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {slug: commits(live, slug) for slug in (KERNEL, RUNTIME, HANDBOOK)}
    with live.state.lock:
        ci_before = repo(live, KERNEL).read_file(CI)
    code, out, _ = run(capsys, "apply", "--auto-approve")
    assert code == 0, out
    assert "committed" in out
    desired = SOURCE.read_bytes()
    for slug in (KERNEL, HANDBOOK):
        assert commits(live, slug) == before[slug] + 1, f"{slug}: file changes must land in one commit"
        with live.state.lock:
            head_message = repo(live, slug).commit_log()[0][1].message
            assert repo(live, slug).read_file(AGENT_LOOP) == desired
        assert AGENT_LOOP in head_message
    assert commits(live, RUNTIME) == before[RUNTIME], "nothing to commit where the file is up to date"
    assert workflow_state(live, RUNTIME) == "active"
    with live.state.lock:
        assert repo(live, KERNEL).read_file(CI) == ci_before, "an undeclared workflow file was touched"

    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 0, out
    assert "No changes." in out


def test_only_changed_files_are_downloaded(live: Sandbox, observation: str, capsys: pytest.CaptureFixture[str]) -> None:
    contents = "GET /repos/{owner}/{repo}/contents/{path}"
    assert run(capsys, "plan")[0] == 0
    # The listing everywhere (over REST, or in the one GraphQL query), plus the body of the one
    # outdated file (for its diff).
    listing = 1 if observation == "rest" else 0
    assert live.stats.for_repo(KERNEL).get(contents, 0) == listing + 1
    assert live.stats.for_repo(RUNTIME).get(contents, 0) == listing
    assert live.stats.for_repo(HANDBOOK).get(contents, 0) == listing
    assert live.stats.graphql_queries() == 1 - listing


def test_state_disabled_in_the_desired_state_disables_the_agent_loop_everywhere(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    edit_example(workdir, "          state: enabled\n", "          state: disabled\n")
    code, out, _ = run(capsys, "apply", "--auto-approve")
    assert code == 0, out
    for slug in (KERNEL, RUNTIME, HANDBOOK):
        assert workflow_state(live, slug) == "disabled_manually"
    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 0 and "No changes." in out


def test_a_workflow_created_disabled_is_disabled_once_github_lists_it(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with live.state.lock:
        live.state.workflow_registration_lag = 2
    edit_example(workdir, "          state: enabled\n", "          state: disabled\n")
    code, out, _ = run(capsys, "apply", "--auto-approve", "--repo", HANDBOOK)
    assert code == 0, out
    assert workflow_state(live, HANDBOOK) == "disabled_manually"
    assert run(capsys, "plan", "--detailed-exitcode", "--repo", HANDBOOK)[0] == 0


PR_STATE = """\
# yaml-language-server: $schema=../schemas/desired-state.schema.json
repositories:
  - repository: {kernel}
    workflows:
      mode: pull-request
      items: &wf
        - {{path: {path}, source: workflows/autonomous-agent-loop.yml}}
  - repository: {handbook}
    workflows:
      mode: pull-request
      items: *wf
"""


@pytest.fixture
def pull_request_mode(live: Sandbox, workdir: Path) -> Path:
    root = workdir / "pr-state"
    (root / "workflows").mkdir(parents=True)
    shutil.copy(SOURCE, root / "workflows" / "autonomous-agent-loop.yml")
    (root / "repos.yml").write_text(PR_STATE.format(kernel=KERNEL, handbook=HANDBOOK, path=AGENT_LOOP))
    return root


def sync_pulls(sandbox: Sandbox, slug: str) -> list[tuple[int, str]]:
    with sandbox.state.lock:
        return [
            (p.number, p.state)
            for p in repo(sandbox, slug).pulls()
            if p.pull is not None and p.pull.head == SYNC_BRANCH
        ]


def test_pull_request_mode_opens_one_pull_request_then_updates_it(
    live: Sandbox, pull_request_mode: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main_before = {slug: commits(live, slug) for slug in (KERNEL, HANDBOOK)}
    code, out, _ = run(capsys, "apply", str(pull_request_mode), "--auto-approve")
    assert code == 0, out
    assert "opened pull request" in out
    first = {slug: sync_pulls(live, slug) for slug in (KERNEL, HANDBOOK)}
    assert all(len(p) == 1 and p[0][1] == "open" for p in first.values())
    assert {slug: commits(live, slug) for slug in (KERNEL, HANDBOOK)} == main_before, "main must not move"

    # Live is unchanged until the PR merges, so the plan still shows the change, now via #N.
    code, out, _ = run(capsys, "plan", str(pull_request_mode), "--detailed-exitcode")
    assert code == 2 and f"pull request #{first[KERNEL][0][0]}" in out

    source = pull_request_mode / "workflows" / "autonomous-agent-loop.yml"
    source.write_bytes(source.read_bytes().replace(b'cron: "17 * * * *"', b'cron: "47 * * * *"'))
    with live.state.lock:
        pull = next(i for i in repo(live, KERNEL).issues if i.number == first[KERNEL][0][0])
        pull.body = "edited by a person"
    live.persist()
    code, out, _ = run(capsys, "apply", str(pull_request_mode), "--auto-approve")
    assert code == 0, out
    assert "updated pull request" in out
    assert {slug: sync_pulls(live, slug) for slug in (KERNEL, HANDBOOK)} == first, "no duplicate PR"
    with live.state.lock:
        assert repo(live, KERNEL).read_file(AGENT_LOOP, ref=SYNC_BRANCH) == source.read_bytes()
        # The description says again which files the pull request brings up to date.
        assert pull.body is not None and f"`{AGENT_LOOP}`" in pull.body and "edited by a person" not in pull.body

    with live.state.lock:
        pushed = repo(live, KERNEL).branch_head(SYNC_BRANCH)
    code, out, _ = run(capsys, "apply", str(pull_request_mode), "--auto-approve")
    assert code == 0 and "already up to date" in out
    assert {slug: sync_pulls(live, slug) for slug in (KERNEL, HANDBOOK)} == first, "no duplicate PR"
    with live.state.lock:
        assert repo(live, KERNEL).branch_head(SYNC_BRANCH) == pushed, "an identical commit was pushed again"


def test_pull_request_mode_closes_a_stale_pull_request(
    live: Sandbox, pull_request_mode: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "apply", str(pull_request_mode), "--auto-approve")[0] == 0
    ((number, _),) = sync_pulls(live, KERNEL)
    # Somebody makes main match by hand; the sync PR is now pointless.
    with live.state.lock:
        kernel = repo(live, KERNEL)
        live.state.commit_files(kernel, "main", {AGENT_LOOP: SOURCE.read_bytes()}, "Update by hand")
    code, out, _ = run(capsys, "plan", str(pull_request_mode), "--detailed-exitcode")
    assert code == 2 and f"close the stale sync pull request #{number}" in out
    assert run(capsys, "apply", str(pull_request_mode), "--auto-approve")[0] == 0
    assert sync_pulls(live, KERNEL) == [(number, "closed")]
    with live.state.lock:
        assert any("no longer needed" in c.body for c in repo(live, KERNEL).comments if c.issue_number == number)
    assert run(capsys, "plan", str(pull_request_mode), "--detailed-exitcode", "--repo", KERNEL)[0] == 0


def plan_and_writer(sandbox: Sandbox, root: Path, *, token: str = "t") -> tuple[Plan, HttpWriter]:
    session = github_session(sandbox.url, token)
    reader = HttpReader(session)
    plan = plan_repositories(resolve(load_desired_config(root), reader), reader)
    return plan, HttpWriter(session)


def outcomes_for(report: ApplyReport, slug: str, kind: str = "workflow-file") -> list[str | None]:
    return [o.error for o in report.outcomes if o.change.repository == slug and o.change.kind == kind]


def test_a_file_changed_since_the_plan_is_not_overwritten(live: Sandbox, workdir: Path) -> None:
    plan, writer = plan_and_writer(live, workdir / "desired-state")
    with live.state.lock:
        kernel = repo(live, KERNEL)
        live.state.commit_files(kernel, "main", {AGENT_LOOP: b"on: push\njobs: {}\n"}, "Hotfix by hand")
        hotfix = kernel.branch_head("main")
    report = apply_plan(plan, writer)
    (error,) = outcomes_for(report, KERNEL)
    assert error is not None and "changed on GitHub since the plan" in error
    with live.state.lock:
        assert kernel.branch_head("main") == hotfix, "the hand-made change was overwritten"
    assert outcomes_for(report, HANDBOOK) == [None], "other repositories must still apply"


def test_a_head_that_moved_elsewhere_is_re_read_and_committed_on_top(live: Sandbox, workdir: Path) -> None:
    plan, writer = plan_and_writer(live, workdir / "desired-state")
    with live.state.lock:
        kernel = repo(live, KERNEL)
        live.state.commit_files(kernel, "main", {"README.md": b"# Kernel\n\nEdited.\n"}, "Unrelated")
    # And once more between apply's read of the branch and its ref update.
    live.inject_fault(
        method="PATCH",
        path_pattern="/sovereign-kernel/git/refs/",
        status=422,
        body={"message": "Update is not a fast forward", "documentation_url": "https://docs.github.com"},
    )
    report = apply_plan(plan, writer)
    assert outcomes_for(report, KERNEL) == [None]
    note = next(o.note for o in report.outcomes if o.change.repository == KERNEL and o.change.kind == "workflow-file")
    assert "moved during apply" in note
    with live.state.lock:
        assert kernel.read_file("README.md") == b"# Kernel\n\nEdited.\n"
        assert kernel.read_file(AGENT_LOOP) == SOURCE.read_bytes()


def test_a_token_without_the_workflow_scope_is_told_so(
    live: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    live.state.tokens["no-workflow"] = TokenGrant(scopes=["repo"])
    monkeypatch.setenv("GITHUB_TOKEN", "no-workflow")
    code, out, _ = run(capsys, "apply", "--auto-approve")
    assert code == 1
    assert "lacks the 'workflow' scope" in out
    assert "Apply complete" in out and "failed" in out
    with live.state.lock:
        assert repo(live, HANDBOOK).read_file(AGENT_LOOP) is None


def test_crlf_and_non_ascii_bodies_round_trip_byte_for_byte(live: Sandbox, workdir: Path) -> None:
    body = "name: Agent ✓ Übersicht\r\non: workflow_dispatch\r\njobs:\r\n  run:\r\n    runs-on: ubuntu-latest\r\n"
    root = workdir / "crlf-state"
    (root / "workflows").mkdir(parents=True)
    (root / "workflows" / "agent.yml").write_bytes(body.encode())
    (root / "repos.yml").write_text(
        textwrap.dedent(
            f"""\
            repositories:
              - repository: {HANDBOOK}
                workflows:
                  items:
                    - {{path: .github/workflows/agent.yml, source: workflows/agent.yml}}
            """
        )
    )
    plan, writer = plan_and_writer(live, root)
    (change,) = [c for c in plan.actionable if c.kind == "workflow-file"]
    assert change.after is not None and change.after["sha"] == blob_sha(body.encode())
    assert not apply_plan(plan, writer).failed
    with live.state.lock:
        assert repo(live, HANDBOOK).read_file(".github/workflows/agent.yml") == body.encode()
    again, _ = plan_and_writer(live, root)
    assert not again.has_changes, "GitHub's blob id and ours must agree on CRLF and UTF-8 bytes"


def test_pull_request_mode_never_force_moves_someone_elses_commit(
    live: Sandbox, pull_request_mode: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "apply", str(pull_request_mode), "--auto-approve")[0] == 0
    with live.state.lock:
        kernel = repo(live, KERNEL)
        theirs = live.state.commit_files(kernel, SYNC_BRANCH, {"NOTES.md": b"a reviewer's fix\n"}, "Fix the docs")
    source = pull_request_mode / "workflows" / "autonomous-agent-loop.yml"
    source.write_bytes(source.read_bytes().replace(b'cron: "17 * * * *"', b'cron: "47 * * * *"'))
    code, out, _ = run(capsys, "apply", str(pull_request_mode), "--auto-approve")
    assert code == 1
    assert "has a commit reconciler did not make" in out
    with live.state.lock:
        assert kernel.branch_head(SYNC_BRANCH) == theirs
