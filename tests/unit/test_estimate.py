"""What apply of a plan costs: each kind counts its requests, and the least time follows."""

from __future__ import annotations

import base64

import pytest

from reconciler.commands.support.estimate import least_time_for
from reconciler.engine.costing import repository_cost
from reconciler.github.http import Limits
from reconciler.gitobjects import blob_sha
from reconciler.plan.cost import Estimate, RequestCost, describe
from reconciler.plan.model import Action, Change
from reconciler.plan.reasons import Reason

REPO = "octo/app"


def label(name: str, action: Action) -> Change:
    before = None if action is Action.CREATE else {"name": name, "color": "ffffff", "description": ""}
    after = None if action is Action.DELETE else {"name": name, "color": "000000", "description": ""}
    return Change.make(REPO, "label", name, action, before, after, Reason.DIFFERS)


def secret(name: str, *, attention: str | None = None) -> Change:
    after = {"name": name} if attention else {"name": name, "source": "env:VALUE"}
    return Change.make(REPO, "secret", name.lower(), Action.CREATE, None, after, Reason.MISSING, attention=attention)


def workflow_file(path: str, action: Action) -> Change:
    body = b"name: ci\n"
    after = None if action is Action.DELETE else {"path": path, "sha": blob_sha(body), "size": len(body)}
    before = None if action is Action.CREATE else {"path": path, "sha": "0" * 40, "size": 3}
    content = None if action is Action.DELETE else base64.b64encode(body).decode()
    return Change.make(
        REPO, "workflow-file", path, action, before, after, Reason.MISSING, content=content, via="commit"
    )


def test_a_label_is_one_write_and_a_new_one_creates_content() -> None:
    changes = [label("a", Action.CREATE), label("b", Action.UPDATE), label("c", Action.DELETE)]
    assert repository_cost(changes) == RequestCost(writes=3, creates=1)


def test_secrets_read_the_public_key_once_and_skip_what_a_person_sets() -> None:
    changes = [secret("ONE"), secret("TWO"), secret("BY_HAND", attention="set it by hand")]
    assert repository_cost(changes) == RequestCost(reads=1, writes=2, creates=2)


def test_a_repositorys_workflow_files_are_one_commit() -> None:
    changes = [
        workflow_file(".github/workflows/a.yml", Action.CREATE),
        workflow_file(".github/workflows/b.yml", Action.UPDATE),
        workflow_file(".github/workflows/c.yml", Action.DELETE),
    ]
    # Two blobs, a tree and a commit are created; the branch is moved; four reads find the head.
    assert repository_cost(changes) == RequestCost(reads=4, writes=5, creates=4)


def test_thirty_one_thousand_creates_are_bound_by_the_hourly_creation_limit() -> None:
    cost = RequestCost(writes=31_000, creates=31_000)
    seconds, bound = least_time_for(Limits.github(), cost)
    assert seconds == pytest.approx(61 * 3600)
    assert bound == "500 content-creating requests an hour"
    text = describe(Estimate(cost=cost).with_time(seconds, bound))
    assert text == (
        "Apply will make 31,000 requests (31,000 writes, 31,000 content-creating): "
        "at least 61 h (500 content-creating requests an hour)."
    )


def test_updates_alone_are_bound_by_the_second_between_writes() -> None:
    seconds, bound = least_time_for(Limits.github(), RequestCost(writes=120))
    assert (seconds, bound) == (119.0, "writes 1 s apart")


def test_without_limits_nothing_is_worth_waiting_for() -> None:
    seconds, bound = least_time_for(Limits.none(), RequestCost(reads=10, writes=5000, creates=5000))
    assert (seconds, bound) == (0.0, None)
    assert describe(Estimate(cost=RequestCost(writes=1)).with_time(seconds, bound)) == (
        "Apply will make 1 request (1 write)."
    )
