"""`python -m reconciler.schemas`: write the JSON Schemas, or check that they are current."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from reconciler.schemas import default_directories, generate, stale, write


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m reconciler.schemas",
        description="Generate the JSON Schemas of reconciler's documents from its pydantic models: "
        + ", ".join(generate())
        + ". By default into the package (reconciler/schemas/) and, in a checkout, its top-level schemas/.",
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        metavar="DIR",
        default=None,
        help="Write (or with --check, check) the schemas in DIR only; created if missing.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="Write nothing; exit 1 and name each schema file that is missing or stale.",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    directories = [arguments.out_dir] if arguments.out_dir is not None else default_directories()
    if arguments.check:
        outdated = [path for directory in directories for path in stale(directory)]
        for path in outdated:
            print(f"stale: {path} (run python -m reconciler.schemas)", file=sys.stderr)
        if not outdated:
            print(f"up to date: {', '.join(str(d) for d in directories)}")
        return 1 if outdated else 0
    for directory in directories:
        for path in write(directory):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
