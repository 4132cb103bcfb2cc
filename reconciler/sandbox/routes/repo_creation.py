"""``POST /orgs/{org}/repos`` and ``POST /user/repos``: new repositories, as GitHub makes them.

A new repository has GitHub's nine default labels and a default branch; with ``auto_init``
an initial commit holding a README, without it nothing at all (an empty repository). Its
visibility comes from ``visibility`` (organisations) or ``private``. Refusals, as GitHub
words them: 404 for an organisation that does not exist, 403 "You need admin access to the
organization before adding a repository to it." for one the token may not create in, and
422 "Repository creation failed." for a name the owner already has.

The sandbox models no organisation membership: a token whose default role is ``admin`` (the
default, see ``TokenGrant``) may create in every organisation; any other role, or none, is
refused. Anyone may create under their own user. The creator is admin of what it creates
(``identities``: an owner always is, and so is a token whose default role is admin).
Classic tokens need ``repo`` for a private repository and ``public_repo`` (or ``repo``) for a
public one.
"""

from __future__ import annotations

from typing import Any

from .. import representations as rep
from ..auth import effective_scopes
from ..protocol import ApiError, RequestContext, Response
from ..repo_factory import MAX_NAME_LENGTH, NewRepository, create_repository, name_taken, normalise_name
from ..routing import Router
from ..state import role_at_least
from .commits_input import not_supplied

DOCS = "https://docs.github.com/rest/repos/repos"
ORG_DOCS = f"{DOCS}#create-an-organization-repository"
USER_DOCS = f"{DOCS}#create-a-repository-for-the-authenticated-user"
CREATION_FAILED = "Repository creation failed."
NOT_ALLOWED_IN_ORG = "You need admin access to the organization before adding a repository to it."
# Boolean fields of the request and GitHub's defaults for them.
_FLAGS = {
    "has_issues": True,
    "has_projects": True,
    "has_wiki": True,
    "has_discussions": False,
    "is_template": False,
    "auto_init": False,
}


def register(router: Router) -> None:
    scopes = ("public_repo", "repo")
    router.add("POST", "/orgs/{org}/repos", create_in_org, docs=ORG_DOCS, accepted_scopes=scopes, required_scopes=())
    router.add("POST", "/user/repos", create_for_user, docs=USER_DOCS, accepted_scopes=scopes, required_scopes=())


def _name_error(message: str) -> ApiError:
    return ApiError(
        422,
        CREATION_FAILED,
        errors=[{"resource": "Repository", "code": "custom", "field": "name", "message": message}],
    )


def _flag(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ApiError(422, f"Invalid request.\n\nFor '{key}', {value!r} is not a boolean.")
    return value


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ApiError(422, f"Invalid request.\n\nFor '{key}', {value!r} is not a string.")
    return value or None


def _private(data: dict[str, Any], *, allow_visibility: bool) -> bool:
    private = _flag(data, "private", False)
    visibility = data.get("visibility") if allow_visibility else None
    if visibility is None:
        return private
    if visibility not in ("public", "private"):
        # "internal" exists only in enterprise organisations, which the sandbox has none of.
        raise ApiError(
            422,
            CREATION_FAILED,
            errors=[{"resource": "Repository", "code": "invalid", "field": "visibility"}],
        )
    return bool(visibility == "private")


def _spec(ctx: RequestContext, owner: str, *, allow_visibility: bool) -> NewRepository:
    data = ctx.json_object()
    requested = data.get("name")
    if requested is None:
        raise not_supplied("name")
    if not isinstance(requested, str):
        raise ApiError(422, f"Invalid request.\n\nFor 'name', {requested!r} is not a string.")
    name = normalise_name(requested)
    if name in ("", ".", ".."):
        raise _name_error("name is too short (minimum is 1 character)" if not name else "name is invalid")
    if len(name) > MAX_NAME_LENGTH:
        raise _name_error(f"name is too long (maximum is {MAX_NAME_LENGTH} characters)")
    flags = {key: _flag(data, key, default) for key, default in _FLAGS.items()}
    return NewRepository(
        owner=owner,
        name=name,
        private=_private(data, allow_visibility=allow_visibility),
        description=_optional_text(data, "description"),
        homepage=_optional_text(data, "homepage"),
        has_issues=flags["has_issues"],
        has_projects=flags["has_projects"],
        has_wiki=flags["has_wiki"],
        has_discussions=flags["has_discussions"],
        is_template=flags["is_template"],
        auto_init=flags["auto_init"],
    )


def _check_scopes(ctx: RequestContext, private: bool) -> None:
    scopes = effective_scopes(ctx.scopes)
    if ("repo" if private else "public_repo") not in scopes:
        raise ApiError(403, "Resource not accessible by personal access token")


def _create(ctx: RequestContext, spec: NewRepository) -> Response:
    _check_scopes(ctx, spec.private)
    if name_taken(ctx.state, spec.owner, spec.name):
        raise _name_error("name already exists on this account")
    repo = create_repository(ctx.state, spec, creator=ctx.login)
    grant = ctx.viewer.grant
    if grant is not None and ctx.viewer.role_in(repo) != "admin":
        # A role the grant named for an earlier repository of that name does not carry over.
        grant.repositories[repo.full_name.casefold()] = "admin"
    body = rep.full_repository(ctx.base_url, ctx.state, repo, ctx.scopes, "admin")
    return Response(201, body, {"Location": body["url"]}, mutated=True)


def create_in_org(ctx: RequestContext) -> Response:
    org = ctx.state.account(ctx.params["org"])
    if org is None or org.type != "Organization":
        raise ApiError(404, "Not Found")
    # An installation token's administration permission was checked already (``authorize``).
    if not (ctx.by_installation or role_at_least(ctx.role, "admin")):
        raise ApiError(403, NOT_ALLOWED_IN_ORG)
    return _create(ctx, _spec(ctx, org.login, allow_visibility=True))


def create_for_user(ctx: RequestContext) -> Response:
    return _create(ctx, _spec(ctx, ctx.login, allow_visibility=False))
