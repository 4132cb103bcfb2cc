"""The contract checker, exercised with hand-built exchanges (no sandbox needed)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .checker import NOT_IN_SUBSET, ContractChecker
from .schemas import ResponseSchemaValidator

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "extract_github_openapi.py"
SUBSET = REPO_ROOT / "tests" / "data" / "github-openapi-subset.json"
OPERATIONS = REPO_ROOT / "tests" / "contract" / "operations.txt"
LOCAL_TARBALL = Path("/tmp/oa/octokit-openapi-23.0.2.tgz")
BASE = "http://127.0.0.1:8765"
JSON_HEADERS = {"content-type": "application/json; charset=utf-8"}


@dataclass(frozen=True)
class FakeExchange:
    """Shaped like the sandbox's Exchange; the checker only reads attributes."""

    method: str
    path: str
    status: int
    response_body: bytes = b""
    request_body: bytes = b""
    query: dict[str, list[str]] = field(default_factory=dict)
    request_headers: dict[str, str] = field(default_factory=dict)
    response_headers: dict[str, str] = field(default_factory=lambda: dict(JSON_HEADERS))
    route: str = ""


def exchange(
    method: str,
    path: str,
    status: int,
    response: Any = None,
    request: Any = None,
    **overrides: Any,
) -> FakeExchange:
    # JSON-encode bodies given as Python values; bytes pass through untouched.
    def encode(body: Any) -> bytes:
        if body is None:
            return b""
        return body if isinstance(body, bytes) else json.dumps(body).encode()

    if request is not None:
        overrides.setdefault("request_headers", {"content-type": "application/json"})
    return FakeExchange(method, path, status, encode(response), encode(request), **overrides)


def label(name: str = "bug", **fields: Any) -> dict[str, Any]:
    return {
        "id": 208045946,
        "node_id": "MDU6TGFiZWwyMDgwNDU5NDY=",
        "url": f"{BASE}/repos/octo/hello/labels/{name}",
        "name": name,
        "description": "Something isn't working",
        "color": "d73a4a",
        "default": True,
        **fields,
    }


def validation_failed(*errors: dict[str, Any]) -> dict[str, Any]:
    return {
        "message": "Validation Failed",
        "errors": list(errors),
        "documentation_url": "https://docs.github.com/rest/issues/labels#create-a-label",
        "status": "422",
    }


# --- the cases the brief asks for ----------------------------------------------------


def test_valid_label_list_passes(contract_checker: ContractChecker) -> None:
    ok = exchange(
        "GET",
        "/repos/octo/hello/labels",
        200,
        [label("bug"), label("good first issue", description=None, default=False)],
        query={"per_page": ["100"]},
        response_headers={**JSON_HEADERS, "Link": f'<{BASE}/repos/octo/hello/labels?page=2>; rel="next"'},
    )
    assert contract_checker.check(ok) == []


def test_label_missing_node_id_is_named(contract_checker: ContractChecker) -> None:
    broken = label()
    del broken["node_id"]
    violations = contract_checker.check(exchange("GET", "/repos/octo/hello/labels", 200, [label(), broken]))
    assert violations == ["GET /repos/{owner}/{repo}/labels -> 200: response body[1]: 'node_id' is a required property"]


def test_operation_outside_the_subset_is_a_violation(contract_checker: ContractChecker) -> None:
    violations = contract_checker.check(exchange("GET", "/repos/octo/hello/hooks", 200, []))
    assert violations == [f"GET /repos/octo/hello/hooks -> 200: {NOT_IN_SUBSET}"]


def test_known_path_with_unlisted_method_is_a_violation(contract_checker: ContractChecker) -> None:
    # PUT /issues/{n}/labels (replace all labels) exists on GitHub but is not in our list.
    violations = contract_checker.check(
        exchange("PUT", "/repos/octo/hello/issues/1/labels", 200, [label()], request={"labels": ["bug"]})
    )
    assert len(violations) == 1 and NOT_IN_SUBSET in violations[0]


