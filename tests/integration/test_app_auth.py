"""reconciler as a GitHub App against the sandbox's App: installation tokens per owner, renewed
when GitHub's clock passes their hour in the middle of an apply, JWTs corrected for clock skew,
and every refusal told as what is wrong and what to do."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from reconciler import __version__
from reconciler.github.http import API_VERSION
from reconciler.sandbox import Exchange, FleetSpec, Sandbox
from reconciler.sandbox.operations import AppCredentials
from tests.conftest import FAST_RETRY, TEST_LIMITS
from tests.integration.conftest import KERNEL, ORG, run, set_by_hand

ACCESS_TOKENS = "/app/installations/{installation_id}/access_tokens"
EXPIRED = (
    "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the "
    "assertion expires"
)


class Recorder:
    """Every exchange the sandbox answers, kept for the assertions."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.exchanges: list[Exchange] = []

    def __call__(self, exchange: Exchange) -> None:
        with self.lock:
            self.exchanges.append(exchange)

    def minted(self) -> list[dict[str, object]]:
        with self.lock:
            found = [e for e in self.exchanges if e.route == ACCESS_TOKENS and e.status == 201]
        return [{**json.loads(e.response_body), "path": e.path} for e in found]


@pytest.fixture
def app(workdir: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppCredentials]:
    """The sandbox reached like real GitHub (--github-url), with no token at all: only the
    App's key, written where a user keeps it."""
    monkeypatch.setattr("reconciler.commands.support.connect.GITHUB_RETRY", FAST_RETRY)
    monkeypatch.setattr("reconciler.commands.support.connect.GITHUB_LIMITS", TEST_LIMITS)
    monkeypatch.setenv("GITHUB_API_URL", sandbox.url)
    credentials = sandbox.app_credentials()
    (workdir / "app-key.pem").write_text(credentials.private_key_pem)
    yield credentials


@pytest.fixture
def recorder(sandbox: Sandbox) -> Iterator[Recorder]:
    found = Recorder()
    sandbox.add_observer(found)
    yield found
    sandbox.remove_observer(found)


def token_check(verify_json: str) -> str:
    checks = json.loads(verify_json)["checks"]
    return str(next(c["detail"] for c in checks if c["name"] == "Token"))


def as_app(credentials: AppCredentials, *args: str) -> list[str]:
    return [*args, "--app-id", str(credentials.app_id), "--app-private-key", "app-key.pem"]


