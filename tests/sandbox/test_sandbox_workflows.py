"""Actions workflows: derived from the default branch, enabled and disabled, registered a
moment after a push, and guarded by the ``workflow`` scope."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
import requests
from github import Github

from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import RepoState, TokenGrant

ORG = "Sovereign-Operating-System"
KERNEL = f"{ORG}/sovereign-kernel"
RUNTIME = f"{ORG}/agent-runtime"
HANDBOOK = f"{ORG}/operations-handbook"
AGENT_LOOP = ".github/workflows/autonomous-agent-loop.yml"
DESIRED = Path(__file__).resolve().parents[2] / "desired-state" / "workflows" / "autonomous-agent-loop.yml"
REPO_ONLY = {"Authorization": "token repo-only"}


def api(sandbox: Sandbox, slug: str = KERNEL) -> str:
    return f"{sandbox.url}/repos/{slug}"


def repo_state(sandbox: Sandbox, slug: str = KERNEL) -> RepoState:
    repo = sandbox.state.find_repo(*slug.split("/"))
    assert repo is not None
    return repo


def listed(http: requests.Session, sandbox: Sandbox, slug: str = KERNEL) -> dict[str, str]:
    """Workflow path -> state, as one list request shows them."""
    body = http.get(f"{api(sandbox, slug)}/actions/workflows").json()
    assert body["total_count"] == len(body["workflows"])
    return {w["path"]: w["state"] for w in body["workflows"]}


def write(http: requests.Session, sandbox: Sandbox, path: str, text: str, **fields: str) -> requests.Response:
    body = {"message": f"Write {path}", "content": base64.b64encode(text.encode()).decode(), **fields}
    return http.put(f"{api(sandbox)}/contents/{path}", json=body)


def blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


# -- the seeded drift ---------------------------------------------------------------------------


def test_seeded_workflow_files_and_states(sandbox: Sandbox, http: requests.Session) -> None:
    desired = DESIRED.read_bytes()
    kernel_file = http.get(f"{api(sandbox)}/contents/{AGENT_LOOP}").json()
    runtime_file = http.get(f"{api(sandbox, RUNTIME)}/contents/{AGENT_LOOP}").json()
    handbook_dir = http.get(f"{api(sandbox, HANDBOOK)}/contents/.github/workflows")

    assert base64.b64decode(runtime_file["content"]) == desired
    assert runtime_file["sha"] == blob_id(desired)
    outdated = base64.b64decode(kernel_file["content"]).decode()
    assert kernel_file["sha"] != blob_id(desired)
    assert "cancel-in-progress: true" in outdated and "actions/checkout@v4" in outdated
    assert "actions/upload-artifact@v4" in outdated and ".agent-workspace/STOP" not in outdated
    assert 'cron: "17 * * * *"' not in outdated and "name: Autonomous Agent Loop" in outdated
    assert handbook_dir.status_code == 404

    assert listed(http, sandbox) == {AGENT_LOOP: "active", ".github/workflows/ci.yml": "active"}
    assert listed(http, sandbox, RUNTIME) == {
        AGENT_LOOP: "disabled_manually",
        ".github/workflows/ci.yml": "active",
    }
    assert listed(http, sandbox, HANDBOOK) == {}
    assert listed(http, sandbox, f"{ORG}/community-site") == {}
    assert set(repo_state(sandbox, f"{ORG}/community-site").files()) == {"README.md"}
    assert sandbox.state.workflow_registration_lag == 1


# -- reading, enabling, disabling ---------------------------------------------------------------


def test_get_by_file_name_or_id(sandbox: Sandbox, http: requests.Session) -> None:
    by_name = http.get(f"{api(sandbox, RUNTIME)}/actions/workflows/autonomous-agent-loop.yml")
    by_id = http.get(f"{api(sandbox, RUNTIME)}/actions/workflows/{by_name.json()['id']}")
    missing = http.get(f"{api(sandbox, RUNTIME)}/actions/workflows/nope.yml")

    assert by_name.status_code == 200 and by_name.json() == by_id.json()
    assert (by_name.json()["name"], by_name.json()["state"]) == ("Autonomous Agent Loop", "disabled_manually")
    assert by_name.json()["url"] == f"{api(sandbox, RUNTIME)}/actions/workflows/{by_name.json()['id']}"
    assert missing.status_code == 404


def test_enable_and_disable(sandbox: Sandbox, http: requests.Session) -> None:
    url = f"{api(sandbox, RUNTIME)}/actions/workflows/autonomous-agent-loop.yml"

    enabled = http.put(f"{url}/enable")
    enabled_again = http.put(f"{url}/enable")
    disabled = http.put(f"{url}/disable")
    disabled_again = http.put(f"{url}/disable")

    assert [r.status_code for r in (enabled, enabled_again, disabled)] == [204, 204, 204]
    assert disabled_again.status_code == 403
    assert disabled_again.json()["message"] == "Unable to disable a workflow that is not active."
    assert http.get(url).json()["state"] == "disabled_manually"


@pytest.mark.parametrize("state", ["disabled_inactivity", "disabled_fork"])
def test_enable_works_from_every_disabled_state(sandbox: Sandbox, http: requests.Session, state: str) -> None:
    workflow = repo_state(sandbox).find_workflow("ci.yml")
    assert workflow is not None
    workflow.state = state

    assert http.put(f"{api(sandbox)}/actions/workflows/ci.yml/enable").status_code == 204
    assert workflow.state == "active"


def test_a_deleted_workflow_cannot_be_enabled(sandbox: Sandbox, http: requests.Session) -> None:
    workflow = repo_state(sandbox).find_workflow("ci.yml")
    assert workflow is not None
    workflow.state = "deleted"

    assert http.put(f"{api(sandbox)}/actions/workflows/ci.yml/enable").status_code == 403
    assert workflow.state == "deleted"


def test_pygithub_reads_and_toggles_workflows(sandbox: Sandbox, gh: Github) -> None:
    repo = gh.get_repo(RUNTIME)
    workflow = repo.get_workflow("autonomous-agent-loop.yml")

    assert [w.path for w in repo.get_workflows()] == [AGENT_LOOP, ".github/workflows/ci.yml"]
    assert workflow.enable() is True
    assert repo.get_workflow(workflow.id).state == "active"
    ci = repo.get_workflow("ci.yml")
    assert ci.disable() is True
    # Without a retry policy PyGithub reports the 403 as False rather than raising.
    assert ci.disable() is False


# -- registration follows the default branch ----------------------------------------------------


def test_a_pushed_workflow_appears_after_the_lag(sandbox: Sandbox, http: requests.Session) -> None:
    write(http, sandbox, ".github/workflows/nightly.yml", "name: 'Nightly build' # comment\non: push\n")
    new = ".github/workflows/nightly.yml"

    first = listed(http, sandbox)
    first_get = http.get(f"{api(sandbox)}/actions/workflows/nightly.yml")
    second = http.get(f"{api(sandbox)}/actions/workflows/nightly.yml")

    assert new not in first
    assert first_get.status_code == 200  # the list request already counted against the lag
    assert (second.json()["name"], second.json()["state"]) == ("Nightly build", "active")


def test_lag_is_a_setting(sandbox: Sandbox, http: requests.Session) -> None:
    sandbox.state.workflow_registration_lag = 0
    write(http, sandbox, ".github/workflows/now.yaml", "on: push\n")
    assert listed(http, sandbox)[".github/workflows/now.yaml"] == "active"

    sandbox.state.workflow_registration_lag = 2
    write(http, sandbox, ".github/workflows/later.yml", "on: push\n")
    seen = [".github/workflows/later.yml" in listed(http, sandbox) for _ in range(3)]
    assert seen == [False, False, True]
    workflow = repo_state(sandbox).find_workflow("later.yml")
    assert workflow is not None and workflow.name == ".github/workflows/later.yml"  # no name: line


def test_only_the_default_branch_registers_workflows(sandbox: Sandbox, http: requests.Session) -> None:
    sandbox.state.workflow_registration_lag = 0
    main = repo_state(sandbox).branch_head("main")
    http.post(f"{api(sandbox)}/git/refs", json={"ref": "refs/heads/add-release", "sha": main})
    write(http, sandbox, ".github/workflows/release.yml", "name: Release\n", branch="add-release")
    write(http, sandbox, ".github/workflows/scripts/helper.yml", "name: Not a workflow\n")

    before = listed(http, sandbox)
    pull = http.post(
        f"{api(sandbox)}/pulls", json={"title": "Release workflow", "head": "add-release", "base": "main"}
    ).json()
    http.put(f"{pull['url']}/merge")
    after = listed(http, sandbox)

    assert ".github/workflows/release.yml" not in before
    assert after[".github/workflows/release.yml"] == "active"
    assert ".github/workflows/scripts/helper.yml" not in after


def test_a_removed_workflow_file_takes_its_workflow_with_it(sandbox: Sandbox, http: requests.Session) -> None:
    sha = http.get(f"{api(sandbox)}/contents/.github/workflows/ci.yml").json()["sha"]

    http.delete(f"{api(sandbox)}/contents/.github/workflows/ci.yml", json={"message": "Drop CI", "sha": sha})

    assert listed(http, sandbox) == {AGENT_LOOP: "active"}
    assert http.get(f"{api(sandbox)}/actions/workflows/ci.yml").status_code == 404


def test_renaming_a_workflow_keeps_its_id_and_state(sandbox: Sandbox, http: requests.Session) -> None:
    before = http.get(f"{api(sandbox, RUNTIME)}/actions/workflows/autonomous-agent-loop.yml").json()
    repo = repo_state(sandbox, RUNTIME)
    text = (repo.read_file(AGENT_LOOP) or b"").decode().replace("name: Autonomous Agent Loop", "name: Agent Loop")
    sha = blob_id(repo.read_file(AGENT_LOOP) or b"")
    body = {"message": "Rename", "content": base64.b64encode(text.encode()).decode(), "sha": sha}

    assert http.put(f"{api(sandbox, RUNTIME)}/contents/{AGENT_LOOP}", json=body).status_code == 200
    after = http.get(f"{api(sandbox, RUNTIME)}/actions/workflows/autonomous-agent-loop.yml").json()

    assert (after["id"], after["state"], after["name"]) == (before["id"], "disabled_manually", "Agent Loop")


# -- the workflow scope -------------------------------------------------------------------------


@pytest.fixture
def repo_only(sandbox: Sandbox) -> dict[str, str]:
    with sandbox.state.lock:
        sandbox.state.tokens["repo-only"] = TokenGrant(scopes=["repo"])
    return REPO_ONLY


def test_contents_writes_to_workflows_need_the_workflow_scope(sandbox: Sandbox, repo_only: dict[str, str]) -> None:
    repo = repo_state(sandbox)
    head = repo.branch_head("main")
    sha = blob_id(repo.read_file(AGENT_LOOP) or b"")
    content = base64.b64encode(b"name: x\n").decode()

    update = requests.put(
        f"{api(sandbox)}/contents/{AGENT_LOOP}",
        headers=repo_only,
        json={"message": "m", "content": content, "sha": sha},
    )
    create = requests.put(
        f"{api(sandbox)}/contents/.github/workflows/new.yml",
        headers=repo_only,
        json={"message": "m", "content": content},
    )
    delete = requests.delete(
        f"{api(sandbox)}/contents/{AGENT_LOOP}", headers=repo_only, json={"message": "m", "sha": sha}
    )
    elsewhere = requests.put(
        f"{api(sandbox)}/contents/docs/x.md", headers=repo_only, json={"message": "m", "content": content}
    )

    assert [r.status_code for r in (update, create, delete)] == [403] * 3
    assert update.json()["message"] == (
        "refusing to allow a Personal Access Token to create or update workflow "
        f"`{AGENT_LOOP}` without `workflow` scope"
    )
    assert "`.github/workflows/new.yml`" in create.json()["message"]
    assert update.headers["X-OAuth-Scopes"] == "repo"
    assert elsewhere.status_code == 201
    assert repo.commit_log()[1][0] == head  # only the unrelated write landed


def test_ref_moves_that_change_workflows_need_the_workflow_scope(
    sandbox: Sandbox, http: requests.Session, repo_only: dict[str, str]
) -> None:
    git = f"{api(sandbox)}/git"
    main = repo_state(sandbox).branch_head("main")
    base_tree = http.get(f"{git}/commits/{main}").json()["tree"]["sha"]
    entry = {"path": ".github/workflows/ci.yml", "mode": "100644", "type": "blob", "content": "name: CI\n"}
    tree = http.post(f"{git}/trees", json={"base_tree": base_tree, "tree": [entry]}, headers=repo_only).json()
    commit = http.post(
        f"{git}/commits", json={"message": "m", "tree": tree["sha"], "parents": [main]}, headers=repo_only
    ).json()

    moved = requests.patch(f"{git}/refs/heads/main", json={"sha": commit["sha"]}, headers=repo_only)
    created = requests.post(
        f"{git}/refs", json={"ref": "refs/heads/ci-change", "sha": commit["sha"]}, headers=repo_only
    )
    plain_branch = requests.post(f"{git}/refs", json={"ref": "refs/heads/plain", "sha": main}, headers=repo_only)
    with_scope = http.patch(f"{git}/refs/heads/main", json={"sha": commit["sha"]})

    assert (moved.status_code, moved.json()["message"]) == (404, "Not Found")
    assert created.status_code == 404
    assert plain_branch.status_code == 201
    assert with_scope.status_code == 200
