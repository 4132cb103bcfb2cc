"""How `reconciler import` writes workflow files and their enabled state: each file's body is
copied byte for byte under `workflows/` in the desired-state directory (an identical body
already there is shared), and the entry points at it with the state GitHub runs it in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap

from reconciler.desired.entry_edit import EntryEdit, first_message
from reconciler.desired.state import EffectiveRepository
from reconciler.desired.yaml_edit import Items
from reconciler.github.git_data import get_file, list_directory
from reconciler.github.port import GitHubReader
from reconciler.gitobjects import blob_sha
from reconciler.kinds.workflows.block import KEY, PREFIX
from reconciler.kinds.workflows.check import check_workflow
from reconciler.kinds.workflows.files import WORKFLOWS_DIRECTORY
from reconciler.kinds.workflows.live import list_workflows
from reconciler.kinds.workflows.spec import WorkflowFileSpec
from reconciler.kinds.workflows.state import enabled

# Where imported bodies go, relative to the desired-state directory.
WORKFLOW_SOURCES = "workflows"


@dataclass(frozen=True)
class ImportedWorkflow:
    """A workflow file as it is on the default branch, with GitHub's state reduced to ours."""

    path: str
    content: bytes
    state: str  # "enabled" or "disabled"


Workflows = tuple[ImportedWorkflow, ...]


def workflow_path_problem(path: str) -> str | None:
    """Why a live workflow file cannot be declared (so is not even downloaded), or None."""
    try:
        WorkflowFileSpec(path=path, source="unused")
    except ValidationError as exc:
        return first_message(exc)
    return None


class WorkflowFilesImporter:
    block = KEY
    position = 20

    def read(self, reader: GitHubReader, repository: str) -> tuple[Workflows, list[str]]:
        notes: list[str] = []
        files = sorted(list_directory(reader, repository, WORKFLOWS_DIRECTORY), key=lambda f: f.path)
        workflows: list[ImportedWorkflow] = []
        if files:
            states = {w.path: w.state for w in list_workflows(reader, repository) if w.state != "deleted"}
            for live in files:
                problem = workflow_path_problem(live.path)
                if problem is not None:
                    # Not even downloaded: desired state could not declare it.
                    notes.append(f"workflow file {live.path} not imported: {problem}")
                    continue
                # A file GitHub does not list (yet) counts as enabled, as a new workflow starts.
                state = "enabled" if enabled(states.get(live.path, "active")) else "disabled"
                workflows.append(ImportedWorkflow(live.path, get_file(reader, repository, live.path), state))
        return tuple(workflows), notes

    def importable(self, part: Workflows) -> tuple[Workflows, list[str]]:
        notes: list[str] = []
        kept = []
        for workflow in part:
            problem = workflow_path_problem(workflow.path)
            if problem is None:
                found = check_workflow(Path(workflow.path), workflow.content)
                problem = found[0].message if found else None
            if problem is not None:
                notes.append(f"workflow file {workflow.path} not imported: {problem}")
            else:
                kept.append(workflow)
        return tuple(kept), notes

    def inherited(self, repository: EffectiveRepository | None) -> None:
        # A repository's entry overrides any other layer's workflow file by path.
        return None

    def update(self, entry: CommentedMap, part: Workflows, inherited: None, edit: EntryEdit) -> None:
        items = Items(entry, KEY)
        if not part or not items.editable:
            return
        report, placement = edit.report, edit.placements.under(WORKFLOW_SOURCES)
        by_path = {
            item["path"]: item for item in items if isinstance(item, CommentedMap) and isinstance(item.get("path"), str)
        }
        for workflow in sorted(part, key=lambda w: w.path):
            item = by_path.get(workflow.path)
            if item is None:
                source = placement.place(edit.repository, workflow)
                items.add(CommentedMap([("path", workflow.path), ("source", source), ("state", workflow.state)]))
                report.added["workflow file"] += 1
                continue
            if item.get("ensure") == "absent":
                report.notes.append(
                    f"workflow file {workflow.path} exists but is declared absent here: left as declared"
                )
                continue
            changed = False
            source = item.get("source")
            if not isinstance(source, str) or placement.sha_of(source) != blob_sha(workflow.content):
                # The declared source may serve other repositories: point at the live body instead
                # of rewriting it.
                item["source"] = placement.place(edit.repository, workflow)
                changed = True
            if item.get("state", "enabled") != workflow.state:
                item["state"] = workflow.state
                changed = True
            if changed:
                report.updated["workflow file"] += 1
        items.done()

    def addresses(self, key: str) -> tuple[str, ...]:
        return (f"{PREFIX}:{key}",)


WORKFLOW_FILES_IMPORTER = WorkflowFilesImporter()
