"""Is a saved plan still true? Compare what it relied on with what a re-read shows.

A saved plan is applied as it is, so it must still describe live GitHub. Only what apply
would touch is re-read: the kinds with changes apply makes, in the repositories that have
them. Within each, every object is compared by address and fingerprint, so an edited,
created or deleted object all make the plan stale. These functions are pure; the re-read
itself is an ordinary `make_plan` restricted to that scope.
"""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.plan.model import Change, Plan

# repository → the kinds apply would write there
Scope = dict[str, tuple[str, ...]]


def touched_scope(plan: Plan) -> Scope:
    """The repositories and kinds where apply would write, in plan order."""
    scope: Scope = {}
    for change in plan.changes:
        if change.applicable:
            kinds = scope.setdefault(change.repository, ())
            if change.kind not in kinds:
                scope[change.repository] = (*kinds, change.kind)
    return scope


def _name(change: Change) -> str:
    for state in (change.before, change.after):
        if state is not None:
            for key in ("name", "path"):
                value = state.get(key)
                if isinstance(value, str) and value:
                    return value
    return change.key


def _describe(saved: Change | None, fresh: Change | None) -> str:
    change = fresh or saved
    assert change is not None
    what = f"{change.repository} {change.kind} {_name(change)!r}"
    was_there = saved is not None and saved.before is not None
    is_there = fresh is not None and fresh.before is not None
    if is_there and not was_there:
        return f"{what} was created since the plan"
    if was_there and not is_there:
        return f"{what} was deleted since the plan"
    return f"{what} changed since the plan"


def stale_objects(saved: Plan, fresh_changes: Iterable[Change], scope: Scope) -> list[str]:
    """What differs between the saved plan and a re-read of `scope`: one line per object."""
    in_scope = {(repo, kind) for repo, kinds in scope.items() for kind in kinds}
    before = {c.address: c for c in saved.changes if (c.repository, c.kind) in in_scope}
    after = {c.address: c for c in fresh_changes if (c.repository, c.kind) in in_scope}
    differences = []
    for address in sorted(before.keys() | after.keys()):
        old, new = before.get(address), after.get(address)
        if old is None or new is None or old.fingerprint != new.fingerprint:
            differences.append(_describe(old, new))
    return differences
