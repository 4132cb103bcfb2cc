"""The exit codes every command shares: scripts and CI branch on them."""

from __future__ import annotations

EXIT_OK = 0  # done; no changes, no drift
EXIT_ERROR = 1  # a known error: bad input, authentication, an API refusal, something left undone
EXIT_CHANGES = 2  # changes to make, or drift found
EXIT_BUG = 3  # a bug in reconciler: the trace is printed for a report
