"""``/orgs/{org}/actions/variables``: an organisation's Actions variables, values readable.

Created with ``POST`` (409 when the name exists), changed with ``PATCH``; ``visibility`` and
the ``selected`` repositories work as for organisation secrets (see ``org_access``). Lists
page by 10 by default and by at most 30, as repository variables do.
``GET /repos/{owner}/{repo}/actions/organization-variables`` shows what one repository gets.
"""

from __future__ import annotations

from typing import Any

from ..org_actions import OrgActions, OrgVariable, shared_with
from ..pagination import paginate_counted
from ..protocol import ApiError, RequestContext, Response, validation_failed
from ..routing import Router
from ..state import utc_now
from . import org_access as access
from .secrets import REPO_SCOPE
from .variables import DEFAULT_PER_PAGE, MAX_PER_PAGE, already_exists, checked_name, checked_value

DOCS = "https://docs.github.com/rest/actions/variables"
KIND = "variables"
RESOURCE = "Variable"


def register(router: Router) -> None:
    prefix = "/orgs/{org}/actions/variables"
    named = prefix + "/{name}"

    def add(method: str, template: str, handler: Any, anchor: str) -> None:
        # Scopes and roles are checked in the handlers, where GitHub's refusal is worded.
        router.add(
            method, template, handler, docs=f"{DOCS}#{anchor}", accepted_scopes=("admin:org",), required_scopes=()
        )

    add("GET", prefix, list_variables, "list-organization-variables")
    add("POST", prefix, create_variable, "create-an-organization-variable")
    add("GET", named, get_variable, "get-an-organization-variable")
    add("PATCH", named, update_variable, "update-an-organization-variable")
    add("DELETE", named, delete_variable, "delete-an-organization-variable")
    add("GET", named + "/repositories", list_repositories, "list-selected-repositories-for-an-organization-variable")
    add("PUT", named + "/repositories", set_repositories, "set-selected-repositories-for-an-organization-variable")
    add(
        "PUT",
        named + "/repositories/{repository_id}",
        add_repository,
        "add-selected-repository-to-an-organization-variable",
    )
    add(
        "DELETE",
        named + "/repositories/{repository_id}",
        remove_repository,
        "remove-selected-repository-from-an-organization-variable",
    )
    router.add(
        "GET",
        "/repos/{owner}/{repo}/actions/organization-variables",
        list_repository_organization_variables,
        docs=f"{DOCS}#list-repository-organization-variables",
        required_scopes=REPO_SCOPE,
    )


def _render(ctx: RequestContext, variable: OrgVariable) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": variable.name,
        "value": variable.value,
        "created_at": variable.created_at,
        "updated_at": variable.updated_at,
        "visibility": variable.visibility,
    }
    if variable.visibility == "selected":
        body["selected_repositories_url"] = access.selected_repositories_url(ctx, KIND, variable.name)
    return body


def _existing(actions: OrgActions, name: str) -> OrgVariable:
    found = actions.find_variable(name)
    if found is None:
        raise ApiError(404, "Not Found")
    return found


def _named(ctx: RequestContext) -> OrgVariable:
    return _existing(access.organisation_actions(ctx, KIND), ctx.params["name"])


# -- handlers -----------------------------------------------------------------------------------
# State-wide rows, compared by every transaction: no answer here is marked ``mutated``.


def list_variables(ctx: RequestContext) -> Response:
    actions = access.organisation_actions(ctx, KIND)
    ordered = sorted(actions.variables, key=lambda v: v.name)
    return paginate_counted(
        ctx,
        ordered,
        lambda v: _render(ctx, v),
        list_key="variables",
        max_per_page=MAX_PER_PAGE,
        default_per_page=DEFAULT_PER_PAGE,
    )


def get_variable(ctx: RequestContext) -> Response:
    variable = _named(ctx)
    return Response(200, _render(ctx, variable), last_modified=variable.updated_at)


def create_variable(ctx: RequestContext) -> Response:
    actions = access.organisation_actions(ctx, KIND, create=True)
    data = ctx.json_object()
    for required in ("name", "value", "visibility"):
        if required not in data:
            raise validation_failed(RESOURCE, "missing_field", required)
    name, value = checked_name(data["name"]), checked_value(data["value"])
    chosen = access.visibility(data["visibility"], RESOURCE)
    selected = access.selection(ctx, data, chosen, RESOURCE)
    if actions.find_variable(name) is not None:
        raise already_exists()
    now = utc_now()
    actions.variables.append(OrgVariable(name.upper(), value, chosen, selected or [], now, now))
    return Response(201, {})


def update_variable(ctx: RequestContext) -> Response:
    actions = access.organisation_actions(ctx, KIND)
    variable = _existing(actions, ctx.params["name"])
    data = ctx.json_object()
    # Validate everything before changing anything.
    new_name = checked_name(data["name"]) if data.get("name") is not None else None
    value = checked_value(data["value"]) if data.get("value") is not None else None
    chosen = access.visibility(data["visibility"], RESOURCE) if data.get("visibility") is not None else None
    selected = access.selection(ctx, data, chosen or variable.visibility, RESOURCE)
    if new_name is not None:
        clash = actions.find_variable(new_name)
        if clash is not None and clash is not variable:
            raise already_exists()
        variable.name = new_name.upper()
    if value is not None:
        variable.value = value
    if chosen is not None:
        variable.visibility = chosen
    if selected is not None:
        variable.selected_repository_ids = selected
    variable.updated_at = utc_now()
    return Response(204)


def delete_variable(ctx: RequestContext) -> Response:
    actions = access.organisation_actions(ctx, KIND)
    actions.variables.remove(_existing(actions, ctx.params["name"]))
    return Response(204)


def list_repositories(ctx: RequestContext) -> Response:
    return access.list_selected(ctx, _named(ctx))


def set_repositories(ctx: RequestContext) -> Response:
    return access.replace_selected(ctx, _named(ctx), RESOURCE)


def add_repository(ctx: RequestContext) -> Response:
    return access.add_selected(ctx, _named(ctx))


def remove_repository(ctx: RequestContext) -> Response:
    return access.remove_selected(ctx, _named(ctx))


def list_repository_organization_variables(ctx: RequestContext) -> Response:
    """What the repository gets from its organisation, values included."""
    repo = ctx.repo()
    actions = ctx.state.actions_of(repo.owner)
    shared = sorted((v for v in (actions.variables if actions else []) if shared_with(v, repo)), key=lambda v: v.name)
    return paginate_counted(
        ctx,
        shared,
        lambda v: {"name": v.name, "value": v.value, "created_at": v.created_at, "updated_at": v.updated_at},
        list_key="variables",
        max_per_page=MAX_PER_PAGE,
        default_per_page=DEFAULT_PER_PAGE,
    )
