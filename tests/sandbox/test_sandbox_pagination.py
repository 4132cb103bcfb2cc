"""per_page/page and the Link header, as PyGithub follows them."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import requests
from github import Github

from reconciler.sandbox import Sandbox

KERNEL = "Sovereign-Operating-System/sovereign-kernel"


def add_labels(sandbox: Sandbox, count: int) -> int:
    """Put ``count`` extra labels on the kernel repository; returns the new total."""
    with sandbox.state.lock:
        repo = sandbox.state.find_repo("Sovereign-Operating-System", "sovereign-kernel")
        assert repo is not None
        for index in range(count):
            sandbox.state.add_label(repo, f"bulk-{index:03d}", "ededed", f"Bulk label {index}")
        return len(repo.labels)


def links(response: requests.Response) -> dict[str, str]:
    header = response.headers.get("Link", "")
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="([a-z]+)"', header)}


def test_pygithub_iterates_every_label_across_pages(sandbox: Sandbox, gh: Github) -> None:
    total = add_labels(sandbox, 190)
    assert 200 < total <= 300  # three pages of 100

    names = [label.name for label in gh.get_repo(KERNEL).get_labels()]

    assert len(names) == total == len(set(names))
    assert sandbox.stats.for_repo(KERNEL)["GET /repos/{owner}/{repo}/labels"] == 3


def test_link_header_is_absolute_on_the_sandbox_and_keeps_other_parameters(
    sandbox: Sandbox, http: requests.Session
) -> None:
    total = add_labels(sandbox, 20)  # 22 seeded + 20: five pages of 10
    url = f"{sandbox.url}/repos/{KERNEL}/labels"

    first = http.get(url, params={"per_page": "10", "sort": "name"})
    middle = http.get(url, params={"per_page": "10", "sort": "name", "page": "3"})
    last = http.get(url, params={"per_page": "10", "sort": "name", "page": "5"})

    assert set(links(first)) == {"next", "last"}
    assert set(links(middle)) == {"prev", "next", "last", "first"}
    assert set(links(last)) == {"prev", "first"}
    for link in links(middle).values():
        assert link.startswith(sandbox.url + f"/repos/{KERNEL}/labels?")
        assert parse_qs(urlsplit(link).query)["sort"] == ["name"]
        assert parse_qs(urlsplit(link).query)["per_page"] == ["10"]
    pages = {rel: parse_qs(urlsplit(link).query)["page"] for rel, link in links(middle).items()}
    assert pages == {"prev": ["2"], "next": ["4"], "last": ["5"], "first": ["1"]}
    assert len(last.json()) == total - 40


def test_following_next_visits_each_label_once(sandbox: Sandbox, http: requests.Session) -> None:
    total = add_labels(sandbox, 15)
    url: str | None = f"{sandbox.url}/repos/{KERNEL}/labels?per_page=7"
    seen: list[int] = []
    while url:
        response = http.get(url)
        seen.extend(label["id"] for label in response.json())
        url = links(response).get("next")

    assert len(seen) == total == len(set(seen))


def test_per_page_defaults_to_30_and_is_clamped_to_100(sandbox: Sandbox, http: requests.Session) -> None:
    add_labels(sandbox, 120)
    url = f"{sandbox.url}/repos/{KERNEL}/labels"

    assert len(http.get(url).json()) == 30
    assert len(http.get(url, params={"per_page": 500}).json()) == 100


def test_a_single_page_has_no_link_header(sandbox: Sandbox, http: requests.Session) -> None:
    response = http.get(f"{sandbox.url}/repos/{KERNEL}/labels", params={"per_page": 100})

    assert response.status_code == 200
    assert "Link" not in response.headers


def test_link_urls_use_the_host_the_client_used(sandbox: Sandbox, http: requests.Session) -> None:
    add_labels(sandbox, 100)
    via_localhost = sandbox.url.replace("127.0.0.1", "localhost")

    response = http.get(f"{via_localhost}/repos/{KERNEL}/labels")

    assert links(response)["next"].startswith(via_localhost + "/")
    assert response.json()[0]["url"].startswith(via_localhost + "/")
