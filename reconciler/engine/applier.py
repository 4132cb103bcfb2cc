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
from reconciler.kinds.base import AnyKind, Outcome
from reconciler.kinds.registry import KINDS
from reconciler.plan.model import Change, Plan


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
    kinds: Sequence[AnyKind] = KINDS,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> ApplyReport:
    """Apply the plan, repositories side by side (as many as the writer has requests in
    flight; its scheduler paces them within GitHub's limits). `on_outcome` hears of each
    repository's outcomes as soon as it is done, in the calling thread; the report lists
    them in plan order."""
    known = {kind.name for kind in kinds}
    unknown = sorted({c.kind for c in plan.actionable} - known)
    if unknown:
        raise ReconcilerError(f"the plan contains kinds this reconciler cannot apply: {', '.join(unknown)}")

    work = [(repository, [c for c in changes if c.applicable]) for repository, changes in plan.by_repository().items()]
    work = [(repository, pending) for repository, pending in work if pending]
    done: list[list[Outcome]] = [[] for _ in work]
    stop = threading.Event()

    def heard(outcomes: Sequence[Outcome]) -> None:
        if on_outcome is not None:
            for outcome in outcomes:
                on_outcome(outcome)

    if work:
        workers = max(1, min(writer.concurrency, len(work)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="apply") as pool:
            futures = {
                pool.submit(_apply_repository, writer, repository, pending, kinds, stop): index
                for index, (repository, pending) in enumerate(work)
            }
            try:
                for future in as_completed(futures):
                    done[futures[future]] = future.result()
                    heard(done[futures[future]])
            except BaseException:
                # A bug (or ^C): start nothing more, let what is under way finish, and say so.
                stop.set()
                for future in futures:
                    future.cancel()
                raise
    outcomes = [outcome for repository_outcomes in done for outcome in repository_outcomes]
    # Reported after everything else was done, so they are the last thing a person reads.
    attention = [Outcome(change, attention=change.attention) for change in plan.needs_attention]
    heard(attention)
    return ApplyReport(tuple(outcomes + attention))
