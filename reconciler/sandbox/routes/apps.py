"""A GitHub App's own routes: who it is, where it is installed, and installation tokens.

Each takes the App's JWT and nothing else (``Route.jwt``; see ``auth`` and ``app_jwt``). An
installation is found by its account (``/orgs/{org}/installation``,
``/users/{username}/installation``) or by a repository it covers; where the App is not
installed GitHub answers 404 "Not Found". ``POST .../access_tokens`` mints an installation
token (see ``apps``), optionally narrowed to some repositories or permissions, never wider
than the installation.
"""

from __future__ import annotations

from typing import Any

from .. import clock
from .. import representations as rep
from ..apps import (
    App,
    Installation,
    covers,
    installation_by_id,
    installation_on,
    installation_repositories,
    mint_token,
    normalise_permissions,
)
from ..identities import installation_role
from ..pagination import paginate
from ..protocol import ApiError, RequestContext, Response
from ..routing import Router
from ..state import RepoState, SandboxState

DOCS = "https://docs.github.com/rest/apps/apps"
NOT_ACCESSIBLE = "There is at least one repository that does not exist or is not accessible to the parent installation."
NOT_GRANTED = "The permissions requested are not granted to this installation."


def register(router: Router) -> None:
    def add(method: str, template: str, handler: Any, anchor: str) -> None:
        router.add(method, template, handler, docs=f"{DOCS}#{anchor}", accepted_scopes=(), required_scopes=(), jwt=True)

    add("GET", "/app", get_app, "get-the-authenticated-app")
    add("GET", "/app/installations", list_installations, "list-installations-for-the-authenticated-app")
    add(
        "POST",
        "/app/installations/{installation_id}/access_tokens",
        create_access_token,
        "create-an-installation-access-token-for-an-app",
    )
    add(
        "GET",
        "/orgs/{org}/installation",
        get_org_installation,
        "get-an-organization-installation-for-the-authenticated-app",
    )
    add(
        "GET",
        "/users/{username}/installation",
        get_user_installation,
        "get-a-user-installation-for-the-authenticated-app",
    )
    add(
        "GET",
        "/repos/{owner}/{repo}/installation",
        get_repo_installation,
        "get-a-repository-installation-for-the-authenticated-app",
    )


# -- representations --------------------------------------------------------------------------


def _app(ctx: RequestContext) -> App:
    app = next((a for a in ctx.state.apps if a.bot_login == ctx.login), None)
    if app is None:  # the JWT named an App that was since removed (a reset mid-request)
        raise ApiError(404, "Integration not found")
    return app


def render_app(base: str, state: SandboxState, app: App) -> dict[str, Any]:
    return {
        "id": app.id,
        "slug": app.slug,
        "node_id": app.node_id,
        "client_id": app.client_id,
        "owner": rep.simple_user(base, rep.account_or_placeholder(state, app.owner)),
        "name": app.name,
        "description": app.description,
        "external_url": f"{base}/apps/{app.slug}",
        "html_url": f"{base}/apps/{app.slug}",
        "created_at": app.created_at,
        "updated_at": app.updated_at,
        "permissions": dict(app.permissions),
        "events": list(app.events),
        "installations_count": sum(1 for i in state.installations if i.app_id == app.id),
    }


def render_installation(base: str, state: SandboxState, app: App, installation: Installation) -> dict[str, Any]:
    account = rep.account_or_placeholder(state, installation.account)
    settings = (
        f"{base}/organizations/{account.login}/settings/installations/{installation.id}"
        if account.type == "Organization"
        else f"{base}/settings/installations/{installation.id}"
    )
    return {
        "id": installation.id,
        "account": rep.simple_user(base, account),
        "repository_selection": installation.repository_selection,
        "access_tokens_url": f"{base}/app/installations/{installation.id}/access_tokens",
        "repositories_url": f"{base}/installation/repositories",
        "html_url": settings,
        "app_id": app.id,
        "client_id": app.client_id,
        "app_slug": app.slug,
        "target_id": account.id,
        "target_type": account.type,
        "permissions": dict(installation.permissions),
        "events": list(installation.events),
        "created_at": installation.created_at,
        "updated_at": installation.updated_at,
        "single_file_name": None,
        "has_multiple_single_files": False,
        "single_file_paths": [],
        "suspended_by": None,
        "suspended_at": None,
    }


# -- handlers ---------------------------------------------------------------------------------


