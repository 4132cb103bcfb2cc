"""What the progress displays say, on a clock the test moves: counts, the budget, and a wait's
reason with a countdown."""

from __future__ import annotations

import io

from rich.console import Console

from reconciler.cli.progress_display import LiveProgress, PlainProgress, Tally, describe
from reconciler.cli.watching import progress_mode
from reconciler.github.http import RequestEvent, WaitEvent
from reconciler.progress import PhaseStarted, RepositoryDone

SECONDARY = "GitHub's secondary rate limit"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def request(
    remaining: int | None = None, *, cached: bool = False, resource: str | None = "core", reset: int = 1_900_000_000
) -> RequestEvent:
    return RequestEvent(
        "GET", "/repos/o/r/labels", 304 if cached else 200, 0.01, "list labels", "o/r",
        from_cache=cached, remaining=remaining, resource=resource, reset=reset,
    )  # fmt: skip


def shown(display: LiveProgress) -> str:
    console = Console(file=io.StringIO(), width=160, color_system=None)
    console.print(display.render())
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_the_line_counts_repositories_requests_cache_hits_and_the_budget_left() -> None:
    tally = Tally(Clock())
    tally.request(request(4999))
    assert describe(tally.view()) == "Reading GitHub · 1 request · rate budget 4,999 left"
    tally.phase(PhaseStarted("plan", 200))
    for n in range(3):
        tally.request(request(4998 - n, cached=n > 0))
        tally.phase(RepositoryDone("plan", f"o/r{n}", changes=2))
    tally.phase(RepositoryDone("plan", "o/bad", failed=1, error="not found"))
    assert describe(tally.view()) == (
        "Planning 4/200 repositories (1 unreadable) · 4 requests · 2 from cache (304) · rate budget 4,996 left"
    )


def test_the_budget_only_goes_down_within_an_hour_and_graphql_does_not_count() -> None:
    tally = Tally(Clock())
    for remaining in (4990, 4992, 4989):  # answers overtaking each other
        tally.request(request(remaining))
    tally.request(request(100, resource="graphql"))
    assert tally.view().remaining == 4989
    tally.request(request(4999, reset=1_900_003_600))  # a new hour
    assert tally.view().remaining == 4999
    tally.request(request(4989))  # late news of the hour before
    assert tally.view().remaining == 4999


def test_a_wait_is_shown_with_its_reason_and_counts_down_then_goes() -> None:
    clock = Clock()
    display = LiveProgress(Console(file=io.StringIO()), clock=clock)
    display._tally.phase(PhaseStarted("apply", 12))
    display._tally.wait(WaitEvent(SECONDARY, 75.0, "create label", "o/r"))
    assert f"waiting 75 s for {SECONDARY}" in shown(display)
    clock.now += 30.2
    assert f"waiting 45 s for {SECONDARY}" in shown(display)
    clock.now += 50
    assert "waiting" not in shown(display)
    # Several threads wait for the same window: one line, the longest.
    display._tally.wait(WaitEvent("the REST points-per-minute limit", 3.0, "list labels", "o/a"))
    display._tally.wait(WaitEvent("the REST points-per-minute limit", 9.0, "list labels", "o/b"))
    assert shown(display).count("waiting") == 1 and "waiting 9 s" in shown(display)


def test_plain_progress_says_a_line_every_tenth_and_each_long_wait_once() -> None:
    lines: list[str] = []
    clock = Clock()
    plain = PlainProgress(lines.append, clock=clock)
    plain.progress(PhaseStarted("plan", 30))
    for n in range(30):
        plain.request_finished(request(5000 - n))
        plain.progress(RepositoryDone("plan", f"o/r{n}"))
    expected = [f"progress: Planning {n}/30 repositories" for n in range(3, 31, 3)]
    assert [line.split(" · ")[0] for line in lines] == expected
    lines.clear()
    plain.waited(WaitEvent("write spacing", 1.0, "create label", "o/r"))  # the ordinary pace: not news
    for _ in range(4):  # four threads waiting for the same reset
        plain.waited(WaitEvent(SECONDARY, 60.0, "create label", "o/r"))
    assert lines == [f"progress: waiting 60 s for {SECONDARY}"]
    clock.now += 61
    plain.waited(WaitEvent(SECONDARY, 120.0, "create label", "o/r"))
    assert lines[-1] == f"progress: waiting 2 min 00 s for {SECONDARY}"


def test_auto_is_live_at_a_terminal_nothing_off_one_and_plain_where_no_escape_may_go() -> None:
    class Stream:
        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    terminal, pipe = Stream(True), Stream(False)
    assert progress_mode("auto", terminal, {"TERM": "xterm"}) == "rich"
    assert progress_mode("auto", pipe, {"TERM": "xterm"}) == "off"
    assert progress_mode("plain", pipe, {}) == "plain"
    assert progress_mode("off", terminal, {"TERM": "xterm"}) == "off"
    # A live display moves the cursor: an escape sequence, which these forbid.
    assert progress_mode("auto", terminal, {"TERM": "xterm", "NO_COLOR": "1"}) == "plain"
    assert progress_mode("rich", pipe, {"TERM": "dumb"}) == "plain"
    assert progress_mode("rich", pipe, {"TERM": "xterm"}) == "rich"
