"""Reaching GitHub for a command: real GitHub with a token, or the built-in sandbox.

A command makes one session: one connection pool, one scheduler per token keeping to GitHub's
limits, one response cache. Planning reads through an `HttpReader` on it; only apply and the
publishers get an `HttpWriter`. The session counts what the command spent and waited, which
plan, apply and drift print at the end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rich.console import Console
from rich.text import Text

from reconciler.commands.support.options import GitHubOptions
from reconciler.commands.support.sandbox_state import sandbox_state_file
from reconciler.commands.support.watch import UNWATCHED, Watch
from reconciler.errors import ConfigurationError
from reconciler.github.http import (
    GITHUB_API_URL,
    DiskResponseCache,
    HttpReader,
    HttpWriter,
    Limits,
    RetryPolicy,
    Session,
    Settings,
    StaticToken,
    Timeouts,
    check_base_url,
    default_cache_directory,
    is_loopback,
)
from reconciler.kinds.secrets.spec import OWN_TOKEN_VARIABLES
from reconciler.progress import Progress
from reconciler.redaction import register

if TYPE_CHECKING:
    from reconciler.sandbox import Sandbox

# Two attempts where no connection could be made: an unreachable --github-url is said within
# about the connect timeout, not after 15 s of silent backoff.
GITHUB_RETRY = RetryPolicy(connect_attempts=2)
GITHUB_LIMITS = Limits.github()
# The sandbox enforces GitHub's secondary limits as GitHub does, so a command keeps to them
# there too; only the second between writes, a courtesy to GitHub's own load, is left out, so
# the demo's apply of about a hundred requests takes a second or two. Waits are short: the
# sandbox is local.
SANDBOX_RETRY = RetryPolicy(
    attempts=3, connect_attempts=2, backoff_base=0.05, backoff_max=0.5, secondary_wait=1.0, max_wait=5.0
)
SANDBOX_LIMITS = replace(Limits.github(), write_interval=0.0)
# An explicit opt-in to send the token over plain http to another machine (a trusted network).
INSECURE_HTTP_VARIABLE = "RECONCILER_ALLOW_INSECURE_HTTP"


@dataclass(frozen=True)
class Connection:
    """One command's session with GitHub (or the sandbox), and who watches it."""

    session: Session
    watch: Watch = UNWATCHED

    @property
    def base_url(self) -> str:
        return self.session.base_url

    @property
    def progress(self) -> Progress:
        """What the engine tells of each repository it plans, applies or imports."""
        return self.watch.progress


def _token(env: Mapping[str, str]) -> str:
    for name in OWN_TOKEN_VARIABLES:
        value = env.get(name, "").strip()
        if value:
            # Registered as it is read, so nothing reconciler shows or writes can carry it.
            register(value)
            return value
    raise ConfigurationError(
        "no GitHub token: set GITHUB_TOKEN (or GH_TOKEN) to a token that can administer the "
        "repositories in the desired state, or use --sandbox to try reconciler against the built-in sandbox"
    )


def _base_url(url: str, env: Mapping[str, str]) -> tuple[str, bool]:
    """The checked base URL, and whether plain http to another machine was opted into."""
    insecure = env.get(INSECURE_HTTP_VARIABLE, "").strip().lower() in ("1", "true", "yes")
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if parts is not None and parts.scheme.lower() == "http" and host and not is_loopback(host) and not insecure:
        raise ConfigurationError(
            f"--github-url is plain http to {host}: the token would cross the network unencrypted. Use https:// "
            f"(GitHub Enterprise Server: https://HOST/api/v3), or set {INSECURE_HTTP_VARIABLE}=1 on a trusted network"
        )
    return check_base_url(url, allow_insecure_http=insecure), insecure


def open_sandbox(state_file: Path) -> Sandbox:
    """The sandbox on its state file; a broken file or setting is the user's to fix (exit 1)."""
    # Loaded here, not at import: only --sandbox commands need the sandbox.
    from reconciler.sandbox import Sandbox, SecondaryLimits, StateFileError

    try:
        return Sandbox(state_file, secondary_limits=SecondaryLimits())
    except StateFileError as exc:
        raise ConfigurationError(f"{exc}. Remove it, or run: reconciler sandbox reset") from None
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None


def _limits(base: Limits, max_write_interval: float | None) -> Limits:
    if max_write_interval is None or base.write_interval <= max_write_interval:
        return base
    return replace(base, write_interval=max_write_interval)


@contextmanager
def github_connection(
    options: GitHubOptions, env: Mapping[str, str] = os.environ, *, max_write_interval: float | None = None
) -> Iterator[Connection]:
    """Yield a connection; with --sandbox, the sandbox runs for exactly as long as the command.
    `max_write_interval` shortens the spacing between writes (an emergency stop)."""
    if options.sandbox:
        if options.github_url:
            raise ConfigurationError("--sandbox and --github-url cannot be used together")
        from reconciler.sandbox.location import COMMAND_TOKEN

        with open_sandbox(sandbox_state_file(env)) as sandbox:
            settings = Settings(
                sandbox.url,
                StaticToken(COMMAND_TOKEN),
                limits=_limits(SANDBOX_LIMITS, max_write_interval),
                retry=SANDBOX_RETRY,
                timeouts=_timeouts(options),
                observers=(options.watch,),
                environ=env,
            )
            with _session(settings, options.watch) as connection:
                yield connection
        return
    url, insecure = _base_url(options.github_url or env.get("GITHUB_API_URL") or GITHUB_API_URL, env)
    directory = default_cache_directory(env)
    cache = DiskResponseCache(directory) if directory is not None else None
    settings = Settings(
        url,
        StaticToken(_token(env)),
        limits=_limits(GITHUB_LIMITS, max_write_interval),
        retry=GITHUB_RETRY,
        cache=cache,
        timeouts=_timeouts(options),
        observers=(options.watch,),
        allow_insecure_http=insecure,
        environ=env,
    )
    try:
        with _session(settings, options.watch) as connection:
            yield connection
    finally:
        if cache is not None:
            # Each run leaves the cache within its bounds (size, age): it never grows unseen.
            cache.prune()


def _timeouts(options: GitHubOptions) -> Timeouts:
    default = Timeouts()
    connect = options.connect_timeout or default.connect
    read = options.read_timeout or default.read
    # The whole request's deadline never cuts a connection and a read the user allowed.
    return Timeouts(connect=connect, read=read, deadline=max(default.deadline, connect + read))


@contextmanager
def _session(settings: Settings, watch: Watch) -> Iterator[Connection]:
    session = Session(settings)
    try:
        yield Connection(session, watch)
    finally:
        # Whatever the command prints next (an error, its last words) is not under a live display.
        watch.pause()
        session.close()


@contextmanager
def github_reader(connection: Connection) -> Iterator[HttpReader]:
    """A read-only port for one command."""
    yield HttpReader(connection.session)


@contextmanager
def github_writer(connection: Connection) -> Iterator[HttpWriter]:
    """A port that writes: only apply and the publishers get one."""
    yield HttpWriter(connection.session)


def show_usage(connection: Connection, err: Console) -> None:
    """What the command spent and waited: "GitHub: 412 requests (380 GET, 30 writes), 37 answered 304; ..."."""
    err.print(Text(f"GitHub: {connection.session.usage().summary()}", style="dim"), soft_wrap=True)
