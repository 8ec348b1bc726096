"""What every app shares: settings readers, the page cache, security middleware, safe uploads,
media serving, crawler files, error pages and the operations commands.

It imports no app (an import-linter contract in pyproject.toml keeps that true): an app that has
something to tell it registers a hook from its own `apps.py`.
"""
