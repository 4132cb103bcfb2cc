#!/usr/bin/env python3
"""Extract the slice of GitHub's GraphQL schema that the sandbox serves.

GitHub publishes its GraphQL schema; Octokit ships it on npm as `@octokit/graphql-schema`
(`schema.graphql`, ~1.2 MB, ~1,800 types). This script keeps only the fields listed in
`tests/contract/graphql-fields.txt`, with the arguments listed there, plus every type those
fields and arguments need, and writes `reconciler/sandbox/graphql/schema.graphql`. The sandbox
validates every query against it at run time, and the tests hold the sandbox to it.

    python scripts/extract_github_graphql_schema.py                    # download, verify, write
    python scripts/extract_github_graphql_schema.py --tarball X.tgz    # use a local copy instead
    python scripts/extract_github_graphql_schema.py --check            # offline staleness check

The subset is cut out of GitHub's own text (descriptions, defaults and deprecations as GitHub
wrote them), not re-printed, so it does not depend on graphql-core's printer: re-running the
script produces a byte-identical file, and diffs only show real schema changes.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import re
import sys
import tarfile
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from graphql import GraphQLError, build_schema, parse
from graphql.language import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    ListTypeNode,
    Node,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    TypeDefinitionNode,
    TypeNode,
    UnionTypeDefinitionNode,
)

# Pinned so the schema only moves when someone bumps it on purpose.
PACKAGE = "@octokit/graphql-schema"
VERSION = "15.26.1"
TARBALL_URL = f"https://registry.npmjs.org/{PACKAGE}/-/graphql-schema-{VERSION}.tgz"
# npm's `dist.integrity` for that version (Subresource Integrity format).
INTEGRITY = "sha512-RFDC2MpRBd4AxSRvUeBIVeBU7ojN/SxDfALUd7iVYOSeEK3gZaqR2MGOysj4Zh2xj2RY5fQAUT+Oqq7hWTraMA=="
SOURCE_FILE = "package/schema.graphql"

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FIELDS = REPO_ROOT / "tests" / "contract" / "graphql-fields.txt"
DEFAULT_OUTPUT = REPO_ROOT / "reconciler" / "sandbox" / "graphql" / "schema.graphql"

BUILT_IN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})
BUILT_IN_DIRECTIVES = frozenset({"deprecated", "include", "skip", "specifiedBy", "oneOf"})
_FIELD_LINE = re.compile(r"^([A-Za-z_]\w*)\.([A-Za-z_]\w*)(?:\(\s*([\w\s,]*)\))?$")
SERVED_PREFIX = "# served: "
SOURCE_PREFIX = "# source: "

Composite = ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode


class ExtractionError(Exception):
    """A problem the user must fix; reported as one line and exit status 1."""


@dataclass(frozen=True)
class ServedField:
    type_name: str
    field_name: str
    arguments: tuple[str, ...]

    def key(self) -> str:
        args = f"({', '.join(self.arguments)})" if self.arguments else ""
        return f"{self.type_name}.{self.field_name}{args}"


# --- graphql-fields.txt ---------------------------------------------------------------


def parse_fields(text: str) -> list[ServedField]:
    served: list[ServedField] = []
    seen: set[tuple[str, str]] = set()
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _FIELD_LINE.match(line)
        if match is None:
            expected = "'Type.field' or 'Type.field(arg, ...)'"
            raise ExtractionError(f"fields file line {lineno}: expected {expected}, got {raw!r}")
        arguments = tuple(a.strip() for a in (match.group(3) or "").split(",") if a.strip())
        if len(set(arguments)) != len(arguments):
            raise ExtractionError(f"fields file line {lineno}: an argument is listed twice")
        if (match.group(1), match.group(2)) in seen:
            raise ExtractionError(f"fields file line {lineno}: duplicate field {match.group(1)}.{match.group(2)}")
        seen.add((match.group(1), match.group(2)))
        served.append(ServedField(match.group(1), match.group(2), arguments))
    return served


def served_keys(served: Iterable[ServedField]) -> list[str]:
    return sorted(field.key() for field in served)


# --- fetching the schema ---------------------------------------------------------------


def read_tarball(tarball: Path | None) -> bytes:
    if tarball is not None:
        data = tarball.read_bytes()
    else:
        with urllib.request.urlopen(TARBALL_URL, timeout=120) as response:
            data = response.read()
    # A local copy is verified too: it must be the very file the pin names.
    verify_integrity(data, INTEGRITY)
    return bytes(data)


def verify_integrity(data: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode("ascii")
    if actual != expected:
        raise ExtractionError(
            f"{PACKAGE}@{VERSION} tarball does not match the pinned integrity {integrity} (got {algorithm}-{actual})"
        )


def load_sdl(tarball_bytes: bytes) -> str:
    with tarfile.open(fileobj=io.BytesIO(tarball_bytes), mode="r:gz") as archive:
        try:
            member = archive.extractfile(SOURCE_FILE)
        except KeyError:
            member = None
        if member is None:
            raise ExtractionError(f"{SOURCE_FILE} not found in the {PACKAGE}@{VERSION} tarball")
        return member.read().decode("utf-8")


# --- choosing what to keep -------------------------------------------------------------


def named_type(node: TypeNode) -> str:
    while isinstance(node, ListTypeNode | NonNullTypeNode):
        node = node.type
    return node.name.value  # type: ignore[attr-defined, no-any-return]


class Selection:
    """What the subset keeps of GitHub's schema: whole types, and fields of composite types."""

    def __init__(self, document: DocumentNode) -> None:
        self.types: dict[str, TypeDefinitionNode] = {}
        self.directives: dict[str, DirectiveDefinitionNode] = {}
        for definition in document.definitions:
            if isinstance(definition, DirectiveDefinitionNode):
                self.directives[definition.name.value] = definition
            elif isinstance(definition, TypeDefinitionNode):
                # GitHub's schema repeats a few fields of unrelated types; first one wins.
                self.types.setdefault(definition.name.value, definition)
        self.fields: dict[str, dict[str, tuple[str, ...]]] = {}  # composite type -> field -> arguments
        self.whole: set[str] = set()  # enums, input objects, scalars

    def composite(self, name: str, needed_by: str) -> Composite:
        node = self.types.get(name)
        if node is None:
            raise ExtractionError(f"{needed_by}: no type {name} in {PACKAGE}@{VERSION}")
        if not isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            raise ExtractionError(f"{needed_by}: {name} is not an object or interface type")
        return node

    def add_field(self, served: ServedField) -> None:
        owner = self.composite(served.type_name, served.key())
        field = next((f for f in owner.fields or () if f.name.value == served.field_name), None)
        if field is None:
            raise ExtractionError(f"{served.key()}: {served.type_name} has no field {served.field_name}")
        known = {arg.name.value: arg for arg in field.arguments or ()}
        for name in served.arguments:
            if name not in known:
                raise ExtractionError(f"{served.key()}: {served.field_name} takes no argument {name}")
        self.fields.setdefault(served.type_name, {})[served.field_name] = served.arguments
        for name in served.arguments:
            self.add_input_type(named_type(known[name].type), served.key())

    def add_input_type(self, name: str, needed_by: str) -> None:
        if name in BUILT_IN_SCALARS or name in self.whole:
            return
        node = self.types.get(name)
        if not isinstance(node, EnumTypeDefinitionNode | InputObjectTypeDefinitionNode | ScalarTypeDefinitionNode):
            raise ExtractionError(f"{needed_by}: {name} is not an enum, input object or scalar in {PACKAGE}@{VERSION}")
        self.whole.add(name)
        if isinstance(node, InputObjectTypeDefinitionNode):
            for value in node.fields or ():
                self.add_input_type(named_type(value.type), f"{needed_by} via {name}")

    def close_over_output_types(self) -> None:
        """Every type a kept field returns must be in the subset too."""
        for type_name, fields in sorted(self.fields.items()):
            owner = self.composite(type_name, type_name)
            for field in owner.fields or ():
                if field.name.value not in fields:
                    continue
                returned = named_type(field.type)
                where = f"{type_name}.{field.name.value} returns {returned}"
                node = self.types.get(returned)
                if returned in BUILT_IN_SCALARS:
                    continue
                if isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
                    if returned not in self.fields:
                        raise ExtractionError(f"{where}: list at least one field of {returned}")
                elif isinstance(node, UnionTypeDefinitionNode):
                    raise ExtractionError(f"{where}: unions are not supported by this script yet")
                else:
                    self.add_input_type(returned, where)

    def kept_names(self) -> list[str]:
        return sorted(set(self.fields) | self.whole)


