"""Reaching GitHub for a command: real GitHub with a token, or the built-in sandbox.

A command makes one session: one connection pool, one scheduler per token (or App
installation) keeping to GitHub's limits, one response cache. Which credentials it uses, and in
what order they are looked for, is `credentials.py`'s to say. Planning reads through an
`HttpReader` on it; only apply and the publishers get an `HttpWriter`. The session counts
what the command spent and waited, which plan, apply and drift print at the end.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rich.console import Console
from rich.text import Text

from reconciler.commands.support.credentials import AppConfig, app_config, find_token
from reconciler.commands.support.options import GitHubOptions
from reconciler.commands.support.sandbox_state import sandbox_state_file
from reconciler.commands.support.watch import UNWATCHED, Watch
from reconciler.desired.state import Declarations
from reconciler.errors import ConfigurationError
from reconciler.github.http import (
    GITHUB_API_URL,
    Bounds,
    Credentials,
    DiskResponseCache,
    HttpReader,
    HttpWriter,
    Limits,
    RetryPolicy,
    Session,
    Settings,
    StaticToken,
    SystemClock,
    Timeouts,
    check_base_url,
    default_cache_directory,
    is_loopback,
)
from reconciler.github.http.transport import Transport
from reconciler.progress import Progress

if TYPE_CHECKING:
    from reconciler.github.http.app_credentials import AppCredentials
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
# A benchmarking knob: every rate the client keeps multiplied by this factor, to match a
# sandbox served with the same --secondary-limit-scale. Never for GitHub itself.
LIMIT_SCALE_VARIABLE = "RECONCILER_LIMIT_SCALE"


@dataclass(frozen=True)
class Connection:
    """One command's session with GitHub (or the sandbox), where its credentials came from,
    and who watches it."""

    session: Session
    # "GH_TOKEN", "gh auth token", "the sandbox's token"; for an App, where its private key
    # came from (a file, or the variable read: RECONCILER_APP_PRIVATE_KEY, GITHUB_APP_PRIVATE_KEY).
    source: str = ""
    app: AppCredentials | None = field(default=None, repr=False)
    watch: Watch = field(default=UNWATCHED, repr=False)

    @property
    def base_url(self) -> str:
        return self.session.base_url

    @property
    def progress(self) -> Progress:
        """What the engine tells of each repository it plans, applies or imports."""
        return self.watch.progress

    def credentials(self) -> str:
        """What verify shows: "from GH_TOKEN", or "GitHub App 12345, installation 678 for OWNER;
        key from GITHUB_APP_PRIVATE_KEY" (where the key was read, never the key)."""
        if self.app is None:
            return f"from {self.source}"
        return self.app.describe() + (f"; key from {self.source}" if self.source else "")


def declared_owners(config: Declarations) -> list[str]:
    """The accounts the desired state names, in the order it names them: each is one App
    installation (and one budget) when reconciler acts as an App."""
    owners = [org.name for org in config.organizations]
    owners += [repository.name.split("/", 1)[0] for repository in config.repositories]
    return owners


def _app_credentials(
    config: AppConfig,
    url: str,
    retry: RetryPolicy,
    env: Mapping[str, str],
    insecure: bool,
    transport_settings: tuple[Timeouts, Bounds],
) -> AppCredentials:
    # Loaded only for a run as an App: the JWT signer brings in PyGithub and cryptography.
    from reconciler.github.http.app_api import AppApi
    from reconciler.github.http.app_credentials import AppCredentials
    from reconciler.github.http.app_jwt import AppJwt, ServerClock

    clock = SystemClock()
    server_clock = ServerClock(clock)
    checked = check_base_url(url, allow_insecure_http=insecure)
    api = AppApi(
        checked,
        AppJwt(config.app_id, config.private_key_pem, server_clock),
        server_clock,
        # The user's timeouts and bounds hold for minting tokens as for every other request.
        Transport(checked, pool_size=2, environ=env, timeouts=transport_settings[0], bounds=transport_settings[1]),
        clock=clock,
        retry=retry,
        sources=config.sources,
    )
    return AppCredentials(api, server_clock, installation_id=config.installation_id)


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


def _limits(base: Limits, max_write_interval: float | None, env: Mapping[str, str]) -> Limits:
    scale = env.get(LIMIT_SCALE_VARIABLE, "").strip()
    if scale:
        try:
            base = base.scaled(float(scale))
        except ValueError:
            raise ConfigurationError(f"{LIMIT_SCALE_VARIABLE} must be a positive number, not {scale!r}") from None
    if max_write_interval is None or base.write_interval <= max_write_interval:
        return base
    return replace(base, write_interval=max_write_interval)


