"""Secrets, variables and limits through the CLI, end to end against the sandbox.

The example desired state declares the pack's secrets, variables and limits for three
repositories; the sandbox is seeded with the drift the README's demo shows.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.cli import invoke
from reconciler.sandbox import Exchange, Sandbox
from reconciler.sandbox.seed import SEEDED_SECRET_VALUE
from reconciler.sandbox.state import RepoState
from tests.conftest import FAST_RETRY, TEST_LIMITS

ROOT = Path(__file__).resolve().parents[2]
ORG = "Sovereign-Operating-System"
KERNEL = f"{ORG}/sovereign-kernel"
RUNTIME = f"{ORG}/agent-runtime"
HANDBOOK = f"{ORG}/operations-handbook"
SOURCE = "RECONCILER_DEMO_CODEX_API_KEY"
ATTENTION = f"needs attention: set it by hand: gh secret set CLAUDE_API_KEY --repo {RUNTIME}"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "desired-state", tmp_path / "desired-state")
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_API_URL", "RECONCILER_SANDBOX_STATE", SOURCE):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def github(workdir: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """The seeded sandbox, reached like real GitHub, so the test can look inside it."""
    monkeypatch.setattr("reconciler.commands.support.connect.GITHUB_RETRY", FAST_RETRY)
    monkeypatch.setattr("reconciler.commands.support.connect.GITHUB_LIMITS", TEST_LIMITS)
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    monkeypatch.setenv("GITHUB_API_URL", sandbox.url)
    yield sandbox


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = invoke(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def repo(sandbox: Sandbox, name: str) -> RepoState:
    found = sandbox.state.find_repo(ORG, name)
    assert found is not None
    return found


def variables(sandbox: Sandbox, name: str) -> dict[str, str]:
    with sandbox.state.lock:
        return {v.name: v.value for v in repo(sandbox, name).variables}


def changes(plan_json: str) -> list[dict[str, object]]:
    return [c for c in json.loads(plan_json)["changes"] if c["action"] != "noop"]


def test_plan_shows_secrets_to_create_and_to_set_by_hand_and_variables_from_limits(
    github: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SOURCE, "codex-key")
    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 2
    assert f"+ secret CODEX_API_KEY  from env:{SOURCE}" in out
    assert ATTENTION in out
    assert "~ variable AUTONOMY_MAX_ISSUES\n      value: '10' → '3'" in out
    assert "+ variable AUTONOMY_MAX_RUNTIME_MINUTES  '60'\n      declared by limits.max_runtime_minutes" in out
    # The unmanaged variable is named, and only as left alone.
    # team:runtime is declared by the repository itself, so 9 of its labels are left alone.
    assert "not declared, left alone: 9 labels, variable TEAM_SLACK_CHANNEL, secret RUNTIME_DEPLOY_KEY" in out
    assert out.count("TEAM_SLACK_CHANNEL") == 1 and "1 needs attention." in out

    code, out, _ = run(capsys, "plan", "--format", "json")
    document = json.loads(out)
    by_address = {f"{c['repository']}:{c['kind']}:{c['key']}": c for c in document["changes"]}
    unmanaged = by_address[f"{RUNTIME}:variable:team_slack_channel"]
    assert (unmanaged["action"], unmanaged["managed"]) == ("noop", False)
    attention = by_address[f"{RUNTIME}:secret:claude_api_key"]
    assert attention["action"] == "create" and attention["attention"].startswith("set it by hand")
    create = by_address[f"{KERNEL}:secret:codex_api_key"]
    assert (create["after"], create["attention"]) == (
        {"name": "CODEX_API_KEY", "source": f"env:{SOURCE}"},
        None,
    )

    code, out, _ = run(capsys, "plan", "--format", "markdown")
    assert "> [!IMPORTANT]\n> 1 change(s) need a person" in out
    assert "| ⚠️ needs attention | secret | `CLAUDE_API_KEY` |" in out
    # The repository table counts only what apply will do: 17 label/variable creates, not the secret;
    # the updates are a label and the disabled agent-loop workflow.
    assert f"| `{RUNTIME}` | 17 | 2 | 1 | 0 |" in out


def test_apply_sets_the_secret_reports_the_one_it_cannot_and_exits_1(
    github: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SOURCE, "the-codex-key")
    code, out, _ = run(capsys, "apply", "--auto-approve")
    assert code == 1, out
    assert f"✓ created secret CODEX_API_KEY in {KERNEL}" in out
    assert f"! secret CLAUDE_API_KEY in {RUNTIME} needs attention: set it by hand" in out
    assert out.rstrip().endswith("1 needs attention.")
    assert "failed" not in out
    with github.state.lock:
        assert repo(github, "sovereign-kernel").secret_matches("CODEX_API_KEY", "the-codex-key")
        assert repo(github, "operations-handbook").secret_matches("CODEX_API_KEY", "the-codex-key")
        assert repo(github, "agent-runtime").find_secret("CLAUDE_API_KEY") is None
        # Undeclared secrets stay: prune is off.
        assert repo(github, "agent-runtime").find_secret("RUNTIME_DEPLOY_KEY") is not None
    assert variables(github, "sovereign-kernel")["AUTONOMY_MAX_ISSUES"] == "3"
    assert variables(github, "agent-runtime")["TEAM_SLACK_CHANNEL"] == "#runtime-oncall"
    # The handbook's own file overrides the pack's max_issues.
    assert variables(github, "operations-handbook") == {
        "AUTONOMY_DEFAULT_AGENT": "codex",
        "AUTONOMY_MAX_ISSUES": "1",
        "AUTONOMY_MAX_PRS": "1",
        "AUTONOMY_MAX_RUNTIME_MINUTES": "60",
        "AUTONOMY_MAX_FILES_CHANGED": "20",
    }

    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 2
    assert ATTENTION in out and "Plan: 0 to create, 0 to update" in out
    code, out, _ = run(capsys, "plan", "--format", "json")
    (only,) = changes(out)
    assert (only["repository"], only["key"]) == (RUNTIME, "claude_api_key")


def test_a_source_not_set_at_apply_time_fails_only_that_secret(
    github: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "plan", "--repo", KERNEL)
    assert code == 0
    assert f"{SOURCE} is not set in this environment: set it before apply" in out

    code, out, _ = run(capsys, "apply", "--auto-approve", "--repo", KERNEL)
    assert code == 1
    assert f"failed: {KERNEL} secret CODEX_API_KEY: secret CODEX_API_KEY is read from the environment" in out
    assert SOURCE in out
    assert variables(github, "sovereign-kernel")["AUTONOMY_MAX_ISSUES"] == "3"
    assert repo(github, "sovereign-kernel").find_secret("CODEX_API_KEY") is None


def test_verify_says_which_source_variable_is_unset_and_otherwise_where_apply_reads_it(
    github: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    report = Path("health.md")
    code, _, _ = run(capsys, "verify", "--repo", KERNEL, "--report-file", str(report))
    assert code == 2
    assert f"`CODEX_API_KEY`: declared but missing; {SOURCE} is not set in this environment" in report.read_text()

    monkeypatch.setenv(SOURCE, "a value")
    code, out, _ = run(capsys, "verify", "--repo", KERNEL, "--report-file", str(report))
    assert code == 2
    assert f"`CODEX_API_KEY`: declared but missing; apply sets it from env:{SOURCE}" in report.read_text()
    assert "a value" not in out + report.read_text()


def test_existing_secrets_are_rotated_only_when_asked(
    github: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SOURCE, "first")
    assert run(capsys, "apply", "--auto-approve", "--repo", KERNEL)[0] == 0
    monkeypatch.setenv(SOURCE, "second")

    code, out, _ = run(capsys, "plan", "--detailed-exitcode", "--repo", KERNEL)
    assert code == 0 and "No changes." in out
    assert run(capsys, "apply", "--auto-approve", "--repo", KERNEL)[0] == 0
    assert repo(github, "sovereign-kernel").secret_matches("CODEX_API_KEY", "first")

    code, out, _ = run(capsys, "plan", "--rotate-secrets", "--repo", KERNEL)
    assert f"~ secret CODEX_API_KEY  from env:{SOURCE}\n      rotated (--rotate-secrets)" in out
    assert "AGENT_GITHUB_TOKEN" not in out  # no source: nothing to rotate it from
    code, out, _ = run(capsys, "apply", "--auto-approve", "--rotate-secrets", "--repo", KERNEL)
    assert code == 0, out
    assert f"✓ updated secret CODEX_API_KEY in {KERNEL}" in out
    with github.state.lock:
        kernel = repo(github, "sovereign-kernel")
        assert kernel.secret_matches("CODEX_API_KEY", "second")
        assert kernel.secret_matches("AGENT_GITHUB_TOKEN", SEEDED_SECRET_VALUE)


def test_prune_deletes_undeclared_secrets_and_variables_only_when_on(
    github: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SOURCE, "k")
    assert run(capsys, "apply", "--auto-approve", "--repo", RUNTIME)[0] == 1  # CLAUDE_API_KEY: by hand
    assert "TEAM_SLACK_CHANNEL" in variables(github, "agent-runtime")

    # The repository's own file turns prune on for itself; the pack's items still apply.
    example = workdir / "desired-state" / "repositories" / "agent-runtime.yml"
    example.write_text(example.read_text() + "    secrets: {prune: true}\n    variables: {prune: true}\n")

    code, out, _ = run(capsys, "plan", "--repo", RUNTIME)
    assert code == 0
    assert "- variable TEAM_SLACK_CHANNEL" in out and "- secret RUNTIME_DEPLOY_KEY" in out
    assert run(capsys, "apply", "--auto-approve", "--repo", RUNTIME)[0] == 1
    assert "TEAM_SLACK_CHANNEL" not in variables(github, "agent-runtime")
    assert repo(github, "agent-runtime").find_secret("RUNTIME_DEPLOY_KEY") is None
    # Entry ones stay, and the other repositories were not touched.
    assert repo(github, "agent-runtime").find_secret("AGENT_GITHUB_TOKEN") is not None
    assert repo(github, "sovereign-kernel").find_secret("CODEX_API_KEY") is None


def test_validate_reports_a_bad_secret_name_an_out_of_range_limit_and_a_clash(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = workdir / "bad"
    bad.mkdir()
    (bad / "repos.yml").write_text(
        "repositories:\n"
        "  - repository: acme/widgets\n"
        "    secrets:\n"
        "      items:\n"
        "        - name: GITHUB_TOKEN\n"
        "    variables:\n"
        "      items:\n"
        "        AUTONOMY_MAX_PRS: 2\n"
        "    limits:\n"
        "      max_issues: 51\n"
        "      max_prs: 1\n"
    )
    code, _, err = run(capsys, "validate", "bad")
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("bad/repos.yml:")]
    assert len(lines) == 3, err
    assert any(line.startswith("bad/repos.yml:5:") and "GITHUB_ prefix is reserved" in line for line in lines)
    assert any(line.startswith("bad/repos.yml:10:") and "51 is out of range" in line for line in lines)
    assert any(
        line.startswith("bad/repos.yml:11:") and "AUTONOMY_MAX_PRS" in line and "at bad/repos.yml:8:" in line
        for line in lines
    )


def test_the_secret_value_appears_in_no_output_plan_log_state_or_exchange(
    github: Sandbox,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    canary = f"canary-{secrets.token_hex(16)}"
    token = f"ghp_{secrets.token_hex(18)}"
    # The canaries (a secret value and the token) as themselves, and as the obvious mistakes
    # would carry them.
    forms = [
        form
        for value in (canary, token)
        for form in (value, base64.b64encode(value.encode()).decode(), value.encode().hex())
    ]
    monkeypatch.setenv(SOURCE, canary)
    monkeypatch.setenv("GITHUB_TOKEN", token)
    caplog.set_level(logging.DEBUG)
    exchanges: list[Exchange] = []
    github.add_observer(exchanges.append)

    def leaks(text: str | bytes) -> list[str]:
        haystack = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        return [form for form in forms if form in haystack]

    def files_leaking() -> list[Path]:
        # After every command: a later write (a rotation) could hide what an earlier one left.
        return [p for p in workdir.rglob("*") if p.is_file() and leaks(p.read_bytes())]

    outputs: list[str] = []
    for args in (
        ["plan"],
        ["plan", "--format", "json"],
        ["plan", "--format", "markdown", "--out", "plan.json"],
        ["plan", "--rotate-secrets", "--format", "json"],
        ["apply", "--auto-approve", "--debug", "-v", "--log-file", "run.jsonl"],
        ["apply", "--auto-approve", "--rotate-secrets", "--debug", "--progress=plain", "--log-file", "run.jsonl"],
        ["--debug", "plan", "--detailed-exitcode", "--log-file", "run.jsonl"],
    ):
        code, out, err = run(capsys, *args)
        assert code in (0, 1, 2), (args, out, err)
        outputs += [out, err]
        assert not files_leaking(), args

    # The value really went through: sealed, sent and opened by the sandbox.
    with github.state.lock:
        for name in ("sovereign-kernel", "operations-handbook"):
            assert repo(github, name).secret_matches("CODEX_API_KEY", canary)
    puts = [e for e in exchanges if e.method == "PUT" and "/actions/secrets/" in e.path]
    assert len(puts) >= 4
    # And the places searched really hold what they should.
    assert any("actions/secrets/CODEX_API_KEY" in r.getMessage() for r in caplog.records)
    files = {p for p in workdir.rglob("*") if p.is_file()}
    assert {workdir / "sandbox-state.json", workdir / "plan.json", workdir / "run.jsonl"} <= files
    # --debug and --log-file did show every request, the secrets' writes among them.
    secret_path = f"/repos/{KERNEL}/actions/secrets/CODEX_API_KEY"
    debug = [line for line in "\n".join(outputs).splitlines() if line.startswith("debug: PUT ")]
    assert any(line.startswith(f"debug: PUT {secret_path} 20") for line in debug), debug
    logged = [json.loads(line) for line in (workdir / "run.jsonl").read_text().splitlines()]
    assert any(r["event"] == "request" and r["path"] == secret_path and r["method"] == "PUT" for r in logged)

    assert not leaks("\n".join(outputs)), "a command's output"
    assert not leaks(caplog.text), "the log"
    assert not leaks("\n".join(str(r.args) + r.getMessage() for r in caplog.records)), "a log record"
    for exchange in exchanges:
        parts = [
            exchange.path,
            json.dumps(exchange.query),
            json.dumps(exchange.request_headers),
            json.dumps(exchange.response_headers),
        ]
        assert not leaks("\n".join(parts)), exchange.route
        assert not leaks(exchange.request_body) and not leaks(exchange.response_body), exchange.route
