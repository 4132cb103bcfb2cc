"""Publishing plans where people look: one pull-request comment, one drift issue.

Each is found again by a hidden marker in its body, never by its title, and updated in
place, so re-running never leaves a second copy behind.
"""
