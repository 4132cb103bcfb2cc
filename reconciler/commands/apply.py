"""`reconciler apply`: plan (or take a saved plan), show it, ask, then make live GitHub match."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from reconciler.commands.support.confirm_apply import Confirm, ask_on_terminal, confirm_and_apply
from reconciler.commands.support.connect import (
    Connection,
    declared_owners,
    github_connection,
    github_reader,
    show_usage,
)
from reconciler.commands.support.estimate import with_least_time
from reconciler.commands.support.options import GitHubOptions
from reconciler.commands.support.run_lock import DEFAULT_LOCK_TIMEOUT, github_host, lock_path, run_lock
from reconciler.engine.guards import DeletionAllowance, check_kill_switch
from reconciler.engine.planning import plan_declared
from reconciler.engine.saved_plans import ensure_current, is_saved_plan, load_saved_plan
from reconciler.errors import ConfigurationError
from reconciler.kinds.registry import load_desired_config
from reconciler.plan.model import Plan
from reconciler.plan.settings import PlanSettings
from reconciler.plan.shard import Shard
from reconciler.render.summary import plural


@dataclass(frozen=True)
class ApplyOptions:
    # The desired state, or a saved plan (a `.json` file from `plan --out`).
    path: Path
    github: GitHubOptions
    repos: tuple[str, ...] = ()
    auto_approve: bool = False
    settings: PlanSettings = field(default_factory=PlanSettings)
    allow_deletions: DeletionAllowance = field(default_factory=DeletionAllowance)
    # With a saved plan: ignore what it says and plan afresh from its desired state.
    refresh: bool = False
    # How long to wait for another run on the same desired state and GitHub (0: not at all).
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    # Only this shard of the repositories (--shard K/N).
    shard: Shard | None = None


@contextmanager
def _one_at_a_time(root: Path, options: ApplyOptions, out: Console) -> Iterator[None]:
    """Hold the run lock of `root` and the GitHub host; the kill switch is checked before
    waiting for it and again once held, since it may have been set while this run waited."""
    check_kill_switch(root)
    with run_lock(lock_path(root, github_host(options.github)), "apply", options.lock_timeout, out):
        check_kill_switch(root)
        yield


def run_apply(
    options: ApplyOptions, out: Console, confirm: Confirm = ask_on_terminal, err: Console | None = None
) -> int:
    err = err or Console(stderr=True, highlight=False)
    if is_saved_plan(options.path):
        return _apply_saved(options, out, confirm, err)
    if options.refresh:
        raise ConfigurationError("--refresh re-plans a saved plan: give the plan file (apply plan.json --refresh)")
    with _one_at_a_time(options.path, options, out):
        return _plan_and_apply(options.path, options.repos, options, out, confirm, err)


def _plan_and_apply(
    root: Path, repos: tuple[str, ...], options: ApplyOptions, out: Console, confirm: Confirm, err: Console
) -> int:
    config = load_desired_config(root)
    with github_connection(options.github, owners=declared_owners(config)) as connection:
        try:
            with github_reader(connection) as reader:
                plan = plan_declared(
                    config, reader, options.settings, repos=repos, shard=options.shard, progress=connection.progress
                ).plan
            return _confirm_and_apply(with_least_time(plan, connection), connection, options, out, confirm)
        finally:
            show_usage(connection, err)


def _confirm_and_apply(
    plan: Plan, connection: Connection, options: ApplyOptions, out: Console, confirm: Confirm
) -> int:
    return confirm_and_apply(
        plan,
        connection,
        out,
        auto_approve=options.auto_approve,
        confirm=confirm,
        allowance=options.allow_deletions,
    )


def _apply_saved(options: ApplyOptions, out: Console, confirm: Confirm, err: Console) -> int:
    saved = load_saved_plan(options.path)
    if saved.desired_path is None:
        raise ConfigurationError(f"{options.path} does not say which desired state it was made from")
    root = Path(saved.desired_path)
    with _one_at_a_time(root, options, out):
        return _apply_saved_locked(saved, root, options, out, confirm, err)


def _apply_saved_locked(
    saved: Plan, root: Path, options: ApplyOptions, out: Console, confirm: Confirm, err: Console
) -> int:
    if options.refresh:
        # The same repositories as the saved plan, or those named; resolving refuses any that
        # the desired state no longer declares.
        repos = options.repos or saved.repositories
        if not repos:
            # An empty selection would mean every repository: far more than the plan covered.
            raise ConfigurationError(f"{options.path} names no repository to re-plan")
        return _plan_and_apply(root, repos, options, out, confirm, err)
    if options.repos or options.settings != PlanSettings() or options.shard is not None:
        raise ConfigurationError(
            "a saved plan is applied exactly as it is: --repo, --rotate-secrets and --shard only apply with --refresh"
        )
    owners = [slug.split("/", 1)[0] for slug in saved.repositories]
    with github_connection(options.github, owners=owners) as connection:
        try:
            with github_reader(connection) as reader:
                scope = ensure_current(saved, options.path, reader)
            checked = plural(len(scope), "repository", "repositories")
            note = f"re-read what it changes in {checked}" if scope else "its desired state is unchanged"
            out.print(f"{options.path} is current: {note}.", soft_wrap=True)
            out.print()
            # Timed for the limits this run keeps, which may not be those it was planned under.
            return _confirm_and_apply(with_least_time(saved, connection), connection, options, out, confirm)
        finally:
            show_usage(connection, err)
