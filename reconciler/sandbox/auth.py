"""Who is calling and what their token may do.

The token policy lives in the state: ``tokens`` holds the grants the sandbox was told
about, and ``unknown_tokens`` says what any other token gets. By default that is the
operator's identity (admin everywhere, ``default_token_scopes``), so any GitHub client and
any test token works out of the box; ``reject`` answers 401 Bad credentials, as GitHub
does. A request without a token is anonymous: it may read public repositories, and is
told ``Requires authentication`` (401) for anything else.

A token may expire (``TokenGrant.expires_at``, by the sandbox's clock): after that it is
401 Bad credentials. A GitHub App authenticates as itself with a JWT (see ``app_jwt``), which
only the App's own routes accept; its installation tokens (``ghs_...``) act within the
installation, by App permissions rather than scopes and roles (see ``app_permissions``). An
unknown ``ghs_`` token is refused whatever the unknown-token policy: only GitHub mints them.

``authenticate`` is the one place a token becomes an ``Identity``; ``repository_role`` the
one place that hides repositories a caller cannot see (404, as GitHub answers);
``authorize`` the one place for route scopes (or App permissions), ``check_role`` for the
repository role a write needs, and ``check_workflow_write`` for the extra ``workflow``
scope that writing under ``.github/workflows/`` needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import app_jwt, clock
from .app_permissions import INTEGRATION_REFUSAL, check_installation
from .apps import TOKEN_PREFIX as INSTALLATION_TOKEN_PREFIX
from .identities import TokenGrant, Viewer
from .protocol import ApiError
from .routing import REPO_PREFIX, WRITE_METHODS, Route
from .state import SandboxState, role_at_least
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


# What an anonymous caller may read besides public repositories' own routes.
ANONYMOUS_READABLE = frozenset({"/rate_limit", "/orgs/{org}/repos"})
READ_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class Identity:
    token: str | None  # None: an anonymous request
    login: str | None
    scopes: list[str]
    # GitHub sends no X-OAuth-Scopes for fine-grained tokens and Apps.
    fine_grained: bool = False
    viewer: Viewer = field(default_factory=Viewer)
    # The App a JWT authenticated (its id); None for every other kind of caller.
    app_id: int | None = None

    @property
    def anonymous(self) -> bool:
        return self.token is None

    @property
    def installation(self) -> TokenGrant | None:
        """The grant of an installation token; None for any other caller."""
        grant = self.viewer.grant
        return grant if grant is not None and grant.installation_id is not None else None

    @property
    def expires_at(self) -> int | None:
        grant = self.viewer.grant
        return grant.expires_at if grant is not None and self.app_id is None else None


ANONYMOUS = Identity(token=None, login=None, scopes=[])


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
        return ANONYMOUS
    if token == "":
        raise ApiError(401, "Bad credentials")
    if app_jwt.looks_like_jwt(token):
        return _app_identity(state, token)
    with state.lock:
        grant = state.tokens.get(token)
        if grant is None:
            if state.unknown_tokens == "reject" or token.startswith(INSTALLATION_TOKEN_PREFIX):
                raise ApiError(401, "Bad credentials")
            grant = TokenGrant(scopes=list(state.default_token_scopes), login=state.operator_login)
        if not grant.valid or (grant.expires_at is not None and clock.now() >= grant.expires_at):
            raise ApiError(401, "Bad credentials")
        if state.account(grant.login) is None:
            # Objects a new user creates need an author to render.
            state.add_account(grant.login, type="Bot" if grant.installation_id is not None else "User")
    return Identity(
        token=token, login=grant.login, scopes=list(grant.scopes), fine_grained=grant.fine_grained, viewer=Viewer(grant)
    )


def _app_identity(state: SandboxState, token: str) -> Identity:
    with state.lock:
        app = app_jwt.verify(state, token, clock.epoch())
        if state.account(app.bot_login) is None:
            state.add_account(app.bot_login, type="Bot")
    grant = TokenGrant(login=app.bot_login, scopes=[], role=None, fine_grained=True)
    return Identity(token=token, login=app.bot_login, scopes=[], fine_grained=True, viewer=Viewer(grant), app_id=app.id)


def check_app_credentials(identity: Identity, route: Route) -> None:
    """The App's own routes take nothing but its JWT, as GitHub answers them."""
    if route.jwt and identity.app_id is None:
        raise ApiError(401, app_jwt.UNDECODABLE)


def readable_anonymously(route: Route) -> bool:
    if route.method not in READ_METHODS:
        return False
    if route.is_repo_route:
        # Actions secrets and variables need a token even in a public repository.
        return not route.template.removeprefix(REPO_PREFIX).startswith(
            ("/actions/secrets", "/actions/variables", "/actions/organization-")
        )
    return route.template in ANONYMOUS_READABLE


