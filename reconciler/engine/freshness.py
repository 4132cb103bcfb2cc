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


def _decision(change: Change) -> tuple[object, ...]:
    """Everything apply acts on. The reason is left out: it may mention the environment."""
    return (
        change.action,
        change.before,
        change.after,
        change.content,
        change.via,
        change.attention,
        change.managed,
    )


def stale_objects(saved: Plan, fresh_changes: Iterable[Change], scope: Scope) -> list[str]:
    """What differs between the saved plan and a re-plan of `scope`: one line per object.

    An object observed differently makes the plan stale. An object observed the same but
    planned differently means the file no longer says what this desired state plans (it was
    edited after it was made): apply must not trust it either.
    """
    in_scope = {(repo, kind) for repo, kinds in scope.items() for kind in kinds}
    before = {c.address: c for c in saved.changes if (c.repository, c.kind) in in_scope}
    after = {c.address: c for c in fresh_changes if (c.repository, c.kind) in in_scope}
    differences = []
    for address in sorted(before.keys() | after.keys()):
        old, new = before.get(address), after.get(address)
        if old is None or new is None or old.fingerprint != new.fingerprint:
            differences.append(_describe(old, new))
        elif _decision(old) != _decision(new):
            what = f"{old.repository} {old.kind} {_name(old)!r}"
            says = f"says {old.action.value}, the desired state plans {new.action.value}"
            if old.action == new.action:
                says = "does not say what the desired state plans for it"
            differences.append(f"{what}: the plan file {says} (it was edited after it was made)")
    return differences
