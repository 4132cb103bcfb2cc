"""``/repos/{owner}/{repo}/actions/variables``: plain-text configuration for workflows.

Unlike most lists, this one pages by 10 by default and by at most 30.
"""

from __future__ import annotations

from typing import Any

from ..pagination import paginate_counted
from ..protocol import ApiError, RequestContext, Response, validation_failed
from ..routing import Router
from ..state import RepoState, Variable, utc_now
from .secrets import NAME_RULES, REPO_SCOPE, valid_name

DOCS = "https://docs.github.com/rest/actions/variables"
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 30


def register(router: Router) -> None:
    prefix = "/repos/{owner}/{repo}/actions/variables"
    add = router.add
    add("GET", prefix, list_variables, docs=f"{DOCS}#list-repository-variables", required_scopes=REPO_SCOPE)
    add(
        "POST",
        prefix,
        create_variable,
        docs=f"{DOCS}#create-a-repository-variable",
        required_scopes=REPO_SCOPE,
    )
    add(
        "GET",
        f"{prefix}/{{name}}",
        get_variable,
        docs=f"{DOCS}#get-a-repository-variable",
        required_scopes=REPO_SCOPE,
    )
    add(
        "PATCH",
        f"{prefix}/{{name}}",
        update_variable,
        docs=f"{DOCS}#update-a-repository-variable",
        required_scopes=REPO_SCOPE,
    )
    add(
        "DELETE",
        f"{prefix}/{{name}}",
        delete_variable,
        docs=f"{DOCS}#delete-a-repository-variable",
        required_scopes=REPO_SCOPE,
    )


def _render(variable: Variable) -> dict[str, Any]:
    return {
        "name": variable.name,
        "value": variable.value,
        "created_at": variable.created_at,
        "updated_at": variable.updated_at,
    }


def _existing(repo: RepoState, name: str) -> Variable:
    found = repo.find_variable(name)
    if found is None:
        raise ApiError(404, "Not Found")
    return found


# The checks below are the organisation variables' too (``org_variables``): GitHub words
# their refusals alike.


def checked_name(value: Any) -> str:
    if not isinstance(value, str) or not valid_name(value):
        raise validation_failed("Variable", "invalid", "name", NAME_RULES)
    return value


def checked_value(value: Any) -> str:
    if not isinstance(value, str):
        raise validation_failed("Variable", "invalid", "value")
    return value


def already_exists() -> ApiError:
    return ApiError(409, "Already exists - Variable already exists")


# -- handlers -----------------------------------------------------------------------------------


def list_variables(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    ordered = sorted(repo.variables, key=lambda v: v.name)
    return paginate_counted(
        ctx,
        ordered,
        _render,
        list_key="variables",
        max_per_page=MAX_PER_PAGE,
        default_per_page=DEFAULT_PER_PAGE,
    )


def get_variable(ctx: RequestContext) -> Response:
    variable = _existing(ctx.repo(), ctx.params["name"])
    return Response(200, _render(variable), last_modified=variable.updated_at)


def create_variable(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    data = ctx.json_object()
    for required in ("name", "value"):
        if required not in data:
            raise validation_failed("Variable", "missing_field", required)
    name = checked_name(data["name"])
    value = checked_value(data["value"])
    if repo.find_variable(name) is not None:
        raise already_exists()
    now = utc_now()
    repo.variables.append(Variable(name.upper(), value, now, now))
    return Response(201, {}, mutated=True)


def update_variable(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    variable = _existing(repo, ctx.params["name"])
    data = ctx.json_object()
    # Validate everything before changing anything.
    new_name = checked_name(data["name"]) if data.get("name") is not None else None
    value = checked_value(data["value"]) if data.get("value") is not None else None
    if new_name is not None:
        clash = repo.find_variable(new_name)
        if clash is not None and clash is not variable:
            raise already_exists()
        variable.name = new_name.upper()
    if value is not None:
        variable.value = value
    variable.updated_at = utc_now()
    return Response(204, mutated=True)


def delete_variable(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    repo.variables.remove(_existing(repo, ctx.params["name"]))
    return Response(204, mutated=True)
