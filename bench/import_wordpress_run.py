"""The WordPress import benchmark behind bench/import_wordpress (issue 13, "Speed").

1. Generates a WordPress export with its media folder (bench/wordpress_export.py; kept in
   var/bench/ and reused while the generator and the sizes are the same).
2. In a fresh var dir (migrated SQLite, or DATABASE_URL: a throwaway database, emptied),
   runs `manage.py import_wordpress EXPORT --media-dir UPLOADS` as a child process three
   times: `--dry-run` on the empty site (must write nothing), the import, and the same
   import again (must change nothing). Each run's wall time and peak RSS come from
   os.wait4() on that child alone.
3. Prints the table; exits 1 when the import takes 2 minutes or more, peaks at 500 MB or
   more, a dry run wrote something, the second run added or removed a row or a file, or an
   email was sent.

    .venv/bin/python -m bench.import_wordpress_run [--small] [--posts 1000 --comments 10000
        --images 2000] [--profile] [--keep]
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import wordpress_export

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MAX_SECONDS = 120
MAX_MB = 500

# Every table's row count, the stored media files (not imagekit's renditions, made on
# demand), and when a post was last saved: a second run that re-saves rows shows there.
COUNT_CODE = """
import json, os
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Max
rows = {}
for model in apps.get_models():
    if model._meta.managed and not model._meta.proxy:
        try:
            with transaction.atomic():
                rows[model._meta.label] = model.objects.count()
        except DatabaseError:  # an app added to the shared tree since this site was migrated
            pass
files, size = 0, 0
for folder, subfolders, names in os.walk(settings.MEDIA_ROOT):
    subfolders[:] = [name for name in subfolders if name != "CACHE"]
    files += len(names)
    size += sum(os.path.getsize(os.path.join(folder, name)) for name in names)
Post = apps.get_model("blog", "Post")
latest = Post.objects.aggregate(latest=Max("modified_at"))["latest"]
covers = Post.objects.exclude(cover="").count()
print(json.dumps({"rows": rows, "media_files": files, "media_bytes": size, "covers": covers,
                  "posts_saved_at": latest.isoformat() if latest else None}))
"""
SAVED_SINCE_CODE = """
import json
from django.apps import apps
from django.utils.dateparse import parse_datetime
since = parse_datetime({since!r})
Post = apps.get_model("blog", "Post")
print(json.dumps({{"posts_resaved": Post.objects.filter(modified_at__gte=since).count()}}))
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_argument_group("export size")
    size.add_argument("--posts", type=int, default=wordpress_export.FULL["posts"])
    size.add_argument("--comments", type=int, default=wordpress_export.FULL["comments"])
    size.add_argument("--images", type=int, default=wordpress_export.FULL["images"])
    size.add_argument("--small", action="store_true", help=f"quick check: {wordpress_export.SMALL}")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--max-seconds", type=float, default=MAX_SECONDS)
    parser.add_argument("--max-mb", type=float, default=MAX_MB)
    parser.add_argument("--timeout", type=int, default=1800, help="kill a run after this long")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also import once more under pyinstrument (fresh var dir) and print the hot spots",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dirs")
    parser.add_argument("--output", help="also write the Markdown table to this file")
    return parser.parse_args()


# The export -------------------------------------------------------------------------------


