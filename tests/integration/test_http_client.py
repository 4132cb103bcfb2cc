"""The HTTP client against the sandbox, over HTTP: the same behaviours the PyGithub adapter had."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

import pytest

from reconciler.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    ValidationFailedError,
)
from reconciler.github.http import Call, HttpReader, HttpWriter, Limits, RetryPolicy, StaticToken
from reconciler.sandbox import Exchange, Sandbox
from reconciler.sandbox.state import TokenGrant
from tests.http_support import TOKEN, FakeClock, reader, writer

ORG = "Sovereign-Operating-System"
KERNEL = f"{ORG}/sovereign-kernel"
LABELS = f"/repos/{KERNEL}/labels"
LIST_LABELS = Call("list labels", KERNEL)


def add_labels(sandbox: Sandbox, count: int) -> None:
    with sandbox.state.lock:
        repo = sandbox.state.find_repo(ORG, "operations-handbook")
        assert repo is not None
        for n in range(count):
            sandbox.state.add_label(repo, f"extra-{n:03}", "ededed")


def test_lists_every_label_across_pages(sandbox: Sandbox) -> None:
    add_labels(sandbox, 150)
    sandbox.stats.reset()
    handbook = f"{ORG}/operations-handbook"
    labels = reader(sandbox.url).get_all(f"/repos/{handbook}/labels", Call("list labels", handbook))
    assert len(labels) == 159
    assert {"bug", "extra-000", "extra-149"} <= {label["name"] for label in labels}
    assert sandbox.stats.by_route() == {"GET /repos/{owner}/{repo}/labels": 2}


def test_lists_wrapped_in_an_object_and_small_pages(sandbox: Sandbox) -> None:
    github = reader(sandbox.url)
    workflows = github.get_all(
        f"/repos/{KERNEL}/actions/workflows", Call("list workflows", KERNEL), list_key="workflows"
    )
    assert workflows and all("state" in w for w in workflows)
    sandbox.stats.reset()
    few = github.get_all(LABELS, LIST_LABELS, per_page=5)
    assert len(few) == len(github.get_all(LABELS, LIST_LABELS))
    assert sandbox.stats.count("GET", "/repos/{owner}/{repo}/labels") == -(-len(few) // 5) + 1


def test_server_errors_are_retried_with_backoff_then_succeed(sandbox: Sandbox) -> None:
    clock = FakeClock()
    sandbox.inject_fault(method="GET", path_pattern=r"/labels$", status=502, times=2)
    labels = reader(sandbox.url, clock, retry=RetryPolicy(attempts=3, backoff_base=2.0)).get_all(LABELS, LIST_LABELS)
    assert labels
    assert clock.sleeps == [2.0, 4.0]


def test_server_errors_past_the_retry_budget_are_typed(sandbox: Sandbox) -> None:
    sandbox.inject_fault(method="GET", path_pattern=r"/labels$", status=500, times=5)
    with pytest.raises(ServerError) as caught:
        reader(sandbox.url, retry=RetryPolicy(attempts=2)).get_all(LABELS, LIST_LABELS)
    assert caught.value.status == 500
    assert caught.value.repository == KERNEL and caught.value.operation == "list labels"


def test_spent_primary_rate_limit_waits_until_reset(sandbox: Sandbox) -> None:
    clock = FakeClock()
    reset = int(clock.now()) + 120
    sandbox.inject_fault(
        method="GET",
        path_pattern=r"/labels$",
        status=403,
        body={"message": "API rate limit exceeded for user ID 1."},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
    )
    assert reader(sandbox.url, clock, limits=Limits.github()).get_all(LABELS, LIST_LABELS)
    assert len(clock.sleeps) == 1 and 120 <= clock.sleeps[0] <= 122


def test_secondary_limit_honours_retry_after(sandbox: Sandbox) -> None:
    clock = FakeClock()
    sandbox.inject_fault(
        method="GET",
        path_pattern=r"/labels$",
        status=429,
        body={"message": "You have exceeded a secondary rate limit."},
        headers={"retry-after": "7"},
    )
    assert reader(sandbox.url, clock).get_all(LABELS, LIST_LABELS)
    assert clock.sleeps == [pytest.approx(7.0)]


def test_secondary_limit_without_retry_after_waits_at_least_a_minute_then_longer(sandbox: Sandbox) -> None:
    clock = FakeClock()
    sandbox.inject_fault(
        method="GET",
        path_pattern=r"/labels$",
        status=403,
        body={"message": "You have exceeded a secondary rate limit. Please wait a few minutes."},
        times=2,
    )
    github = reader(sandbox.url, clock, retry=RetryPolicy(attempts=3, max_wait=900))
    assert github.get_all(LABELS, LIST_LABELS)
    assert clock.sleeps == [pytest.approx(60.0), pytest.approx(120.0)]
    assert github.session.scheduler(KERNEL).speed() == 0.25, "each refusal halves the pace"


def test_a_wait_longer_than_the_policy_allows_is_an_error_not_a_hang(sandbox: Sandbox) -> None:
    clock = FakeClock()
    sandbox.inject_fault(
        method="GET",
        path_pattern=r"/labels$",
        status=403,
        body={"message": "API rate limit exceeded"},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(clock.now()) + 3600)},
    )
    with pytest.raises(RateLimitedError, match=r"wait 360[01]s, more than the 600s this run allows\. Re-run later"):
        reader(sandbox.url, clock, retry=RetryPolicy(max_wait=600)).get_all(LABELS, LIST_LABELS)
    assert clock.sleeps == []


def test_the_sandbox_rate_limit_is_obeyed_end_to_end(sandbox: Sandbox) -> None:
    clock = FakeClock()
    github = reader(sandbox.url, clock, limits=Limits.github(), retry=RetryPolicy(attempts=1))
    sandbox.set_rate_limit(remaining=0, reset_epoch=int(clock.now()) + 30)
    with pytest.raises(RateLimitedError):
        github.get_all(LABELS, LIST_LABELS)
    assert clock.sleeps == []
    # GitHub said the budget is spent until the reset: the next request waits for it first.
    sandbox.set_rate_limit(remaining=5000)
    assert github.get(f"/repos/{KERNEL}", Call("read repository", KERNEL)).status == 200
    assert len(clock.sleeps) == 1 and 30 <= clock.sleeps[0] <= 32


def test_the_rate_limit_endpoint_is_read_while_the_budget_is_spent(sandbox: Sandbox) -> None:
    clock = FakeClock()
    github = reader(sandbox.url, clock, limits=Limits.github(), retry=RetryPolicy(attempts=1, max_wait=10))
    sandbox.set_rate_limit(remaining=0, reset_epoch=int(clock.now()) + 3000)
    with pytest.raises(RateLimitedError):
        github.get(f"/repos/{KERNEL}", Call("read repository", KERNEL))
    reply = github.get("/rate_limit", Call("read the rate limit"))
    assert reply.body["resources"]["core"]["remaining"] == 0
    assert clock.sleeps == []


def test_bad_token_is_an_authentication_error_without_retries(sandbox: Sandbox) -> None:
    sandbox.state.tokens["revoked-token"] = TokenGrant(valid=False)
    clock = FakeClock()
    with pytest.raises(AuthenticationError, match="Bad credentials") as caught:
        reader(sandbox.url, clock, credentials=StaticToken("revoked-token")).get_all(LABELS, LIST_LABELS)
    assert "revoked-token" not in str(caught.value)
    assert clock.sleeps == []
    assert sandbox.stats.total() == 1


def test_missing_scope_is_permission_denied(sandbox: Sandbox) -> None:
    sandbox.state.tokens["read-only-token"] = TokenGrant(scopes=["read:org"])
    github = writer(sandbox.url, credentials=StaticToken("read-only-token"))
    with pytest.raises(PermissionDeniedError, match="not accessible") as caught:
        github.send("POST", LABELS, Call("create label", KERNEL), body={"name": "x", "color": "000000"})
    assert caught.value.token_scopes == ("read:org",)


def test_unknown_repository_is_not_found(sandbox: Sandbox) -> None:
    with pytest.raises(NotFoundError):
        reader(sandbox.url).get_all(f"/repos/{ORG}/nope/labels", Call("list labels", f"{ORG}/nope"))


def test_label_writes_with_names_that_need_encoding(sandbox: Sandbox) -> None:
    github = writer(sandbox.url)
    odd = "area: api/v2 + 🚀 docs"
    create = Call(f"create label {odd!r}", KERNEL)
    created = github.send("POST", LABELS, create, body={"name": odd, "color": "ABCDEF", "description": "odd"})
    assert created.status == 201 and created.body["name"] == odd
    renamed = {"new_name": "Area: API/v2 + 🚀 docs", "color": "abcdef", "description": "renamed"}
    github.send("PATCH", f"{LABELS}/{quote(odd, safe='')}", Call("update label", KERNEL), body=renamed)
    found = {label["name"]: label for label in github.get_all(LABELS, LIST_LABELS)}
    assert found["Area: API/v2 + 🚀 docs"]["description"] == "renamed"
    deleted = github.send("DELETE", f"{LABELS}/{quote('area: api/v2 + 🚀 docs', safe='')}", Call("delete", KERNEL))
    assert deleted.status == 204 and deleted.body is None
    assert "Area: API/v2 + 🚀 docs" not in {label["name"] for label in github.get_all(LABELS, LIST_LABELS)}


def test_a_validation_failure_carries_githubs_codes(sandbox: Sandbox) -> None:
    github = writer(sandbox.url)
    github.send("POST", LABELS, Call("create label", KERNEL), body={"name": "fresh", "color": "123456"})
    with pytest.raises(ValidationFailedError) as caught:
        github.send("POST", LABELS, Call("create label", KERNEL), body={"name": "Fresh", "color": "654321"})
    assert caught.value.already_exists
    assert caught.value.status == 422


def test_writes_are_paced_one_interval_apart(sandbox: Sandbox) -> None:
    clock = FakeClock()
    github = writer(sandbox.url, clock, limits=replace(Limits.none(), write_interval=1.0))
    for n in range(3):
        github.send("POST", LABELS, Call("create label", KERNEL), body={"name": f"paced-{n}", "color": "000000"})
    assert clock.sleeps == [1.0, 1.0]


def test_a_request_that_may_have_landed_is_not_repeated_after_a_server_error(sandbox: Sandbox) -> None:
    github = writer(sandbox.url)
    issue = {"title": "Drift", "body": "report"}
    sandbox.inject_fault(method="POST", path_pattern=r"/issues$", status=502)
    with pytest.raises(ServerError):
        github.send("POST", f"/repos/{KERNEL}/issues", Call("open issue", KERNEL), body=issue, idempotent=False)
    assert sandbox.stats.count("POST", "/repos/{owner}/{repo}/issues") == 1
    # An idempotent write is repeated.
    sandbox.inject_fault(method="PATCH", path_pattern=r"/labels/bug$", status=502)
    github.send("PATCH", f"{LABELS}/bug", Call("update label", KERNEL), body={"description": "x"})
    assert sandbox.stats.count("PATCH", "/repos/{owner}/{repo}/labels/{name}") == 2


def test_a_write_refused_for_a_rate_limit_is_repeated_since_github_did_nothing(sandbox: Sandbox) -> None:
    clock = FakeClock()
    github = writer(sandbox.url, clock)
    sandbox.inject_fault(method="POST", path_pattern=r"/issues$", status=403, headers={"retry-after": "3"})
    created = github.send(
        "POST",
        f"/repos/{KERNEL}/issues",
        Call("open issue", KERNEL),
        body={"title": "t"},
        idempotent=False,
        creates=True,
    )
    assert created.status == 201
    assert clock.sleeps == [pytest.approx(3.0)]
    usage = github.session.usage()
    assert usage.creates == 2 and usage.retries == 1


def test_the_reader_has_no_way_to_write(sandbox: Sandbox) -> None:
    github = reader(sandbox.url)
    assert not hasattr(github, "send")
    assert hasattr(HttpWriter, "send") and not hasattr(HttpReader, "send")
    with pytest.raises(ValueError, match="planning must not write"):
        github.graphql('mutation { addStar(input: {starrableId: "x"}) { clientMutationId } }', {}, Call("star"))
    assert sandbox.stats.total() == 0


def test_every_request_pins_the_api_version_and_names_the_client(sandbox: Sandbox) -> None:
    seen: list[Exchange] = []
    sandbox.add_observer(seen.append)
    github = writer(sandbox.url)
    github.get(f"/repos/{KERNEL}", Call("read repository", KERNEL))
    github.get_all(LABELS, LIST_LABELS, per_page=10)
    github.get_all(
        f"/repos/{KERNEL}/actions/variables", Call("list variables", KERNEL), list_key="variables", per_page=30
    )
    github.send("POST", LABELS, Call("create label", KERNEL), body={"name": "v", "color": "000000"})
    github.send("DELETE", f"{LABELS}/v", Call("delete label", KERNEL))
    with pytest.raises(NotFoundError):
        github.get(f"/repos/{ORG}/none", Call("read repository", f"{ORG}/none"))
    assert len(seen) >= 6
    for exchange in seen:
        assert exchange.request_headers.get("x-github-api-version") == "2022-11-28", exchange.path
        assert exchange.request_headers.get("user-agent", "").startswith("reconciler/")
        assert exchange.request_headers.get("accept") == "application/vnd.github+json"


def test_observers_see_each_request_without_the_token(sandbox: Sandbox) -> None:
    from tests.http_support import Recorder

    recorder = Recorder()
    github = reader(sandbox.url, observers=[recorder])
    github.get_all(LABELS, LIST_LABELS, per_page=10)
    assert len(recorder.requests) == sandbox.stats.total() >= 2
    first = recorder.requests[0]
    assert (first.method, first.status, first.operation, first.repository) == ("GET", 200, "list labels", KERNEL)
    assert first.path == f"/repos/{KERNEL}/labels?per_page=10"
    assert first.remaining is not None and first.resource == "core" and first.duration >= 0
    assert all(TOKEN not in repr(event) for event in recorder.requests)
