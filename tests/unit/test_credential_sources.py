"""Which token a command takes, by name and host, without contacting anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import ValidationError

from reconciler.commands.support.credentials import APP_KEY_VARIABLES, app_config, find_token, web_host
from reconciler.commands.support.options import GitHubOptions
from reconciler.errors import ConfigurationError
from reconciler.kinds.secrets.spec import OWN_TOKEN_VARIABLES, SecretSpec
from reconciler.redaction import redact

GHES = "https://ghe.example.com/api/v3"
NO_GH = {"PATH": "/nonexistent"}


@pytest.mark.parametrize(
    ("api_url", "host"),
    [
        ("https://api.github.com", "github.com"),
        ("https://api.octo-corp.ghe.com", "octo-corp.ghe.com"),
        (GHES, "ghe.example.com"),
        ("http://127.0.0.1:8080", "127.0.0.1:8080"),
    ],
)
def test_gh_is_asked_about_the_host_it_knows_the_api_by(api_url: str, host: str) -> None:
    assert web_host(api_url) == host


def test_gh_token_comes_before_github_token() -> None:
    env = {**NO_GH, "GITHUB_TOKEN": "from-actions", "GH_TOKEN": "set-on-purpose"}

    found = find_token(env, "https://api.github.com")

    assert (found.token, found.source) == ("set-on-purpose", "GH_TOKEN")
    assert "set-on-purpose" not in repr(found)


def test_an_enterprise_server_also_takes_ghs_enterprise_names_and_githubcom_does_not() -> None:
    env = {**NO_GH, "GITHUB_ENTERPRISE_TOKEN": "b", "GH_ENTERPRISE_TOKEN": "a"}

    assert find_token(env, GHES).source == "GH_ENTERPRISE_TOKEN"
    assert find_token({**env, "GITHUB_TOKEN": "c"}, GHES).source == "GITHUB_TOKEN"
    with pytest.raises(ConfigurationError, match="no GitHub token"):
        find_token(env, "https://api.github.com")


def test_half_an_app_is_an_error_and_no_app_is_none() -> None:
    assert app_config(GitHubOptions(), {}) is None
    with pytest.raises(ConfigurationError, match="needs the App's private key"):
        app_config(GitHubOptions(app_id="12"), {})
    with pytest.raises(ConfigurationError, match="no App"):
        app_config(GitHubOptions(), {"RECONCILER_APP_PRIVATE_KEY": "-----BEGIN RSA PRIVATE KEY-----"})
    with pytest.raises(ConfigurationError, match="--app-installation-id needs --app-id"):
        app_config(GitHubOptions(app_installation_id="5"), {})


def new_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture(scope="module")
def pems() -> tuple[str, str]:
    return new_pem(), new_pem()


def body_lines(pem: str) -> list[str]:
    return [line for line in pem.splitlines() if line and not line.startswith("-----")]


def test_the_github_app_names_are_read_when_no_reconciler_ones_are_set(pems: tuple[str, str]) -> None:
    pem = pems[1]
    env = {"GITHUB_APP_ID": "Iv1.abc", "GITHUB_APP_PRIVATE_KEY": pem, "GITHUB_APP_INSTALLATION_ID": "678"}

    config = app_config(GitHubOptions(), env)

    assert config is not None
    assert (config.app_id, config.key_source, config.installation_id) == ("Iv1.abc", "GITHUB_APP_PRIVATE_KEY", 678)
    assert config.sources.app_id == "GITHUB_APP_ID"
    assert config.sources.installation_id == "GITHUB_APP_INSTALLATION_ID"
    # Read from the fallback name, the key is redacted like one from RECONCILER_APP_PRIVATE_KEY.
    shown = redact(f"a server echoed {body_lines(pem)[3]} and {pem}")
    assert not any(line in shown for line in body_lines(pem))
    assert pem not in repr(config)


def test_the_reconciler_names_win_over_the_github_app_names_and_options_over_both(pems: tuple[str, str]) -> None:
    ours, theirs = pems
    env = {
        "RECONCILER_APP_ID": "111",
        "RECONCILER_APP_PRIVATE_KEY": ours,
        "RECONCILER_APP_INSTALLATION_ID": "5",
        "GITHUB_APP_ID": "222",
        "GITHUB_APP_PRIVATE_KEY": theirs,
        "GITHUB_APP_INSTALLATION_ID": "6",
    }

    config = app_config(GitHubOptions(), env)
    assert config is not None
    assert (config.app_id, config.key_source, config.installation_id) == ("111", "RECONCILER_APP_PRIVATE_KEY", 5)
    assert config.private_key_pem == ours.strip() + "\n"

    # Without its installation, the RECONCILER_ App is still whole; GITHUB_APP_* names another.
    del env["RECONCILER_APP_INSTALLATION_ID"]
    config = app_config(GitHubOptions(), env)
    assert config is not None and (config.app_id, config.installation_id) == ("111", None)

    given = app_config(GitHubOptions(app_id="333", app_installation_id="7"), env)
    assert given is not None and (given.app_id, given.installation_id) == ("333", 7)
    assert given.key_source == "RECONCILER_APP_PRIVATE_KEY" and given.sources.app_id == "--app-id"


def test_a_key_file_wins_over_both_key_variables(pems: tuple[str, str], tmp_path: Path) -> None:
    key_file = tmp_path / "app.pem"
    key_file.write_text(pems[0])
    env = {"GITHUB_APP_ID": "222", "GITHUB_APP_PRIVATE_KEY": pems[1], "RECONCILER_APP_PRIVATE_KEY": pems[1]}

    config = app_config(GitHubOptions(app_id="9", app_private_key=key_file), env)

    assert config is not None and config.key_source == str(key_file)
    assert config.private_key_pem == pems[0].strip() + "\n"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        # The App's ID in one family, its key in the other.
        (
            {"RECONCILER_APP_ID": "111", "GITHUB_APP_PRIVATE_KEY": "KEY"},
            ("RECONCILER_APP_ID", "GITHUB_APP_PRIVATE_KEY"),
        ),
        (
            {"GITHUB_APP_ID": "222", "RECONCILER_APP_PRIVATE_KEY": "KEY"},
            ("RECONCILER_APP_PRIVATE_KEY", "GITHUB_APP_ID"),
        ),
        # A whole App in GITHUB_APP_*, its installation in RECONCILER_APP_*.
        (
            {"GITHUB_APP_ID": "222", "GITHUB_APP_PRIVATE_KEY": "KEY", "RECONCILER_APP_INSTALLATION_ID": "5"},
            ("RECONCILER_APP_INSTALLATION_ID", "GITHUB_APP_INSTALLATION_ID"),
        ),
    ],
)
def test_half_an_app_in_each_family_is_an_error_naming_both(
    pems: tuple[str, str], env: dict[str, str], named: tuple[str, str]
) -> None:
    env = {name: pems[0] if value == "KEY" else value for name, value in env.items()}

    with pytest.raises(ConfigurationError, match="one family, never half from each") as raised:
        app_config(GitHubOptions(), env)

    message = str(raised.value)
    assert all(name in message for name in named), message
    assert not any(line in message for line in body_lines(pems[0]))


def test_half_an_app_in_the_github_app_family_names_its_own_variables() -> None:
    with pytest.raises(ConfigurationError, match=r"no App: give --app-id \(or GITHUB_APP_ID\)") as raised:
        app_config(GitHubOptions(), {"GITHUB_APP_PRIVATE_KEY": "-----BEGIN RSA PRIVATE KEY-----"})
    assert "GITHUB_APP_PRIVATE_KEY" in str(raised.value) and "BEGIN RSA" not in str(raised.value)
    with pytest.raises(ConfigurationError, match="GITHUB_APP_PRIVATE_KEY \\(its PEM text\\)"):
        app_config(GitHubOptions(), {"GITHUB_APP_ID": "222"})
    with pytest.raises(ConfigurationError, match=r"\(GITHUB_APP_PRIVATE_KEY\) is not a PEM private key"):
        app_config(GitHubOptions(), {"GITHUB_APP_ID": "222", "GITHUB_APP_PRIVATE_KEY": "not a key"})


def test_generic_app_names_are_not_read() -> None:
    # APP_ID and PRIVATE_KEY mean too many things in a CI job to be taken as reconciler's App.
    assert app_config(GitHubOptions(), {"APP_ID": "12", "PRIVATE_KEY": "x", "INSTALLATION_ID": "3"}) is None


def test_no_key_variable_reconciler_reads_may_be_sealed_into_a_secret() -> None:
    assert set(APP_KEY_VARIABLES) == {"RECONCILER_APP_PRIVATE_KEY", "GITHUB_APP_PRIVATE_KEY"}
    assert set(APP_KEY_VARIABLES) <= set(OWN_TOKEN_VARIABLES)
    for name in APP_KEY_VARIABLES:
        with pytest.raises(ValidationError, match="reconciler's own token or key"):
            SecretSpec(name="DEPLOY_KEY", from_env=name.lower())
