"""Desired-state YAML written from live GitHub state, for `reconciler import`.

Everything here is pure: a snapshot of what one repository has on GitHub goes in, a ruamel
round-trip tree (and from it, YAML text) comes out. A new entry is written from scratch; an
existing entry is updated in place, so a person's comments, key order and quoting survive,
and nothing a person wrote is removed.

What the import writes is exactly what makes the plan empty: every value is written as the
plan compares it (colours and variable values as quoted text, so YAML never reads `123456`
as a number), and anything the desired-state format cannot express is left out with a note
rather than written in a form validation would reject. Left out is safe: with `prune` off,
the plan keeps what nobody declares.
"""

from __future__ import annotations

import copy
import functools
import io
import itertools
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from reconciler.github.port import LiveLabel, LiveVariable
from reconciler.gitobjects import blob_sha
from reconciler.kinds.labels.spec import LabelSpec, normal_colour
from reconciler.kinds.variables.spec import LimitsSpec
from reconciler.kinds.workflows.check import check_workflow
from reconciler.kinds.workflows.spec import WorkflowFileSpec
from reconciler.names import actions_name_problem, fold

SCHEMA_FILE = PurePosixPath("schemas") / "desired-state.schema.json"
WORKFLOW_SOURCES = "workflows"
_CANONICAL_INTEGER = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class ImportedWorkflow:
    """A workflow file as it is on the default branch, with GitHub's state reduced to ours."""

    path: str
    content: bytes
    state: str  # "enabled" or "disabled"


@dataclass(frozen=True)
class LiveSnapshot:
    """What import read from one repository."""

    repository: str
    labels: tuple[LiveLabel, ...] = ()
    workflows: tuple[ImportedWorkflow, ...] = ()
    secrets: tuple[str, ...] = ()
    variables: tuple[LiveVariable, ...] = ()


@dataclass
class EntryReport:
    """What writing one repository's entry did, for the command's report."""

    added: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    # Live objects the entry does not declare as they are, and why (for the person to decide).
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


# ---------------------------------------------------------------------------------------
# What the format can express.


def workflow_path_problem(path: str) -> str | None:
    """Why a live workflow file cannot be declared (so is not even downloaded), or None."""
    try:
        WorkflowFileSpec(path=path, source="unused")
    except ValidationError as exc:
        return _first_message(exc)
    return None


def importable(snapshot: LiveSnapshot) -> tuple[LiveSnapshot, list[str]]:
    """The snapshot without what desired state cannot declare, and a note for each such thing.

    The plan leaves undeclared objects alone, so leaving one out keeps the plan empty, where
    writing it would make the whole desired state fail validation.
    """
    notes: list[str] = []
    labels = []
    for label in snapshot.labels:
        try:
            LabelSpec(name=label.name, color=label.color, description=label.description or "")
        except ValidationError as exc:
            notes.append(f"label {label.name!r} not imported: {_first_message(exc)}")
        else:
            labels.append(label)
    workflows = []
    for workflow in snapshot.workflows:
        problem = workflow_path_problem(workflow.path)
        if problem is None:
            found = check_workflow(Path(workflow.path), workflow.content)
            problem = found[0].message if found else None
        if problem is not None:
            notes.append(f"workflow file {workflow.path} not imported: {problem}")
        else:
            workflows.append(workflow)
    secrets = []
    for name in snapshot.secrets:
        problem = actions_name_problem(name, "secret")
        if problem is not None:
            notes.append(f"secret {name} not imported: {problem}")
        else:
            secrets.append(name)
    variables = []
    for variable in snapshot.variables:
        problem = actions_name_problem(variable.name, "variable")
        if problem is not None:
            notes.append(f"variable {variable.name} not imported: {problem}")
        else:
            variables.append(variable)
    kept = LiveSnapshot(snapshot.repository, tuple(labels), tuple(workflows), tuple(secrets), tuple(variables))
    return kept, notes


