"""What a GitHub App's installation token needs for each route: one App permission, read for
reads and write for everything else, as GitHub's REST reference lists them per endpoint.

Installation tokens have no classic scopes and no repository role: this table is the whole
of what they may do (``auth.authorize`` asks it instead of the scopes, and the role checks are
skipped for them). A missing permission is GitHub's 403 "Resource not accessible by
integration", with the permission named in ``X-Accepted-GitHub-Permissions``.
"""

from __future__ import annotations

from .protocol import ApiError
from .routing import REPO_PREFIX, WRITE_METHODS, Route

INTEGRATION_REFUSAL = "Resource not accessible by integration"
LEVELS = ("read", "write")

# Repository routes by the start of what follows /repos/{owner}/{repo}, most specific first.
_REPOSITORY_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("/actions/organization-secrets", "secrets"),
    ("/actions/organization-variables", "variables"),
    ("/actions/secrets", "secrets"),
    ("/actions/variables", "variables"),
    ("/actions/", "actions"),
    ("/labels", "issues"),
    ("/issues", "issues"),
    ("/pulls", "pull_requests"),
    ("/contents", "contents"),
    ("/git/", "contents"),
    ("/commits", "contents"),
)
_ORGANIZATION_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("/orgs/{org}/actions/secrets", "organization_secrets"),
    ("/orgs/{org}/actions/variables", "organization_variables"),
)
# Routes an installation token may never use, whatever its permissions.
_USER_ONLY = frozenset({"GET /user", "POST /user/repos"})


def required_permission(route: Route) -> tuple[str, str] | None:
    """(permission, level) the route needs; None when any installation token may use it."""
    level = "write" if route.method in WRITE_METHODS else "read"
    template = route.template
    if route.is_repo_route:
        rest = template.removeprefix(REPO_PREFIX)
        for prefix, permission in _REPOSITORY_PERMISSIONS:
            if rest.startswith(prefix):
                return permission, level
        return "metadata", "read"
    for prefix, permission in _ORGANIZATION_PERMISSIONS:
        if template.startswith(prefix):
            return permission, level
    if route.method == "POST" and template == "/orgs/{org}/repos":
        return "administration", "write"
    if template == "/orgs/{org}/repos":
        return "metadata", "read"
    return None


def has_permission(permissions: dict[str, str], name: str, level: str) -> bool:
    if name == "metadata" and level == "read":
        return True  # every installation can read metadata
    have = permissions.get(name)
    return have in LEVELS and LEVELS.index(have) >= LEVELS.index(level)


def check_installation(permissions: dict[str, str], account: str, route: Route, params: dict[str, str]) -> None:
    """Refuse what an installation token on ``account`` with ``permissions`` may not do."""
    if route.key in _USER_ONLY:
        raise ApiError(403, INTEGRATION_REFUSAL)
    org = params.get("org")
    if org is not None and org.casefold() != account.casefold() and route.template != "/orgs/{org}/repos":
        # Another organisation's settings are out of the installation's reach.
        raise ApiError(403, INTEGRATION_REFUSAL)
    needed = required_permission(route)
    if needed is None:
        return
    name, level = needed
    if not has_permission(permissions, name, level):
        raise ApiError(403, INTEGRATION_REFUSAL, headers={"X-Accepted-GitHub-Permissions": f"{name}={level}"})
