"""Repositories and the organisation's repository list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import representations as rep
from ..pagination import paginate
from ..protocol import ApiError, RequestContext, Response
from ..routing import Router
from ..state import RepoState

DOCS = "https://docs.github.com/rest/repos/repos"


def register(router: Router) -> None:
    router.add("GET", "/repos/{owner}/{repo}", get_repository, docs=f"{DOCS}#get-a-repository")
    router.add(
        "GET",
        "/orgs/{org}/repos",
        list_org_repositories,
        accepted_scopes=(),
        docs=f"{DOCS}#list-organization-repositories",
    )


def _for_viewer(ctx: RequestContext, body: dict[str, Any]) -> dict[str, Any]:
    # GitHub says what the caller may do only to a caller it knows.
    if not ctx.token:
        body.pop("permissions", None)
    return body


def get_repository(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    body = _for_viewer(ctx, rep.full_repository(ctx.base_url, ctx.state, repo, ctx.scopes, ctx.role))
    # ISO 8601 UTC strings order like the moments they name.
    return Response(200, body, last_modified=max(repo.updated_at, repo.pushed_at))


def sort_repositories(ctx: RequestContext, repos: list[RepoState], default_sort: str) -> list[RepoState]:
    sort = ctx.query_value("sort", default_sort)
    # GitHub's default direction: ascending by name, newest first otherwise.
    default_direction = "asc" if sort == "full_name" else "desc"
    descending = ctx.query_value("direction", default_direction) == "desc"
    keys: dict[str, Callable[[RepoState], str]] = {
        "full_name": lambda r: r.full_name.casefold(),
        "updated": lambda r: r.updated_at,
        "pushed": lambda r: r.pushed_at,
        "created": lambda r: r.created_at,
    }
    key = keys.get(sort or "", keys["created"])
    return sorted(repos, key=lambda r: (key(r), r.id), reverse=descending)


def filter_by_type(repos: list[RepoState], repo_type: str | None) -> list[RepoState]:
    if repo_type == "public":
        return [r for r in repos if not r.private]
    if repo_type == "private":
        return [r for r in repos if r.private]
    if repo_type == "forks":
        return [r for r in repos if r.fork]
    if repo_type == "sources":
        return [r for r in repos if not r.fork]
    return list(repos)


def list_org_repositories(ctx: RequestContext) -> Response:
    org = ctx.state.account(ctx.params["org"])
    if org is None or org.type != "Organization":
        raise ApiError(404, "Not Found")
    # Repositories the caller cannot see are left out, as if they did not exist.
    visible = [r for r in ctx.state.repos_of(org.login) if ctx.viewer.can_see(r)]
    ordered = sort_repositories(ctx, filter_by_type(visible, ctx.query_value("type")), "created")

    def render(repo: RepoState) -> dict[str, Any]:
        role = ctx.viewer.role_in(repo) or "pull"
        return _for_viewer(ctx, rep.minimal_repository(ctx.base_url, ctx.state, repo, ctx.scopes, role))

    return paginate(ctx, ordered, render)