def get_app(ctx: RequestContext) -> Response:
    app = _app(ctx)
    return Response(200, render_app(ctx.base_url, ctx.state, app), last_modified=app.updated_at)


def list_installations(ctx: RequestContext) -> Response:
    app = _app(ctx)
    mine = sorted((i for i in ctx.state.installations if i.app_id == app.id), key=lambda i: i.id)
    return paginate(ctx, mine, lambda i: render_installation(ctx.base_url, ctx.state, app, i))


def _installation_answer(ctx: RequestContext, app: App, installation: Installation | None) -> Response:
    if installation is None:
        raise ApiError(404, "Not Found")
    body = render_installation(ctx.base_url, ctx.state, app, installation)
    return Response(200, body, last_modified=installation.updated_at)


def get_org_installation(ctx: RequestContext) -> Response:
    app = _app(ctx)
    org = ctx.state.account(ctx.params["org"])
    found = installation_on(ctx.state, org.login, app.id) if org and org.type == "Organization" else None
    return _installation_answer(ctx, app, found)


def get_user_installation(ctx: RequestContext) -> Response:
    app = _app(ctx)
    account = ctx.state.account(ctx.params["username"])
    return _installation_answer(ctx, app, installation_on(ctx.state, account.login, app.id) if account else None)


def get_repo_installation(ctx: RequestContext) -> Response:
    app = _app(ctx)
    repo = ctx.state.find_repo(ctx.params["owner"], ctx.params["repo"])
    found = installation_on(ctx.state, repo.owner, app.id) if repo is not None else None
    if found is not None and repo is not None and repo not in installation_repositories(ctx.state, found):
        found = None
    return _installation_answer(ctx, app, found)


def _list_of(data: dict[str, Any], key: str, kind: type) -> list[Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, kind) and not isinstance(v, bool) for v in value):
        raise ApiError(422, f"Invalid request.\n\nFor '{key}', {value!r} is not an array of {kind.__name__}s.")
    return value


def _narrowed(ctx: RequestContext, installation: Installation, data: dict[str, Any]) -> list[RepoState] | None:
    names = _list_of(data, "repositories", str)
    ids = _list_of(data, "repository_ids", int)
    if names is None and ids is None:
        return None
    available = installation_repositories(ctx.state, installation)
    by_name = {repo.name.casefold(): repo for repo in available}
    by_id = {repo.id: repo for repo in available}
    chosen: dict[int, RepoState] = {}
    for name in names or []:
        repo = by_name.get(name.casefold())
        if repo is None:
            raise ApiError(422, NOT_ACCESSIBLE)
        chosen[repo.id] = repo
    for repo_id in ids or []:
        if repo_id not in by_id:
            raise ApiError(422, NOT_ACCESSIBLE)
        chosen[repo_id] = by_id[repo_id]
    return sorted(chosen.values(), key=lambda repo: repo.id)


def _permissions(installation: Installation, data: dict[str, Any]) -> dict[str, str] | None:
    wanted = data.get("permissions")
    if wanted is None:
        return None
    if not isinstance(wanted, dict) or not all(isinstance(v, str) for v in wanted.values()):
        raise ApiError(422, "Invalid request.\n\nFor 'permissions', the value must be an object of strings.")
    asked = normalise_permissions(wanted)
    if not covers(installation.permissions, asked):
        raise ApiError(422, NOT_GRANTED)
    return asked


def create_access_token(ctx: RequestContext) -> Response:
    app = _app(ctx)
    installation = installation_by_id(ctx.state, ctx.int_param("installation_id"))
    if installation is None or installation.app_id != app.id:
        raise ApiError(404, "Not Found")
    data = ctx.json_object()
    repositories = _narrowed(ctx, installation, data)
    permissions = _permissions(installation, data)
    # Only state-wide rows change (the token's grant), which every transaction compares: no
    # repository needs saving, so the answer is not marked ``mutated``.
    minted = mint_token(ctx.state, app, installation, repositories=repositories, permissions=permissions)
    grant = minted.grant
    selection = "selected" if grant.repository_ids is not None else "all"
    body: dict[str, Any] = {
        "token": minted.token,
        "expires_at": clock.iso(grant.expires_at),
        "permissions": dict(grant.permissions),
        "repository_selection": selection,
    }
    if repositories is not None:
        role = installation_role(grant.permissions)
        body["repositories"] = [rep.repository(ctx.base_url, ctx.state, r, grant.scopes, role) for r in repositories]
    return Response(201, body)
