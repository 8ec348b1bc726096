"""No lost writes under concurrency: bench/concurrency at a small count, in the suite.

gunicorn with 4 workers on a fresh SQLite file (or a scratch PostgreSQL
database when DATABASE_URL points to PostgreSQL); comment posts and contact
messages sent at once. The full run's figures (200 + 50) are in docs/security.md.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench.concurrency_run import run

COMMENTS, MESSAGES = 20, 5


@pytest.fixture
def database_url(monkeypatch):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        monkeypatch.delenv("DATABASE_URL", raising=False)
        yield None
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_concurrency_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    scratch = urlunsplit(parts._replace(path=f"/{name}"))
    monkeypatch.setenv("DATABASE_URL", scratch)
    yield scratch
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_concurrent_comments_and_messages_lose_nothing(database_url):
    # On SQLite the file is also held locked for 3 s as the posts start: they wait, none fails.
    ok, report = run(comments=COMMENTS, messages=MESSAGES, threads=12, workers=4, lock_seconds=3)
    assert report["server_errors"] == 0, report
    assert report["new_comments"] == COMMENTS, report
    assert report["new_messages"] == MESSAGES, report
    assert ok, report
    if database_url is None:
        assert report["database_locked_seconds"] >= 3
