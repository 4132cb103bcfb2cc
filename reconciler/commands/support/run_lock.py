"""One writing run at a time per desired state and GitHub host, on this machine.

Two applies started at once on the same desired state would plan the same changes and race
each other to make them: one fails what the other just did. `apply`, `stop` and `uninstall`
therefore hold an advisory lock for as long as they plan and write: a file under the desired
state's `.reconciler/` directory (hidden, so the loader and the plan's input digest never see
it), locked with `flock`, holding the owner's pid, command and start time for whoever waits.

The kernel releases a `flock` when its process ends, however it ends: a crashed run's lock
never blocks the next one, and what it wrote in the file is simply overwritten. The lock
covers one machine; across machines, the shipped workflows' concurrency groups keep runs
apart.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console

from reconciler.commands.support.options import DEFAULT_LOCK_TIMEOUT, GitHubOptions
from reconciler.errors import ReconcilerError
from reconciler.github.http.base_url import GITHUB_API_URL

LOCK_DIRECTORY = ".reconciler"
POLL_SECONDS = 0.25
__all__ = ["DEFAULT_LOCK_TIMEOUT", "LockOwner", "LockTimeout", "github_host", "lock_path", "run_lock"]


class LockTimeout(ReconcilerError):
    """Another run held the lock for longer than this one would wait."""


@dataclass(frozen=True)
class LockOwner:
    """Who holds a lock, as the holder wrote it in the lock file."""

    pid: int
    command: str
    started_at: str

    def describe(self) -> str:
        return f"the {self.command} started at {self.started_at} by pid {self.pid}"

    @classmethod
    def read(cls, path: Path) -> LockOwner | None:
        """The owner written in `path`, or None when it says nothing readable (yet)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8") or "null")
            return cls(int(data["pid"]), str(data["command"]), str(data["started_at"]))
        except (OSError, ValueError, TypeError, KeyError):
            return None


def github_host(options: GitHubOptions, env: Mapping[str, str] = os.environ) -> str:
    """The GitHub a run writes to, as a lock names it: `sandbox`, or the API's host[:port]."""
    if options.sandbox:
        return "sandbox"
    url = options.github_url or env.get("GITHUB_API_URL") or GITHUB_API_URL
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "unknown").lower()
        return f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        # connect.py refuses the URL with a proper message; the lock only needs a name.
        return "unknown"


def lock_path(desired_path: Path, host: str) -> Path:
    """The lock file for a desired state (a directory, or a file's directory) and a host."""
    root = desired_path if desired_path.is_dir() else desired_path.parent
    name = f"run-{re.sub(r'[^A-Za-z0-9.-]', '_', host)}.lock"
    directory = root / LOCK_DIRECTORY
    try:
        if not directory.is_dir():
            # Not `parents`: a desired state that is gone gets no directory made for it.
            directory.mkdir()
            # Keep the lock out of the desired-state repository's commits.
            (directory / ".gitignore").write_text("*\n", encoding="utf-8")
        return directory / name
    except OSError:
        # A read-only checkout (or a desired state that is gone): a directory of this user's,
        # the lock named after the desired state.
        key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
        fallback = Path(tempfile.gettempdir()) / f"reconciler-locks-{os.getuid()}"
        fallback.mkdir(mode=0o700, exist_ok=True)
        return fallback / f"{key}-{name}"


@contextmanager
def run_lock(
    path: Path,
    command: str,
    timeout: float,
    out: Console,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[LockOwner]:
    """Hold the lock at `path` for the `with` block, waiting up to `timeout` seconds (0: not
    at all) for a run that holds it, and saying so once. Raises LockTimeout."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, path, command, timeout, out, clock, sleep)
        owner = LockOwner(os.getpid(), command, datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))
        record = json.dumps({"pid": owner.pid, "command": owner.command, "started_at": owner.started_at})
        os.ftruncate(fd, 0)
        os.pwrite(fd, record.encode("utf-8") + b"\n", 0)
        try:
            yield owner
        finally:
            # Whoever waits next must not read this run as its owner.
            os.ftruncate(fd, 0)
    finally:
        # Closing the descriptor releases the lock.
        os.close(fd)


def _acquire(
    fd: int,
    path: Path,
    command: str,
    timeout: float,
    out: Console,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> None:
    deadline = clock() + timeout
    announced = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        owner = LockOwner.read(path)
        holder = owner.describe() if owner is not None else "another reconciler run"
        if clock() >= deadline:
            waited = "" if timeout <= 0 else f" after waiting {timeout:g}s"
            # An apply left at its "yes?" prompt holds the lock too: say how to end it, since
            # the run refused may be the emergency stop.
            stuck = f" (or, if it is stuck, end pid {owner.pid})" if owner is not None else ""
            raise LockTimeout(
                f"refusing to {command}: {holder} holds {path} for this desired state and GitHub{waited}. "
                f"Nothing was planned or written. Let it finish{stuck} and run again "
                "(--lock-timeout SECONDS waits for it)."
            )
        if not announced:
            out.print(
                f"Waiting for {holder} to finish (it holds {path}; up to {timeout:g}s, --lock-timeout changes this)…",
                soft_wrap=True,
            )
            announced = True
        sleep(min(POLL_SECONDS, max(0.0, deadline - clock())))
