"""A converged repository's objects are counted, not listed; --show-unchanged lists them."""

from __future__ import annotations

import json

import pytest

from reconciler.sandbox import Sandbox
from tests.integration.conftest import KERNEL, run


def test_a_converged_plan_counts_unchanged_objects_by_kind(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "apply", "--auto-approve", "--repo", KERNEL)[0] == 0

    code, out, _ = run(capsys, "plan", "--repo", KERNEL, "--format", "json")

    assert code == 0
    plan = json.loads(out)
    assert plan["changes"] == [] and plan["unchanged_listed"] is False
    (counted,) = plan["unchanged"]
    assert counted["repository"] == KERNEL
    assert {"label", "variable", "secret", "workflow-file", "workflow-state"} <= set(counted["counts"])
    assert counted["counts"]["label"] >= 20
    assert set(counted["digests"]) == set(counted["counts"])
    assert plan["estimate"]["cost"] == {"reads": 0, "writes": 0, "creates": 0}


def test_show_unchanged_lists_every_object(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "apply", "--auto-approve", "--repo", KERNEL)[0] == 0
    counted = json.loads(run(capsys, "plan", "--repo", KERNEL, "--format", "json")[1])["unchanged"][0]

    code, out, _ = run(capsys, "plan", "--repo", KERNEL, "--format", "json", "--show-unchanged")

    assert code == 0
    plan = json.loads(out)
    assert plan["unchanged"] == [] and plan["unchanged_listed"] is True
    assert {c["action"] for c in plan["changes"]} == {"noop"}
    assert len(plan["changes"]) == sum(counted["counts"].values())
    text = run(capsys, "plan", "--repo", KERNEL, "--show-unchanged")[1]
    assert "= label priority:high" in text


def test_a_kind_with_a_change_is_listed_whole_for_the_saved_plan_check(
    live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "apply", "--auto-approve", "--repo", KERNEL)[0] == 0
    with live.state.lock:
        repo = live.state.find_repo(*KERNEL.split("/"))
        assert repo is not None
        label = repo.find_label("priority:high")
        assert label is not None
        label.color = "00ff00"
    live.persist()

    plan = json.loads(run(capsys, "plan", "--repo", KERNEL, "--format", "json")[1])

    labels = [c for c in plan["changes"] if c["kind"] == "label"]
    assert [c["key"] for c in labels if c["action"] == "update"] == ["priority:high"]
    assert len(labels) > 20, "the unchanged labels are listed beside the one that changes"
    assert "label" not in plan["unchanged"][0]["counts"]
    assert plan["estimate"]["cost"] == {"reads": 0, "writes": 1, "creates": 0}
    # At the terminal: the update, and the rest in one line, whether listed or counted.
    text = run(capsys, "plan", "--repo", KERNEL)[1]
    counted = plan["unchanged"][0]
    declared = sum(1 for c in plan["changes"] if c["action"] == "noop" and c["managed"])
    declared += sum(counted["counts"].values()) - sum(map(len, counted["undeclared"].values()))
    assert f"= {declared} unchanged" in text
