"""The sandbox's command line: ``reconciler sandbox ...`` and ``python -m reconciler.sandbox ...``.

Only ``serve`` runs a server (see ``serving``). The others open the state file, make their
change in one transaction and close it, so the next ``--sandbox`` command, or a ``serve``
running on the same file, sees the change at once.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

import click

from . import clock
from .cli_operations import app_command, clock_command, record_run_command
from .cli_reset import reset_command
from .cli_support import command_name, open_sandbox, state_option
from .identities import ROLES, UNKNOWN_TOKEN_POLICIES, TokenGrant
from .location import COMMAND_TOKEN, state_file_from_env
from .routes.secrets import NAME_RULES, valid_name
from .sandbox import Sandbox
from .secondary_limits import SecondaryLimits
from .seed import operator_grant
from .serving import parse_limit_settings, secondary_limits_from, serve
from .store import StateFileError

# ``serve`` and the limit helpers are the public face of ``serving`` here too.
__all__ = ["main", "parse_limit_settings", "sandbox_group", "secondary_limits_from", "serve"]


# -- the click group ------------------------------------------------------------------------------


@click.group("sandbox")
def sandbox_group() -> None:
    """The built-in GitHub sandbox: a stateful stand-in for GitHub's REST API on 127.0.0.1."""


@sandbox_group.command("serve")
@click.option("--port", type=int, default=0, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.option(
    "--latency-ms",
    type=float,
    default=None,
    help="Delay before each answer (default: $RECONCILER_SANDBOX_LATENCY_MS or 0).",
)
@state_option
@click.option("--no-secondary-limits", is_flag=True, help="Do not enforce GitHub's secondary rate limits.")
@click.option(
    "--secondary-limit-scale",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    metavar="FACTOR",
    help="Multiply every secondary limit (0.1: a tenth of GitHub's numbers).",
)
@click.option(
    "--secondary-limit",
    "secondary_limit",
    multiple=True,
    metavar="NAME=N",
    help=f"Set one secondary limit ({', '.join(SecondaryLimits.names())}), e.g. content_per_minute=5 (repeatable).",
)
def serve_command(
    port: int,
    latency_ms: float | None,
    state: Path | None,
    no_secondary_limits: bool,
    secondary_limit_scale: float,
    secondary_limit: tuple[str, ...],
) -> None:
    """Serve the sandbox in the foreground, for curl or any GitHub client. GitHub's secondary
    rate limits are enforced unless --no-secondary-limits.

    Other commands (and --sandbox commands) may use the same state file meanwhile."""
    try:
        serve(
            port=port,
            state_file=state or state_file_from_env(),
            latency_ms=latency_ms,
            secondary_limits=not no_secondary_limits,
            secondary_scale=secondary_limit_scale,
            secondary_limit_settings=secondary_limit,
        )
    except StateFileError as exc:
        raise click.ClickException(f"{exc}. Remove it, or run: {command_name('reset')}") from None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--secondary-limit") from None


def _repository_roles(values: tuple[str, ...], role: str) -> dict[str, str]:
    roles: dict[str, str] = {}
    for value in values:
        slug, _, named = value.partition("=")
        owner, _, name = slug.partition("/")
        if not owner or not name or "/" in name:
            raise click.BadParameter(f"{value!r}: expected OWNER/NAME or OWNER/NAME=ROLE", param_hint="--repo")
        if named and named not in ROLES:
            raise click.BadParameter(f"{value!r}: the role must be one of {', '.join(ROLES)}", param_hint="--repo")
        roles[slug] = named or role
    return roles


def _describe(grant: TokenGrant) -> str:
    kind = "fine-grained (no X-OAuth-Scopes)" if grant.fine_grained else "classic"
    if not grant.valid:
        return f"{kind}, revoked"
    named = "".join(f"; {role} in {slug}" for slug, role in grant.repositories.items())
    expires = f"; expires {clock.iso(grant.expires_at)}" if grant.expires_at is not None else ""
    return (
        f"{kind}, user {grant.login}, scopes: {', '.join(grant.scopes) or 'none'}; "
        f"role {grant.role or 'none (public repositories only)'}{named}{expires}"
    )


def _expiry(sandbox: Sandbox, expires_in: str | None, expires_at: str | None) -> int | None:
    """When the token expires, by the sandbox's clock: ``--expires-in 3d`` or ``--expires-at``
    an ISO 8601 date or date-time (UTC unless it says otherwise)."""
    if expires_in is not None and expires_at is not None:
        raise click.UsageError("give --expires-in or --expires-at, not both")
    try:
        if expires_in is not None:
            return int(sandbox.read_clock()[0]) + clock.parse_duration(expires_in)
        if expires_at is not None:
            return int(clock.parse_iso(expires_at))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--expires-in/--expires-at") from None
    return None


@sandbox_group.command("grant")
@click.option("--token", "token", metavar="NAME", default=None, help="The token to describe (default: --sandbox's).")
@click.option("--user", "login", metavar="LOGIN", default=None, help="The user it acts for (default: the operator).")
@click.option(
    "--scopes",
    default=None,
    metavar="SCOPE,...",
    help="Classic scopes, comma-separated ('' for none). Default: repo, workflow, read:org.",
)
@click.option(
    "--role",
    type=click.Choice(list(ROLES)),
    default=None,
    help="The user's role on every repository (default admin), and on each --repo named without one.",
)
@click.option(
    "--repo",
    "repos",
    multiple=True,
    metavar="OWNER/NAME[=ROLE]",
    help="A role in one repository, overriding --role (repeatable).",
)
@click.option(
    "--no-access",
    is_flag=True,
    help="No role but in the --repo repositories: other private ones are 404, public ones read-only.",
)
@click.option("--fine-grained", is_flag=True, help="Act as a fine-grained token: GitHub sends no X-OAuth-Scopes.")
@click.option("--revoke", is_flag=True, help="Make GitHub reject the token (401 Bad credentials).")
@click.option(
    "--expires-in",
    metavar="DURATION",
    default=None,
    help="The token expires this long from the sandbox's now (3700, 90m, 3d): 401 after it.",
)
@click.option("--expires-at", metavar="WHEN", default=None, help="The token expires then (2026-12-31, or a date-time).")
@click.option(
    "--reset",
    is_flag=True,
    help="Back to the default grant (the operator's) for --sandbox's token; forget any other token.",
)
@click.option(
    "--unknown-tokens",
    type=click.Choice(list(UNKNOWN_TOKEN_POLICIES)),
    default=None,
    help="What tokens without a grant get: the operator's identity (the default) or 401, as on GitHub.",
)
@state_option
def grant_command(
    token: str | None,
    login: str | None,
    scopes: str | None,
    role: str | None,
    repos: tuple[str, ...],
    no_access: bool,
    fine_grained: bool,
    revoke: bool,
    expires_in: str | None,
    expires_at: str | None,
    reset: bool,
    unknown_tokens: str | None,
    state: Path | None,
) -> None:
    """Say who a token is and what it may do, e.g. to see verify report a missing permission,
    or to try a client as a stranger who sees only public repositories.

    Without --token this is the token of --sandbox commands; an unknown token acts as the
    operator (admin everywhere) unless --unknown-tokens reject."""
    described = any((login, scopes is not None, role, repos, no_access, fine_grained, revoke, expires_in, expires_at))
    if reset and described:
        raise click.UsageError("--reset cannot be combined with options that describe a grant")
    which = "the --token token" if token is not None else "the token of --sandbox commands"
    sandbox = open_sandbox(state)
    path = sandbox.state_file
    try:
        if unknown_tokens is not None:
            sandbox.set_unknown_tokens(unknown_tokens)
            click.echo(f"Sandbox tokens without a grant: {unknown_tokens} ({path}).")
            if not (described or reset or token):
                return
        if reset:
            grant = operator_grant() if token is None else None
        else:
            grant = TokenGrant(
                role=None if no_access else (role or "admin"),
                fine_grained=fine_grained,
                valid=not revoke,
                repositories=_repository_roles(repos, role or "admin"),
                expires_at=_expiry(sandbox, expires_in, expires_at),
            )
            if login is not None:
                grant.login = login
            if scopes is not None:
                grant.scopes = [s.strip() for s in scopes.split(",") if s.strip()]
        sandbox.set_token_grant(token if token is not None else COMMAND_TOKEN, grant)
    finally:
        sandbox.close()
    if grant is None:
        click.echo(f"Sandbox token grant reset for {which}: it is an unknown token again ({path}).")
    elif reset:
        click.echo(f"Sandbox token grant reset for {which}: default scopes, role admin ({path}).")
    else:
        click.echo(f"Sandbox token grant: {_describe(grant)} ({path}).")


@sandbox_group.command("rate-limit")
@click.option("--remaining", type=click.IntRange(min=0), required=True, help="Requests left in this hour's budget.")
@state_option
def rate_limit_command(remaining: int, state: Path | None) -> None:
    """Set how much of the hourly rate-limit budget is left (0: spent, until the hour is over)."""
    sandbox = open_sandbox(state)
    try:
        sandbox.set_rate_limit(remaining=remaining)
    finally:
        sandbox.close()
    click.echo(f"Sandbox rate limit: {remaining} requests left this hour ({sandbox.state_file}).")


def _secret_value(name: str, repository: str, body: str | None, from_env: str | None) -> str:
    """The value as `gh secret set` takes it: --body, else stdin when it is not a terminal
    (read whole, without a prompt or a warning; trailing line breaks dropped), else a prompt
    that does not echo."""
    if body is not None and from_env is not None:
        raise click.UsageError("give the value with --body or --from-env, not both")
    if body is not None:
        return body
    if from_env is not None:
        return os.environ.get(from_env, "")
    if sys.stdin.isatty():
        return getpass.getpass(f"? Paste the value of {name} for {repository}: ")
    return sys.stdin.read().rstrip("\r\n")


@sandbox_group.command("set-secret")
@click.argument("repository", metavar="OWNER/NAME")
@click.argument("name")
@click.option("--body", "-b", default=None, help="The value (otherwise read from stdin, or asked for at a terminal).")
@click.option("--from-env", metavar="VAR", default=None, help="Read the value from this environment variable.")
@state_option
def set_secret_command(repository: str, name: str, body: str | None, from_env: str | None, state: Path | None) -> None:
    """What `gh secret set NAME --repo OWNER/NAME` does, on the sandbox: for the secrets only a
    person can set. The sandbox keeps a salted digest of the value, never the value."""
    if not valid_name(name):
        raise click.ClickException(f"{name!r} is not a valid secret name. {NAME_RULES}")
    value = _secret_value(name, repository, body, from_env)
    if not value:
        where = f"the environment variable {from_env} is not set or" if from_env is not None else "the value"
        raise click.ClickException(f"{where} is empty: a secret needs a value")
    owner, _, repo_name = repository.partition("/")
    sandbox = open_sandbox(state)
    try:
        with sandbox.transaction() as world:
            repo = world.find_repo(owner, repo_name)
            if repo is None:
                raise click.ClickException(f"the sandbox has no repository {repository}")
            created = repo.store_secret(name, value.encode("utf-8"))
    finally:
        sandbox.close()
    # Like `gh secret set`, never echo the value.
    click.echo(f"✓ {'Set' if created else 'Updated'} secret {name.upper()} for {repository} (sandbox)")


for _command in (app_command, clock_command, record_run_command, reset_command):
    sandbox_group.add_command(_command)


# -- python -m reconciler.sandbox -----------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """``python -m reconciler.sandbox COMMAND ...`` runs the group; without a command it serves,
    in memory unless ``--state`` names a file, as it always has."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and (args[0] in sandbox_group.commands or args[0] in ("-h", "--help")):
        sandbox_group.main(args=args, prog_name="python -m reconciler.sandbox")
        return
    parser = argparse.ArgumentParser(
        prog="python -m reconciler.sandbox",
        description="Serve a stand-in for GitHub's REST API on 127.0.0.1. "
        f"Commands: {', '.join(sorted(sandbox_group.commands))} (see COMMAND --help).",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free port)")
    parser.add_argument("--state", type=Path, default=None, help="file to keep the state in (SQLite)")
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=None,
        help="delay before each answer (default: $RECONCILER_SANDBOX_LATENCY_MS or 0)",
    )
    parser.add_argument(
        "--no-secondary-limits", action="store_true", help="do not enforce GitHub's secondary rate limits"
    )
    parser.add_argument(
        "--secondary-limit-scale",
        type=float,
        default=1.0,
        metavar="FACTOR",
        help="multiply every secondary limit (0.1: a tenth of GitHub's numbers)",
    )
    parser.add_argument(
        "--secondary-limit",
        action="append",
        default=[],
        metavar="NAME=N",
        help=f"set one secondary limit ({', '.join(SecondaryLimits.names())}); repeatable",
    )
    parsed = parser.parse_args(args)
    try:
        serve(
            port=parsed.port,
            state_file=parsed.state,
            latency_ms=parsed.latency_ms,
            secondary_limits=not parsed.no_secondary_limits,
            secondary_scale=parsed.secondary_limit_scale,
            secondary_limit_settings=parsed.secondary_limit,
        )
    except ValueError as exc:
        parser.error(str(exc))
