"""Talking to GitHub: the port the rest of the code depends on, and its PyGithub adapter."""
