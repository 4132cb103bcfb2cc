"""The label diff is pure: these tests need no GitHub at all."""

from __future__ import annotations

from reconciler.github.port import LiveLabel
from reconciler.kinds.labels.diff import diff_labels
from reconciler.kinds.labels.spec import LabelSpec, LabelsSpec
from reconciler.plan.model import Action
from reconciler.plan.reasons import Reason

REPO = "acme/widgets"


def spec(name: str, color: str = "d73a4a", description: str = "", aliases: tuple[str, ...] = ()) -> LabelSpec:
    return LabelSpec(name=name, color=color, description=description, aliases=aliases)


def actions(changes: list) -> dict[str, Action]:
    return {c.key: c.action for c in changes}


def test_missing_label_is_created_and_matching_one_is_noop() -> None:
    desired = LabelsSpec(items=(spec("bug"), spec("priority:high", "d93f0b")))
    observed = [LiveLabel("bug", "d73a4a", None)]
    changes = diff_labels(REPO, desired, observed)
    assert actions(changes) == {"bug": Action.NOOP, "priority:high": Action.CREATE}
    create = next(c for c in changes if c.action is Action.CREATE)
    assert create.before is None
    assert create.after == {"name": "priority:high", "color": "d93f0b", "description": ""}


def test_colour_case_and_hash_are_not_differences() -> None:
    desired = LabelsSpec(items=(spec("sev-2", "#D93F0B"),))
    changes = diff_labels(REPO, desired, [LiveLabel("sev-2", "D93F0B", "")])
    assert [c.action for c in changes] == [Action.NOOP]


def test_null_and_empty_descriptions_are_equal() -> None:
    changes = diff_labels(REPO, LabelsSpec(items=(spec("bug"),)), [LiveLabel("bug", "d73a4a", None)])
    assert [c.action for c in changes] == [Action.NOOP]


def test_wrong_colour_or_description_is_an_update_naming_what_differs() -> None:
    desired = LabelsSpec(items=(spec("priority:high", "d93f0b", "Next up"),))
    changes = diff_labels(REPO, desired, [LiveLabel("priority:high", "FF0000", "old text")])
    (change,) = changes
    assert change.action is Action.UPDATE
    assert change.changed_fields() == ["color", "description"]
    assert change.reason is Reason.DIFFERS and "color ff0000 → d93f0b" in change.reason_text
    assert change.before == {"name": "priority:high", "color": "ff0000", "description": "old text"}


def test_name_differing_only_in_case_is_updated_not_recreated() -> None:
    changes = diff_labels(REPO, LabelsSpec(items=(spec("Bug"),)), [LiveLabel("bug", "d73a4a", "")])
    (change,) = changes
    assert change.action is Action.UPDATE
    assert change.before is not None and change.before["name"] == "bug"
    assert change.after is not None and change.after["name"] == "Bug"


def test_label_under_an_alias_is_renamed_in_place() -> None:
    desired = LabelsSpec(items=(spec("status:in-progress", "1d76db", aliases=("in progress",)),))
    changes = diff_labels(REPO, desired, [LiveLabel("In Progress", "1D76DB", None)])
    (change,) = changes
    assert change.action is Action.RENAME
    assert change.before is not None and change.before["name"] == "In Progress"
    assert change.after is not None and change.after["name"] == "status:in-progress"
    assert change.reason is Reason.FOUND_UNDER_ALIAS and "issues keep it" in change.reason_text


def test_first_matching_alias_wins_and_other_alias_labels_are_kept_even_with_prune() -> None:
    desired = LabelsSpec(prune=True, items=(spec("priority:high", aliases=("P1", "high")),))
    observed = [LiveLabel("P1", "d73a4a", ""), LiveLabel("high", "d73a4a", "")]
    changes = diff_labels(REPO, desired, observed)
    by_key = {c.key: c for c in changes}
    assert by_key["priority:high"].action is Action.RENAME
    assert by_key["priority:high"].before is not None and by_key["priority:high"].before["name"] == "P1"
    assert by_key["high"].action is Action.NOOP
    assert not by_key["high"].managed


def test_alias_label_is_never_deleted_when_the_desired_name_already_exists() -> None:
    desired = LabelsSpec(prune=True, items=(spec("status:in-progress", aliases=("in progress",)),))
    observed = [LiveLabel("status:in-progress", "d73a4a", ""), LiveLabel("in progress", "d73a4a", "")]
    changes = diff_labels(REPO, desired, observed)
    assert actions(changes) == {"status:in-progress": Action.NOOP, "in progress": Action.NOOP}
    kept = next(c for c in changes if c.key == "in progress")
    assert kept.reason is Reason.ALIAS_KEPT and "kept so its issues keep it" in kept.reason_text


def test_undeclared_labels_are_kept_without_prune() -> None:
    observed = [LiveLabel("team:runtime", "ededed", ""), LiveLabel("bug", "d73a4a", "")]
    changes = diff_labels(REPO, LabelsSpec(items=(spec("bug"),)), observed)
    assert actions(changes) == {"bug": Action.NOOP, "team:runtime": Action.NOOP}
    assert not next(c for c in changes if c.key == "team:runtime").managed


def test_undeclared_labels_are_deleted_with_prune() -> None:
    observed = [LiveLabel("team:runtime", "ededed", "Team"), LiveLabel("bug", "d73a4a", "")]
    changes = diff_labels(REPO, LabelsSpec(prune=True, items=(spec("bug"),)), observed)
    delete = next(c for c in changes if c.key == "team:runtime")
    assert delete.action is Action.DELETE
    assert delete.after is None
    assert delete.before == {"name": "team:runtime", "color": "ededed", "description": "Team"}


def test_fingerprint_tracks_the_observed_object() -> None:
    desired = LabelsSpec(items=(spec("bug"),))
    first = diff_labels(REPO, desired, [LiveLabel("bug", "d73a4a", "")])[0]
    same = diff_labels(REPO, desired, [LiveLabel("bug", "D73A4A", None)])[0]
    moved = diff_labels(REPO, desired, [LiveLabel("bug", "000000", "")])[0]
    absent = diff_labels(REPO, desired, [])[0]
    assert first.fingerprint == same.fingerprint
    assert len({first.fingerprint, moved.fingerprint, absent.fingerprint}) == 3


def test_diff_is_deterministic() -> None:
    desired = LabelsSpec(prune=True, items=(spec("a"), spec("b", aliases=("old-b",))))
    observed = [LiveLabel("z", "000000", ""), LiveLabel("old-b", "111111", ""), LiveLabel("y", "000000", "")]
    assert diff_labels(REPO, desired, observed) == diff_labels(REPO, desired, list(reversed(observed)))
