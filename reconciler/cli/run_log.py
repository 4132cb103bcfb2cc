"""What a run tells beyond its output, when asked: `-v`, `--debug` and `--log-file`.

- `VerboseLog` (`-v`): a line on stderr for each repository as it is planned, applied or
  imported.
- `DebugLog` (`--debug`): a line on stderr for every request (method, path, status, duration,
  a 304 served from the cache, retries, the rate budget left) and every wait, through the
  `reconciler.requests` logger, so the records are redacted as every log record is.
- `JsonLog` (`--log-file FILE`): one JSON object a line, appended, for every request, wait and
  repository, for a machine to read later.

None of them ever sees a header: events carry paths and numbers, and every line passes through
the redaction before it is written, in case a path or an error quotes a registered secret.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.text import Text

from reconciler.errors import ConfigurationError
from reconciler.github.http import RequestEvent, WaitEvent
from reconciler.progress import PhaseStarted, ProgressEvent, RepositoryDone
from reconciler.redaction import redact

REQUESTS_LOGGER = "reconciler.requests"
_PAST = {"plan": "planned", "apply": "applied", "import": "read"}
_DOING = {"plan": "planning", "apply": "applying", "import": "reading"}


def _count(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else words or word + 's'}"


def describe_repository(event: RepositoryDone) -> str:
    """ "planned octo/app: 3 changes", "applied octo/app: 2 changes made, 1 failed (...)" """
    past = _PAST.get(event.phase, event.phase)
    if event.phase == "apply":
        text = f"{past} {event.repository}: {_count(event.changes, 'change')} made"
        if event.failed:
            text += f", {event.failed:,} failed" + (f" ({event.error})" if event.error else "")
        return text
    if event.error is not None:
        return f"could not read {event.repository}: {event.error}"
    if event.phase == "plan":
        return f"{past} {event.repository}: {_count(event.changes, 'change') if event.changes else 'no changes'}"
    return f"{past} {event.repository}"


def describe_request(event: RequestEvent) -> str:
    """ "GET /repos/o/r/labels?per_page=100 200 12 ms; 304 from cache; remaining 4,987 (core)" """
    status = str(event.status) if event.status is not None else "no answer"
    text = f"{event.method} {event.path} {status} {event.duration * 1000:.0f} ms"
    notes = []
    if event.from_cache:
        notes.append("304 from cache")
    if event.retries:
        notes.append(f"retry {event.retries}")
    if event.remaining is not None:
        notes.append(f"remaining {event.remaining:,} ({event.resource or 'core'})")
    if event.error:
        notes.append(event.error)
    return "; ".join([text, *notes])


def describe_wait(event: WaitEvent) -> str:
    where = f" ({event.operation})" if event.operation else ""
    return f"wait {event.seconds:.1f} s for {event.reason or 'GitHub'}{where}"


class VerboseLog:
    def __init__(self, console: Console) -> None:
        self._console = console
        self._lock = threading.Lock()

    def request_finished(self, event: RequestEvent) -> None:
        return None

    def waited(self, event: WaitEvent) -> None:
        return None

    def progress(self, event: ProgressEvent) -> None:
        if isinstance(event, PhaseStarted):
            doing = _DOING.get(event.phase, event.phase)
            line = Text(f"{doing} {_count(event.total, 'repository', 'repositories')}", style="bold")
        else:
            line = Text(describe_repository(event), style="red" if event.failed else "")
        with self._lock:
            self._console.print(line, soft_wrap=True, highlight=False)

    def pause(self) -> None:
        return None


class DebugLog:
    """Every request and wait as a log record of `reconciler.requests`, at DEBUG."""

    def __init__(self) -> None:
        self._log = logging.getLogger(REQUESTS_LOGGER)

    def request_finished(self, event: RequestEvent) -> None:
        self._log.debug("%s", describe_request(event))

    def waited(self, event: WaitEvent) -> None:
        self._log.debug("%s", describe_wait(event))

    def progress(self, event: ProgressEvent) -> None:
        if isinstance(event, RepositoryDone):
            self._log.debug("%s", describe_repository(event))

    def pause(self) -> None:
        return None


class JsonLog:
    """JSON lines appended to a file only the user can read."""

    def __init__(self, path: Path, command: str) -> None:
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as exc:
            raise ConfigurationError(f"--log-file {path}: {exc.strerror or exc}") from None
        self._file: IO[str] = os.fdopen(descriptor, "a", encoding="utf-8")
        self._lock = threading.Lock()
        self._write({"event": "run", "command": command})

    def request_finished(self, event: RequestEvent) -> None:
        self._write(
            {
                "event": "request",
                "method": event.method,
                "path": event.path,
                "status": event.status,
                "duration_ms": round(event.duration * 1000, 1),
                "from_cache": event.from_cache,
                "retries": event.retries,
                "remaining": event.remaining,
                "resource": event.resource,
                "operation": event.operation,
                "repository": event.repository,
                "error": event.error,
            }
        )

    def waited(self, event: WaitEvent) -> None:
        self._write(
            {
                "event": "wait",
                "reason": event.reason,
                "seconds": round(event.seconds, 3),
                "operation": event.operation,
                "repository": event.repository,
            }
        )

    def progress(self, event: ProgressEvent) -> None:
        if isinstance(event, PhaseStarted):
            self._write({"event": "phase", "phase": event.phase, "total": event.total})
        else:
            self._write(
                {
                    "event": "repository",
                    "phase": event.phase,
                    "repository": event.repository,
                    "changes": event.changes,
                    "failed": event.failed,
                    "error": event.error,
                }
            )

    def pause(self) -> None:
        return None

    def close(self) -> None:
        with self._lock:
            self._file.close()

    def _write(self, record: dict[str, Any]) -> None:
        stamped = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), **record}
        line = redact(json.dumps(stamped, separators=(",", ":"))) + "\n"
        with self._lock:
            if not self._file.closed:
                self._file.write(line)
                self._file.flush()
