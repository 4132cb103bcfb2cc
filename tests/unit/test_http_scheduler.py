"""The scheduler keeps every limit at once, as fast as they allow and no faster (fake clock)."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from reconciler.github.http import Limits, RetryPolicy
from reconciler.github.http.scheduler import Kind, Scheduler, WaitTooLong
from tests.http_support import FakeClock

ONLY_POINTS = replace(Limits.none(), rest_points_per_minute=900.0, graphql_points_per_minute=2000.0)


def scheduler(limits: Limits, clock: FakeClock, retry: RetryPolicy | None = None) -> Scheduler:
    return Scheduler(limits, retry or RetryPolicy(), clock)


def run(s: Scheduler, kind: Kind, times: int, *, creates: bool = False) -> list[tuple[str, float]]:
    """Admit and release `times` requests in turn; the waits they met."""
    waits: list[tuple[str, float]] = []
    for _ in range(times):
        s.release(s.admit(kind, creates=creates, on_wait=lambda r, w: waits.append((r, w))), None)
    return waits


def test_reads_use_the_whole_minute_of_points_at_once_then_wait_for_the_window() -> None:
    clock = FakeClock()
    s = scheduler(ONLY_POINTS, clock)
    assert run(s, Kind.READ, 900) == []
    waits = run(s, Kind.READ, 1)
    assert waits == [("the REST points-per-minute limit", pytest.approx(60.0))]


def test_writes_cost_five_points() -> None:
    clock = FakeClock()
    s = scheduler(ONLY_POINTS, clock)
    assert run(s, Kind.WRITE, 180) == []
    assert len(run(s, Kind.WRITE, 1)) == 1


def test_graphql_points_are_a_budget_of_their_own() -> None:
    clock = FakeClock()
    s = scheduler(ONLY_POINTS, clock)
    run(s, Kind.READ, 900)
    assert run(s, Kind.QUERY, 2000) == []
    assert run(s, Kind.MUTATION, 1)[0][0] == "the GraphQL points-per-minute limit"


def test_writes_go_one_interval_apart() -> None:
    clock = FakeClock()
    s = scheduler(replace(Limits.none(), write_interval=1.0), clock)
    run(s, Kind.WRITE, 3)
    # Time stands still between writes here, so each after the first waits the full second.
    assert clock.sleeps == [1.0, 1.0]
    run(s, Kind.READ, 5)
    assert clock.sleeps == [1.0, 1.0], "reads are not spaced"


def test_content_creation_is_held_to_eighty_a_minute_and_five_hundred_an_hour() -> None:
    clock = FakeClock()
    s = scheduler(replace(Limits.none(), creates_per_minute=80.0, creates_per_hour=500.0), clock)
    first = clock.now()
    assert run(s, Kind.WRITE, 80, creates=True) == []
    assert run(s, Kind.WRITE, 1, creates=True) == [("the content-creation limit", pytest.approx(60.0))]
    # Writes that create nothing are not held by it.
    assert run(s, Kind.WRITE, 50) == []
    waits = run(s, Kind.WRITE, 419, creates=True)
    assert {reason for reason, _ in waits} == {"the content-creation limit"}
    # The 501st create goes an hour after the first, held by the hourly window.
    assert run(s, Kind.WRITE, 1, creates=True)[-1][0] == "the hourly content-creation limit"
    assert clock.now() == pytest.approx(first + 3600)


def test_an_hour_of_creates_takes_the_time_least_time_predicts() -> None:
    clock = FakeClock()
    limits = replace(Limits.none(), creates_per_hour=500.0)
    s = scheduler(limits, clock)
    start = clock.now()
    run(s, Kind.WRITE, 1500, creates=True)
    # Three hourly batches of 500: the third starts two hours after the first.
    assert clock.now() - start == pytest.approx(2 * 3600)


def test_a_spent_primary_budget_holds_requests_until_it_resets() -> None:
    clock = FakeClock()
    s = scheduler(Limits.github(), clock)
    reset = int(clock.now()) + 100
    s.release(s.admit(Kind.READ), {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)})
    waits = run(s, Kind.READ, 1)
    assert waits[0][0] == "the primary rate limit (core), spent until it resets"
    assert 100 <= waits[0][1] <= 102
    # GitHub's free endpoint is still answered while the budget is spent.
    s.release(s.admit(Kind.READ), {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(clock.now()) + 50)})
    assert s.admit(Kind.READ, budgeted=False) is not None


def test_requests_in_flight_count_against_what_is_left() -> None:
    clock = FakeClock()
    s = scheduler(Limits.github(), clock)
    reset = str(int(clock.now()) + 30)
    s.release(s.admit(Kind.READ), {"x-ratelimit-remaining": "2", "x-ratelimit-reset": reset})
    first, second = s.admit(Kind.READ), s.admit(Kind.READ)
    waits: list[tuple[str, float]] = []
    s.admit(Kind.READ, on_wait=lambda r, w: waits.append((r, w)))
    assert waits and waits[0][0].startswith("the primary rate limit")
    s.release(first, None)
    s.release(second, None)


def test_a_budget_spent_for_longer_than_the_policy_allows_is_refused_at_once() -> None:
    clock = FakeClock()
    s = scheduler(Limits.github(), clock, RetryPolicy(max_wait=600))
    s.release(s.admit(Kind.READ), {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(clock.now()) + 3600)})
    with pytest.raises(WaitTooLong) as caught:
        s.admit(Kind.READ)
    assert caught.value.seconds > 600
    assert clock.sleeps == []
    # GraphQL has its own budget and is not held by the core one.
    s.admit(Kind.QUERY)


def test_answers_that_overtake_each_other_never_raise_the_budget() -> None:
    clock = FakeClock()
    s = scheduler(Limits.github(), clock)
    reset = str(int(clock.now()) + 60)
    s.release(s.admit(Kind.READ), {"x-ratelimit-remaining": "10", "x-ratelimit-reset": reset})
    s.release(s.admit(Kind.READ), {"x-ratelimit-remaining": "12", "x-ratelimit-reset": reset})
    assert s.budget("core") == (10, float(reset))
    later = str(int(clock.now()) + 3660)
    s.release(s.admit(Kind.READ), {"x-ratelimit-remaining": "4999", "x-ratelimit-reset": later})
    assert s.budget("core") == (4999, float(later))
    s.release(
        s.admit(Kind.QUERY),
        {"x-ratelimit-remaining": "4990", "x-ratelimit-reset": later, "x-ratelimit-resource": "graphql"},
    )
    assert s.budget("graphql") == (4990, float(later))


def test_a_secondary_limit_holds_every_request_then_halves_the_pace_until_it_recovers() -> None:
    clock = FakeClock()
    s = scheduler(replace(Limits.none(), write_interval=1.0), clock)
    s.hold(7.0, "GitHub's secondary rate limit", slow_down=True)
    assert run(s, Kind.READ, 1) == [("GitHub's secondary rate limit", pytest.approx(7.0))]
    assert s.speed() == 0.5
    run(s, Kind.WRITE, 2)
    assert clock.sleeps[-1] == pytest.approx(2.0), "writes go twice as far apart"
    s.hold(60.0, "GitHub's secondary rate limit", slow_down=True)
    assert s.speed() == 0.25 and s.consecutive_hits == 2
    s.cleared()
    assert s.consecutive_hits == 0
    clock.advance(300)
    assert s.speed() == 0.5
    clock.advance(300)
    assert s.speed() == 1.0


def test_a_primary_hold_waits_without_slowing_down() -> None:
    clock = FakeClock()
    s = scheduler(Limits.none(), clock)
    s.hold(30.0, "GitHub's rate limit", slow_down=False)
    assert run(s, Kind.READ, 1)[0][1] == pytest.approx(30.0)
    assert s.speed() == 1.0 and s.consecutive_hits == 0


def test_no_more_requests_in_flight_than_the_cap() -> None:
    s = scheduler(Limits.none(concurrency=2), FakeClock())
    first, second = s.admit(Kind.READ), s.admit(Kind.READ)
    admitted = threading.Event()

    def third() -> None:
        s.release(s.admit(Kind.READ), None)
        admitted.set()

    thread = threading.Thread(target=third)
    thread.start()
    assert not admitted.wait(0.2), "a third request went while two were in flight"
    s.release(first, None)
    assert admitted.wait(5)
    thread.join()
    s.release(second, None)


def test_writes_go_one_at_a_time_while_reads_continue() -> None:
    s = scheduler(replace(Limits.none(), serial_writes=True), FakeClock())
    write = s.admit(Kind.WRITE)
    s.release(s.admit(Kind.READ), None)  # a read is not held by the write in flight
    second_write = threading.Event()

    def another_write() -> None:
        s.release(s.admit(Kind.WRITE), None)
        second_write.set()

    thread = threading.Thread(target=another_write)
    thread.start()
    assert not second_write.wait(0.2), "two writes were in flight at once"
    s.release(write, None)
    assert second_write.wait(5)
    thread.join()
