"""Plans: computing them (read-only), and applying them (the only place that writes)."""
