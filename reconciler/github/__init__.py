"""Talking to GitHub: the generic port the rest of the code depends on (`port`), the operations
several places share on it (`repositories`, `account`, `issues`, `git_data`), a reader that
remembers (`remembering`), and the HTTP client that implements the port (`http`)."""
