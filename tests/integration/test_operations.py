"""The operation modules and the kinds' own calls against the sandbox, over HTTP, through the
generic port: typed errors, retries, pacing, percent-encoding, recovering a retried create."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reconciler.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    ValidationFailedError,
)
from reconciler.github.git_data import get_branch_head, get_file, list_directory
from reconciler.github.http import HttpReader, HttpWriter, Limits, RetryPolicy, Session, Settings, StaticToken
from reconciler.github.port import GitHubReader, GitHubWriter
from reconciler.github.remembering import Remembering
from reconciler.kinds.labels.live import create_label, delete_label, list_labels, update_label
from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import TokenGrant
from tests.http_support import FakeClock

KERNEL = "Sovereign-Operating-System/sovereign-kernel"


def session(
    sandbox: Sandbox, clock: FakeClock, retry: RetryPolicy | None = None, token: str = "t", **limits: float
) -> Session:
    settings = Settings(
        sandbox.url,
        StaticToken(token),
        limits=replace(Limits.github(), **limits),
        retry=retry or RetryPolicy(),
        clock=clock,
        environ={},
    )
    return Session(settings)


def reader(sandbox: Sandbox, clock: FakeClock, retry: RetryPolicy | None = None, token: str = "t") -> HttpReader:
    return HttpReader(session(sandbox, clock, retry, token))


def writer(sandbox: Sandbox, clock: FakeClock, write_interval: float = 0.0) -> HttpWriter:
    return HttpWriter(session(sandbox, clock, write_interval=write_interval))


def test_lists_every_label_across_pages(sandbox: Sandbox) -> None:
    with sandbox.state.lock:
        repo = sandbox.state.find_repo("Sovereign-Operating-System", "operations-handbook")
        assert repo is not None
        for n in range(150):
            sandbox.state.add_label(repo, f"extra-{n:03}", "ededed")
    sandbox.stats.reset()
    labels = list_labels(reader(sandbox, FakeClock()), "Sovereign-Operating-System/operations-handbook")
    assert len(labels) == 159
    assert {"bug", "extra-000", "extra-149"} <= {label.name for label in labels}
    assert sandbox.stats.by_route() == {"GET /repos/{owner}/{repo}/labels": 2}


def test_server_errors_are_retried_with_backoff_then_succeed(sandbox: Sandbox) -> None:
    clock = FakeClock()
    sandbox.inject_fault(method="GET", path_pattern=r"/labels$", status=502, times=2)
    labels = list_labels(reader(sandbox, clock, RetryPolicy(attempts=3, backoff_base=2.0)), KERNEL)
    assert labels
    assert clock.sleeps == [2.0, 4.0]


def test_server_errors_past_the_retry_budget_are_typed(sandbox: Sandbox) -> None:
    sandbox.inject_fault(method="GET", path_pattern=r"/labels$", status=500, times=5)
    with pytest.raises(ServerError) as caught:
        list_labels(reader(sandbox, FakeClock(), RetryPolicy(attempts=2)), KERNEL)
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
    assert list_labels(reader(sandbox, clock), KERNEL)
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
    assert list_labels(reader(sandbox, clock), KERNEL)
    assert clock.sleeps == [7.0]


def test_secondary_limit_without_retry_after_waits_at_least_a_minute(sandbox: Sandbox) -> None:
    clock = FakeClock()
    sandbox.inject_fault(
        method="GET",
        path_pattern=r"/labels$",
        status=403,
        body={"message": "You have exceeded a secondary rate limit. Please wait a few minutes."},
    )
    assert list_labels(reader(sandbox, clock), KERNEL)
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
        list_labels(reader(sandbox, clock, RetryPolicy(max_wait=600)), KERNEL)
    assert clock.sleeps == []


def test_the_sandbox_rate_limit_is_obeyed_end_to_end(sandbox: Sandbox) -> None:
    clock = FakeClock()
    sandbox.set_rate_limit(remaining=0, reset_epoch=int(clock.now()) + 30)
    with pytest.raises(RateLimitedError):
        list_labels(reader(sandbox, clock, RetryPolicy(attempts=1)), KERNEL)


def test_bad_token_is_an_authentication_error_without_retries(sandbox: Sandbox) -> None:
    sandbox.state.tokens["revoked"] = TokenGrant(valid=False)
    clock = FakeClock()
    with pytest.raises(AuthenticationError, match="Bad credentials") as caught:
        list_labels(reader(sandbox, clock, token="revoked"), KERNEL)
    assert "revoked" not in str(caught.value)
    assert clock.sleeps == []


def test_missing_scope_is_permission_denied(sandbox: Sandbox) -> None:
    sandbox.state.tokens["read-only"] = TokenGrant(scopes=["read:org"])
    w = HttpWriter(session(sandbox, FakeClock(), token="read-only", write_interval=0.0))
    with pytest.raises(PermissionDeniedError, match="not accessible"):
        create_label(w, KERNEL, name="x", color="000000", description="")


def test_unknown_repository_is_not_found(sandbox: Sandbox) -> None:
    with pytest.raises(NotFoundError):
        list_labels(reader(sandbox, FakeClock()), "Sovereign-Operating-System/nope")


def test_reading_a_directory_as_a_file_is_not_found_and_a_missing_directory_is_empty(sandbox: Sandbox) -> None:
    github = reader(sandbox, FakeClock())
    listed = list_directory(github, KERNEL, ".github/workflows")
    assert listed and all(f.path.startswith(".github/workflows/") for f in listed)
    # Both a directory with several entries and one with a single entry are refused as files.
    with pytest.raises(NotFoundError, match=r"\.github/workflows is not a file"):
        get_file(github, KERNEL, ".github/workflows")
    with pytest.raises(NotFoundError, match=r"\.github is not a file"):
        get_file(github, KERNEL, ".github")
    assert list_directory(github, KERNEL, "no/such/directory") == []
    assert get_branch_head(github, KERNEL, "no-such-branch") is None


def test_label_writes_with_names_that_need_encoding(sandbox: Sandbox) -> None:
    w = writer(sandbox, FakeClock())
    odd = "area: api/v2 + 🚀 docs"
    create_label(w, KERNEL, name=odd, color="ABCDEF", description="odd")
    update_label(w, KERNEL, odd, name="Area: API/v2 + 🚀 docs", color="abcdef", description="renamed")
    found = {label.name: label for label in list_labels(w, KERNEL)}
    assert found["Area: API/v2 + 🚀 docs"].description == "renamed"
    delete_label(w, KERNEL, "area: api/v2 + 🚀 docs")
    assert "Area: API/v2 + 🚀 docs" not in {label.name for label in list_labels(w, KERNEL)}


def test_create_that_already_exists_identically_counts_as_done(sandbox: Sandbox) -> None:
    w = writer(sandbox, FakeClock())
    create_label(w, KERNEL, name="fresh", color="123456", description="d")
    # As after a POST that landed but whose response was lost and retried.
    create_label(w, KERNEL, name="FRESH".lower(), color="123456", description="d")
    with pytest.raises(ValidationFailedError) as caught:
        create_label(w, KERNEL, name="Fresh", color="654321", description="d")
    assert caught.value.already_exists


def test_writes_are_paced_one_interval_apart(sandbox: Sandbox) -> None:
    clock = FakeClock()
    w = writer(sandbox, clock, write_interval=1.0)
    for n in range(3):
        create_label(w, KERNEL, name=f"paced-{n}", color="000000", description="")
    # Time stands still between writes here, so each write after the first waits the full second.
    assert clock.sleeps == [1.0, 1.0]


def test_reader_has_no_way_to_write() -> None:
    # Every method the writer port adds to the read port is absent from the readers.
    reads = set(vars(GitHubReader))
    writes = {name for name in vars(GitHubWriter) if not name.startswith("_") and name not in reads}
    assert writes, "the writer port declares no writes"
    assert not writes & set(dir(HttpReader)), "the reader can write"
    assert not writes & set(dir(Remembering)), "the remembering reader can write"
    assert writes <= set(dir(HttpWriter))
