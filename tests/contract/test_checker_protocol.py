"""The checker on HEAD, custom media types and later API versions (hand-built exchanges)."""

from __future__ import annotations

import json
from typing import Any

from .checker import ContractChecker
from .test_checker import exchange, label
from .versions import contract_as_of

CONTENTS = "/repos/octo/hello/contents/README.md"


def file_object() -> dict[str, Any]:
    url = "http://127.0.0.1:8765/repos/octo/hello/contents/README.md?ref=main"
    git = "http://127.0.0.1:8765/repos/octo/hello/git/blobs/3b18e512dba79e4c8300dd08aeb37f8e728b8dad"
    html = "https://github.com/octo/hello/blob/main/README.md"
    return {
        "type": "file",
        "encoding": "base64",
        "size": 12,
        "name": "README.md",
        "path": "README.md",
        "content": "aGVsbG8gd29ybGQK\n",
        "sha": "3b18e512dba79e4c8300dd08aeb37f8e728b8dad",
        "url": url,
        "git_url": git,
        "html_url": html,
        "download_url": "https://raw.githubusercontent.com/octo/hello/main/README.md",
        "_links": {"self": url, "git": git, "html": html},
    }


def test_head_is_checked_as_get_without_a_body(contract_checker: ContractChecker) -> None:
    fine = exchange("HEAD", "/repos/octo/hello/labels", 200)
    with_body = exchange("HEAD", "/repos/octo/hello/labels", 200, [label()])

    assert contract_checker.check(fine) == []
    assert contract_checker.check(with_body) == [
        "GET /repos/{owner}/{repo}/labels -> 200: response body: a HEAD response must have an empty body"
    ]


def test_raw_contents_pass_when_the_description_documents_them(contract_checker: ContractChecker) -> None:
    for media in ("application/vnd.github.raw", "application/vnd.github.v3.raw", "application/vnd.github.raw+json"):
        raw = exchange(
            "GET", CONTENTS, 200, b"hello world\n", response_headers={"content-type": f"{media}; charset=utf-8"}
        )
        assert contract_checker.check(raw) == [], media


def test_an_object_is_held_to_the_object_schema(contract_checker: ContractChecker) -> None:
    headers = {"content-type": "application/vnd.github.object+json; charset=utf-8"}
    good = exchange("GET", CONTENTS, 200, file_object(), response_headers=headers)
    broken = exchange("GET", CONTENTS, 200, {"type": "file"}, response_headers=headers)

    assert contract_checker.check(good) == []
    assert contract_checker.check(broken)


def test_a_media_type_nobody_documents_is_a_violation(contract_checker: ContractChecker) -> None:
    diff = exchange("GET", CONTENTS, 200, b"diff", response_headers={"content-type": "application/vnd.github.diff"})
    labels = exchange(
        "GET", "/repos/octo/hello/labels", 200, b"x", response_headers={"content-type": "application/vnd.github.raw"}
    )

    assert "media type application/vnd.github.diff is not documented" in contract_checker.check(diff)[0]
    assert "media type application/vnd.github.raw is not documented" in contract_checker.check(labels)[0]


def rate_limit_body(*, with_rate: bool) -> dict[str, Any]:
    core = {"limit": 5000, "remaining": 4999, "used": 1, "reset": 1700000000}
    body: dict[str, Any] = {"resources": {"core": core, "search": core}}
    if with_rate:
        body["rate"] = core
    return body


def test_a_response_in_2026_03_10_is_held_to_that_version(contract_checker: ContractChecker) -> None:
    new_headers = {"content-type": "application/json", "x-github-api-version-selected": "2026-03-10"}
    old_shape = exchange("GET", "/rate_limit", 200, rate_limit_body(with_rate=False))
    new_shape = exchange("GET", "/rate_limit", 200, rate_limit_body(with_rate=False), response_headers=new_headers)

    assert any("'rate' is a required property" in v for v in contract_checker.check(old_shape))
    assert contract_checker.check(new_shape) == []


def test_breaking_changes_apply_as_json_patch_and_merge_patch() -> None:
    contents: dict[str, Any] = {
        "schema": {
            "properties": {"a": {}, "b": {}, "c": {}},
            "required": ["a", "b", "c"],
            "x-github-breaking-changes": [
                {"changeset": "x", "version": "2026-03-10", "patch": [{"op": "remove", "path": "/required/1"}]},
                {"changeset": "y", "version": "2026-03-10", "patch": {"properties": {"b": None}}},
                {"changeset": "z", "version": "2099-01-01", "patch": {"properties": {"c": None}}},
            ],
        }
    }

    patched = contract_as_of(contents, "2026-03-10")

    assert patched == {"schema": {"properties": {"a": {}, "c": {}}, "required": ["a", "c"]}}
    assert json.dumps(contents).count("x-github-breaking-changes") == 1  # the original is untouched
