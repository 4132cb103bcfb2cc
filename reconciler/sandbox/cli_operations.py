"""``reconciler sandbox app``, ``clock`` and ``record-run``: trying GitHub App authentication,
moving the sandbox's time forward, and making a workflow fail or recover.

Each opens the state file, makes its change in one transaction and closes it, so a ``serve``
on the same file sees the change at once.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from . import clock
from .cli_support import open_sandbox, state_option
from .workflows import RUN_CONCLUSIONS, RUN_STATUSES

DEFAULT_KEY_FILE = Path(".reconciler") / "sandbox-app.pem"


def write_private_key(path: Path, pem: str) -> None:
    """Write the key readable by its owner only (0600) from the first byte: a temporary file
    made with that mode, renamed over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(pem)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@click.command("app")
@click.option(
    "--key-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_KEY_FILE,
    show_default=True,
    help="Where to write the App's private key (PEM, mode 0600).",
)
@state_option
def app_command(key_file: Path, state: Path | None) -> None:
    """The sandbox's GitHub App: print its id and client id, write its private key to a file,
    so a client can authenticate as the App (a JWT, then installation tokens)."""
    sandbox = open_sandbox(state)
    try:
        try:
            credentials = sandbox.app_credentials()
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    finally:
        sandbox.close()
    write_private_key(key_file, credentials.private_key_pem)
    installed = ", ".join(f"{account} (installation {number})" for account, number in credentials.installations.items())
    click.echo(
        f"Sandbox GitHub App {credentials.slug}: app id {credentials.app_id}, client id {credentials.client_id}\n"
        f"Installed on: {installed or 'nothing'}\n"
        f"Private key written to {key_file} (mode 0600): the sandbox's own key, worth nothing elsewhere.\n"
        "Try it with a sandbox serving this state (reconciler sandbox serve --port 8080):\n"
        f"  reconciler --github-url http://127.0.0.1:8080 plan --app-id {credentials.app_id} "
        f"--app-private-key {key_file}"
    )


def _moment(text: str) -> float:
    stripped = text.strip()
    return float(stripped) if stripped.replace(".", "", 1).isdigit() else clock.parse_iso(stripped)


@click.command("clock")
@click.option("--advance", metavar="DURATION", default=None, help="Move the clock forward: 3700, 90m, 3d, 1h30m.")
@click.option("--set", "moment", metavar="WHEN", default=None, help="Move the clock forward to an epoch or ISO time.")
@state_option
def clock_command(advance: str | None, moment: str | None, state: Path | None) -> None:
    """Show the sandbox's time, or move it forward (never back), for every process sharing
    the state: tokens expire, rate-limit windows reset, JWTs are checked against it."""
    if advance is not None and moment is not None:
        raise click.UsageError("give --advance or --set, not both")
    sandbox = open_sandbox(state)
    try:
        if advance is not None:
            sandbox.advance_clock(clock.parse_duration(advance))
        elif moment is not None:
            sandbox.set_clock(_moment(moment))
        now, offset = sandbox.read_clock()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        sandbox.close()
    click.echo(f"Sandbox clock: {clock.iso(now)} ({int(offset)} s ahead of the wall clock; {sandbox.state_file}).")


@click.command("record-run")
@click.argument("repository", metavar="OWNER/NAME")
@click.argument("workflow", metavar="WORKFLOW")
@click.option("--conclusion", type=click.Choice(RUN_CONCLUSIONS), default="success", show_default=True)
@click.option(
    "--status",
    type=click.Choice(RUN_STATUSES),
    default="completed",
    show_default=True,
    help="A run not completed has no conclusion.",
)
@click.option("--event", default="workflow_dispatch", show_default=True, help="What triggered it (schedule, push...).")
@click.option("--branch", default=None, help="Its branch (default: the default branch).")
@click.option("--duration", default="5m", show_default=True, help="How long it ran (or has been running): 300, 5m.")
@click.option("--title", default=None, help="Its display title (default: the workflow's name).")
@state_option
def record_run_command(
    repository: str,
    workflow: str,
    conclusion: str,
    status: str,
    event: str,
    branch: str | None,
    duration: str,
    title: str | None,
    state: Path | None,
) -> None:
    """Record a run of WORKFLOW (its id or file name, e.g. autonomous-agent-loop.yml) that ends
    now, e.g. to make a failing agent loop recover."""
    sandbox = open_sandbox(state)
    try:
        run = sandbox.record_run(
            repository,
            workflow,
            conclusion=conclusion if status == "completed" else None,
            status=status,
            event=event,
            branch=branch,
            duration_seconds=clock.parse_duration(duration),
            title=title,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        sandbox.close()
    outcome = f"{run.status}, {run.conclusion}" if run.conclusion else run.status
    click.echo(f"Recorded run {run.id} (#{run.run_number} of {run.name}) in {repository}: {outcome}.")