def _first_message(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    context = error.get("ctx", {})
    return str(context.get("error", error["msg"])) if error["type"] == "value_error" else str(error["msg"])


def limit_for(variable: str, value: str) -> tuple[str, int] | None:
    """The limit that sets `variable` to exactly `value`, or None when no limit can.

    Written as a limit, a knob overrides a pack's limit cleanly; written as a variable, it
    would clash with that limit and fail validation.
    """
    limit = LimitsSpec.limit_for(variable)
    # Only the canonical spelling: a limit is written back as str(int), so "010" would differ.
    if limit is None or not _CANONICAL_INTEGER.fullmatch(value):
        return None
    try:
        LimitsSpec.model_validate({limit: int(value)})
    except ValidationError:
        return None
    return limit, int(value)


# ---------------------------------------------------------------------------------------
# Workflow bodies: where each one goes under the desired-state directory.


class WorkflowPlacement:
    """Chooses a source path for each imported workflow body, sharing identical bodies.

    `existing` maps every file under `workflows/` (as a path relative to the desired-state
    directory) to its git blob id. Bodies placed here are kept in `new_files` for the caller
    to write; nothing touches the disk.
    """

    def __init__(self, existing: Mapping[str, str], read_source: Callable[[str], bytes | None] | None = None) -> None:
        self._sha: dict[str, str] = dict(existing)
        self._read_source = read_source
        self.new_files: dict[str, bytes] = {}

    @contextmanager
    def trial(self) -> Iterator[None]:
        """Bodies placed inside are forgotten afterwards."""
        saved = dict(self._sha), dict(self.new_files)
        try:
            yield
        finally:
            self._sha, self.new_files = saved

    def sha_of(self, source: str) -> str | None:
        """The blob id of a source as it will be after this import, or None if there is none."""
        if source in self._sha:
            return self._sha[source]
        content = self._read_source(source) if self._read_source is not None else None
        return None if content is None else blob_sha(content)

    def place(self, repository: str, workflow: ImportedWorkflow) -> str:
        sha = blob_sha(workflow.content)
        file_name = PurePosixPath(workflow.path).name
        same = sorted(
            (path for path, known in self._sha.items() if known == sha),
            # One with the same file name first, then the shallowest: the most obviously shared.
            key=lambda p: (PurePosixPath(p).name != file_name, p.count("/"), p),
        )
        if same:
            return same[0]
        taken = {fold(path) for path in self._sha}
        candidate = f"{WORKFLOW_SOURCES}/{file_name}"
        if fold(candidate) in taken:
            # The name is used by a different body: this repository's own directory.
            name = repository.split("/", 1)[-1]
            stem, suffix = PurePosixPath(file_name).stem, PurePosixPath(file_name).suffix
            candidate = f"{WORKFLOW_SOURCES}/{name}/{file_name}"
            counter = 2
            while fold(candidate) in taken:
                candidate = f"{WORKFLOW_SOURCES}/{name}/{stem}-{counter}{suffix}"
                counter += 1
        self._sha[candidate] = sha
        self.new_files[candidate] = workflow.content
        return candidate


# ---------------------------------------------------------------------------------------
# New entries.


def _quoted(value: str) -> Any:
    return DoubleQuotedScalarString(value)


def _label_item(label: LiveLabel) -> CommentedMap:
    item = CommentedMap([("name", label.name), ("color", _quoted(normal_colour(label.color)))])
    if label.description:
        item["description"] = label.description
    return item


def _workflow_item(workflow: ImportedWorkflow, source: str) -> CommentedMap:
    return CommentedMap([("path", workflow.path), ("source", source), ("state", workflow.state)])


def _block(items: Any) -> CommentedMap:
    return CommentedMap([("items", items)])


def _by_name(names: Iterable[str]) -> list[str]:
    return sorted(names, key=lambda n: (fold(n), n))


@dataclass(frozen=True)
class Layers:
    """What other layers (packs, organisation targets) declare for the repository being written.

    The repository's entry overrides them key by key, but two things cannot be overridden
    that way and would fail validation: a label named like another layer's alias, and a limit
    and a variable for the same knob that disagree across layers.
    """

    # Case-folded alias → the label it is an old name of.
    aliases: Mapping[str, str] = field(default_factory=dict)
    # Case-folded names of variables declared as variables, and names of limits set.
    variables: frozenset[str] = frozenset()
    limits: frozenset[str] = frozenset()


NO_LAYERS = Layers()


def new_entry(
    snapshot: LiveSnapshot, placement: WorkflowPlacement, layers: Layers = NO_LAYERS
) -> tuple[CommentedMap, EntryReport]:
    """A repository entry declaring everything in `snapshot`, each kind sorted by name.

    Blocks with nothing in them are left out: the plan then does not even read that kind.
    """
    entry = CommentedMap([("repository", snapshot.repository)])
    return entry, update_entry(entry, snapshot, placement, layers)


# ---------------------------------------------------------------------------------------
# Updating an entry a person may have written: in place, adding and changing, never removing.


def update_entry(
    entry: CommentedMap, snapshot: LiveSnapshot, placement: WorkflowPlacement, layers: Layers = NO_LAYERS
) -> EntryReport:
    """Make `entry` declare what `snapshot` holds, keeping everything else as it is.

    Items match as the plan matches them: labels, secrets and variables by case-folded name,
    workflow files by path. Something a person declared differently on purpose (absent, a
    null variable, an alias the plan renames) is left as declared and noted.
    """
    report = EntryReport()
    _guarded(entry, "labels", placement, report, lambda e, r: _update_labels(e, snapshot, layers, r))
    _guarded(entry, "workflows", placement, report, lambda e, r: _update_workflows(e, snapshot, placement, r))
    _guarded(entry, "secrets", placement, report, lambda e, r: _update_secrets(e, snapshot, r))
    _guarded(entry, "variables", placement, report, lambda e, r: _update_variables(e, snapshot, layers, r))
    return report


def _guarded(
    entry: CommentedMap,
    block: str,
    placement: WorkflowPlacement,
    report: EntryReport,
    update: Callable[[CommentedMap, EntryReport], None],
) -> None:
    """Run `update`, unless `block` is shared through a YAML anchor: editing it would edit
    every entry that uses it. Then it only runs on a copy, to say whether it is out of date."""
    shared = _shared(entry.get(block))
    if shared is None:
        update(entry, report)
        return
    trial = EntryReport()
    with placement.trial():
        update(copy.deepcopy(entry), trial)
    report.notes.extend(trial.notes)
    if trial.changed:
        report.notes.append(
            f"{block} not updated: they come from the YAML anchor &{shared}, which other entries may share; "
            "update them there by hand"
        )


def _shared(holder: Any) -> str | None:
    """The anchor of `holder`, its items or any one item, or None."""
    if not isinstance(holder, CommentedMap):
        return _anchor(holder)
    items = holder.get("items")
    nodes = [holder, items, *(items.values() if isinstance(items, CommentedMap) else items or ())]
    return next((name for name in map(_anchor, nodes) if name is not None), None)


def _anchor(node: Any) -> str | None:
    """The anchor of a container other entries may share (`&name` ... `*name`), or None."""
    anchor = getattr(node, "anchor", None)
    value = getattr(anchor, "value", None) if anchor is not None else None
    return str(value) if value else None


class _Items:
    """The `items` of one block of an entry, edited in place.

    Additions are collected and attached in one go when done, so a block that did not exist
    enters the tree complete, and ruamel's trailing comments can be moved past it correctly.
    """

    def __init__(self, entry: CommentedMap, block: str, kind: type[Any], report: EntryReport) -> None:
        self.entry, self.block, self.kind = entry, block, kind
        self.pending: list[Any] = []
        holder = entry.get(block)
        self.existing: Any = holder.get("items") if isinstance(holder, CommentedMap) else None
        # Validation accepted the file, so any other shape is a null block.
        self.editable = holder is None or isinstance(holder, CommentedMap)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.existing if self.existing is not None else ())

    def add(self, item: Any) -> None:
        self.pending.append(item)

    def done(self) -> None:
        if not self.pending or not self.editable:
            return
        if self.existing is None:
            holder = self.entry.get(self.block)
            items = self.kind(self.pending)
            if isinstance(holder, CommentedMap):
                _add_key(holder, "items", items)
            elif self.block in self.entry:
                self.entry[self.block] = _block(items)
            else:
                _add_key(self.entry, self.block, _block(items))
            return
        if len(self.existing) == 0 and self.existing.fa.flow_style():
            # `items: []` would otherwise grow as one long flow-style line.
            self.existing.fa.set_block_style()
        for item in self.pending:
            if isinstance(self.existing, CommentedMap):
                _add_key(self.existing, item[0], item[1])
            else:
                _append(self.existing, item)


