"""The plan is a value: nothing can change it once it is built, and it reads back equal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from reconciler.plan.model import Action, Change, Plan
from reconciler.plan.reasons import Reason


def _plan() -> Plan:
    before = {"name": "bug", "color": "ff0000", "description": ""}
    after = {"name": "bug", "color": "d73a4a", "description": ""}
    change = Change.make("octo/one", "label", "bug", Action.UPDATE, before, after, Reason.DIFFERS, "color differs")
    return Plan(
        generator="reconciler test",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        github_url="https://api.github.com",
        desired_digest="sha256:d",
        observed_digest="sha256:o",
        repositories=("octo/one",),
        changes=(change,),
    )


def test_a_change_and_its_objects_cannot_be_mutated_after_the_plan_is_built() -> None:
    plan = _plan()
    change = plan.changes[0]
    with pytest.raises(ValidationError):
        change.action = Action.DELETE  # type: ignore[misc]
    with pytest.raises(TypeError):
        change.after["color"] = "000000"  # type: ignore[index]
    with pytest.raises((TypeError, AttributeError)):
        change.before.update({"color": "000000"})  # type: ignore[union-attr]
    with pytest.raises(AttributeError):
        change.before._items = {}  # type: ignore[union-attr]
    with pytest.raises((TypeError, AttributeError)):
        plan.changes.append(change)  # type: ignore[attr-defined]
    assert change.after == {"name": "bug", "color": "d73a4a", "description": ""}


def test_what_a_kind_passed_in_is_copied_so_editing_it_afterwards_changes_nothing() -> None:
    after = {"name": "bug", "color": "d73a4a"}
    change = Change.make("octo/one", "label", "bug", Action.CREATE, None, after, Reason.MISSING)
    after["color"] = "000000"
    assert change.after == {"name": "bug", "color": "d73a4a"}


def test_a_plan_reads_back_from_json_equal_and_hashable() -> None:
    plan = _plan()
    again = Plan.model_validate_json(plan.model_dump_json())
    assert again == plan
    assert hash(again.changes[0]) == hash(plan.changes[0])
    assert again.changes[0].reason is Reason.DIFFERS and again.changes[0].reason_text == "color differs"


def test_a_reason_must_be_one_of_the_codes() -> None:
    document = _plan().model_dump(mode="json")
    document["changes"][0]["reason"] = "because I said so"
    with pytest.raises(ValidationError):
        Plan.model_validate(document)
