"""Load desired-state files into the effective desired state, or report every problem."""

from __future__ import annotations

import difflib
import hashlib
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from reconciler.desired.blocks import Block
from reconciler.desired.checks import check_documents
from reconciler.desired.compose import compose
from reconciler.desired.documents import DocumentModels, document_models
from reconciler.desired.models import NUMBER_NOT_TEXT
from reconciler.desired.sources import SourceFiles
from reconciler.desired.state import Declarations, Entry, EntryKind
from reconciler.desired.yaml_source import Loc, YamlDocument, display_path, parse_yaml
from reconciler.errors import ConfigurationError, DesiredStateError, Problem
from reconciler.names import fold

YAML_SUFFIXES = (".yml", ".yaml")
# Directories under the desired-state root that hold files copied to repositories (workflow
# bodies and the like), not desired-state documents.
SOURCE_DIRECTORIES = ("workflows", "files")


def discover(root: Path) -> list[Path]:
    """The desired-state documents under `root` (or `root` itself when it is a file)."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise ConfigurationError(f"no desired state at {root}: no such file or directory")
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or path.suffix not in YAML_SUFFIXES:
            continue
        if relative.parts[0] in SOURCE_DIRECTORIES or any(p.startswith(".") for p in relative.parts):
            continue
        found.append(path)
    return found


def digest_inputs(root: Path) -> str:
    """A hash of every file under the root, so a saved plan can tell its inputs changed."""
    hasher = hashlib.sha256()
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for path in files:
        relative = path.name if root.is_file() else path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in Path(relative).parts):
            continue
        data = path.read_bytes()
        hasher.update(f"{relative}\0{len(data)}\0".encode())
        hasher.update(data)
    return "sha256:" + hasher.hexdigest()


def load_declarations(root: Path, blocks: Sequence[Block]) -> Declarations:
    """Parse and validate everything under `root`, contacting nothing. `blocks` are what an
    entry may hold (the kinds registry's list).

    Raises DesiredStateError listing every problem: syntax, schema, cross-file rules, and
    conflicts between the packs each target applies.
    """
    models = document_models(blocks)
    paths = discover(root)
    problems: list[Problem] = []
    if not paths:
        problems.append(Problem(display_path(root), 1, 1, "", "no desired-state files (*.yml, *.yaml) found"))
    documents: list[YamlDocument] = []
    for path in paths:
        parsed = parse_yaml(path)
        if isinstance(parsed, Problem):
            problems.append(parsed)
        else:
            documents.append(parsed)

    validated: list[tuple[YamlDocument, Any]] = []
    for doc in documents:
        data = {} if doc.data is None else doc.data
        if not isinstance(data, dict):
            problems.append(
                doc.problem((), "the top level must be a mapping with 'repositories', 'packs' or 'organizations'")
            )
            continue
        try:
            validated.append((doc, models.document.model_validate(data)))
        except ValidationError as exc:
            problems.extend(_pydantic_problems(doc, exc, models))
    sources = SourceFiles(root if root.is_dir() else root.parent)
    problems.extend(check_documents(documents, models.blocks, sources))

    packs: dict[str, Entry] = {}
    organizations: list[Entry] = []
    repositories: list[Entry] = []
    for doc, model in validated:
        for index, pack in enumerate(model.packs):
            declared = Entry("pack", doc, ("packs", index), pack)
            first = packs.setdefault(fold(declared.name), declared)
            if first is not declared:
                problems.append(
                    doc.problem(
                        ("packs", index, "name"), f"pack {declared.name!r} is declared twice; first at {first.ref}"
                    )
                )
        organizations += [_entry("organization", doc, "organizations", i, o) for i, o in enumerate(model.organizations)]
        repositories += [_entry("repository", doc, "repositories", i, r) for i, r in enumerate(model.repositories)]
    config = Declarations(
        root=root,
        packs=packs,
        organizations=tuple(organizations),
        repositories=tuple(repositories),
        digest=digest_inputs(root),
        sources=sources,
        models=models,
    )
    # Compose what can be composed without GitHub, to report pack conflicts now: every
    # repository target on its own, and every organisation target as a template.
    for target in (*repositories, *organizations):
        if target.kind == "organization":
            problems += compose(f"{target.name}/*", target.ref, target, None, config)[1]
        else:
            problems += compose(target.name, target.ref, None, target, config)[1]

    problems = _unique(problems)
    if any(p.severity == "error" for p in problems):
        raise DesiredStateError(problems)
    return replace(config, warnings=tuple(problems))


def _entry(kind: EntryKind, doc: YamlDocument, key: str, index: int, spec: Any) -> Entry:
    return Entry(kind, doc, (key, index), spec)


def _unique(problems: list[Problem]) -> list[Problem]:
    """One report per place and message: a list reused through a YAML anchor errs once."""
    seen: dict[tuple[str, int, int, str], Problem] = {}
    for problem in problems:
        seen.setdefault((problem.file, problem.line, problem.column, problem.message), problem)
    return sorted(seen.values(), key=lambda p: (p.file, p.line, p.column, p.message))


def _pydantic_problems(doc: YamlDocument, exc: ValidationError, models: DocumentModels) -> Iterator[Problem]:
    for error in exc.errors(include_url=False):
        loc: Loc = tuple(error["loc"])
        kind = error["type"]
        if loc and loc[-1] == "[key]":
            # pydantic's marker for a bad mapping key (a variable name): point at the key.
            yield doc.problem(loc[:-1], _describe(error), key=True)
        elif kind == "extra_forbidden":
            yield doc.problem(loc, _unknown_key_message(loc, models.document), key=True)
        elif kind == "missing":
            yield doc.problem(loc, f"required key {loc[-1]!r} is missing")
        elif _number_for_text(error):
            raw = doc.raw_text(doc.ref(loc)) or repr(error["input"])
            yield doc.problem(loc, f'{raw} {NUMBER_NOT_TEXT} ({error["input"]!r}); quote it, e.g. "{raw}"')
        elif kind in _OUT_OF_RANGE:
            yield doc.problem(loc, _out_of_range(loc, error, models.document))
        else:
            yield doc.problem(loc, _describe(error))


_OUT_OF_RANGE = frozenset({"greater_than_equal", "less_than_equal", "greater_than", "less_than"})


def _out_of_range(loc: Loc, error: ErrorDetails, document: type[BaseModel]) -> str:
    """`99 is out of range for max_issues: 0 to 50`, with both bounds read from the model."""
    low, high = _bounds(loc, document)
    if low is None and high is None:
        return _describe(error)
    if low is not None and high is not None:
        allowed = f"{low} to {high}"
    else:
        allowed = f"at least {low}" if low is not None else f"at most {high}"
    return f"{error['input']!r} is out of range for {loc[-1]}: {allowed}"


def _bounds(loc: Loc, document: type[BaseModel]) -> tuple[object | None, object | None]:
    current: Any = document
    for part in loc[:-1]:
        current = _step(current, part)
        if current is None:
            return None, None
    model_type = _model_in(current)
    field = model_type.model_fields.get(str(loc[-1])) if model_type is not None else None
    if field is None:
        return None, None
    low = next((m.ge for m in field.metadata if isinstance(m, annotated_types.Ge)), None)
    high = next((m.le for m in field.metadata if isinstance(m, annotated_types.Le)), None)
    return low, high


def _number_for_text(error: ErrorDetails) -> bool:
    value = error.get("input")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return error["type"] == "string_type" or NUMBER_NOT_TEXT in str(error.get("ctx", {}).get("error", ""))


def _describe(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    value = error.get("input")
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "string_too_long" and isinstance(value, str):
        return f"too long: {len(value)} characters, at most {ctx.get('max_length')} allowed"
    if kind == "string_too_short":
        return "cannot be empty"
    if kind == "literal_error":
        return f"{value!r} is not allowed: expected {ctx.get('expected')}"
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{error['msg'][0].lower()}{error['msg'][1:]} (got {shown})"


def _unknown_key_message(loc: Loc, document: type[BaseModel]) -> str:
    key = loc[-1]
    allowed = _allowed_keys(document, loc[:-1])
    message = f"unknown key {key!r}"
    if allowed:
        close = difflib.get_close_matches(str(key), allowed, n=1)
        if close:
            message += f"; did you mean {close[0]!r}?"
        message += f" (allowed here: {', '.join(allowed)})"
    return message


def _allowed_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys the model expects at `loc`, found by walking the field annotations."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    model_type = _model_in(current)
    return list(model_type.model_fields) if model_type is not None else []


def _step(annotation: Any, part: str | int) -> Any:
    model_type = _model_in(annotation)
    if isinstance(part, str):
        if model_type is None or part not in model_type.model_fields:
            return None
        return model_type.model_fields[part].annotation
    for arg in _members(annotation):
        origin = typing.get_origin(arg)
        if origin in (tuple, list):
            args = typing.get_args(arg)
            return args[0] if args else None
    return None


def _members(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    for arg in _members(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None
