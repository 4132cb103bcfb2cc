"""Who the token acts for, what it may do, and how much of the hour's budget is left.

`GET /user` names the token's user and, for a classic token, its scopes (`X-OAuth-Scopes`);
an expiring token's answers say when it expires. `GET /rate_limit` is free: asking does not
spend the budget it reports, so it works even when that budget is spent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

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
    # GitHub's time when it answered (its `Date` header): what "in 3 days" is measured from,
    # whatever this machine's clock says. None when the header is missing or unreadable.
    server_time: datetime | None = None


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


def server_time(headers: Mapping[str, str]) -> datetime | None:
    """The `Date` header of an answer, in UTC; None when it is missing or not a date."""
    value = headers.get("date")
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def token_expiry(expires: str | None) -> datetime | None:
    """When an expiring token stops working, from GitHub's `2026-12-31 00:00:00 UTC` (GitHub
    has also written `+0000` and `-0800` for the zone); None for a token that does not expire
    or a value that cannot be read."""
    if not expires:
        return None
    text = expires.strip()
    for pattern in ("%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            moment = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return None


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
    return RateLimit(core.limit, core.remaining, core.reset, server_time(reply.headers))
