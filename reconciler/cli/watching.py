"""How a run is watched: `--progress`, `-v`, `--debug`, `--log-file`, and the client's timeouts.

The options go before or after the command name, as `--sandbox` does: each is stored in the
click context's `meta` (shared by the group and its command) instead of being a parameter of
every command function, and `github_from` turns them into the command's `GitHubOptions`.

Progress goes to stderr, never stdout, so `--format json` and `> plan.txt` are untouched. With
`--progress=auto` (the default) it is shown only when stderr is a terminal; otherwise nothing is
added to the output at all, unless `--progress=plain` asks for a line now and then. A live
display moves the cursor, which is an escape sequence: where none may be printed (`--no-color`,
`NO_COLOR`, `TERM=dumb`; see colour.py), the terminal gets the plain lines instead.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from reconciler.cli.colour import styling_allowed
from reconciler.cli.redacted import RedactingConsole, redacted_stderr
from reconciler.commands.support.watch import Watch
from reconciler.progress import ProgressEvent

F = TypeVar("F", bound=Callable[..., Any])
PROGRESS_MODES = ("auto", "rich", "plain", "off")
_KEY = "reconciler.watching"
_RANK = {click.core.ParameterSource.ENVIRONMENT: 1, click.core.ParameterSource.COMMANDLINE: 2}
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WatchSettings:
    progress: str = "auto"
    verbose: bool = False
    debug: bool = False
    log_file: Path | None = None
    connect_timeout: float | None = None
    read_timeout: float | None = None


def _store(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Keep what the user said (a flag, or the environment) wherever it was said; an option
    given on the command line wins over the same one from the environment."""
    source = ctx.get_parameter_source(param.name) if param.name else None
    rank = _RANK.get(source, 0) if source is not None else 0
    if rank == 0 or not param.name:
        return
    stored: dict[str, tuple[int, Any]] = ctx.meta.setdefault(_KEY, {})
    if rank >= stored.get(param.name, (0, None))[0]:
        stored[param.name] = (rank, value)


def settings(ctx: click.Context) -> WatchSettings:
    stored: dict[str, tuple[int, Any]] = ctx.meta.get(_KEY, {})
    return WatchSettings(**{name: value for name, (_, value) in stored.items()})


def _option(*names: str, **kwargs: Any) -> Callable[[F], F]:
    # Stored, not passed: the command functions keep their signatures.
    return click.option(*names, expose_value=False, callback=_store, **kwargs)


def watch_options(command: F) -> F:
    """The options, accepted on the group and on every command that reaches GitHub."""
    seconds = click.FloatRange(min=0, min_open=True)
    options = [
        _option(
            "--progress",
            type=click.Choice(PROGRESS_MODES),
            envvar="RECONCILER_PROGRESS",
            help="Progress on stderr: auto (live, only at a terminal), rich (live), plain (a line now and "
            "then, for logs), off. Env RECONCILER_PROGRESS.",
        ),
        _option("-v", "--verbose", is_flag=True, default=None, help="Say on stderr each repository as it is done."),
        _option(
            "--debug",
            is_flag=True,
            default=None,
            help="Log every request on stderr: method, path, status, duration, cache, retries, waits, budget "
            "left (tokens and secrets redacted).",
        ),
        _option(
            "--log-file",
            type=click.Path(path_type=Path, dir_okay=False),
            metavar="FILE",
            help="Append one JSON object a line for every request, wait and repository to FILE.",
        ),
        _option(
            "--connect-timeout",
            type=seconds,
            envvar="RECONCILER_CONNECT_TIMEOUT",
            metavar="SECONDS",
            help="How long to wait for a connection to GitHub (default 10). Env RECONCILER_CONNECT_TIMEOUT.",
        ),
        _option(
            "--read-timeout",
            type=seconds,
            envvar="RECONCILER_READ_TIMEOUT",
            metavar="SECONDS",
            help="How long GitHub may pause while answering (default 30). Env RECONCILER_READ_TIMEOUT.",
        ),
    ]
    # click lists the option applied last first: apply them backwards to list them as written.
    for option in reversed(options):
        command = option(command)
    return command


