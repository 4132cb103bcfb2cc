"""Hold GraphQL exchanges to GitHub's schema, as `checker.py` holds REST exchanges to OpenAPI.

The contract is the pinned schema subset the sandbox ships
(`reconciler/sandbox/graphql/schema.graphql`, cut out of `@octokit/graphql-schema` by
`scripts/extract_github_graphql_schema.py`). For every `POST /graphql` (or `/api/graphql`):

* the request is parsed and validated against the subset (variables too): a valid query must
  not be refused as invalid, and an invalid one must get errors and no `data`;
* the answer is HTTP 200 with `x-ratelimit-resource: graphql` and consistent `x-ratelimit-*`
  numbers, or a GitHub error body (`message`) for a refused request (401, 400);
* the body holds `data` and/or `errors` only; each error has GitHub's fields and types;
* `data` has exactly the fields the query selects, with the schema's types, enum values and
  nullability; a null in a non-null place is allowed only where an error's path explains it.
  A dry run (`rateLimit(dryRun: true)`) answers `rateLimit` alone, as GitHub does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    build_schema,
    parse,
    validate,
)
from graphql.execution.values import get_argument_values, get_variable_values

from .checker import Exchange

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SCHEMA = REPO_ROOT / "reconciler" / "sandbox" / "graphql" / "schema.graphql"
ERROR_KEYS = frozenset({"message", "locations", "path", "type", "extensions", "code"})
RATE_LIMIT_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-used", "x-ratelimit-reset")
Selections = list[SelectionSetNode]


class GraphQLContractChecker:
    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema

    @classmethod
    def from_file(cls, path: str | Path = DEFAULT_SCHEMA) -> GraphQLContractChecker:
        return cls(build_schema(Path(path).read_text(encoding="utf-8")))

    def check(self, exchange: Exchange) -> list[str]:
        prefix = f"POST {exchange.path} -> {exchange.status}: "
        return [prefix + problem for problem in self._problems(exchange)]

    def _problems(self, exchange: Exchange) -> Iterator[str]:
        try:
            body = json.loads(exchange.response_body)
        except ValueError:
            yield "the response body is not JSON"
            return
        if exchange.status != 200:
            if not (isinstance(body, dict) and isinstance(body.get("message"), str)):
                yield "an error response without GitHub's `message`"
            return
        yield from self._header_problems(exchange.response_headers)
        if not isinstance(body, dict) or not body or set(body) - {"data", "errors"}:
            yield f"the body must hold `data` and/or `errors` only, got {_brief(body)}"
            return
        errors = body.get("errors", [])
        yield from self._error_problems(errors)
        request = self._request(exchange.request_body)
        if isinstance(request, str):
            if "data" in body:
                yield f"answered data to a request GitHub refuses ({request})"
            if not errors:
                yield f"no error for a request GitHub refuses ({request})"
            return
        operation, fragments, variables = request
        if "data" not in body:
            if any(_is_static_error(e) for e in errors if isinstance(e, dict)):
                yield "a valid query was refused as invalid"
            return
        error_paths = [e["path"] for e in errors if isinstance(e, dict) and isinstance(e.get("path"), list)]
        shape = _Shape(self.schema, fragments, variables, error_paths)
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            yield "no root type for the operation"
            return
        only = {"rateLimit"} if _dry_run(self.schema, operation, variables) else None
        yield from shape.object(body["data"], root, [operation.selection_set], [], only=only)

    # request ----------------------------------------------------------------------------

    def _request(
        self, raw: bytes
    ) -> str | tuple[OperationDefinitionNode, dict[str, FragmentDefinitionNode], dict[str, Any]]:
        """The operation to run, or why GitHub refuses the request."""
        try:
            request = json.loads(raw)
            query = request["query"]
            document = parse(query)
        except (ValueError, KeyError, TypeError, GraphQLError) as exc:
            return f"not a parsable GraphQL request: {exc}"
        problems = validate(self.schema, document)
        if problems:
            return problems[0].message
        name = request.get("operationName")
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        chosen = [op for op in operations if not name or (op.name is not None and op.name.value == name)]
        if len(chosen) != 1:
            return "no single operation to run"
        inputs = request.get("variables") or {}
        if isinstance(inputs, str):
            inputs = json.loads(inputs or "{}")
        coerced = get_variable_values(self.schema, chosen[0].variable_definitions or (), inputs)
        if isinstance(coerced, list):
            return coerced[0].message
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        return chosen[0], fragments, coerced

    # response ---------------------------------------------------------------------------

    def _header_problems(self, headers: Mapping[str, str]) -> Iterator[str]:
        lowered = {k.lower(): v for k, v in headers.items()}
        if lowered.get("x-ratelimit-resource") != "graphql":
            yield f"x-ratelimit-resource is {lowered.get('x-ratelimit-resource')!r}, not 'graphql'"
        numbers: dict[str, int] = {}
        for name in RATE_LIMIT_HEADERS:
            value = lowered.get(name, "")
            if not value.isdigit():
                yield f"{name} is {value!r}, not a number"
            else:
                numbers[name] = int(value)
        if len(numbers) == len(RATE_LIMIT_HEADERS):
            limit, remaining, used = (numbers[f"x-ratelimit-{n}"] for n in ("limit", "remaining", "used"))
            if remaining != max(0, limit - used):
                yield f"x-ratelimit-remaining {remaining} is not limit {limit} minus used {used}"

    def _error_problems(self, errors: Any) -> Iterator[str]:
        if not isinstance(errors, list):
            yield f"`errors` is not a list: {_brief(errors)}"
            return
        for error in errors:
            if not isinstance(error, dict) or not isinstance(error.get("message"), str):
                yield f"an error without a string `message`: {_brief(error)}"
                continue
            if set(error) - ERROR_KEYS:
                yield f"an error with fields GitHub does not send: {sorted(set(error) - ERROR_KEYS)}"
            for location in error.get("locations", []):
                if not (isinstance(location, dict) and set(location) == {"line", "column"}):
                    yield f"a location that is not {{line, column}}: {_brief(location)}"
            path = error.get("path", [])
            if not (isinstance(path, list) and all(isinstance(p, str | int) for p in path)):
                yield f"an error path that is not a list of names and indexes: {_brief(path)}"
            if "type" in error and not isinstance(error["type"], str):
                yield f"an error type that is not a string: {_brief(error['type'])}"


def _is_static_error(error: dict[str, Any]) -> bool:
    extensions = error.get("extensions")
    return "type" not in error and isinstance(extensions, dict) and "code" in extensions and "path" in error


def _dry_run(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: dict[str, Any]) -> bool:
    definition = schema.query_type.fields.get("rateLimit") if schema.query_type else None
    return definition is not None and any(
        isinstance(s, FieldNode)
        and s.name.value == "rateLimit"
        and get_argument_values(definition, s, variables).get("dryRun")
        for s in operation.selection_set.selections
    )


class _Shape:
    """Walks `data` alongside the query's selections and the schema's types."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        error_paths: list[list[Any]],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.error_paths = error_paths

    def explained(self, path: list[Any]) -> bool:
        return any(p[: len(path)] == path for p in self.error_paths)

    def object(
        self,
        value: Any,
        parent: GraphQLNamedType,
        selections: Selections,
        path: list[Any],
        only: set[str] | None = None,
    ) -> Iterator[str]:
        where = "/".join(str(p) for p in path) or "data"
        if not isinstance(value, dict):
            yield f"{where}: expected an object of {parent.name}, got {_brief(value)}"
            return
        concrete = self.schema.get_type(value["__typename"]) if isinstance(value.get("__typename"), str) else None
        if concrete is None and isinstance(parent, GraphQLObjectType):
            concrete = parent
        expected: dict[str, tuple[GraphQLField | None, Selections, bool]] = {}
        for selection_set in selections:
            self._collect(selection_set, parent, concrete, expected, True, set())
        for key, (definition, below, certain) in expected.items():
            if only is not None and key not in only:
                if key in value:
                    yield f"{where}: a dry run answers rateLimit alone, not {key!r}"
                continue
            if key not in value:
                if certain:
                    yield f"{where}: {key!r} is missing"
                continue
            if definition is not None:  # __typename and introspection are graphql-core's own
                yield from self.value(value[key], definition.type, below, [*path, key])
        for key in sorted(set(value) - set(expected)):
            yield f"{where}: {key!r} was not asked for"

    def value(self, value: Any, type_: GraphQLOutputType, selections: Selections, path: list[Any]) -> Iterator[str]:
        where = "/".join(str(p) for p in path)
        if value is None:
            if isinstance(type_, GraphQLNonNull) and not self.explained(path):
                yield f"{where}: null for {type_} with no error to explain it"
            return
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(inner, GraphQLList):
            if not isinstance(value, list):
                yield f"{where}: expected a list, got {_brief(value)}"
                return
            for index, item in enumerate(value):
                yield from self.value(item, inner.of_type, selections, [*path, index])
        elif isinstance(inner, GraphQLEnumType):
            if value not in inner.values:
                yield f"{where}: {value!r} is not a value of {inner.name}"
        elif isinstance(inner, GraphQLScalarType):
            if not _scalar_fits(inner.name, value):
                yield f"{where}: {_brief(value)} is not a {inner.name}"
        elif isinstance(inner, GraphQLNamedType):
            yield from self.object(value, inner, selections, path)

    def _collect(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        concrete: GraphQLNamedType | None,
        expected: dict[str, tuple[GraphQLField | None, Selections, bool]],
        certain: bool,
        spread: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
                fields = parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
                definition = fields.get(selection.name.value)
                earlier = expected.get(key, (definition, [], False))
                below = earlier[1] + ([selection.selection_set] if selection.selection_set else [])
                expected[key] = (earlier[0] or definition, below, earlier[2] or certain)
                continue
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition.name.value if selection.type_condition else None
                inner = selection.selection_set
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in spread:
                spread = spread | {selection.name.value}
                fragment = self.fragments[selection.name.value]
                condition, inner = fragment.type_condition.name.value, fragment.selection_set
            else:
                continue
            target = self.schema.get_type(condition) if condition else parent
            applies = self._applies(target, parent, concrete)
            if applies is not False and target is not None:
                self._collect(inner, target, concrete, expected, certain and applies is True, spread)

    def _applies(
        self, target: GraphQLNamedType | None, parent: GraphQLNamedType, concrete: GraphQLNamedType | None
    ) -> bool | None:
        """Whether a fragment on ``target`` applies: True, False, or None when the concrete
        type is unknown (an interface without `__typename`)."""
        if target is None or target is parent:
            return True
        if concrete is None:
            return None
        if target is concrete:
            return True
        return isinstance(concrete, GraphQLObjectType) and target in concrete.interfaces


def _scalar_fits(name: str, value: Any) -> bool:
    if name == "Int":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if name == "Boolean":
        return isinstance(value, bool)
    if name == "GitObjectID":
        return isinstance(value, str) and len(value) == 40 and all(c in "0123456789abcdef" for c in value)
    if name == "DateTime":
        return isinstance(value, str) and len(value) == 20 and value.endswith("Z") and value[10] == "T"
    # String, ID and GitHub's other string-shaped scalars (URI, HTML, ...).
    return isinstance(value, str)


def _brief(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 80 else text[:77] + "..."
