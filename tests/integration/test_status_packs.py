"""`reconciler status` per repository: the packs it has and whether each is converged, drifted
or not installed, and the open pull requests handed off by an agent, on the sandbox's seeded
fleet (tests/integration/test_fleet_operations.py covers the agent loops and security reviews)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.sandbox.model import Issue
from reconciler.sandbox.repo_factory import NewRepository, create_repository
from tests.integration.conftest import HANDBOOK, KERNEL, ORG, RUNTIME, run, set_by_hand
from tests.integration.test_fleet_operations import by_name, seeded, status_document

PACK = "sovereign-autonomy"
HANDOFF = "agent:handoff"
# A repository the organisation's selector takes in (it carries the `autonomy` topic) that
# nothing of the pack has reached yet.
FRESH = f"{ORG}/fresh-service"


def test_status_lists_each_repositorys_pack_and_reads_converged_after_apply(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = by_name(status_document(capsys))
    for repository in (KERNEL, RUNTIME, HANDBOOK):
        (pack,) = before[repository]["packs"]
        assert (pack["name"], pack["state"]) == (PACK, "drifted") and pack["changes"] > 0
    # The one secret apply cannot set is set by a person, as the runbook says.
    sandbox = seeded(workdir)
    set_by_hand(sandbox.state)
    sandbox.persist()
    code, out, err = run(capsys, "apply", "--sandbox", "--auto-approve")
    assert code == 0, out + err

    document = status_document(capsys)

    for repository, found in by_name(document).items():
        assert found["packs"] == [{"name": PACK, "state": "converged", "changes": 0}], repository
        assert (found["state"], found["changes"]) == ("converged", 0), repository
    totals = document["totals"]
    assert (totals["converged"], totals["drifted"], totals["not_installed"]) == (3, 0, 0)
    code, out, _ = run(capsys, "status", "--sandbox")
    assert code == 0 and "packs: 3 converged, 0 drifted, 0 not installed" in out


def test_a_selected_repository_with_nothing_of_its_pack_reads_not_installed(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox = seeded(workdir)
    with sandbox.state.lock:
        # As GitHub makes one: a README, its nine default labels, no secrets, variables or workflows.
        create_repository(
            sandbox.state, NewRepository(ORG, "fresh-service", topics=("autonomy",), auto_init=True), creator=ORG
        )
    sandbox.persist()

    document = status_document(capsys)

    found = by_name(document)[FRESH]
    (pack,) = found["packs"]
    assert (pack["name"], pack["state"]) == (PACK, "not installed") and pack["changes"] > 0
    assert found["state"] == "not installed" and found["changes"] > 0
    # The seeded repositories have some of the pack, differently: drifted, not "not installed".
    assert {by_name(document)[r]["state"] for r in (KERNEL, RUNTIME, HANDBOOK)} == {"drifted"}
    assert (document["totals"]["not_installed"], document["totals"]["drifted"]) == (1, 3)
    code, out, _ = run(capsys, "status", "--sandbox")
    assert code == 0 and "packs: 0 converged, 3 drifted, 1 not installed" in out


def test_status_lists_the_open_pull_requests_handed_off_by_an_agent(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox = seeded(workdir)
    with sandbox.state.lock:
        kernel = sandbox.state.find_repo(ORG, "sovereign-kernel")
        assert kernel is not None
        label = next((lab for lab in kernel.labels if lab.name == HANDOFF), None) or sandbox.state.add_label(
            kernel, HANDOFF, "5319e7"
        )
        pulls = [i for i in kernel.issues if i.is_pull_request]
        open_pull: Issue = next(p for p in pulls if p.state == "open")
        # A closed pull request with the label waits for nobody.
        closed_pull: Issue = next(p for p in pulls if p.state == "closed")
        for pull in (open_pull, closed_pull):
            pull.label_ids.append(label.id)
    sandbox.persist()

    document = status_document(capsys)

    found = by_name(document)[KERNEL]
    assert [p["number"] for p in found["handoff_pulls"]] == [open_pull.number]
    assert found["handoff_pulls"][0]["url"].endswith(f"/{KERNEL}/pull/{open_pull.number}")
    assert found["handoff_pulls"][0]["title"] == open_pull.title
    assert f"1 open pull request labelled {HANDOFF}" in found["needs_person"]
    assert found["security_pulls"] == []
    assert all(by_name(document)[r]["handoff_pulls"] == [] for r in (RUNTIME, HANDBOOK))
    assert document["totals"]["handoff_pulls"] == 1
    code, out, _ = run(capsys, "status", "--sandbox")
    assert code == 0 and "open pull requests: 0 security review, 1 handoff" in out
