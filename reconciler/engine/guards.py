"""What makes apply refuse before it writes anything: the kill switch and the deletion guard."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from reconciler.errors import ApplyRefused, ConfigurationError
from reconciler.plan.model import Action, Plan

STOP_FILE = "STOP"
# Peribolos refuses to remove more than a quarter of an organisation's members; the same
# share of a repository's objects, or more than this many objects in one run, needs a
# person to say how many deletions they expect.
MAX_DELETIONS = 10
MAX_SHARE = 0.25
_LISTED = 40


def kill_switch(desired_path: Path) -> Path:
    """The STOP file for a desired-state path (a directory, or the directory of a file)."""
    root = desired_path if desired_path.is_dir() else desired_path.parent
    return root / STOP_FILE


def check_kill_switch(desired_path: Path) -> None:
    stop = kill_switch(desired_path)
    if stop.exists():
        raise ApplyRefused(
            f"refusing to apply: {stop} exists (the kill switch, like the runbook's .agent-workspace/STOP). "
            "Nothing was planned or written. Remove the file to apply again."
        )


@dataclass(frozen=True)
class DeletionAllowance:
    """How many deletions the person running apply has said they expect (None: all)."""

    limit: int | None = 0

    @classmethod
    def parse(cls, text: str | None) -> DeletionAllowance:
        if text is None:
            return cls(0)
        if text.strip().lower() == "all":
            return cls(None)
        try:
            value = int(text)
        except ValueError:
            raise ConfigurationError(f"--allow-deletions takes a number or 'all', not {text!r}") from None
        if value < 0:
            raise ConfigurationError("--allow-deletions cannot be negative")
        return cls(value)


def check_deletions(plan: Plan, allowance: DeletionAllowance) -> None:
    """Refuse a plan that deletes more than the guard allows, listing what would go."""
    if allowance.limit is None:
        return
    deletions = [c for c in plan.changes if c.action is Action.DELETE and c.attention is None]
    if not deletions:
        return
    if allowance.limit > 0:
        if len(deletions) <= allowance.limit:
            return
        reason = f"it deletes {len(deletions)} objects and --allow-deletions allows {allowance.limit}"
    else:
        # What it found there: the objects it changes, and those it leaves as they are.
        observed = Counter(c.repository for c in plan.changes if c.before is not None)
        for unchanged in plan.unchanged:
            observed[unchanged.repository] += unchanged.present
        deleted = Counter(c.repository for c in deletions)
        heavy = [
            f"{repo} ({n} of {observed[repo]})"
            for repo, n in sorted(deleted.items())
            if n > 1 and n > MAX_SHARE * observed[repo]
        ]
        if len(deletions) <= MAX_DELETIONS and not heavy:
            return
        reasons = []
        if len(deletions) > MAX_DELETIONS:
            reasons.append(f"it deletes {len(deletions)} objects, more than {MAX_DELETIONS}")
        if heavy:
            reasons.append(f"it deletes more than {MAX_SHARE:.0%} of what it found in {', '.join(heavy)}")
        reason = " and ".join(reasons)
    listed = [f"  - {c.repository} {c.kind} {c.title}" for c in deletions[:_LISTED]]
    if len(deletions) > _LISTED:
        listed.append(f"  … and {len(deletions) - _LISTED} more")
    raise ApplyRefused(
        f"refusing to apply: {reason}. It would delete:\n"
        + "\n".join(listed)
        + f"\nIf that is intended, re-run with --allow-deletions {len(deletions)} (or --allow-deletions all)."
    )
