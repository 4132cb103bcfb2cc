"""Who may use an organisation's Actions secrets and variables, and which repositories they reach.

GitHub asks for an organisation admin: a classic token needs the ``admin:org`` scope and its
user must administer the organisation; otherwise it answers 403 "You must be an org admin or
have the actions secrets fine-grained permission." (variables likewise). The sandbox models
no membership: a grant whose default role is ``admin`` (the operator's) administers every
organisation. A fine-grained grant's scopes stand for its permissions here too, so
``admin:org`` stands for the organisation permission. Installation tokens were checked
against their App permissions before the route ran (``app_permissions``).

The ``selected`` repositories of a secret or variable are shared by both route families.
"""

from __future__ import annotations

from typing import Any

from .. import representations as rep
from ..auth import effective_scopes
from ..org_actions import VISIBILITIES, OrgActions, OrgSecret, OrgVariable
from ..pagination import page_slice
from ..protocol import ApiError, RequestContext, Response, validation_failed
from ..state import RepoState, role_at_least

ADMIN_SCOPE = "admin:org"
NOT_SELECTED = "Visibility is not set to selected"


def refusal(kind: str) -> ApiError:
    return ApiError(403, f"You must be an org admin or have the actions {kind} fine-grained permission.")


def organisation_actions(ctx: RequestContext, kind: str, *, create: bool = False) -> OrgActions:
    """The organisation's secrets and variables, once the caller may use them (``kind``:
    ``secrets`` or ``variables``); 404 for an organisation that does not exist."""
    org = ctx.state.account(ctx.params["org"])
    if org is None or org.type != "Organization":
        raise ApiError(404, "Not Found")
    if not ctx.by_installation and not (
        ADMIN_SCOPE in effective_scopes(ctx.scopes) and role_at_least(ctx.role, "admin")
    ):
        raise refusal(kind)
    found = ctx.state.actions_of(org.login, create=create)
    return found if found is not None else OrgActions(login=org.login)


def visibility(value: Any, resource: str) -> str:
    if value not in VISIBILITIES:
        raise validation_failed(resource, "invalid", "visibility")
    return str(value)


def repository_ids(ctx: RequestContext, value: Any, resource: str) -> list[int]:
    """Ids of the organisation's own repositories, as ``selected_repository_ids`` must be."""
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise validation_failed(resource, "invalid", "selected_repository_ids")
    mine = {repo.id for repo in ctx.state.repos_of(ctx.params["org"])}
    if any(v not in mine for v in value):
        raise validation_failed(resource, "invalid", "selected_repository_ids")
    return list(dict.fromkeys(value))


def selection(ctx: RequestContext, data: dict[str, Any], chosen: str, resource: str) -> list[int] | None:
    """The ``selected_repository_ids`` of a write, allowed only with ``visibility: selected``."""
    if data.get("selected_repository_ids") is None:
        return None
    if chosen != "selected":
        raise validation_failed(resource, "invalid", "selected_repository_ids")
    return repository_ids(ctx, data["selected_repository_ids"], resource)


def _selected(item: OrgSecret | OrgVariable) -> None:
    if item.visibility != "selected":
        raise ApiError(409, NOT_SELECTED)


def list_selected(ctx: RequestContext, item: OrgSecret | OrgVariable) -> Response:
    _selected(item)
    chosen = set(item.selected_repository_ids)
    repos = [repo for repo in ctx.state.repos_of(ctx.params["org"]) if repo.id in chosen]
    shown, headers = page_slice(ctx, repos)

    def render(repo: RepoState) -> dict[str, Any]:
        role = ctx.viewer.role_in(repo) or "pull"
        return rep.minimal_repository(ctx.base_url, ctx.state, repo, ctx.scopes, role)

    return Response(200, {"total_count": len(repos), "repositories": [render(r) for r in shown]}, headers)


def replace_selected(ctx: RequestContext, item: OrgSecret | OrgVariable, resource: str) -> Response:
    data = ctx.json_object()
    if "selected_repository_ids" not in data:
        raise validation_failed(resource, "missing_field", "selected_repository_ids")
    _selected(item)
    item.selected_repository_ids = repository_ids(ctx, data["selected_repository_ids"], resource)
    return Response(204)


def add_selected(ctx: RequestContext, item: OrgSecret | OrgVariable) -> Response:
    _selected(item)
    repo_id = ctx.int_param("repository_id")
    if repo_id not in {repo.id for repo in ctx.state.repos_of(ctx.params["org"])}:
        raise ApiError(404, "Not Found")
    if repo_id not in item.selected_repository_ids:
        item.selected_repository_ids.append(repo_id)
    return Response(204)


def remove_selected(ctx: RequestContext, item: OrgSecret | OrgVariable) -> Response:
    _selected(item)
    repo_id = ctx.int_param("repository_id")
    item.selected_repository_ids = [v for v in item.selected_repository_ids if v != repo_id]
    return Response(204)


def selected_repositories_url(ctx: RequestContext, kind: str, name: str) -> str:
    return f"{ctx.base_url}/orgs/{ctx.params['org']}/actions/{kind}/{name}/repositories"
