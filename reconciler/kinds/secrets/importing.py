"""How `reconciler import` writes Actions secrets: by name only. GitHub never returns a value,
so an imported secret is one a person sets (the plan then only checks it exists)."""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from reconciler.desired.entry_edit import EntryEdit
from reconciler.desired.state import EffectiveRepository
from reconciler.desired.yaml_edit import Items
from reconciler.github.port import GitHubReader
from reconciler.kinds.secrets.block import KEY, PREFIX
from reconciler.kinds.secrets.live import list_secrets
from reconciler.names import actions_name_problem, fold

Names = tuple[str, ...]


class SecretsImporter:
    block = KEY
    position = 30

    def read(self, reader: GitHubReader, repository: str) -> tuple[Names, list[str]]:
        return tuple(s.name for s in list_secrets(reader, repository)), []

    def importable(self, part: Names) -> tuple[Names, list[str]]:
        notes: list[str] = []
        kept = []
        for name in part:
            problem = actions_name_problem(name, "secret")
            if problem is not None:
                notes.append(f"secret {name} not imported: {problem}")
            else:
                kept.append(name)
        return tuple(kept), notes

    def inherited(self, repository: EffectiveRepository | None) -> None:
        # A repository's entry overrides any other layer's secret by name.
        return None

    def update(self, entry: CommentedMap, part: Names, inherited: None, edit: EntryEdit) -> None:
        items = Items(entry, KEY)
        if not part or not items.editable:
            return
        declared = {
            fold(item["name"]): item
            for item in items
            if isinstance(item, CommentedMap) and isinstance(item.get("name"), str)
        }
        for name in sorted(part, key=lambda n: (fold(n), n)):
            item = declared.get(fold(name))
            if item is None:
                items.add(CommentedMap([("name", name)]))
                edit.report.added["secret"] += 1
            elif item.get("ensure") == "absent":
                edit.report.notes.append(f"secret {name} exists but is declared absent here: left as declared")
        items.done()

    def addresses(self, key: str) -> tuple[str, ...]:
        return (f"{PREFIX}:{key}",)


SECRETS_IMPORTER = SecretsImporter()
