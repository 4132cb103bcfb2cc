"""The end-to-end fixtures of tests/integration: a copy of the example desired state and a sandbox."""

from tests.integration.conftest import live, workdir

__all__ = ["live", "workdir"]
