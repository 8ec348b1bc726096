"""Configuration comes from the environment; a wrong value stops the start with one clear line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portfolio.core import env

ROOT = Path(__file__).resolve().parent.parent


def run_python(code, tmp_path, **variables):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"))
    }
    environment.update(VITRINE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="portfolio.settings")
    environment.update(variables)
    return subprocess.run(
        [sys.executable, *code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def setting(name, tmp_path, **variables):
    result = run_python(
        ["-c", f"from django.conf import settings; print(repr(settings.{name}))"],
        tmp_path,
        **variables,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_defaults_are_local_and_safe(tmp_path):
    assert setting("DEBUG", tmp_path) == "False"
    assert "sqlite3" in setting("DATABASES['default']['ENGINE']", tmp_path)
    assert "'transaction_mode': 'IMMEDIATE'" in setting("DATABASES['default']['OPTIONS']", tmp_path)
    assert "journal_mode=WAL" in setting("DATABASES['default']['OPTIONS']", tmp_path)
    assert "FileBasedCache" in setting("CACHES['default']['BACKEND']", tmp_path)
    assert setting("LANGUAGE_CODE", tmp_path) == "'fr'"
    assert "console" in setting("EMAIL_BACKEND", tmp_path)
    assert "'*'" not in setting("ALLOWED_HOSTS", tmp_path)


def test_urls_switch_to_postgresql_redis_and_smtp(tmp_path):
    variables = {
        "DATABASE_URL": "postgres://vitrine:secret@db.internal:5432/vitrine",
        "REDIS_URL": "redis://cache.internal:6379/1",
        "EMAIL_URL": "smtp://mailer:pw@mail.internal:587/?tls=True",
    }
    assert "postgresql" in setting("DATABASES['default']['ENGINE']", tmp_path, **variables)
    assert "RedisCache" in setting("CACHES['default']['BACKEND']", tmp_path, **variables)
    assert "smtp" in setting("EMAIL_BACKEND", tmp_path, **variables)
    assert setting("EMAIL_HOST", tmp_path, **variables) == "'mail.internal'"


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = setting("SECRET_KEY", tmp_path)
    second = setting("SECRET_KEY", tmp_path)
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
def test_a_wrong_value_stops_the_start_with_one_line_naming_it(tmp_path, name, value):
    result = run_python(["manage.py", "check"], tmp_path, **{name: value})
    assert result.returncode != 0
    message = result.stderr.strip()
    assert message.startswith("Configuration error:")
    assert name in message
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