def github_limits(env: Mapping[str, str] = os.environ) -> Limits:
    """The limits a command keeps against GitHub (scaled by RECONCILER_LIMIT_SCALE, if set)."""
    return _limits(GITHUB_LIMITS, None, env)


@contextmanager
def github_connection(
    options: GitHubOptions,
    env: Mapping[str, str] = os.environ,
    *,
    max_write_interval: float | None = None,
    owners: Iterable[str] = (),
) -> Iterator[Connection]:
    """Yield a connection; with --sandbox, the sandbox runs for exactly as long as the command.
    `max_write_interval` shortens the spacing between writes (an emergency stop); `owners`
    (the desired state's accounts) tells a GitHub App which installation serves requests that
    concern no repository."""
    app = app_config(options, env)
    if options.sandbox:
        if options.github_url:
            raise ConfigurationError("--sandbox and --github-url cannot be used together")
        from reconciler.sandbox.location import COMMAND_TOKEN

        with open_sandbox(sandbox_state_file(env)) as sandbox:
            limits, retry = _limits(SANDBOX_LIMITS, max_write_interval, env), SANDBOX_RETRY
            timeouts, bounds = _timeouts(options, env), _bounds(env)
            acting = (
                _app_credentials(app, sandbox.url, retry, env, False, (timeouts, bounds)) if app is not None else None
            )
            credentials: Credentials = acting if acting is not None else StaticToken(COMMAND_TOKEN)
            settings = Settings(
                sandbox.url,
                credentials,
                limits=limits,
                retry=retry,
                timeouts=timeouts,
                bounds=bounds,
                observers=(options.watch,),
                environ=env,
            )
            source = app.key_source if app is not None else "the sandbox's token"
            with _session(settings, source, acting, options.watch) as connection:
                yield _with_owners(connection, owners)
        return
    url, insecure = _base_url(options.github_url or env.get("GITHUB_API_URL") or GITHUB_API_URL, env)
    directory = default_cache_directory(env)
    cache = DiskResponseCache(directory) if directory is not None else None
    source, acting = "", None
    timeouts, bounds = _timeouts(options, env), _bounds(env)
    if app is not None:
        credentials = acting = _app_credentials(app, url, GITHUB_RETRY, env, insecure, (timeouts, bounds))
        source = app.key_source
    else:
        found = find_token(env, url)
        credentials, source = StaticToken(found.token), found.source
    settings = Settings(
        url,
        credentials,
        limits=_limits(GITHUB_LIMITS, max_write_interval, env),
        retry=GITHUB_RETRY,
        cache=cache,
        timeouts=timeouts,
        bounds=bounds,
        observers=(options.watch,),
        allow_insecure_http=insecure,
        environ=env,
    )
    try:
        with _session(settings, source, acting, options.watch) as connection:
            yield _with_owners(connection, owners)
    finally:
        if cache is not None:
            # Each run leaves the cache within its bounds (size, age): it never grows unseen.
            cache.prune()


def _with_owners(connection: Connection, owners: Iterable[str]) -> Connection:
    if connection.app is not None:
        connection.app.expect(owners)
    return connection


# Bounds on what one request may take, for a server that answers too slowly or without end:
# the whole request's deadline (connect, headers and body) and the pages one listing may have.
DEADLINE_VARIABLE = "RECONCILER_REQUEST_DEADLINE"
MAX_PAGES_VARIABLE = "RECONCILER_MAX_PAGES"


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number, not {raw!r}") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be more than 0, not {raw!r}")
    return value


def _timeouts(options: GitHubOptions, env: Mapping[str, str]) -> Timeouts:
    default = Timeouts()
    connect = options.connect_timeout or default.connect
    read = options.read_timeout or default.read
    # The whole request's deadline never cuts a connection and a read the user allowed.
    deadline = _positive(env, DEADLINE_VARIABLE, max(default.deadline, connect + read))
    return Timeouts(connect=connect, read=read, deadline=max(deadline, connect + read))


def _bounds(env: Mapping[str, str]) -> Bounds:
    return Bounds(max_pages=int(_positive(env, MAX_PAGES_VARIABLE, Bounds().max_pages)))


@contextmanager
def _session(settings: Settings, source: str, app: AppCredentials | None, watch: Watch) -> Iterator[Connection]:
    session = Session(settings)
    try:
        yield Connection(session, source, app, watch)
    finally:
        # Whatever the command prints next (an error, its last words) is not under a live display.
        watch.pause()
        session.close()
        if app is not None:
            app.close()


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
