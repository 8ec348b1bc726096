"""Bring back an archive made by `manage.py backup`: the database, then the media files.

The current media folder is kept aside (renamed `<media>.before-restore-<time>`),
never deleted; stop the site (or accept that visitors see the old state until
the command ends) before restoring. On a bucket, the archive's objects are written
back under their names, and objects the archive does not hold are left in place
(the restored database does not use them) and counted.
"""

import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from portfolio.core.management.commands.backup import FORMAT_VERSION, postgres_environment
from portfolio.core.storage import MediaStorage, bucket_objects, put_object


def restore_sqlite(snapshot, database):
    target = Path(database["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(snapshot)
    try:
        # The backup API writes through SQLite's own locking and WAL: safe even
        # if a worker still has the file open, unlike copying the file over it.
        destination = sqlite3.connect(target, timeout=30)
        source.backup(destination)
        destination.close()
    finally:
        source.close()


def restore_postgresql(snapshot, database):
    result = subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={database['NAME']}",
            str(snapshot),
        ],
        env=postgres_environment(database),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise CommandError(f"pg_restore failed: {result.stderr.strip()}")


def safe_members(tar):
    """Archive members that stay inside the extraction folder (no absolute paths, no '..', no links)."""
    for member in tar.getmembers():
        parts = Path(member.name).parts
        if member.name.startswith("/") or ".." in parts or not (member.isfile() or member.isdir()):
            raise CommandError(f"Refusing a suspicious archive member: {member.name!r}")
        yield member


class Command(BaseCommand):
    help = "Restore the database and media files from an archive made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Path to a vitrine-YYYYMMDD-HHMMSS.tar.gz file.")

    def handle(self, *args, archive, **options):
        archive = Path(archive)
        if not archive.is_file():
            raise CommandError(f"No such archive: {archive}")
        database = settings.DATABASES[DEFAULT_DB_ALIAS]
        vendor = connections[DEFAULT_DB_ALIAS].vendor
        with tempfile.TemporaryDirectory(prefix="vitrine-restore-") as work:
            work = Path(work)
            try:
                with tarfile.open(archive, "r:gz") as tar:
                    tar.extractall(work, members=safe_members(tar), filter="data")
            except (tarfile.TarError, EOFError, OSError) as error:
                raise CommandError(f"{archive} is not a readable backup: {error}") from None
            try:
                manifest = json.loads((work / "manifest.json").read_text())
            except (OSError, ValueError):
                raise CommandError(f"{archive} has no manifest: not a Vitrine backup.") from None
            if manifest.get("format") != FORMAT_VERSION:
                raise CommandError(f"Unknown backup format {manifest.get('format')!r}.")
            if manifest["database"] != vendor:
                raise CommandError(
                    f"This archive holds a {manifest['database']} database; "
                    f"DATABASE_URL points to {vendor}."
                )

            connections.close_all()
            snapshot = work / manifest["database_file"]
            if vendor == "sqlite":
                restore_sqlite(snapshot, database)
            else:
                restore_postgresql(snapshot, database)

            if isinstance(default_storage, MediaStorage):
                left = restore_bucket(work / "media", default_storage)
                kept = None
            else:
                kept = restore_folder(work / "media", Path(settings.MEDIA_ROOT))
                left = 0

        for cache in caches.all(initialized_only=False):
            cache.clear()  # pages and counts rendered from the old data
        self.stdout.write(f"Restored {archive.name} (made {manifest['created_at']}).")
        if kept:
            self.stdout.write(f"The previous media files are kept in {kept}.")
        if left:
            self.stdout.write(
                f"{left} object(s) of the bucket are not in the archive and were left there."
            )


def restore_folder(source, media):
    """The archive's media folder in place of MEDIA_ROOT; returns where the old one is kept."""
    kept = None
    if media.exists() and any(media.iterdir()):
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        kept = media.with_name(f"{media.name}.before-restore-{stamp}")
        media.rename(kept)
    if source.is_dir():
        shutil.copytree(source, media, dirs_exist_ok=True)
    else:
        media.mkdir(parents=True, exist_ok=True)
    return kept


def restore_bucket(source, storage):
    """The archive's media written to the bucket; returns how many other objects it holds."""
    restored = set()
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.is_file():
                name = path.relative_to(source).as_posix()
                put_object(storage, name, path)
                restored.add(name)
    return sum(1 for name, _size, _modified in bucket_objects(storage) if name not in restored)