def _update_labels(entry: CommentedMap, snapshot: LiveSnapshot, layers: Layers, report: EntryReport) -> None:
    items = _Items(entry, "labels", CommentedSeq, report)
    if not snapshot.labels or not items.editable:
        return
    by_name: dict[str, Any] = {}
    alias_of: dict[str, str] = dict(layers.aliases)
    for item in items:
        if isinstance(item, CommentedMap) and isinstance(item.get("name"), str):
            by_name.setdefault(fold(item["name"]), item)
            for alias in item.get("aliases") or ():
                alias_of.setdefault(fold(str(alias)), item["name"])
    for label in sorted(snapshot.labels, key=lambda lbl: (fold(lbl.name), lbl.name)):
        item = by_name.get(fold(label.name))
        if item is None and fold(label.name) in alias_of:
            report.notes.append(
                f"label {label.name!r} not imported: it is an old name (alias) of {alias_of[fold(label.name)]!r}, "
                "so the plan renames it"
            )
        elif item is None:
            items.add(_label_item(label))
            report.added["label"] += 1
        elif item.get("ensure") == "absent":
            report.notes.append(f"label {label.name!r} exists but is declared absent here: left as declared")
        elif _update_label(item, label):
            report.updated["label"] += 1
    items.done()


def _update_label(item: CommentedMap, label: LiveLabel) -> bool:
    changed = False
    if item["name"] != label.name:
        item["name"] = label.name
        changed = True
    current_colour = item.get("color")
    if not isinstance(current_colour, str) or normal_colour(current_colour) != normal_colour(label.color):
        item["color"] = _quoted(normal_colour(label.color))
        changed = True
    description = label.description or ""
    if (item.get("description") or "") != description:
        if description or "description" in item:
            # Emptied rather than removed, so a comment on that line keeps its place.
            item["description"] = description
        changed = True
    return changed


