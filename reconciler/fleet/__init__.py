"""The fleet at a glance and its alerts: `reconciler status` and `reconciler monitor`.

Pure, like `checks`: the commands read GitHub (the plan, workflow runs, a file, labelled pull
requests) and hand the facts in; this package judges them, renders them (text, Markdown, a
self-contained HTML page) and words the alert a failing agent loop raises.
"""
