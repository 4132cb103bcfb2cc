"""A body of the wrong shape is a typed error naming the endpoint and the field, never a KeyError."""

from __future__ import annotations

import pytest

from reconciler.errors import UnexpectedResponseError
from reconciler.github.account import get_rate_limit
from reconciler.github.repositories import list_organization_repositories
from reconciler.kinds.labels.live import list_labels
from reconciler.kinds.variables.live import list_variables
from tests.fake_port import FakePort


def test_a_label_without_a_colour() -> None:
    port = FakePort({"/repos/o/r/labels": [{"name": "bug", "color": "d73a4a"}, {"name": "x"}]})
    with pytest.raises(UnexpectedResponseError) as caught:
        list_labels(port, "o/r")
    assert caught.value.endpoint == "GET /repos/o/r/labels"
    assert "[1].color" in str(caught.value) and "o/r list labels" in str(caught.value)


def test_a_variable_whose_name_is_not_text() -> None:
    with pytest.raises(UnexpectedResponseError, match=r"GET /repos/o/r/actions/variables: \[0\]\.name"):
        list_variables(FakePort({"/repos/o/r/actions/variables": {"variables": [{"name": 3}]}}), "o/r")


def test_a_repository_whose_name_is_not_text() -> None:
    port = FakePort({"/orgs/o/repos": [{"full_name": "o/r", "archived": False}, {"full_name": ["o", "r"]}]})
    with pytest.raises(UnexpectedResponseError, match=r"GET /orgs/o/repos.*\[1\]\.full_name"):
        list_organization_repositories(port, "o")


def test_a_rate_limit_without_its_core_budget() -> None:
    with pytest.raises(UnexpectedResponseError, match=r"GET /rate_limit: resources.core"):
        get_rate_limit(FakePort({"/rate_limit": {"resources": {}}}))
