"""Reaching GitHub for a command: real GitHub with a token, or the built-in sandbox."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from reconciler.commands.support.options import GitHubOptions
from reconciler.commands.support.sandbox_state import sandbox_state_file
from reconciler.errors import ConfigurationError
from reconciler.github.adapter import DEFAULT_GITHUB_URL, Connection, PyGithubReader, PyGithubWriter
from reconciler.github.pacing import PacingPolicy, RetryPolicy
from reconciler.github.response_cache import DiskResponseCache, default_cache_directory
from reconciler.kinds.secrets.spec import OWN_TOKEN_VARIABLES
from reconciler.redaction import register

if TYPE_CHECKING:
    from reconciler.sandbox import Sandbox

GITHUB_RETRY = RetryPolicy()
GITHUB_PACING = PacingPolicy()
# The sandbox is local: no pacing, short waits. It enforces GitHub's secondary limits, as
# GitHub would; a demo stays far below them.
SANDBOX_RETRY = RetryPolicy(attempts=3, backoff_base=0.05, backoff_max=0.5, secondary_wait=1.0, max_wait=5.0)
SANDBOX_PACING = PacingPolicy(write_interval=0.0, max_concurrency=8)


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


def _base_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigurationError(
            f"--github-url {url!r} is not an http(s) URL; for GitHub Enterprise Server use https://HOST/api/v3"
        )
    return url.rstrip("/")


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


@contextmanager
def github_connection(options: GitHubOptions, env: Mapping[str, str] = os.environ) -> Iterator[Connection]:
    """Yield a connection; with --sandbox, the sandbox runs for exactly as long as the command."""
    if options.sandbox:
        if options.github_url:
            raise ConfigurationError("--sandbox and --github-url cannot be used together")
        from reconciler.sandbox.location import COMMAND_TOKEN

        with open_sandbox(sandbox_state_file(env)) as sandbox:
            # A fixed token, so a real one is never sent to the sandbox.
            yield Connection(sandbox.url, token=COMMAND_TOKEN, retry=SANDBOX_RETRY, pacing=SANDBOX_PACING)
        return
    url = _base_url(options.github_url or env.get("GITHUB_API_URL") or DEFAULT_GITHUB_URL)
    directory = default_cache_directory(env)
    cache = DiskResponseCache(directory) if directory is not None else None
    yield Connection(url, token=_token(env), retry=GITHUB_RETRY, pacing=GITHUB_PACING, cache=cache)


@contextmanager
def github_reader(connection: Connection) -> Iterator[PyGithubReader]:
    """A read-only port for one command, closed when it is done."""
    reader = PyGithubReader(connection)
    try:
        yield reader
    finally:
        reader.close()


@contextmanager
def github_writer(connection: Connection) -> Iterator[PyGithubWriter]:
    """A port that writes: only apply and the publishers get one."""
    writer = PyGithubWriter(connection)
    try:
        yield writer
    finally:
        writer.close()
