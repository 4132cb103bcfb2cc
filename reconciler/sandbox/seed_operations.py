"""What a fresh sandbox has for running reconciler as a GitHub App and operating a fleet: the
App and its installations, owners besides the organisation, organisation-level Actions
secrets and variables, and a few days of workflow runs.

* The App ``reconciler-sandbox`` is installed on the organisation (every repository) and on
  the user ``maya-okafor``, who owns two repositories; a run over both owners uses two
  installations. The organisation ``Sovereign-Labs`` has a repository and no installation,
  for the "App not installed" path.
* Organisation secrets and variables, one of each visibility, so a repository's
  ``organization-secrets`` and ``organization-variables`` differ from its neighbours'.
* Workflow runs, relative to the sandbox's clock when the seed is made: in
  ``sovereign-kernel`` the agent loop ran fine for days and keeps failing since yesterday
  (its file is an outdated revision), with a run in progress now; in ``agent-runtime`` it is
  healthy, runs succeeded (one failure and one cancelled run among them) until someone
  disabled it the day before. Both have CI runs on pushes to ``main``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import clock
from .apps import App, Installation, client_id_for
from .model import make_node_id
from .org_actions import OrgVariable
from .seed_files import AGENT_LOOP_PATH, CI_PATH
from .seed_repositories import SEEDED_SECRET_VALUE
from .state import RepoState, SandboxState
from .workflow_runs import RunSpec, record_run

APP_SLUG = "reconciler-sandbox"
APP_PERMISSIONS = {
    "metadata": "read",
    "contents": "write",
    "issues": "write",
    "pull_requests": "write",
    "actions": "write",
    "secrets": "write",
    "variables": "write",
    "workflows": "write",
    "administration": "read",
    "organization_secrets": "write",
    "organization_variables": "write",
}
APP_EVENTS = ["push", "workflow_run"]
USER_LOGIN = "maya-okafor"
UNINSTALLED_ORG = "Sovereign-Labs"

_OTHER_OWNERS: list[tuple[str, str, str | None, dict[str, Any]]] = [
    # owner, account type, display name, repository spec (as in ``seed_repositories``)
    (USER_LOGIN, "User", "Maya Okafor", {"name": "dotfiles", "attrs": {"description": "Shell and editor setup"}}),
    (
        USER_LOGIN,
        "User",
        "Maya Okafor",
        {
            "name": "agent-notes",
            "attrs": {"description": "Notes on agent runs", "private": True, "visibility": "private"},
        },
    ),
    (
        UNINSTALLED_ORG,
        "Organization",
        "Sovereign Labs",
        {"name": "prototype-lab", "attrs": {"description": "Experiments that may never ship"}},
    ),
]
_SHARED = {
    "created_at": "2024-11-01T00:00:00Z",
    "updated_at": "2025-04-01T00:00:00Z",
    "pushed_at": "2025-04-01T00:00:00Z",
}

ApplyRepository = Callable[[SandboxState, str, dict[str, Any]], None]


def seed_operations(state: SandboxState, org: str, apply_repository: ApplyRepository) -> None:
    for owner, kind, name, spec in _OTHER_OWNERS:
        if state.account(owner) is None:
            state.add_account(owner, type=kind, name=name)
        apply_repository(state, owner, {**spec, "attrs": {**_SHARED, **spec["attrs"]}})
    app = _seed_app(state, org)
    for account in (org, USER_LOGIN):
        _install(state, app, account)
    _seed_org_actions(state, org)
    _seed_runs(state, org)


def _seed_app(state: SandboxState, org: str) -> App:
    app_id = state.next_id("app")
    app = App(
        id=app_id,
        node_id=make_node_id("A", app_id),
        slug=APP_SLUG,
        client_id=client_id_for(app_id),
        name="reconciler (sandbox)",
        owner=org,
        description="GitOps for GitHub repositories, as a GitHub App of the sandbox.",
        permissions=dict(APP_PERMISSIONS),
        events=list(APP_EVENTS),
    )
    state.apps.append(app)
    state.add_account(app.bot_login, type="Bot")
    return app


def _install(state: SandboxState, app: App, account: str) -> Installation:
    owner = state.account(account)
    permissions = dict(app.permissions)
    if owner is not None and owner.type != "Organization":
        # Organisation permissions mean nothing on a user's account.
        permissions = {k: v for k, v in permissions.items() if not k.startswith("organization_")}
    installation = Installation(
        id=state.next_id("installation"),
        app_id=app.id,
        account=owner.login if owner is not None else account,
        permissions=permissions,
        events=list(app.events),
    )
    state.installations.append(installation)
    return installation


def _seed_org_actions(state: SandboxState, org: str) -> None:
    actions = state.actions_of(org, create=True)
    assert actions is not None
    ids = {repo.name: repo.id for repo in state.repos_of(org)}
    value = SEEDED_SECRET_VALUE.encode()
    actions.store_secret("ORGANIZATION_RELEASE_TOKEN", value, visibility="private", selected=None)
    actions.store_secret(
        "AGENT_TELEMETRY_KEY", value, visibility="selected", selected=[ids["sovereign-kernel"], ids["agent-runtime"]]
    )
    for secret in actions.secrets:
        secret.created_at = secret.updated_at = "2025-03-01T12:00:00Z"
    when = "2025-03-01T12:00:00Z"
    actions.variables += [
        OrgVariable("AUTONOMY_ORG_NAME", "Sovereign Operating System", "all", [], when, when),
        OrgVariable("AGENT_MODEL_TIER", "standard", "selected", [ids["sovereign-kernel"]], when, when),
    ]


# -- workflow runs ----------------------------------------------------------------------------

HOUR = 3600


def _record(state: SandboxState, repo: RepoState, path: str, ended: float, spec: RunSpec) -> None:
    workflow = next(w for w in repo.workflows if w.path == path)
    record_run(state, repo, workflow, spec, ended=ended)


def _scheduled(conclusion: str, index: int) -> RunSpec:
    # Successes take 9 to 16 minutes, failures 2 to 4, a cancelled run what it had.
    duration = {"success": 540 + index * 97 % 420, "failure": 120 + index * 53 % 120}.get(conclusion, 200)
    return RunSpec(conclusion=conclusion, event="schedule", duration_seconds=duration)


def _seed_runs(state: SandboxState, org: str) -> None:
    now = clock.now()
    # The agent loop runs at 17 past the hour; the seed keeps every third one.
    anchor = now - (now - 17 * 60) % HOUR
    kernel = state.find_repo(org, "sovereign-kernel")
    runtime = state.find_repo(org, "agent-runtime")
    assert kernel is not None and runtime is not None
    for step in range(24, 0, -1):  # three days
        start = anchor - step * 3 * HOUR
        # Healthy until yesterday, failing since.
        spec = _scheduled("failure" if step <= 7 else "success", step)
        _record(state, kernel, AGENT_LOOP_PATH, start + spec.duration_seconds, spec)
    _record(
        state,
        kernel,
        AGENT_LOOP_PATH,
        now,
        RunSpec(conclusion=None, status="in_progress", event="schedule", duration_seconds=420),
    )
    for step in range(24, 8, -1):  # until someone disabled it, a day ago
        start = anchor - step * 3 * HOUR
        conclusion = {20: "failure", 15: "cancelled"}.get(step, "success")
        spec = _scheduled(conclusion, step)
        _record(state, runtime, AGENT_LOOP_PATH, start + spec.duration_seconds, spec)
    dispatched = RunSpec(
        conclusion="success", event="workflow_dispatch", duration_seconds=611, title="Autonomous Agent Loop"
    )
    _record(state, runtime, AGENT_LOOP_PATH, anchor - 30 * HOUR, dispatched)
    for repo in (kernel, runtime):
        for hours_ago in (70, 46, 22):
            ci = RunSpec(conclusion="success", event="push", duration_seconds=180 + hours_ago, title="Update README")
            _record(state, repo, CI_PATH, now - hours_ago * HOUR, ci)