def test_request_body_of_wrong_type_fails(contract_checker: ContractChecker) -> None:
    violations = contract_checker.check(
        exchange("POST", "/repos/octo/hello/labels", 201, label("x"), request={"name": "x", "color": 5})
    )
    assert violations == ["POST /repos/{owner}/{repo}/labels -> 201: request body.color: 5 is not of type 'string'"]


def test_304_on_a_get_passes_even_where_undocumented(contract_checker: ContractChecker) -> None:
    # GET /labels documents only 200 and 404; GitHub still answers If-None-Match with 304.
    not_modified = exchange(
        "GET",
        "/repos/octo/hello/labels",
        304,
        request_headers={"if-none-match": '"abc"'},
        response_headers={},
    )
    assert contract_checker.check(not_modified) == []


def test_304_with_a_body_fails(contract_checker: ContractChecker) -> None:
    violations = contract_checker.check(exchange("GET", "/repos/octo/hello/labels", 304, [label()]))
    assert violations == [
        "GET /repos/{owner}/{repo}/labels -> 304: response body: a 304 response must have an empty body"
    ]


def test_github_shaped_422_passes_even_if_undocumented(contract_checker: ContractChecker) -> None:
    # PATCH /labels/{name} documents only 200, but a bad colour gets GitHub's 422.
    bad_colour = exchange(
        "PATCH",
        "/repos/octo/hello/labels/bug",
        422,
        validation_failed({"resource": "Label", "code": "invalid", "field": "color"}),
        request={"color": "not-a-colour"},
    )
    assert contract_checker.check(bad_colour) == []


def test_500_with_a_non_github_body_fails(contract_checker: ContractChecker) -> None:
    plain = exchange(
        "GET",
        "/repos/octo/hello/labels/bug",
        500,
        b"Internal Server Error",
        response_headers={"content-type": "text/plain"},
    )
    assert contract_checker.check(plain) == [
        "GET /repos/{owner}/{repo}/labels/{name} -> 500: undocumented error status 500 must carry a "
        "GitHub error body: content-type is 'text/plain', not application/json"
    ]
    json_but_not_github = exchange("GET", "/repos/octo/hello/labels/bug", 500, {"error": "boom"})
    [violation] = contract_checker.check(json_but_not_github)
    assert "'message' must be a string" in violation


def test_subset_is_not_stale() -> None:
    # Offline: compares the subset's recorded operation list with operations.txt.
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr


# --- further behaviour ---------------------------------------------------------------


def test_check_flags_an_operation_added_to_operations_txt(tmp_path: Path) -> None:
    operations = tmp_path / "operations.txt"
    operations.write_text(OPERATIONS.read_text() + "GET /repos/{owner}/{repo}/hooks\n")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--operations", str(operations)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "missing operation GET /repos/{owner}/{repo}/hooks" in result.stderr


