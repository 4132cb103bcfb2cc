"""`reconciler verify` end to end against the sandbox: the runbook's health check.

Exit 0 healthy, 2 drift, 1 broken; the Markdown report is written in every outcome.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reconciler.github.account import RateLimit, TokenInfo, get_authenticated, get_rate_limit
from reconciler.github.http import HttpReader
from reconciler.github.repositories import get_repository
from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import TokenGrant
from tests.conftest import github_session
from tests.integration.conftest import HANDBOOK, KERNEL, ORG, RUNTIME, run, set_by_hand, writes

AGENT_LOOP = ".github/workflows/autonomous-agent-loop.yml"
REPOSITORIES = (KERNEL, RUNTIME, HANDBOOK)


def report(workdir: Path, name: str = "health.md") -> str:
    return (workdir / name).read_text(encoding="utf-8")


def section(markdown: str, repository: str) -> str:
    start = markdown.index(f"### `{repository}`")
    end = markdown.find("\n### ", start + 1)
    return markdown[start : end if end != -1 else None]


# -- the Done-when, from the command line ----------------------------------------------------------


def test_the_seeded_sandbox_is_drift_with_a_markdown_report(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "verify", "--sandbox", "--report-file", "health.md")

    assert code == 2, out
    assert "Health: drift (exit 2)" in out
    markdown = report(workdir)
    assert markdown.startswith("# reconciler verify: drift\n")
    assert "| Token | ✅ ok | valid, acts for sandbox-operator; a classic token with scopes: repo, workflow" in markdown
    assert "| Permissions | ✅ ok | enough for everything managed in 3 repositories |" in markdown
    assert "| Required secrets | ⚠️ drift | 3 missing" in markdown
    assert "| Pack workflows enabled | ⚠️ drift | 2 pack workflows not running, in 2 of 3 repositories |" in markdown
    assert "| Plan | ⚠️ drift | Plan: 57 to create, 6 to update, 2 to rename" in markdown
    runtime = section(markdown, RUNTIME)
    assert f"gh secret set CLAUDE_API_KEY --repo {RUNTIME}" in runtime
    assert f"`{AGENT_LOOP}` (pack sovereign-autonomy): enable: it is disabled" in runtime
    assert "labels: 13 to create, 1 to update, 1 to rename" in runtime
    assert f"`{AGENT_LOOP}` (pack sovereign-autonomy): the file is missing" in section(markdown, HANDBOOK)
    assert "`CODEX_API_KEY`: declared but missing; apply sets it from env:" in section(markdown, KERNEL)
    # The plan itself follows the checks, as plan --format markdown renders it.
    assert markdown.index("## Checks") < markdown.index("## Plan\n\n### reconciler plan")
    assert "<summary>diff of <code>.github/workflows/autonomous-agent-loop.yml</code></summary>" in markdown
    assert "sandbox-token" not in markdown + out


def test_after_apply_verify_is_healthy(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "apply", "--sandbox", "--auto-approve")[0] == 1  # one secret needs a person
    person = Sandbox(workdir / "sandbox.json")
    set_by_hand(person.state)
    # The kernel's agent loop failed on its outdated file, which apply replaced: its next run
    # succeeds, and verify stops reporting the loop as failing.
    person.record_run(KERNEL, "autonomous-agent-loop.yml", conclusion="success")
    person.persist()

    code, out, _ = run(capsys, "verify", "--sandbox", "--report-file", "health.md")

    assert code == 0, out
    assert "Health: healthy (exit 0)" in out
    markdown = report(workdir)
    assert markdown.startswith("# reconciler verify: healthy\n")
    assert "- **Overall:** ✅ healthy (exit 0)" in markdown
    assert "| Required secrets | ✅ ok | all 9 declared secrets present in 3 repositories |" in markdown
    assert "| Pack workflows enabled | ✅ ok | 3 pack workflows as declared in 3 repositories |" in markdown
    assert "No changes. Live GitHub matches the desired state in 3 repositories." in markdown
    assert "## Findings by repository" not in markdown


def test_a_token_without_repo_scope_is_broken_naming_what_each_repository_lacks(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "sandbox", "grant", "--scopes", "read:org")
    assert code == 0 and "scopes: read:org; role admin" in out

    code, out, _ = run(capsys, "verify", "--sandbox", "--report-file", "health.md")

    assert code == 1, out
    assert "Health: broken (exit 1)" in out
    markdown = report(workdir)
    assert "| Permissions | ❌ broken | missing in 3 of 3 repositories |" in markdown
    for repository in REPOSITORIES:
        found = section(markdown, repository)
        assert "needs scope `repo` (the token has: read:org) for labels" in found
        assert "needs scope `workflow` (the token has: read:org) for workflow files" in found

    # Given its scopes back, the same sandbox is merely drifted again.
    assert run(capsys, "sandbox", "grant", "--reset")[0] == 0
    assert run(capsys, "verify", "--sandbox")[0] == 2


def test_a_fine_grained_token_with_read_access_is_broken(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "sandbox", "grant", "--fine-grained", "--role", "pull")[0] == 0

    code, out, _ = run(capsys, "verify", "--sandbox", "--report-file", "health.md")

    assert code == 1, out
    markdown = report(workdir)
    assert "a fine-grained token (GitHub sends no scopes for it)" in markdown
    runtime = section(markdown, RUNTIME)
    assert "needs write access (`push`; the token's user has read (`pull`)) for labels (15 to change)" in runtime
    assert "needs admin access (`admin`; the token's user has read (`pull`)) for variables (4 to change), secrets" in (
        runtime
    )
    # The sandbox is honest about it: apply is refused the same way.
    code, out, _ = run(capsys, "apply", "--sandbox", "--auto-approve")
    assert code == 1 and "Resource not accessible by personal access token" in out


def test_a_revoked_token_is_broken_and_the_report_is_still_written(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "sandbox", "grant", "--revoke")[0] == 0

    code, out, _ = run(capsys, "verify", "--sandbox", "--report-file", "health.md")

    assert code == 1, out
    markdown = report(workdir)
    assert "| Token | ❌ broken | GitHub rejected the token: Bad credentials (HTTP 401)" in markdown
    assert "| Plan | ⏭️ skipped | not checked: the token does not work |" in markdown
    assert "No plan: the token does not work." in markdown
    assert "sandbox-token" not in markdown + out


def test_a_spent_rate_limit_is_broken_without_waiting(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "sandbox", "rate-limit", "--remaining", "0")[0] == 0

    code, out, _ = run(capsys, "verify", "--sandbox", "--report-file", "health.md")

    assert code == 1, out
    markdown = report(workdir)
    assert "| Rate limit | ❌ broken | spent: 0 of 5000 requests left until " in markdown
    assert "| Token | ⏭️ skipped |" in markdown


# -- against a sandbox reached like real GitHub ----------------------------------------------------


def test_verify_only_reads(live: Sandbox, observation: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "verify")
    assert code == 2
    assert writes(live) == {}
    # Permissions come with the organisation listing, read once; the workflows directory
    # (over REST, or in the one GraphQL query) and the one changed file's body are each read
    # once although the plan and the parse check both need them.
    listing = 1 if observation == "rest" else 0
    assert live.stats.by_route()["GET /orgs/{org}/repos"] == 1
    assert "GET /repos/{owner}/{repo}" not in live.stats.for_repo(KERNEL)
    assert live.stats.for_repo(KERNEL)["GET /repos/{owner}/{repo}/contents/{path}"] == listing + 1
    assert live.stats.graphql_queries() == 1 - listing
    assert live.stats.by_route()["GET /rate_limit"] == 2


def test_low_headroom_is_noted_and_the_rest_still_checked(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    live.set_rate_limit(remaining=60, reset_epoch=int(time.time()) + 1800)

    code, out, _ = run(capsys, "verify", "--report-file", "health.md")

    assert code == 2, out
    markdown = report(Path.cwd())
    assert "| Rate limit | ✅ ok |" in markdown
    assert "apply needs about" in markdown and "it would stop partway" in markdown
    assert "less than 10% of the hourly budget is left" in markdown


def test_a_broken_live_workflow_file_is_reported(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    with live.state.lock:
        kernel = live.state.find_repo(ORG, "sovereign-kernel")
        assert kernel is not None
        live.state.commit_files(kernel, "main", {AGENT_LOOP: b"name: Loop\non: [push\njobs: {}\n"}, "Oops")
    live.persist()

    code, out, _ = run(capsys, "verify", "--report-file", "health.md")

    assert code == 2, out
    markdown = report(Path.cwd())
    assert "| Workflow files parse | ⚠️ drift | 1 live file does not parse" in markdown
    assert f"`{AGENT_LOOP}` on GitHub is not a valid workflow (line " in section(markdown, KERNEL)


def test_a_repository_that_cannot_be_read_is_broken(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    live.inject_fault(method="GET", path_pattern="/agent-runtime/actions/secrets", status=502, times=1000)

    code, out, _ = run(capsys, "verify", "--report-file", "health.md")

    assert code == 1, out
    markdown = report(Path.cwd())
    assert "| Plan | ❌ broken | 1 of 3 repositories could not be planned" in markdown
    assert "could not be planned: " in section(markdown, RUNTIME)
    assert f"not checked in {RUNTIME}: could not be planned" in markdown
    live.clear_faults()


def test_only_the_named_repository_is_checked(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    live.set_token_grant("test-token", TokenGrant(role="pull"))

    code, _, _ = run(capsys, "verify", "--repo", KERNEL, "--report-file", "health.md")

    assert code == 1
    markdown = report(Path.cwd())
    assert "missing in 1 of 1 repository" in markdown
    assert RUNTIME not in markdown and HANDBOOK not in markdown
    # Resolving --repo reads the repository; its permissions come from that same read.
    assert live.stats.for_repo(KERNEL)["GET /repos/{owner}/{repo}"] == 1


def test_an_invalid_desired_state_or_no_token_is_broken_with_a_report(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "verify", "--report-file", "health.md")
    assert code == 1
    assert "| Token | ❌ broken | no GitHub token: set GITHUB_TOKEN" in report(workdir)

    (workdir / "desired-state" / "broken.yml").write_text("version: 1\nrepositories:\n  - repository: nope\n")
    code, _, _ = run(capsys, "verify", "--sandbox", "--report-file", "health.md")
    assert code == 1
    markdown = report(workdir)
    assert "| Desired state | ❌ broken | desired state has 1 error: desired-state/broken.yml:3:" in markdown
    assert "| Permissions | ⏭️ skipped | not checked: the desired state does not load |" in markdown


# -- the reader methods verify adds ----------------------------------------------------------------


def reader(sandbox: Sandbox, token: str) -> HttpReader:
    return HttpReader(github_session(sandbox.url, token))


def test_the_reader_tells_classic_and_fine_grained_tokens_apart(sandbox: Sandbox) -> None:
    sandbox.set_token_grant("fine", TokenGrant(role="push", fine_grained=True))
    classic, fine = reader(sandbox, "classic"), reader(sandbox, "fine")
    try:
        assert get_authenticated(classic) == TokenInfo("sandbox-operator", ("repo", "workflow", "read:org"))
        assert get_authenticated(fine) == TokenInfo("sandbox-operator", None)
        access = get_repository(fine, KERNEL)
        assert access.full_name == KERNEL and not access.private and not access.archived
        assert access.permissions is not None and access.permissions["push"] and not access.permissions["admin"]
        before = sandbox.stats.by_route().get("GET /repos/{owner}/{repo}/labels", 0)
        limit = get_rate_limit(classic)
        assert isinstance(limit, RateLimit) and limit.limit == 5000 and 0 < limit.remaining <= 5000
        assert sandbox.stats.by_route().get("GET /repos/{owner}/{repo}/labels", 0) == before
    finally:
        classic.session.close()
        fine.session.close()
