"""The remembering reader: a second caller sees what the first saw, without a second request."""

from __future__ import annotations

import pytest

from reconciler.errors import NotFoundError
from reconciler.github.git_data import list_directory
from reconciler.github.port import Call
from reconciler.github.remembering import Remembering
from reconciler.github.repositories import LiveRepository, get_repository, list_organization_repositories
from reconciler.kinds.labels.live import LiveLabel, list_labels
from reconciler.kinds.workflows.live import list_workflows
from tests.fake_port import FakePort

LABELS = "/repos/octo/widgets/labels"


def test_each_read_reaches_github_once_whatever_the_case_of_the_repository() -> None:
    port = FakePort({LABELS: [LiveLabel("bug", "d73a4a", None)]})
    reader = Remembering(port)
    first = list_labels(reader, "octo/widgets")
    again = list_labels(reader, "Octo/Widgets")
    assert first == again == [LiveLabel("bug", "d73a4a", None)]
    assert port.asked == [LABELS]


def test_a_caller_changing_its_list_does_not_change_what_the_next_one_sees() -> None:
    reader = Remembering(FakePort({LABELS: [{"name": "bug", "color": "d73a4a"}]}))
    reader.get_all(LABELS, Call("list labels", "octo/widgets")).clear()
    assert len(reader.get_all(LABELS, Call("list labels", "octo/widgets"))) == 1


def test_a_fresh_call_always_reaches_github_and_what_it_read_is_seen_next() -> None:
    workflows = "/repos/octo/widgets/actions/workflows"
    port = FakePort({workflows: {"workflows": []}})
    reader = Remembering(port)
    assert list_workflows(reader, "octo/widgets") == []
    port.answers[workflows] = {
        "workflows": [{"id": 1, "path": ".github/workflows/ci.yml", "name": "CI", "state": "active"}]
    }
    assert list_workflows(reader, "octo/widgets") == [], "remembered"
    assert len(list_workflows(reader, "octo/widgets", fresh=True)) == 1
    assert len(list_workflows(reader, "octo/widgets")) == 1, "the fresh answer is the one remembered"
    assert port.asked == [workflows, workflows]


def test_a_404_is_remembered_other_failures_are_not() -> None:
    port = FakePort({})
    reader = Remembering(port)
    assert list_directory(reader, "octo/widgets", ".github/workflows") == []
    assert list_directory(reader, "octo/widgets", ".github/workflows") == []
    with pytest.raises(NotFoundError):
        get_repository(reader, "octo/gone")
    with pytest.raises(NotFoundError):
        get_repository(reader, "octo/gone")
    assert len(port.asked) == 2


def test_listing_an_organisation_answers_each_of_its_repositories() -> None:
    listed = [
        LiveRepository("octo/widgets", "main", False, topics=("agents",)),
        LiveRepository("octo/gadgets", "trunk", True),
    ]
    port = FakePort({"/orgs/octo/repos": listed})
    reader = Remembering(port)
    assert list_organization_repositories(reader, "octo") == listed
    assert get_repository(reader, "Octo/Gadgets") == listed[1]
    assert port.asked == ["/orgs/octo/repos"]
