"""Resource kinds: each knows how to observe, diff and apply one kind of GitHub object."""
