"""Renderers turn a plan into text for terminals, JSON, or Markdown for pull requests.

They only read the plan. Secret values never reach them: plans do not hold any.
"""
