"""Workflow state: whether GitHub runs each declared workflow.

GitHub has five states; reconciler's desired state has two. `active` is enabled, every
`disabled_*` is disabled, and `deleted` counts as not listed. Disabling a workflow that is
not active is a 403 on GitHub, so the plan carries the state it read and apply re-checks
before treating that refusal as an error.
"""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.desired.state import EffectiveRepository
from reconciler.errors import PermissionDeniedError, ReconcilerError
from reconciler.github.port import GitHubReader, GitHubWriter
from reconciler.kinds.base import Outcome, apply_each, one_write_each
from reconciler.kinds.workflows.block import PREFIX, WORKFLOWS_BLOCK, DesiredWorkflows, desired_workflows
from reconciler.kinds.workflows.live import LiveWorkflow, list_workflows, set_workflow_enabled, wait_for_workflow
from reconciler.plan.cost import RequestCost, writes
from reconciler.plan.frozen import JsonScalar
from reconciler.plan.model import Action, Change
from reconciler.plan.reasons import Reason
from reconciler.plan.settings import PlanSettings

KIND = "workflow-state"
# GitHub registers a pushed workflow file "soon after"; how long apply waits for it.
REGISTRATION_TIMEOUT = 60.0


def enabled(github_state: str) -> bool:
    return github_state == "active"


def _describe(github_state: str) -> str:
    if github_state == "active":
        return "enabled"
    if github_state == "disabled_inactivity":
        return "disabled (by GitHub, after 60 days without repository activity)"
    if github_state == "disabled_fork":
        return "disabled (workflows in forks start disabled)"
    return "disabled"


def diff_workflows(repository: str, desired: DesiredWorkflows, observed: Sequence[LiveWorkflow]) -> list[Change]:
    """Pure: enable or disable each declared workflow whose state differs."""
    by_path = {w.path: w for w in observed if w.state != "deleted"}
    changes = []
    for item in desired.items:
        if item.ensure == "absent":
            continue
        live = by_path.get(item.path)
        want: dict[str, JsonScalar] = {"path": item.path, "state": item.state}
        if live is None:
            # Not listed: the file is missing (the file kind creates it) or GitHub has not
            # registered it yet. A new workflow starts enabled.
            if desired.mode == "pull-request":
                changes.append(
                    Change.make(repository, KIND, item.path, Action.NOOP, None, want, Reason.AFTER_PULL_REQUEST)
                )
            elif item.state == "enabled":
                changes.append(
                    Change.make(repository, KIND, item.path, Action.NOOP, None, want, Reason.AWAITING_LISTING)
                )
            else:
                absent: dict[str, JsonScalar] = {"path": item.path, "state": "absent"}
                changes.append(
                    Change.make(repository, KIND, item.path, Action.UPDATE, absent, want, Reason.DISABLE_WHEN_LISTED)
                )
            continue
        have = "enabled" if enabled(live.state) else "disabled"
        before: dict[str, JsonScalar] = {
            "path": item.path,
            "state": have,
            "github_state": live.state,
            "id": live.id,
        }
        if have == item.state:
            changes.append(
                Change.make(
                    repository,
                    KIND,
                    item.path,
                    Action.NOOP,
                    before,
                    dict(before),
                    Reason.MATCHES,
                    _describe(live.state),
                )
            )
        else:
            verb = "enable" if item.state == "enabled" else "disable"
            text = f"{verb}: it is {_describe(live.state)}"
            after = {**before, "state": item.state}
            changes.append(
                Change.make(repository, KIND, item.path, Action.UPDATE, before, after, Reason.STATE_DIFFERS, text)
            )
    return changes


def _apply_one(writer: GitHubWriter, repository: str, change: Change) -> None:
    assert change.before is not None and change.after is not None
    want_enabled = change.after["state"] == "enabled"
    workflow_id = change.before.get("id")
    if workflow_id is None:
        found = wait_for_workflow(writer, repository, change.key, REGISTRATION_TIMEOUT)
        if found is None:
            waited = f"{REGISTRATION_TIMEOUT:.0f}s"
            raise ReconcilerError(
                f"GitHub still does not list {change.key} after {waited}; re-run apply to set its state"
            )
        if enabled(found.state) == want_enabled:
            return
        workflow_id = found.id
    if want_enabled:
        set_workflow_enabled(writer, repository, int(str(workflow_id)), True)
    else:
        disable(writer, repository, int(str(workflow_id)), change.key)


def disable(writer: GitHubWriter, repository: str, workflow_id: int, path: str) -> None:
    """Disable a workflow read as active. GitHub refuses (403) to disable one that is no
    longer active, so that refusal counts as done when it has meanwhile been turned off."""
    try:
        set_workflow_enabled(writer, repository, workflow_id, False)
    except PermissionDeniedError:
        now = next((w for w in list_workflows(writer, repository, fresh=True) if w.path == path), None)
        if now is None or enabled(now.state):
            raise


class WorkflowStateKind:
    name = KIND
    # What this kind manages is each workflow's state; its files are the workflow-file kind.
    plural = "workflow state"
    blocks = (WORKFLOWS_BLOCK,)
    # Written along with each workflow file, by the workflow-file kind's importer.
    importer = None
    address = PREFIX
    # A removed file takes its state with it: uninstall has nothing of its own to do here.
    uninstalls = False
    role = "push"

    def scopes(self, private: bool) -> tuple[str, ...]:
        # Enabling and disabling go through the Actions API, which wants repo whatever the visibility.
        return ("repo",)

    def desired(self, repository: EffectiveRepository, settings: PlanSettings) -> DesiredWorkflows | None:
        return desired_workflows(repository)

    def observe(self, reader: GitHubReader, repository: str, desired: DesiredWorkflows) -> list[LiveWorkflow]:
        # Only present workflows have a state to keep: without one, the list is not read.
        if all(item.ensure == "absent" for item in desired.items):
            return []
        return list_workflows(reader, repository)

    def diff(self, repository: str, desired: DesiredWorkflows, observed: list[LiveWorkflow]) -> list[Change]:
        return diff_workflows(repository, desired, observed)

    def apply(self, writer: GitHubWriter, repository: str, changes: Sequence[Change]) -> list[Outcome]:
        return apply_each(changes, lambda c: _apply_one(writer, repository, c))

    def cost(self, changes: Sequence[Change]) -> RequestCost:
        # A PUT to enable or disable; a workflow not listed yet is looked for first (at
        # least one read of the list, more if GitHub is slow to register it).
        each = one_write_each(changes, creating=lambda c: False)
        unlisted = sum(1 for c in changes if c.applicable and c.before is not None and c.before.get("id") is None)
        return each + writes(0, reads=unlisted)


WORKFLOW_STATE = WorkflowStateKind()
