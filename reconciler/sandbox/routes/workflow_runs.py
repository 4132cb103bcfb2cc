"""``/repos/{owner}/{repo}/actions/runs`` and ``.../actions/workflows/{workflow_id}/runs``.

Newest first, filtered by ``status`` (a status or a conclusion), ``branch``, ``event``,
``actor``, ``head_sha`` and ``created`` (GitHub's date-range syntax, see ``workflow_runs``),
paged with ``per_page``/``page`` and ``Link`` headers, with ``total_count`` counting every run
that matched. ``html_url`` points at the sandbox, where the run would be on GitHub.
"""

from __future__ import annotations

from typing import Any

from .. import representations as rep
from ..model import make_node_id
from ..pagination import page_slice
from ..protocol import ApiError, RequestContext, Response
from ..routing import Router
from ..state import RepoState
from ..workflow_runs import BadFilter, newest_first, run_filters
from ..workflows import WorkflowRun, find_workflow

DOCS = "https://docs.github.com/rest/actions/workflow-runs"


def register(router: Router) -> None:
    router.add(
        "GET",
        "/repos/{owner}/{repo}/actions/runs",
        list_repository_runs,
        docs=f"{DOCS}#list-workflow-runs-for-a-repository",
    )
    router.add(
        "GET",
        "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
        list_workflow_runs,
        docs=f"{DOCS}#list-workflow-runs-for-a-workflow",
    )


def _head_commit(repo: RepoState, sha: str) -> dict[str, Any] | None:
    commit = repo.git.commits.get(sha)
    if commit is None:
        return None
    return {
        "id": sha,
        "tree_id": commit.tree,
        "message": commit.message,
        "timestamp": commit.committer.date,
        "author": {"name": commit.author.name, "email": commit.author.email},
        "committer": {"name": commit.committer.name, "email": commit.committer.email},
    }


def render_run(ctx: RequestContext, repo: RepoState, run: WorkflowRun) -> dict[str, Any]:
    api = f"{ctx.base_url}/repos/{repo.owner}/{repo.name}"
    run_api = f"{api}/actions/runs/{run.id}"
    actor = rep.simple_user(ctx.base_url, rep.account_or_placeholder(ctx.state, run.actor))
    repository = rep.minimal_repository(ctx.base_url, ctx.state, repo, ctx.scopes, ctx.role)
    if not ctx.token:
        repository.pop("permissions", None)
    return {
        "id": run.id,
        "name": run.name,
        "node_id": make_node_id("WFR", run.id),
        "check_suite_id": run.id + 1,
        "check_suite_node_id": make_node_id("CS", run.id + 1),
        "head_branch": run.head_branch,
        "head_sha": run.head_sha,
        # The workflow file and the ref it ran from, as GitHub writes it (build.yml@main).
        "path": f"{run.path}@{run.head_branch}",
        "display_title": run.display_title,
        "run_number": run.run_number,
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "workflow_id": run.workflow_id,
        "url": run_api,
        "html_url": f"{ctx.base_url}/{repo.full_name}/actions/runs/{run.id}",
        "pull_requests": [],
        "created_at": run.created_at,
        "updated_at": run.updated_at,
        "actor": actor,
        "triggering_actor": actor,
        "run_attempt": run.run_attempt,
        "referenced_workflows": [],
        "run_started_at": run.run_started_at,
        "jobs_url": f"{run_api}/jobs",
        "logs_url": f"{run_api}/logs",
        "check_suite_url": f"{api}/check-suites/{run.id + 1}",
        "artifacts_url": f"{run_api}/artifacts",
        "cancel_url": f"{run_api}/cancel",
        "rerun_url": f"{run_api}/rerun",
        "previous_attempt_url": None,
        "workflow_url": f"{api}/actions/workflows/{run.workflow_id}",
        "head_commit": _head_commit(repo, run.head_sha),
        "repository": repository,
        "head_repository": repository,
        "head_repository_id": repo.id,
    }


def _answer(ctx: RequestContext, repo: RepoState, runs: list[WorkflowRun]) -> Response:
    try:
        filters = run_filters(ctx.query_value)
    except BadFilter as problem:
        raise ApiError(422, f"Invalid request.\n\n{problem}") from None
    matched = [run for run in newest_first(runs) if all(keep(run) for keep in filters)]
    shown, headers = page_slice(ctx, matched)
    body = {"total_count": len(matched), "workflow_runs": [render_run(ctx, repo, run) for run in shown]}
    return Response(200, body, headers)


def list_repository_runs(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    return _answer(ctx, repo, repo.workflow_runs)


def list_workflow_runs(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    workflow = find_workflow([w for w in repo.workflows if w.hidden_for <= 0], ctx.params["workflow_id"])
    if workflow is None:
        raise ApiError(404, "Not Found")
    return _answer(ctx, repo, [run for run in repo.workflow_runs if run.workflow_id == workflow.id])
