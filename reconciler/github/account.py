"""Who the token acts for, what it may do, and how much of the hour's budget is left.

`GET /user` names the token's user and, for a classic token, its scopes (`X-OAuth-Scopes`);
an expiring token's answers say when it expires. `GET /rate_limit` is free: asking does not
spend the budget it reports, so it works even when that budget is spent.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.errors import PermissionDeniedError
from reconciler.github.parse import Wire, parse
from reconciler.github.port import Call, GitHubReader

SCOPES_HEADER = "x-oauth-scopes"
EXPIRATION_HEADER = "github-authentication-token-expiration"


@dataclass(frozen=True)
class TokenInfo:
    """Who the token acts for (`GET /user`) and, for classic tokens, what it may do."""

    # None for a GitHub App installation token, which acts for no user.
    login: str | None
    # From X-OAuth-Scopes, which GitHub sends for classic tokens only: None for fine-grained
    # tokens and Apps, whose permissions show per repository instead.
    scopes: tuple[str, ...] | None
    # When the token stops working, as GitHub says it ("2026-12-31 00:00:00 UTC"); None for
    # a token that does not expire.
    expires: str | None = None


@dataclass(frozen=True)
class RateLimit:
    """The primary ("core") budget of `GET /rate_limit`."""

    limit: int
    remaining: int
    reset: int  # epoch seconds


class _User(Wire):
    login: str


class _Budget(Wire):
    limit: int
    remaining: int
    reset: int


class _Resources(Wire):
    core: _Budget


class _RateLimits(Wire):
    resources: _Resources


def scopes_of(header: str | None) -> tuple[str, ...] | None:
    """X-OAuth-Scopes as a tuple; None when GitHub did not send it (fine-grained tokens, Apps)."""
    if header is None:
        return None
    return tuple(s.strip() for s in header.split(",") if s.strip())


def get_authenticated(reader: GitHubReader) -> TokenInfo:
    call = Call("read the authenticated user")
    try:
        reply = reader.get("/user", call)
    except PermissionDeniedError as exc:
        # An App installation token acts for no user: GitHub refuses /user with 403
        # "Resource not accessible by integration", and the token is still valid.
        if "integration" in exc.detail.lower():
            return TokenInfo(login=None, scopes=None)
        raise
    user = parse(_User, reply.body, call, "GET /user")
    return TokenInfo(user.login, scopes_of(reply.headers.get(SCOPES_HEADER)), reply.headers.get(EXPIRATION_HEADER))


def get_rate_limit(reader: GitHubReader) -> RateLimit:
    # Always asked afresh: a second reading is taken to see what the run has spent.
    call = Call("read the rate limit", fresh=True)
    reply = reader.get("/rate_limit", call)
    core = parse(_RateLimits, reply.body, call, "GET /rate_limit").resources.core
    return RateLimit(core.limit, core.remaining, core.reset)
