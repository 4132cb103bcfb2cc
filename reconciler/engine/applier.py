"""Apply a plan: the only code that writes to GitHub, and it does exactly what the plan says.

Repositories are independent, so they are applied side by side: the writer's scheduler keeps
the whole run within GitHub's limits, and the pool only keeps it busy. A failure in one
repository is recorded and the others still run, so a re-run converges. Only failures that
would repeat everywhere (a rejected token, a spent rate limit) stop the run, and everything
left is reported as skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from reconciler.errors import RUN_ENDING_ERRORS, ReconcilerError
from reconciler.github.port import GitHubWriter
from reconciler.kinds import registry
from reconciler.kinds.base import AnyKind, Outcome
from reconciler.plan.model import Change, Plan
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


def _apply_repository(
    writer: GitHubWriter, repository: str, pending: Sequence[Change], kinds: Sequence[AnyKind], stop: threading.Event
) -> list[Outcome]:
    """One repository's changes, kind by kind in registry order (each kind orders its own:
    renames, updates, creates, deletes). Once a run-ending error was seen anywhere, what is
    left is skipped."""
    outcomes: list[Outcome] = []
    for kind in kinds:
        batch = [c for c in pending if c.kind == kind.name]
        if not batch:
            continue
        if stop.is_set():
            outcomes += [Outcome(c, skipped=True) for c in batch]
            continue
        try:
            results = kind.apply(writer, repository, batch)
        except RUN_ENDING_ERRORS as exc:
            # Kinds report their own failures; this is the net under one that did not.
            results = [Outcome(c, error=str(exc), fatal=True) for c in batch]
        except ReconcilerError as exc:
            results = [Outcome(c, error=str(exc)) for c in batch]
        if any(o.fatal for o in results):
            stop.set()
        outcomes += results
    return outcomes


def apply_plan(
    plan: Plan,
    writer: GitHubWriter,
    *,
    kinds: Sequence[AnyKind] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    progress: Progress = no_progress,
) -> ApplyReport:
    """Apply the plan: organisation-scoped changes first, then repositories side by side (as
    many as the writer has requests in flight; its scheduler paces them within GitHub's
    limits). `on_outcome` and `progress` hear of each repository's outcomes as soon as it is
    done, in the calling thread; the report lists them in plan order."""
    # The kinds in force when apply runs (registry.extended() may add some).
    kinds = registry.kinds() if kinds is None else kinds
    known = {kind.name for kind in kinds}
    unknown = sorted({c.kind for c in plan.actionable} - known)
    if unknown:
        raise ReconcilerError(f"the plan contains kinds this reconciler cannot apply: {', '.join(unknown)}")

    pending = [
        (repository, [c for c in changes if c.applicable]) for repository, changes in plan.by_repository().items()
    ]
    pending = [(repository, todo) for repository, todo in pending if todo]
    # Organisation-scoped changes (named by an organisation, not owner/name) go first: what they
    # share with repositories exists before a repository's workflow first reads it.
    shared = [(owner, todo) for owner, todo in pending if "/" not in owner]
    work = [(repository, todo) for repository, todo in pending if "/" in repository]
    stop = threading.Event()
    progress(PhaseStarted("apply", len(pending)))

    def heard(repository: str, outcomes: Sequence[Outcome]) -> None:
        if on_outcome is not None:
            for outcome in outcomes:
                on_outcome(outcome)
        progress(_repository_done(repository, outcomes))

    first = []
    for owner, todo in shared:
        first.append(_apply_repository(writer, owner, todo, kinds, stop))
        heard(owner, first[-1])
    done: list[list[Outcome]] = [[] for _ in work]
    if work:
        workers = max(1, min(writer.concurrency, len(work)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="apply") as pool:
            futures = {
                pool.submit(_apply_repository, writer, repository, todo, kinds, stop): index
                for index, (repository, todo) in enumerate(work)
            }
            try:
                for future in as_completed(futures):
                    index = futures[future]
                    done[index] = future.result()
                    heard(work[index][0], done[index])
            except BaseException:
                # A bug (or ^C): start nothing more, let what is under way finish, and say so.
                stop.set()
                for future in futures:
                    future.cancel()
                raise
    outcomes = [outcome for group in (*first, *done) for outcome in group]
    # Reported after everything else was done, so they are the last thing a person reads.
    attention = [Outcome(change, attention=change.attention) for change in plan.needs_attention]
    if on_outcome is not None:
        for outcome in attention:
            on_outcome(outcome)
    return ApplyReport(tuple(outcomes + attention))


def _repository_done(repository: str, outcomes: Sequence[Outcome]) -> RepositoryDone:
    failed = [o for o in outcomes if not o.ok]
    error = next((o.error for o in failed if o.error), None)
    return RepositoryDone("apply", repository, changes=len(outcomes) - len(failed), failed=len(failed), error=error)
