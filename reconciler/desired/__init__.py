"""Desired state: the YAML files that say what each repository must have."""
