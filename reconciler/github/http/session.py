"""One exchange with GitHub, from admission to a typed answer: the retry loop.

A `Session` holds what the whole run shares: the transport (one connection pool), the
response cache, one scheduler per credential budget, the usage counters and the observers.
`exchange` sends one request through its credential's scheduler and returns a 2xx answer (or a
304 served from the cache); anything else becomes reconciler's typed error, after the retries
GitHub's answer allows:

* rate limits (primary or secondary) are waited out by every request of the credential, within
  `RetryPolicy.max_wait`; a write refused for a rate limit is retried too, since GitHub did
  nothing;
* 5xx answers and network failures are retried with backoff, except for requests that are not
  idempotent (an issue, a comment, a pull request): they may have landed;
* a 401 is retried once when the credential can be renewed (an App installation token).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from reconciler import __version__
from reconciler.errors import RateLimitedError, TransportError, UnexpectedResponseError
from reconciler.github.http.base_url import check_base_url, graphql_url
from reconciler.github.http.body import Bounds
from reconciler.github.http.cache import KEPT_HEADERS, CachedResponse, ResponseCache, cache_key
from reconciler.github.http.classify import Limit, Refusal, classify, decode_error_body
from reconciler.github.http.clock import Clock, SystemClock
from reconciler.github.http.credentials import Credentials, owner_of
from reconciler.github.http.graphql import RATE_LIMITED, error_types
from reconciler.github.http.limits import Limits, RetryPolicy
from reconciler.github.http.observe import Observer, Observers, RequestEvent, WaitEvent
from reconciler.github.http.scheduler import Kind, Scheduler, WaitTooLong
from reconciler.github.http.transport import BadAnswer, NetworkFailure, RawResponse, Timeouts, Transport
from reconciler.github.http.usage import Usage, UsageRecorder
from reconciler.github.port import Call, Query
from reconciler.redaction import redact

API_VERSION = "2022-11-28"
JSON_MEDIA_TYPE = "application/vnd.github+json"
RAW_MEDIA_TYPE = "application/vnd.github.raw"
EXPIRATION_HEADER = "github-authentication-token-expiration"
USER_AGENT = f"reconciler/{__version__}"
# Free of the primary budget, and what a run consults when that budget is spent.
FREE_PATHS = frozenset({"/rate_limit"})


def github_headers(accept: str, authorization: str | None, *, json_body: bool) -> dict[str, str]:
    """What every request to GitHub carries: the session's, and those a GitHub App makes as
    itself (`app_api`), which must name the same API version and client."""
    headers = {"Accept": accept, "User-Agent": USER_AGENT, "X-GitHub-Api-Version": API_VERSION}
    if authorization is not None:
        headers["Authorization"] = authorization
    if json_body:
        headers["Content-Type"] = "application/json; charset=utf-8"
    return headers


@dataclass(frozen=True)
class Settings:
    base_url: str  # checked with check_base_url
    credentials: Credentials
    limits: Limits = field(default_factory=Limits.github)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeouts: Timeouts = field(default_factory=Timeouts)
    bounds: Bounds = field(default_factory=Bounds)
    cache: ResponseCache | None = None
    observers: Sequence[Observer] = ()
    clock: Clock = field(default_factory=SystemClock)
    allow_insecure_http: bool = False
    environ: Mapping[str, str] | None = None  # None: os.environ (proxies, CA bundle)


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    kind: Kind
    accept: str = JSON_MEDIA_TYPE
    body: bytes | None = None
    idempotent: bool = True
    creates: bool = False
    cacheable: bool = False
    budgeted: bool = True


@dataclass(frozen=True)
class Answer:
    status: int  # 2xx, or 304 when served from the cache
    headers: Mapping[str, str]
    body: bytes
    endpoint: str  # "GET /repos/o/r/labels", for errors


class Session:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.base_url = check_base_url(settings.base_url, allow_insecure_http=settings.allow_insecure_http)
        self.graphql_url = graphql_url(self.base_url)
        self.limits = settings.limits
        self.transport = Transport(
            self.base_url,
            timeouts=settings.timeouts,
            bounds=settings.bounds,
            pool_size=settings.limits.concurrency,
            environ=settings.environ,
        )
        self._clock = settings.clock
        self._observers = Observers(settings.observers)
        self._usage = UsageRecorder()
        self._lock = threading.Lock()
        self._schedulers: dict[str, Scheduler] = {}
        self._expirations: dict[str, str] = {}

    def close(self) -> None:
        self.transport.close()

    def usage(self) -> Usage:
        return self._usage.snapshot()

    def note_graphql_cost(self, cost: int) -> None:
        self._usage.graphql_cost(cost)

    def token_expiration(self, owner: str = "") -> str | None:
        """`github-authentication-token-expiration` as GitHub last sent it for the credential
        `owner`'s requests use (None: a token that does not expire, or no answer yet)."""
        with self._lock:
            return self._expirations.get(self.settings.credentials.budget_key(owner))

    def scheduler(self, owner: str = "") -> Scheduler:
        key = self.settings.credentials.budget_key(owner)
        with self._lock:
            found = self._schedulers.get(key)
            if found is None:
                found = self._schedulers[key] = Scheduler(self.limits, self.settings.retry, self._clock)
            return found

    def url(self, path: str, query: Query | None = None) -> str:
        if not path.startswith("/") or any(c in path for c in "?# \t\r\n"):
            raise ValueError(f"an API path starts with / and carries no query, fragment or spaces: {path!r}")
        pairs = [(k, _query_value(v)) for k, v in (query or {}).items()]
        return self.base_url + path + (f"?{urlencode(pairs)}" if pairs else "")

    def endpoint(self, method: str, url: str) -> str:
        shown = url[len(self.base_url) :] if url.startswith(self.base_url + "/") else urlsplit(url).path
        return redact(f"{method} {shown}")

    # -- the exchange ---------------------------------------------------------------------

    def exchange(self, request: Request, call: Call) -> Answer:
        credentials, retry = self.settings.credentials, self.settings.retry
        owner = owner_of(call.repository)
        scheduler = self.scheduler(owner)
        endpoint = self.endpoint(request.method, request.url)
        renewed = False
        attempt = 0
        while True:
            attempt += 1
            authorization = credentials.authorization(owner)
            key = cache_key(self.base_url, authorization, request.accept, request.url)
            cache = self.settings.cache if request.cacheable else None
            cached = cache.get(key) if cache is not None else None
            try:
                ticket = scheduler.admit(
                    request.kind,
                    creates=request.creates,
                    budgeted=request.budgeted,
                    on_wait=lambda reason, seconds: self._waited(reason, seconds, call),
                )
            except WaitTooLong as exc:
                raise _too_long(exc.reason, exc.seconds, retry.max_wait, call) from None
            self._usage.sent(request.kind, ticket.points, creates=request.creates)
            started = time.monotonic()
            try:
                raw = self.transport.send(
                    request.method, request.url, self._headers(request, authorization, cached), request.body
                )
            except (NetworkFailure, BadAnswer) as exc:
                scheduler.release(ticket, None)
                message = redact(str(exc))
                self._finished(request, endpoint, call, None, started, attempt, error=message)
                if isinstance(exc, BadAnswer):
                    raise UnexpectedResponseError(endpoint, message, call) from None
                failure = TransportError(message, operation=call.operation, repository=call.repository)
                # A request that never left may be repeated, whatever it does.
                if (exc.sent and not request.idempotent) or retry.gives_up(attempt, connected=exc.sent):
                    raise failure from None
                self._retry_after(retry.backoff(attempt), "a retry after a network failure", call)
                continue
            scheduler.release(ticket, raw.headers)
            self._note_expiration(owner, raw.headers)
            if 200 <= raw.status < 300 or (raw.status == 304 and cached is not None):
                refusal = self._graphql_rate_limit(request, raw, call, attempt, scheduler.consecutive_hits)
                if refusal is None:
                    scheduler.cleared()
                    return self._answered(request, endpoint, call, raw, cached, key, started, attempt)
            elif 300 <= raw.status < 400:
                self._finished(request, endpoint, call, raw, started, attempt, error=f"HTTP {raw.status}")
                raise UnexpectedResponseError(endpoint, f"HTTP {raw.status} with nothing to follow", call)
            else:
                refusal = classify(
                    raw.status,
                    raw.headers,
                    decode_error_body(raw.body),
                    call,
                    retry=retry,
                    attempt=attempt,
                    secondary_hits=scheduler.consecutive_hits,
                    now=self._clock.now(),
                )
            self._finished(request, endpoint, call, raw, started, attempt, error=refusal.error.detail)
            if raw.status == 401 and not renewed and credentials.renew(owner, authorization):
                renewed = True
                self._usage.retried()
                continue
            wait = refusal.wait
            if wait is None or attempt >= retry.attempts or (not request.idempotent and refusal.limit is None):
                raise refusal.error
            if wait > retry.max_wait:
                raise _too_long(refusal.error.detail, wait, retry.max_wait, call) from None
            if refusal.limit is None:
                self._retry_after(wait, f"a retry after a server error (HTTP {raw.status})", call)
            else:
                reason = "GitHub's secondary rate limit" if refusal.limit is Limit.SECONDARY else "GitHub's rate limit"
                scheduler.hold(wait, reason, slow_down=refusal.limit is Limit.SECONDARY)
                self._usage.retried()

    # -- steps ----------------------------------------------------------------------------

    def _headers(self, request: Request, authorization: str | None, cached: CachedResponse | None) -> dict[str, str]:
        headers = github_headers(request.accept, authorization, json_body=request.body is not None)
        headers["Accept-Encoding"] = "gzip"
        if cached is not None:
            headers["If-None-Match"] = cached.etag
        return headers

    def _answered(
        self,
        request: Request,
        endpoint: str,
        call: Call,
        raw: RawResponse,
        cached: CachedResponse | None,
        key: str,
        started: float,
        attempt: int,
    ) -> Answer:
        if raw.status == 304 and cached is not None:
            self._usage.not_modified()
            self._finished(request, endpoint, call, raw, started, attempt, from_cache=True)
            return Answer(304, {**raw.headers, **cached.headers}, cached.body, endpoint)
        etag = raw.headers.get("etag")
        cache = self.settings.cache
        if request.cacheable and cache is not None and etag and raw.status == 200:
            kept = {name: raw.headers[name] for name in KEPT_HEADERS if name in raw.headers}
            cache.put(key, CachedResponse(etag, raw.body, kept))
        self._finished(request, endpoint, call, raw, started, attempt)
        return Answer(raw.status, raw.headers, raw.body, endpoint)

    def _graphql_rate_limit(
        self, request: Request, raw: RawResponse, call: Call, attempt: int, hits: int
    ) -> Refusal | None:
        """GitHub answers a GraphQL query over its budget 200 with a RATE_LIMITED error."""
        if request.kind not in (Kind.QUERY, Kind.MUTATION) or RATE_LIMITED.encode() not in raw.body:
            return None
        body = decode_error_body(raw.body)
        if not isinstance(body, dict) or body.get("data") is not None or not isinstance(body.get("errors"), list):
            return None
        errors = [e for e in body["errors"] if isinstance(e, dict)]
        if RATE_LIMITED not in error_types(errors):
            return None
        message = {"message": str(errors[0].get("message") or "GraphQL rate limit exceeded")}
        return classify(
            429,
            raw.headers,
            message,
            call,
            retry=self.settings.retry,
            attempt=attempt,
            secondary_hits=hits,
            now=self._clock.now(),
        )

    def _retry_after(self, seconds: float, reason: str, call: Call) -> None:
        self._usage.retried()
        self._waited(reason, seconds, call)
        self._clock.sleep(seconds)

    def _waited(self, reason: str, seconds: float, call: Call) -> None:
        self._usage.waited(reason, self._clock.now(), seconds)
        self._observers.waited(WaitEvent(reason, seconds, call.operation, call.repository))

    def _note_expiration(self, owner: str, headers: Mapping[str, str]) -> None:
        expires = headers.get(EXPIRATION_HEADER)
        if expires:
            with self._lock:
                self._expirations[self.settings.credentials.budget_key(owner)] = expires

    def _finished(
        self,
        request: Request,
        endpoint: str,
        call: Call,
        raw: RawResponse | None,
        started: float,
        attempt: int,
        *,
        from_cache: bool = False,
        error: str | None = None,
    ) -> None:
        headers = raw.headers if raw is not None else {}
        remaining = headers.get("x-ratelimit-remaining", "")
        reset = headers.get("x-ratelimit-reset", "")
        event = RequestEvent(
            method=request.method,
            path=endpoint.partition(" ")[2],
            status=raw.status if raw is not None else None,
            duration=time.monotonic() - started,
            operation=call.operation,
            repository=call.repository,
            from_cache=from_cache,
            retries=attempt - 1,
            remaining=int(remaining) if remaining.isdigit() else None,
            resource=headers.get("x-ratelimit-resource"),
            reset=int(reset) if reset.isdigit() else None,
            error=error,
        )
        self._observers.request_finished(event)


def _query_value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _too_long(reason: str, seconds: float, max_wait: float, call: Call) -> RateLimitedError:
    return RateLimitedError(
        redact(
            f"{reason}; GitHub asks to wait {seconds:.0f}s, more than the {max_wait:.0f}s this run allows. "
            "Re-run later."
        ),
        operation=call.operation,
        repository=call.repository,
    )
