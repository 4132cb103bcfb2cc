"""The primary ("core") rate limit: a budget per token per hour, as GitHub meters it.

Anonymous requests (``token=None``) share a budget of 60 an hour per client address."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from . import clock
from .protocol import RATE_LIMIT_DOCS, ApiError
from .state import RATE_WINDOW_SECONDS, RateWindow, SandboxState

UNAUTHENTICATED_LIMIT = 60
LOOPBACK = "127.0.0.1"


def token_key(token: str) -> str:
    # The state file is often committed or shared; never write the token itself.
    return hashlib.sha256(token.encode()).hexdigest()[:24]


def _key_and_limit(state: SandboxState, token: str | None, client_ip: str) -> tuple[str, int]:
    if token is None:
        return "anonymous:" + token_key(client_ip), UNAUTHENTICATED_LIMIT
    grant = state.tokens.get(token)
    # An installation token has its own budget, sized by its installation (see ``apps``).
    if grant is not None and grant.rate_limit is not None:
        return token_key(token), grant.rate_limit
    return token_key(token), state.rate_limit.limit


def _window(state: SandboxState, token: str | None, now: int, client_ip: str = LOOPBACK) -> RateWindow:
    rl = state.rate_limit
    key, _ = _key_and_limit(state, token, client_ip)
    window = rl.windows.get(key)
    if window is None or now >= window.reset:
        # ``force`` speaks for tokens; anonymous callers keep their own small budget.
        forced = rl.forced if token is not None else None
        if window is None and forced is not None and now < forced.reset:
            window = RateWindow(used=forced.used, reset=forced.reset)
        else:
            window = RateWindow(used=0, reset=now + RATE_WINDOW_SECONDS)
        rl.windows[key] = window
    return window


def exhausted_error(user_id: int, request_id: str) -> ApiError:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(clock.epoch()))
    return ApiError(
        403,
        f"API rate limit exceeded for user ID {user_id}. If you reach out to GitHub Support for help, "
        f"please include the request ID {request_id} and timestamp {stamp}.",
        documentation_url=RATE_LIMIT_DOCS,
    )


def anonymous_exhausted_error(client_ip: str) -> ApiError:
    return ApiError(
        403,
        f"API rate limit exceeded for {client_ip}. (But here's the good news: Authenticated requests get a "
        "higher rate limit. Check out the documentation for more details.)",
        documentation_url=RATE_LIMIT_DOCS,
    )


def try_spend(state: SandboxState, token: str | None, *, client_ip: str = LOOPBACK) -> bool:
    """Take one request from the budget; False when none is left. Checking and spending
    happen under one lock, so concurrent requests cannot overdraw the budget."""
    with state.lock:
        window = _window(state, token, clock.epoch(), client_ip)
        if window.used >= _key_and_limit(state, token, client_ip)[1]:
            return False
        window.used += 1
        return True


def refund(state: SandboxState, token: str | None, *, client_ip: str = LOOPBACK) -> None:
    """Give back a request that turned out to be a 304, which GitHub does not count."""
    with state.lock:
        window = _window(state, token, clock.epoch(), client_ip)
        window.used = max(0, window.used - 1)


def core(state: SandboxState, token: str | None, *, client_ip: str = LOOPBACK) -> dict[str, int]:
    with state.lock:
        window = _window(state, token, clock.epoch(), client_ip)
        limit = _key_and_limit(state, token, client_ip)[1]
        return {
            "limit": limit,
            "remaining": max(0, limit - window.used),
            "used": window.used,
            "reset": window.reset,
        }


def headers(state: SandboxState, token: str | None, *, client_ip: str = LOOPBACK) -> dict[str, str]:
    numbers = core(state, token, client_ip=client_ip)
    return {
        "X-RateLimit-Limit": str(numbers["limit"]),
        "X-RateLimit-Remaining": str(numbers["remaining"]),
        "X-RateLimit-Used": str(numbers["used"]),
        "X-RateLimit-Reset": str(numbers["reset"]),
        "X-RateLimit-Resource": "core",
    }


def overview(state: SandboxState, token: str | None, *, client_ip: str = LOOPBACK) -> dict[str, Any]:
    """The body of ``GET /rate_limit``; only ``core`` is metered here, the rest are static."""
    now = clock.epoch()
    core_numbers = core(state, token, client_ip=client_ip)

    def static(limit: int, period: int) -> dict[str, int]:
        return {"limit": limit, "remaining": limit, "used": 0, "reset": now + period}

    return {
        "resources": {
            "core": core_numbers,
            "search": static(30, 60),
            "graphql": static(5000, RATE_WINDOW_SECONDS),
            "code_search": static(10, 60),
            "integration_manifest": static(5000, RATE_WINDOW_SECONDS),
        },
        "rate": dict(core_numbers),
    }


def force(state: SandboxState, *, remaining_now: int, reset_epoch: int | None, limit: int) -> None:
    """Put every token, known or not yet seen, at ``remaining_now`` until ``reset_epoch``."""
    reset = reset_epoch if reset_epoch is not None else clock.epoch() + RATE_WINDOW_SECONDS
    used = max(0, limit - max(0, remaining_now))
    with state.lock:
        rl = state.rate_limit
        rl.limit = limit
        rl.forced = RateWindow(used=used, reset=reset)
        rl.windows = {}