class RunWatch:
    """Several watchers as one. A watcher's failure is logged, never a failed run."""

    def __init__(self, parts: Sequence[Watch], closers: Sequence[Callable[[], None]] = ()) -> None:
        self._parts = tuple(parts)
        self._closers = tuple(closers)

    def request_finished(self, event: Any) -> None:
        self._each(lambda part: part.request_finished(event))

    def waited(self, event: Any) -> None:
        self._each(lambda part: part.waited(event))

    def progress(self, event: ProgressEvent) -> None:
        self._each(lambda part: part.progress(event))

    def pause(self) -> None:
        self._each(lambda part: part.pause())

    def close(self) -> None:
        self.pause()
        for close in self._closers:
            close()

    def _each(self, call: Callable[[Watch], None]) -> None:
        for part in self._parts:
            try:
                call(part)
            except Exception:
                _log.exception("a progress display or log failed")


def progress_mode(requested: str, stream: Any = None, environ: Any = None) -> str:
    """rich, plain or off: what `auto` means here (at a terminal: rich), and plain lines where
    no escape sequence may be printed."""
    stream = sys.stderr if stream is None else stream
    env = os.environ if environ is None else environ
    terminal = bool(getattr(stream, "isatty", lambda: False)())
    mode = ("rich" if terminal else "off") if requested == "auto" else requested
    if mode == "rich" and (not styling_allowed(env) or env.get("TERM", "") == "dumb"):
        return "plain"
    return mode


def _stderr_console(*, live: bool, force: bool = False) -> Console:
    # A live display writes to the stderr of the moment it starts, fixed: rich replaces
    # sys.stderr while it runs, and a console that looked it up again would write into itself.
    target = sys.stderr if live else None
    options: dict[str, Any] = {"highlight": False}
    if live:
        # What rich moves above the display keeps its own line breaks (a JSON document, a long
        # line the terminal wraps) instead of being wrapped again.
        options.update(file=target, soft_wrap=True, force_terminal=True if force else None)
    else:
        options["stderr"] = True
    if not styling_allowed():
        options.update(color_system=None, no_color=True)
    return RedactingConsole(**options)


def start_watch(ctx: click.Context) -> Watch:
    """The run's watch, as the options say; closed (the display gone, the log file closed)
    when the command's context closes."""
    from reconciler.cli.progress_display import LiveProgress, PlainProgress
    from reconciler.cli.run_log import DebugLog, JsonLog, VerboseLog

    chosen = settings(ctx)
    parts: list[Watch] = []
    closers: list[Callable[[], None]] = []
    mode = progress_mode(chosen.progress)
    if mode == "rich":
        parts.append(LiveProgress(_stderr_console(live=True, force=chosen.progress == "rich")))
    elif mode == "plain":
        parts.append(PlainProgress(_write_line))
    if chosen.verbose:
        parts.append(VerboseLog(_stderr_console(live=False)))
    if chosen.debug:
        parts.append(DebugLog())
        closers.append(_debug_handler())
    if chosen.log_file is not None:
        log = JsonLog(chosen.log_file, ctx.info_name or "reconciler")
        parts.append(log)
        closers.append(log.close)
    watch = RunWatch(parts, closers)
    ctx.call_on_close(watch.close)
    return watch


def _write_line(line: str) -> None:
    stream = redacted_stderr()
    stream.write(line + "\n")
    stream.flush()


def _debug_handler() -> Callable[[], None]:
    """Send `reconciler.requests` records to stderr for this run; returns what undoes it."""
    from reconciler.cli.run_log import REQUESTS_LOGGER

    logger = logging.getLogger(REQUESTS_LOGGER)
    handler = logging.StreamHandler(redacted_stderr())
    handler.setFormatter(logging.Formatter("debug: %(message)s"))
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    def undo() -> None:
        logger.removeHandler(handler)
        logger.setLevel(previous)

    return undo
