"""Behaviour common to every route: auth, errors, conditional requests, rate limits, faults."""

from __future__ import annotations

import time

import pytest
import requests
from github import Github, GithubException

from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import TokenGrant

KERNEL = "Sovereign-Operating-System/sovereign-kernel"


def labels_url(sandbox: Sandbox) -> str:
    return f"{sandbox.url}/repos/{KERNEL}/labels"


def remaining(response: requests.Response) -> int:
    return int(response.headers["X-RateLimit-Remaining"])


# -- authentication and scopes --------------------------------------------------------------------


def test_missing_credentials_get_401_for_a_write(sandbox: Sandbox) -> None:
    # Reads of public repositories are anonymous on GitHub (see test_sandbox_identities).
    response = requests.post(labels_url(sandbox), json={"name": "anonymous", "color": "ffffff"})

    assert response.status_code == 401
    assert response.json()["message"] == "Requires authentication"
    assert response.json()["status"] == "401"
    assert "documentation_url" in response.json()


def test_a_revoked_token_gets_bad_credentials(sandbox: Sandbox) -> None:
    with sandbox.state.lock:
        sandbox.state.tokens["revoked"] = TokenGrant(valid=False)

    response = requests.get(labels_url(sandbox), headers={"Authorization": "Bearer revoked"})

    assert response.status_code == 401
    assert response.json()["message"] == "Bad credentials"


def test_any_other_token_works_with_the_default_scopes(sandbox: Sandbox) -> None:
    for header in ("token anything", "Bearer something-else"):
        response = requests.get(labels_url(sandbox), headers={"Authorization": header})
        assert response.status_code == 200
        assert response.headers["X-OAuth-Scopes"] == "repo, workflow, read:org"
        assert response.headers["X-Accepted-OAuth-Scopes"] == "repo"


def test_writes_need_the_repo_scope(sandbox: Sandbox) -> None:
    with sandbox.state.lock:
        sandbox.state.tokens["read-only"] = TokenGrant(scopes=["read:org"])
    headers = {"Authorization": "token read-only"}

    read = requests.get(labels_url(sandbox), headers=headers)
    write = requests.post(labels_url(sandbox), headers=headers, json={"name": "x", "color": "ffffff"})

    assert read.status_code == 200
    assert write.status_code == 403
    assert write.json()["message"] == "Resource not accessible by personal access token"
    assert write.headers["X-OAuth-Scopes"] == "read:org"


# -- errors and common headers --------------------------------------------------------------------


@pytest.mark.contract_violations_expected  # neither request is a documented operation
def test_unknown_route_and_wrong_method_are_404(sandbox: Sandbox, http: requests.Session) -> None:
    unknown = http.get(f"{sandbox.url}/repos/{KERNEL}/no-such-thing")
    wrong_method = http.put(labels_url(sandbox), json={})

    for response in (unknown, wrong_method):
        assert response.status_code == 404
        assert response.json()["message"] == "Not Found"


