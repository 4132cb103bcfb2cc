"""`reconciler uninstall --pack NAME`: remove exactly what a pack put in its repositories.

The desired state is composed as if the pack were marked `uninstall: true` everywhere it is
applied: what the pack declares and no other layer declares becomes absent (labels,
workflow files, variables; secrets only with --include-secrets). The plan is then narrowed
to those removals, so an uninstall never carries unrelated drift fixes along with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.text import Text

from reconciler.commands.support.confirm_apply import Confirm, ask_on_terminal, confirm_and_apply
from reconciler.commands.support.connect import declared_owners, github_connection, github_reader
from reconciler.commands.support.estimate import with_least_time
from reconciler.commands.support.exit_codes import EXIT_CHANGES, EXIT_ERROR, EXIT_OK
from reconciler.commands.support.options import GitHubOptions
from reconciler.commands.support.run_lock import DEFAULT_LOCK_TIMEOUT, github_host, lock_path, run_lock
from reconciler.desired.blocks import Removal
from reconciler.desired.compose import uninstall_layer_name
from reconciler.desired.state import Declarations, EffectiveState
from reconciler.engine.costing import estimate
from reconciler.engine.guards import DeletionAllowance, check_kill_switch
from reconciler.engine.organizations import organization_kinds
from reconciler.engine.planning import plan_declared
from reconciler.errors import ConfigurationError
from reconciler.kinds.base import scope_of
from reconciler.kinds.registry import kinds, load_desired_config
from reconciler.names import fold
from reconciler.plan.model import Change, Plan, observed_digest
from reconciler.plan.reasons import Reason
from reconciler.plan.settings import PlanSettings
from reconciler.render.text import render_plan


@dataclass(frozen=True)
class UninstallOptions:
    path: Path
    github: GitHubOptions
    pack: str
    repos: tuple[str, ...] = ()
    include_secrets: bool = False
    auto_approve: bool = False
    plan_only: bool = False
    # How long to wait for another run on the same desired state and GitHub (0: not at all).
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT


def removal_targets(desired: EffectiveState, pack: str) -> dict[str, set[tuple[str, str]]]:
    """(kind, key) of everything `pack` put in each repository that applies it."""
    marker = uninstall_layer_name(pack)
    kind_of_prefix: dict[str, list[str]] = {}
    for kind in kinds():
        if kind.uninstalls and scope_of(kind) == "repository":
            kind_of_prefix.setdefault(kind.address, []).append(kind.name)
    # Organisation-scoped kinds: the repository's access entry (and the object, if nothing
    # else needs it) are changes under its owner.
    shared = {kind.address: kind for kind in organization_kinds(kinds()) if kind.uninstalls}
    targets: dict[str, set[tuple[str, str]]] = {}
    for repo in desired.repositories:
        if fold(pack) not in {fold(p) for p in repo.uninstalling}:
            continue
        wanted = targets.setdefault(repo.slug, set())
        for address, origin in repo.provenance.items():
            prefix, _, key = address.partition(":")
            if origin.layer != marker:
                continue
            wanted.update((name, key) for name in kind_of_prefix.get(prefix, ()))
            if prefix in shared:
                owner = targets.setdefault(repo.slug.split("/", 1)[0], set())
                owner.update((shared[prefix].name, k) for k in shared[prefix].removed_keys(repo.slug, key))
    return targets


def removal_scope(desired: EffectiveState, pack: str) -> dict[str, set[str]]:
    """Only the kinds a removal touches are read, and only where the pack is applied."""
    return {slug: {kind for kind, _ in wanted} for slug, wanted in removal_targets(desired, pack).items()}


def _put_there_by(change: Change, pack: str) -> Change:
    """A removal says which pack put the object there, keeping what the kind added (issue counts...)."""
    if change.reason is not Reason.DECLARED_ABSENT:
        return change
    rest = change.reason_text.removeprefix(Reason.DECLARED_ABSENT.text)
    return change.model_copy(update={"reason": Reason.UNINSTALLED, "reason_text": f"put there by pack {pack}{rest}"})


def removal_plan(plan: Plan, desired: EffectiveState, pack: str) -> Plan:
    """The part of `plan` that removes what `pack` put there, in the repositories that apply it."""
    targets = removal_targets(desired, pack)
    repositories = [slug for slug in plan.repositories if slug in targets]
    changes = tuple(_put_there_by(c, pack) for c in plan.changes if (c.kind, c.key) in targets.get(c.repository, ()))
    narrowed = plan.model_copy(
        update={
            "repositories": tuple(repositories),
            "changes": changes,
            "failures": tuple(f for f in plan.failures if f.repository in targets),
            # Planned with every object listed, so those it leaves are counted from `changes`.
            "unchanged": (),
            "unchanged_listed": False,
            "observed_digest": observed_digest(changes),
        }
    )
    return narrowed.model_copy(update={"estimate": estimate(narrowed, kinds())})


def _applied_at(config: Declarations, pack: str) -> list[str]:
    """Where targets apply the pack, so the person knows what to edit to keep it removed."""
    places = []
    for target in (*config.organizations, *config.repositories):
        for index, name, uninstall in target.pack_uses:
            if fold(name) == fold(pack) and not uninstall:
                places.append(str(target.doc.ref((*target.loc, "packs", index))))
    return places


def run_uninstall(options: UninstallOptions, out: Console, confirm: Confirm = ask_on_terminal) -> int:
    if options.plan_only:
        return _uninstall(options, out, confirm)
    check_kill_switch(options.path)
    with run_lock(lock_path(options.path, github_host(options.github)), "uninstall", options.lock_timeout, out):
        return _uninstall(options, out, confirm)


def _uninstall(options: UninstallOptions, out: Console, confirm: Confirm) -> int:
    if not options.plan_only:
        # Again once the lock is held: the kill switch may have been set while this run waited.
        check_kill_switch(options.path)
    config = load_desired_config(options.path)
    if config.pack(options.pack) is None:
        known = ", ".join(sorted(d.name for d in config.packs.values())) or "none"
        raise ConfigurationError(f"no pack named {options.pack!r} in the desired state (known: {known})")
    removal = Removal(packs=frozenset({options.pack}), include_secrets=options.include_secrets)
    with github_connection(options.github, owners=declared_owners(config)) as connection:
        with github_reader(connection) as reader:
            desired, full = plan_declared(
                config,
                reader,
                PlanSettings(keep_unchanged=True),
                repos=options.repos,
                removal=removal,
                scope=lambda resolved: removal_scope(resolved, options.pack),
                progress=connection.progress,
            )
        plan = with_least_time(removal_plan(full, desired, options.pack), connection)
        if not plan.repositories:
            raise ConfigurationError(f"no selected repository applies pack {options.pack!r}")
        if options.plan_only:
            render_plan(plan, out)
            code = EXIT_ERROR if plan.failures else (EXIT_CHANGES if plan.has_changes else EXIT_OK)
        else:
            # Removing the pack's own objects is what was asked for by name: the deletion guard
            # would only make the person repeat themselves. The confirmation lists every one.
            code = confirm_and_apply(
                plan,
                connection,
                out,
                auto_approve=options.auto_approve,
                confirm=confirm,
                allowance=DeletionAllowance(None),
            )
    places = _applied_at(config, options.pack)
    if places and plan.has_changes:
        out.print(
            Text(
                f"The desired state still applies {options.pack} at {', '.join(places)}: remove it there, or write "
                f"{{name: {options.pack}, uninstall: true}}, or the next apply installs it again.",
                style="yellow",
            ),
            soft_wrap=True,
        )
    return code
