#!/usr/bin/env python3
"""Extract the slice of GitHub's OpenAPI description that the project relies on.

GitHub publishes its REST contract as an OpenAPI document; Octokit ships it on npm as
`@octokit/openapi`. The full description is ~13 MB, so this script keeps only the
operations listed in `tests/contract/operations.txt` plus every `components` entry they
reference, and writes `tests/data/github-openapi-subset.json`. The contract tests hold
the sandbox (and the requests our adapter sends) to that subset.

    python scripts/extract_github_openapi.py                    # download, verify, write
    python scripts/extract_github_openapi.py --tarball X.tgz    # use a local copy instead
    python scripts/extract_github_openapi.py --check            # offline staleness check

The output is deterministic (sorted keys, no timestamps) so re-running it produces a
byte-identical file and diffs only show real contract changes.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import io
import json
import re
import sys
import tarfile
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

# Pinned so the contract only moves when someone bumps it on purpose.
PACKAGE = "@octokit/openapi"
VERSION = "23.0.2"
TARBALL_URL = f"https://registry.npmjs.org/{PACKAGE}/-/openapi-{VERSION}.tgz"
# npm's `dist.integrity` for that version (Subresource Integrity format).
INTEGRITY = "sha512-pV8M7L9GY23AybNvTmo2nyjmpmnt6+2sRE/tqr0ZLQcPS4lnw7u5eZGNmwRNkBC3D7gZXbFx5AHzLUVRBXGDhg=="
# The non-dereferenced description: keeping `$ref`s is what lets us copy only the
# components the chosen operations use, instead of inlining them over and over.
SOURCE_FILE = "package/generated/api.github.com.json"

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OPERATIONS = REPO_ROOT / "tests" / "contract" / "operations.txt"
DEFAULT_OUTPUT = REPO_ROOT / "tests" / "data" / "github-openapi-subset.json"

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_OPERATION_LINE = re.compile(r"^([A-Za-z]+)\s+(/\S*)$")
_LOCAL_REF = re.compile(r"^#/components/([^/]+)/([^/]+)$")
# Examples are documentation only and make up most of the description's bulk.
_EXAMPLE_KEYS = frozenset({"example", "examples"})

Operation = tuple[str, str]  # (METHOD, /path/template)
JSON = Any


class ExtractionError(Exception):
    """A problem the user must fix; reported as one line and exit status 1."""


# --- operations.txt -------------------------------------------------------------------


def parse_operations(text: str) -> list[Operation]:
    operations: list[Operation] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _OPERATION_LINE.match(line)
        if match is None or match.group(1).lower() not in HTTP_METHODS:
            raise ExtractionError(f"operations file line {lineno}: expected 'METHOD /path', got {raw!r}")
        operation = (match.group(1).upper(), match.group(2))
        if operation in operations:
            raise ExtractionError(f"operations file line {lineno}: duplicate operation {format_operation(operation)}")
        operations.append(operation)
    return operations


def format_operation(operation: Operation) -> str:
    return f"{operation[0]} {operation[1]}"


def sorted_operation_keys(operations: Sequence[Operation]) -> list[str]:
    return sorted(format_operation(operation) for operation in operations)


# --- fetching the description ---------------------------------------------------------


def read_tarball(tarball: Path | None) -> bytes:
    if tarball is not None:
        data = tarball.read_bytes()
    else:
        with urllib.request.urlopen(TARBALL_URL, timeout=120) as response:
            data = response.read()
    # A local copy is verified too: it must be the very file the pin names.
    verify_integrity(data, INTEGRITY)
    return data


def verify_integrity(data: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode("ascii")
    if actual != expected:
        raise ExtractionError(
            f"{PACKAGE}@{VERSION} tarball does not match the pinned integrity {integrity} (got {algorithm}-{actual})"
        )


def load_description(tarball_bytes: bytes) -> dict[str, JSON]:
    with tarfile.open(fileobj=io.BytesIO(tarball_bytes), mode="r:gz") as archive:
        try:
            member = archive.extractfile(SOURCE_FILE)
        except KeyError:
            member = None
        if member is None:
            raise ExtractionError(f"{SOURCE_FILE} not found in the {PACKAGE}@{VERSION} tarball")
        description: dict[str, JSON] = json.load(member)
    return description


# --- building the subset --------------------------------------------------------------


def strip_examples(node: JSON, *, in_properties: bool = False) -> JSON:
    if isinstance(node, list):
        return [strip_examples(item) for item in node]
    if not isinstance(node, dict):
        return node
    # Under `properties` the keys are field names, so a field called "example" stays.
    return {
        key: strip_examples(value, in_properties=key == "properties" and not in_properties)
        for key, value in node.items()
        if in_properties or key not in _EXAMPLE_KEYS
    }


def iter_refs(node: JSON) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from iter_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from iter_refs(item)


def parse_ref(ref: str) -> tuple[str, str]:
    match = _LOCAL_REF.match(ref)
    if match is None:
        raise ExtractionError(f"unsupported $ref {ref!r}: only '#/components/<kind>/<name>' is handled")
    # JSON Pointer escapes: ~1 is '/', ~0 is '~' (in that order, per RFC 6901).
    name = match.group(2).replace("~1", "/").replace("~0", "~")
    return match.group(1), name


def select_operations(description: dict[str, JSON], operations: Sequence[Operation]) -> dict[str, JSON]:
    paths: dict[str, JSON] = {}
    missing: list[str] = []
    for method, template in operations:
        path_item = description.get("paths", {}).get(template)
        operation = path_item.get(method.lower()) if isinstance(path_item, dict) else None
        if operation is None:
            missing.append(format_operation((method, template)))
            continue
        target = paths.setdefault(template, {})
        # Path-level fields (shared parameters, summary) apply to every method under it.
        for key, value in path_item.items():
            if key not in HTTP_METHODS:
                target[key] = strip_examples(value)
        target[method.lower()] = strip_examples(operation)
    if missing:
        raise ExtractionError(
            f"not in {PACKAGE}@{VERSION} {SOURCE_FILE}: "
            + ", ".join(missing)
            + " (check the template spelling against GitHub's description)"
        )
    return paths


def collect_components(description: dict[str, JSON], roots: JSON) -> dict[str, dict[str, JSON]]:
    source = description.get("components", {})
    components: dict[str, dict[str, JSON]] = {}
    pending = list(iter_refs(roots))
    while pending:
        kind, name = parse_ref(pending.pop())
        if name in components.get(kind, {}):
            continue
        try:
            entry = strip_examples(source[kind][name])
        except KeyError:
            raise ExtractionError(f"dangling $ref to components/{kind}/{name}") from None
        components.setdefault(kind, {})[name] = entry
        pending.extend(iter_refs(entry))
    return components


def build_info(description: dict[str, JSON], operations: Sequence[Operation]) -> dict[str, JSON]:
    upstream = description.get("info", {})
    return {
        "title": "GitHub REST API: the subset this project uses",
        "version": upstream.get("version", VERSION),
        "description": (
            "Generated by scripts/extract_github_openapi.py from "
            f"{PACKAGE}@{VERSION} ({SOURCE_FILE}); do not edit by hand. "
            "Examples are removed. Edit tests/contract/operations.txt and re-run the script."
        ),
        "license": upstream.get("license", {"name": "MIT"}),
        "x-source-package": PACKAGE,
        "x-source-version": VERSION,
        "x-source-file": SOURCE_FILE,
        "x-source-integrity": INTEGRITY,
        "x-operations": sorted_operation_keys(operations),
    }


def build_subset(description: dict[str, JSON], operations: Sequence[Operation]) -> dict[str, JSON]:
    paths = select_operations(description, operations)
    return {
        "openapi": description["openapi"],
        "info": build_info(description, operations),
        "servers": copy.deepcopy(description.get("servers", [{"url": "https://api.github.com"}])),
        "paths": paths,
        "components": collect_components(description, paths),
    }


def render(subset: dict[str, JSON]) -> str:
    return json.dumps(subset, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def validate_openapi(subset: dict[str, JSON]) -> None:
    # Optional: the validator lives in the test extras, which the script can run without.
    try:
        from openapi_spec_validator import validate
    except ImportError:
        return
    try:
        validate(subset)
    except Exception as exc:  # the validator raises several unrelated exception types
        raise ExtractionError(f"the extracted subset is not a valid OpenAPI document: {exc}") from exc


# --- commands -------------------------------------------------------------------------


def extract(operations_path: Path, output: Path, tarball: Path | None) -> int:
    operations = parse_operations(operations_path.read_text(encoding="utf-8"))
    description = load_description(read_tarball(tarball))
    subset = build_subset(description, operations)
    validate_openapi(subset)
    text = render(subset)
    output.parent.mkdir(parents=True, exist_ok=True)
    previous = output.read_text(encoding="utf-8") if output.exists() else None
    if previous == text:
        print(f"{output}: up to date ({len(operations)} operations)")
    else:
        output.write_text(text, encoding="utf-8")
        print(f"{output}: written ({len(operations)} operations, {len(text.encode())} bytes)")
    return 0


def check(operations_path: Path, output: Path) -> int:
    """Offline: compare the subset's recorded operation list with operations.txt."""
    wanted = sorted_operation_keys(parse_operations(operations_path.read_text(encoding="utf-8")))
    if not output.exists():
        print(f"{output} is missing: run scripts/extract_github_openapi.py", file=sys.stderr)
        return 1
    text = output.read_text(encoding="utf-8")
    subset = json.loads(text)
    info = subset.get("info", {})
    problems = staleness_problems(wanted, info)
    if render(subset) != text:
        problems.append("the file is not in the script's canonical form (edited by hand?)")
    if problems:
        for problem in problems:
            print(f"{output}: {problem}", file=sys.stderr)
        print("re-run: python scripts/extract_github_openapi.py", file=sys.stderr)
        return 1
    print(f"{output}: up to date with {operations_path.name} ({len(wanted)} operations)")
    return 0


def staleness_problems(wanted: list[str], info: dict[str, JSON]) -> list[str]:
    problems: list[str] = []
    recorded = info.get("x-operations", [])
    for key in sorted(set(wanted) - set(recorded)):
        problems.append(f"missing operation {key}")
    for key in sorted(set(recorded) - set(wanted)):
        problems.append(f"operation no longer listed: {key}")
    source = (info.get("x-source-package"), info.get("x-source-version"))
    if source != (PACKAGE, VERSION):
        problems.append(f"extracted from {source[0]}@{source[1]}, but the script pins {PACKAGE}@{VERSION}")
    return problems


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tarball", type=Path, help=f"local copy of {TARBALL_URL} (verified against the pin)")
    parser.add_argument("--operations", type=Path, default=DEFAULT_OPERATIONS)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if the subset is stale with respect to the operations file",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.check:
            return check(args.operations, args.output)
        return extract(args.operations, args.output, args.tarball)
    except ExtractionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
