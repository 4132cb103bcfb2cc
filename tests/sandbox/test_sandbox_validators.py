"""Validators where GitHub sends them: ETags after writes too, Last-Modified on single resources,
and If-Modified-Since answered 304 without spending budget."""

from __future__ import annotations

import base64
from email.utils import format_datetime, parsedate_to_datetime

import requests

from reconciler.sandbox import Sandbox

KERNEL = "Sovereign-Operating-System/sovereign-kernel"


def api(sandbox: Sandbox, rest: str = "") -> str:
    return f"{sandbox.url}/repos/{KERNEL}{rest}"


def used(response: requests.Response) -> int:
    return int(response.headers["X-RateLimit-Used"])


def test_created_and_updated_resources_carry_an_etag(sandbox: Sandbox, http: requests.Session) -> None:
    created = http.post(api(sandbox, "/labels"), json={"name": "fresh", "color": "ffffff"})
    updated = http.patch(api(sandbox, "/labels/fresh"), json={"color": "000000"})
    written = http.put(
        api(sandbox, "/contents/notes.txt"), json={"message": "Notes", "content": base64.b64encode(b"hi").decode()}
    )
    deleted = http.delete(api(sandbox, "/labels/fresh"))

    assert (created.status_code, updated.status_code, written.status_code) == (201, 200, 201)
    for response in (created, updated, written):
        assert response.headers["ETag"].startswith('W/"')
        assert response.headers["Cache-Control"] == "private, max-age=60, s-maxage=60"
    assert created.headers["ETag"] != updated.headers["ETag"]
    assert deleted.status_code == 204 and "ETag" not in deleted.headers


def test_the_etag_of_a_write_answers_the_next_read(sandbox: Sandbox, http: requests.Session) -> None:
    updated = http.patch(api(sandbox, "/labels/bug"), json={"description": "Broken"})

    again = http.get(api(sandbox, "/labels/bug"), headers={"If-None-Match": updated.headers["ETag"]})

    assert again.status_code == 304


def test_single_resources_carry_last_modified_and_lists_do_not(sandbox: Sandbox, http: requests.Session) -> None:
    repo = sandbox.state.find_repo(*KERNEL.split("/"))
    assert repo is not None

    repository = http.get(api(sandbox))
    label = http.get(api(sandbox, "/labels/bug"))
    file = http.get(api(sandbox, "/contents/README.md"))
    directory = http.get(api(sandbox, "/contents/.github/workflows"))
    labels = http.get(api(sandbox, "/labels"))
    issues = http.get(api(sandbox, "/issues"))

    assert parsedate_to_datetime(repository.headers["Last-Modified"]).strftime("%Y-%m-%dT%H:%M:%SZ") == max(
        repo.updated_at, repo.pushed_at
    )
    for response in (label, file, directory):
        assert parsedate_to_datetime(response.headers["Last-Modified"]).tzinfo is not None
    assert "Last-Modified" not in labels.headers
    assert "Last-Modified" not in issues.headers


def test_contents_last_modified_is_when_the_path_last_changed(sandbox: Sandbox, http: requests.Session) -> None:
    before = http.get(api(sandbox, "/contents/README.md")).headers["Last-Modified"]
    written = http.put(
        api(sandbox, "/contents/notes.txt"), json={"message": "Notes", "content": base64.b64encode(b"hi").decode()}
    )

    readme_after = http.get(api(sandbox, "/contents/README.md")).headers["Last-Modified"]
    notes = http.get(api(sandbox, "/contents/notes.txt")).headers["Last-Modified"]

    commit_date = written.json()["commit"]["committer"]["date"]
    assert readme_after == before
    assert parsedate_to_datetime(notes).strftime("%Y-%m-%dT%H:%M:%SZ") == commit_date


def test_if_modified_since_gives_304_without_spending_budget(sandbox: Sandbox, http: requests.Session) -> None:
    first = http.get(api(sandbox))
    stamp = first.headers["Last-Modified"]

    again = http.get(api(sandbox), headers={"If-Modified-Since": stamp})

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["Last-Modified"] == stamp
    assert used(again) == used(first)
    assert sandbox.stats.not_modified() == 1


def test_an_older_if_modified_since_gets_the_resource(sandbox: Sandbox, http: requests.Session) -> None:
    stamp = parsedate_to_datetime(http.get(api(sandbox, "/labels/bug")).headers["Last-Modified"])
    http.patch(api(sandbox, "/labels/bug"), json={"description": "Changed since"})
    earlier = format_datetime(stamp.replace(year=stamp.year - 1), usegmt=True)

    response = http.get(api(sandbox, "/labels/bug"), headers={"If-Modified-Since": earlier})

    assert response.status_code == 200
    assert response.json()["description"] == "Changed since"


def test_if_none_match_wins_over_if_modified_since(sandbox: Sandbox, http: requests.Session) -> None:
    first = http.get(api(sandbox))

    stale_etag = http.get(
        api(sandbox), headers={"If-None-Match": '"stale"', "If-Modified-Since": first.headers["Last-Modified"]}
    )

    assert stale_etag.status_code == 200


def test_if_modified_since_means_nothing_where_there_is_no_last_modified(
    sandbox: Sandbox, http: requests.Session
) -> None:
    response = http.get(api(sandbox, "/labels"), headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})

    assert response.status_code == 200
