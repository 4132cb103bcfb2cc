"""Static validation errors in GitHub's words: graphql-core finds them, graphql-ruby names them.

GitHub answers an invalid query with HTTP 200 and no ``data``; each error has graphql-ruby's
message, a ``path`` into the document (``["query", "repository", "foo"]``, the operation then
field aliases or names), the ``locations`` and ``extensions.code``. The rules clients hit most
(unknown fields and arguments, missing arguments, selections, literals, variables, fragments)
are translated here; any other rule keeps graphql-core's message in the same shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    Node,
    ObjectFieldNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    is_enum_type,
    print_ast,
    visit,
)
from graphql.language.location import get_location

from .errors import ErrorObject, locations

_Q = "['\"]"  # graphql-core 3.2 quotes names with ", 3.3 with '


@dataclass(frozen=True)
class ArgumentContext:
    """The field (or directive) argument a literal belongs to: graphql-ruby reports a bad
    literal on the top-level argument, with its declared type."""

    name: str
    owner: str  # the field's (or directive's) name
    owner_kind: str  # Field or Directive
    type: str  # the argument's declared type, e.g. Int or LabelOrder
    value: str  # the whole argument value as written
    path: list[str]
    location: list[dict[str, int]]


class DocumentMap(Visitor):
    """Where every node of a document sits, as graphql-ruby describes it."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.paths: dict[int, list[str]] = {}
        self.arguments: dict[int, ArgumentContext] = {}  # nodes inside an argument -> the argument
        self.variable_types: dict[int, str] = {}  # NamedTypeNode inside a variable definition -> $name
        self.operations: dict[int, str] = {}  # any node -> graphql-ruby's name for its operation
        self._path: list[list[str]] = [[]]
        self._argument: tuple[ArgumentNode, ArgumentContext] | None = None
        self._variable: str | None = None
        self._operation = "anonymous query"

    def enter(self, node: Node, key: Any, parent: Any, path: Any, ancestors: list[Any]) -> None:
        here = self._path[-1]
        if isinstance(node, OperationDefinitionNode):
            name = node.name.value if node.name else None
            here = [node.operation.value + (f" {name}" if name else "")]
            self._operation = name or f"anonymous {node.operation.value}"
        elif isinstance(node, FragmentDefinitionNode):
            here = [f"fragment {node.name.value}"]
        elif isinstance(node, FieldNode):
            here = [*here, (node.alias or node.name).value]
        elif isinstance(node, ArgumentNode | ObjectFieldNode):
            here = [*here, node.name.value]
        elif isinstance(node, InlineFragmentNode):
            here = [*here, f"... on {node.type_condition.name.value}" if node.type_condition else "..."]
        elif isinstance(node, FragmentSpreadNode):
            here = [*here, f"... {node.name.value}"]
        self._path.append(here)
        self.paths[id(node)] = here
        self.operations[id(node)] = self._operation
        if isinstance(node, ArgumentNode) and self._argument is None:
            self._argument = (node, self._argument_context(node, here, ancestors))
        if self._argument is not None:
            self.arguments[id(node)] = self._argument[1]
        if isinstance(node, VariableDefinitionNode):
            self._variable = node.variable.name.value
        elif isinstance(node, NamedTypeNode) and self._variable is not None:
            self.variable_types[id(node)] = self._variable

    def leave(self, node: Node, *_: Any) -> None:
        self._path.pop()
        if self._argument is not None and node is self._argument[0]:
            self._argument = None
        if isinstance(node, VariableDefinitionNode):
            self._variable = None

    def _argument_context(self, node: ArgumentNode, path: list[str], ancestors: list[Any]) -> ArgumentContext:
        owner = next((a for a in reversed(ancestors) if isinstance(a, FieldNode | DirectiveNode)), None)
        argument = self.type_info.get_argument()
        where = [get_location(node.loc.source, node.loc.start)] if node.loc is not None else []
        return ArgumentContext(
            name=node.name.value,
            owner=owner.name.value if owner is not None else "?",
            owner_kind="Directive" if isinstance(owner, DirectiveNode) else "Field",
            type=str(argument.type) if argument is not None else "?",
            value=print_ast(node.value),
            path=path,
            location=locations(where),
        )


def map_document(schema: GraphQLSchema, document: DocumentNode) -> DocumentMap:
    type_info = TypeInfo(schema)
    found = DocumentMap(type_info)
    visit(document, TypeInfoVisitor(type_info, found))
    return found


Translator = Callable[[re.Match[str], GraphQLError, DocumentMap, GraphQLSchema], tuple[str, dict[str, Any]] | None]
_RULES: list[tuple[re.Pattern[str], Translator]] = []


def _rule(pattern: str) -> Callable[[Translator], Translator]:
    def register(translate: Translator) -> Translator:
        _RULES.append((re.compile(pattern.replace("'", _Q)), translate))
        return translate

    return register


def _first(error: GraphQLError) -> Node | None:
    return error.nodes[0] if error.nodes else None