# --- rendering: GitHub's own text, cut down --------------------------------------------


class Renderer:
    """Cuts kept definitions out of the source text. Where fields or arguments are dropped the
    definition is put back together the way graphql-js's printer (which wrote GitHub's file)
    lays it out, so an untouched definition and a rebuilt one look alike."""

    def __init__(self, source: str, selection: Selection) -> None:
        self.source = source
        self.selection = selection
        self.used_directives: set[str] = set()

    def text(self, node: Node) -> str:
        assert node.loc is not None
        self.note_directives(node)
        return self.source[node.loc.start : node.loc.end]

    def note_directives(self, node: Node) -> None:
        if isinstance(node, DirectiveNode):
            self.used_directives.add(node.name.value)
            return
        for key in node.keys:
            value = getattr(node, key, None)
            children = value if isinstance(value, tuple | list) else (value,)
            for child in children:
                if isinstance(child, Node):
                    self.note_directives(child)

    def definition(self, name: str) -> str:
        node = self.selection.types[name]
        if isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            return self.composite(node)
        return self.text(node)

    def composite(self, node: Composite) -> str:
        kept_fields = self.selection.fields[node.name.value]
        keyword = "type" if isinstance(node, ObjectTypeDefinitionNode) else "interface"
        head = f"{keyword} {node.name.value}"
        interfaces = [i.name.value for i in node.interfaces or () if i.name.value in self.selection.fields]
        if interfaces:
            head += " implements " + " & ".join(interfaces)
        for directive in node.directives or ():
            head += " " + self.text(directive)
        lines: list[str] = []
        if node.description is not None:
            lines.append(self.text(node.description))
        lines.append(head + " {")
        first = True
        for field in node.fields or ():
            if field.name.value not in kept_fields:
                continue
            if field.description is not None and not first:
                lines.append("")
            lines.append("  " + self.field(field, kept_fields[field.name.value]))
            first = False
        lines.append("}")
        return "\n".join(lines)

    def field(self, field: FieldDefinitionNode, arguments: tuple[str, ...]) -> str:
        all_args = list(field.arguments or ())
        kept = [arg for arg in all_args if arg.name.value in arguments]
        if len(kept) == len(all_args):
            return self.text(field)
        parts: list[str] = []
        if field.description is not None:
            parts.append(self.text(field.description) + "\n  ")
        parts.append(field.name.value + self.arguments(kept) + ": " + self.text(field.type))
        for directive in field.directives or ():
            parts.append(" " + self.text(directive))
        return "".join(parts)

    def arguments(self, kept: Sequence[InputValueDefinitionNode]) -> str:
        if not kept:
            return ""
        if all(arg.description is None for arg in kept):
            return "(" + ", ".join(self.text(arg) for arg in kept) + ")"
        lines = ["("]
        for index, arg in enumerate(kept):
            if index and arg.description is not None:
                lines.append("")
            lines.append("    " + self.text(arg))
        lines.append("  )")
        return "\n".join(lines)