def export_for(sizes, seed):
    """The generated export for these sizes, made once per version of the generator."""
    source = Path(wordpress_export.__file__).read_bytes()
    key = hashlib.sha256(source + json.dumps([sizes, seed]).encode()).hexdigest()[:12]
    name = f"wordpress-{sizes['posts']}p-{sizes['comments']}c-{sizes['images']}i-{key}"
    folder = ROOT / "var" / "bench" / name
    stamp = folder / "summary.json"
    if stamp.is_file():
        print(f"bench: reusing the export in {folder.relative_to(ROOT)}")
        return folder, json.loads(stamp.read_text()), None
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    summary = wordpress_export.generate(folder, seed=seed, **sizes)
    seconds = time.perf_counter() - started
    counts = wordpress_export.read(folder)
    data = {
        **summary.__dict__,
        "comments_kept": summary.comments_kept,
        "read_back": counts,
        "generated_in_seconds": round(seconds, 1),
    }
    stamp.write_text(json.dumps(data, indent=1))  # last: a half-made folder is made again
    print(
        f"bench: generated {folder.relative_to(ROOT)} in {seconds:.1f} s "
        f"({summary.bytes / 1e6:.1f} MB of XML, {summary.attachments} images, "
        f"{summary.media_bytes / 1e6:.1f} MB)"
    )
    return folder, data, seconds


# The site ---------------------------------------------------------------------------------


