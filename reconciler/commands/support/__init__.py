"""What several commands share: reaching GitHub, exit codes, the confirm-then-apply flow. Never a command itself."""