@_rule(r"^Cannot query field '(\w+)' on type '(\w+)'")
def _undefined_field(m: re.Match[str], *_: Any) -> tuple[str, dict[str, Any]]:
    field, type_name = m.groups()
    return f"Field '{field}' doesn't exist on type '{type_name}'", {
        "code": "undefinedField",
        "typeName": type_name,
        "fieldName": field,
    }


@_rule(r"^Unknown argument '(\w+)' on (field|directive) '@?(?:\w+\.)?(\w+)'")
def _unknown_argument(m: re.Match[str], *_: Any) -> tuple[str, dict[str, Any]]:
    argument, kind, owner = m.groups()
    kind = kind.capitalize()
    return f"{kind} '{owner}' doesn't accept argument '{argument}'", {
        "code": "argumentNotAccepted",
        "name": owner,
        "typeName": kind,
        "argumentName": argument,
    }


@_rule(r"^Field '(\w+)' of type '([\w!\[\]]+)' must have a selection of subfields")
def _needs_selections(m: re.Match[str], *_: Any) -> tuple[str, dict[str, Any]]:
    field, type_text = m.group(1), _unwrap(m.group(2))
    return (
        f"Field must have selections (field '{field}' returns {type_text} but has no selections. "
        f"Did you mean '{field} {{ ... }}'?)",
        {"code": "selectionMismatch", "nodeName": f"field '{field}'", "typeName": type_text},
    )


@_rule(r"^Field '(\w+)' must not have a selection since type '([\w!\[\]]+)' has no subfields")
def _leaf_with_selections(
    m: re.Match[str], error: GraphQLError, _: DocumentMap, schema: GraphQLSchema
) -> tuple[str, dict[str, Any]]:
    field, type_text = m.group(1), _unwrap(m.group(2))
    node = _first(error)
    selected = (
        [s.name.value for s in node.selections if isinstance(s, FieldNode)]
        if isinstance(node, SelectionSetNode)
        else []
    )
    kind = "enums" if is_enum_type(schema.get_type(type_text)) else "scalars"
    return (
        f"Selections can't be made on {kind} "
        f"(field '{field}' returns {type_text} but has selections [{', '.join(selected)}])",
        {"code": "selectionMismatch", "nodeName": f"field '{field}'", "typeName": type_text},
    )


@_rule(r"^Variable '\$(\w+)' is never used")
def _unused_variable(m: re.Match[str], error: GraphQLError, found: DocumentMap, _: Any) -> tuple[str, dict[str, Any]]:
    operation = found.operations.get(id(_first(error)), "anonymous query")
    return f"Variable ${m.group(1)} is declared by {operation} but not used", {
        "code": "variableNotUsed",
        "variableName": m.group(1),
    }


@_rule(r"^Variable '\$(\w+)' is not defined")
def _undefined_variable(
    m: re.Match[str], error: GraphQLError, found: DocumentMap, _: Any
) -> tuple[str, dict[str, Any]]:
    operation = found.operations.get(id(_first(error)), "anonymous query")
    return f"Variable ${m.group(1)} is used by {operation} but not declared", {
        "code": "variableNotDefined",
        "variableName": m.group(1),
    }


@_rule(r"^Variable '\$(\w+)' of type '([\w!\[\]]+)' used in position expecting type '([\w!\[\]]+)'")
def _variable_mismatch(m: re.Match[str], error: GraphQLError, found: DocumentMap, _: Any) -> tuple[str, dict[str, Any]]:
    name, declared, expected = m.groups()
    usage = error.nodes[-1] if error.nodes else None
    argument = found.arguments.get(id(usage))
    kind = "Nullability mismatch" if declared.rstrip("!") == expected.rstrip("!") else "Type mismatch"
    argument_name = argument.name if argument else "?"
    return f"{kind} on variable ${name} and argument {argument_name} ({declared} / {expected})", {
        "code": "variableMismatch",
        "variableName": name,
        "typeName": declared,
        "argumentName": argument_name,
        "errorMessage": kind,
    }


@_rule(r"^Unknown type '(\w+)'")
def _unknown_type(m: re.Match[str], error: GraphQLError, found: DocumentMap, _: Any) -> tuple[str, dict[str, Any]]:
    variable = found.variable_types.get(id(_first(error)))
    if variable is not None:
        return f"{m.group(1)} isn't a defined input type (on ${variable})", {
            "code": "variableRequiresValidType",
            "typeName": m.group(1),
            "variableName": variable,
        }
    return f"No such type {m.group(1)}, so it can't be a fragment condition", {
        "code": "undefinedType",
        "typeName": m.group(1),
    }


@_rule(r"^Unknown fragment '(\w+)'")
def _unknown_fragment(m: re.Match[str], *_: Any) -> tuple[str, dict[str, Any]]:
    return f"Fragment {m.group(1)} was used, but not defined", {
        "code": "useAndDefineFragment",
        "fragmentName": m.group(1),
    }


