"""``HEAD`` answered like ``GET`` without the body, and the API root document."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import requests

from reconciler.sandbox import Sandbox

KERNEL = "Sovereign-Operating-System/sovereign-kernel"
# Headers that differ between any two answers, whatever the method.
PER_REQUEST = {"x-github-request-id", "date", "x-ratelimit-remaining", "x-ratelimit-used"}


def expand(template: str, **values: object) -> str:
    """The two RFC 6570 forms the root uses for these: ``{name}`` and ``{?a,b}``."""

    def one(match: re.Match[str]) -> str:
        names = match.group(2).split(",")
        if match.group(1) == "?":
            given = {n: values[n] for n in names if n in values}
            return "?" + urlencode(given) if given else ""
        return str(values[names[0]])

    return re.sub(r"\{([?]?)([a-z_,]+)\}", one, template)


def comparable(response: requests.Response) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items() if k.lower() not in PER_REQUEST}


def test_head_answers_like_get_without_the_body(sandbox: Sandbox, http: requests.Session) -> None:
    url = f"{sandbox.url}/repos/{KERNEL}/labels"
    got = http.get(url)
    head = http.head(url)

    assert head.status_code == 200
    assert head.content == b""
    assert comparable(head) == comparable(got)
    assert head.headers["Content-Length"] == str(len(got.content))
    assert sandbox.stats.count("HEAD", "/repos/{owner}/{repo}/labels") == 1


def test_head_of_a_missing_resource_is_a_404_without_a_body(sandbox: Sandbox, http: requests.Session) -> None:
    head = http.head(f"{sandbox.url}/repos/{KERNEL}/labels/no-such-label")

    assert head.status_code == 404
    assert head.content == b""
    assert head.headers["Content-Type"] == "application/json; charset=utf-8"


def test_head_is_a_conditional_request_too(sandbox: Sandbox, http: requests.Session) -> None:
    url = f"{sandbox.url}/repos/{KERNEL}"
    etag = http.head(url).headers["ETag"]

    again = http.head(url, headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert int(again.headers["X-RateLimit-Used"]) == 1  # the 304 was free


def test_head_of_raw_contents_names_the_file_length(sandbox: Sandbox, http: requests.Session) -> None:
    url = f"{sandbox.url}/repos/{KERNEL}/contents/README.md"
    head = http.head(url, headers={"Accept": "application/vnd.github.raw"})
    got = http.get(url, headers={"Accept": "application/vnd.github.raw"})

    assert head.content == b""
    assert head.headers["Content-Length"] == str(len(got.content))
    assert head.headers["Content-Type"] == "application/vnd.github.raw; charset=utf-8"


def test_the_root_maps_url_templates_onto_the_sandbox(sandbox: Sandbox, http: requests.Session) -> None:
    root = http.get(f"{sandbox.url}/")

    body = root.json()
    assert root.status_code == 200
    assert body["current_user_url"] == f"{sandbox.url}/user"
    assert body["rate_limit_url"] == f"{sandbox.url}/rate_limit"
    owner, name = KERNEL.split("/")
    repo = http.get(expand(body["repository_url"], owner=owner, repo=name))
    listing = http.get(expand(body["organization_repositories_url"], org=owner, per_page=2))
    assert repo.json()["full_name"] == KERNEL
    assert len(listing.json()) == 2
    assert root.headers["ETag"]
