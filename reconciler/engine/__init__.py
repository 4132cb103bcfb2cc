"""Planning and applying: turns the effective desired state and live GitHub into a plan, and a plan into writes."""