@pytest.mark.contract_violations_expected  # the request body is not JSON
def test_a_body_that_is_not_json_is_a_400(sandbox: Sandbox, http: requests.Session) -> None:
    response = http.post(labels_url(sandbox), data=b"{not json", headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json()["message"] == "Problems parsing JSON"


def test_common_headers(sandbox: Sandbox, http: requests.Session) -> None:
    default = http.get(labels_url(sandbox))
    pinned = http.get(labels_url(sandbox), headers={"X-GitHub-Api-Version": "2026-03-10"})

    assert default.headers["Content-Type"] == "application/json; charset=utf-8"
    assert default.headers["X-GitHub-Request-Id"] != pinned.headers["X-GitHub-Request-Id"]
    assert default.headers["X-GitHub-Api-Version-Selected"] == "2022-11-28"
    assert pinned.headers["X-GitHub-Api-Version-Selected"] == "2026-03-10"
    assert default.headers["Cache-Control"] == "private, max-age=60, s-maxage=60"
    assert "Authorization" in default.headers["Vary"]
    for name in ("Limit", "Remaining", "Used", "Reset"):
        assert int(default.headers[f"X-RateLimit-{name}"]) >= 0
    assert default.headers["X-RateLimit-Resource"] == "core"


# -- conditional requests -------------------------------------------------------------------------


def test_if_none_match_gives_304_without_spending_budget(sandbox: Sandbox, http: requests.Session) -> None:
    first = http.get(labels_url(sandbox))
    etag = first.headers["ETag"]

    again = http.get(labels_url(sandbox), headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    assert remaining(again) == remaining(first)
    assert sandbox.stats.not_modified() == 1
    assert sandbox.stats.by_route()["GET /repos/{owner}/{repo}/labels"] == 2


def test_etag_changes_with_the_content_and_with_the_token(sandbox: Sandbox, http: requests.Session) -> None:
    etag = http.get(labels_url(sandbox)).headers["ETag"]
    other_token = requests.get(
        labels_url(sandbox), headers={"Authorization": "token someone-else", "If-None-Match": etag}
    )
    http.post(labels_url(sandbox), json={"name": "fresh", "color": "ffffff"})
    after_write = http.get(labels_url(sandbox), headers={"If-None-Match": etag})

    assert other_token.status_code == 200
    assert after_write.status_code == 200
    assert after_write.headers["ETag"] != etag


# -- rate limits ----------------------------------------------------------------------------------


def test_each_request_spends_one_and_rate_limit_is_free(sandbox: Sandbox, http: requests.Session) -> None:
    first = http.get(labels_url(sandbox))
    second = http.get(labels_url(sandbox))
    status = http.get(f"{sandbox.url}/rate_limit")

    assert remaining(second) == remaining(first) - 1
    assert status.json()["resources"]["core"]["remaining"] == remaining(second)
    assert status.json()["rate"]["used"] == 2
    assert remaining(http.get(labels_url(sandbox))) == remaining(second) - 1


def test_an_exhausted_budget_gives_403_with_remaining_zero(sandbox: Sandbox, http: requests.Session) -> None:
    reset_at = int(time.time()) + 1800
    sandbox.set_rate_limit(remaining=2, reset_epoch=reset_at)

    allowed = [http.get(labels_url(sandbox)) for _ in range(2)]
    refused = http.get(labels_url(sandbox))

    assert [r.status_code for r in allowed] == [200, 200]
    assert [remaining(r) for r in allowed] == [1, 0]
    assert refused.status_code == 403
    assert refused.json()["message"].startswith("API rate limit exceeded for user ID ")
    assert refused.json()["documentation_url"].endswith("rate-limits-for-the-rest-api")
    assert remaining(refused) == 0
    assert int(refused.headers["X-RateLimit-Reset"]) == reset_at
    assert http.get(f"{sandbox.url}/rate_limit").json()["resources"]["core"]["remaining"] == 0


def test_a_past_reset_starts_a_fresh_window(sandbox: Sandbox, http: requests.Session) -> None:
    sandbox.set_rate_limit(remaining=0, reset_epoch=int(time.time()) - 1, limit=100)

    response = http.get(labels_url(sandbox))

    assert response.status_code == 200
    assert (response.headers["X-RateLimit-Limit"], remaining(response)) == ("100", 99)


def test_pygithub_sees_the_rate_limit_error(sandbox: Sandbox, gh: Github) -> None:
    sandbox.set_rate_limit(remaining=0)

    with pytest.raises(GithubException) as excinfo:
        gh.get_repo(KERNEL)

    assert excinfo.value.status == 403


# -- faults ---------------------------------------------------------------------------------------


def test_injected_faults_answer_the_next_matching_requests(sandbox: Sandbox, http: requests.Session) -> None:
    sandbox.inject_fault(method="GET", path_pattern=r"/labels$", status=502, times=2)

    answers = [http.get(labels_url(sandbox)).status_code for _ in range(3)]
    other = http.get(f"{sandbox.url}/repos/{KERNEL}")

    assert answers == [502, 502, 200]
    assert other.status_code == 200


def test_a_fault_can_carry_a_body_and_headers(sandbox: Sandbox, http: requests.Session) -> None:
    sandbox.inject_fault(
        method="POST",
        path_pattern="/labels",
        status=403,
        headers={"Retry-After": "7"},
    )

    throttled = http.post(labels_url(sandbox), json={"name": "x", "color": "ffffff"})
    later = http.post(labels_url(sandbox), json={"name": "x", "color": "ffffff"})

    assert throttled.status_code == 403
    assert throttled.headers["Retry-After"] == "7"
    assert "secondary rate limit" in throttled.json()["message"]
    assert throttled.json()["status"] == "403"
    assert later.status_code == 201  # the faulted request changed nothing


def test_fault_headers_replace_defaults_whatever_their_case(sandbox: Sandbox, http: requests.Session) -> None:
    sandbox.inject_fault(
        method="GET",
        path_pattern="/labels$",
        status=403,
        body={"message": "API rate limit exceeded for user ID 1."},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1234567890"},
    )

    response = http.get(labels_url(sandbox))

    assert response.status_code == 403
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert response.headers["X-RateLimit-Reset"] == "1234567890"


def test_faults_via_the_admin_endpoint(sandbox: Sandbox, http: requests.Session) -> None:
    queued = requests.post(
        f"{sandbox.url}/_sandbox/faults",
        json={"method": "GET", "path_pattern": "/repos/", "status": 500, "body": {"message": "boom"}},
    )

    response = http.get(labels_url(sandbox))

    assert queued.status_code == 201
    assert (response.status_code, response.json()) == (500, {"message": "boom"})
    assert http.get(labels_url(sandbox)).status_code == 200


# -- latency --------------------------------------------------------------------------------------


def test_latency_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_SANDBOX_LATENCY_MS", "40")
    with Sandbox() as slow, Sandbox(latency_ms=0) as fast:
        headers = {"Authorization": "token t"}
        timings = {}
        for name, sb in (("slow", slow), ("fast", fast)):
            with requests.Session() as session:
                session.get(f"{sb.url}/user", headers=headers)  # open the connection
                started = time.perf_counter()
                for _ in range(5):
                    session.get(f"{sb.url}/user", headers=headers)
                timings[name] = time.perf_counter() - started

    assert slow.latency_ms == 40
    assert timings["slow"] >= 5 * 0.040
    assert timings["fast"] < timings["slow"]