class Site:
    """A fresh var dir and the environment of every manage.py run against it."""

    def __init__(self, prefix):
        self.var_dir = Path(tempfile.mkdtemp(prefix=prefix))
        self.mail_dir = self.var_dir / "mail"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "MEDIA_ROOT", "EMAIL_URL", "VITRINE_VAR_DIR"))
        }
        self.env.update(
            VITRINE_VAR_DIR=str(self.var_dir),
            MEDIA_ROOT=str(self.var_dir / "media"),
            DJANGO_DEBUG="false",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            # Every email the import would send lands here as a file: there must be none.
            EMAIL_URL=f"file:///{self.mail_dir}",
            LOG_LEVEL="WARNING",
            # Manifest static storage is not needed to import, and collecting takes a minute.
            DJANGO_SETTINGS_MODULE="bench.settings_plain_static",
        )

    @property
    def database(self):
        url = self.env.get("DATABASE_URL")
        return f"PostgreSQL {url.rsplit('@', 1)[-1]}" if url else "SQLite"

    def manage(self, *arguments):
        result = subprocess.run(
            [PYTHON, "manage.py", *arguments],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(arguments)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def prepare(self):
        self.manage("migrate", "--noinput", "-v0")
        if self.env.get("DATABASE_URL"):
            self.manage("flush", "--noinput", "-v0")

    def counts(self):
        return json.loads(self.manage("shell", "-c", COUNT_CODE).splitlines()[-1])

    def posts_resaved_since(self, moment):
        code = SAVED_SINCE_CODE.format(since=moment.isoformat())
        return json.loads(self.manage("shell", "-c", code).splitlines()[-1])["posts_resaved"]

    def emails(self):
        return len(list(self.mail_dir.glob("*"))) if self.mail_dir.is_dir() else 0

    def measure(self, name, arguments, timeout, prefix=()):
        """Runs manage.py as a child; its wall time, its own peak RSS, exit status and output."""
        out = (self.var_dir / f"{name}.out").open("w")
        err = (self.var_dir / f"{name}.err").open("w")
        started = time.perf_counter()
        child = subprocess.Popen(
            [PYTHON, *prefix, "manage.py", *arguments],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        killer = threading.Timer(timeout, os.killpg, (child.pid, signal.SIGKILL))
        killer.start()
        try:
            # wait4 on this pid: the peak of this child (and what it waited for), not of
            # every child this script ever had.
            _pid, status, usage = os.wait4(child.pid, 0)
        finally:
            killer.cancel()
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.close()
        err.close()
        return {
            "seconds": seconds,
            "peak_mb": usage.ru_maxrss / 1024,  # Linux: kilobytes
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "status": child.returncode,
            "stdout": (self.var_dir / f"{name}.out").read_text(errors="replace"),
            "stderr": (self.var_dir / f"{name}.err").read_text(errors="replace"),
        }


def check_database_url():
    url = os.environ.get("DATABASE_URL", "")
    if url and not re.search(r"bench|perf|test", url.rsplit("/", 1)[-1]):
        sys.exit(
            "bench: DATABASE_URL must name a throwaway database (…bench…/…perf…): it is emptied"
        )


def changed(before, after):
    """Tables and media whose counts differ: {name: (before, after)}."""
    differences = {
        label: (before["rows"].get(label, 0), count)
        for label, count in after["rows"].items()
        if before["rows"].get(label, 0) != count
    }
    for key in ("media_files", "media_bytes"):
        if before[key] != after[key]:
            differences[key] = (before[key], after[key])
    return differences


def summary_counts(counts):
    rows = counts["rows"]
    return {
        "posts": rows.get("blog.Post", 0),
        "pages": rows.get("blog.Page", 0),
        "comments": rows.get("django_comments_xtd.XtdComment", 0),
        "covers": counts["covers"],
        "images in content": sum(
            rows.get(f"blog.{name}", 0)
            for name in ("Figure", "GalleryImage", "PageFigure", "PageGalleryImage")
        ),
        "media files": counts["media_files"],
    }


def load_average():
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def tail(text, lines=12):
    return "\n".join("    " + line for line in text.rstrip().splitlines()[-lines:])


# Profiling --------------------------------------------------------------------------------


def profile(arguments, timeout, keep):
    """One more import into a fresh site, under pyinstrument: the tree and the flat hot spots."""
    site = Site("vitrine-import-profile-")
    site.prepare()
    session = site.var_dir / "import.pyisession"
    run = site.measure(
        "profiled",
        arguments,
        timeout,
        prefix=("-m", "pyinstrument", "-r", "pyisession", "-o", str(session)),
    )
    print(f"\nbench: profiled import {run['seconds']:.1f} s (status {run['status']})")
    if run["status"]:
        print(tail(run["stderr"], 30))
        return
    for label, options, lines in (
        ("own time per function (flat)", ["-p", "flat=true", "-p", "time=percent_of_total"], 30),
        ("call tree", ["-p", "time=percent_of_total"], 120),
    ):
        rendered = subprocess.run(
            [PYTHON, "-m", "pyinstrument", "--load", str(session), "-r", "text", *options],
            capture_output=True,
            text=True,
        ).stdout
        (site.var_dir / f"profile-{options[1].split('=')[0]}.txt").write_text(rendered)
        print(f"\n--- {label} ---")
        print("\n".join(rendered.splitlines()[:lines]))
    print(f"\nbench: full profile in {site.var_dir}" if keep else "")
    if not keep:
        shutil.rmtree(site.var_dir, ignore_errors=True)


# Main -------------------------------------------------------------------------------------


def main():
    args = parse_args()
    check_database_url()
    sizes = (
        dict(wordpress_export.SMALL)
        if args.small
        else {"posts": args.posts, "comments": args.comments, "images": args.images}
    )
    export_dir, expected, generated_in = export_for(sizes, args.seed)
    export = export_dir / "export.xml"
    uploads = export_dir / "wp-content" / "uploads"
    arguments = ["import_wordpress", str(export), "--media-dir", str(uploads)]

    site = Site("vitrine-import-")
    load_before = load_average()
    print(f"bench: {site.database}, site in {site.var_dir}, load {load_before}")
    site.prepare()
    empty = site.counts()

    runs = {}
    failures = []
    for name, extra in (("dry run", ["--dry-run"]), ("import", []), ("second import", [])):
        if name == "second import":
            second_started = datetime.now(UTC)
        print(f"bench: {name}…", flush=True)
        run = site.measure(name.replace(" ", "-"), [*arguments, *extra], args.timeout)
        print(
            f"bench: {name}: {run['seconds']:.1f} s ({run['cpu_seconds']:.1f} s of CPU), "
            f"peak {run['peak_mb']:.0f} MB, exit status {run['status']}",
            flush=True,
        )
        run["counts"] = site.counts()
        runs[name] = run
        if run["status"]:
            failures.append(f"{name} exited with status {run['status']}")
            print(tail(run["stderr"], 30))
            break

    if not failures:
        print("bench: the import's report (last lines):")
        print(tail(runs["import"]["stdout"], 25))
        dry, first, second = runs["dry run"], runs["import"], runs["second import"]
        wrote = changed(empty, dry["counts"])
        if wrote:
            failures.append(f"the dry run wrote: {wrote}")
        duplicated = changed(first["counts"], second["counts"])
        if duplicated:
            failures.append(f"the second run changed counts: {duplicated}")
        resaved = site.posts_resaved_since(second_started)
        if first["seconds"] >= args.max_seconds:
            failures.append(
                f"import took {first['seconds']:.0f} s (target < {args.max_seconds:.0f})"
            )
        if first["peak_mb"] >= args.max_mb:
            failures.append(
                f"import peaked at {first['peak_mb']:.0f} MB (target < {args.max_mb:.0f})"
            )
        emails = site.emails()
        if emails:
            failures.append(f"the import sent {emails} email(s)")

        got = summary_counts(first["counts"])
        wanted = {
            "posts": sum(expected["posts"].values()),
            "pages": expected["pages"],
            "comments": expected["comments_kept"],
            "covers": expected["thumbnails"],
            "images in content": expected["images_in_content"],
            # Each image once, however many posts use it; attachments no post uses aside.
            "media files": expected["read_back"]["images referenced"],
        }
        print(
            "\nbench: in the export: "
            + ", ".join(f"{name} {value}" for name, value in wanted.items())
            + f" (+ {expected['comments'].get('trash', 0)} trashed comments and "
            f"{expected['comments'].get('pingback', 0) + expected['comments'].get('trackback', 0)}"
            " pings, to skip); imported: "
            + ", ".join(f"{name} {value}" for name, value in got.items())
        )
        if resaved:
            print(f"bench: warning: the second run saved {resaved} posts again (modified_at moved)")

        lines = [
            f"WordPress import, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {site.database}, "
            f"{os.cpu_count()} cores, load average before {load_before}",
            "",
            "| posts | comments | images | seconds (CPU) | peak MB | second-run seconds (CPU) | "
            "second-run peak MB | dry-run seconds (CPU) | dry-run peak MB |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {got['posts']} (+{got['pages']} pages) | {got['comments']} | "
            f"{got['images in content']} + {got['covers']} covers, {got['media files']} files | "
            f"{first['seconds']:.1f} ({first['cpu_seconds']:.1f}) | {first['peak_mb']:.0f} | "
            f"{second['seconds']:.1f} ({second['cpu_seconds']:.1f}) | {second['peak_mb']:.0f} | "
            f"{dry['seconds']:.1f} ({dry['cpu_seconds']:.1f}) | {dry['peak_mb']:.0f} |",
            "",
            f"Export: {sizes['posts']} posts, {sum(expected['comments'].values())} comments, "
            f"{expected['attachments']} images ({expected['bytes'] / 1e6:.1f} MB of XML, "
            f"{expected['media_bytes'] / 1e6:.1f} MB of media)"
            + (f", generated in {generated_in:.1f} s" if generated_in else "")
            + ". CPU: user + system seconds of the child (on a loaded machine, wall time is"
            f" mostly waiting for a core). Targets: < {args.max_seconds:.0f} s,"
            f" < {args.max_mb:.0f} MB, second run adds nothing.",
        ]
        print("\n" + "\n".join(lines))
        if args.output:
            Path(args.output).write_text("\n".join(lines) + "\n")

    if args.profile:
        profile(arguments, args.timeout, args.keep)
    if args.keep or failures:
        print(f"bench: site kept in {site.var_dir} (each run's output in *.out, *.err)")
    else:
        shutil.rmtree(site.var_dir, ignore_errors=True)
    if failures:
        print("\nbench: FAILED\n- " + "\n- ".join(failures))
        sys.exit(1)
    print("\nbench: all targets met")


if __name__ == "__main__":
    main()
