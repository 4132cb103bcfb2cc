"""GitHub's secondary rate limits, with small numbers and a clock the tests move by hand."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from reconciler.sandbox import Exchange, Sandbox
from reconciler.sandbox.secondary_limits import BoundLimits, SecondaryLimitExceeded, SecondaryLimits

KERNEL = "Sovereign-Operating-System/sovereign-kernel"
HEADERS = {"Authorization": "token limited", "Accept": "application/vnd.github+json"}
SECONDARY_DOCS = "https://docs.github.com/en/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def limited(tmp_path: Path, clock: FakeClock, **numbers: int) -> Sandbox:
    return Sandbox(tmp_path / "state.json", secondary_limits=SecondaryLimits(**numbers), clock=clock)


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as http:
        http.headers.update(HEADERS)
        yield http


def labels_url(sandbox: Sandbox) -> str:
    return f"{sandbox.url}/repos/{KERNEL}/labels"


def test_in_process_sandboxes_enforce_none_by_default(session: requests.Session) -> None:
    with Sandbox() as sandbox:  # no state file: nothing to save after every write
        answers = [session.post(labels_url(sandbox), json={"name": f"l{n}", "color": "ffffff"}) for n in range(81)]

    assert {r.status_code for r in answers} == {201}
    assert sandbox.secondary_limits is None
    assert sandbox.stats.secondary_limited() == 0


def test_reads_cost_one_point_and_writes_five(tmp_path: Path, clock: FakeClock, session: requests.Session) -> None:
    with limited(tmp_path, clock, rest_points_per_minute=12) as sandbox:
        reads = [session.get(labels_url(sandbox)).status_code for _ in range(2)]
        writes = [session.patch(f"{labels_url(sandbox)}/bug", json={"color": "000000"}).status_code for _ in range(2)]
        refused = session.head(labels_url(sandbox))

    assert reads == [200, 200]
    assert writes == [200, 200]  # 2 + 10 = 12 points: the limit, not over it
    assert refused.status_code == 403
    assert sandbox.stats.secondary_limited() == 1


def test_a_spent_point_budget_is_githubs_403_with_retry_after(
    tmp_path: Path, clock: FakeClock, session: requests.Session
) -> None:
    with limited(tmp_path, clock, rest_points_per_minute=10) as sandbox:
        for _ in range(2):
            session.patch(f"{labels_url(sandbox)}/bug", json={"color": "000000"})
        clock.advance(20)
        refused = session.get(labels_url(sandbox))
        clock.advance(39)
        still = session.get(labels_url(sandbox))
        clock.advance(1)
        allowed = session.get(labels_url(sandbox))

    body = refused.json()
    assert refused.status_code == 403
    assert body["message"].startswith(
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
        "If you reach out to GitHub Support for help, please include the request ID "
    )
    assert refused.headers["X-GitHub-Request-Id"] in body["message"]
    assert body["documentation_url"] == f"{SECONDARY_DOCS}#about-secondary-rate-limits"
    assert refused.headers["Retry-After"] == "40"
    # Not the primary limit: budget remains, which is how clients tell them apart.
    assert int(refused.headers["X-RateLimit-Remaining"]) > 0
    assert (still.status_code, still.headers["Retry-After"]) == (403, "1")
    assert allowed.status_code == 200


def test_a_refused_request_costs_no_points_and_changes_nothing(
    tmp_path: Path, clock: FakeClock, session: requests.Session
) -> None:
    with limited(tmp_path, clock, rest_points_per_minute=5) as sandbox:
        first = session.post(labels_url(sandbox), json={"name": "one", "color": "ffffff"})
        second = session.post(labels_url(sandbox), json={"name": "two", "color": "ffffff"})
        clock.advance(60)
        third = session.post(labels_url(sandbox), json={"name": "three", "color": "ffffff"})
        names = {label.name for label in sandbox.state.find_repo(*KERNEL.split("/")).labels}  # type: ignore[union-attr]

    assert (first.status_code, second.status_code, third.status_code) == (201, 403, 201)
    assert {"one", "three"} <= names and "two" not in names


def test_content_creation_is_limited_per_minute(tmp_path: Path, clock: FakeClock, session: requests.Session) -> None:
    with limited(tmp_path, clock, content_per_minute=3) as sandbox:
        created = [session.post(labels_url(sandbox), json={"name": f"c{n}", "color": "ffffff"}) for n in range(3)]
        updates = [session.patch(f"{labels_url(sandbox)}/c0", json={"color": "000000"}) for _ in range(3)]
        refused = session.post(labels_url(sandbox), json={"name": "c3", "color": "ffffff"})
        clock.advance(60)
        later = session.post(labels_url(sandbox), json={"name": "c3", "color": "ffffff"})

    assert [r.status_code for r in created] == [201, 201, 201]
    assert [r.status_code for r in updates] == [200, 200, 200]  # updates create nothing
    assert refused.status_code == 403
    assert refused.json()["message"] == (
        "You have exceeded a secondary rate limit and have been temporarily blocked from content creation. "
        "Please retry your request again later."
    )
    assert refused.headers["Retry-After"] == "60"
    assert later.status_code == 201
    assert sandbox.stats.secondary_by_limit() == {"content_creation": 1}


def test_content_creation_is_limited_per_hour(tmp_path: Path, clock: FakeClock, session: requests.Session) -> None:
    with limited(tmp_path, clock, content_per_minute=80, content_per_hour=2) as sandbox:
        for n in range(2):
            session.post(labels_url(sandbox), json={"name": f"h{n}", "color": "ffffff"})
            clock.advance(61)
        refused = session.post(labels_url(sandbox), json={"name": "h2", "color": "ffffff"})

    assert refused.status_code == 403
    assert int(refused.headers["Retry-After"]) == 3600 - 2 * 61


def test_only_requests_that_create_count_as_content(
    tmp_path: Path, clock: FakeClock, session: requests.Session
) -> None:
    with limited(tmp_path, clock, content_per_minute=1) as sandbox:
        duplicate = session.post(labels_url(sandbox), json={"name": "bug", "color": "ffffff"})
        created = session.post(labels_url(sandbox), json={"name": "new-one", "color": "ffffff"})
        refused = session.post(labels_url(sandbox), json={"name": "new-two", "color": "ffffff"})

    assert duplicate.status_code == 422  # refused by validation: nothing created, nothing counted
    assert created.status_code == 201
    assert refused.status_code == 403


def test_concurrent_requests_beyond_the_limit_are_refused(
    tmp_path: Path, clock: FakeClock, session: requests.Session
) -> None:
    entered, release = threading.Event(), threading.Event()

    def hold_the_first(exchange: Exchange) -> None:
        if exchange.path.endswith("/labels") and not entered.is_set():
            entered.set()
            release.wait(timeout=10)

    answers: list[requests.Response] = []
    with limited(tmp_path, clock, concurrent_requests=1) as sandbox:
        sandbox.add_observer(hold_the_first)
        first = threading.Thread(target=lambda: answers.append(requests.get(labels_url(sandbox), headers=HEADERS)))
        first.start()
        assert entered.wait(timeout=10)
        second = session.get(f"{sandbox.url}/repos/{KERNEL}")
        other_token = requests.get(f"{sandbox.url}/repos/{KERNEL}", headers={"Authorization": "token another"})
        release.set()
        first.join(timeout=10)
        after = session.get(f"{sandbox.url}/repos/{KERNEL}")

    assert second.status_code == 403
    assert "secondary rate limit" in second.json()["message"]
    assert other_token.status_code == 200  # the limit is per token
    assert [r.status_code for r in answers] == [200]
    assert after.status_code == 200
    assert sandbox.stats.secondary_by_limit() == {"concurrent_requests": 1}


def test_limits_count_per_token(tmp_path: Path, clock: FakeClock, session: requests.Session) -> None:
    with limited(tmp_path, clock, rest_points_per_minute=1) as sandbox:
        mine = [session.get(labels_url(sandbox)).status_code for _ in range(2)]
        theirs = requests.get(labels_url(sandbox), headers={"Authorization": "token someone-else"})

    assert mine == [200, 403]
    assert theirs.status_code == 200


def test_stats_and_the_admin_endpoint_count_refusals(
    tmp_path: Path, clock: FakeClock, session: requests.Session
) -> None:
    with limited(tmp_path, clock, rest_points_per_minute=2) as sandbox:
        for _ in range(4):
            session.get(labels_url(sandbox))
        stats = requests.get(f"{sandbox.url}/_sandbox/stats").json()
        usage = requests.get(f"{sandbox.url}/_sandbox/secondary-limits").json()

    assert stats["secondary_limited"] == 2
    assert stats["secondary_by_limit"] == {"rest_points": 2}
    assert usage["limits"]["rest_points_per_minute"] == 2
    assert list(usage["rest_points"].values()) == [2]
    assert "limited" not in str(usage)  # tokens are named by a hash only


def test_the_graphql_endpoint_charges_its_own_budget(tmp_path: Path, clock: FakeClock) -> None:
    # The GraphQL route is another module's; it charges through the hook each request carries.
    sandbox = limited(tmp_path, clock, graphql_points_per_minute=6, rest_points_per_minute=1)
    limiter = sandbox.secondary_limiter
    assert limiter is not None
    hook = BoundLimits(limiter, limiter.key("a-token"), "R1")

    hook.charge_graphql(mutation=True)
    hook.charge_graphql(mutation=False)
    with pytest.raises(SecondaryLimitExceeded) as refused:
        hook.charge_graphql(mutation=False)
    clock.advance(60)
    hook.charge_graphql(mutation=True)

    assert refused.value.status == 403
    assert refused.value.limit == "graphql_points"
    assert "R1" in refused.value.message
    # The GraphQL budget is its own: REST points were never touched.
    limiter.admit(limiter.key("a-token"), "GET", "/repos/{owner}/{repo}", "R5")


def test_scaled_limits_keep_every_limit_at_least_one() -> None:
    scaled = SecondaryLimits().scaled(0.01)

    assert scaled.rest_points_per_minute == 9
    assert scaled.content_per_minute == 1
    assert scaled.concurrent_requests == 1
    with pytest.raises(ValueError):
        SecondaryLimits(rest_points_per_minute=0)
