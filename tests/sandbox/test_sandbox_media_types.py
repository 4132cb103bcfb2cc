"""GitHub's custom media types on ``/contents/{path}``, and ``X-GitHub-Media-Type`` everywhere."""

from __future__ import annotations

import base64

import pytest
import requests

from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import RepoState

ORG = "Sovereign-Operating-System"
KERNEL = f"{ORG}/sovereign-kernel"
CI = ".github/workflows/ci.yml"


def contents(sandbox: Sandbox, path: str) -> str:
    return f"{sandbox.url}/repos/{KERNEL}/contents/{path}"


def kernel(sandbox: Sandbox) -> RepoState:
    repo = sandbox.state.find_repo(ORG, "sovereign-kernel")
    assert repo is not None
    return repo


@pytest.mark.parametrize(
    ("accept", "media_header"),
    [
        ("application/vnd.github.raw", "github.v3; param=raw"),
        ("application/vnd.github.v3.raw", "github.v3; param=raw"),
        ("application/vnd.github.raw+json", "github.v3; param=raw; format=json"),
    ],
)
def test_raw_returns_the_file_bytes(sandbox: Sandbox, http: requests.Session, accept: str, media_header: str) -> None:
    response = http.get(contents(sandbox, CI), headers={"Accept": accept})

    assert response.status_code == 200
    assert response.content == kernel(sandbox).read_file(CI)
    assert response.headers["Content-Type"] == f"{accept}; charset=utf-8"
    assert response.headers["X-GitHub-Media-Type"] == media_header
    assert response.headers["ETag"]


def test_raw_of_a_directory_is_still_its_json_listing(sandbox: Sandbox, http: requests.Session) -> None:
    response = http.get(contents(sandbox, ".github/workflows"), headers={"Accept": "application/vnd.github.raw"})

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert sorted(entry["name"] for entry in response.json()) == ["autonomous-agent-loop.yml", "ci.yml"]


def test_object_returns_a_directory_as_one_object(sandbox: Sandbox, http: requests.Session) -> None:
    response = http.get(contents(sandbox, ".github/workflows"), headers={"Accept": "application/vnd.github.object"})

    body = response.json()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.github.object; charset=utf-8"
    assert response.headers["X-GitHub-Media-Type"] == "github.v3; param=object"
    assert (body["type"], body["name"], body["path"]) == ("dir", "workflows", ".github/workflows")
    assert sorted(entry["name"] for entry in body["entries"]) == ["autonomous-agent-loop.yml", "ci.yml"]
    assert all(entry["type"] == "file" and "content" not in entry for entry in body["entries"])


def test_object_of_the_root_names_it_by_the_empty_path(sandbox: Sandbox, http: requests.Session) -> None:
    response = http.get(f"{sandbox.url}/repos/{KERNEL}/contents/", headers={"Accept": "application/vnd.github.object"})

    body = response.json()
    assert (body["type"], body["name"], body["path"]) == ("dir", "", "")
    assert {"README.md", ".github"} <= {entry["name"] for entry in body["entries"]}


def test_object_of_a_file_is_the_usual_file_object(sandbox: Sandbox, http: requests.Session) -> None:
    plain = http.get(contents(sandbox, CI)).json()
    response = http.get(contents(sandbox, CI), headers={"Accept": "application/vnd.github.object+json"})

    assert response.json() == plain
    assert base64.b64decode(response.json()["content"]) == kernel(sandbox).read_file(CI)
    assert response.headers["X-GitHub-Media-Type"] == "github.v3; param=object; format=json"


def test_html_renders_markdown_inside_githubs_wrapper(sandbox: Sandbox, http: requests.Session) -> None:
    readme = kernel(sandbox).read_file("README.md")
    assert readme is not None and readme.startswith(b"# sovereign-kernel")

    response = http.get(contents(sandbox, "README.md"), headers={"Accept": "application/vnd.github.html+json"})

    page = response.text
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.github.html+json; charset=utf-8"
    assert response.headers["X-GitHub-Media-Type"] == "github.v3; param=html; format=json"
    assert page.startswith('<div id="file" class="md" data-path="README.md"><article class="markdown-body')
    assert "<h1>sovereign-kernel</h1>" in page


def test_html_of_a_file_that_is_no_markup_is_escaped_text(sandbox: Sandbox, http: requests.Session) -> None:
    text = b"a <script>alert(1)</script> & b\n"
    written = http.put(
        contents(sandbox, "notes.txt"), json={"message": "Notes", "content": base64.b64encode(text).decode()}
    )

    response = http.get(contents(sandbox, "notes.txt"), headers={"Accept": "application/vnd.github.html"})

    assert written.status_code == 201
    assert response.status_code == 200
    assert response.text.startswith('<div id="file" class="plain" data-path="notes.txt"><pre>')
    assert "a &lt;script&gt;alert(1)&lt;/script&gt; &amp; b" in response.text
    assert "<script>" not in response.text


def test_every_response_names_its_media_type(sandbox: Sandbox, http: requests.Session) -> None:
    labels = http.get(f"{sandbox.url}/repos/{KERNEL}/labels")
    missing = http.get(f"{sandbox.url}/repos/{KERNEL}/labels/no-such-label")
    deleted = http.delete(f"{sandbox.url}/repos/{KERNEL}/labels/bug")

    for response in (labels, missing, deleted):
        assert response.headers["X-GitHub-Media-Type"] == "github.v3; format=json"
    assert (missing.status_code, deleted.status_code) == (404, 204)
