"""``POST /graphql``: one GraphQL request, from its JSON body to GitHub's answer.

In GitHub's order: the body, parsing, static validation, the operation and its variables,
the node limit, the hourly budget, then execution. Everything after the body answers HTTP 200
with GitHub's ``{"data", "errors"}`` shapes and the ``graphql`` rate-limit headers.
``rateLimit(dryRun: true)`` prices a query without running or charging it: the answer holds
``rateLimit`` alone.
"""

from __future__ import annotations

import json
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    SelectionSetNode,
    execute,
)
from graphql.execution.values import get_argument_values, get_variable_values

from .. import clock
from ..protocol import ApiError, RequestContext, Response
from . import budget
from .cost import checked, query_cost
from .errors import ErrorObject, execution_error, parse_error, request_error, variable_error
from .resolvers import QueryContext, resolve_field, resolve_type
from .schema import served_schema
from .validation import missing_root, validation_errors
from .view import StateView

DOCS = "https://docs.github.com/graphql"
MEDIA_TYPE = "github.v4; format=json"


class Refusal(Exception):
    """The request ends here with these GraphQL errors (HTTP 200, nothing charged)."""

    def __init__(self, errors: list[ErrorObject]) -> None:
        super().__init__(errors)
        self.errors = errors


def answer(ctx: RequestContext) -> Response:
    now = clock.epoch()
    current = budget.standing(ctx.state, ctx.token, now)
    try:
        return _run(ctx, now)
    except Refusal as refusal:
        return _response({"errors": refusal.errors}, current, points=0)
    except ApiError as error:
        # A body that is not JSON is refused REST-style (400), still under GraphQL's budget.
        error.headers.update(_headers(current))
        raise


def _run(ctx: RequestContext, now: int) -> Response:
    query, inputs, operation_name = _read_body(ctx.body)
    schema = served_schema()
    document = _checked(query)
    operation = _operation(document, operation_name)
    if schema.get_root_type(operation.operation) is None:
        raise Refusal([missing_root(operation)])
    coerced = get_variable_values(schema, operation.variable_definitions or (), inputs)
    if isinstance(coerced, list):
        raise Refusal([variable_error(error, inputs) for error in coerced])
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    cost = query_cost(schema, operation, fragments, coerced)
    if (message := cost.node_limit_message()) is not None:
        raise Refusal([{"type": "MAX_NODE_LIMIT_EXCEEDED", "message": message}])

    view = StateView(ctx.state, login=ctx.login, access=ctx.viewer)
    dry_run = _dry_run(schema, operation, coerced)
    points = 0 if dry_run else cost.points
    spent = budget.spend(ctx.state, ctx.token, points, now)
    if spent is None:
        refused = budget.standing(ctx.state, ctx.token, now)
        return _response(budget.exhausted(ctx.state, ctx.login, refused), refused, points=0)
    if dry_run:
        document = _only_rate_limit(document, operation)
    result = execute(
        schema,
        document,
        context_value=QueryContext(view, spent.report(cost=cost.points, nodes=cost.nodes)),
        variable_values=inputs,
        operation_name=operation_name,
        field_resolver=resolve_field,
        type_resolver=resolve_type,
    )
    assert isinstance(result, ExecutionResult)  # every resolver is synchronous
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [execution_error(error) for error in result.errors]
    return _response(body, spent, points=points)


def _checked(query: str) -> DocumentNode:
    """The query parsed and validated (remembered by ``checked``), or its `Refusal`."""
    try:
        found = checked(query)
    except GraphQLSyntaxError as error:
        raise Refusal([parse_error(error, query)]) from None
    if found.problems:
        raise Refusal(validation_errors(served_schema(), found.document, list(found.problems)))
    return found.document


def _headers(standing: budget.Standing) -> dict[str, str]:
    return {**standing.headers(), "X-GitHub-Media-Type": MEDIA_TYPE}


def _response(body: dict[str, Any], standing: budget.Standing, *, points: int) -> Response:
    return Response(200, body, _headers(standing), graphql_points=points)


def _read_body(raw: bytes) -> tuple[str, dict[str, Any], str | None]:
    try:
        request = json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "Problems parsing JSON", documentation_url=DOCS) from None
    query = request.get("query") if isinstance(request, dict) else None
    if not isinstance(query, str):
        raise Refusal([request_error("A query attribute must be specified and must be a string.")])
    variables = request.get("variables")
    if isinstance(variables, str):
        # Some clients send the variables as a JSON string; GitHub reads those too.
        try:
            variables = json.loads(variables) if variables.strip() else None
        except ValueError:
            raise Refusal([request_error("Variables are invalid JSON.")]) from None
    if variables is not None and not isinstance(variables, dict):
        raise Refusal([request_error("Variables are invalid JSON.")])
    name = request.get("operationName")
    return query, variables or {}, name if isinstance(name, str) and name else None


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is not None:
        found = next((op for op in operations if op.name is not None and op.name.value == name), None)
        if found is None:
            raise Refusal([request_error(f'No operation named "{name}"')])
        return found
    if len(operations) > 1:
        raise Refusal([request_error("An operation name is required")])
    return operations[0]


def _rate_limit_fields(operation: OperationDefinitionNode) -> list[FieldNode]:
    return [s for s in operation.selection_set.selections if isinstance(s, FieldNode) and s.name.value == "rateLimit"]


def _dry_run(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: dict[str, Any]) -> bool:
    definition = schema.query_type.fields["rateLimit"] if schema.query_type is not None else None
    if definition is None:
        return False
    return any(get_argument_values(definition, node, variables).get("dryRun") for node in _rate_limit_fields(operation))


def _only_rate_limit(document: DocumentNode, operation: OperationDefinitionNode) -> DocumentNode:
    """The document with this operation cut down to its ``rateLimit`` fields (a dry run)."""
    trimmed = OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=operation.variable_definitions,
        directives=operation.directives,
        selection_set=SelectionSetNode(selections=tuple(_rate_limit_fields(operation))),
    )
    return DocumentNode(definitions=tuple(trimmed if d is operation else d for d in document.definitions))
