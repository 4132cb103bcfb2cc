"""How a command reaches GitHub, as the command line says it (no client is built here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reconciler.commands.support.watch import UNWATCHED, Watch

# How long apply, stop and uninstall wait for another run on the same desired state and GitHub
# (run_lock.py): long enough for an apply of a few hundred repositories to finish.
DEFAULT_LOCK_TIMEOUT = 300.0


@dataclass(frozen=True)
class GitHubOptions:
    github_url: str | None = None
    sandbox: bool = False
    # A GitHub App to act as (see commands/support/credentials.py); None: from the environment.
    app_id: str | None = None
    app_private_key: Path | None = None
    app_installation_id: str | None = None
    # Seconds to wait for a connection, and between two bytes of an answer (None: the client's).
    connect_timeout: float | None = None
    read_timeout: float | None = None
    # Progress, -v, --debug and --log-file (see watch.py); compared by identity.
    watch: Watch = field(default=UNWATCHED, compare=False)
