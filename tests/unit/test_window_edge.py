"""At a window's edge: the client keeps GitHub's secondary limits at full pace without a
single refusal, though GitHub's windows start when requests arrive, not when they are sent.

The client's scheduler and the sandbox's limiter (GitHub's rules as the sandbox enforces
them) run on one fake clock; each request reaches the limiter some time after the scheduler
let it go, by an amount that varies as network latency does.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from reconciler.github.http import Limits, RetryPolicy, least_time
from reconciler.github.http.scheduler import Kind, Scheduler
from reconciler.sandbox.secondary_limits import SecondaryLimiter, SecondaryLimitExceeded, SecondaryLimits
from tests.http_support import FakeClock

# Up to half a second on the way, varying request by request...
TRANSIT = (0.4, 0.0, 0.25, 0.05, 0.5, 0.1)
# ... or the worst case at an edge: a burst queues on the way and arrives late, and the
# requests after it arrive at once.
BURST_THEN_PROMPT = (0.5,) * 900 + (0.0,) * 10_000


def refusals(
    limits: Limits, requests: int, kind: Kind = Kind.READ, transit: tuple[float, ...] = TRANSIT
) -> tuple[int, float]:
    """Send `requests` as fast as the scheduler admits them; GitHub's refusals, and the time taken."""
    clock = FakeClock()
    scheduler = Scheduler(limits, RetryPolicy(), clock)
    started = clock.now()
    arrival_delay = itertools.cycle(transit)
    github = SecondaryLimiter(SecondaryLimits(), clock=lambda: clock.now() + next(arrival_delay))
    key = SecondaryLimiter.key("the-token")
    method, template = ("GET", "/repos/{owner}/{repo}/labels") if kind is Kind.READ else ("PATCH", "/repos/x")
    refused = 0
    for number in range(requests):
        ticket = scheduler.admit(kind)
        try:
            github.admit(key, method, template, f"request-{number}")
        except SecondaryLimitExceeded:
            refused += 1
        scheduler.release(ticket, None)
    return refused, clock.now() - started


@pytest.mark.parametrize("transit", [TRANSIT, BURST_THEN_PROMPT], ids=["varying", "burst-then-prompt"])
def test_three_minutes_of_reads_at_full_pace_are_never_refused(transit: tuple[float, ...]) -> None:
    limits = replace(Limits.github(), write_interval=0.0)
    refused, took = refusals(limits, 900 * 3 + 1, transit=transit)
    assert refused == 0
    # Full pace: within a margin a window of the least time GitHub's limits allow.
    floor = least_time(limits, reads=900 * 3 + 1)
    assert floor <= took <= floor + 3 * limits.window_margin


def test_writes_at_full_pace_are_never_refused() -> None:
    limits = replace(Limits.github(), write_interval=0.0)
    assert refusals(limits, 180 * 3 + 1, Kind.WRITE, BURST_THEN_PROMPT[720:])[0] == 0


def test_without_the_margin_github_would_refuse_at_the_edge() -> None:
    # What the margin is for: windows exactly as long as GitHub's are refused at their edge.
    limits = replace(Limits.github(), write_interval=0.0, window_margin=0.0)
    assert refusals(limits, 900 * 3 + 1, transit=BURST_THEN_PROMPT)[0] > 0
