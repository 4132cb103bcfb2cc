"""The progress a person sees on stderr while reconciler talks to GitHub.

Both displays count the same things: the phase (planning, applying, importing), repositories
done of the phase's total, requests made, answers served from the cache on GitHub's 304, the
rate budget GitHub says is left, and the waits for a limit (why, and for how long).

- `LiveProgress` (a terminal): a line rich redraws four times a second, with a second line
  and a countdown while a limit is waited out. It is transient: when the run pauses it (for a
  question) or ends, it disappears, leaving the terminal as the output alone would.
- `PlainProgress` (`--progress=plain`, e.g. a CI log): one line every tenth of a phase's
  repositories, and one for each long wait; no escape sequence, no redrawing.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from reconciler.github.http import RequestEvent, WaitEvent
from reconciler.progress import PhaseStarted, ProgressEvent, RepositoryDone

PHASE_NAMES = {"plan": "Planning", "apply": "Applying", "import": "Importing"}
# Waits shorter than these are the ordinary pace of the limits, not news.
LIVE_WAIT_MIN = 0.5
PLAIN_WAIT_MIN = 5.0
# Plain progress says where it is this many times per phase (and at its end).
PLAIN_STEPS = 10


@dataclass(frozen=True)
class View:
    """What both displays show, read at one instant."""

    phase: str | None
    total: int
    done: int
    failed: int
    requests: int
    cached: int
    remaining: int | None
    elapsed: float
    wait: tuple[str, float] | None  # the longest wait under way: its reason, seconds left


@dataclass
class Tally:
    """The counts behind a display; events come from many threads."""

    clock: Callable[[], float] = time.monotonic
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _started: float | None = None
    _phase: str | None = None
    _total: int = 0
    _done: int = 0
    _failed: int = 0
    _requests: int = 0
    _cached: int = 0
    _remaining: int | None = None
    _reset: int = 0
    _waits: dict[str, float] = field(default_factory=dict)  # reason -> when it ends

    def __post_init__(self) -> None:
        self._started = self.clock()

    def request(self, event: RequestEvent) -> None:
        with self._lock:
            self._requests += 1
            self._cached += int(event.from_cache)
            # The core budget is the one a plan or an apply spends; GraphQL has its own. Answers
            # overtake each other, so within one window (one reset time) the budget only goes
            # down; a later reset is a new window.
            found = event.remaining
            if found is not None and event.resource in (None, "core"):
                reset = event.reset or 0
                newer = reset > self._reset
                if self._remaining is None or newer or (reset == self._reset and found < self._remaining):
                    self._remaining, self._reset = found, reset

    def wait(self, event: WaitEvent) -> None:
        with self._lock:
            until = self.clock() + event.seconds
            self._waits[event.reason] = max(until, self._waits.get(event.reason, until))

    def phase(self, event: ProgressEvent) -> None:
        with self._lock:
            if isinstance(event, PhaseStarted):
                self._phase, self._total, self._done, self._failed = event.phase, event.total, 0, 0
            elif isinstance(event, RepositoryDone):
                self._done += 1
                self._failed += int(event.failed > 0)

    def view(self) -> View:
        with self._lock:
            now = self.clock()
            self._waits = {reason: until for reason, until in self._waits.items() if until > now}
            longest = max(self._waits.items(), key=lambda item: item[1], default=None)
            return View(
                phase=self._phase,
                total=self._total,
                done=self._done,
                failed=self._failed,
                requests=self._requests,
                cached=self._cached,
                remaining=self._remaining,
                elapsed=now - (self._started or now),
                wait=None if longest is None else (longest[0], longest[1] - now),
            )


def describe(view: View) -> str:
    """ "Planning 137/200 repositories · 612 requests · 210 from cache (304) · rate budget 4,388 left" """
    parts = []
    if view.phase is None:
        parts.append("Reading GitHub")
    else:
        failures = {"plan": "unreadable", "import": "unreadable"}.get(view.phase, "with failures")
        done = f"{PHASE_NAMES.get(view.phase, view.phase)} {view.done:,}/{view.total:,} repositories"
        parts.append(done + (f" ({view.failed:,} {failures})" if view.failed else ""))
    parts.append(f"{view.requests:,} request{'' if view.requests == 1 else 's'}")
    if view.cached:
        parts.append(f"{view.cached:,} from cache (304)")
    if view.remaining is not None:
        parts.append(f"rate budget {view.remaining:,} left")
    return " · ".join(parts)


def waiting(reason: str, seconds: float) -> str:
    return f"waiting {_duration(seconds)} for {reason or 'GitHub'}"


def _duration(seconds: float) -> str:
    whole = max(0, math.ceil(seconds))
    if whole >= 120:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole} s"


class LiveProgress:
    """A live display on a terminal. It starts at the first event and stops on `pause`; the
    next event starts it again."""

    def __init__(self, console: Console, clock: Callable[[], float] = time.monotonic) -> None:
        self._console = console
        self._tally = Tally(clock)
        self._live: Live | None = None
        self._lock = threading.Lock()

    def request_finished(self, event: RequestEvent) -> None:
        self._tally.request(event)
        self._show()

    def waited(self, event: WaitEvent) -> None:
        self._tally.wait(event)
        self._show()

    def progress(self, event: ProgressEvent) -> None:
        self._tally.phase(event)
        view = self._tally.view()
        if isinstance(event, RepositoryDone) and view.done >= view.total:
            # The phase is over and its output follows: the display leaves the screen to it.
            self.pause()
        else:
            self._show()

    def pause(self) -> None:
        with self._lock:
            if self._live is not None:
                self._live.stop()
                self._live = None

    def _show(self) -> None:
        with self._lock:
            if self._live is not None:
                return
            self._live = Live(
                console=self._console,
                get_renderable=self.render,
                refresh_per_second=4,
                transient=True,
                # What the command prints meanwhile goes above the display, not through it.
                # Standard output only when it is this same terminal: a plan piped to a file
                # must reach the file.
                redirect_stdout=sys.stdout.isatty(),
                redirect_stderr=True,
            )
            self._live.start()

    def render(self) -> RenderableType:
        """What the display shows now (rich calls it at every redraw)."""
        view = self._tally.view()
        line = Table.grid(padding=(0, 1))
        line.add_row(Spinner("dots", style="cyan"), Text(f"{describe(view)} · {_duration(view.elapsed)}"))
        if view.wait is None or view.wait[1] < LIVE_WAIT_MIN:
            return line
        return Group(line, Text(f"  {waiting(*view.wait)}", style="yellow"))


class PlainProgress:
    """One line now and then, for a log: every tenth of a phase, at its end, and long waits."""

    def __init__(self, write: Callable[[str], None], clock: Callable[[], float] = time.monotonic) -> None:
        self._write = write
        self._tally = Tally(clock)
        self._lock = threading.Lock()
        self._announced: dict[str, float] = {}  # wait reason -> until when it was announced
        self._clock = clock

    def request_finished(self, event: RequestEvent) -> None:
        self._tally.request(event)

    def waited(self, event: WaitEvent) -> None:
        self._tally.wait(event)
        if event.seconds < PLAIN_WAIT_MIN:
            return
        now = self._clock()
        with self._lock:
            if self._announced.get(event.reason, 0.0) > now:
                return  # every thread waits for the same window: say it once
            self._announced[event.reason] = now + event.seconds
        self._write(f"progress: {waiting(event.reason, event.seconds)}")

    def progress(self, event: ProgressEvent) -> None:
        with self._lock:
            self._tally.phase(event)
            if not isinstance(event, RepositoryDone):
                return
            view = self._tally.view()
        step = max(1, math.ceil(view.total / PLAIN_STEPS))
        if view.done % step == 0 or view.done == view.total:
            self._write(f"progress: {describe(view)}; {_duration(view.elapsed)}")

    def pause(self) -> None:
        return None
