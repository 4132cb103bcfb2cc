"""Organisation-scoped secrets and variables end to end on the sandbox: a pack declares one
secret at organisation scope; its access list follows the repositories the organisation target
selects, one entry (one change) per repository."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.sandbox import Sandbox
from tests.integration.conftest import HANDBOOK, KERNEL, ORG, RUNTIME, run, set_by_hand

PACK = Path("desired-state/packs/sovereign-autonomy.yml")
TARGET = Path("desired-state/organizations/sovereign-operating-system.yml")
PLAYGROUND = f"{ORG}/agent-playground"
SOURCE = "RECONCILER_DEMO_SHARED_TOKEN"
SHARED = """
    organization_secrets:
      items:
        - name: AGENT_SHARED_TOKEN
          from_env: RECONCILER_DEMO_SHARED_TOKEN
          visibility: selected
"""


@pytest.fixture
def shared(workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """The example pack with one organisation secret; a token that administers the
    organisation (admin:org); the one secret only a person sets, set."""
    text = (workdir / PACK).read_text(encoding="utf-8")
    marker = "    variables:\n"
    (workdir / PACK).write_text(text.replace(marker, SHARED.lstrip("\n") + "\n" + marker, 1), encoding="utf-8")
    monkeypatch.setenv(SOURCE, "shared-token-for-tests")
    assert run(capsys, "sandbox", "grant", "--scopes", "repo,workflow,read:org,admin:org")[0] == 0
    person = Sandbox(workdir / "sandbox.json")
    set_by_hand(person.state)
    person.persist()
    return workdir


def plan_document(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = run(capsys, "plan", "--sandbox", "--format", "json")
    assert code == 0, err
    found: dict[str, Any] = json.loads(out)
    return found


def organisation_changes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in plan["changes"] if c["repository"] == ORG and c["action"] != "noop"]


def access_ids(workdir: Path) -> set[int]:
    sandbox = Sandbox(workdir / "sandbox.json")
    with sandbox.state.lock:
        actions = sandbox.state.actions_of(ORG)
        assert actions is not None
        secret = actions.find_secret("AGENT_SHARED_TOKEN")
        assert secret is not None and secret.visibility == "selected"
        assert actions.secret_matches("AGENT_SHARED_TOKEN", "shared-token-for-tests")
        return set(secret.selected_repository_ids)


def repository_ids(workdir: Path, *slugs: str) -> set[int]:
    sandbox = Sandbox(workdir / "sandbox.json")
    with sandbox.state.lock:
        found = [sandbox.state.find_repo(*slug.split("/")) for slug in slugs]
        return {repo.id for repo in found if repo is not None}


def test_one_organisation_secret_and_the_access_list_of_the_selected_repositories(
    shared: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changes = organisation_changes(plan_document(capsys))
    secret = [c for c in changes if c["key"] == "agent_shared_token"]
    access = [c for c in changes if c["key"] != "agent_shared_token"]
    assert [(c["kind"], c["action"], c["after"]["visibility"]) for c in secret] == [
        ("organization-secret", "create", "selected")
    ]
    assert secret[0]["after"]["source"] == f"env:{SOURCE}"
    assert sorted(c["after"]["name"] for c in access) == sorted(
        f"AGENT_SHARED_TOKEN for {slug}" for slug in (KERNEL, RUNTIME, HANDBOOK)
    )
    assert {c["action"] for c in access} == {"create"}
    # No repository gets a copy: the secret is the organisation's.
    assert not [c for c in plan_document(capsys)["changes"] if c["kind"] == "secret" and "shared" in c["key"]]

    code, out, _ = run(capsys, "apply", "--sandbox", "--auto-approve")
    assert code == 0, out
    assert access_ids(shared) == repository_ids(shared, KERNEL, RUNTIME, HANDBOOK)
    assert "shared-token-for-tests" not in out
    code, out, _ = run(capsys, "plan", "--sandbox", "--detailed-exitcode")
    assert code == 0, out
    assert "No changes." in out


def test_one_more_repository_is_one_access_list_change(shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "apply", "--sandbox", "--auto-approve")[0] == 0
    target = (shared / TARGET).read_text(encoding="utf-8")
    (shared / TARGET).write_text(target.replace("exclude: [agent-playground]", "exclude: []"), encoding="utf-8")

    changes = organisation_changes(plan_document(capsys))

    assert [(c["kind"], c["action"], c["after"]["name"]) for c in changes] == [
        ("organization-secret", "create", f"AGENT_SHARED_TOKEN for {PLAYGROUND}")
    ]
    _, out, _ = run(capsys, "apply", "--sandbox", "--auto-approve")
    # The new repository's own secrets without a source are a person's to set (exit 1).
    assert f"✓ created organization-secret AGENT_SHARED_TOKEN for {PLAYGROUND}" in out
    assert access_ids(shared) == repository_ids(shared, KERNEL, RUNTIME, HANDBOOK, PLAYGROUND)


def test_a_repository_no_target_applies_the_pack_to_loses_access_through_the_deletion_guard(
    shared: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "apply", "--sandbox", "--auto-approve")[0] == 0
    target = (shared / TARGET).read_text(encoding="utf-8")
    narrower = target.replace(
        "exclude: [agent-playground]", "exclude: [agent-playground, sovereign-kernel, agent-runtime]"
    )
    (shared / TARGET).write_text(narrower, encoding="utf-8")

    changes = organisation_changes(plan_document(capsys))
    assert sorted((c["action"], c["before"]["name"]) for c in changes) == [
        ("delete", f"AGENT_SHARED_TOKEN for {RUNTIME}"),
        ("delete", f"AGENT_SHARED_TOKEN for {KERNEL}"),
    ]
    # Two of the six objects observed in the organisation: more than a quarter, so apply asks first.
    code, _, err = run(capsys, "apply", "--sandbox", "--auto-approve")
    assert code == 1 and "refusing to apply" in err and f"AGENT_SHARED_TOKEN for {KERNEL}" in err
    assert run(capsys, "apply", "--sandbox", "--auto-approve", "--allow-deletions", "2")[0] == 0
    assert access_ids(shared) == repository_ids(shared, HANDBOOK)


def test_a_narrowed_plan_adds_access_and_removes_none(shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--sandbox", "--repo", RUNTIME, "--format", "json")
    assert code == 0
    plan = json.loads(out)
    assert plan["partial"] is True
    access = [c["after"]["name"] for c in organisation_changes(plan) if c["key"] != "agent_shared_token"]
    assert access == [f"AGENT_SHARED_TOKEN for {RUNTIME}"]


def test_uninstall_takes_the_repositorys_access_and_keeps_the_secret_without_include_secrets(
    shared: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "apply", "--sandbox", "--auto-approve")[0] == 0
    uninstall = ("uninstall", "--sandbox", "--pack", "sovereign-autonomy")
    code, out, _ = run(capsys, *uninstall, "--repo", RUNTIME, "--plan-only")
    assert code == 2
    assert f"- organization-secret AGENT_SHARED_TOKEN for {RUNTIME}" in out
    assert f"AGENT_SHARED_TOKEN for {KERNEL}" not in out

    code, out, _ = run(capsys, *uninstall, "--auto-approve")
    assert code == 0, out
    assert access_ids(shared) == set()

    code, out, _ = run(capsys, *uninstall, "--include-secrets", "--plan-only")
    assert "- organization-secret AGENT_SHARED_TOKEN\n" in out


def test_verify_checks_each_needed_secret_at_either_scope(shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "verify", "--sandbox", "--out", "health.md")
    report = (shared / "health.md").read_text(encoding="utf-8")
    assert code == 2
    assert "`AGENT_SHARED_TOKEN` (organisation secret) is not shared with it yet" in report
    assert run(capsys, "apply", "--sandbox", "--auto-approve")[0] == 0
    Sandbox(shared / "sandbox.json").record_run(KERNEL, "autonomous-agent-loop.yml", conclusion="success")

    run(capsys, "verify", "--sandbox", "--out", "health.md")
    report = (shared / "health.md").read_text(encoding="utf-8")
    assert "| Required secrets | ✅ ok | all 9 declared secrets and 1 organisation secret present" in report


def test_access_is_not_given_to_a_secret_apply_could_not_create(
    shared: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SOURCE)
    code, out, _ = run(capsys, "apply", "--sandbox", "--auto-approve")
    assert code == 1
    assert f"organisation secret AGENT_SHARED_TOKEN is read from the environment variable {SOURCE}" in out
    assert f"AGENT_SHARED_TOKEN for {KERNEL}: AGENT_SHARED_TOKEN could not be created in this apply" in out
    sandbox = Sandbox(shared / "sandbox.json")
    with sandbox.state.lock:
        actions = sandbox.state.actions_of(ORG)
        assert actions is None or actions.find_secret("AGENT_SHARED_TOKEN") is None


@pytest.mark.parametrize("by", ["repository", "owner"])
def test_shards_plan_an_organisations_objects_once_and_whole(
    shared: Path, capsys: pytest.CaptureFixture[str], by: str
) -> None:
    whole = {c["key"]: c["action"] for c in organisation_changes(plan_document(capsys))}
    parts = []
    for index in (1, 2, 3):
        code, out, err = run(capsys, "plan", "--sandbox", "--format", "json", "--shard", f"{index}/3", "--shard-by", by)
        assert code == 0, err
        parts.append({c["key"]: c["action"] for c in organisation_changes(json.loads(out))})
    assert sorted(len(part) for part in parts)[:2] == [0, 0], "one shard plans the organisation's objects"
    assert max(parts, key=len) == whole