def _update_workflows(
    entry: CommentedMap, snapshot: LiveSnapshot, placement: WorkflowPlacement, report: EntryReport
) -> None:
    items = _Items(entry, "workflows", CommentedSeq, report)
    if not snapshot.workflows or not items.editable:
        return
    by_path = {
        item["path"]: item for item in items if isinstance(item, CommentedMap) and isinstance(item.get("path"), str)
    }
    for workflow in sorted(snapshot.workflows, key=lambda w: w.path):
        item = by_path.get(workflow.path)
        if item is None:
            items.add(_workflow_item(workflow, placement.place(snapshot.repository, workflow)))
            report.added["workflow file"] += 1
            continue
        if item.get("ensure") == "absent":
            report.notes.append(f"workflow file {workflow.path} exists but is declared absent here: left as declared")
            continue
        changed = False
        source = item.get("source")
        if not isinstance(source, str) or placement.sha_of(source) != blob_sha(workflow.content):
            # The declared source may serve other repositories: point at the live body instead
            # of rewriting it.
            item["source"] = placement.place(snapshot.repository, workflow)
            changed = True
        if item.get("state", "enabled") != workflow.state:
            item["state"] = workflow.state
            changed = True
        if changed:
            report.updated["workflow file"] += 1
    items.done()


def _update_secrets(entry: CommentedMap, snapshot: LiveSnapshot, report: EntryReport) -> None:
    items = _Items(entry, "secrets", CommentedSeq, report)
    if not snapshot.secrets or not items.editable:
        return
    declared = {
        fold(item["name"]): item
        for item in items
        if isinstance(item, CommentedMap) and isinstance(item.get("name"), str)
    }
    for name in _by_name(snapshot.secrets):
        item = declared.get(fold(name))
        if item is None:
            items.add(CommentedMap([("name", name)]))
            report.added["secret"] += 1
        elif item.get("ensure") == "absent":
            report.notes.append(f"secret {name} exists but is declared absent here: left as declared")
    items.done()


def _update_variables(entry: CommentedMap, snapshot: LiveSnapshot, layers: Layers, report: EntryReport) -> None:
    if not snapshot.variables:
        return
    limits = _Limits(entry, report)
    items: _Items | None = None  # looked at only when a variable goes there, so a note is made once
    for variable in sorted(snapshot.variables, key=lambda v: (fold(v.name), v.name)):
        key = fold(variable.name)
        declared = entry.get("variables")
        declared_items = declared.get("items") if isinstance(declared, CommentedMap) else None
        explicit = next((str(k) for k in declared_items or () if fold(str(k)) == key), None)
        limit = LimitsSpec.limit_for(key)
        as_limit = limit_for(variable.name, variable.value)
        # A knob is written as a limit when it can be. Where any layer has it in the other form
        # too, this entry writes both forms, with one value, so no two layers disagree.
        by_limit = limit is not None and (limit in limits or limit in layers.limits)
        by_variable = explicit is not None or key in layers.variables
        want_limit = by_limit or (as_limit is not None and not by_variable)
        if want_limit and as_limit is None:
            report.notes.append(
                f"variable {variable.name} not imported: its value {variable.value!r} is not one limit {limit} "
                "can have, and a limit declares it"
            )
            continue
        if by_variable or not want_limit:
            items = items or _Items(entry, "variables", CommentedMap, report)
            if items.editable:
                _set_variable(items, explicit, variable, report)
        if want_limit and as_limit is not None:
            limits.set(*as_limit)
    if items is not None:
        items.done()
    limits.done()


