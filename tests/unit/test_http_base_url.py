"""Base URL rules: where reconciler may send a token, and the GraphQL URL derived from it."""

from __future__ import annotations

import pytest

from reconciler.errors import ConfigurationError
from reconciler.github.http import check_base_url, graphql_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://api.github.com", "https://api.github.com"),
        ("https://api.github.com/", "https://api.github.com"),
        ("https://GHE.Example.com/api/v3/", "https://ghe.example.com/api/v3"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:9000/", "http://localhost:9000"),
        ("http://[::1]:9000", "http://[::1]:9000"),
    ],
)
def test_https_anywhere_and_http_on_loopback_are_accepted(given: str, expected: str) -> None:
    assert check_base_url(given) == expected


def test_plain_http_to_another_host_needs_an_explicit_opt_in() -> None:
    with pytest.raises(ConfigurationError, match=r"http://ghe\.internal:8080 is plain http"):
        check_base_url("http://ghe.internal:8080/api/v3")
    assert check_base_url("http://ghe.internal:8080/api/v3", allow_insecure_http=True) == (
        "http://ghe.internal:8080/api/v3"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://user:s3cr3t-t0ken@ghe.example.com/api/v3",
        "https://s3cr3t-t0ken@ghe.example.com",
        "http://u:s3cr3t-t0ken@127.0.0.1:1",
    ],
)
def test_credentials_in_the_url_are_refused_without_repeating_them(url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        check_base_url(url, allow_insecure_http=True)
    assert "s3cr3t-t0ken" not in str(caught.value)
    assert "user name or password" in str(caught.value)


@pytest.mark.parametrize(
    "url", ["ftp://u:s3cr3t-t0ken@host/", "file:///etc/passwd", "api.github.com", "javascript:s3cr3t-t0ken"]
)
def test_other_schemes_are_refused_without_echoing_the_url(url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        check_base_url(url)
    assert "s3cr3t-t0ken" not in str(caught.value)
    assert "/etc/passwd" not in str(caught.value)


def test_a_url_with_a_query_or_without_a_host_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="query"):
        check_base_url("https://api.github.com/?token=abc")
    with pytest.raises(ConfigurationError, match="no host"):
        check_base_url("https:///api/v3")


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("https://api.github.com", "https://api.github.com/graphql"),
        ("https://ghe.example.com/api/v3", "https://ghe.example.com/api/graphql"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123/graphql"),
    ],
)
def test_the_graphql_url_follows_from_the_rest_url(base: str, expected: str) -> None:
    assert graphql_url(base) == expected