def build_subset(sdl: str, served: Sequence[ServedField]) -> str:
    document = parse(sdl)
    selection = Selection(document)
    for field in served:
        selection.add_field(field)
    selection.close_over_output_types()
    renderer = Renderer(sdl, selection)
    bodies = [renderer.definition(name) for name in selection.kept_names()]
    directives = [
        renderer.text(selection.directives[name])
        for name in sorted(renderer.used_directives - BUILT_IN_DIRECTIVES)
        if name in selection.directives
    ]
    header = [
        "# GitHub's GraphQL schema: the subset the sandbox serves.",
        f"# Generated by scripts/extract_github_graphql_schema.py from {PACKAGE}@{VERSION} ({SOURCE_FILE});",
        "# do not edit by hand. Edit tests/contract/graphql-fields.txt and re-run the script.",
        f"{SOURCE_PREFIX}{PACKAGE}@{VERSION} {INTEGRITY}",
        *(f"{SERVED_PREFIX}{key}" for key in served_keys(served)),
    ]
    return "\n".join(header) + "\n\n" + "\n\n".join([*directives, *bodies]) + "\n"


def validate_subset(text: str) -> None:
    try:
        build_schema(text)
    except (GraphQLError, TypeError) as exc:
        # graphql-core reports an invalid SDL as a TypeError carrying every problem found.
        raise ExtractionError(f"the extracted subset is not a valid schema: {exc}") from exc