def _set_variable(items: _Items, declared_name: str | None, variable: LiveVariable, report: EntryReport) -> None:
    if declared_name is None:
        items.add((variable.name, _quoted(variable.value)))
        report.added["variable"] += 1
        return
    current = items.existing[declared_name]
    if current is None:
        report.notes.append(f"variable {variable.name} exists but is declared null (absent) here: left as declared")
    elif isinstance(current, bool) or str(current) != variable.value:
        items.existing[declared_name] = _quoted(variable.value)
        report.updated["variable"] += 1


class _Limits:
    """The entry's `limits`, edited in place; a new block is added complete, after variables."""

    def __init__(self, entry: CommentedMap, report: EntryReport) -> None:
        self.entry, self.report = entry, report
        self.existing: Any = entry.get("limits")
        self.pending: dict[str, int] = {}

    def __contains__(self, limit: str) -> bool:
        return isinstance(self.existing, CommentedMap) and limit in self.existing

    def set(self, limit: str, value: int) -> None:
        current = self.existing[limit] if limit in self else None
        if current == value and not isinstance(current, bool):
            return
        shared = _anchor(self.existing)
        if shared is not None:
            self.report.notes.append(f"limit {limit} not updated: the limits come from the YAML anchor &{shared}")
        elif limit not in self:
            self.pending[limit] = value
            self.report.added["limit"] += 1
        else:
            self.existing[limit] = value
            self.report.updated["limit"] += 1

    def done(self) -> None:
        ordered = [(name, self.pending[name]) for name in LimitsSpec.model_fields if name in self.pending]
        if not ordered:
            return
        if isinstance(self.existing, CommentedMap):
            for name, value in ordered:
                _add_key(self.existing, name, value)
        elif "limits" in self.entry:
            self.entry["limits"] = CommentedMap(ordered)
        else:
            _add_key(self.entry, "limits", CommentedMap(ordered))


# ---------------------------------------------------------------------------------------
# Keeping comments where a person put them.
#
# ruamel attaches the comment lines that follow a block (often about the next key, or the
# next entry) to the last scalar inside it. Appending after that scalar would put the new
# item below those lines, away from what they describe; so they move to the new last item.


def _last_slot(node: Any) -> tuple[Any, Any, int] | None:
    """Where ruamel keeps the comment after `node`: a container, a key in it and a position."""
    if isinstance(node, CommentedMap) and not node.fa.flow_style():
        own = [key for key, _ in node.non_merged_items()]
        if own:
            return _last_slot(node[own[-1]]) or (node, own[-1], 2)
    if isinstance(node, CommentedSeq) and not node.fa.flow_style() and len(node):
        return _last_slot(node[-1]) or (node, len(node) - 1, 0)
    return None


def _take_trailing(node: Any) -> str | None:
    slot = _last_slot(node)
    if slot is None:
        return None
    container, key, position = slot
    held = container.ca.items.get(key)
    token = held[position] if held is not None and len(held) > position else None
    if token is None:
        return None
    # The first line is the end-of-line comment of the last value: it stays with that value.
    head, _, tail = str(token.value).partition("\n")
    if not tail:
        return None
    if head.strip():
        token.value = head + "\n"
    else:
        held[position] = None
    return "\n" + tail


def _give_trailing(node: Any, text: str) -> None:
    slot = _last_slot(node)
    if slot is None:
        return
    container, key, position = slot
    held = container.ca.items.setdefault(key, [None, None, None, None] if position == 2 else [None, None])
    held[position] = CommentToken(text, CommentMark(0), None)


def _append(items: CommentedSeq, item: Any) -> None:
    trailing = _take_trailing(items)
    items.append(item)
    if trailing is not None:
        _give_trailing(items, trailing)


def _add_key(mapping: CommentedMap, key: str, value: Any) -> None:
    trailing = _take_trailing(mapping)
    mapping[key] = value
    if trailing is not None:
        _give_trailing(mapping, trailing)


# ---------------------------------------------------------------------------------------
# Documents.


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
        _add_key(document, "repositories", CommentedSeq())
        repositories = document["repositories"]
    if len(repositories) == 0 and repositories.fa.flow_style():
        repositories.fa.set_block_style()
    for entry in entries:
        _append(repositories, entry)
