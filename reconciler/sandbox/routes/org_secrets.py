"""``/orgs/{org}/actions/secrets``: an organisation's Actions secrets, sealed to its own key.

As with repository secrets the sandbox opens each sealed box and keeps only a salted digest
of the value. ``visibility`` says which repositories get a secret (``all``, ``private``,
``selected``); the ``selected`` ones are managed here too (409 while the visibility is not
``selected``). ``GET /repos/{owner}/{repo}/actions/organization-secrets`` shows what one
repository gets. Admin only; see ``org_access``.
"""

from __future__ import annotations

from typing import Any

from ..org_actions import OrgActions, OrgSecret, shared_with
from ..pagination import paginate_counted
from ..protocol import ApiError, RequestContext, Response, validation_failed
from ..routing import Router
from . import org_access as access
from .secrets import NAME_RULES, REPO_SCOPE, key_pair, open_sealed, valid_name

DOCS = "https://docs.github.com/rest/actions/secrets"
KIND = "secrets"
RESOURCE = "Secret"
# Checked in the handlers (``org_access``), where GitHub's own refusal is worded.
NO_SCOPE: tuple[str, ...] = ()


def register(router: Router) -> None:
    prefix = "/orgs/{org}/actions/secrets"
    named = prefix + "/{secret_name}"

    def add(method: str, template: str, handler: Any, anchor: str) -> None:
        router.add(
            method,
            template,
            handler,
            docs=f"{DOCS}#{anchor}",
            accepted_scopes=("admin:org",),
            required_scopes=NO_SCOPE,
        )

    add("GET", prefix, list_secrets, "list-organization-secrets")
    # Before {secret_name}, which would otherwise match "public-key".
    add("GET", f"{prefix}/public-key", get_public_key, "get-an-organization-public-key")
    add("GET", named, get_secret, "get-an-organization-secret")
    add("PUT", named, put_secret, "create-or-update-an-organization-secret")
    add("DELETE", named, delete_secret, "delete-an-organization-secret")
    add("GET", named + "/repositories", list_repositories, "list-selected-repositories-for-an-organization-secret")
    add("PUT", named + "/repositories", set_repositories, "set-selected-repositories-for-an-organization-secret")
    add(
        "PUT",
        named + "/repositories/{repository_id}",
        add_repository,
        "add-selected-repository-to-an-organization-secret",
    )
    add(
        "DELETE",
        named + "/repositories/{repository_id}",
        remove_repository,
        "remove-selected-repository-from-an-organization-secret",
    )
    router.add(
        "GET",
        "/repos/{owner}/{repo}/actions/organization-secrets",
        list_repository_organization_secrets,
        docs=f"{DOCS}#list-repository-organization-secrets",
        required_scopes=REPO_SCOPE,
    )


def _render(ctx: RequestContext, secret: OrgSecret) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": secret.name,
        "created_at": secret.created_at,
        "updated_at": secret.updated_at,
        "visibility": secret.visibility,
    }
    if secret.visibility == "selected":
        body["selected_repositories_url"] = access.selected_repositories_url(ctx, KIND, secret.name)
    return body


def _existing(actions: OrgActions, name: str) -> OrgSecret:
    found = actions.find_secret(name)
    if found is None:
        raise ApiError(404, "Not Found")
    return found


def _named(ctx: RequestContext, *, create: bool = False) -> OrgSecret:
    return _existing(access.organisation_actions(ctx, KIND, create=create), ctx.params["secret_name"])


# -- handlers -----------------------------------------------------------------------------------
# Organisation secrets are state-wide rows, which every transaction compares: their writes
# change no repository, so no answer here is marked ``mutated``.


def list_secrets(ctx: RequestContext) -> Response:
    actions = access.organisation_actions(ctx, KIND)
    ordered = sorted(actions.secrets, key=lambda s: s.name)
    return paginate_counted(ctx, ordered, lambda s: _render(ctx, s), list_key="secrets")


def get_public_key(ctx: RequestContext) -> Response:
    pair, _ = key_pair(access.organisation_actions(ctx, KIND, create=True))
    return Response(200, {"key_id": pair.key_id, "key": pair.public_key})


def get_secret(ctx: RequestContext) -> Response:
    secret = _named(ctx)
    return Response(200, _render(ctx, secret), last_modified=secret.updated_at)


def put_secret(ctx: RequestContext) -> Response:
    actions = access.organisation_actions(ctx, KIND, create=True)
    name = ctx.params["secret_name"]
    if not valid_name(name):
        raise validation_failed(RESOURCE, "invalid", "name", NAME_RULES)
    data = ctx.json_object()
    if "visibility" not in data:
        raise validation_failed(RESOURCE, "missing_field", "visibility")
    chosen = access.visibility(data["visibility"], RESOURCE)
    selected = access.selection(ctx, data, chosen, RESOURCE)
    existing = actions.find_secret(name)
    if data.get("encrypted_value") is None:
        if existing is None:
            raise validation_failed(RESOURCE, "missing_field", "encrypted_value")
        # A new visibility (or selection) alone; the value stays.
        existing.visibility = chosen
        if selected is not None:
            existing.selected_repository_ids = selected
        return Response(204)
    if not isinstance(data["encrypted_value"], str) or not isinstance(data.get("key_id"), str):
        raise validation_failed(RESOURCE, "missing_field", "key_id")
    pair, _ = key_pair(actions)
    if data["key_id"] != pair.key_id:
        raise validation_failed(RESOURCE, "invalid", "key_id", "key_id does not match the organization's key")
    value = open_sealed(pair, data["encrypted_value"])
    created = actions.store_secret(name, value, visibility=chosen, selected=selected)
    # 201 with an empty object on create, 204 on update, as GitHub documents.
    return Response(201, {}) if created else Response(204)


def delete_secret(ctx: RequestContext) -> Response:
    actions = access.organisation_actions(ctx, KIND)
    actions.secrets.remove(_existing(actions, ctx.params["secret_name"]))
    return Response(204)


def list_repositories(ctx: RequestContext) -> Response:
    return access.list_selected(ctx, _named(ctx))


def set_repositories(ctx: RequestContext) -> Response:
    return access.replace_selected(ctx, _named(ctx), RESOURCE)


def add_repository(ctx: RequestContext) -> Response:
    return access.add_selected(ctx, _named(ctx))


def remove_repository(ctx: RequestContext) -> Response:
    return access.remove_selected(ctx, _named(ctx))


def list_repository_organization_secrets(ctx: RequestContext) -> Response:
    """What the repository gets from its organisation: names and dates, never values."""
    repo = ctx.repo()
    actions = ctx.state.actions_of(repo.owner)
    shared = sorted((s for s in (actions.secrets if actions else []) if shared_with(s, repo)), key=lambda s: s.name)
    return paginate_counted(
        ctx,
        shared,
        lambda s: {"name": s.name, "created_at": s.created_at, "updated_at": s.updated_at},
        list_key="secrets",
    )