def require_authentication(identity: Identity, route: Route) -> None:
    if identity.anonymous and not readable_anonymously(route):
        raise ApiError(401, "Requires authentication")


def repository_role(state: SandboxState, identity: Identity, route: Route, params: dict[str, str]) -> str:
    """The caller's role in the route's repository. A repository it cannot see is answered
    404, for reads and writes alike, exactly as one that does not exist. Routes outside a
    repository get the token's default role."""
    if not route.is_repo_route or route.jwt:
        # The App's own repository route (its installation there) looks repositories up itself.
        grant = identity.viewer.grant
        return grant.role if grant is not None and grant.role is not None else "pull"
    repo = state.find_repo(params["owner"], params["repo"])
    role = identity.viewer.role_in(repo) if repo is not None else None
    if role is None:
        raise ApiError(404, "Not Found")
    return role


def authorize(identity: Identity, route: Route, params: dict[str, str]) -> None:
    """Scopes for tokens; App permissions for installation tokens; an App's JWT only on the
    App's routes (and the free ones, such as ``GET /rate_limit``)."""
    if identity.app_id is not None:
        if not (route.jwt or route.free):
            raise ApiError(403, INTEGRATION_REFUSAL)
        return
    installation = identity.installation
    if installation is not None:
        check_installation(installation.permissions, installation.installation_account or "", route, params)
        return
    missing = [s for s in route.required_scopes if s not in effective_scopes(identity.scopes)]
    if missing:
        raise ApiError(
            403,
            "Resource not accessible by personal access token",
            headers={"X-Accepted-OAuth-Scopes": ", ".join(route.accepted_scopes)},
        )


def required_role(route: Route) -> str | None:
    """The repository role a write route needs; None for reads and non-repository routes.

    GitHub's REST reference asks only for "collaborator access" to write Actions secrets and
    variables, but its settings pages need admin and tokens are often refused below it: the
    sandbox takes the stricter reading, as ``reconciler verify`` does."""
    if not route.is_repo_route or route.method not in WRITE_METHODS:
        return None
    rest = route.template.removeprefix(REPO_PREFIX)
    if rest.startswith(("/actions/secrets", "/actions/variables")):
        return "admin"
    # Anyone who can read a repository may open issues and pull requests and comment.
    if route.method == "POST" and rest in ("/issues", "/issues/{issue_number}/comments", "/pulls"):
        return "pull"
    if rest.startswith("/issues/comments/"):
        return "pull"
    if rest in ("/issues/{issue_number}", "/issues/{issue_number}/labels", "/pulls/{pull_number}"):
        return "triage"
    return "push"


def check_role(identity: Identity, role: str, route: Route) -> None:
    """Refuse a write the token owner's ``role`` on the repository does not allow."""
    wanted = required_role(route)
    # An installation token's App permissions were checked instead (``authorize``).
    if wanted is None or identity.installation is not None or role_at_least(role, wanted):
        return
    if identity.fine_grained:
        raise ApiError(403, "Resource not accessible by personal access token")
    if wanted == "admin":
        raise ApiError(403, "Must have admin rights to Repository.")
    raise ApiError(403, f"Must have {wanted} access to repository.")


def check_writable(state: SandboxState, route: Route, params: dict[str, str]) -> None:
    """Archived repositories are read-only for every write, whatever the token may do."""
    if not route.is_repo_route or route.method not in WRITE_METHODS:
        return
    repo = state.find_repo(params["owner"], params["repo"])
    if repo is not None and repo.archived:
        raise ApiError(403, "Repository was archived so is read-only.")


def check_workflow_write(
    scopes: list[str], changed_paths: Iterable[str], *, hidden: bool = False, app: bool = False
) -> None:
    """Refuse a write that creates, updates or deletes a workflow file without the classic
    ``workflow`` scope (for an App, the ``workflows`` permission, which its installation
    tokens carry as that scope). GitHub says why on the contents API (403) but answers a
    plain 404 on some Git Data paths (``hidden``), so clients must treat both as this refusal."""
    if "workflow" in effective_scopes(scopes):
        return
    touched = sorted(path for path in changed_paths if is_workflow_path(path))
    if not touched:
        return
    if hidden:
        raise ApiError(404, "Not Found")
    if app:
        raise ApiError(
            403,
            f"refusing to allow a GitHub App to create or update workflow `{touched[0]}` "
            "without `workflows` permission",
        )
    raise ApiError(
        403,
        "refusing to allow a Personal Access Token to create or update workflow "
        f"`{touched[0]}` without `workflow` scope",
    )
