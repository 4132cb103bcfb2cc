"""The limits as a value, and the least time they allow for a plan's requests."""

from __future__ import annotations

import pytest

from reconciler.github.http import Limits, least_time

HOUR = 3600.0


def test_thirty_one_thousand_creates_take_days_at_five_hundred_an_hour() -> None:
    seconds = least_time(Limits.github(), writes=31_000, creates=31_000)
    # 62 batches of 500: the first at once, the 62nd 61 hours later.
    assert seconds == 61 * HOUR


def test_reads_alone_are_bounded_by_the_points_per_minute() -> None:
    assert least_time(Limits.github(), reads=900) == 0
    assert least_time(Limits.github(), reads=901) == 60
    assert least_time(Limits.github(), reads=9000) == 9 * 60


def test_writes_cost_five_points_and_go_a_second_apart() -> None:
    # 100 writes: 500 points fit in one minute, but one a second takes 99 s.
    assert least_time(Limits.github(), writes=100) == 99
    # 1,000 writes: 5,000 points need six windows (300 s); spacing needs 999 s.
    assert least_time(Limits.github(), writes=1000) == 999


def test_graphql_has_its_own_budget() -> None:
    assert least_time(Limits.github(), graphql_queries=2000) == 0
    assert least_time(Limits.github(), graphql_queries=4001) == 120
    # GraphQL points do not slow REST reads.
    assert least_time(Limits.github(), reads=900, graphql_queries=2000) == 0


def test_scaling_divides_every_bound_by_the_factor() -> None:
    # 5,001 creates: eleven hourly batches of 500 (10 h), or two of 5,000 at ten times the rate (1 h).
    assert least_time(Limits.github(), writes=5001, creates=5001) == 10 * HOUR
    assert least_time(Limits.github().scaled(10), writes=5001, creates=5001) == 1 * HOUR
    assert least_time(Limits.github().scaled(10), writes=100) == pytest.approx(9.9)
    fast = Limits.github().scaled(10)
    assert fast.creates_per_hour == 5000 and fast.rest_points_per_minute == 9000 and fast.write_interval == 0.1
    assert fast.concurrency == Limits.github().concurrency


def test_without_limits_nothing_takes_time() -> None:
    assert least_time(Limits.none(), reads=10**6, writes=10**5, creates=10**5, graphql_queries=10**5) == 0


def test_creates_are_writes_and_counts_cannot_be_negative() -> None:
    with pytest.raises(ValueError, match="creates"):
        least_time(Limits.github(), writes=1, creates=2)
    with pytest.raises(ValueError, match="negative"):
        least_time(Limits.github(), reads=-1)
    with pytest.raises(ValueError, match="positive"):
        Limits.github().scaled(0)
