"""One function per CLI command. The click layer only parses options and calls these."""
