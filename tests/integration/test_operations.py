"""The operation modules and the kinds' own calls against the sandbox, over HTTP, through the
generic port: typed errors naming the repository, paging into typed objects, percent-encoding,
recovering a retried create. How the client itself retries, waits out rate limits and paces
writes is test_http_client.py's to hold, through the same client these calls use."""

from __future__ import annotations

import pytest

from reconciler.errors import NotFoundError, ServerError, ValidationFailedError
from reconciler.github.git_data import get_branch_head, get_file, list_directory
from reconciler.github.http import HttpReader, HttpWriter, RetryPolicy
from reconciler.github.port import GitHubReader, GitHubWriter
from reconciler.github.remembering import Remembering
from reconciler.kinds.labels.live import create_label, delete_label, list_labels, update_label
from reconciler.sandbox import Sandbox
from tests.http_support import reader, writer

KERNEL = "Sovereign-Operating-System/sovereign-kernel"


def test_lists_every_label_across_pages(sandbox: Sandbox) -> None:
    with sandbox.state.lock:
        repo = sandbox.state.find_repo("Sovereign-Operating-System", "operations-handbook")
        assert repo is not None
        for n in range(150):
            sandbox.state.add_label(repo, f"extra-{n:03}", "ededed")
    sandbox.stats.reset()
    labels = list_labels(reader(sandbox.url), "Sovereign-Operating-System/operations-handbook")
    assert len(labels) == 159
    assert {"bug", "extra-000", "extra-149"} <= {label.name for label in labels}
    assert sandbox.stats.by_route() == {"GET /repos/{owner}/{repo}/labels": 2}


def test_server_errors_past_the_retry_budget_are_typed(sandbox: Sandbox) -> None:
    sandbox.inject_fault(method="GET", path_pattern=r"/labels$", status=500, times=5)
    with pytest.raises(ServerError) as caught:
        list_labels(reader(sandbox.url, retry=RetryPolicy(attempts=2)), KERNEL)
    assert caught.value.status == 500
    # The operation names what it did and where, for the message the user reads.
    assert caught.value.repository == KERNEL and caught.value.operation == "list labels"


def test_unknown_repository_is_not_found(sandbox: Sandbox) -> None:
    with pytest.raises(NotFoundError):
        list_labels(reader(sandbox.url), "Sovereign-Operating-System/nope")


def test_reading_a_directory_as_a_file_is_not_found_and_a_missing_directory_is_empty(sandbox: Sandbox) -> None:
    github = reader(sandbox.url)
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
    w = writer(sandbox.url)
    odd = "area: api/v2 + 🚀 docs"
    create_label(w, KERNEL, name=odd, color="ABCDEF", description="odd")
    update_label(w, KERNEL, odd, name="Area: API/v2 + 🚀 docs", color="abcdef", description="renamed")
    found = {label.name: label for label in list_labels(w, KERNEL)}
    assert found["Area: API/v2 + 🚀 docs"].description == "renamed"
    delete_label(w, KERNEL, "area: api/v2 + 🚀 docs")
    assert "Area: API/v2 + 🚀 docs" not in {label.name for label in list_labels(w, KERNEL)}


def test_create_that_already_exists_identically_counts_as_done(sandbox: Sandbox) -> None:
    w = writer(sandbox.url)
    create_label(w, KERNEL, name="fresh", color="123456", description="d")
    # As after a POST that landed but whose response was lost and retried.
    create_label(w, KERNEL, name="FRESH".lower(), color="123456", description="d")
    with pytest.raises(ValidationFailedError) as caught:
        create_label(w, KERNEL, name="Fresh", color="654321", description="d")
    assert caught.value.already_exists


def test_reader_has_no_way_to_write() -> None:
    # Every method the writer port adds to the read port is absent from the readers.
    reads = set(vars(GitHubReader))
    writes = {name for name in vars(GitHubWriter) if not name.startswith("_") and name not in reads}
    assert writes, "the writer port declares no writes"
    assert not writes & set(dir(HttpReader)), "the reader can write"
    assert not writes & set(dir(Remembering)), "the remembering reader can write"
    assert writes <= set(dir(HttpWriter))
