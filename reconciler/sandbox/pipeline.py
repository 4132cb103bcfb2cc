"""One GitHub API request, from raw bytes to the bytes of the answer, without any socket.

The order of checks follows GitHub: API version, credentials (a bad token is 401 even on a
path that does not exist), unknown route, credentials the route takes (GraphQL's, a GitHub
App's JWT), whether the route may be read anonymously, secondary limits, primary rate
limit, scopes (App permissions for installation tokens), the caller's role in the
repository (404 for one it cannot see), then the route itself; injected faults pre-empt all
of it. Validators
(ETag, Last-Modified), conditional requests and rate-limit accounting are applied to
whatever the route answered. ``HEAD`` is answered as ``GET``, headers and all, without the
body. Each request runs in one transaction of the state (see ``Sandbox``).
"""

from __future__ import annotations

import json
import secrets
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from . import ratelimit
from .api_versions import select_version
from .auth import (
    Identity,
    authenticate,
    authorize,
    check_app_credentials,
    check_role,
    check_writable,
    parse_token,
    repository_role,
    require_authentication,
)
from .conditional import CACHE_CONTROL, VARY, http_date, make_etag, not_modified
from .faults import Fault, FaultInjector, default_message
from .graphql import check_credentials
from .media_types import JSON_TYPE, MediaType, parse_accept
from .protocol import DOCS_ROOT, ApiError, RequestContext, Response, error_body
from .routing import UNKNOWN_ROUTE, Route, Router
from .secondary_limits import Admission, BoundLimits, SecondaryLimiter, SecondaryLimitExceeded
from .state import SandboxState


@dataclass(frozen=True)
class RawRequest:
    method: str
    path: str  # percent-encoded, without the query string
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    base_url: str  # scheme://host:port the client used to reach us
    client_ip: str = "127.0.0.1"  # anonymous requests are metered per address


@dataclass
class Outcome:
    status: int
    headers: dict[str, str]
    body: bytes
    route: str = UNKNOWN_ROUTE
    repo_slug: str | None = None
    graphql_points: int | None = None  # a GraphQL query's primary cost, for the request stats
    # Which secondary limit refused the request, if one did.
    secondary_limit: str | None = None


@dataclass
class _Exchange:
    """What the steps of one request learn along the way."""

    request: RawRequest
    request_id: str
    media_type: MediaType
    api_version: str | None = None
    identity: Identity | None = None
    charged: bool = False
    admission: Admission | None = None
    secondary_limit: str | None = None


# Sent with every answer to a request made with a token that expires, in GitHub's format.
TOKEN_EXPIRATION = "github-authentication-token-expiration"


def token_expiration(epoch: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))


