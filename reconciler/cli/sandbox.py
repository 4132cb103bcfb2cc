"""`reconciler sandbox ...`: run and steer the built-in GitHub sandbox."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.cli.options import out_console
from reconciler.commands.support.sandbox_state import sandbox_state_file

ROLES = ("pull", "triage", "push", "maintain", "admin")
state_option = click.option("--state", "state", type=click.Path(path_type=Path), default=None, help="State file.")


@click.group()
def sandbox() -> None:
    """The built-in GitHub sandbox: a stateful stand-in for GitHub's REST API on 127.0.0.1."""


@sandbox.command("serve")
@click.option("--port", type=int, default=0, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
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
    help="Set one secondary limit, e.g. content_per_minute=5 (repeatable).",
)
def sandbox_serve(
    port: int,
    state: Path | None,
    no_secondary_limits: bool,
    secondary_limit_scale: float,
    secondary_limit: tuple[str, ...],
) -> int:
    """Serve the sandbox in the foreground, for curl or any GitHub client. GitHub's secondary
    rate limits are enforced unless --no-secondary-limits."""
    from reconciler.sandbox import serve

    try:
        serve(
            port=port,
            state_file=state or sandbox_state_file(),
            secondary_limits=not no_secondary_limits,
            secondary_scale=secondary_limit_scale,
            secondary_limit_settings=secondary_limit,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--secondary-limit") from None
    return 0


@sandbox.command("reset")
@state_option
def sandbox_reset(state: Path | None) -> int:
    """Forget every change: the next --sandbox command starts from the seeded, drifted state."""
    from reconciler.commands.sandbox_admin import run_sandbox_reset

    return run_sandbox_reset(state or sandbox_state_file(), out_console())


@sandbox.command("grant")
@click.option(
    "--scopes",
    default=None,
    metavar="SCOPE,...",
    help="Classic scopes, comma-separated ('' for none). Default: repo, workflow, read:org.",
)
@click.option(
    "--role",
    type=click.Choice(list(ROLES)),
    default="admin",
    show_default=True,
    help="The token owner's role on every repository (its `permissions`, and which writes are allowed).",
)
@click.option("--fine-grained", is_flag=True, help="Act as a fine-grained token: GitHub sends no X-OAuth-Scopes.")
@click.option("--revoke", is_flag=True, help="Make GitHub reject the token (401 Bad credentials).")
@click.option("--reset", is_flag=True, help="Forget the grant: the token works with the default scopes again.")
@state_option
def sandbox_grant(
    scopes: str | None, role: str, fine_grained: bool, revoke: bool, reset: bool, state: Path | None
) -> int:
    """Set what the token of --sandbox commands may do, e.g. to see verify report missing permission."""
    from reconciler.commands.sandbox_admin import SandboxGrant, run_sandbox_grant

    grant = SandboxGrant(scopes=scopes, role=role, fine_grained=fine_grained, revoke=revoke, reset=reset)
    return run_sandbox_grant(grant, state or sandbox_state_file(), out_console())


@sandbox.command("rate-limit")
@click.option("--remaining", type=click.IntRange(min=0), required=True, help="Requests left in this hour's budget.")
@state_option
def sandbox_rate_limit(remaining: int, state: Path | None) -> int:
    """Set how much of the hourly rate-limit budget is left (0: spent, until the hour is over)."""
    from reconciler.commands.sandbox_admin import run_sandbox_rate_limit

    return run_sandbox_rate_limit(remaining, state or sandbox_state_file(), out_console())


@sandbox.command("set-secret")
@click.argument("repository", metavar="OWNER/NAME")
@click.argument("name")
@click.option("--from-env", metavar="VAR", default=None, help="Read the value from this environment variable.")
@state_option
def sandbox_set_secret(repository: str, name: str, from_env: str | None, state: Path | None) -> int:
    """What `gh secret set NAME --repo OWNER/NAME` does, on the sandbox: for the secrets only a
    person can set. The value is read from --from-env, or asked for without echo."""
    from reconciler.commands.sandbox_admin import run_sandbox_set_secret

    return run_sandbox_set_secret(repository, name, from_env, state or sandbox_state_file(), out_console())
