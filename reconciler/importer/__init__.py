"""reconciler import: desired state written from what repositories already have."""
