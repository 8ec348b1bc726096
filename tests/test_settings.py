"""Configuration comes from the environment; a wrong value stops the start with one clear line.

The settings module is run afresh in this process for each environment (no Python process
started per case); one `manage.py` run checks how a wrong value is shown at the start.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portfolio.core import env

ROOT = Path(__file__).resolve().parent.parent
# What the deployment sets; the test's own environment must not leak into a case.
DEPLOYMENT_VARIABLES = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL")


def clean_environment(tmp_path, **variables):
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(DEPLOYMENT_VARIABLES)
    }
    environment.update(VITRINE_VAR_DIR=str(tmp_path), **variables)
    return environment


def load_settings(monkeypatch, tmp_path, **variables):
    """A new copy of portfolio/settings.py, run with only `variables` set (the live one is untouched)."""
    for key in list(os.environ):
        monkeypatch.delenv(key)
    for key, value in clean_environment(tmp_path, **variables).items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.find_spec("portfolio.settings")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_defaults_are_local_and_safe(monkeypatch, tmp_path):
    settings = load_settings(monkeypatch, tmp_path)
    assert settings.DEBUG is False
    database = settings.DATABASES["default"]
    assert "sqlite3" in database["ENGINE"]
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in repr(database["OPTIONS"])
    assert "FileBasedCache" in settings.CACHES["default"]["BACKEND"]
    assert settings.LANGUAGE_CODE == "fr"
    assert "console" in settings.EMAIL_BACKEND
    assert "*" not in settings.ALLOWED_HOSTS


def test_urls_switch_to_postgresql_redis_and_smtp(monkeypatch, tmp_path):
    settings = load_settings(
        monkeypatch,
        tmp_path,
        DATABASE_URL="postgres://vitrine:secret@db.internal:5432/vitrine",
        REDIS_URL="redis://cache.internal:6379/1",
        EMAIL_URL="smtp://mailer:pw@mail.internal:587/?tls=True",
    )
    assert "postgresql" in settings.DATABASES["default"]["ENGINE"]
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    assert "smtp" in settings.EMAIL_BACKEND
    assert settings.EMAIL_HOST == "mail.internal"


def test_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path):
    first = load_settings(monkeypatch, tmp_path).SECRET_KEY
    second = load_settings(monkeypatch, tmp_path).SECRET_KEY
    assert first == second
    assert len(first) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("DATABASE_URL", "nonsense://somewhere"),
        ("REDIS_URL", "http://cache.internal"),
        ("LANGUAGE_CODE", "de"),
        ("MAX_UPLOAD_MB", "ten"),
        ("SITE_URL", "example.com"),
        ("DJANGO_SECRET_KEY", "short"),
    ],
)
def test_a_wrong_value_stops_the_start_with_one_line_naming_it(monkeypatch, tmp_path, name, value):
    with pytest.raises(ImproperlyConfigured) as error:
        load_settings(monkeypatch, tmp_path, **{name: value})
    # What manage.py prints of it (the next test runs manage.py itself once).
    message = f"Configuration error: {error.value}"
    assert name in message
    assert len(message.splitlines()) == 1


def test_manage_py_shows_a_wrong_value_as_one_line_without_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean_environment(
            tmp_path, DJANGO_SETTINGS_MODULE="portfolio.settings", MAX_UPLOAD_MB="ten"
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    message = result.stderr.strip()
    assert message.startswith("Configuration error:")
    assert "MAX_UPLOAD_MB" in message
    assert "Traceback" not in message
    assert len(message.splitlines()) == 1


def test_readers(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "Yes")
    monkeypatch.setenv("SOME_LIST", " a.example , b.example ,")
    monkeypatch.setenv("SOME_NUMBER", "-3")
    assert env.get_bool("SOME_FLAG") is True
    assert env.get_list("SOME_LIST") == ["a.example", "b.example"]
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be at least 0"):
        env.get_int("SOME_NUMBER", 1, minimum=0)
