"""GitHub Apps as the sandbox holds them: the App (with a real RSA key pair), its
installations, and the installation tokens they mint.

An installation token is a ``TokenGrant`` (see ``identities``): it sees the installation's
repositories (or the ones it was narrowed to) with the installation's permissions, expires
an hour after it was minted, and has its own primary budget, 5,000 requests an hour plus
50 per repository beyond 20, up to 12,500 (GitHub also counts the organisation's users; the
sandbox models no members, so only repositories count).

The App's key pair is made on first use: generating an RSA key takes a noticeable moment,
and most sandboxes never need one. The private key stays in the state so ``reconciler
sandbox app`` can hand it out; it is the sandbox's own throwaway key, worth nothing
anywhere else, and is never printed or served over HTTP.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from . import clock
from .identities import TokenGrant
from .model import RepoState

if TYPE_CHECKING:
    from .state import SandboxState

TOKEN_LIFETIME_SECONDS = 3600
TOKEN_PREFIX = "ghs_"
LEVELS = ("read", "write")
BASE_LIMIT, PER_REPOSITORY, FREE_REPOSITORIES, MAX_LIMIT = 5000, 50, 20, 12500
# GitHub's docs name the variables permissions ``actions_variables`` and
# ``organization_actions_variables`` in some places; the sandbox speaks of ``variables``
# and ``organization_variables`` and takes either spelling.
PERMISSION_ALIASES = {
    "actions_variables": "variables",
    "organization_actions_variables": "organization_variables",
}


@dataclass
class App:
    id: int
    node_id: str
    slug: str
    client_id: str
    name: str
    owner: str
    description: str | None = None
    permissions: dict[str, str] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    created_at: str = "2025-01-15T09:00:00Z"
    updated_at: str = "2025-01-15T09:00:00Z"
    # PEM text; None until first needed (``ensure_key_pair``).
    private_key_pem: str | None = None
    public_key_pem: str | None = None

    @property
    def bot_login(self) -> str:
        return f"{self.slug}[bot]"


@dataclass
class Installation:
    id: int
    app_id: int
    account: str  # the login of the user or organisation it is installed on
    repository_selection: str = "all"  # or "selected": only ``repository_ids``
    repository_ids: list[int] = field(default_factory=list)
    permissions: dict[str, str] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    created_at: str = "2025-01-15T09:30:00Z"
    updated_at: str = "2025-01-15T09:30:00Z"


# -- the App ----------------------------------------------------------------------------------


def normalise_permissions(permissions: dict[str, str]) -> dict[str, str]:
    return {PERMISSION_ALIASES.get(name, name): level for name, level in permissions.items()}


def find_app(state: SandboxState, issuer: object) -> App | None:
    """The App a JWT's ``iss`` names: its numeric id (as a number or a string) or client id."""
    for app in state.apps:
        if issuer == app.id or (isinstance(issuer, str) and issuer in (str(app.id), app.client_id)):
            return app
    return None


def ensure_key_pair(app: App) -> bool:
    """Give ``app`` an RSA key pair if it has none yet; True when one was just made."""
    if app.private_key_pem is not None and app.public_key_pem is not None:
        return False
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    # PKCS#1 ("BEGIN RSA PRIVATE KEY"), the form GitHub hands App keys out in.
    app.private_key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode("ascii")
    app.public_key_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return True


def client_id_for(app_id: int) -> str:
    """A client id shaped like GitHub's (``Iv23li`` and 14 more), the same for the same App."""
    return "Iv23li" + hashlib.sha256(f"sandbox-app:{app_id}".encode()).hexdigest()[:14]


# -- installations ----------------------------------------------------------------------------


def installation_by_id(state: SandboxState, installation_id: int) -> Installation | None:
    return next((i for i in state.installations if i.id == installation_id), None)


def installation_on(state: SandboxState, account: str, app_id: int | None = None) -> Installation | None:
    wanted = account.casefold()
    return next(
        (i for i in state.installations if i.account.casefold() == wanted and (app_id is None or i.app_id == app_id)),
        None,
    )


def installation_repositories(state: SandboxState, installation: Installation) -> list[RepoState]:
    repos = state.repos_of(installation.account)
    if installation.repository_selection == "all":
        return repos
    chosen = set(installation.repository_ids)
    return [repo for repo in repos if repo.id in chosen]


def rate_limit_for(repository_count: int) -> int:
    extra = max(0, repository_count - FREE_REPOSITORIES) * PER_REPOSITORY
    return min(MAX_LIMIT, BASE_LIMIT + extra)


def covers(granted: dict[str, str], wanted: dict[str, str]) -> bool:
    """Whether ``granted`` includes every permission of ``wanted`` at its level or above."""
    for name, level in wanted.items():
        have = granted.get(name)
        if have is None or level not in LEVELS or LEVELS.index(have) < LEVELS.index(level):
            return False
    return True


# -- installation tokens ----------------------------------------------------------------------


@dataclass(frozen=True)
class MintedToken:
    token: str
    grant: TokenGrant
    repositories: list[RepoState] | None  # the ones it was narrowed to; None: not narrowed


def mint_token(
    state: SandboxState,
    app: App,
    installation: Installation,
    *,
    repositories: list[RepoState] | None = None,
    permissions: dict[str, str] | None = None,
) -> MintedToken:
    """A new installation token, registered as a grant; expired ones are forgotten (an unknown
    ``ghs_`` token is refused anyway, see ``auth``). The caller has checked the narrowing."""
    now = clock.epoch()
    state.tokens.drop_where(lambda g: g.installation_id is not None and (g.expires_at or 0) <= now)
    visible = repositories if repositories is not None else installation_repositories(state, installation)
    narrowed = repositories is not None or installation.repository_selection == "selected"
    granted = dict(permissions if permissions is not None else installation.permissions)
    granted.setdefault("metadata", "read")
    grant = TokenGrant(
        login=app.bot_login,
        scopes=["repo", "workflow"] if granted.get("workflows") == "write" else ["repo"],
        role=None,
        fine_grained=True,
        expires_at=now + TOKEN_LIFETIME_SECONDS,
        installation_id=installation.id,
        installation_account=installation.account,
        repository_ids=[repo.id for repo in visible] if narrowed else None,
        permissions=granted,
        rate_limit=rate_limit_for(len(visible)),
    )
    alphabet = string.ascii_letters + string.digits
    token = TOKEN_PREFIX + "".join(secrets.choice(alphabet) for _ in range(36))
    state.tokens[token] = grant
    return MintedToken(token, grant, repositories)
