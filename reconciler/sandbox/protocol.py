"""Request, response and error types shared by the router, the routes and the HTTP handler."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from .identities import Viewer
from .media_types import DEFAULT as DEFAULT_MEDIA_TYPE
from .media_types import MediaType
from .state import RepoState, SandboxState

if TYPE_CHECKING:
    from .routing import Route

DOCS_ROOT = "https://docs.github.com/rest"
RATE_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
# What GitHub answers in when a request names no X-GitHub-Api-Version.
DEFAULT_API_VERSION = "2022-11-28"


class ApiError(Exception):
    """Raised anywhere while handling a request; becomes a GitHub-shaped error response."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[dict[str, Any]] | str | None = None,
        headers: dict[str, str] | None = None,
        documentation_url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}
        self.documentation_url = documentation_url


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def validation_failed(resource: str, code: str, field_name: str, message: str | None = None) -> ApiError:
    error: dict[str, Any] = {"resource": resource, "code": code, "field": field_name}
    if message is not None:
        error["message"] = message
    return ApiError(422, "Validation Failed", errors=[error])


def error_body(
    status: int, message: str, documentation_url: str, errors: list[dict[str, Any]] | str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message}
    if errors is not None:
        body["errors"] = errors
    body["documentation_url"] = documentation_url
    body["status"] = str(status)
    return body


@dataclass
class Response:
    status: int
    body: Any = None  # JSON-able; None means no body (204)
    headers: dict[str, str] = field(default_factory=dict)
    # Set by write routes that changed state, so the server persists it.
    mutated: bool = False
    # Set by POST /graphql: the primary rate-limit points the query was charged (for stats).
    graphql_points: int | None = None
    # Bytes sent as they are instead of ``body`` (a custom media type: raw file, HTML), with
    # their Content-Type.
    raw: bytes | None = None
    content_type: str | None = None
    # When the resource last changed (ISO 8601 UTC): sent as Last-Modified, and what
    # If-Modified-Since is compared with. Only where GitHub sends one (single resources).
    last_modified: str | None = None


class RequestLimits(Protocol):
    """The secondary rate limits as a route sees them. The GraphQL endpoint answers many
    queries through one route, so it charges its own points (1 a query, 5 a mutation)."""

    def charge_graphql(self, *, mutation: bool) -> None: ...


@dataclass
class RequestContext:
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    base_url: str
    state: SandboxState
    route: Route
    token: str = ""
    login: str = ""
    scopes: list[str] = field(default_factory=list)
    # The token owner's role in the route's repository (``permissions`` in repository objects).
    role: str = "admin"
    # The X-GitHub-Api-Version the request is answered in, and the media type it asked for.
    api_version: str = DEFAULT_API_VERSION
    media_type: MediaType = DEFAULT_MEDIA_TYPE
    limits: RequestLimits | None = None
    # What the caller can see, for routes that list repositories; anonymous by default.
    viewer: Viewer = field(default_factory=Viewer)
    client_ip: str = "127.0.0.1"

    @property
    def by_installation(self) -> bool:
        """Whether a GitHub App's installation token is calling (App permissions, not scopes)."""
        grant = self.viewer.grant
        return grant is not None and grant.installation_id is not None

    # -- body -----------------------------------------------------------------------------

    def json_body(self) -> Any:
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, "Problems parsing JSON") from exc

    def json_object(self) -> dict[str, Any]:
        data = self.json_body()
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise ApiError(400, "Problems parsing JSON")
        return data

    # -- query ----------------------------------------------------------------------------

    def query_value(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    # -- urls -----------------------------------------------------------------------------

    def api_url(self, path: str) -> str:
        return self.base_url + path

    # -- common lookups -------------------------------------------------------------------

    def repo(self) -> RepoState:
        repo = self.state.find_repo(self.params["owner"], self.params["repo"])
        if repo is None:
            raise not_found()
        return repo

    def int_param(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError as exc:
            raise not_found() from exc


def quote_segment(value: str) -> str:
    """How GitHub (and PyGithub) put a label name into a path: every reserved byte encoded."""
    return quote(value, safe="")
