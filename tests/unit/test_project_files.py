"""The files a person reads before installing: the licence is Apache-2.0 and the package
metadata says so, the changelog has an Unreleased section in Keep a Changelog form, and the
distribution is `github-reconciler` while the command is `reconciler`."""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# Keep a Changelog's kinds of change (https://keepachangelog.com/en/1.1.0/).
CHANGE_KINDS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
APACHE_SECTIONS = [
    "1. Definitions.",
    "2. Grant of Copyright License.",
    "3. Grant of Patent License.",
    "4. Redistribution.",
    "5. Submission of Contributions.",
    "6. Trademarks.",
    "7. Disclaimer of Warranty.",
    "8. Limitation of Liability.",
    "9. Accepting Warranty or Additional Liability.",
]


def project() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        table: dict[str, Any] = tomllib.load(file)["project"]
    return table


def test_the_licence_is_the_whole_apache_2_0_text() -> None:
    lines = [line.strip() for line in (ROOT / "LICENSE").read_text().splitlines() if line.strip()]
    assert lines[:3] == ["Apache License", "Version 2.0, January 2004", "http://www.apache.org/licenses/"]
    text = " ".join(lines)
    positions = [text.find(section) for section in APACHE_SECTIONS]
    assert -1 not in positions, [s for s, at in zip(APACHE_SECTIONS, positions, strict=True) if at == -1]
    assert positions == sorted(positions)
    assert text.find("END OF TERMS AND CONDITIONS") > positions[-1]


def test_the_package_metadata_declares_apache_2_0() -> None:
    metadata = project()
    declared = metadata["license"]
    # PEP 639's SPDX string, or the older table form.
    assert (declared if isinstance(declared, str) else declared.get("text")) == "Apache-2.0"
    licences = [c for c in metadata.get("classifiers", []) if c.startswith("License ::")]
    assert licences in ([], ["License :: OSI Approved :: Apache Software License"])


def test_the_changelog_opens_with_an_unreleased_section_in_keep_a_changelog_form() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    assert text.startswith("# Changelog\n")
    assert "keepachangelog.com" in text
    releases = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert releases[0] == "[Unreleased]", releases
    for release in releases[1:]:
        # A released version: [X.Y.Z], with its date when it has one.
        assert re.fullmatch(r"\[\d+\.\d+\.\d+\](?: - \d{4}-\d{2}-\d{2})?", release), release
    unreleased = text.split("## [Unreleased]\n", 1)[1].split("\n## ", 1)[0]
    kinds = re.findall(r"^### (.+)$", unreleased, flags=re.MULTILINE)
    assert kinds and set(kinds) <= CHANGE_KINDS, kinds
    assert re.search(r"^- \S", unreleased, flags=re.MULTILINE), "the Unreleased section lists no change"


def test_the_distribution_is_github_reconciler_and_the_command_is_reconciler() -> None:
    metadata = project()
    assert metadata["name"] == "github-reconciler"
    assert metadata["scripts"] == {"reconciler": "reconciler.cli:main"}
    module, _, name = metadata["scripts"]["reconciler"].partition(":")
    assert callable(getattr(importlib.import_module(module), name))
