"""Errors the user can act on. Anything else escaping to the CLI is a bug (exit 3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from reconciler.redaction import redact


class ReconcilerError(Exception):
    """A known failure: bad input, authentication, an API refusal. The CLI exits 1."""


class ConfigurationError(ReconcilerError):
    """The command line or environment cannot work as given (no token, bad URL...)."""


class ApplyRefused(ReconcilerError):
    """apply declined to write (no confirmation, a guard tripped)."""


class StalePlanError(ApplyRefused):
    """A saved plan no longer describes its inputs: the desired state or live GitHub changed.

    The message starts with "stale plan:" and names what changed.
    """


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the desired state, located in its file."""

    file: str
    line: int
    column: int
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        field = f" {self.field}:" if self.field else ""
        label = "" if self.severity == "error" else f" {self.severity}:"
        return f"{where}:{label}{field} {self.message}"


class DesiredStateError(ReconcilerError):
    """The desired state does not validate. Carries every problem, not only the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        count = sum(1 for p in self.problems if p.severity == "error")
        super().__init__(f"desired state has {count} error{'s' if count != 1 else ''}")


class GitHubError(ReconcilerError):
    """GitHub refused or failed a request. The message never contains the token."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        operation: str = "",
        repository: str = "",
        token_scopes: tuple[str, ...] | None = None,
    ) -> None:
        self.status = status
        self.operation = operation
        self.repository = repository
        # From X-OAuth-Scopes: set for classic tokens only, so None means "unknown".
        self.token_scopes = token_scopes
        self.detail = message
        prefix = " ".join(p for p in (repository, operation) if p)
        status_text = f" (HTTP {status})" if status is not None else ""
        super().__init__(f"{prefix}: {message}{status_text}" if prefix else f"{message}{status_text}")


class AuthenticationError(GitHubError):
    """The token is missing, wrong or expired (401). Nothing else will work either."""


class GitHubAppError(AuthenticationError):
    """A GitHub App could not get an installation token (a key that is not the App's, an App
    not installed on an owner...). The message says what to do about it."""


class PermissionDeniedError(GitHubError):
    """The token is valid but may not do this (403 without a rate limit)."""


class NotFoundError(GitHubError):
    """404: the object is absent, or the token cannot see the repository."""


class ConflictError(GitHubError):
    """409: the server state moved under us (stale sha, existing variable...)."""


class ValidationFailedError(GitHubError):
    """422: GitHub rejected the payload."""

    def __init__(self, message: str, *, codes: Sequence[str] = (), **kwargs: object) -> None:
        self.codes = tuple(codes)
        super().__init__(message, **kwargs)  # type: ignore[arg-type]

    @property
    def already_exists(self) -> bool:
        return "already_exists" in self.codes


class RateLimitedError(GitHubError):
    """The rate limit is spent and waiting for it would exceed the retry policy."""


# Failures every later request of the run would meet too: planning, applying and importing
# stop at the first instead of repeating it for each repository.
RUN_ENDING_ERRORS: tuple[type[GitHubError], ...] = (AuthenticationError, RateLimitedError)


class ServerError(GitHubError):
    """GitHub failed (5xx) and retries did not help."""


class TransportError(GitHubError):
    """The network failed before GitHub answered."""


class _Call(Protocol):
    """What a request was for (the port's `Call`), as an error names it."""

    @property
    def operation(self) -> str: ...

    @property
    def repository(self) -> str: ...


class UnexpectedResponseError(GitHubError):
    """GitHub's answer is not what the endpoint returns: wrong content type, malformed JSON,
    too big, endless pagination, a redirect elsewhere, a field of the wrong type."""

    def __init__(self, endpoint: str, what: str, call: _Call, *, status: int | None = None) -> None:
        # The endpoint is "GET /repos/o/r/labels" when known; the call's operation and
        # repository head the message anyway ("o/r list labels: unexpected answer ...").
        self.endpoint = endpoint
        self.what = redact(what)
        source = f" from {endpoint}" if endpoint else ""
        super().__init__(
            redact(f"unexpected answer{source}: {what}"),
            status=status,
            operation=call.operation,
            repository=call.repository,
        )
