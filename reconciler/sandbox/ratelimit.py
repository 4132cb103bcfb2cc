"""The primary ("core") rate limit: a budget per token per hour, as GitHub meters it."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from .protocol import RATE_LIMIT_DOCS, ApiError
from .state import RATE_WINDOW_SECONDS, RateWindow, SandboxState

UNAUTHENTICATED_LIMIT = 60


def token_key(token: str) -> str:
    # The state file is often committed or shared; never write the token itself.
    return hashlib.sha256(token.encode()).hexdigest()[:24]


def _window(state: SandboxState, token: str, now: int) -> RateWindow:
    rl = state.rate_limit
    key = token_key(token)
    window = rl.windows.get(key)
    if window is None or now >= window.reset:
        forced = rl.forced
        if window is None and forced is not None and now < forced.reset:
            window = RateWindow(used=forced.used, reset=forced.reset)
        else:
            window = RateWindow(used=0, reset=now + RATE_WINDOW_SECONDS)
        rl.windows[key] = window
    return window


def exhausted_error(user_id: int, request_id: str) -> ApiError:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    return ApiError(
        403,
        f"API rate limit exceeded for user ID {user_id}. If you reach out to GitHub Support for help, "
        f"please include the request ID {request_id} and timestamp {stamp}.",
        documentation_url=RATE_LIMIT_DOCS,
    )


def try_spend(state: SandboxState, token: str) -> bool:
    """Take one request from the budget; False when none is left. Checking and spending
    happen under one lock, so concurrent requests cannot overdraw the budget."""
    with state.lock:
        window = _window(state, token, int(time.time()))
        if window.used >= state.rate_limit.limit:
            return False
        window.used += 1
        return True


def refund(state: SandboxState, token: str) -> None:
    """Give back a request that turned out to be a 304, which GitHub does not count."""
    with state.lock:
        window = _window(state, token, int(time.time()))
        window.used = max(0, window.used - 1)


def core(state: SandboxState, token: str) -> dict[str, int]:
    with state.lock:
        window = _window(state, token, int(time.time()))
        limit = state.rate_limit.limit
        return {
            "limit": limit,
            "remaining": max(0, limit - window.used),
            "used": window.used,
            "reset": window.reset,
        }


def headers(state: SandboxState, token: str | None) -> dict[str, str]:
    if token is None:
        numbers = {
            "limit": UNAUTHENTICATED_LIMIT,
            "remaining": UNAUTHENTICATED_LIMIT,
            "used": 0,
            "reset": int(time.time()) + RATE_WINDOW_SECONDS,
        }
    else:
        numbers = core(state, token)
    return {
        "X-RateLimit-Limit": str(numbers["limit"]),
        "X-RateLimit-Remaining": str(numbers["remaining"]),
        "X-RateLimit-Used": str(numbers["used"]),
        "X-RateLimit-Reset": str(numbers["reset"]),
        "X-RateLimit-Resource": "core",
    }


def overview(state: SandboxState, token: str) -> dict[str, Any]:
    """The body of ``GET /rate_limit``; only ``core`` is metered here, the rest are static."""
    now = int(time.time())
    core_numbers = core(state, token)

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
    reset = reset_epoch if reset_epoch is not None else int(time.time()) + RATE_WINDOW_SECONDS
    used = max(0, limit - max(0, remaining_now))
    with state.lock:
        rl = state.rate_limit
        rl.limit = limit
        rl.forced = RateWindow(used=used, reset=reset)
        rl.windows = {}
