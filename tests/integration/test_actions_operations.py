"""The secrets and variables kinds' own calls against the sandbox, over HTTP."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reconciler.errors import ConflictError, ServerError
from reconciler.github.http import HttpReader, HttpWriter, Limits, RetryPolicy
from reconciler.kinds.secrets.live import delete_secret, list_secrets, put_secret, read_public_key
from reconciler.kinds.variables.live import create_variable, delete_variable, list_variables, update_variable
from reconciler.sandbox import Exchange, Sandbox
from reconciler.sandbox.state import RepoState, Variable
from tests.http_support import FakeClock, session

ORG = "Sovereign-Operating-System"
KERNEL = f"{ORG}/sovereign-kernel"
HANDBOOK = f"{ORG}/operations-handbook"


def writer(sandbox: Sandbox, retry: RetryPolicy | None = None) -> HttpWriter:
    limits = replace(Limits.github(), write_interval=0.0)
    return HttpWriter(session(sandbox.url, FakeClock(), limits=limits, retry=retry or RetryPolicy()))


def reader(sandbox: Sandbox) -> HttpReader:
    return HttpReader(session(sandbox.url, FakeClock(), limits=Limits.github(), retry=RetryPolicy()))


def put(w: HttpWriter, repository: str, name: str, value: str) -> None:
    put_secret(w, repository, name, value, read_public_key(w, repository))


def repo(sandbox: Sandbox, name: str) -> RepoState:
    found = sandbox.state.find_repo(ORG, name)
    assert found is not None
    return found


def test_variables_are_listed_30_to_a_page_githubs_maximum(sandbox: Sandbox) -> None:
    with sandbox.state.lock:
        repo(sandbox, "operations-handbook").variables.extend(Variable(f"V_{n:02d}", str(n)) for n in range(45))
    seen: list[Exchange] = []
    sandbox.add_observer(seen.append)

    variables = list_variables(reader(sandbox), HANDBOOK)

    assert len(variables) == 45 and variables[0].name == "V_00" and variables[0].value == "0"
    assert [e.query.get("per_page") for e in seen] == [["30"], ["30"]]


def test_secrets_are_listed_by_name_with_when_they_were_set(sandbox: Sandbox) -> None:
    secrets = list_secrets(reader(sandbox), KERNEL)
    assert {s.name for s in secrets} == {"AGENT_GITHUB_TOKEN", "CLAUDE_API_KEY"}
    assert all(s.updated_at for s in secrets)


def test_put_secret_seals_the_value_and_the_sandbox_opens_it(sandbox: Sandbox) -> None:
    w = writer(sandbox)
    put(w, KERNEL, "CODEX_API_KEY", "created")
    assert repo(sandbox, "sovereign-kernel").secret_matches("CODEX_API_KEY", "created")
    put(w, KERNEL, "CODEX_API_KEY", "rotated")
    assert repo(sandbox, "sovereign-kernel").secret_matches("CODEX_API_KEY", "rotated")
    delete_secret(w, KERNEL, "CODEX_API_KEY")
    assert repo(sandbox, "sovereign-kernel").find_secret("CODEX_API_KEY") is None


def test_a_failed_secret_write_never_shows_the_value(sandbox: Sandbox) -> None:
    sandbox.inject_fault(method="PUT", path_pattern=r"/actions/secrets/", status=500, times=10)
    with pytest.raises(ServerError) as caught:
        put(writer(sandbox, RetryPolicy(attempts=2, backoff_base=0.0)), KERNEL, "X", "do-not-show-me")
    assert "do-not-show-me" not in str(caught.value) and "do-not-show-me" not in repr(caught.value)
    assert "secret 'X'" in str(caught.value)


def test_variable_create_update_delete(sandbox: Sandbox) -> None:
    w = writer(sandbox)
    create_variable(w, HANDBOOK, "AUTONOMY_MAX_ISSUES", "3")
    update_variable(w, HANDBOOK, "AUTONOMY_MAX_ISSUES", "4")
    assert [(v.name, v.value) for v in list_variables(w, HANDBOOK)] == [("AUTONOMY_MAX_ISSUES", "4")]
    delete_variable(w, HANDBOOK, "AUTONOMY_MAX_ISSUES")
    assert list_variables(w, HANDBOOK) == []


def test_a_409_on_create_is_done_when_the_same_value_is_there_and_a_conflict_otherwise(
    sandbox: Sandbox,
) -> None:
    w = writer(sandbox)
    create_variable(w, HANDBOOK, "REGION", "eu")
    # As after a POST that landed but whose answer was lost and retried.
    create_variable(w, HANDBOOK, "region", "eu")
    with pytest.raises(ConflictError):
        create_variable(w, HANDBOOK, "REGION", "us")
    assert [(v.name, v.value) for v in list_variables(w, HANDBOOK)] == [("REGION", "eu")]
