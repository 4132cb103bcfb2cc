"""Fleet features end to end: organisation selection, explain, uninstall, guards, stop."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import RepoState, TokenGrant
from tests.integration.conftest import HANDBOOK, KERNEL, ORG, RUNTIME, run

AGENT_LOOP = "autonomous-agent-loop.yml"
ORIGIN = re.compile(r"← desired-state/[\w./-]+\.yml:\d+:\d+ \((pack|organization|repository)[^)]*\)")


def repo(sandbox: Sandbox, name: str) -> RepoState:
    found = sandbox.state.find_repo(ORG, name)
    assert found is not None
    return found


def test_an_organisation_target_selects_live_repositories_and_says_what_it_left_out(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 2
    assert "selected 3 of 12 repositories" in out
    assert "selected: agent-runtime, operations-handbook, sovereign-kernel" in out
    assert "left out (archived): legacy-bootloader" in out
    assert "left out (a fork): upstream-libc" in out
    assert "left out (excluded by 'agent-playground'): agent-playground" in out
    planned = set(re.findall(r"^(Sovereign-Operating-System/\S+)$", out, re.M))
    assert planned == {KERNEL, RUNTIME, HANDBOOK}
    assert live.stats.for_repo(f"{ORG}/legacy-bootloader") == {}, "an archived repository was read"
    assert live.stats.by_route()["GET /orgs/{org}/repos"] == 1


def test_repo_narrows_without_listing_the_organisation(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--repo", HANDBOOK, "--detailed-exitcode")
    assert code == 2 and HANDBOOK in out and KERNEL not in out
    assert "GET /orgs/{org}/repos" not in live.stats.by_route()
    assert run(capsys, "plan", "--repo", f"{ORG}/legacy-bootloader")[0] == 1, "archived: not declared"


def test_explain_names_the_origin_of_every_value_including_overrides(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "explain", HANDBOOK)
    assert code == 0
    values = [line for line in out.splitlines() if line.startswith("    ")]
    assert len(values) > 25
    for line in values:
        assert ORIGIN.search(line), f"no origin: {line!r}"
    (limit,) = [line for line in values if "max_issues = 1" in line]
    assert "← desired-state/repositories/operations-handbook.yml:8:19 (repository)" in limit
    assert "overrides desired-state/packs/sovereign-autonomy.yml:" in limit
    assert "targeted by desired-state/organizations/sovereign-operating-system.yml:8:5" in out
    assert "labels (prune: false ← desired-state/organizations/" in out


def test_uninstall_removes_what_the_pack_put_there_and_keeps_the_repositorys_own(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    args = ("uninstall", "--pack", "sovereign-autonomy", "--repo", RUNTIME)
    live.stats.reset()
    code, out, _ = run(capsys, *args, "--plan-only")
    assert code == 2
    # Only the kinds a removal touches are read: never workflow state, nor other repositories.
    assert "GET /repos/{owner}/{repo}/actions/workflows" not in live.stats.for_repo(RUNTIME)
    assert live.stats.for_repo(KERNEL) == {}
    assert "- label priority:high" in out and "2 open issues and pull requests carry it and lose it" in out
    assert "- workflow-file .github/workflows/autonomous-agent-loop.yml" in out
    assert "- variable AUTONOMY_MAX_ISSUES" in out
    assert "secret" not in out.split("Plan:")[0], "secrets stay without --include-secrets"
    assert "team:runtime" not in out
    assert "Plan: 0 to create, 0 to update, 0 to rename, 27 to delete, in 1 repository." in out

    code, out, _ = run(capsys, *args, "--auto-approve")
    assert code == 0, out
    with live.state.lock:
        runtime = repo(live, "agent-runtime")
        assert runtime.find_label("team:runtime") is not None, "a label the repository declares was removed"
        assert runtime.find_label("priority:high") is None
        assert runtime.find_secret("CODEX_API_KEY") is not None
        assert runtime.read_file(f".github/workflows/{AGENT_LOOP}") is None
        assert repo(live, "sovereign-kernel").find_label("priority:high") is not None, "another repository touched"
    assert "remove it there" in out
    code, out, _ = run(capsys, *args, "--plan-only")
    assert code == 0 and "No changes." in out


def test_uninstall_with_include_secrets_deletes_the_packs_secrets_too(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    args = ("uninstall", "--pack", "sovereign-autonomy", "--repo", RUNTIME, "--include-secrets")
    code, out, _ = run(capsys, *args, "--plan-only")
    assert code == 2 and "- secret CODEX_API_KEY" in out, out
    assert run(capsys, *args, "--auto-approve")[0] == 0
    with live.state.lock:
        assert repo(live, "agent-runtime").find_secret("CODEX_API_KEY") is None
        assert repo(live, "sovereign-kernel").find_secret("CODEX_API_KEY") is not None


def test_the_deletion_guard_blocks_a_mass_deletion_until_it_is_allowed(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "apply", "--auto-approve", "--repo", RUNTIME)[0] == 0
    with live.state.lock:
        runtime = repo(live, "agent-runtime")
        for n in range(30):
            live.state.add_label(runtime, f"legacy-{n:02}", "ededed")
    own = workdir / "desired-state" / "repositories" / "agent-runtime.yml"
    own.write_text(own.read_text().replace("    labels:\n", "    labels:\n      prune: true\n"))

    code, _, err = run(capsys, "apply", "--auto-approve", "--repo", RUNTIME)
    assert code == 1
    assert "refusing to apply: it deletes 39 objects, more than 10" in err
    assert "Sovereign-Operating-System/agent-runtime label legacy-29" in err
    with live.state.lock:
        assert runtime.find_label("legacy-00") is not None, "the guard let a deletion through"
    assert run(capsys, "apply", "--auto-approve", "--repo", RUNTIME, "--allow-deletions", "10")[0] == 1
    code, out, _ = run(capsys, "apply", "--auto-approve", "--repo", RUNTIME, "--allow-deletions", "all")
    assert code == 0, out
    with live.state.lock:
        assert runtime.find_label("legacy-00") is None
        assert runtime.find_label("team:runtime") is not None


def test_a_stop_file_blocks_apply_before_any_request(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "desired-state" / "STOP").write_text("SEV-1 in progress\n")
    live.stats.reset()
    code, _, err = run(capsys, "apply", "--auto-approve")
    assert code == 1
    assert "desired-state/STOP exists" in err
    assert live.stats.total() == 0


def test_stop_disables_the_agent_workflow_everywhere_and_records_it(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    live.stats.reset()
    code, out, _ = run(capsys, "stop", "--write")
    assert code == 0, out
    assert "Stop: 3 disabled" in out
    for name in ("sovereign-kernel", "agent-runtime", "operations-handbook"):
        with live.state.lock:
            workflow = repo(live, name).find_workflow(AGENT_LOOP)
            assert workflow is not None and workflow.state == "disabled_manually", name
    writes = {r: n for r, n in live.stats.by_route().items() if not r.startswith("GET ")}
    assert writes == {"PUT /repos/{owner}/{repo}/actions/workflows/{workflow_id}/disable": 3}
    pack = (workdir / "desired-state" / "packs" / "sovereign-autonomy.yml").read_text()
    assert "          state: disabled\n          agent: true\n" in pack
    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 0, out

    live.stats.reset()
    code, out, _ = run(capsys, "stop")
    assert code == 0, out
    assert "Stop: 0 disabled, 3 already off" in out
    assert "PUT /repos/{owner}/{repo}/actions/workflows/{workflow_id}/disable" not in live.stats.by_route()


def test_stop_with_a_token_that_may_not_disable_fails_loudly_and_the_loop_keeps_running(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    live.set_token_grant("test-token", TokenGrant(role="pull"))
    code, out, _ = run(capsys, "stop")
    assert code == 1, out
    with live.state.lock:
        workflow = repo(live, "sovereign-kernel").find_workflow(AGENT_LOOP)
        assert workflow is not None and workflow.state == "active"


def test_stop_reports_every_repository_when_one_cannot_be_read(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    live.inject_fault(method="GET", path_pattern="/agent-runtime/actions/workflows$", status=502, times=50)
    code, out, _ = run(capsys, "stop")
    assert code == 1
    assert "agent-runtime  .github/workflows/autonomous-agent-loop.yml: FAILED" in out
    assert "Stop: 2 disabled, 0 already off, 1 failed, in 3 repositories." in out
    for name in ("sovereign-kernel", "operations-handbook"):
        with live.state.lock:
            workflow = repo(live, name).find_workflow(AGENT_LOOP)
            assert workflow is not None and workflow.state == "disabled_manually", name


def test_the_deletion_guard_also_counts_a_repositorys_share(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with live.state.lock:
        small = live.state.add_repo(ORG, "tiny-tool")
        for name in ("keep-a", "keep-b", "old-c", "old-d"):
            live.state.add_label(small, name, "ededed")
    (workdir / "desired-state" / "repositories" / "tiny-tool.yml").write_text(
        f"repositories:\n  - repository: {ORG}/tiny-tool\n    labels:\n      prune: true\n      items:\n"
        '        - {name: keep-a, color: "ededed"}\n        - {name: keep-b, color: "ededed"}\n'
    )
    code, _, err = run(capsys, "apply", "--auto-approve", "--repo", f"{ORG}/tiny-tool")
    assert code == 1
    assert f"more than 25% of what it found in {ORG}/tiny-tool (2 of 4)" in err
    assert run(capsys, "apply", "--auto-approve", "--repo", f"{ORG}/tiny-tool", "--allow-deletions", "2")[0] == 0
    with live.state.lock:
        assert small.find_label("old-c") is None and small.find_label("keep-a") is not None
