"""``/repos/{owner}/{repo}/actions/workflows``: list, get, enable and disable workflows.

Workflows come from the default branch's files (``SandboxState.sync_workflows``); a newly
registered one stays out of sight for ``workflow_registration_lag`` list/get requests.
"""

from __future__ import annotations

from .. import git_representations as git_rep
from ..pagination import page_slice
from ..protocol import ApiError, RequestContext, Response, error_body
from ..routing import Router
from ..state import RepoState, utc_now
from ..workflows import DISABLED_STATES, Workflow, find_workflow, take_visible

DOCS = "https://docs.github.com/rest/actions/workflows"


def register(router: Router) -> None:
    workflows = "/repos/{owner}/{repo}/actions/workflows"
    router.add("GET", workflows, list_workflows, docs=f"{DOCS}#list-repository-workflows")
    router.add("GET", workflows + "/{workflow_id}", get_workflow, docs=f"{DOCS}#get-a-workflow")
    router.add("PUT", workflows + "/{workflow_id}/enable", enable_workflow, docs=f"{DOCS}#enable-a-workflow")
    router.add("PUT", workflows + "/{workflow_id}/disable", disable_workflow, docs=f"{DOCS}#disable-a-workflow")


def _registered(repo: RepoState) -> list[Workflow]:
    return [w for w in repo.workflows if w.hidden_for <= 0]


def _workflow(ctx: RequestContext, candidates: list[Workflow]) -> Workflow:
    found = find_workflow(candidates, ctx.params["workflow_id"])
    if found is None:
        raise ApiError(404, "Not Found")
    return found


def list_workflows(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    shown, moved = take_visible(repo.workflows)
    ordered = sorted(shown, key=lambda w: w.id)
    page, headers = page_slice(ctx, ordered)
    body = {
        "total_count": len(ordered),
        "workflows": [git_rep.workflow(ctx.base_url, repo, w) for w in page],
    }
    return Response(200, body, headers, mutated=moved)


def get_workflow(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    shown, moved = take_visible(repo.workflows)
    found = find_workflow(shown, ctx.params["workflow_id"])
    if found is None:
        # Answered rather than raised: the miss counted against the lag and must be saved.
        return Response(404, error_body(404, "Not Found", ctx.route.docs), mutated=moved)
    body = git_rep.workflow(ctx.base_url, repo, found)
    return Response(200, body, mutated=moved, last_modified=found.updated_at)


def enable_workflow(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    found = _workflow(ctx, _registered(repo))
    if found.state == "deleted":
        raise ApiError(403, "Unable to enable a workflow that has been deleted.")
    if found.state in DISABLED_STATES:
        found.state, found.updated_at = "active", utc_now()
    return Response(204, mutated=True)


def disable_workflow(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    found = _workflow(ctx, _registered(repo))
    if found.state != "active":
        raise ApiError(403, "Unable to disable a workflow that is not active.")
    found.state, found.updated_at = "disabled_manually", utc_now()
    return Response(204, mutated=True)
