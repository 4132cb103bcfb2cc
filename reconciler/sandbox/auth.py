"""Who is calling and what their token may do.

The token policy lives in the state (``tokens`` and ``default_token_scopes``), so any
non-empty token works unless a test says otherwise. ``authorize`` is the one place where
route scope checks happen; ``check_workflow_write`` is the one place for the extra
``workflow`` scope that writing under ``.github/workflows/`` needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .protocol import ApiError
from .routing import WRITE_METHODS, Route
from .state import SandboxState
from .workflows import is_workflow_path

# Classic OAuth scopes that include others, as GitHub documents them.
SCOPE_IMPLIES: dict[str, frozenset[str]] = {
    "repo": frozenset({"repo:status", "repo_deployment", "public_repo", "repo:invite", "security_events"}),
    "admin:org": frozenset({"write:org", "read:org", "manage_runners:org"}),
    "write:org": frozenset({"read:org"}),
    "user": frozenset({"read:user", "user:email", "user:follow"}),
    "admin:repo_hook": frozenset({"write:repo_hook", "read:repo_hook"}),
    "write:repo_hook": frozenset({"read:repo_hook"}),
    "write:packages": frozenset({"read:packages"}),
}


def effective_scopes(scopes: list[str]) -> set[str]:
    result = set(scopes)
    for scope in scopes:
        result |= SCOPE_IMPLIES.get(scope, frozenset())
    return result


@dataclass(frozen=True)
class Identity:
    token: str
    login: str
    scopes: list[str]


def parse_token(authorization: str | None) -> str | None:
    """The token from ``token X`` or ``Bearer X``; ``""`` when the header is malformed."""
    if authorization is None or not authorization.strip():
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() not in ("token", "bearer") or not value.strip():
        return ""
    return value.strip()


def authenticate(state: SandboxState, authorization: str | None) -> Identity:
    token = parse_token(authorization)
    if token is None:
        raise ApiError(401, "Requires authentication")
    if token == "":
        raise ApiError(401, "Bad credentials")
    with state.lock:
        grant = state.tokens.get(token)
        if grant is not None and not grant.valid:
            raise ApiError(401, "Bad credentials")
        if grant is None:
            login, scopes = state.operator_login, list(state.default_token_scopes)
        else:
            login, scopes = grant.login, list(grant.scopes)
        if state.account(login) is None:
            # Objects a new user creates need an author to render.
            state.add_account(login)
    return Identity(token=token, login=login, scopes=scopes)


def authorize(identity: Identity, route: Route) -> None:
    missing = [s for s in route.required_scopes if s not in effective_scopes(identity.scopes)]
    if missing:
        raise ApiError(
            403,
            "Resource not accessible by personal access token",
            headers={"X-Accepted-OAuth-Scopes": ", ".join(route.accepted_scopes)},
        )


def check_writable(state: SandboxState, route: Route, params: dict[str, str]) -> None:
    """Archived repositories are read-only for every write, whatever the token may do."""
    if not route.is_repo_route or route.method not in WRITE_METHODS:
        return
    repo = state.find_repo(params["owner"], params["repo"])
    if repo is not None and repo.archived:
        raise ApiError(403, "Repository was archived so is read-only.")


def check_workflow_write(scopes: list[str], changed_paths: Iterable[str], *, hidden: bool = False) -> None:
    """Refuse a write that creates, updates or deletes a workflow file without the classic
    ``workflow`` scope. GitHub says why on the contents API (403) but answers a plain 404 on
    some Git Data paths (``hidden``), so clients must treat both as this refusal."""
    if "workflow" in effective_scopes(scopes):
        return
    touched = sorted(path for path in changed_paths if is_workflow_path(path))
    if not touched:
        return
    if hidden:
        raise ApiError(404, "Not Found")
    raise ApiError(
        403,
        "refusing to allow a Personal Access Token to create or update workflow "
        f"`{touched[0]}` without `workflow` scope",
    )
