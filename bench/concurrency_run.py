"""Concurrent comment posts and contact messages against gunicorn: no 5xx, no lost row.

Each simulated visitor has its own cookie jar: it fetches the page (CSRF cookie,
the comment form's timestamp and security hash, the contact form's signed start
time), fills the form and posts it, all visitors at once. The anti-flood and
rate limits are switched off through their environment variables, since every
visitor here comes from 127.0.0.1; the rows are counted before and after.

    .venv/bin/python -m bench.concurrency_run --comments 200 --messages 50
"""

import argparse
import http.cookiejar
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

COUNT_CODE = """
import json
from django_comments_xtd.models import XtdComment
from portfolio.models import ContactMessage
from blog.models import Post
post = Post.objects.published().filter(is_open_for_comments=True).order_by("-published_at").first()
print(json.dumps({
    "comments": XtdComment.objects.count(),
    "messages": ContactMessage.objects.count(),
    "post_url": post.get_absolute_url() if post else None,
}))
"""


class FormParser(HTMLParser):
    """Every <form> with its action and the values a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif not self.forms:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "image"):
                self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self.forms[-1]["fields"][self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path, data=None):
        url = urllib.parse.urljoin(self.base, path)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def form(self, path, marker):
        status, html = self.request(path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        parser = FormParser()
        parser.feed(html)
        for form in parser.forms:
            if marker in form["fields"]:
                return form
        raise RuntimeError(f"no form with a {marker!r} field on {path}")


def post_comment(base, post_url, number):
    visitor = Visitor(base)
    form = visitor.form(post_url, "security_hash")
    fields = dict(form["fields"])
    fields.update(
        name=f"Visitor {number}",
        email=f"visitor{number}@example.net",
        url="",
        comment=f"Comment number {number}: does every write survive?",
    )
    fields.pop("honeypot", None)
    fields["honeypot"] = ""
    started = time.perf_counter()
    status, _body = visitor.request(form["action"] or post_url, fields)
    return "comment", status, time.perf_counter() - started


def send_message(base, number):
    visitor = Visitor(base)
    form = visitor.form("/contact/", "started")
    fields = dict(form["fields"])
    fields.update(
        name=f"Recruiter {number}",
        email=f"recruiter{number}@example.com",
        organization="Example SA",
        subject=f"Assignment {number}",
        message=f"Message number {number}: a six-month product assignment in Lyon.",
        website="",
    )
    started = time.perf_counter()
    status, _body = visitor.request(form["action"] or "/contact/", fields)
    return "message", status, time.perf_counter() - started


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def hold_lock(database_file, seconds, held):
    """Keep the SQLite file locked for `seconds`, as a long admin save or a backup might."""
    import sqlite3

    connection = sqlite3.connect(database_file, timeout=30, isolation_level=None)
    try:
        connection.execute("BEGIN EXCLUSIVE")
        started = time.perf_counter()
        time.sleep(seconds)
        connection.execute("COMMIT")
        held.append(round(time.perf_counter() - started, 2))
    finally:
        connection.close()


def run(comments, messages, threads, workers, keep=False, lock_seconds=0):
    """Returns (ok, report). `lock_seconds`: on SQLite, hold the file locked as the flood starts."""
    var_dir = Path(tempfile.mkdtemp(prefix="vitrine-concurrency-"))
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MEDIA_ROOT", "EMAIL_URL"))
    }
    environment.update(
        VITRINE_VAR_DIR=str(var_dir),
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Every visitor here is 127.0.0.1: the per-address limits would refuse most posts.
        COMMENTS_FLOOD_SECONDS="0",
        COMMENTS_MIN_FILL_SECONDS="0",
        CONTACT_MIN_FILL_SECONDS="0",
        CONTACT_RATE_LIMIT="1000000",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="bench.settings_plain_static",
    )
    database = environment.get("DATABASE_URL") or f"SQLite {var_dir / 'db.sqlite3'}"

    def manage(*arguments):
        result = subprocess.run(
            [PYTHON, "manage.py", *arguments],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(arguments)} failed:\n{result.stderr}")
        return result.stdout

    log = var_dir / "gunicorn.log"
    server = None
    try:
        manage("migrate", "--noinput", "-v0")
        manage("demo", "--if-empty")
        before = json.loads(manage("shell", "-c", COUNT_CODE).splitlines()[-1])
        if not before["post_url"]:
            raise RuntimeError("no published post open for comments")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "portfolio.wsgi",
                f"--bind=127.0.0.1:{port}",
                f"--workers={workers}",
                "--timeout=120",
            ],
            cwd=ROOT,
            env=environment,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_up(base, server)

        jobs = [("comment", n) for n in range(comments)] + [("message", n) for n in range(messages)]
        random.Random(8).shuffle(jobs)
        held, locker = [], None
        if lock_seconds and not environment.get("DATABASE_URL"):
            import threading

            locker = threading.Thread(
                target=hold_lock, args=(var_dir / "db.sqlite3", lock_seconds, held)
            )
            locker.start()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            futures = [
                pool.submit(post_comment, base, before["post_url"], n)
                if kind == "comment"
                else pool.submit(send_message, base, n)
                for kind, n in jobs
            ]
            results, failures = [], []
            for future in futures:
                try:
                    results.append(future.result())
                except Exception as error:  # a GET that failed: reported below
                    failures.append(str(error))
        elapsed = time.perf_counter() - started
        if locker:
            locker.join()
        after = json.loads(manage("shell", "-c", COUNT_CODE).splitlines()[-1])
    finally:
        if server and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)

    statuses = Counter(f"{kind} {status}" for kind, status, _seconds in results)
    latencies = sorted(seconds for _kind, _status, seconds in results)
    server_errors = sum(1 for _kind, status, _seconds in results if status >= 500)
    new_comments = after["comments"] - before["comments"]
    new_messages = after["messages"] - before["messages"]
    report = {
        "database": database.split("@")[-1],
        "workers": workers,
        "threads": threads,
        "comments_sent": comments,
        "messages_sent": messages,
        "new_comments": new_comments,
        "new_messages": new_messages,
        "server_errors": server_errors,
        "failed_form_fetches": len(failures),
        "statuses": dict(sorted(statuses.items())),
        "database_locked_seconds": held[0] if held else 0,
        "seconds": round(elapsed, 2),
        "posts_per_second": round(len(results) / elapsed, 1) if elapsed else None,
        "post_latency_ms": {
            "median": round(statistics.median(latencies) * 1000) if latencies else None,
            "p95": round(latencies[int(len(latencies) * 0.95) - 1] * 1000) if latencies else None,
            "max": round(latencies[-1] * 1000) if latencies else None,
        },
    }
    ok = (
        server_errors == 0
        and not failures
        and new_comments == comments
        and new_messages == messages
    )
    if not ok:
        report["gunicorn_log_tail"] = log.read_text()[-3000:]
        report["form_fetch_errors"] = failures[:5]
    if not keep:
        shutil.rmtree(var_dir, ignore_errors=True)
    return ok, report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=200)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir")
    parser.add_argument(
        "--lock-seconds",
        type=float,
        default=0,
        help="SQLite: hold the database locked this long as the posts start",
    )
    options = parser.parse_args()
    ok, report = run(
        options.comments,
        options.messages,
        options.threads,
        options.workers,
        options.keep,
        options.lock_seconds,
    )
    print(json.dumps(report, indent=2))
    print("OK: no 5xx, no lost row" if ok else "FAILED", file=sys.stderr)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
