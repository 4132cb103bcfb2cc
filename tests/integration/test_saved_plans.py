"""Saved plans end to end: plan --out, then apply that file, or a refusal when it went stale."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import requests

from reconciler.sandbox import Sandbox
from tests.integration.conftest import HANDBOOK, KERNEL, ORG, RUNTIME, run, writes

LABELS_ROUTE = "GET /repos/{owner}/{repo}/labels"


def reads(sandbox: Sandbox, slug: str) -> dict[str, int]:
    return {route: n for route, n in sandbox.stats.for_repo(slug).items() if route.startswith("GET ")}


def edit_label(sandbox: Sandbox, slug: str, name: str, **fields: str) -> None:
    """What a person does in GitHub's UI between plan and apply."""
    response = requests.patch(
        f"{sandbox.url}/repos/{slug}/labels/{name}", json=fields, headers={"Authorization": "token someone-else"}
    )
    assert response.status_code == 200, response.text


def label_color(sandbox: Sandbox, slug: str, name: str) -> str | None:
    with sandbox.state.lock:
        repo = sandbox.state.find_repo(*slug.split("/"))
        assert repo is not None
        label = repo.find_label(name)
        return None if label is None else label.color


def test_plan_out_then_apply_the_file_applies_exactly_that_plan(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "plan", "--out", "p.json")[0] == 0
    saved = json.loads(Path("p.json").read_text())
    assert saved["desired_path"] == "desired-state"
    assert writes(live) == {}

    code, out, _ = run(capsys, "apply", "p.json", "--auto-approve")

    assert code == 0, out
    assert out.startswith("p.json is current: re-read what it changes in 3 repositories.")
    assert "Apply complete:" in out and "failed" not in out
    assert label_color(live, KERNEL, "priority:high") == "d93f0b"
    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 0 and "No changes." in out


