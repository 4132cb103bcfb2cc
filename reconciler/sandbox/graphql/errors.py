"""GitHub's GraphQL error objects, for errors that arise before or while a query runs.

GitHub runs graphql-ruby, so its messages are graphql-ruby's, not graphql-core's, and an error
raised while resolving carries a top-level ``type`` (``NOT_FOUND``, ``EXCESSIVE_PAGINATION``...)
next to ``path``, ``locations`` and ``message``. All of them answer HTTP 200 with an ``errors``
list; ``data`` is there only once execution started. Static validation errors are translated
in ``validation``.
"""

from __future__ import annotations

import secrets
import sys
import traceback
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError, Source, SourceLocation, TokenKind, print_ast
from graphql.language import Lexer, VariableDefinitionNode

ErrorObject = dict[str, Any]

# graphql-ruby's token names, which GitHub's parse errors use.
_TOKEN_NAMES = {
    TokenKind.BRACE_L: "LCURLY",
    TokenKind.BRACE_R: "RCURLY",
    TokenKind.PAREN_L: "LPAREN",
    TokenKind.PAREN_R: "RPAREN",
    TokenKind.BRACKET_L: "LBRACKET",
    TokenKind.BRACKET_R: "RBRACKET",
    TokenKind.COLON: "COLON",
    TokenKind.EQUALS: "EQUALS",
    TokenKind.BANG: "BANG",
    TokenKind.DOLLAR: "VAR_SIGN",
    TokenKind.SPREAD: "ELLIPSIS",
    TokenKind.AT: "DIR_SIGN",
    TokenKind.PIPE: "PIPE",
    TokenKind.AMP: "AMP",
    TokenKind.INT: "INT",
    TokenKind.FLOAT: "FLOAT",
    TokenKind.STRING: "STRING",
    TokenKind.BLOCK_STRING: "STRING",
}
_KEYWORDS = frozenset(
    {
        *("on", "fragment", "true", "false", "null", "query", "mutation", "subscription", "schema"),
        *("scalar", "type", "extend", "implements", "interface", "union", "enum", "input", "directive"),
        "repeatable",
    }
)


class GitHubError(GraphQLError):
    """An error a resolver raises on purpose, with GitHub's ``type``; the executor adds the
    path and locations of the field that raised it."""

    def __init__(self, github_type: str, message: str) -> None:
        super().__init__(message)
        self.github_type = github_type


def locations(found: list[SourceLocation] | None) -> list[dict[str, int]]:
    return [{"line": loc.line, "column": loc.column} for loc in found or []]


def execution_error(error: GraphQLError) -> ErrorObject:
    """An error the executor collected, as GitHub reports it (``type`` first, as GitHub does)."""
    original = error if isinstance(error, GitHubError) else error.original_error
    body: ErrorObject = {}
    if isinstance(original, GitHubError):
        body["type"] = original.github_type
        message = original.message
    elif original is not None and not isinstance(original, GraphQLError):
        # A bug in the sandbox: say what GitHub says for its own failures, log the rest.
        traceback.print_exception(original, file=sys.stderr)
        message = (
            "Something went wrong while executing your query. Please include "
            f"`{secrets.token_hex(4).upper()}:{secrets.token_hex(4).upper()}` when reporting this issue."
        )
    else:
        message = error.message
    if error.path is not None:
        body["path"] = list(error.path)
    if error.locations:
        body["locations"] = locations(error.locations)
    body["message"] = message
    return body


def parse_error(error: GraphQLSyntaxError, query: str) -> ErrorObject:
    """``Parse error on "}" (RCURLY) at [1, 24]``, graphql-ruby's wording, at the token that
    stopped the parser."""
    location = (error.locations or [SourceLocation(1, 1)])[0]
    position = next(iter(error.positions or [0]))
    found = _token_at(query, position)
    if found is None:
        message = "Unexpected end of document"
    else:
        value, kind = found
        message = f'Parse error on "{value}" ({kind}) at [{location.line}, {location.column}]'
    return {"message": message, "locations": locations([location])}


def _token_at(query: str, position: int) -> tuple[str, str] | None:
    """The token at ``position`` as (text, graphql-ruby kind); None at the end of the document."""
    lexer = Lexer(Source(query))
    try:
        token = lexer.advance()
        while token.kind != TokenKind.EOF and token.end <= position:
            token = lexer.advance()
    except GraphQLSyntaxError:
        # The lexer itself choked (an unterminated string, a stray character): name the text.
        return query[position : position + 1] or query[-1:], "UNKNOWN_CHAR"
    if token.kind == TokenKind.EOF:
        return None
    if token.kind == TokenKind.NAME:
        name = token.value or ""
        return name, name.upper() if name in _KEYWORDS else "IDENTIFIER"
    text = token.value if token.value is not None else query[token.start : token.end]
    return text, _TOKEN_NAMES.get(token.kind, token.kind.name)


def request_error(message: str) -> ErrorObject:
    """An error about the request as a whole (no query, bad variables): a message alone."""
    return {"message": message}


def variable_error(error: GraphQLError, inputs: dict[str, Any]) -> ErrorObject:
    """A variable value that does not fit its declared type, as graphql-ruby words it."""
    node = error.nodes[0] if error.nodes else None
    if not isinstance(node, VariableDefinitionNode):
        return {"locations": locations(error.locations), "message": error.message}
    name = node.variable.name.value
    explanation = error.message.split("; ", 1)[-1]
    return {
        "extensions": {
            "value": inputs.get(name),
            "problems": [{"path": [], "explanation": explanation}],
        },
        "locations": locations(error.locations),
        "message": f"Variable ${name} of type {print_ast(node.type)} was provided invalid value",
    }