@_rule(r"^Fragment '(\w+)' is never used")
def _unused_fragment(m: re.Match[str], *_: Any) -> tuple[str, dict[str, Any]]:
    return f"Fragment {m.group(1)} was defined, but not used", {
        "code": "useAndDefineFragment",
        "fragmentName": m.group(1),
    }


@_rule(r"^Fragment (?:'(\w+)' )?cannot be spread here as objects of type '(\w+)' can never be of type '(\w+)'")
def _impossible_spread(m: re.Match[str], *_: Any) -> tuple[str, dict[str, Any]]:
    fragment, parent, type_name = m.groups()
    named = f"Fragment {fragment} on" if fragment else "Fragment on"
    return f"{named} {type_name} can't be spread inside {parent}", {
        "code": "cannotSpreadFragment",
        "typeName": type_name,
        "fragmentName": fragment or "unknown",
        "parentName": parent,
    }


@_rule(r"^Unknown directive '@(\w+)'")
def _unknown_directive(m: re.Match[str], *_: Any) -> tuple[str, dict[str, Any]]:
    return f"Directive @{m.group(1)} is not defined", {"code": "undefinedDirective", "directiveName": m.group(1)}


@_rule(r"^Fields '(\w+)' conflict because '(\w+)' and '(\w+)' are different fields")
def _field_conflict(m: re.Match[str], *_: Any) -> tuple[str, dict[str, Any]]:
    key, one, other = m.groups()
    return f"Field '{key}' has a field conflict: {one} or {other}?", {
        "code": "fieldConflict",
        "field": key,
        "conflicts": f"{one} or {other}",
    }


def missing_root(operation: OperationDefinitionNode) -> ErrorObject:
    """graphql-core 3.2 leaves an operation type the schema lacks to execution; GitHub refuses
    it while validating."""
    kind = operation.operation.value
    name = f" {operation.name.value}" if operation.name else ""
    where = [get_location(operation.loc.source, operation.loc.start)] if operation.loc is not None else []
    return {
        "path": [kind + name],
        "extensions": {"code": f"missing{kind.capitalize()}Configuration"},
        "locations": locations(where),
        "message": f"Schema is not configured for {kind}s",
    }


def _missing_argument(error: GraphQLError) -> tuple[str, str] | None:
    """(field, argument) for graphql-core's two wordings of a missing required argument."""
    pattern = rf"^(?:Field {_Q}(\w+){_Q} argument {_Q}(\w+){_Q}|Argument {_Q}\w+\.(\w+)\((\w+):\){_Q}) of type"
    m = re.match(pattern, error.message)
    if m is None:
        return None
    return (m.group(1) or m.group(3)), (m.group(2) or m.group(4))


def _unwrap(type_text: str) -> str:
    return type_text.replace("[", "").replace("]", "").replace("!", "")


def validation_errors(schema: GraphQLSchema, document: DocumentNode, errors: list[GraphQLError]) -> list[ErrorObject]:
    found = map_document(schema, document)
    translated: list[ErrorObject] = []
    missing: dict[int, ErrorObject] = {}  # graphql-ruby lists every missing argument of a field at once
    for error in errors:
        node = _first(error)
        path = found.paths.get(id(node), [])
        if (pair := _missing_argument(error)) is not None:
            field, argument = pair
            earlier = missing.get(id(node))
            if earlier is None:
                extensions = {"code": "missingRequiredArguments", "className": "Field", "name": field, "arguments": ""}
                earlier = missing[id(node)] = _error(path, extensions, error, "")
                translated.append(earlier)
            names = ", ".join(filter(None, [earlier["extensions"]["arguments"], argument]))
            earlier["extensions"]["arguments"] = names
            earlier["message"] = f"Field '{field}' is missing required arguments: {names}"
            continue
        if isinstance(node, ValueNode) and not isinstance(node, VariableNode) and id(node) in found.arguments:
            translated.append(_bad_literal(found.arguments[id(node)]))
            continue
        for pattern, translate in _RULES:
            m = pattern.match(error.message)
            result = translate(m, error, found, schema) if m is not None else None
            if result is not None:
                translated.append(_error(path, result[1], error, result[0]))
                break
        else:
            translated.append({"path": path, "locations": locations(error.locations), "message": error.message})
    return translated


def _bad_literal(argument: ArgumentContext) -> ErrorObject:
    message = (
        f"Argument '{argument.name}' on {argument.owner_kind} '{argument.owner}' has an invalid value "
        f"({argument.value}). Expected type '{argument.type}'."
    )
    extensions = {
        "code": "argumentLiteralsIncompatible",
        "typeName": argument.owner_kind,
        "argumentName": argument.name,
    }
    return {"path": argument.path, "extensions": extensions, "locations": argument.location, "message": message}


def _error(path: list[str], extensions: dict[str, Any], error: GraphQLError, message: str) -> ErrorObject:
    return {"path": path, "extensions": extensions, "locations": locations(error.locations), "message": message}
