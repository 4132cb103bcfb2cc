"""The sandbox's own knobs, for demos and for seeing failures on purpose.

None of these start the server: they load (or seed) the state file, change it, and write it
back, so the next `--sandbox` command sees the change.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from reconciler.commands.support.connect import SANDBOX_TOKEN, open_sandbox
from reconciler.errors import ConfigurationError
from reconciler.names import actions_name_problem
from reconciler.sandbox.state import ROLES, TokenGrant

SANDBOX_ROLES = ROLES


@dataclass(frozen=True)
class SandboxGrant:
    scopes: str | None = None
    role: str = "admin"
    fine_grained: bool = False
    revoke: bool = False
    reset: bool = False


def run_sandbox_reset(state: Path, out: Console) -> int:
    state.unlink(missing_ok=True)
    out.print(f"Sandbox state reset ({state}).")
    return 0


def run_sandbox_grant(options: SandboxGrant, state: Path, out: Console) -> int:
    if options.reset and (
        options.scopes is not None or options.role != "admin" or options.fine_grained or options.revoke
    ):
        raise ConfigurationError("--reset cannot be combined with other options")
    grant = None
    if not options.reset:
        grant = TokenGrant(role=options.role, fine_grained=options.fine_grained, valid=not options.revoke)
        if options.scopes is not None:
            grant.scopes = [s.strip() for s in options.scopes.split(",") if s.strip()]
    open_sandbox(state).set_token_grant(SANDBOX_TOKEN, grant)
    if grant is None:
        out.print(f"Sandbox token grant reset: default scopes, role admin ({state}).", soft_wrap=True)
    else:
        kind = "fine-grained (no X-OAuth-Scopes)" if grant.fine_grained else "classic"
        status = "revoked" if options.revoke else f"scopes: {', '.join(grant.scopes) or 'none'}; role {grant.role}"
        out.print(f"Sandbox token grant: {kind}, {status} ({state}).", soft_wrap=True)
    return 0


def run_sandbox_rate_limit(remaining: int, state: Path, out: Console) -> int:
    open_sandbox(state).set_rate_limit(remaining=remaining)
    out.print(f"Sandbox rate limit: {remaining} requests left this hour ({state}).", soft_wrap=True)
    return 0


def run_sandbox_set_secret(repository: str, name: str, from_env: str | None, state: Path, out: Console) -> int:
    problem = actions_name_problem(name, "secret")
    if problem is not None:
        raise ConfigurationError(problem)
    if from_env is not None:
        value = os.environ.get(from_env, "")
        if not value:
            raise ConfigurationError(f"the environment variable {from_env} is not set")
    else:
        value = getpass.getpass(f"Value for {name} in {repository}: ")
    sandbox = open_sandbox(state)
    owner, _, repo_name = repository.partition("/")
    with sandbox.state.lock:
        repo = sandbox.state.find_repo(owner, repo_name)
        if repo is None:
            raise ConfigurationError(f"the sandbox has no repository {repository}")
        created = repo.store_secret(name, value.encode())
    sandbox.persist()
    # Like `gh secret set`, never echo the value.
    out.print(f"✓ {'Set' if created else 'Updated'} secret {name.upper()} for {repository} (sandbox)", soft_wrap=True)
    return 0