@pytest.mark.skipif(not LOCAL_TARBALL.exists(), reason="no local copy of the @octokit/openapi tarball")
def test_extraction_is_byte_identical(tmp_path: Path) -> None:
    output = tmp_path / "subset.json"
    subprocess.run(
        [sys.executable, str(SCRIPT), "--tarball", str(LOCAL_TARBALL), "--output", str(output)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert output.read_bytes() == SUBSET.read_bytes()


def test_extraction_rejects_an_unknown_template(tmp_path: Path) -> None:
    if not LOCAL_TARBALL.exists():
        pytest.skip("no local copy of the @octokit/openapi tarball")
    operations = tmp_path / "operations.txt"
    operations.write_text("GET /repos/{owner}/{repo}/label\n")
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--tarball",
            str(LOCAL_TARBALL),
            "--operations",
            str(operations),
            "--output",
            str(tmp_path / "out.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "GET /repos/{owner}/{repo}/label" in result.stderr
    assert not (tmp_path / "out.json").exists()


def test_sandbox_control_requests_are_ignored(contract_checker: ContractChecker) -> None:
    assert contract_checker.check(exchange("POST", "/_sandbox/reset", 200, b"whatever")) == []


def test_undocumented_success_status_fails(contract_checker: ContractChecker) -> None:
    violations = contract_checker.check(
        exchange("POST", "/repos/octo/hello/labels", 200, label("x"), request={"name": "x", "color": "ffffff"})
    )
    assert violations == [
        "POST /repos/{owner}/{repo}/labels -> 200: status 200 is not documented for this operation "
        "(documented: 201, 404, 422)"
    ]


def test_documented_error_needs_a_message(contract_checker: ContractChecker) -> None:
    # GitHub's basic-error requires nothing; every real GitHub error still has a message.
    violations = contract_checker.check(exchange("GET", "/repos/octo/hello/labels/nope", 404, {}))
    assert len(violations) == 1 and "'message' must be a string" in violations[0]
    not_found = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"}
    assert contract_checker.check(exchange("GET", "/repos/octo/hello/labels/nope", 404, not_found)) == []


def test_204_must_be_empty(contract_checker: ContractChecker) -> None:
    assert contract_checker.check(exchange("DELETE", "/repos/octo/hello/labels/bug", 204, response_headers={})) == []
    [violation] = contract_checker.check(exchange("DELETE", "/repos/octo/hello/labels/bug", 204, {"ok": True}))
    assert "a 204 response must have an empty body" in violation


def test_percent_encoded_label_names_route_to_the_label(contract_checker: ContractChecker) -> None:
    name = "area: ci/cd 🚀"
    encoded = "/repos/octo/hello/labels/area%3A%20ci%2Fcd%20%F0%9F%9A%80"
    assert contract_checker.check(exchange("GET", encoded, 200, label(name))) == []
    # A sandbox that records the decoded path is still routed by its route template.
    decoded = exchange(
        "GET",
        f"/repos/octo/hello/labels/{name}",
        200,
        label(name),
        route="/repos/{owner}/{repo}/labels/{name}",
    )
    assert contract_checker.check(decoded) == []


def test_literal_segments_win_over_variables(contract_checker: ContractChecker) -> None:
    # /issues/comments/{id} must not be read as /issues/{issue_number} with "comments".
    violations = contract_checker.check(exchange("GET", "/repos/octo/hello/issues/comments/7", 404, {}))
    assert violations and violations[0].startswith("GET /repos/{owner}/{repo}/issues/comments/{comment_id} -> 404")


def test_path_parameter_types_are_checked(contract_checker: ContractChecker) -> None:
    violations = contract_checker.check(exchange("GET", "/repos/octo/hello/issues/abc", 404, {"message": "Not Found"}))
    assert violations == [
        "GET /repos/{owner}/{repo}/issues/{issue_number} -> 404: request path parameter 'issue_number': "
        "Failed to cast value to integer type: abc"
    ]


def test_query_parameter_types_are_checked(contract_checker: ContractChecker) -> None:
    listing = exchange("GET", "/repos/octo/hello/labels", 200, [], query={"per_page": ["lots"]})
    [violation] = contract_checker.check(listing)
    assert "request query parameter 'per_page'" in violation


def test_nullable_one_of_accepts_null(contract_checker: ContractChecker) -> None:
    # GitHub: "use null to remove the current milestone"; the schema is nullable + oneOf.
    patch = exchange("PATCH", "/repos/octo/hello/issues/1", 404, {"message": "Not Found"}, request={"milestone": None})
    assert contract_checker.check(patch) == []


def test_overlapping_one_of_accepts_null_value(contract_checker: ContractChecker) -> None:
    # validation-error `value` is oneOf three nullable types: null matches all three.
    body = validation_failed({"resource": "Label", "code": "already_exists", "field": "name", "value": None})
    create = exchange("POST", "/repos/octo/hello/labels", 422, body, request={"name": "bug"})
    assert contract_checker.check(create) == []


def test_a_directory_listing_passes_the_discriminated_contents_schema(
    contract_checker: ContractChecker,
) -> None:
    # GitHub's contents schema discriminates by `type`, yet a directory is a bare array.
    api = f"{BASE}/repos/octo/hello"
    entry = {
        "type": "file",
        "name": "ci.yml",
        "path": ".github/workflows/ci.yml",
        "sha": "c1b0730e0133447badcfd47fd144e254807b06e1",
        "size": 1,
        "url": f"{api}/contents/.github/workflows/ci.yml?ref=main",
        "html_url": "https://github.com/octo/hello/blob/main/.github/workflows/ci.yml",
        "git_url": f"{api}/git/blobs/c1b0730e0133447badcfd47fd144e254807b06e1",
        "download_url": "https://raw.githubusercontent.com/octo/hello/main/.github/workflows/ci.yml",
        "_links": {"self": f"{api}/contents/x", "git": f"{api}/git/blobs/x", "html": "https://github.com/x"},
    }
    listing = exchange(
        "GET",
        "/repos/octo/hello/contents/.github/workflows",
        200,
        [entry],
        route="/repos/{owner}/{repo}/contents/{path}",
    )
    not_a_file = exchange(
        "GET", "/repos/octo/hello/contents/ci.yml", 200, entry, route="/repos/{owner}/{repo}/contents/{path}"
    )

    assert contract_checker.check(listing) == []
    assert contract_checker.check(not_a_file)  # an object is still held to its `type`'s branch


@pytest.mark.parametrize(
    "schema",
    [
        # issue `state_reason`: null on every open issue, yet null is not in the enum.
        {"type": "string", "nullable": True, "enum": ["completed", "reopened"]},
        {"nullable": True, "oneOf": [{"type": "string"}, {"type": "integer"}]},
        {"nullable": True, "anyOf": [{"type": "string"}, {"type": "integer"}]},
        {"nullable": True, "allOf": [{"type": "object"}]},
    ],
)
def test_nullable_means_null_is_valid(schema: dict[str, Any]) -> None:
    assert list(ResponseSchemaValidator(schema).iter_errors(None)) == []
    assert list(ResponseSchemaValidator({**schema, "nullable": False}).iter_errors(None)) != []


def test_bare_array_to_add_issue_labels_is_outside_the_contract(contract_checker: ContractChecker) -> None:
    # PyGithub's Issue.add_to_labels sends ["bug"]; GitHub's description documents only
    # {"labels": [...]}, so the adapter must send the object form.
    response = [label()]
    object_form = exchange("POST", "/repos/octo/hello/issues/1/labels", 200, response, request={"labels": ["bug"]})
    assert contract_checker.check(object_form) == []
    [violation] = contract_checker.check(
        exchange("POST", "/repos/octo/hello/issues/1/labels", 200, response, request=["bug"])
    )
    assert violation.startswith("POST /repos/{owner}/{repo}/issues/{issue_number}/labels -> 200: request body:")


def test_user_needs_user_view_type(contract_checker: ContractChecker) -> None:
    # GET /user is oneOf private-user/public-user with a discriminator on user_view_type.
    [violation] = contract_checker.check(exchange("GET", "/user", 200, {"login": "octocat"}))
    assert "does not contain discriminating property 'user_view_type'" in violation


def test_missing_required_body(contract_checker: ContractChecker) -> None:
    [violation] = contract_checker.check(exchange("POST", "/repos/octo/hello/labels", 201, label()))
    assert violation.startswith("POST /repos/{owner}/{repo}/labels -> 201: request body:")


def test_a_check_takes_about_a_millisecond(contract_checker: ContractChecker) -> None:
    page = exchange("GET", "/repos/octo/hello/labels", 200, [label(f"l{i}") for i in range(30)])
    contract_checker.check(page)  # warm the per-schema validator cache
    rounds = 200
    start = time.perf_counter()
    for _ in range(rounds):
        contract_checker.check(page)
    per_check = (time.perf_counter() - start) / rounds
    # Measured ~1 ms for a 30-label page; the bound only catches a lost cache.
    assert per_check < 0.02, f"{per_check * 1000:.1f} ms per check"
