"""``Sandbox``: a stateful stand-in for GitHub's REST API, served over HTTP on loopback."""

from __future__ import annotations

import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from . import clock, ratelimit
from .admin import handle_admin
from .auth import parse_token
from .faults import Fault, FaultInjector
from .fleet import FleetSpec, seed_fleet
from .operations import FleetOperations
from .persistence import open_store
from .pipeline import Outcome, Pipeline, RawRequest
from .routes import build_router
from .secondary_limits import Clock, SecondaryLimiter, SecondaryLimits
from .seed import empty_state, seeded_state
from .server import SandboxHTTPServer, shutdown_promptly
from .state import DEFAULT_RATE_LIMIT, UNKNOWN_TOKEN_POLICIES, SandboxState, TokenGrant
from .stats import Exchange, RequestStats
from .store import Compare, StateStore

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


class Sandbox(FleetOperations):
    """The sandbox: its state, in memory or on a state file other processes may share, and
    (once started) the HTTP server that answers for it, GitHub's REST API on a loopback port.

    Change ``state`` by hand inside ``with sandbox.transaction():``, which sees other
    processes' writes first and saves the change at the end; or change it and call
    ``persist()``.

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
        initial = seeded_state if seed else empty_state
        self._store: StateStore | None = None
        if self.state_file is not None:
            self._store = open_store(self.state_file, initial)
            self.state = self._store.state
        else:
            self.state = initial()
        self._faults = FaultInjector()
        self._observers: list[Callable[[Exchange], None]] = []
        self._clock = clock
        self._pipeline = Pipeline(
            self.state, build_router(), self._faults, self.state.touched_changed, lambda: self._session("changed")
        )
        self.set_secondary_limits(secondary_limits)
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> str:
        if self._server is not None:
            return self.url
        server = SandboxHTTPServer(
            (self.host, self.port),
            api=self._serve,
            admin=lambda request: handle_admin(self, request),
            latency_seconds=self.latency_ms / 1000.0,
            clock=self.now,
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
            shutdown_promptly(server, thread_name="sandbox-stop")
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

    @contextmanager
    def _session(self, compare: Compare) -> Iterator[SandboxState]:
        # Whatever the change does reads the sandbox's clock (see ``clock``).
        with clock.bound(self.now):
            if self._store is not None:
                with self._store.transaction(compare) as state:
                    yield state
                return
            with self.state.lock:
                self.state.track_changes()
                yield self.state

    @contextmanager
    def transaction(self) -> Iterator[SandboxState]:
        """Hold the state for a change by hand: up to date with every other process using the
        state file when the block starts, and what it changed saved when it ends (repositories
        it reached with ``find_repo``, and everything outside repositories). If the block
        raises, nothing is saved and the state is read back from the file."""
        with self._session("changed") as state:
            yield state
            state.touched_changed()

    def persist(self) -> None:
        """Save whatever changed in ``state`` since it was last saved (the server saves every
        write it serves; call this after changing ``state`` by hand outside ``transaction``).
        Compares every repository, so it costs what the whole state costs to encode."""
        with self._session("all"):
            pass

    def close(self) -> None:
        """Let go of the state file (stopping first if running); the object is done with."""
        self.stop()
        if self._store is not None:
            self._store.close()
            self._store = None

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON, up to date with other processes' writes; the App's private
        key is left out (``app_credentials`` hands it out), since this is served over HTTP."""
        with self._session("changed") as state:
            data = state.to_json()
        for app in data.get("apps", []):
            if app.get("private_key_pem"):
                app["private_key_pem"] = "<redacted: reconciler sandbox app writes it to a file>"
        return data

    def reset(self, *, seed: bool = True) -> None:
        """Back to the seeded (or empty) world; stats and queued faults are cleared too. The
        clock stays where it is (it never goes back), and the seed's history is relative to it."""
        with self._session("all") as state:
            offset = state.clock_offset
            state.replace_with(seeded_state() if seed else empty_state())
            state.clock_offset = offset
        self.stats.reset()
        self._faults.clear()
        self.set_secondary_limits(self.secondary_limits)

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
        with self._session("changed") as state:
            ratelimit.force(state, remaining_now=remaining, reset_epoch=reset_epoch, limit=limit)

    def set_token_grant(self, token: str, grant: TokenGrant | None) -> None:
        """Who `token` is and what it may do from now on (user, scopes, roles, revoked); None
        forgets it, so it is an unknown token again (see ``set_unknown_tokens``)."""
        with self._session("changed") as state:
            if grant is None:
                state.tokens.pop(token, None)
            else:
                state.tokens[token] = grant

    def set_unknown_tokens(self, policy: str) -> None:
        """What tokens without a grant get: ``operator`` (the operator's identity, the
        default) or ``reject`` (401 Bad credentials, as GitHub answers)."""
        if policy not in UNKNOWN_TOKEN_POLICIES:
            raise ValueError(f"unknown-token policy must be one of {', '.join(UNKNOWN_TOKEN_POLICIES)}, got {policy!r}")
        with self._session("changed") as state:
            state.unknown_tokens = policy

    def seed_fleet(self, spec: FleetSpec) -> list[str]:
        """Add a fleet of ready-made repositories at once (see ``fleet``); their full names.
        One transaction: saved to the state file, where other processes see the fleet."""
        with self._session("changed") as state:
            made = seed_fleet(state, spec)
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
        else:
            # The sandbox's clock by default, so moving it forward empties the windows too.
            self._pipeline.secondary = SecondaryLimiter(limits, self._clock or self.now)

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
        key = SecondaryLimiter.key(parse_token(request.headers.get("authorization")), request.client_ip)
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