def test_a_saved_plan_apply_reads_only_what_it_touches(
    live: Sandbox, observation: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    edit_label(live, KERNEL, "priority:high", color="ff0000")
    live.stats.reset()
    assert run(capsys, "plan", "--out", "p.json", "--detailed-exitcode")[0] == 2
    full_plan_requests = live.stats.total()
    live.stats.reset()

    code, out, _ = run(capsys, "apply", "p.json", "--auto-approve")

    assert code == 0, out
    assert "re-read what it changes in 1 repository" in out
    # One repository, one kind: its metadata (is the organisation selector still choosing
    # it?), the label list to check the plan (over REST, or in a GraphQL query), then the one write.
    assert list(live.stats.by_repo()) == [KERNEL]
    relisted = {LABELS_ROUTE: 1} if observation == "rest" else {}
    assert reads(live, KERNEL) == {"GET /repos/{owner}/{repo}": 1, **relisted}
    assert live.stats.graphql_queries() == (0 if relisted else 1)
    assert writes(live) == {"PATCH /repos/{owner}/{repo}/labels/{name}": 1}
    assert live.stats.total() == 3 < full_plan_requests == (16 if relisted else 11)
    assert label_color(live, KERNEL, "priority:high") == "d93f0b"


def test_a_label_edited_after_the_plan_makes_apply_refuse_as_stale(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "plan", "--out", "p.json")[0] == 0
    edit_label(live, KERNEL, "priority:high", color="00ff00")
    live.stats.reset()

    code, out, err = run(capsys, "apply", "p.json", "--auto-approve")

    assert code == 1
    assert "Error: stale plan: " in err
    assert f"{KERNEL} label 'priority:high' changed since the plan" in err
    assert writes(live) == {}
    assert "Apply complete" not in out
    assert label_color(live, KERNEL, "priority:high") == "00ff00"


def test_objects_created_or_deleted_after_the_plan_make_it_stale(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "plan", "--out", "p.json")[0] == 0
    headers = {"Authorization": "token someone-else"}
    created = requests.post(
        f"{live.url}/repos/{RUNTIME}/labels", json={"name": "agent:handoff", "color": "c5def5"}, headers=headers
    )
    deleted = requests.delete(f"{live.url}/repos/{HANDBOOK}/labels/wontfix", headers=headers)
    assert (created.status_code, deleted.status_code) == (201, 204)

    code, _, err = run(capsys, "apply", "p.json", "--auto-approve")

    assert code == 1
    assert f"{RUNTIME} label 'agent:handoff' was created since the plan" in err
    assert f"{HANDBOOK} label 'wontfix' was deleted since the plan" in err
    assert writes(live) == {"POST /repos/{owner}/{repo}/labels": 1, "DELETE /repos/{owner}/{repo}/labels/{name}": 1}


def test_a_desired_state_change_makes_apply_refuse_and_refresh_plans_afresh(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "plan", "--out", "p.json")[0] == 0
    example = workdir / "desired-state" / "packs" / "sovereign-autonomy.yml"
    example.write_text(example.read_text().replace("AUTONOMY_DEFAULT_AGENT: codex", "AUTONOMY_DEFAULT_AGENT: claude"))
    live.stats.reset()

    code, _, err = run(capsys, "apply", "p.json", "--auto-approve")

    assert code == 1
    assert "stale plan: the desired state in desired-state changed since the plan" in err
    # Nothing is read from GitHub once the desired state is known to differ.
    assert live.stats.total() == 0

    code, out, _ = run(capsys, "apply", "p.json", "--refresh", "--auto-approve")
    assert code == 0, out
    with live.state.lock:
        kernel = live.state.find_repo(ORG, "sovereign-kernel")
        assert kernel is not None
        assert {v.name: v.value for v in kernel.variables}["AUTONOMY_DEFAULT_AGENT"] == "claude"


def test_a_saved_plan_still_asks_and_shows_the_plan_first(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "plan", "--out", "p.json")[0] == 0

    code, out, err = run(capsys, "apply", "p.json")

    assert code == 1
    assert "~ label priority:high" in out and out.rstrip().splitlines()[-1].startswith("Plan: ")
    assert "--auto-approve" in err
    assert writes(live) == {}


def test_a_saved_plan_made_with_rotate_secrets_applies_and_rotates(
    live: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "apply", "--auto-approve")[0] == 0
    monkeypatch.setenv("RECONCILER_DEMO_CODEX_API_KEY", "rotated")
    assert run(capsys, "plan", "--rotate-secrets", "--out", "p.json")[0] == 0

    code, out, err = run(capsys, "apply", "p.json", "--auto-approve")

    assert code == 0, out + err
    with live.state.lock:
        kernel = live.state.find_repo(ORG, "sovereign-kernel")
        assert kernel is not None and kernel.secret_matches("CODEX_API_KEY", "rotated")


def test_a_stop_file_blocks_a_saved_plan_before_any_request(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "plan", "--out", "p.json")[0] == 0
    (workdir / "desired-state" / "STOP").write_text("SEV-1 in progress\n")
    live.stats.reset()

    code, _, err = run(capsys, "apply", "p.json", "--auto-approve")

    assert code == 1 and "STOP exists" in err
    assert live.stats.total() == 0


def test_a_saved_plan_holds_no_secret_value_and_no_token(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "plan", "--rotate-secrets", "--out", "p.json")[0] == 0
    text = Path("p.json").read_text()

    assert "codex-key-for-tests" not in text
    assert "test-token" not in text
    assert "env:RECONCILER_DEMO_CODEX_API_KEY" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "p.json is not a reconciler plan: not JSON"),
        ('{"hello": 1}', "p.json is not a reconciler plan: it has no format_version"),
        ('{"format_version": 4}', "p.json is a plan of format version 4; reconciler 0.1.0 reads version 3 only"),
        ('{"format_version": 1}', "p.json was made by an earlier reconciler (plan format 1, before reason codes)"),
        ('{"format_version": 2}', "p.json was made by an earlier reconciler (plan format 2, before unchanged"),
        ('{"format_version": 3}', "p.json is not a valid reconciler plan: generator: Field required"),
    ],
)
def test_a_file_that_is_not_a_current_plan_is_refused_clearly(
    live: Sandbox, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    Path("p.json").write_text(content)

    code, _, err = run(capsys, "apply", "p.json", "--auto-approve")

    assert code == 1
    assert message in err
    assert live.stats.total() == 0


def test_a_missing_plan_file_and_options_that_do_not_fit_are_refused(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "apply", "missing.json", "--auto-approve")
    assert code == 1 and "no saved plan at missing.json" in err

    assert run(capsys, "plan", "--out", "p.json")[0] == 0
    code, _, err = run(capsys, "apply", "p.json", "--repo", KERNEL, "--auto-approve")
    assert code == 1 and "applied exactly as it is" in err
    code, _, err = run(capsys, "apply", "--refresh", "--auto-approve")
    assert code == 1 and "--refresh re-plans a saved plan" in err


def test_a_plan_made_against_another_api_is_refused_before_any_request(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "plan", "--out", "p.json")[0] == 0
    saved = json.loads(Path("p.json").read_text())
    saved["github_url"] = "https://ghe.example.com/api/v3"
    Path("p.json").write_text(json.dumps(saved))
    live.stats.reset()

    code, _, err = run(capsys, "apply", "p.json", "--auto-approve")

    assert code == 1
    assert "was planned against https://ghe.example.com/api/v3" in err
    assert live.stats.total() == 0


def test_saved_plans_work_on_the_builtin_sandbox_across_its_restarts(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each --sandbox command starts the sandbox on a new port: still the same API.
    assert run(capsys, "plan", "--sandbox", "--out", "p.json")[0] == 0
    code, out, _ = run(capsys, "apply", "--sandbox", "p.json", "--auto-approve")
    # Everything but the secret a person must set.
    assert code == 1 and "1 needs attention" in out and "failed" not in out


def test_a_plan_file_edited_after_it_was_made_is_refused(
    live: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "plan", "--out", "p.json")[0] == 0
    plan = json.loads(Path("p.json").read_text())
    for change in plan["changes"]:
        # Turn an undeclared label nobody asked to delete into a deletion...
        if change["kind"] == "label" and not change["managed"] and change["repository"] == KERNEL:
            change["action"], change["after"] = "delete", None
        # ...and point a secret at another environment variable.
        if change["kind"] == "secret" and change["after"] and change["after"].get("source"):
            change["after"]["source"] = "env:SOMETHING_ELSE"
    Path("p.json").write_text(json.dumps(plan))
    monkeypatch.setenv("SOMETHING_ELSE", "not-for-a-repository")

    code, _, err = run(capsys, "apply", "p.json", "--auto-approve", "--allow-deletions", "all")

    assert code == 1
    assert "stale plan:" in err and "it was edited after it was made" in err
    assert writes(live) == {}
    assert label_color(live, KERNEL, "wontfix") is not None


def test_workflow_content_edited_in_a_saved_plan_is_refused(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "plan", "--out", "p.json")[0] == 0
    plan = json.loads(Path("p.json").read_text())
    injected = b"on: push\njobs: {steal: {runs-on: ubuntu-latest, steps: [{run: curl example.com}]}}\n"
    edited = 0
    for change in plan["changes"]:
        if change["kind"] == "workflow-file" and change.get("content"):
            change["content"] = base64.b64encode(injected).decode()
            edited += 1
    assert edited, "the seeded sandbox has workflow files to write"
    Path("p.json").write_text(json.dumps(plan))

    code, _, err = run(capsys, "apply", "p.json", "--auto-approve")

    assert code == 1
    assert "it was edited after it was made" in err
    assert writes(live) == {}