def test_apply_as_the_app_converges_the_example(
    app: AppCredentials, sandbox: Sandbox, recorder: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    set_by_hand(sandbox.state)

    code, out, err = run(capsys, "--github-url", sandbox.url, *as_app(app, "apply", "--auto-approve"))

    assert code == 0, out + err
    assert "Apply complete" in out
    code, out, _ = run(capsys, *as_app(app, "plan", "--detailed-exitcode"))
    assert code == 0 and "No changes." in out
    # Every request but the App's own went with an installation token of the organisation's installation.
    minted = recorder.minted()
    assert minted and {m["path"] for m in minted} == {f"/app/installations/{app.installations[ORG]}/access_tokens"}
    # The App's own requests (its JWT's) name the API version and the client as every other does.
    app_own = [e for e in recorder.exchanges if e.path.startswith("/app/")]
    assert app_own and {e.request_headers.get("x-github-api-version") for e in recorder.exchanges} == {API_VERSION}
    assert {e.request_headers.get("user-agent") for e in recorder.exchanges} == {f"reconciler/{__version__}"}


def test_a_clock_moved_past_the_tokens_hour_mid_apply_renews_it_and_the_apply_finishes(
    app: AppCredentials, sandbox: Sandbox, recorder: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    fleet = sandbox.seed_fleet(FleetSpec(organization=ORG, count=20, prefix="fleet", topics=("autonomy",)))
    assert len(fleet) == 20
    # The pack's secrets that only a person can set, set, as the example's own repositories have them.
    with sandbox.transaction() as state:
        for name in fleet:
            repo = state.find_repo(ORG, name.split("/")[-1])
            assert repo is not None
            for secret in ("AGENT_GITHUB_TOKEN", "CLAUDE_API_KEY"):
                repo.store_secret(secret, b"set-by-a-person")
    moved = threading.Event()

    def move_the_clock_after_some_writes(exchange: Exchange) -> None:
        writes = sum(1 for e in recorder.exchanges if e.method in ("POST", "PUT", "PATCH", "DELETE"))
        if writes >= 150 and not moved.is_set():
            moved.set()
            # An hour and a bit: GitHub's clock passes the token's expiry (and the JWT's).
            sandbox.advance_clock(3700)

    sandbox.add_observer(move_the_clock_after_some_writes)

    code, out, err = run(capsys, *as_app(app, "apply", "--auto-approve"))

    assert moved.is_set(), "the apply made fewer writes than the test moves the clock after"
    # Exit 1 only for the one secret a person must set; every other change was made.
    assert code == 1, out + err
    assert "1 needs attention" in out and "failed" not in out.lower(), out
    assert sum(1 for e in recorder.exchanges if e.status == 401 and e.route != ACCESS_TOKENS) >= 1
    assert len(recorder.minted()) >= 2
    code, out, _ = run(capsys, *as_app(app, "plan", "--detailed-exitcode"))
    assert code == 2 and "selected 23 of 32 repositories" in out, out
    assert "Plan: 0 to create, 0 to update, 0 to rename, 0 to delete" in out and "1 needs attention" in out, out


def test_the_jwt_follows_githubs_clock_by_its_date_header(
    app: AppCredentials, sandbox: Sandbox, recorder: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two hours ahead of this machine: a JWT by this machine's clock has expired on arrival.
    sandbox.advance_clock(7200)

    code, out, err = run(capsys, *as_app(app, "plan", "--repo", KERNEL))

    assert code == 0, out + err
    refused = [e for e in recorder.exchanges if e.status == 401]
    assert len(refused) == 1 and EXPIRED in refused[0].response_body.decode()


def test_a_jwt_refused_as_expired_beyond_correction_says_to_set_the_clock(
    app: AppCredentials, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    # GitHub insists the JWT has expired although its Date header agrees with this machine.
    sandbox.inject_fault(method="GET", path_pattern="/installation$", status=401, body={"message": EXPIRED}, times=5)

    code, _, err = run(capsys, *as_app(app, "plan"))

    assert code == 1
    assert "refused GitHub App" in err and "as expired or not yet valid" in err
    assert "Set this machine's clock right (NTP)" in err


def test_a_key_that_is_not_the_apps_is_named_as_such(
    app: AppCredentials, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (workdir / "app-key.pem").write_bytes(
        stranger.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )

    code, _, err = run(capsys, *as_app(app, "plan"))

    assert code == 1
    assert "it is not signed with a private key of that App" in err
    assert "Private keys" in err and "--app-private-key" in err


def test_an_app_id_github_does_not_know_is_named_as_such(
    app: AppCredentials, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "plan", "--app-id", "999999", "--app-private-key", "app-key.pem")

    assert code == 1
    assert "GitHub knows no App 999999" in err and "App's ID or client ID" in err


def test_an_owner_without_the_app_is_named_with_where_to_install_it(
    app: AppCredentials, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sandbox.uninstall_app(ORG)

    code, _, err = run(capsys, *as_app(app, "plan"))

    assert code == 1
    assert f"GitHub App {app.app_id} ({app.slug}) is not installed on {ORG}" in err
    assert f"/apps/{app.slug}/installations/new" in err
    code, out, _ = run(capsys, *as_app(app, "verify", "--format", "json"))
    assert code == 1
    token = token_check(out)
    assert f"is not installed on {ORG}" in token and "GITHUB_TOKEN" not in token


def test_a_permission_the_installation_lacks_is_named_by_apply_and_verify(
    app: AppCredentials, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    granted = {
        "metadata": "read",
        "contents": "write",
        "issues": "write",
        "pull_requests": "write",
        "actions": "write",
        "variables": "write",
        "workflows": "write",
        "secrets": "read",
    }
    sandbox.install_app(ORG, permissions=granted)  # secrets may be listed, not set

    code, out, err = run(capsys, *as_app(app, "verify"))

    assert code == 1
    assert "needs App permission secrets: write (the installation has: read) for secrets" in " ".join(out.split())
    code, out, err = run(capsys, *as_app(app, "apply", "--repo", KERNEL, "--auto-approve"))
    assert code == 1
    assert "the GitHub App needs the permission secrets: write" in " ".join((out + err).split())


def test_each_owner_uses_its_own_installation_and_verify_names_them(
    app: AppCredentials, workdir: Path, recorder: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    user = "maya-okafor"
    (workdir / "desired-state" / "repositories" / "dotfiles.yml").write_text(
        f"repositories:\n  - repository: {user}/dotfiles\n    labels:\n      items:\n"
        '        - {name: "type: chore", color: "c5def5"}\n'
    )

    code, out, err = run(capsys, *as_app(app, "verify", "--format", "json"))

    assert code == 2, out + err
    ours, hers = app.installations[ORG], app.installations[user]
    token = token_check(out)
    assert f"GitHub App {app.app_id}, installation {ours} for {ORG}, installation {hers} for {user}" in token
    assert {m["path"] for m in recorder.minted()} == {
        f"/app/installations/{ours}/access_tokens",
        f"/app/installations/{hers}/access_tokens",
    }


def test_the_app_may_come_from_the_environment_with_one_named_installation(
    app: AppCredentials,
    sandbox: Sandbox,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("RECONCILER_APP_ID", app.client_id)
    monkeypatch.setenv("RECONCILER_APP_PRIVATE_KEY", app.private_key_pem)
    monkeypatch.setenv("RECONCILER_APP_INSTALLATION_ID", str(app.installations[ORG]))
    # A token beside them is not used: the App is asked for.
    monkeypatch.setenv("GH_TOKEN", "not-this-one")

    code, out, err = run(capsys, "verify", "--format", "json")

    assert code == 2, out + err
    assert f"GitHub App {app.client_id}, installation {app.installations[ORG]};" in token_check(out)
    assert not [e for e in recorder.exchanges if e.route.startswith(("/orgs/{org}/installation", "/users/"))]


def test_the_app_may_come_from_the_github_app_variables_and_verify_names_the_key_variable(
    app: AppCredentials,
    sandbox: Sandbox,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GITHUB_APP_ID", str(app.app_id))
    monkeypatch.setenv("GITHUB_APP_PRIVATE_KEY", app.private_key_pem)
    monkeypatch.setenv("GITHUB_APP_INSTALLATION_ID", str(app.installations[ORG]))
    monkeypatch.setenv("GH_TOKEN", "not-this-one")

    code, out, err = run(capsys, "verify", "--format", "json")

    assert code == 2, out + err
    token = token_check(out)
    assert f"GitHub App {app.app_id}, installation {app.installations[ORG]}; key from GITHUB_APP_PRIVATE_KEY" in token
    assert recorder.minted() and all(
        m["path"].endswith(f"/{app.installations[ORG]}/access_tokens") for m in recorder.minted()
    )
    key_lines = [line for line in app.private_key_pem.splitlines() if line and not line.startswith("-----")]
    assert not any(line in out + err for line in key_lines)


def test_the_reconciler_app_variables_win_over_the_github_app_ones(
    app: AppCredentials,
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    # Another App's settings in the job, as a workflow using actions/create-github-app-token may have.
    monkeypatch.setenv("GITHUB_APP_ID", "999999")
    monkeypatch.setenv(
        "GITHUB_APP_PRIVATE_KEY",
        stranger.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
    )
    monkeypatch.setenv("RECONCILER_APP_ID", str(app.app_id))
    monkeypatch.setenv("RECONCILER_APP_PRIVATE_KEY", app.private_key_pem)

    code, out, err = run(capsys, "verify", "--format", "json")

    assert code == 2, out + err
    token = token_check(out)
    assert f"GitHub App {app.app_id}, installation {app.installations[ORG]} for {ORG}" in token
    assert "key from RECONCILER_APP_PRIVATE_KEY" in token and "999999" not in token


def test_half_an_app_in_each_family_is_refused_naming_both_before_anything_is_sent(
    app: AppCredentials,
    sandbox: Sandbox,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("RECONCILER_APP_ID", str(app.app_id))
    monkeypatch.setenv("GITHUB_APP_PRIVATE_KEY", app.private_key_pem)

    code, out, err = run(capsys, "plan")

    assert code == 1, out + err
    assert "configured by RECONCILER_APP_ID, but GITHUB_APP_PRIVATE_KEY is set and RECONCILER_APP_PRIVATE_KEY" in err
    assert "never half from each" in err
    assert recorder.exchanges == []


def test_an_app_id_github_does_not_know_names_the_variable_it_came_from(
    app: AppCredentials, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_APP_ID", "999999")
    monkeypatch.setenv("GITHUB_APP_PRIVATE_KEY", app.private_key_pem)

    code, _, err = run(capsys, "plan")

    assert code == 1
    assert "GitHub knows no App 999999" in err and "GITHUB_APP_ID must be the App's ID or client ID" in err


def test_half_an_app_is_refused_before_anything_is_sent(
    app: AppCredentials, sandbox: Sandbox, recorder: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "plan", "--app-id", str(app.app_id))
    assert code == 1 and "--app-id needs the App's private key" in err
    code, _, err = run(capsys, "plan", "--app-id", str(app.app_id), "--app-private-key", "desired-state/STOP")
    assert code == 1 and "no file desired-state/STOP" in err
    code, _, err = run(
        capsys, "plan", "--app-id", str(app.app_id), "--app-private-key", "desired-state/packs/sovereign-autonomy.yml"
    )
    assert code == 1 and "is not a PEM private key" in err
    assert recorder.exchanges == []


def test_the_private_key_and_every_token_appear_in_no_output_file_or_log(
    app: AppCredentials,
    sandbox: Sandbox,
    workdir: Path,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    # The key as Actions hands it over: the PEM text in the environment.
    monkeypatch.setenv("RECONCILER_APP_ID", str(app.app_id))
    monkeypatch.setenv("RECONCILER_APP_PRIVATE_KEY", app.private_key_pem)
    (workdir / "app-key.pem").unlink()
    key_lines = [line for line in app.private_key_pem.splitlines() if line and not line.startswith("-----")]
    assert len(key_lines) > 10
    outputs: list[str] = []
    for args in (
        ["plan"],
        ["plan", "--format", "json", "--out", "plan.json"],
        ["apply", "--auto-approve"],
        ["verify", "--out", "health.md"],
        ["drift", "--format", "markdown", "--out", "drift.json", "--report-issue", KERNEL],
    ):
        code, out, err = run(capsys, *args)
        assert code in (0, 1, 2), (args, out, err)
        outputs += [out, err]
    # A server that quotes what it was sent back: a line of the key, and a token it minted.
    tokens = [str(m["token"]) for m in recorder.minted()]
    assert len(tokens) >= 5, "each command minted its own token"
    echo = f"could not be decoded: {key_lines[3]} {tokens[-1]}"
    sandbox.inject_fault(method="GET", path_pattern="/installation$", status=401, body={"message": echo}, times=2)
    code, out, err = run(capsys, "plan")
    assert code == 1 and "***" in err
    outputs += [out, err]

    secrets = [app.private_key_pem.strip(), *key_lines, *tokens]

    def leaks(text: str) -> list[str]:
        return [secret[:12] + "..." for secret in secrets if secret in text]

    assert not leaks("\n".join(outputs)), "a command's output"
    assert not leaks(caplog.text), "the log"
    files = [p for p in workdir.rglob("*") if p.is_file() and not p.name.startswith("sandbox-state")]
    assert {workdir / "plan.json", workdir / "health.md", workdir / "drift.json"} <= set(files)
    leaking = [p for p in files if leaks(p.read_bytes().decode("utf-8", "replace"))]
    assert not leaking, "a file reconciler wrote"
    # Nor did the key itself ever travel: only JWTs signed with it.
    for exchange in recorder.exchanges:
        sent = exchange.request_body.decode("utf-8", "replace") + json.dumps(exchange.request_headers)
        assert not [line for line in key_lines if line in sent]
