"""``X-GitHub-Api-Version``: supported versions answered and named, others refused as GitHub does."""

from __future__ import annotations

import pytest
import requests

from reconciler.sandbox import Sandbox

KERNEL = "Sovereign-Operating-System/sovereign-kernel"
UNSUPPORTED = (
    'The version you specified in the "X-GitHub-API-Version" request header, "1999-01-01", is not a '
    'supported version. The following versions are currently supported: "2026-03-10" (most recent) and '
    '"2022-11-28".'
)


def test_an_unsupported_version_is_a_400_with_githubs_body(sandbox: Sandbox, http: requests.Session) -> None:
    response = http.get(f"{sandbox.url}/repos/{KERNEL}/labels", headers={"X-GitHub-Api-Version": "1999-01-01"})

    assert response.status_code == 400
    assert response.json() == {
        "message": "Bad Request",
        "errors": UNSUPPORTED,
        "documentation_url": "https://docs.github.com/rest",
        "status": "400",
    }
    assert "X-GitHub-Api-Version-Selected" not in response.headers
    assert sandbox.stats.by_status() == {400: 1}


def test_the_refusal_comes_before_credentials_and_routing(sandbox: Sandbox) -> None:
    headers = {"X-GitHub-Api-Version": "v3"}

    anonymous = requests.get(f"{sandbox.url}/repos/{KERNEL}/labels", headers=headers)

    assert anonymous.status_code == 400
    assert '"v3", is not a supported version' in anonymous.json()["errors"]


def test_a_refused_request_spends_no_budget(sandbox: Sandbox, http: requests.Session) -> None:
    before = http.get(f"{sandbox.url}/rate_limit").json()["resources"]["core"]["used"]
    http.get(f"{sandbox.url}/repos/{KERNEL}", headers={"X-GitHub-Api-Version": "2023-01-01"})

    after = http.get(f"{sandbox.url}/rate_limit").json()["resources"]["core"]["used"]

    assert after == before


@pytest.mark.parametrize(
    ("sent", "selected"), [("2026-03-10", "2026-03-10"), ("2022-11-28", "2022-11-28"), ("2026 - 03 - 10", "2026-03-10")]
)
def test_supported_versions_are_named_in_the_answer(
    sandbox: Sandbox, http: requests.Session, sent: str, selected: str
) -> None:
    response = http.get(f"{sandbox.url}/repos/{KERNEL}", headers={"X-GitHub-Api-Version": sent})

    assert response.status_code == 200
    assert response.headers["X-GitHub-Api-Version-Selected"] == selected


def test_rate_is_gone_from_rate_limit_in_2026_03_10(sandbox: Sandbox, http: requests.Session) -> None:
    old = http.get(f"{sandbox.url}/rate_limit").json()
    new = http.get(f"{sandbox.url}/rate_limit", headers={"X-GitHub-Api-Version": "2026-03-10"}).json()

    assert old["rate"] == old["resources"]["core"]
    assert "rate" not in new
    assert new["resources"]["core"]["limit"] == old["resources"]["core"]["limit"]


def test_the_root_drops_authorizations_and_hub_in_2026_03_10(sandbox: Sandbox, http: requests.Session) -> None:
    old = http.get(f"{sandbox.url}/").json()
    new = http.get(f"{sandbox.url}/", headers={"X-GitHub-Api-Version": "2026-03-10"}).json()

    assert {"authorizations_url", "hub_url"} <= set(old)
    assert not {"authorizations_url", "hub_url"} & set(new)
    assert new["repository_url"] == old["repository_url"]
