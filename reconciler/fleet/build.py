"""From the plan and what was read live to the fleet's status: pure, no I/O, no clock.

A repository's packs are judged from the plan: each change is put down to the pack that
declares it (through provenance), so a pack is converged (nothing to change), drifted, or not
installed (none of its objects is there yet). Whatever needs a person is listed per repository,
most urgent first: what could not be read, a failing agent loop, pull requests waiting for a
security review or a handed-off agent's work, agents paused by their STOP file, and changes only
a person can make.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from reconciler import __version__
from reconciler.desired.state import EffectiveRepository, EffectiveState
from reconciler.fleet.document import (
    AgentLoop,
    FleetTotals,
    LabelledPull,
    LimitInForce,
    LoopState,
    PackState,
    PackStatus,
    RepositoryStatus,
    RunFigures,
    StatusDocument,
)
from reconciler.fleet.facts import RepositoryFacts, Unread, agent_workflows
from reconciler.fleet.runs import combined, figures
from reconciler.github.contents import AGENT_STOP_FILE
from reconciler.github.issues import LabelledPullRequest
from reconciler.github.runs import FAILING_AFTER
from reconciler.kinds.registry import kind_named
from reconciler.kinds.variables.block import LIMITS_KEY
from reconciler.kinds.variables.kind import KIND as VARIABLE
from reconciler.kinds.variables.spec import LimitsSpec
from reconciler.names import fold
from reconciler.plan.model import Change, Plan

_ORDER: dict[PackState, int] = {"converged": 0, "not installed": 1, "drifted": 2, "unknown": 3}


def declaring_pack(repository: EffectiveRepository, change: Change) -> str | None:
    """The pack that declares the object of `change`, even where a target overrides a value
    of it (the object is still the pack's); None for objects no pack declares."""
    kind = kind_named(change.kind)
    if kind is None:
        return None
    addresses = kind.importer.addresses(change.key) if kind.importer is not None else (f"{kind.address}:{change.key}",)
    for address in addresses:
        origins = [repository.provenance.get(address), *repository.overridden.get(address, ())]
        pack = next((o.pack for o in origins if o is not None and o.pack), None)
        if pack is not None:
            return pack
    return None


def _pack_state(changes: Sequence[Change]) -> PackState:
    managed = [c for c in changes if c.managed]
    if not any(c.is_change for c in managed):
        return "converged"
    if all(c.before is None for c in managed if c.after is not None):
        return "not installed"
    return "drifted"


def pack_statuses(repository: EffectiveRepository, changes: Sequence[Change]) -> tuple[PackStatus, ...]:
    by_pack: dict[str, list[Change]] = {fold(p): [] for p in repository.packs}
    for change in changes:
        pack = declaring_pack(repository, change)
        if pack is not None and fold(pack) in by_pack:
            by_pack[fold(pack)].append(change)
    return tuple(
        PackStatus(
            name=name, state=_pack_state(by_pack[fold(name)]), changes=sum(c.is_change for c in by_pack[fold(name)])
        )
        for name in repository.packs
    )


def _loop_state(workflows: Mapping[str, str] | Unread, path: str) -> LoopState:
    if isinstance(workflows, Unread):
        return "unknown"
    state = workflows.get(path)
    if state is None or state == "deleted":
        return "missing"
    return "enabled" if state == "active" else "disabled"


def _limits(repository: EffectiveRepository, changes: Sequence[Change]) -> tuple[LimitInForce, ...]:
    limits: LimitsSpec | None = repository.block(LIMITS_KEY)
    if limits is None:
        return ()
    live = {c.key: c.before for c in changes if c.kind == VARIABLE}
    found = []
    for variable, (limit, desired) in limits.variables().items():
        before = live.get(fold(variable))
        value = before.get("value") if before is not None else None
        found.append(
            LimitInForce(
                limit=limit, variable=variable, value=str(value) if value is not None else None, desired=desired
            )
        )
    return tuple(found)


def _pulls(found: Sequence[LabelledPullRequest] | Unread) -> tuple[LabelledPull, ...]:
    if isinstance(found, Unread):
        return ()
    return tuple(LabelledPull(number=p.number, title=p.title, url=p.html_url) for p in found)


def _count(what: int, word: str, words: str | None = None) -> str:
    return f"{what} {word if what == 1 else (words or word + 's')}"


def _reasons(
    loops: Sequence[AgentLoop],
    stop_file: bool | None,
    security: Sequence[LabelledPull],
    handoff: Sequence[LabelledPull],
    attention: int,
    errors: Sequence[str],
) -> tuple[str, ...]:
    reasons = [f"could not be read: {error}" for error in errors]
    for loop in loops:
        runs = loop.runs
        if runs is not None and runs.failing_streak >= FAILING_AFTER and runs.last_failure is not None:
            reasons.append(
                f"agent loop {loop.path} failing: {_count(runs.failing_streak, 'failed run')} in a row, "
                f"the last at {runs.last_failure.created_at:%Y-%m-%d %H:%M} UTC ({runs.last_failure.url})"
            )
    if security:
        reasons.append(f"{_count(len(security), 'open pull request')} labelled security:review-required")
    if handoff:
        reasons.append(f"{_count(len(handoff), 'open pull request')} labelled agent:handoff")
    if stop_file:
        reasons.append(f"{AGENT_STOP_FILE} is present: agents are told to stop")
    if attention:
        reasons.append(f"{_count(attention, 'change')} only a person can make (reconciler plan says how)")
    return tuple(reasons)


def repository_status(
    repository: EffectiveRepository,
    changes: Sequence[Change],
    failure: str | None,
    facts: RepositoryFacts,
    since: datetime,
    now: datetime,
    web: str,
) -> RepositoryStatus:
    errors: list[str] = [f"planning: {failure}"] if failure else []
    if isinstance(facts.workflows, Unread):
        errors.append(f"workflows: {facts.workflows.reason}")
    loops = []
    for path in agent_workflows(repository):
        runs = facts.runs.get(path)
        measured: RunFigures | None = None
        if isinstance(runs, Unread):
            errors.append(f"runs of {path}: {runs.reason}")
        elif runs is not None:
            measured = figures(runs, since, now)
        loops.append(AgentLoop(path=path, state=_loop_state(facts.workflows, path), runs=measured))
    stop_file: bool | None = None
    if isinstance(facts.stop_file, Unread):
        errors.append(f"{AGENT_STOP_FILE}: {facts.stop_file.reason}")
    else:
        stop_file = facts.stop_file
    for label, found in (("agent:handoff", facts.handoff), ("security:review-required", facts.security)):
        if isinstance(found, Unread):
            errors.append(f"pull requests labelled {label}: {found.reason}")
    packs = pack_statuses(repository, changes) if failure is None else ()
    attention = sum(1 for c in changes if c.is_change and c.attention is not None)
    state: PackState = (
        "unknown" if failure else max((p.state for p in packs), key=lambda s: _ORDER[s], default="converged")
    )
    if state == "converged" and any(c.is_change for c in changes):
        state = "drifted"  # something no pack declares differs
    security, handoff = _pulls(facts.security), _pulls(facts.handoff)
    return RepositoryStatus(
        repository=repository.slug,
        url=f"{web}/{repository.slug}",
        state=state,
        needs_person=_reasons(loops, stop_file, security, handoff, attention, errors),
        packs=packs,
        changes=sum(1 for c in changes if c.applicable),
        needs_attention=attention,
        agent_loops=tuple(loops),
        stop_file=stop_file,
        handoff_pulls=handoff,
        security_pulls=security,
        limits=_limits(repository, changes) if failure is None else (),
        errors=tuple(errors),
    )


def _totals(repositories: Sequence[RepositoryStatus], since: datetime, now: datetime) -> FleetTotals:
    loops = [loop for r in repositories for loop in r.agent_loops]
    states = [r.state for r in repositories]
    return FleetTotals(
        repositories=len(repositories),
        needs_person=sum(1 for r in repositories if r.needs_person),
        converged=states.count("converged"),
        drifted=states.count("drifted"),
        not_installed=states.count("not installed"),
        unknown=states.count("unknown"),
        loops_enabled=sum(1 for loop in loops if loop.state == "enabled"),
        loops_disabled=sum(1 for loop in loops if loop.state == "disabled"),
        loops_missing=sum(1 for loop in loops if loop.state == "missing"),
        stop_files=sum(1 for r in repositories if r.stop_file),
        handoff_pulls=sum(len(r.handoff_pulls) for r in repositories),
        security_pulls=sum(len(r.security_pulls) for r in repositories),
        runs=combined([loop.runs for loop in loops if loop.runs is not None], since, now),
    )


def fleet_status(
    desired: EffectiveState,
    plan: Plan,
    facts: Mapping[str, RepositoryFacts],
    *,
    since: datetime,
    now: datetime,
    window: str,
    web: str,
) -> StatusDocument:
    """The status of every planned repository; those that need a person first."""
    grouped = plan.by_repository()
    failures = {f.repository: f.error for f in plan.failures}
    found = [
        repository_status(
            repo,
            grouped.get(repo.slug, []),
            failures.get(repo.slug),
            facts.get(repo.slug, RepositoryFacts(workflows=Unread("not read"))),
            since,
            now,
            web,
        )
        for repo in desired.repositories
    ]
    found.sort(key=lambda r: (not r.needs_person, -len(r.needs_person), fold(r.repository)))
    return StatusDocument(
        generator=f"reconciler {__version__}",
        created_at=now,
        since=since,
        window=window,
        github_url=plan.github_url,
        desired_path=plan.desired_path or str(desired.root),
        totals=_totals(found, since, now),
        repositories=tuple(found),
    )
