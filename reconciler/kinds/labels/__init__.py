"""Labels: the `labels:` block, and the label kind that plans and applies it."""

from reconciler.kinds.labels.block import LABELS_BLOCK
from reconciler.kinds.labels.kind import LABELS

__all__ = ["LABELS", "LABELS_BLOCK"]
