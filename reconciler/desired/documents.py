"""The document models for a set of blocks: a desired-state file, its packs and its targets.

A pack, an organisation target and a repository target all hold the same blocks; which
blocks exist is the kinds registry's business, so the models are put together here from the
blocks handed in (once per set of blocks) rather than written out by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import ConfigDict, Field, create_model

from reconciler.desired.blocks import Block
from reconciler.desired.models import OrganizationLogin, PackNameField, PackRef, RepositorySlug, SelectSpec, StrictModel

ENTRY_KINDS = ("packs", "organizations", "repositories")


@dataclass(frozen=True)
class DocumentModels:
    """The pydantic models of one desired-state format: a file, and its three kinds of entry."""

    blocks: tuple[Block, ...]
    pack: type[StrictModel]
    organization: type[StrictModel]
    repository: type[StrictModel]
    document: type[StrictModel]

    def block(self, key: str) -> Block | None:
        return next((b for b in self.blocks if b.key == key), None)


def document_models(blocks: Sequence[Block]) -> DocumentModels:
    return _build(tuple(blocks))


@lru_cache(maxsize=8)
def _build(blocks: tuple[Block, ...]) -> DocumentModels:
    content: dict[str, Any] = {
        block.key: (block.spec | None, Field(default=None, description=block.description)) for block in blocks
    }
    pack = create_model(
        "PackSpec",
        __base__=StrictModel,
        __doc__="A named, reusable bundle of what repositories must have.",
        **content,
        name=(PackNameField, ...),
        description=(str, Field(default="", description="What the pack is for.")),
    )
    organization = create_model(
        "OrganizationSpec",
        __base__=StrictModel,
        __doc__="Packs and values for every repository of an organisation that the selector matches.",
        **content,
        organization=(OrganizationLogin, ...),
        select=(SelectSpec, Field(default_factory=SelectSpec, description="Which repositories.")),
        packs=(tuple[PackRef, ...], Field(default=(), description="Packs applied to every selected repository.")),
    )
    repository = create_model(
        "RepositorySpec",
        __base__=StrictModel,
        __doc__="What one repository must have: its packs, and values that override them.",
        **content,
        repository=(RepositorySlug, ...),
        packs=(tuple[PackRef, ...], Field(default=(), description="Packs applied to this repository.")),
    )

    class _DocumentBase(StrictModel):
        model_config = ConfigDict(extra="forbid", frozen=True, title="reconciler desired state")

    document = create_model(
        "DocumentSpec",
        __base__=_DocumentBase,
        __doc__="One YAML file under desired-state/.",
        version=(Literal[1], Field(default=1, description="Format version of this file.")),
        packs=(tuple[pack, ...], Field(default=(), description="Reusable bundles (usually in packs/).")),  # type: ignore[valid-type]
        organizations=(
            tuple[organization, ...],  # type: ignore[valid-type]
            Field(
                default=(), description="Organisation-wide targets: a selector over the live repositories, and packs."
            ),
        ),
        repositories=(
            tuple[repository, ...],  # type: ignore[valid-type]
            Field(default=(), description="Repositories and what each must have."),
        ),
    )
    return DocumentModels(blocks, pack, organization, repository, document)