# --- commands ---------------------------------------------------------------------------


def extract(fields_path: Path, output: Path, tarball: Path | None) -> int:
    served = parse_fields(fields_path.read_text(encoding="utf-8"))
    text = build_subset(load_sdl(read_tarball(tarball)), served)
    validate_subset(text)
    output.parent.mkdir(parents=True, exist_ok=True)
    previous = output.read_text(encoding="utf-8") if output.exists() else None
    if previous == text:
        print(f"{output}: up to date ({len(served)} fields)")
    else:
        output.write_text(text, encoding="utf-8")
        print(f"{output}: written ({len(served)} fields, {len(text.encode())} bytes)")
    return 0


def recorded(text: str, prefix: str) -> list[str]:
    return [line.removeprefix(prefix) for line in text.splitlines() if line.startswith(prefix)]


def staleness_problems(wanted: list[str], text: str) -> list[str]:
    problems: list[str] = []
    served = recorded(text, SERVED_PREFIX)
    problems += [f"missing field {key}" for key in sorted(set(wanted) - set(served))]
    problems += [f"field no longer listed: {key}" for key in sorted(set(served) - set(wanted))]
    source = recorded(text, SOURCE_PREFIX)
    if source != [f"{PACKAGE}@{VERSION} {INTEGRITY}"]:
        problems.append(f"extracted from {source}, but the script pins {PACKAGE}@{VERSION}")
    try:
        validate_subset(text)
    except ExtractionError as exc:
        problems.append(str(exc))
    return problems


def check(fields_path: Path, output: Path) -> int:
    """Offline: compare the subset's recorded field list with graphql-fields.txt."""
    wanted = served_keys(parse_fields(fields_path.read_text(encoding="utf-8")))
    if not output.exists():
        print(f"{output} is missing: run scripts/extract_github_graphql_schema.py", file=sys.stderr)
        return 1
    problems = staleness_problems(wanted, output.read_text(encoding="utf-8"))
    if problems:
        for problem in problems:
            print(f"{output}: {problem}", file=sys.stderr)
        print("re-run: python scripts/extract_github_graphql_schema.py", file=sys.stderr)
        return 1
    print(f"{output}: up to date with {fields_path.name} ({len(wanted)} fields)")
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tarball", type=Path, help=f"local copy of {TARBALL_URL} (verified against the pin)")
    parser.add_argument("--fields", type=Path, default=DEFAULT_FIELDS)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if the subset is stale with respect to the fields file",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.check:
            return check(args.fields, args.output)
        return extract(args.fields, args.output, args.tarball)
    except ExtractionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
