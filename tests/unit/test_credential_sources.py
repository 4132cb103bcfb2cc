"""Which token a command takes, by name and host, without contacting anything."""

from __future__ import annotations

import pytest

from reconciler.commands.support.credentials import app_config, find_token, web_host
from reconciler.commands.support.options import GitHubOptions
from reconciler.errors import ConfigurationError

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
