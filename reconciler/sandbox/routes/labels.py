"""``/repos/{owner}/{repo}/labels``: the behaviour the reconciler's label sync depends on."""

from __future__ import annotations

import re
from typing import Any

from .. import representations as rep
from ..pagination import paginate
from ..protocol import ApiError, RequestContext, Response, quote_segment, validation_failed
from ..routing import Router
from ..state import Label, RepoState, utc_now

DOCS = "https://docs.github.com/rest/issues/labels"
COLOR = re.compile(r"^[0-9a-fA-F]{6}$")
MAX_DESCRIPTION = 100
DEFAULT_COLOR = "ededed"


def register(router: Router) -> None:
    router.add("GET", "/repos/{owner}/{repo}/labels", list_labels, docs=f"{DOCS}#list-labels-for-a-repository")
    router.add("POST", "/repos/{owner}/{repo}/labels", create_label, docs=f"{DOCS}#create-a-label")
    router.add("GET", "/repos/{owner}/{repo}/labels/{name}", get_label, docs=f"{DOCS}#get-a-label")
    router.add("PATCH", "/repos/{owner}/{repo}/labels/{name}", update_label, docs=f"{DOCS}#update-a-label")
    router.add("DELETE", "/repos/{owner}/{repo}/labels/{name}", delete_label, docs=f"{DOCS}#delete-a-label")


# -- validation ---------------------------------------------------------------------------------


def checked_name(value: Any, field_name: str) -> str:
    if not isinstance(value, str):
        raise validation_failed("Label", "invalid", field_name)
    if not value.strip():
        raise validation_failed("Label", "missing_field", field_name)
    return value


def checked_color(value: Any) -> str:
    # GitHub wants exactly six hex digits; "#b60205" is refused, and the case is kept as sent.
    if not isinstance(value, str) or not COLOR.match(value):
        raise validation_failed("Label", "invalid", "color")
    return value


def checked_description(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise validation_failed("Label", "invalid", "description")
    if len(value) > MAX_DESCRIPTION:
        raise validation_failed(
            "Label",
            "invalid",
            "description",
            f"description is too long (maximum is {MAX_DESCRIPTION} characters)",
        )
    return value


def existing_label(repo: RepoState, name: str) -> Label:
    found = repo.find_label(name)
    if found is None:
        raise ApiError(404, "Not Found")
    return found


def _render(ctx: RequestContext, repo: RepoState, label: Label) -> dict[str, Any]:
    return rep.label(ctx.base_url, repo, label)


# -- handlers -----------------------------------------------------------------------------------


def list_labels(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    ordered = sorted(repo.labels, key=lambda lab: (lab.name.casefold(), lab.id))
    return paginate(ctx, ordered, lambda lab: _render(ctx, repo, lab))


def get_label(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    label = existing_label(repo, ctx.params["name"])
    return Response(200, _render(ctx, repo, label), last_modified=label.updated_at or repo.created_at)


def create_label(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    data = ctx.json_object()
    if "name" not in data:
        raise validation_failed("Label", "missing_field", "name")
    name = checked_name(data["name"], "name")
    color = checked_color(data["color"]) if data.get("color") is not None else DEFAULT_COLOR
    description = checked_description(data.get("description"))
    if repo.find_label(name) is not None:
        raise validation_failed("Label", "already_exists", "name")
    label = ctx.state.add_label(repo, name, color, description)
    label.updated_at = utc_now()
    location = ctx.api_url(f"/repos/{repo.owner}/{repo.name}/labels/{quote_segment(label.name)}")
    return Response(201, _render(ctx, repo, label), {"Location": location}, mutated=True)


def update_label(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    label = existing_label(repo, ctx.params["name"])
    data = ctx.json_object()
    # Validate everything before changing anything: a 422 must leave the label untouched.
    new_name = checked_name(data["new_name"], "new_name") if data.get("new_name") is not None else None
    color = checked_color(data["color"]) if data.get("color") is not None else None
    description_given = "description" in data
    description = checked_description(data.get("description"))
    if new_name is not None:
        clash = repo.find_label(new_name)
        if clash is not None and clash.id != label.id:
            raise validation_failed("Label", "already_exists", "name")
        # Renaming in place keeps the id, so every issue and PR keeps the label.
        label.name = new_name
    if color is not None:
        label.color = color
    if description_given:
        label.description = description
    label.updated_at = utc_now()
    return Response(200, _render(ctx, repo, label), mutated=True)


def delete_label(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    label = existing_label(repo, ctx.params["name"])
    repo.labels.remove(label)
    for issue in repo.issues:
        if label.id in issue.label_ids:
            issue.label_ids.remove(label.id)
    return Response(204, mutated=True)
