"""Which objects make a saved plan stale, computed without any I/O."""

from __future__ import annotations

from datetime import UTC, datetime

from reconciler.engine.freshness import stale_objects, touched_scope
from reconciler.plan.model import Action, Change, Plan
from reconciler.plan.reasons import Reason

REPO = "octo/one"
OTHER = "octo/two"


def label(key: str, action: Action, color: str | None, *, repo: str = REPO, attention: str | None = None) -> Change:
    before = None if color is None else {"name": key, "color": color}
    after = None if action is Action.DELETE else {"name": key, "color": "00ff00"}
    return Change.make(repo, "label", key, action, before, after, Reason.DIFFERS, "r", attention=attention)


def variable(key: str, value: str | None, *, repo: str = REPO) -> Change:
    before = None if value is None else {"name": key, "value": value}
    return Change.make(repo, "variable", key, Action.NOOP, before, before, Reason.MATCHES, "r")


def plan(*changes: Change) -> Plan:
    return Plan(
        generator="t",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        github_url="https://api.github.com",
        desired_path="desired-state",
        desired_digest="sha256:d",
        observed_digest="sha256:o",
        repositories=(REPO, OTHER),
        changes=changes,
    )


def test_the_scope_is_the_kinds_apply_would_write_in_each_repository() -> None:
    saved = plan(
        label("bug", Action.UPDATE, "ff0000"),
        variable("X", "1"),
        label("needs-person", Action.CREATE, None, repo=OTHER, attention="by hand"),
        variable("Y", "1", repo=OTHER),
    )

    assert touched_scope(saved) == {REPO: ("label",)}


def test_only_differences_inside_the_scope_count() -> None:
    saved = plan(label("bug", Action.UPDATE, "ff0000"), label("kept", Action.NOOP, "aaaaaa"), variable("X", "1"))
    scope = touched_scope(saved)

    assert (
        stale_objects(saved, [label("bug", Action.UPDATE, "ff0000"), label("kept", Action.NOOP, "aaaaaa")], scope) == []
    )
    # A variable is not in the scope: its change does not make the label plan stale.
    assert (
        stale_objects(
            saved,
            [label("bug", Action.UPDATE, "ff0000"), label("kept", Action.NOOP, "aaaaaa"), variable("X", "2")],
            scope,
        )
        == []
    )


def test_edited_created_and_deleted_objects_are_each_named() -> None:
    saved = plan(
        label("bug", Action.UPDATE, "ff0000"), label("new", Action.CREATE, None), label("old", Action.NOOP, "a")
    )
    fresh = [
        label("bug", Action.UPDATE, "0000ff"),
        label("new", Action.NOOP, "00ff00"),
        label("extra", Action.NOOP, "b"),
    ]

    assert stale_objects(saved, fresh, touched_scope(saved)) == [
        f"{REPO} label 'bug' changed since the plan",
        f"{REPO} label 'extra' was created since the plan",
        f"{REPO} label 'new' was created since the plan",
        f"{REPO} label 'old' was deleted since the plan",
    ]
