"""Proxies are resolved once, from the environment, as curl and requests read it."""

from __future__ import annotations

import pytest

from reconciler.github.http.proxies import describe_proxy, proxy_for


def test_the_scheme_proxy_is_used_and_lower_case_wins() -> None:
    env = {"https_proxy": "http://proxy.corp:3128", "HTTPS_PROXY": "http://other:1", "http_proxy": "http://plain:80"}
    assert proxy_for("https://api.github.com", env) == "http://proxy.corp:3128"
    assert proxy_for("http://ghe.internal", env) == "http://plain:80"
    assert proxy_for("https://api.github.com", {"ALL_PROXY": "socks5://s:1080"}) == "socks5://s:1080"
    assert proxy_for("https://api.github.com", {}) is None


@pytest.mark.parametrize(
    "no_proxy",
    ["*", "api.github.com", ".github.com", "github.com", "api.github.com:443", "other.org, github.com"],
)
def test_no_proxy_entries_bypass_the_proxy(no_proxy: str) -> None:
    env = {"https_proxy": "http://proxy.corp:3128", "no_proxy": no_proxy}
    assert proxy_for("https://api.github.com", env) is None


@pytest.mark.parametrize("no_proxy", ["notgithub.com", "api.github.com:8443", "10.0.0.0/8"])
def test_no_proxy_entries_that_do_not_match_leave_the_proxy(no_proxy: str) -> None:
    env = {"https_proxy": "http://proxy.corp:3128", "NO_PROXY": no_proxy}
    assert proxy_for("https://api.github.com", env) == "http://proxy.corp:3128"


def test_ip_ranges_and_loopback() -> None:
    env = {"http_proxy": "http://proxy.corp:3128", "no_proxy": "10.0.0.0/8"}
    assert proxy_for("http://10.1.2.3:8080", env) is None
    # The sandbox on this machine is never reached through a proxy.
    assert proxy_for("http://127.0.0.1:8080", {"http_proxy": "http://proxy.corp:3128"}) is None


def test_a_proxy_is_named_without_its_credentials() -> None:
    assert describe_proxy("http://alice:pr0xy-pa55word@proxy.corp:3128") == "http://proxy.corp:3128"
    assert describe_proxy("proxy.corp:3128") == "http://proxy.corp:3128"
