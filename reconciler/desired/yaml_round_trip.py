"""Desired-state documents read and written back as a ruamel round-trip tree, for
`reconciler import`: a rewritten file keeps its indentation and its spelling of null, and a
new file starts with the schema line editors validate with."""

from __future__ import annotations

import functools
import io
import itertools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter

from reconciler.desired.yaml_edit import add_key, append

SCHEMA_FILE = PurePosixPath("schemas") / "desired-state.schema.json"


@dataclass(frozen=True)
class YamlStyle:
    """Indentation of a document, so a rewritten file keeps its own (default: the project's)."""

    mapping: int = 2
    sequence: int = 4
    offset: int = 2
    # How the file spells null (`null`, `~` or nothing), so an untouched `OLD: null` stays so.
    null: str = "null"


_NULL = re.compile(r":[ \t]+(null|~)[ \t]*(?:#.*)?$", re.M)
# `key:` with nothing after it and no deeper block below: a null written as nothing.
_EMPTY_VALUE = re.compile(r"^([ \t]*)[^\s#-][^#\n]*:[ \t]*(?:#.*)?\n(?!\1[ \t]+\S|\1- )", re.M)
_BLOCK_KEY = re.compile(r"^(\s*)(?!-\s)[^\s#][^#]*:\s*(#.*)?$")


def detect_style(text: str) -> YamlStyle:
    """The indentation `text` uses: for nested mappings, and for sequences under a key."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    mapping: int | None = None
    offset: int | None = None
    for line, following in itertools.pairwise(lines):
        found = _BLOCK_KEY.match(line)
        if found is None:
            continue
        parent = len(found.group(1))
        child = len(following) - len(following.lstrip())
        if following.lstrip().startswith("- ") and offset is None and child >= parent:
            offset = child - parent
        elif not following.lstrip().startswith("- ") and mapping is None and child > parent:
            mapping = child - parent
        if mapping is not None and offset is not None:
            break
    default = YamlStyle()
    mapping = mapping or default.mapping
    offset = default.offset if offset is None else offset
    nulls = [found.group(1) for found in _NULL.finditer(text)]
    null = max(("null", "~"), key=nulls.count) if nulls else ("" if _EMPTY_VALUE.search(text) else default.null)
    return YamlStyle(mapping=mapping, sequence=offset + 2, offset=offset, null=null)


def _yaml(style: YamlStyle) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    # Never re-wrap a long description a person wrote on one line.
    yaml.width = 4096
    yaml.indent(mapping=style.mapping, sequence=style.sequence, offset=style.offset)
    yaml.Representer = _representer(style.null)
    return yaml


@functools.cache
def _representer(null: str) -> type[Any]:
    # add_representer registers on the class: a subclass per spelling keeps ruamel's own
    # representer, which other code may use, as it is.
    class Representer(RoundTripRepresenter):
        pass

    Representer.add_representer(
        type(None), lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", null)
    )
    return Representer


def parse(text: str) -> tuple[Any, YamlStyle]:
    """A round-trip tree of `text`, and its indentation."""
    return _yaml(YamlStyle()).load(text), detect_style(text)


def dump(tree: Any, style: YamlStyle = YamlStyle(), header: str = "") -> str:
    buffer = io.StringIO()
    _yaml(style).dump(tree, buffer)
    return header + buffer.getvalue()


def header(schema: str, imported_on: date) -> str:
    """The first lines of a new file: the schema line editors validate with, and its origin."""
    return (
        f"# yaml-language-server: $schema={schema}\n"
        "#\n"
        f"# Imported from GitHub by `reconciler import` on {imported_on.isoformat()}, as it was then.\n"
        "# Edit freely: `reconciler plan` shows what apply would change.\n"
    )


def schema_reference(document: Path, root: Path) -> str:
    """The schema's path relative to `document`, with `schemas/` beside the desired-state directory."""
    schema = root.resolve().parent / SCHEMA_FILE
    return PurePosixPath(Path(os.path.relpath(schema, document.resolve().parent)).as_posix()).as_posix()


def new_document(entries: Iterable[CommentedMap]) -> CommentedMap:
    return CommentedMap([("version", 1), ("repositories", CommentedSeq(entries))])


def add_entries(document: CommentedMap, entries: Iterable[CommentedMap]) -> None:
    """Append entries to an existing document's `repositories`, creating it if needed."""
    repositories = document.get("repositories")
    if repositories is None:
        add_key(document, "repositories", CommentedSeq())
        repositories = document["repositories"]
    if len(repositories) == 0 and repositories.fa.flow_style():
        repositories.fa.set_block_style()
    for entry in entries:
        append(repositories, entry)
