"""Apply a plan: the only code that writes to GitHub, and it does exactly what the plan says.

Repositories are independent: a failure in one is recorded and the next one still runs, so
a re-run converges. Only failures that would repeat everywhere (a rejected token, a spent
rate limit) stop the run, and everything left is reported as skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reconciler.errors import ReconcilerError
from reconciler.github.port import GitHubWriter
from reconciler.kinds import registry
from reconciler.kinds.base import AnyKind, Outcome
from reconciler.plan.model import Plan
from reconciler.progress import PhaseStarted, Progress, RepositoryDone, no_progress


@dataclass(frozen=True)
class ApplyReport:
    outcomes: tuple[Outcome, ...]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error is not None]

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.skipped]

    @property
    def needs_attention(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.attention is not None]

    @property
    def complete(self) -> bool:
        """Everything the plan asked for is now true."""
        return all(o.ok for o in self.outcomes)

    @property
    def succeeded(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.ok]


def apply_plan(
    plan: Plan,
    writer: GitHubWriter,
    *,
    kinds: Sequence[AnyKind] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    progress: Progress = no_progress,
) -> ApplyReport:
    # The kinds in force when apply runs (registry.extended() may add some).
    kinds = registry.kinds() if kinds is None else kinds
    known = {kind.name for kind in kinds}
    unknown = sorted({c.kind for c in plan.actionable} - known)
    if unknown:
        raise ReconcilerError(f"the plan contains kinds this reconciler cannot apply: {', '.join(unknown)}")

    outcomes: list[Outcome] = []

    def record(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    aborted = False
    # Organisation-scoped changes (named by an organisation, not owner/name) go first: what they
    # share with repositories exists before a repository's workflow first reads it.
    groups = sorted(plan.by_repository().items(), key=lambda group: "/" in group[0])
    work = {repository: [c for c in changes if c.applicable] for repository, changes in groups}
    progress(PhaseStarted("apply", sum(1 for pending in work.values() if pending)))
    for repository, pending in work.items():
        done: list[Outcome] = []
        for kind in kinds:
            batch = [c for c in pending if c.kind == kind.name]
            if not batch:
                continue
            results = [Outcome(c, skipped=True) for c in batch] if aborted else kind.apply(writer, repository, batch)
            aborted = aborted or any(o.fatal for o in results)
            done += results
            for outcome in results:
                record(outcome)
        if pending:
            progress(_repository_done(repository, done))
    # Reported after everything else was done, so they are the last thing a person reads.
    for change in plan.needs_attention:
        record(Outcome(change, attention=change.attention))
    return ApplyReport(tuple(outcomes))


def _repository_done(repository: str, outcomes: Sequence[Outcome]) -> RepositoryDone:
    failed = [o for o in outcomes if not o.ok]
    error = next((o.error for o in failed if o.error), None)
    return RepositoryDone("apply", repository, changes=len(outcomes) - len(failed), failed=len(failed), error=error)
