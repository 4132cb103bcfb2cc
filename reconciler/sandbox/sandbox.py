"""``Sandbox``: a stateful stand-in for GitHub's REST API, served over HTTP on loopback."""

from __future__ import annotations

import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from . import ratelimit
from .admin import handle_admin
from .auth import parse_token
from .faults import Fault, FaultInjector
from .fleet import FleetSpec, seed_fleet
from .persistence import load_state, save_state
from .pipeline import Outcome, Pipeline, RawRequest
from .routes import build_router
from .secondary_limits import Clock, SecondaryLimiter, SecondaryLimits
from .seed import empty_state, seeded_state
from .server import SandboxHTTPServer
from .state import DEFAULT_RATE_LIMIT, SandboxState, TokenGrant
from .stats import Exchange, RequestStats

LATENCY_ENV = "RECONCILER_SANDBOX_LATENCY_MS"


def latency_from_env() -> float:
    raw = os.environ.get(LATENCY_ENV, "").strip()
    if not raw:
        return 0.0
    try:
        value = float(raw)
    except ValueError as exc:
        raise ValueError(f"{LATENCY_ENV} must be a number of milliseconds, got {raw!r}") from exc
    if value < 0:
        raise ValueError(f"{LATENCY_ENV} must not be negative, got {raw!r}")
    return value


def _redact(headers: dict[str, str]) -> dict[str, str]:
    return {k: ("<redacted>" if k == "authorization" else v) for k, v in headers.items()}


