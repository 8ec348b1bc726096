"""One dated archive holding a consistent database snapshot and the uploaded files.

Safe while the site runs: SQLite is copied with its online backup API (a
single, consistent read of the whole file, WAL included, while writers go on),
PostgreSQL with `pg_dump -Fc` (one snapshot transaction). `dumpdata` is not a
backup: it loses microseconds and cannot restore the Site row it duplicates.

Media on a bucket are copied into the archive too, object by object, under the same
`media/` folder as files on disk: one archive brings a site back whatever its storage
(and moves it from disk to a bucket or back). Object names never change once written,
so an object listed after the database snapshot is at worst one the snapshot does not use.
"""

import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

from portfolio.core.storage import MediaStorage, bucket_objects, open_object

FORMAT_VERSION = 1


def postgres_environment(database):
    """libpq's own variables, so no password appears on a command line."""
    variables = {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database["NAME"],
    }
    return {**os.environ, **{key: value for key, value in variables.items() if value}}


def snapshot_sqlite(database, target):
    source = sqlite3.connect(database["NAME"], timeout=30)
    try:
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)  # all pages in one step: one consistent read
        destination.close()
    finally:
        source.close()


def snapshot_postgresql(database, target):
    result = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
        env=postgres_environment(database),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise CommandError(f"pg_dump failed: {result.stderr.strip()}")


def add_bucket(tar, storage):
    for name, size, modified in bucket_objects(storage):
        member = tarfile.TarInfo(f"media/{name}")
        member.size = size
        member.mtime = int(modified.timestamp())
        member.mode = 0o644
        with open_object(storage, name) as stream:
            tar.addfile(member, stream)


class Command(BaseCommand):
    help = "Write one dated .tar.gz with a consistent database snapshot and the media files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=None,
            help="Where to write the archive (default: VITRINE_VAR_DIR/backups).",
        )

    def handle(self, *args, output_dir=None, **options):
        database = settings.DATABASES[DEFAULT_DB_ALIAS]
        vendor = connections[DEFAULT_DB_ALIAS].vendor
        if vendor not in ("sqlite", "postgresql"):
            raise CommandError(f"No backup method for the {vendor} database.")
        directory = Path(output_dir) if output_dir else Path(settings.VAR_DIR) / "backups"
        directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        archive = directory / f"vitrine-{stamp}.tar.gz"
        counter = 1
        while archive.exists():
            counter += 1
            archive = directory / f"vitrine-{stamp}-{counter}.tar.gz"

        with tempfile.TemporaryDirectory(prefix="vitrine-backup-") as work:
            work = Path(work)
            if vendor == "sqlite":
                snapshot = work / "db.sqlite3"
                snapshot_sqlite(database, snapshot)
            else:
                snapshot = work / "db.dump"
                snapshot_postgresql(database, snapshot)
            manifest = {
                "format": FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(),
                "database": vendor,
                "database_file": snapshot.name,
                "django": django.get_version(),
                "migrations": sorted(
                    f"{app}.{name}"
                    for app, name in MigrationRecorder(
                        connections[DEFAULT_DB_ALIAS]
                    ).migration_qs.values_list("app", "name")
                ),
            }
            (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
            media = Path(settings.MEDIA_ROOT)
            # Written next to its final name, renamed when complete: never a half archive.
            partial = archive.with_name(archive.name + ".partial")
            try:
                with tarfile.open(partial, "w:gz") as tar:
                    tar.add(work / "manifest.json", arcname="manifest.json")
                    tar.add(snapshot, arcname=snapshot.name)
                    if isinstance(default_storage, MediaStorage):
                        add_bucket(tar, default_storage)
                    elif media.is_dir():
                        tar.add(media, arcname="media")
                partial.rename(archive)
            except OSError as error:
                partial.unlink(missing_ok=True)
                raise CommandError(
                    f"Could not write {archive}: {error.strerror or error}"
                ) from None
        size = archive.stat().st_size / 1024 / 1024
        self.stdout.write(f"{archive} ({size:.1f} MB)")