def encode_json(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def merge_headers(base: dict[str, str], overrides: Mapping[str, str]) -> None:
    """Apply ``overrides`` to ``base`` with names compared case-insensitively, so a fault's
    ``x-ratelimit-remaining`` replaces ``X-RateLimit-Remaining`` instead of joining it."""
    for name, value in overrides.items():
        for existing in [key for key in base if key.lower() == name.lower()]:
            del base[existing]
        base[name] = value


def new_request_id() -> str:
    # Five hex parts, as GitHub's: C0DE:1A2B3C:4D5E6F:7A8B9C:67890ABC.
    raw = secrets.token_hex(15).upper()
    return f"{raw[:4]}:{raw[4:10]}:{raw[10:16]}:{raw[16:22]}:{raw[22:30]}"


class Pipeline:
    """``transaction`` holds the state for one request (up to date on entry, saved on exit);
    ``changed`` is called when a route reports it changed what it looked up."""

    def __init__(
        self,
        state: SandboxState,
        router: Router,
        faults: FaultInjector,
        changed: Callable[[], None],
        transaction: Callable[[], AbstractContextManager[object]],
        secondary: SecondaryLimiter | None = None,
    ) -> None:
        self._state = state
        self._router = router
        self._faults = faults
        self._changed = changed
        self._transaction = transaction
        # None: no secondary limits (the in-process default; see ``Sandbox``).
        self.secondary = secondary

    def handle(self, request: RawRequest) -> Outcome:
        # HEAD is GET without the body: same route, same headers.
        method = "GET" if request.method == "HEAD" else request.method
        matched = self._router.match(method, request.path)
        route, params = matched if matched else (None, {})
        exchange = _Exchange(request, new_request_id(), parse_accept(request.headers.get("accept")))
        with self._transaction():
            outcome = self._answer(exchange, route, params)
            outcome.repo_slug = self._repo_slug(route, params)
        outcome.route = route.template if route else UNKNOWN_ROUTE
        outcome.secondary_limit = exchange.secondary_limit
        defaults = {"X-GitHub-Request-Id": exchange.request_id, "X-GitHub-Media-Type": exchange.media_type.header}
        if exchange.api_version is not None:
            defaults["X-GitHub-Api-Version-Selected"] = exchange.api_version
        present = {name.lower() for name in outcome.headers}
        for name, value in defaults.items():
            if name.lower() not in present:
                outcome.headers[name] = value
        if request.method == "HEAD":
            outcome.headers["Content-Length"] = str(len(outcome.body))
            outcome.body = b""
        return outcome

    # -- steps ----------------------------------------------------------------------------

    def _answer(self, exchange: _Exchange, route: Route | None, params: dict[str, str]) -> Outcome:
        request = exchange.request
        fault = self._faults.take(request.method, request.path)
        if fault is not None:
            return self._fault_outcome(request, fault, route)
        try:
            exchange.api_version = select_version(request.headers.get("x-github-api-version"))
            # Credentials first: a bad token is 401 even on a path that does not exist.
            identity = exchange.identity = authenticate(self._state, request.headers.get("authorization"))
            if route is None:
                # GitHub answers 404 for unknown paths and for wrong methods alike.
                raise ApiError(404, "Not Found")
            check_credentials(route, request.headers.get("authorization"))
            check_app_credentials(identity, route)
            require_authentication(identity, route)
            self._admit(exchange, route, identity)
            if not route.free:
                if not ratelimit.try_spend(self._state, identity.token, client_ip=request.client_ip):
                    raise self._exhausted(identity, request, exchange.request_id)
                exchange.charged = True
            authorize(identity, route, params)
            response = self._run_route(exchange, route, params, identity)
        except ApiError as err:
            if isinstance(err, SecondaryLimitExceeded):
                exchange.secondary_limit = err.limit
            docs = err.documentation_url or (route.docs if route else DOCS_ROOT)
            response = Response(err.status, error_body(err.status, err.message, docs, err.errors), err.headers)
        if exchange.admission is not None and self.secondary is not None:
            self.secondary.settle(exchange.admission, response.status)
        return self._finish(exchange, route, response)

    def _admit(self, exchange: _Exchange, route: Route, identity: Identity) -> None:
        if self.secondary is None:
            return
        # Per token; anonymous callers per address, as their primary budget is.
        key = SecondaryLimiter.key(identity.token, exchange.request.client_ip)
        exchange.admission = self.secondary.admit(key, exchange.request.method, route.template, exchange.request_id)

    def _exhausted(self, identity: Identity, request: RawRequest, request_id: str) -> ApiError:
        if identity.login is None:
            return ratelimit.anonymous_exhausted_error(request.client_ip)
        with self._state.lock:
            user = self._state.account(identity.login)
        return ratelimit.exhausted_error(user.id if user else 0, request_id)

    def _run_route(self, exchange: _Exchange, route: Route, params: dict[str, str], identity: Identity) -> Response:
        request = exchange.request
        limits = None
        if self.secondary is not None:
            key = SecondaryLimiter.key(identity.token, request.client_ip)
            limits = BoundLimits(self.secondary, key, exchange.request_id)
        with self._state.lock:
            role = repository_role(self._state, identity, route, params)
        ctx = RequestContext(
            method=request.method,
            path=request.path,
            params=params,
            query=request.query,
            headers=request.headers,
            body=request.body,
            base_url=request.base_url,
            state=self._state,
            route=route,
            token=identity.token or "",
            login=identity.login or "",
            scopes=identity.scopes,
            role=role,
            viewer=identity.viewer,
            client_ip=request.client_ip,
            api_version=exchange.api_version or "",
            media_type=exchange.media_type,
            limits=limits,
        )
        with self._state.lock:
            check_role(identity, role, route)
            check_writable(self._state, route, params)
            try:
                response = route.handler(ctx)
            except ApiError:
                raise
            except Exception:
                # A bug in the sandbox must look like a GitHub 500, not a dropped connection.
                traceback.print_exc(file=sys.stderr)
                raise ApiError(500, "Server Error") from None
            if response.mutated:
                self._changed()
        return response

    def _finish(self, exchange: _Exchange, route: Route | None, response: Response) -> Outcome:
        request, identity = exchange.request, exchange.identity
        headers: dict[str, str] = {}
        status = response.status
        if response.raw is not None:
            body = response.raw
            headers["Content-Type"] = response.content_type or "application/octet-stream"
        else:
            body = b"" if response.body is None else encode_json(response.body)
            if body:
                headers["Content-Type"] = response.content_type or JSON_TYPE
        token = identity.token if identity else None
        if status in (200, 201) and body:
            # A resource GitHub returns, after a write too, carries its validators.
            etag = make_etag(token or "", body)
            headers["ETag"] = etag
            headers["Cache-Control"] = CACHE_CONTROL
            headers["Vary"] = VARY
            if response.last_modified:
                headers["Last-Modified"] = http_date(response.last_modified)
            conditional = request.method in ("GET", "HEAD") and status == 200
            if conditional and not_modified(request.headers, etag, response.last_modified):
                status, body = 304, b""
                headers.pop("Content-Type", None)
                if exchange.charged:
                    # A 304 costs no rate-limit budget.
                    ratelimit.refund(self._state, token, client_ip=request.client_ip)
        if identity is not None and not identity.anonymous:
            if not identity.fine_grained:
                headers["X-OAuth-Scopes"] = ", ".join(identity.scopes)
            headers["X-Accepted-OAuth-Scopes"] = ", ".join(route.accepted_scopes) if route else ""
            if identity.expires_at is not None:
                headers[TOKEN_EXPIRATION] = token_expiration(identity.expires_at)
        headers.update(ratelimit.headers(self._state, token, client_ip=request.client_ip))
        merge_headers(headers, response.headers)
        return Outcome(status=status, headers=headers, body=body, graphql_points=response.graphql_points)

    def _fault_outcome(self, request: RawRequest, fault: Fault, route: Route | None) -> Outcome:
        docs = route.docs if route else DOCS_ROOT
        body_obj = (
            fault.body if fault.body is not None else error_body(fault.status, default_message(fault.status), docs)
        )
        body = encode_json(body_obj)
        token = parse_token(request.headers.get("authorization"))
        headers = {"Content-Type": JSON_TYPE}
        headers.update(ratelimit.headers(self._state, token or None, client_ip=request.client_ip))
        merge_headers(headers, fault.headers or {})
        return Outcome(status=fault.status, headers=headers, body=body)

    def _repo_slug(self, route: Route | None, params: dict[str, str]) -> str | None:
        if route is None or not route.is_repo_route:
            return None
        with self._state.lock:
            repo = self._state.find_repo(params["owner"], params["repo"])
        return repo.full_name if repo else f"{params['owner']}/{params['repo']}"
