"""Two applies at once on the same desired state: the second waits for the first (or refuses
at once with --lock-timeout 0), so no change fails because of the other."""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rich.console import Console

from reconciler.commands.apply import ApplyOptions, run_apply
from reconciler.commands.support.options import GitHubOptions
from reconciler.sandbox import Sandbox
from tests.integration.conftest import run

WAIT = 30.0


@dataclass
class Apply:
    """An apply running in a thread, with its own output."""

    options: ApplyOptions
    confirm: Callable[[str], bool] = lambda question: True
    shown: io.StringIO = field(default_factory=io.StringIO)
    code: int | None = None
    error: BaseException | None = None

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            console = Console(file=self.shown, width=300, color_system=None)
            self.code = run_apply(self.options, console, confirm=self.confirm)
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.error = exc

    def start(self) -> Apply:
        self.thread.start()
        return self

    def join(self) -> int:
        self.thread.join(WAIT)
        assert not self.thread.is_alive(), "the apply finished"
        assert self.error is None, self.error
        assert self.code is not None
        return self.code


def until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.02)


@pytest.fixture
def first_apply(live: Sandbox) -> Iterator[tuple[Apply, threading.Event]]:
    """An apply that has planned and holds the lock while it asks for confirmation, until
    the test lets it go on."""
    asked, go_on = threading.Event(), threading.Event()

    def confirm(question: str) -> bool:
        asked.set()
        return go_on.wait(WAIT)

    first = Apply(ApplyOptions(path=Path("desired-state"), github=GitHubOptions()), confirm).start()
    until(asked.is_set, "the first apply asks")
    yield first, go_on
    go_on.set()
    first.thread.join(WAIT)


def test_a_second_apply_waits_for_the_first_and_then_finds_nothing_to_do(
    live: Sandbox, first_apply: tuple[Apply, threading.Event]
) -> None:
    first, go_on = first_apply
    before = live.stats.total()
    second = Apply(ApplyOptions(path=Path("desired-state"), github=GitHubOptions(), auto_approve=True)).start()
    until(lambda: "Waiting for" in second.shown.getvalue(), "the second apply waits")
    assert "Waiting for the apply started at " in second.shown.getvalue()
    assert f"by pid {os.getpid()} to finish" in second.shown.getvalue()
    assert live.stats.total() == before, "the waiting apply reads nothing yet"

    go_on.set()
    assert first.join() == 0, first.shown.getvalue()
    assert second.join() == 0, second.shown.getvalue()
    assert "Apply complete: " in first.shown.getvalue() and "failed" not in first.shown.getvalue()
    assert "No changes." in second.shown.getvalue()
    assert "failed" not in second.shown.getvalue()


@pytest.mark.parametrize(
    "command",
    [
        ("apply", "--auto-approve"),
        ("stop", "--write"),
        ("uninstall", "--pack", "sovereign-autonomy", "--auto-approve"),
    ],
)
def test_with_a_lock_timeout_of_zero_a_second_run_refuses_at_once_and_sends_nothing(
    live: Sandbox,
    first_apply: tuple[Apply, threading.Event],
    capsys: pytest.CaptureFixture[str],
    command: tuple[str, ...],
) -> None:
    before = live.stats.total()
    started = time.monotonic()
    code, _, err = run(capsys, *command, "--lock-timeout", "0")
    assert code == 1
    assert time.monotonic() - started < 5
    assert "the apply started at " in err and f"by pid {os.getpid()} holds" in err
    assert "Nothing was planned or written" in err
    assert live.stats.total() == before


def test_a_saved_plan_takes_the_lock_of_its_desired_state(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str], first_apply: tuple[Apply, threading.Event]
) -> None:
    assert run(capsys, "plan", "--out", "plan.json")[0] == 0
    code, _, err = run(capsys, "apply", "plan.json", "--auto-approve", "--lock-timeout", "0")
    assert code == 1 and "the apply started at" in err
