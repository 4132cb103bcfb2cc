"""What a run spent and waited, as the line commands print at the end."""

from __future__ import annotations

from reconciler.github.http.scheduler import Kind
from reconciler.github.http.usage import UsageRecorder


def test_the_summary_names_requests_points_304s_and_waits() -> None:
    recorder = UsageRecorder()
    for _ in range(375):
        recorder.sent(Kind.READ, 1, creates=False)
    for _ in range(35):
        recorder.sent(Kind.WRITE, 5, creates=False)
    recorder.sent(Kind.WRITE, 5, creates=True)
    recorder.sent(Kind.QUERY, 1, creates=False)
    recorder.graphql_cost(2)
    for _ in range(37):
        recorder.not_modified()
    recorder.waited("the content-creation limit", 100.0, 12.0)
    usage = recorder.snapshot()
    assert usage.requests == 412
    assert usage.count(Kind.READ) == 375 and usage.count(Kind.WRITE) == 36 and usage.count(Kind.QUERY) == 1
    assert usage.rest_points == 375 + 36 * 5 and usage.graphql_points == 1 and usage.creates == 1
    assert usage.summary() == (
        "412 requests (375 GET, 36 writes, 1 GraphQL), 37 answered 304; 555 REST points, 2 GraphQL points; "
        "1 content-creating; waited 12 s for the content-creation limit"
    )


def test_waits_that_overlap_count_once_as_wall_time() -> None:
    recorder = UsageRecorder()
    # Eight requests held by the same window over the same ten seconds: the run waited 10 s.
    for n in range(8):
        recorder.waited("the REST points-per-minute limit", 100.0 + n * 0.5, 10.0 - n * 0.5)
    recorder.waited("write spacing", 200.0, 1.0)
    recorder.waited("write spacing", 205.0, 1.0)
    usage = recorder.snapshot()
    assert dict(usage.waits) == {"the REST points-per-minute limit": 10.0, "write spacing": 2.0}
    assert usage.waited_seconds == 12.0
    assert usage.waits[0][0] == "the REST points-per-minute limit", "longest first"


def test_an_idle_run_says_so_plainly() -> None:
    assert UsageRecorder().snapshot().summary() == "0 requests (0 GET, 0 writes); 0 REST points"
