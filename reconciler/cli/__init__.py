"""The command line (`reconciler`)."""

from reconciler.cli.main import cli, invoke, main

__all__ = ["cli", "invoke", "main"]
