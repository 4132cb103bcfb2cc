"""The CLI end to end: desired-state YAML → the HTTP client → sandbox, and back."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from reconciler.plan.reasons import Reason
from reconciler.sandbox import Sandbox
from reconciler.sandbox.persistence import load_state
from tests.conftest import TEST_LIMITS
from tests.integration.conftest import HANDBOOK, KERNEL, ORG, ROOT, RUNTIME, run, set_by_hand, writes


def test_plan_apply_plan_on_the_builtin_sandbox(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--sandbox", "--detailed-exitcode")
    assert code == 2
    assert "+ label agent:handoff" in out
    assert "~ label priority:high" in out and "color: ff0000 → d93f0b" in out
    assert "> label in progress → status:in-progress" in out
    assert "> label Priority: High → priority:high" in out
    assert out.rstrip().splitlines()[-1].startswith("Plan: ")
    assert "in 3 repositories." in out

    code, out, _ = run(capsys, "apply", "--sandbox", "--auto-approve")
    # Everything was applied except the secret a person must set, so apply says so and exits 1.
    assert code == 1, out
    assert "Apply complete:" in out and "failed" not in out and "1 needs attention" in out

    state_file = workdir / "sandbox.json"
    person = Sandbox(state_file)
    set_by_hand(person.state)
    person.persist()

    code, out, _ = run(capsys, "plan", "--sandbox", "--detailed-exitcode")
    assert code == 0
    assert "No changes." in out


def test_json_plan_validates_against_the_published_schema(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--sandbox", "--format", "json")
    assert code == 0
    document = json.loads(out)
    schema = json.loads((ROOT / "schemas" / "plan.schema.json").read_text())
    jsonschema.validate(document, schema)
    actions = {c["action"] for c in document["changes"]}
    assert {"create", "update", "rename", "noop"} <= actions
    assert document["format_version"] == 3
    # Every change says why with a code from the closed list, and in words.
    codes = {reason.value for reason in Reason}
    assert all(c["reason"] in codes and c["reason_text"] for c in document["changes"])


def test_out_saves_the_json_plan_and_markdown_renders(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--sandbox", "--format", "markdown", "--out", "plan.json")
    assert code == 0
    assert out.startswith("### reconciler plan")
    assert f"| `{KERNEL}` |" in out
    saved = json.loads((workdir / "plan.json").read_text())
    assert saved["repositories"] == [RUNTIME, HANDBOOK, KERNEL]


def test_undeclared_labels_are_kept_and_renames_keep_issue_links(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    with live.state.lock:
        kernel = live.state.find_repo("Sovereign-Operating-System", "sovereign-kernel")
        assert kernel is not None
        old = kernel.find_label("in progress")
        assert old is not None
        carrying = sorted(i.number for i in kernel.issues if old.id in i.label_ids)
    assert len(carrying) >= 2

    assert run(capsys, "apply", "--auto-approve")[0] == 0

    with live.state.lock:
        renamed = kernel.find_label("status:in-progress")
        assert renamed is not None and renamed.id == old.id
        assert sorted(i.number for i in kernel.issues if renamed.id in i.label_ids) == carrying
        runtime = live.state.find_repo("Sovereign-Operating-System", "agent-runtime")
        assert runtime is not None
        assert runtime.find_label("team:runtime") is not None
        assert kernel.find_label("wontfix") is not None
    assert "DELETE /repos/{owner}/{repo}/labels/{name}" not in writes(live)


def test_planning_only_reads_and_a_noop_plan_costs_one_request_per_kind_and_repository(
    live: Sandbox, observation: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "plan")[0] == 0
    assert writes(live) == {}
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    live.stats.reset()
    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 0, out
    # Per repository one list request each: variables, secrets and the workflows (their state)
    # over REST, which GraphQL does not serve; labels and the .github/workflows listing (blob
    # ids only: no file bodies are fetched) too over REST, or all three repositories' in one
    # GraphQL query costing one point.
    expected = {
        "GET /repos/{owner}/{repo}/actions/variables": 1,
        "GET /repos/{owner}/{repo}/actions/secrets": 1,
        "GET /repos/{owner}/{repo}/actions/workflows": 1,
    }
    if observation == "rest":
        expected |= {"GET /repos/{owner}/{repo}/labels": 1, "GET /repos/{owner}/{repo}/contents/{path}": 1}
    for repo in (KERNEL, RUNTIME, HANDBOOK):
        assert live.stats.for_repo(repo) == expected
    queries = 1 if observation == "graphql" else 0
    assert (live.stats.graphql_queries(), live.stats.graphql_points()) == (queries, queries)
    assert live.stats.total() == 1 + 3 * len(expected) + queries  # and the organisation's listing


def test_a_failing_repository_does_not_stop_the_others_and_a_rerun_converges(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    live.inject_fault(method="POST", path_pattern="/agent-runtime/labels$", status=500, times=1000)
    code, out, _ = run(capsys, "apply", "--auto-approve")
    assert code == 1
    assert "failed" in out
    assert f"failed: {RUNTIME} label agent:handoff" in out
    with live.state.lock:
        handbook = live.state.find_repo("Sovereign-Operating-System", "operations-handbook")
        assert handbook is not None and handbook.find_label("agent:handoff") is not None
    live.clear_faults()
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 0 and "No changes." in out


def test_a_rejected_token_stops_apply_at_once_and_says_what_was_skipped(
    live: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # One repository at a time, so "at once" has one meaning: nothing after the refusal.
    # Side by side, what is already under way finishes (tests/integration/test_parallel_apply.py).
    monkeypatch.setattr("reconciler.commands.support.connect.GITHUB_LIMITS", replace(TEST_LIMITS, concurrency=1))
    bad_credentials = {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}
    live.inject_fault(
        method="POST", path_pattern="/agent-runtime/labels$", status=401, body=bad_credentials, times=1000
    )
    code, out, _ = run(capsys, "apply", "--auto-approve")
    assert code == 1
    assert "Apply complete" in out and " skipped" in out, out
    # The renames that come first in agent-runtime, then the refused create: nothing after it.
    assert writes(live) == {"PATCH /repos/{owner}/{repo}/labels/{name}": 2, "POST /repos/{owner}/{repo}/labels": 1}
    with live.state.lock:
        handbook = live.state.find_repo(ORG, "operations-handbook")
        assert handbook is not None and handbook.find_label("agent:handoff") is None


def test_apply_without_a_terminal_refuses_and_writes_nothing(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "apply")
    assert code == 1
    assert "--auto-approve" in err
    assert writes(live) == {}


def test_no_token_for_real_github_fails_before_any_request(
    workdir: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "plan", "--github-url", sandbox.url)
    assert code == 1
    assert "GITHUB_TOKEN" in err
    assert sandbox.stats.total() == 0


def test_selecting_one_repository_reads_only_that_one(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--repo", HANDBOOK, "--detailed-exitcode")
    assert code == 2
    assert list(live.stats.by_repo()) == [HANDBOOK]
    assert KERNEL not in out


def test_the_summary_counts_the_repositories_that_change(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "apply", "--auto-approve", "--repo", KERNEL)[0] == 0
    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 2
    assert out.rstrip().splitlines()[-1].endswith("in 2 repositories.")


def test_unknown_repository_in_the_desired_state_fails_only_that_repository(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = workdir / "desired-state" / "extra.yml"
    extra.write_text("repositories:\n  - repository: Sovereign-Operating-System/missing\n    labels: {}\n")
    code, out, _ = run(capsys, "plan")
    assert code == 1
    assert "Sovereign-Operating-System/missing" in out and "could not be planned" in out
    assert "+ label agent:handoff" in out

    # A failure outranks changes: 1, not 2, for CI that reads --detailed-exitcode and drift.
    assert run(capsys, "plan", "--detailed-exitcode")[0] == 1
    assert run(capsys, "drift")[0] == 1
    code, out, _ = run(capsys, "plan", "--format", "markdown")
    assert "> [!WARNING]" in out and "`Sovereign-Operating-System/missing`" in out

    code, out, _ = run(capsys, "apply", "--auto-approve")
    assert code == 1, out
    assert "Not applied: Sovereign-Operating-System/missing" in out
    # Still 1 once everything else has converged: the missing repository is not forgotten.
    assert run(capsys, "apply", "--auto-approve")[0] == 1


def test_validate_lists_every_problem_and_contacts_nothing(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = workdir / "bad"
    bad.mkdir()
    (bad / "repos.yml").write_text(
        "repositories:\n"
        "  - repository: not-a-slug\n"
        "    labels:\n"
        "      items:\n"
        "        - {name: bug, color: red}\n"
        "        - {name: Bug, color: d73a4a}\n"
    )
    code, _, err = run(capsys, "validate", "bad")
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("bad/repos.yml:")]
    assert len(lines) == 3
    assert any(":2:" in line and "not a repository" in line for line in lines)
    assert any(":5:" in line and "not a colour" in line for line in lines)
    assert any(":6:" in line and "collides" in line for line in lines)
    assert run(capsys, "validate")[0] == 0


def test_bad_usage_is_exit_1_and_a_bug_is_exit_3(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "plan", "--format", "xml")[0] == 1

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("reconciler.engine.planning.plan_repositories", broken)
    code, _, err = run(capsys, "plan", "--sandbox")
    assert code == 3
    assert "bug" in err
    assert "Traceback" in err and "RuntimeError: boom" in err, "no trace to report"


def test_the_secret_only_a_person_can_set_is_set_by_hand_and_the_plan_converges(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "apply", "--sandbox", "--auto-approve")[0] == 1
    monkeypatch.setenv("BY_HAND_VALUE", "set-by-a-person")
    code, out, _ = run(capsys, "sandbox", "set-secret", RUNTIME, "CLAUDE_API_KEY", "--from-env", "BY_HAND_VALUE")
    assert code == 0 and "set-by-a-person" not in out
    code, out, _ = run(capsys, "plan", "--sandbox", "--detailed-exitcode")
    assert code == 0 and "No changes." in out
    state = load_state(workdir / "sandbox.json")
    runtime = state.find_repo(ORG, "agent-runtime")
    assert runtime is not None and runtime.secret_matches("CLAUDE_API_KEY", "set-by-a-person")


def test_every_command_lists_the_desired_state_problems_with_their_places(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = workdir / "desired-state" / "repositories" / "operations-handbook.yml"
    own.write_text(own.read_text().replace("max_issues: 1", "max_issues: 99"))
    for command in (("plan", "--sandbox"), ("apply", "--sandbox", "--auto-approve"), ("drift", "--sandbox")):
        code, _, err = run(capsys, *command)
        assert code == 1, command
        assert "desired-state/repositories/operations-handbook.yml:8:19: repositories[0].limits.max_issues:" in err
        assert "99 is out of range for max_issues: 0 to 50" in err
