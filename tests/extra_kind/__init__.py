"""A resource kind that lives outside reconciler: files a repository must hold (SECURITY.md,
CODEOWNERS...), kept through the contents API.

It exists to prove the architecture's promise — adding a kind is a package plus one line in
the registry — without touching any module of `reconciler/`: the tests register it with
`registry.extended(FILES)` and drive every command end to end on the sandbox.
"""

from tests.extra_kind.kind import FILES

__all__ = ["FILES"]
