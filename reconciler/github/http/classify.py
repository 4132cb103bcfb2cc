"""GitHub's refusals as reconciler's typed errors, and which of them are worth waiting out.

The same semantics the PyGithub adapter had before it: 401 authentication, 403 permission (unless it
is a rate limit), 404 not found, 409 conflict, 422 validation with GitHub's error codes, 5xx
server errors (retried with backoff), and rate limits recognised as GitHub documents them:
`retry-after` first, then a spent budget (`x-ratelimit-remaining: 0`, wait until
`x-ratelimit-reset`), then a secondary limit (429, or a 403 that says so; at least a minute,
doubling while it persists). Every message is redacted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from enum import Enum
from typing import Any

from reconciler.errors import (
    AuthenticationError,
    ConflictError,
    GitHubError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    ValidationFailedError,
)
from reconciler.github.http.limits import RetryPolicy
from reconciler.github.port import Call
from reconciler.redaction import redact

MAX_MESSAGE = 300
_SECONDARY_WORDS = ("secondary rate limit", "abuse detection")


class Limit(Enum):
    PRIMARY = "primary"
    SECONDARY = "secondary"


@dataclass(frozen=True)
class Refusal:
    error: GitHubError
    wait: float | None = None  # seconds before a retry may help; None: it will not
    limit: Limit | None = None  # set for rate limits: every request of the credential waits


def decode_error_body(body: bytes) -> Any:
    """An error body as GitHub sends it (JSON), or its text when a proxy sent HTML."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return body.decode("utf-8", errors="replace")


def classify(
    status: int,
    headers: Mapping[str, str],
    data: Any,
    call: Call,
    *,
    retry: RetryPolicy,
    attempt: int,
    secondary_hits: int,
    now: float,
) -> Refusal:
    """What a non-2xx answer means, and how long to wait before a retry (if one may help)."""
    message = redact(_message(data) or f"HTTP {status}")
    context: dict[str, Any] = {
        "status": status,
        "operation": call.operation,
        "repository": call.repository,
        "token_scopes": _scopes(headers.get("x-oauth-scopes")),
    }
    if status in (403, 429):
        limited = _rate_limit_wait(status, headers, message, retry, attempt, secondary_hits, now)
        if limited is not None:
            wait, limit = limited
            return Refusal(RateLimitedError(f"rate limited: {message}", **context), wait, limit)
        return Refusal(PermissionDeniedError(message + _app_permission_hint(headers), **context))
    if status == 401:
        return Refusal(AuthenticationError(f"GitHub rejected the token: {message}", **context))
    if status == 404:
        return Refusal(NotFoundError(f"not found (or the token cannot see it): {message}", **context))
    if status == 409:
        return Refusal(ConflictError(message, **context))
    if status == 422:
        described = redact(validation_message(data, message))
        return Refusal(ValidationFailedError(described, codes=error_codes(data), **context))
    if status >= 500:
        return Refusal(ServerError(f"GitHub failed: {message}", **context), retry.backoff(attempt))
    return Refusal(GitHubError(message, **context))


def _app_permission_hint(headers: Mapping[str, str]) -> str:
    """What a GitHub App lacks, from `X-Accepted-GitHub-Permissions` ("secrets=write"; GitHub
    lists alternatives with commas), and where to grant it."""
    accepted = headers.get("x-accepted-github-permissions", "").strip()
    if not accepted:
        return ""
    wanted = " or ".join(part.strip().replace("=", ": ") for part in accepted.split(",") if part.strip())
    return (
        f"; the GitHub App needs the permission {wanted}: add it in the App's settings (Permissions), then "
        "approve it in each installation (the account's Settings → GitHub Apps)"
    )


def _rate_limit_wait(
    status: int,
    headers: Mapping[str, str],
    message: str,
    retry: RetryPolicy,
    attempt: int,
    secondary_hits: int,
    now: float,
) -> tuple[float, Limit] | None:
    spent = headers.get("x-ratelimit-remaining") == "0"
    retry_after = headers.get("retry-after")
    if retry_after is not None:
        seconds = _retry_after_seconds(retry_after, now)
        wait = seconds if seconds is not None else retry.secondary_backoff(secondary_hits + 1)
        return wait, Limit.PRIMARY if spent else Limit.SECONDARY
    if spent:
        try:
            reset = float(headers.get("x-ratelimit-reset", ""))
        except ValueError:
            return retry.secondary_backoff(secondary_hits + 1), Limit.PRIMARY
        return max(1.0, reset - now + 1.0), Limit.PRIMARY
    if status == 429 or any(words in message.lower() for words in _SECONDARY_WORDS):
        return max(retry.secondary_backoff(secondary_hits + 1), retry.backoff(attempt)), Limit.SECONDARY
    return None


def _retry_after_seconds(value: str, now: float) -> float | None:
    """`retry-after` in seconds, or as an HTTP date (RFC 9110 allows both)."""
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError):
        return None


def _scopes(header: str | None) -> tuple[str, ...] | None:
    """X-OAuth-Scopes as a tuple; None when GitHub did not send it (fine-grained tokens, Apps)."""
    if header is None:
        return None
    return tuple(s.strip() for s in header.split(",") if s.strip())


def _message(data: Any) -> str:
    if isinstance(data, dict):
        return str(data.get("message") or "")[:MAX_MESSAGE]
    if isinstance(data, str):
        return " ".join(data.split())[:200]
    return ""


def error_codes(data: Any) -> list[str]:
    if not isinstance(data, dict) or not isinstance(data.get("errors"), list):
        return []
    return [str(e.get("code")) for e in data["errors"] if isinstance(e, dict) and e.get("code")]


def validation_message(data: Any, fallback: str) -> str:
    if not isinstance(data, dict) or not isinstance(data.get("errors"), list):
        return fallback
    parts = []
    for item in data["errors"]:
        if isinstance(item, dict):
            described = item.get("message") or " ".join(
                str(item[k]) for k in ("resource", "field", "code") if item.get(k)
            )
            parts.append(str(described))
        elif isinstance(item, str):
            parts.append(item)
    return f"{fallback}: {'; '.join(parts)}"[: MAX_MESSAGE * 2] if parts else fallback
