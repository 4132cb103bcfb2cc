"""The PyGithub adapter against the sandbox, over HTTP: typed errors, retries, pacing."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from reconciler.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    ValidationFailedError,
)
from reconciler.github.adapter import Connection, PyGithubReader, PyGithubWriter
from reconciler.github.pacing import PacingPolicy, RetryPolicy
from reconciler.github.port import GitHubReader, GitHubWriter, IssueReader
from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import TokenGrant

KERNEL = "Sovereign-Operating-System/sovereign-kernel"


@dataclass
class FakeClock:
    """Time that only moves when somebody sleeps: retries never really wait in tests."""

    current: float = field(default_factory=time.time)
    sleeps: list[float] = field(default_factory=list)

    def now(self) -> float:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.current += seconds


def reader(sandbox: Sandbox, clock: FakeClock, retry: RetryPolicy | None = None, token: str = "t") -> PyGithubReader:
    return PyGithubReader(Connection(sandbox.url, token=token, retry=retry or RetryPolicy()), clock=clock)


def writer(sandbox: Sandbox, clock: FakeClock, pacing: PacingPolicy | None = None) -> PyGithubWriter:
    return PyGithubWriter(
        Connection(sandbox.url, token="t", pacing=pacing or PacingPolicy(write_interval=0.0)), clock=clock
    )


def test_lists_every_label_across_pages(sandbox: Sandbox) -> None:
    with sandbox.state.lock:
        repo = sandbox.state.find_repo("Sovereign-Operating-System", "operations-handbook")
        assert repo is not None
        for n in range(150):
            sandbox.state.add_label(repo, f"extra-{n:03}", "ededed")
    sandbox.stats.reset()
    labels = reader(sandbox, FakeClock()).list_labels("Sovereign-Operating-System/operations-handbook")
    assert len(labels) == 159
    assert {"bug", "extra-000", "extra-149"} <= {label.name for label in labels}
    assert sandbox.stats.by_route() == {"GET /repos/{owner}/{repo}/labels": 2}


def test_server_errors_are_retried_with_backoff_then_succeed(sandbox: Sandbox) -> None:
    clock = FakeClock()
    sandbox.inject_fault(method="GET", path_pattern=r"/labels$", status=502, times=2)
    labels = reader(sandbox, clock, RetryPolicy(attempts=3, backoff_base=2.0)).list_labels(KERNEL)
    assert labels
    assert clock.sleeps == [2.0, 4.0]


def test_server_errors_past_the_retry_budget_are_typed(sandbox: Sandbox) -> None:
    sandbox.inject_fault(method="GET", path_pattern=r"/labels$", status=500, times=5)
    with pytest.raises(ServerError) as caught:
        reader(sandbox, FakeClock(), RetryPolicy(attempts=2)).list_labels(KERNEL)
    assert caught.value.status == 500
    assert caught.value.repository == KERNEL


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
    assert reader(sandbox, clock).list_labels(KERNEL)
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
    assert reader(sandbox, clock).list_labels(KERNEL)
    assert clock.sleeps == [7.0]


def test_secondary_limit_without_retry_after_waits_at_least_a_minute(sandbox: Sandbox) -> None:
    clock = FakeClock()
    sandbox.inject_fault(
        method="GET",
        path_pattern=r"/labels$",
        status=403,
        body={"message": "You have exceeded a secondary rate limit. Please wait a few minutes."},
    )
    assert reader(sandbox, clock).list_labels(KERNEL)
    assert clock.sleeps and clock.sleeps[0] >= 60


def test_a_wait_longer_than_the_policy_allows_is_an_error_not_a_hang(sandbox: Sandbox) -> None:
    clock = FakeClock()
    sandbox.inject_fault(
        method="GET",
        path_pattern=r"/labels$",
        status=403,
        body={"message": "API rate limit exceeded"},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(clock.now()) + 3600)},
    )
    with pytest.raises(RateLimitedError, match="Re-run later"):
        reader(sandbox, clock, RetryPolicy(max_wait=600)).list_labels(KERNEL)
    assert clock.sleeps == []


def test_the_sandbox_rate_limit_is_obeyed_end_to_end(sandbox: Sandbox) -> None:
    clock = FakeClock()
    sandbox.set_rate_limit(remaining=0, reset_epoch=int(clock.now()) + 30)
    with pytest.raises(RateLimitedError):
        reader(sandbox, clock, RetryPolicy(attempts=1)).list_labels(KERNEL)


def test_bad_token_is_an_authentication_error_without_retries(sandbox: Sandbox) -> None:
    sandbox.state.tokens["revoked"] = TokenGrant(valid=False)
    clock = FakeClock()
    with pytest.raises(AuthenticationError, match="Bad credentials") as caught:
        reader(sandbox, clock, token="revoked").list_labels(KERNEL)
    assert "revoked" not in str(caught.value)
    assert clock.sleeps == []


def test_missing_scope_is_permission_denied(sandbox: Sandbox) -> None:
    sandbox.state.tokens["read-only"] = TokenGrant(scopes=["read:org"])
    w = PyGithubWriter(Connection(sandbox.url, token="read-only", pacing=PacingPolicy(write_interval=0.0)))
    with pytest.raises(PermissionDeniedError, match="not accessible"):
        w.create_label(KERNEL, name="x", color="000000", description="")


def test_unknown_repository_is_not_found(sandbox: Sandbox) -> None:
    with pytest.raises(NotFoundError):
        reader(sandbox, FakeClock()).list_labels("Sovereign-Operating-System/nope")


def test_reading_a_directory_as_a_file_is_not_found_and_a_missing_directory_is_empty(sandbox: Sandbox) -> None:
    github = reader(sandbox, FakeClock())
    listed = github.list_directory(KERNEL, ".github/workflows")
    assert listed and all(f.path.startswith(".github/workflows/") for f in listed)
    # Both a directory with several entries and one with a single entry are refused as files.
    with pytest.raises(NotFoundError, match=r"\.github/workflows is not a file"):
        github.get_file(KERNEL, ".github/workflows")
    with pytest.raises(NotFoundError, match=r"\.github is not a file"):
        github.get_file(KERNEL, ".github")
    assert github.list_directory(KERNEL, "no/such/directory") == []
    assert github.get_branch_head(KERNEL, "no-such-branch") is None


def test_label_writes_with_names_that_need_encoding(sandbox: Sandbox) -> None:
    w = writer(sandbox, FakeClock())
    odd = "area: api/v2 + 🚀 docs"
    w.create_label(KERNEL, name=odd, color="ABCDEF", description="odd")
    w.update_label(KERNEL, odd, name="Area: API/v2 + 🚀 docs", color="abcdef", description="renamed")
    found = {label.name: label for label in w.list_labels(KERNEL)}
    assert found["Area: API/v2 + 🚀 docs"].description == "renamed"
    w.delete_label(KERNEL, "area: api/v2 + 🚀 docs")
    assert "Area: API/v2 + 🚀 docs" not in {label.name for label in w.list_labels(KERNEL)}


def test_create_that_already_exists_identically_counts_as_done(sandbox: Sandbox) -> None:
    w = writer(sandbox, FakeClock())
    w.create_label(KERNEL, name="fresh", color="123456", description="d")
    # As after a POST that landed but whose response was lost and retried.
    w.create_label(KERNEL, name="FRESH".lower(), color="123456", description="d")
    with pytest.raises(ValidationFailedError) as caught:
        w.create_label(KERNEL, name="Fresh", color="654321", description="d")
    assert caught.value.already_exists


def test_writes_are_paced_one_interval_apart(sandbox: Sandbox) -> None:
    clock = FakeClock()
    w = writer(sandbox, clock, PacingPolicy(write_interval=1.0))
    for n in range(3):
        w.create_label(KERNEL, name=f"paced-{n}", color="000000", description="")
    # Time stands still between writes here, so each write after the first waits the full second.
    assert clock.sleeps == [1.0, 1.0]


def test_reader_has_no_way_to_write() -> None:
    # Every method the writer port adds to the read ports is absent from the reader.
    reads = set(vars(GitHubReader)) | set(vars(IssueReader))
    writes = {name for name in vars(GitHubWriter) if not name.startswith("_") and name not in reads}
    assert writes, "the writer port declares no writes"
    assert not writes & set(dir(PyGithubReader)), "the reader can write"
    assert writes <= set(dir(PyGithubWriter))
