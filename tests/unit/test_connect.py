"""Where a command sends its token: checked before any session is made."""

from __future__ import annotations

import pytest

from reconciler.commands.support.connect import github_connection
from reconciler.commands.support.options import GitHubOptions
from reconciler.errors import ConfigurationError

TOKEN = "ghp_connect0123456789abcdefTOKEN"


def connect(url: str, **env: str) -> str:
    with github_connection(
        GitHubOptions(github_url=url), {"GITHUB_TOKEN": TOKEN, "RECONCILER_HTTP_CACHE": "off", **env}
    ) as c:
        return c.base_url


def test_https_and_loopback_http_are_accepted() -> None:
    assert connect("https://GHE.example.com/api/v3/") == "https://ghe.example.com/api/v3"
    assert connect("http://127.0.0.1:8080") == "http://127.0.0.1:8080"


def test_plain_http_to_another_host_needs_an_explicit_opt_in() -> None:
    with pytest.raises(ConfigurationError, match="RECONCILER_ALLOW_INSECURE_HTTP=1") as caught:
        connect("http://ghe.internal/api/v3")
    assert TOKEN not in str(caught.value)
    assert connect("http://ghe.internal/api/v3", RECONCILER_ALLOW_INSECURE_HTTP="1") == "http://ghe.internal/api/v3"


def test_a_url_carrying_credentials_is_refused_without_repeating_them() -> None:
    with pytest.raises(ConfigurationError, match="must not contain a user name or password") as caught:
        connect("https://user:hunter2secret@ghe.example.com/api/v3")
    assert "hunter2secret" not in str(caught.value)


def test_the_limit_scale_knob_scales_every_rate_the_client_keeps() -> None:
    env = {"GITHUB_TOKEN": TOKEN, "RECONCILER_HTTP_CACHE": "off"}
    with github_connection(GitHubOptions(github_url="https://api.github.com"), env) as plain:
        github = plain.session.limits
    with github_connection(
        GitHubOptions(github_url="https://api.github.com"), {**env, "RECONCILER_LIMIT_SCALE": "10"}
    ) as scaled:
        limits = scaled.session.limits
    assert limits.rest_points_per_minute == 10 * (github.rest_points_per_minute or 0)
    assert limits.creates_per_hour == 10 * (github.creates_per_hour or 0)
    assert limits.write_interval == pytest.approx(github.write_interval / 10)
    with pytest.raises(ConfigurationError, match="RECONCILER_LIMIT_SCALE must be a positive number"):
        connect("https://api.github.com", RECONCILER_LIMIT_SCALE="fast")
