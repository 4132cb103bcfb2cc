"""GraphQL's own hourly budget: points per token, apart from REST's request count.

GitHub gives a user token 5,000 points an hour for GraphQL, metered separately from the REST
API's 5,000 requests. Every GraphQL answer carries ``x-ratelimit-*`` headers with
``x-ratelimit-resource: graphql``; when the points are spent GitHub still answers HTTP 200,
with a ``RATE_LIMIT`` error and no data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..ratelimit import token_key
from ..state import SandboxState
from . import view

LIMIT = 5000
WINDOW_SECONDS = 3600
# The window every token not yet seen starts from, while it lasts (see ``force``).
EVERY_TOKEN = "*"


@dataclass(frozen=True)
class Standing:
    """A token's budget at one moment."""

    used: int
    reset: int  # epoch seconds
    limit: int = LIMIT

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def reset_at(self) -> str:
        return datetime.fromtimestamp(self.reset, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Used": str(self.used),
            "X-RateLimit-Reset": str(self.reset),
            "X-RateLimit-Resource": "graphql",
        }

    def report(self, *, cost: int, nodes: int) -> dict[str, Any]:
        """The ``rateLimit`` object a query reads."""
        return {
            "cost": cost,
            "limit": self.limit,
            "nodeCount": nodes,
            "remaining": self.remaining,
            "resetAt": self.reset_at,
            "used": self.used,
        }


def standing(state: SandboxState, token: str, now: int) -> Standing:
    """The token's window, opened afresh when it has none or its hour is over."""
    key = token_key(token)
    window = view.load_budget(state, key)
    if window is None or now >= window.reset:
        forced = view.load_budget(state, EVERY_TOKEN)
        if window is None and forced is not None and now < forced.reset:
            window = forced
        else:
            window = view.Budget(used=0, reset=now + WINDOW_SECONDS)
        view.store_budget(state, key, window)
    return Standing(window.used, window.reset)


def spend(state: SandboxState, token: str, points: int, now: int) -> Standing | None:
    """Take ``points`` from the token's budget; None, and nothing taken, when they are not left.
    A spent budget refuses even free queries (``rateLimit`` alone, dry runs), as GitHub does.
    The caller holds the state lock, so checking and spending cannot interleave."""
    current = standing(state, token, now)
    if current.remaining == 0 or points > current.remaining:
        return None
    spent = view.Budget(used=current.used + points, reset=current.reset)
    view.store_budget(state, token_key(token), spent)
    return Standing(spent.used, spent.reset)


def exhausted(state: SandboxState, login: str, current: Standing) -> dict[str, Any]:
    """GitHub's answer when the points are spent (``already``) or the query needs more than are left."""
    already = "already " if current.remaining == 0 else ""
    user = view.user_id(state, login)
    return {
        "errors": [
            {
                "type": "RATE_LIMIT",
                "code": "graphql_rate_limit",
                "message": f"API rate limit {already}exceeded for user ID {user}.",
            }
        ]
    }


def force(state: SandboxState, *, remaining: int, reset_epoch: int, now: int) -> None:
    """Put every token, known or not yet seen, at ``remaining`` points until ``reset_epoch``."""
    with state.lock:
        view.forget_budgets(state)
        if now < reset_epoch:
            view.store_budget(state, EVERY_TOKEN, view.Budget(used=LIMIT - max(0, remaining), reset=reset_epoch))