class Sandbox:
    """GitHub's REST API on a loopback port, backed by ``state`` (and ``state_file``).

    ``secondary_limits``: GitHub's secondary rate limits (``SecondaryLimits()`` for GitHub's
    numbers, ``SecondaryLimits().scaled(0.1)`` or explicit fields for smaller ones). In-process
    sandboxes leave them off by default (None), so a test suite that sends a few hundred
    requests a second never trips them by accident; a test of them turns them on with small
    numbers and a ``clock`` it moves by hand. ``reconciler sandbox serve``, the CLI's
    ``--sandbox`` commands and the benchmarks turn them on with GitHub's numbers."""

    def __init__(
        self,
        state_file: Path | None = None,
        *,
        seed: bool = True,
        latency_ms: float | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        secondary_limits: SecondaryLimits | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.state_file = Path(state_file) if state_file is not None else None
        self.latency_ms = latency_from_env() if latency_ms is None else float(latency_ms)
        self.host = host
        self.port = port
        self.url = ""
        self.stats = RequestStats()
        self.state = self._initial_state(seed)
        self._faults = FaultInjector()
        self._observers: list[Callable[[Exchange], None]] = []
        self._clock = clock
        self._pipeline = Pipeline(self.state, build_router(), self._faults, self.persist)
        self.set_secondary_limits(secondary_limits)
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def _initial_state(self, seed: bool) -> SandboxState:
        if self.state_file is not None and self.state_file.exists():
            return load_state(self.state_file)
        state = seeded_state() if seed else empty_state()
        if self.state_file is not None:
            save_state(state, self.state_file)
        return state

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> str:
        if self._server is not None:
            return self.url
        server = SandboxHTTPServer(
            (self.host, self.port),
            api=self._serve,
            admin=lambda request: handle_admin(self, request),
            latency_seconds=self.latency_ms / 1000.0,
        )
        self._server = server
        self.port = server.server_address[1]
        self.url = server.base_url
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"github-sandbox:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is not None:
            server.shutdown()
            server.close_connections()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self.persist()

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- control --------------------------------------------------------------------------

    def persist(self) -> None:
        """Write the state file now (the server does this after every write it serves;
        call it after changing ``state`` by hand)."""
        if self.state_file is not None:
            save_state(self.state, self.state_file)

    def reset(self, *, seed: bool = True) -> None:
        """Back to the seeded (or empty) world; stats and queued faults are cleared too."""
        self.state.replace_with(seeded_state() if seed else empty_state())
        self.stats.reset()
        self._faults.clear()
        self.set_secondary_limits(self.secondary_limits)
        self.persist()

    def inject_fault(self, fault: Fault | None = None, /, **fields: Any) -> None:
        """Queue `fault`, or the `Fault` its keyword fields describe (method=..., status=...)."""
        if (fault is None) == (not fields):
            raise TypeError("inject_fault takes a Fault, or its fields as keywords: one of the two")
        self._faults.add(fault if fault is not None else Fault(**fields))

    def pending_faults(self) -> list[dict[str, Any]]:
        return self._faults.pending()

    def clear_faults(self) -> None:
        self._faults.clear()

    def set_rate_limit(
        self, *, remaining: int, reset_epoch: int | None = None, limit: int = DEFAULT_RATE_LIMIT
    ) -> None:
        ratelimit.force(self.state, remaining_now=remaining, reset_epoch=reset_epoch, limit=limit)
        self.persist()

    def set_token_grant(self, token: str, grant: TokenGrant | None) -> None:
        """What `token` may do from now on (scopes, role, fine-grained, revoked); None forgets
        it, so it works with the default scopes again."""
        with self.state.lock:
            if grant is None:
                self.state.tokens.pop(token, None)
            else:
                self.state.tokens[token] = grant
        self.persist()

    def seed_fleet(self, spec: FleetSpec) -> list[str]:
        """Add a fleet of ready-made repositories at once (see ``fleet``); their full names."""
        with self.state.lock:
            made = seed_fleet(self.state, spec)
        self.persist()
        return [repo.full_name for repo in made]

    @property
    def secondary_limits(self) -> SecondaryLimits | None:
        limiter = self._pipeline.secondary
        return limiter.limits if limiter is not None else None

    @property
    def secondary_limiter(self) -> SecondaryLimiter | None:
        """The counters themselves (None when off); routes reach them via ``ctx.limits``."""
        return self._pipeline.secondary

    def set_secondary_limits(self, limits: SecondaryLimits | None) -> None:
        """Enforce ``limits`` from now on (fresh counters), or none at all."""
        if limits is None:
            self._pipeline.secondary = None
        elif self._clock is not None:
            self._pipeline.secondary = SecondaryLimiter(limits, self._clock)
        else:
            self._pipeline.secondary = SecondaryLimiter(limits)

    def secondary_usage(self) -> dict[str, Any]:
        """What each token (by hash) has spent in the current windows; empty when off."""
        limiter = self._pipeline.secondary
        return limiter.snapshot() if limiter is not None else {}

    def add_observer(self, fn: Callable[[Exchange], None]) -> None:
        self._observers.append(fn)

    def remove_observer(self, fn: Callable[[Exchange], None]) -> None:
        self._observers.remove(fn)

    # -- per request ----------------------------------------------------------------------

    def _serve(self, request: RawRequest) -> Outcome:
        # The request holds its concurrency slot until stats and observers are done, as a
        # slow answer would on GitHub.
        limiter = self._pipeline.secondary
        key = SecondaryLimiter.key(parse_token(request.headers.get("authorization")))
        if limiter is not None:
            limiter.enter(key)
        try:
            outcome = self._pipeline.handle(request)
            try:
                self._after(request, outcome)
            except Exception:
                traceback.print_exc(file=sys.stderr)
            return outcome
        finally:
            if limiter is not None:
                limiter.leave(key)

    def _after(self, request: RawRequest, outcome: Outcome) -> None:
        self.stats.record(
            method=request.method,
            route=outcome.route,
            status=outcome.status,
            repo_slug=outcome.repo_slug,
            graphql_points=outcome.graphql_points,
            secondary_limit=outcome.secondary_limit,
        )
        if not self._observers:
            return
        exchange = Exchange(
            method=request.method,
            path=request.path,
            query=request.query,
            request_headers=_redact(request.headers),
            request_body=request.body,
            status=outcome.status,
            response_headers={k.lower(): v for k, v in outcome.headers.items()},
            response_body=outcome.body,
            route=outcome.route,
        )
        for observer in list(self._observers):
            try:
                observer(exchange)
            except Exception:
                # An observer's bug must not turn into a failed API call for the client.
                traceback.print_exc(file=sys.stderr)
