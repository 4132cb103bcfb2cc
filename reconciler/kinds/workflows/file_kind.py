"""The workflow-file kind: observe, diff and apply workflow files."""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.desired.state import EffectiveRepository
from reconciler.errors import RUN_ENDING_ERRORS, NotFoundError, PermissionDeniedError, ReconcilerError
from reconciler.github.port import GitHubReader, GitHubWriter
from reconciler.kinds.base import GraphQLObservation, Outcome, apply_each
from reconciler.kinds.workflows.block import PREFIX, WORKFLOWS_BLOCK, DesiredWorkflows, desired_workflows
from reconciler.kinds.workflows.commit import (
    CLOSE_COST,
    Moved,
    close_stale,
    commit_changes,
    commit_cost,
    explain_refusal,
)
from reconciler.kinds.workflows.files import (
    KIND,
    PULL_REQUEST_KEY,
    ObservedFiles,
    diff_files,
    observe_files,
    observe_listed,
)
from reconciler.kinds.workflows.graphql import SELECTION, read_workflow_files
from reconciler.kinds.workflows.importing import WORKFLOW_FILES_IMPORTER
from reconciler.plan.cost import RequestCost
from reconciler.plan.model import Change
from reconciler.plan.settings import PlanSettings

WORKFLOW_FILES_GRAPHQL = GraphQLObservation(SELECTION, read_workflow_files, observe_listed)


class WorkflowFilesKind:
    name = KIND
    plural = "workflow files"
    blocks = (WORKFLOWS_BLOCK,)
    importer = WORKFLOW_FILES_IMPORTER
    graphql = WORKFLOW_FILES_GRAPHQL
    address = PREFIX
    uninstalls = True
    role = "push"

    def scopes(self, private: bool) -> tuple[str, ...]:
        # Writing under .github/workflows/ needs the workflow scope on top of repository access.
        return ("repo", "workflow") if private else ("public_repo", "workflow")

    def desired(self, repository: EffectiveRepository, settings: PlanSettings) -> DesiredWorkflows | None:
        return desired_workflows(repository)

    def observe(self, reader: GitHubReader, repository: str, desired: DesiredWorkflows) -> ObservedFiles:
        # No file declared (present or absent): no change is possible, so nothing is read.
        if not desired.items:
            return ObservedFiles({}, {}, None)
        return observe_files(reader, repository, desired)

    def diff(self, repository: str, desired: DesiredWorkflows, observed: ObservedFiles) -> list[Change]:
        return diff_files(repository, desired, observed)

    def apply(self, writer: GitHubWriter, repository: str, changes: Sequence[Change]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        stale = [c for c in changes if c.key == PULL_REQUEST_KEY]
        files = [c for c in changes if c.key != PULL_REQUEST_KEY and c.is_change]
        if files:
            via = files[0].via or "commit"
            try:
                note = commit_changes(writer, repository, files, via)
            except RUN_ENDING_ERRORS as exc:
                outcomes += [Outcome(c, error=str(exc), fatal=True) for c in files]
                return outcomes
            except Moved as moved:
                error = f"changed on GitHub since the plan, so nothing was written: {moved}. Re-run plan."
                outcomes += [Outcome(c, error=error) for c in files]
            except (PermissionDeniedError, NotFoundError) as exc:
                outcomes += [Outcome(c, error=explain_refusal(exc)) for c in files]
            except ReconcilerError as exc:
                outcomes += [Outcome(c, error=str(exc)) for c in files]
            else:
                outcomes += [Outcome(c, note=note) for c in files]
        return outcomes + apply_each(stale, lambda c: close_stale(writer, repository, c))

    def cost(self, changes: Sequence[Change]) -> RequestCost:
        # Every file change of a repository lands in one commit, as `apply` writes them.
        files = [c for c in changes if c.key != PULL_REQUEST_KEY and c.applicable]
        cost = commit_cost(files, files[0].via or "commit") if files else commit_cost((), "commit")
        for _stale in (c for c in changes if c.key == PULL_REQUEST_KEY and c.applicable):
            cost = cost + CLOSE_COST
        return cost


WORKFLOW_FILES = WorkflowFilesKind()
