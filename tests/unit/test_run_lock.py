"""The run lock: one apply, stop or uninstall at a time per desired state and GitHub host."""

from __future__ import annotations

import fcntl
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rich.console import Console

from reconciler.commands.support.options import GitHubOptions
from reconciler.commands.support.run_lock import LockOwner, LockTimeout, github_host, lock_path, run_lock


class FakeClock:
    """Time that passes only when the lock sleeps: no real waiting in tests."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@contextmanager
def held_elsewhere(path: Path, command: str = "apply", pid: int = 4242) -> Iterator[None]:
    """The lock held through another open file, as another process would hold it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(fd, f'{{"pid": {pid}, "command": "{command}", "started_at": "2026-03-01 09:00:00 UTC"}}'.encode())
        yield
    finally:
        os.close(fd)


def console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=300, color_system=None), buffer


def test_the_lock_lives_in_the_desired_states_hidden_directory_kept_out_of_git(tmp_path: Path) -> None:
    root = tmp_path / "desired-state"
    root.mkdir()
    path = lock_path(root, "api.github.com")
    assert path == root / ".reconciler" / "run-api.github.com.lock"
    assert (root / ".reconciler" / ".gitignore").read_text() == "*\n"
    # A single-file desired state shares its directory's lock.
    assert lock_path(root / "all.yml", "api.github.com") == path


def test_the_holder_writes_who_it_is_and_clears_it_on_release(tmp_path: Path) -> None:
    path = tmp_path / "run.lock"
    out, _ = console()
    with run_lock(path, "apply", 0, out) as owner:
        assert LockOwner.read(path) == owner
        assert owner.pid == os.getpid() and owner.command == "apply"
    assert LockOwner.read(path) is None
    with run_lock(path, "stop", 0, out):
        pass


def test_a_second_run_waits_saying_for_whom_then_gives_up_after_the_timeout(tmp_path: Path) -> None:
    path = tmp_path / "run.lock"
    out, shown = console()
    clock = FakeClock()
    with (
        held_elsewhere(path),
        pytest.raises(LockTimeout) as refused,
        run_lock(path, "apply", 2.0, out, clock=clock, sleep=clock.sleep),
    ):
        pytest.fail("the lock is held elsewhere")
    assert shown.getvalue().count("Waiting for the apply started at 2026-03-01 09:00:00 UTC by pid 4242 to finish") == 1
    assert sum(clock.slept) == pytest.approx(2.0)
    assert "the apply started at 2026-03-01 09:00:00 UTC by pid 4242 holds" in str(refused.value)
    assert "after waiting 2s" in str(refused.value)


def test_no_wait_at_all_with_a_timeout_of_zero(tmp_path: Path) -> None:
    path = tmp_path / "run.lock"
    out, shown = console()
    clock = FakeClock()
    with (
        held_elsewhere(path, "uninstall"),
        pytest.raises(LockTimeout, match="the uninstall started at"),
        run_lock(path, "stop", 0, out, clock=clock, sleep=clock.sleep),
    ):
        pytest.fail("the lock is held elsewhere")
    assert clock.slept == [] and shown.getvalue() == ""


def test_a_run_that_waited_goes_on_once_the_holder_is_done(tmp_path: Path) -> None:
    path = tmp_path / "run.lock"
    out, shown = console()
    holder = held_elsewhere(path)
    holder.__enter__()
    clock = FakeClock()

    def finish_after_a_while(seconds: float) -> None:
        clock.sleep(seconds)
        if clock.now >= 1.0:
            holder.__exit__(None, None, None)

    with run_lock(path, "apply", 60, out, clock=clock, sleep=finish_after_a_while) as owner:
        assert owner.pid == os.getpid()
    assert "Waiting for the apply" in shown.getvalue()
    assert 1.0 <= clock.now < 2.0


def test_a_crashed_holders_lock_never_blocks(tmp_path: Path) -> None:
    path = tmp_path / "run.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, io\n"
            "from pathlib import Path\n"
            "from rich.console import Console\n"
            "from reconciler.commands.support.run_lock import run_lock\n"
            "with run_lock(Path(sys.argv[1]), 'apply', 0, Console(file=io.StringIO())):\n"
            "    print('held', flush=True)\n"
            "    time.sleep(60)\n",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        owner = LockOwner.read(path)
        assert owner is not None and owner.pid == holder.pid
        holder.kill()
        holder.wait(timeout=10)
    finally:
        if holder.poll() is None:
            holder.kill()
    out, shown = console()
    # Its record is still in the file, but the kernel released its lock when it died.
    with run_lock(path, "apply", 0, out) as owner:
        assert owner.pid == os.getpid()
    assert shown.getvalue() == ""


def test_the_host_a_lock_is_named_after() -> None:
    assert github_host(GitHubOptions(sandbox=True), {}) == "sandbox"
    assert github_host(GitHubOptions(), {}) == "api.github.com"
    assert github_host(GitHubOptions(github_url="https://GHE.example.com/api/v3"), {}) == "ghe.example.com"
    assert github_host(GitHubOptions(), {"GITHUB_API_URL": "http://127.0.0.1:8080"}) == "127.0.0.1:8080"
