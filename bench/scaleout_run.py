"""Two app servers behind one address, checked from outside (README: "Beyond one machine").

Started by `bench/scaleout`, which gives it a time limit and cleans up after it:

- a throw-away PostgreSQL database, a Redis database of its own (SCALEOUT_REDIS_DB, flushed),
  moto's S3 server with a public-read bucket;
- `migrate` and `demo` once, a staff user with an authenticator app (TOTP device);
- two gunicorn servers with one environment (secret key, DATABASE_URL, REDIS_URL, AWS_*)
  on two free ports, the email worker (`manage.py db_worker`), and HAProxy on a third
  port balancing them, with `GET /healthz` as its health check.

Each check prints one `PASS …` or `FAIL …` line; the last line is
`scale-out: N passed, M failed`, and the exit status is 1 on any failure. Visitors come from
different loopback source addresses (127.0.x.y), all to 127.0.0.1: HAProxy adds the
X-Forwarded-For that TRUSTED_PROXY_COUNT=1 trusts, so the per-address limits see visitors.
"""

import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path

import boto3
from django_otp.oath import totp
from PIL import Image, ImageDraw

from bench.concurrency_run import FormParser

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYTHON = sys.executable
# The email worker beside the servers, as `make run` starts it.
WORKER = [PYTHON, "manage.py", "db_worker", "--no-reload"]
ROUNDS = int(os.environ.get("SCALEOUT_ROUNDS", "6"))
CONCURRENT_POSTS = 8
CONTACT_RATE_LIMIT = 3
FAILOVER_REQUESTS = 40
# HAProxy's health check: every second, down after 3 misses, up after 1 answer.
CHECK_INTER_S, CHECK_FALL, CHECK_RISE = 1, 3, 1
STAFF = ("scaleout", "scaleout-" + secrets.token_urlsafe(12))

SETUP_CODE = """
import json
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from blog.models import Post
username, password = {staff!r}
user = get_user_model().objects.create_superuser(username, "scaleout@example.com", password)
device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
post = Post.objects.published().filter(is_open_for_comments=True).order_by("-published_at").first()
print(json.dumps({{"key": device.key, "post_url": post.get_absolute_url()}}))
"""

QUEUE_CODE = """
import json
from collections import Counter
from django_tasks_db.models import DBTaskResult
print(json.dumps(Counter(DBTaskResult.objects.values_list("status", flat=True))))
"""

CLIENT_IP_CODE = """
import json
from portfolio.models import ContactMessage
print(json.dumps(list(ContactMessage.objects.values_list("ip_address", flat=True))))
"""


# Plumbing ---------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """A visitor: its own cookies, its own source address, plain HTTP/1.1 to 127.0.0.1."""

    def __init__(self, source="127.0.0.1"):
        self.source = source
        self.cookies = {}

    def request(self, port, method, path, fields=None, files=None, headers=None, timeout=60):
        headers = dict(headers or {})
        body = None
        if files:
            boundary = uuid.uuid4().hex
            body = multipart(fields or {}, files, boundary)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=timeout, source_address=(self.source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, content.decode(errors="replace")

    def get(self, port, path, **options):
        return self.request(port, "GET", path, **options)

    def post(self, port, path, fields, **options):
        return self.request(port, "POST", path, fields=fields, **options)

    def form(self, port, path, marker):
        """The fields of the form on `path` that has a `marker` field, and its action."""
        status, _headers, html = self.get(port, path)
        if status != 200:
            raise RuntimeError(f"GET {path} on :{port} answered {status}")
        parser = FormParser()
        parser.feed(html)
        for form in parser.forms:
            if marker in form["fields"]:
                return dict(form["fields"]), form["action"] or path
        raise RuntimeError(f"no form with a {marker!r} field on {path}")


def multipart(fields, files, boundary):
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(f"{value}\r\n".encode())
    for name, (filename, content_type, data) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue()


def last_json(output):
    """The JSON a `manage.py shell -c` snippet printed last (the demo may print before)."""
    return json.loads(output.strip().splitlines()[-1])


def location_path(headers):
    return urllib.parse.urlsplit(headers.get("Location", "")).path


class Stack:
    """The processes of the run, each in its own session so that one can be killed whole."""

    def __init__(self, work, environment):
        self.work = work
        self.environment = environment
        self.processes = {}
        # bench/scaleout kills whatever is listed here if this process dies without cleaning.
        self.pid_file = Path(os.environ.get("SCALEOUT_PID_FILE", work / "pids"))

    def start(self, name, command):
        log = (self.work / f"{name}.log").open("w")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        with self.pid_file.open("a") as pids:
            pids.write(f"{process.pid}\n")
        return process

    def kill(self, name, sig=signal.SIGKILL):
        process = self.processes.get(name)
        if process and process.poll() is None:
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                pass
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)

    def stop_all(self):
        for name in reversed(list(self.processes)):
            self.kill(name, signal.SIGTERM)

    def log_tail(self, name, characters=1500):
        path = self.work / f"{name}.log"
        return path.read_text(errors="replace")[-characters:] if path.exists() else ""

    def manage(self, *arguments, timeout=600):
        result = subprocess.run(
            [PYTHON, "manage.py", *arguments],
            cwd=ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(arguments)} failed:\n{result.stderr[-3000:]}")
        return result.stdout


def wait_for(predicate, seconds, what, interval=0.25):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(interval)
    raise RuntimeError(f"{what}: not within {seconds} s")


def haproxy_status(socket_path):
    """{server name: status} of the `app` backend, from HAProxy's stats socket."""
    with socket.socket(socket.AF_UNIX) as stats:
        stats.settimeout(5)
        stats.connect(str(socket_path))
        stats.sendall(b"show stat\n")
        data = b""
        while chunk := stats.recv(65536):
            data += chunk
    lines = data.decode().splitlines()
    header = lines[0].lstrip("# ").split(",")
    rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
    return {
        row["svname"]: row["status"]
        for row in rows
        if row.get("pxname") == "app" and row["svname"] not in ("BACKEND", "FRONTEND")
    }


HAPROXY_CONFIG = """
global
    maxconn 512
    stats socket {socket} mode 600 level admin

defaults
    mode http
    timeout connect 5s
    timeout client 90s
    timeout server 90s
    # A loaded machine may take seconds to answer /healthz: a slow answer is not a dead server.
    timeout check 10s
    option forwardfor
    # A connection refused by a server that just died is tried once more on the other.
    retries 2
    option redispatch

frontend site
    bind 127.0.0.1:{port}
    default_backend app

backend app
    balance roundrobin
    option httpchk GET /healthz
    http-check send hdr Host 127.0.0.1
    http-check expect status 200
    default-server check inter {inter}s fall {fall} rise {rise}
    server a 127.0.0.1:{port_a}
    server b 127.0.0.1:{port_b}
"""


def test_image():
    """A photo-like JPEG, big enough for every rendition."""
    image = Image.new("RGB", (1700, 1100), (40, 90, 140))
    draw = ImageDraw.Draw(image)
    for step in range(0, 1700, 40):
        draw.rectangle([step, 0, step + 20, 1100], fill=(step % 255, 120, 200 - step % 200))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


# The run ------------------------------------------------------------------------------------


class Run:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, function):
        started = time.monotonic()
        try:
            ok, detail = function()
        except Exception as error:  # a check that crashed is a failed check, and says why
            ok, detail = False, f"{type(error).__name__}: {error}"
        seconds = time.monotonic() - started
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail} ({seconds:.1f} s)", flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        return ok


def main():
    total = int(os.environ.get("SCALEOUT_TIMEOUT", "300"))
    # Raised in the main thread, so `finally` below stops everything before the wrapper's kill.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("scale-out: stopped (SIGTERM)"))
    signal.signal(signal.SIGALRM, lambda *_: sys.exit(f"scale-out: over {total} s, stopped"))
    signal.alarm(total)

    database = os.environ.get("SCALEOUT_DATABASE", f"vitrine_scaleout_{os.getpid()}")
    redis_db = int(os.environ.get("SCALEOUT_REDIS_DB", "9"))
    pg_url = os.environ.get("SCALEOUT_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    work = Path(tempfile.mkdtemp(prefix="vitrine-scaleout-"))
    port_a, port_b, port_lb, port_s3 = (free_port() for _ in range(4))
    s3_url = f"http://127.0.0.1:{port_s3}"
    bucket = "vitrine-scaleout"
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AWS_", "MEDIA_ROOT", "EMAIL_URL", "SITE_URL"))
    }
    environment.update(
        VITRINE_VAR_DIR=str(work / "var"),
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{port_lb}",
        DJANGO_CSRF_TRUSTED_ORIGINS=",".join(
            f"http://127.0.0.1:{port}" for port in (port_lb, port_a, port_b)
        ),
        DATABASE_URL=f"{pg_url}/{database}",
        REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
        AWS_STORAGE_BUCKET_NAME=bucket,
        AWS_S3_ENDPOINT_URL=s3_url,
        AWS_ACCESS_KEY_ID="vitrine-scaleout",
        AWS_SECRET_ACCESS_KEY="vitrine-scaleout-secret",
        AWS_S3_REGION_NAME="us-east-1",
        # HAProxy is the one proxy in front: its X-Forwarded-For entry is the visitor.
        TRUSTED_PROXY_COUNT="1",
        # Scripted visitors fill forms at once; the limits under test stay on.
        COMMENTS_MIN_FILL_SECONDS="0",
        CONTACT_MIN_FILL_SECONDS="0",
        CONTACT_RATE_LIMIT=str(CONTACT_RATE_LIMIT),
        COMMENTS_FLOOD_SECONDS="60",
        LOG_LEVEL="WARNING",
    )
    (work / "var").mkdir()
    stack = Stack(work, environment)
    run = Run()
    keep = os.environ.get("SCALEOUT_KEEP") == "1"
    started = time.monotonic()
    try:
        subprocess.run(
            ["psql", pg_url, "-q", "-c", f"CREATE DATABASE {database}"], check=True, timeout=60
        )
        subprocess.run(
            ["redis-cli", "-n", str(redis_db), "flushdb"],
            check=True,
            timeout=30,
            capture_output=True,
        )
        stack.start("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port_s3)])
        s3 = boto3.client(
            "s3",
            endpoint_url=s3_url,
            aws_access_key_id="vitrine-scaleout",
            aws_secret_access_key="vitrine-scaleout-secret",
            region_name="us-east-1",
        )

        def bucket_made():
            try:
                s3.create_bucket(Bucket=bucket)
            except Exception:
                return False
            return True

        wait_for(bucket_made, 60, "moto's S3 server")
        read = {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
        }
        s3.put_bucket_policy(
            Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [read]})
        )

        stack.manage("migrate", "--noinput", "-v0")
        stack.manage("demo", "--if-empty")
        setup = last_json(stack.manage("shell", "-c", SETUP_CODE.format(staff=STAFF)))
        print(
            f"set up in {time.monotonic() - started:.0f} s: PostgreSQL {database}, "
            f"Redis db {redis_db}, bucket on :{port_s3}",
            flush=True,
        )

        # No control socket: both servers would share its one default path.
        gunicorn = [
            *(str(BIN / "gunicorn"), "portfolio.wsgi", "--workers=2", "--timeout=90"),
            "--no-control-socket",
        ]
        stack.start("a", [*gunicorn, f"--bind=127.0.0.1:{port_a}"])
        stack.start("b", [*gunicorn, f"--bind=127.0.0.1:{port_b}"])
        stack.start("worker", WORKER)
        sock = work / "haproxy.sock"
        config = work / "haproxy.cfg"
        config.write_text(
            HAPROXY_CONFIG.format(
                socket=sock,
                port=port_lb,
                port_a=port_a,
                port_b=port_b,
                inter=CHECK_INTER_S,
                fall=CHECK_FALL,
                rise=CHECK_RISE,
            )
        )
        subprocess.run(["haproxy", "-c", "-q", "-f", str(config)], check=True, timeout=30)
        stack.start("haproxy", ["haproxy", "-db", "-f", str(config)])
        wait_for(
            lambda: sock.exists() and set(haproxy_status(sock).values()) == {"UP"},
            120,
            "both servers UP in HAProxy",
        )
        print(
            f"servers a :{port_a} and b :{port_b} UP behind HAProxy :{port_lb} "
            f"after {time.monotonic() - started:.0f} s",
            flush=True,
        )

        staff = Browser("127.0.1.1")

        def log_in(browser, port):
            fields, _action = browser.form(port, "/admin/login/?next=/admin/", "username")
            fields.update(username=STAFF[0], password=STAFF[1], next="/admin/")
            status, headers, _ = browser.post(port, "/admin/login/?next=/admin/", fields)
            if status != 302:
                raise RuntimeError(f"admin login answered {status}")
            # The admin then asks for the code of the authenticator app.
            status, headers, _ = browser.get(port, "/admin/")
            if status == 302 and "second-factor" in location_path(headers):
                verify = headers["Location"]
                fields, _action = browser.form(port, verify, "token")
                fields["token"] = f"{totp(bytes.fromhex(setup['key'])):06d}"
                status, headers, _ = browser.post(port, verify, fields)
                if status != 302:
                    raise RuntimeError(f"the second factor answered {status}")
            status, headers, _ = browser.get(port, "/admin/")
            if status != 200:
                raise RuntimeError(
                    f"/admin/ after login answered {status} {headers.get('Location', '')}"
                )

        # The author's session is made on a (one login: a code works once per 30 s).
        log_in(staff, port_a)

        run.check(
            "session and CSRF token shared", lambda: check_shared_session(staff, port_a, port_b)
        )
        run.check(
            "image upload through the balancer", lambda: check_upload(staff, port_lb, s3, bucket)
        )
        run.check(
            "comment posted on one server, approved on the other",
            lambda: check_fresh_pages(staff, setup["post_url"], port_a, port_b, port_lb),
        )
        run.check(
            "comment flood limit across both servers",
            lambda: check_flood(setup["post_url"], port_a, port_b),
        )
        run.check(
            "contact rate limit across both servers",
            lambda: check_contact_limit(port_a, port_b, stack),
        )
        run.check("the worker sends the queued emails", lambda: check_queue(stack))
        run.check(
            "one server killed, HAProxy routes around it",
            lambda: check_failover(stack, sock, port_lb, setup["post_url"]),
        )
    except RuntimeError as error:
        print(f"FAIL set-up: {error}", flush=True)
        run.failed += 1
        for name in ("a", "b", "haproxy", "worker", "s3"):
            tail = stack.log_tail(name, 800)
            if tail:
                print(f"--- {name}.log\n{tail}", file=sys.stderr)
    finally:
        signal.alarm(0)
        stack.stop_all()
        subprocess.run(
            ["psql", pg_url, "-q", "-c", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'],
            timeout=60,
        )
        subprocess.run(
            ["redis-cli", "-n", str(redis_db), "flushdb"], capture_output=True, timeout=30
        )
        if run.failed and keep:
            print(f"logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"scale-out: {run.passed} passed, {run.failed} failed ({time.monotonic() - started:.0f} s)",
        flush=True,
    )
    return 1 if run.failed else 0


# The checks: each returns (ok, one line of detail) --------------------------------------------


def check_upload(staff, port, s3, bucket):
    name = f"Scale-out author {uuid.uuid4().hex[:8]}"
    fields, _action = staff.form(port, "/admin/blog/author/add/", "csrfmiddlewaretoken")
    fields.update(name=name, bio="", website="", _save="1")
    photo = test_image()
    status, headers, body = staff.request(
        port,
        "POST",
        "/admin/blog/author/add/",
        fields=fields,
        files={"photo": ("scaleout.jpg", "image/jpeg", photo)},
    )
    if status != 302:
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', body, re.S)
        return False, f"the admin answered {status} {errors[:2]}"
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    # Uploads are stored under an unguessable name: blog/authors/<random>-scaleout.jpg.
    originals = [
        key
        for key in keys
        if key.startswith("blog/authors/") and Path(key).name.endswith("-scaleout.jpg")
    ]
    if len(originals) != 1:
        return False, f"{len(originals)} originals in the bucket under blog/authors/"
    stem = Path(originals[0]).stem
    renditions = [key for key in keys if key.startswith("CACHE/") and stem in key]
    # The change page links to the file where pages will: the bucket's URL.
    _status, _headers, listing = staff.get(
        port, "/admin/blog/author/?q=" + urllib.parse.quote(name)
    )
    change = re.search(r'href="(/admin/blog/author/\d+/change/)[^"]*"', listing)
    if not change:
        return False, "the new author is not in the admin's list"
    _status, _headers, page = staff.get(port, change.group(1))
    link = re.search(r'<a href="(http://127\.0\.0\.1:\d+/[^"]+)">blog/authors/', page)
    if not link:
        return False, "the change page links to no bucket URL"
    url = urllib.parse.urlsplit(link.group(1))
    served = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    served.request("GET", url.path)
    response = served.getresponse()
    data = response.read()
    served.close()
    stored = s3.get_object(Bucket=bucket, Key=originals[0])["Body"].read()
    ok = response.status == 200 and data == stored and data[:2] == b"\xff\xd8"
    return ok, (
        f"{originals[0]} and {len(renditions)} renditions in the bucket; its URL "
        f"{url.path} answered {response.status}, {len(data)} bytes"
        + ("" if data == stored else ", not the stored bytes")
    )


def check_fresh_pages(staff, post_url, port_a, port_b, port_lb):
    """N rounds: post on one, approve on the other, the next anonymous page on each shows it."""
    stale, seen_early, pages = 0, 0, 0
    ports = {"a": port_a, "b": port_b, "balancer": port_lb}
    for number in range(1, ROUNDS + 1):
        poster, approver = (port_a, port_b) if number % 2 else (port_b, port_a)
        # Every server's cache holds the page as it is before the comment.
        for port in ports.values():
            Browser().get(port, post_url)
        visitor = Browser(f"127.0.2.{number}")
        fields, action = visitor.form(poster, post_url, "security_hash")
        text = f"scaleout-round-{number}-{uuid.uuid4().hex[:10]}"
        fields.update(
            name=f"Visitor {number}",
            email=f"visitor{number}@example.net",
            url="",
            comment=text,
            honeypot="",
        )
        status, headers, _ = visitor.post(poster, action, fields)
        comment = re.search(r"#c(\d+)$", headers.get("Location", ""))
        if status != 302 or not comment:
            return False, f"round {number}: the comment post answered {status}"
        for port in ports.values():
            seen_early += text in Browser().get(port, post_url)[2]
        admin_fields, _action = staff.form(
            approver, "/admin/comments/comment/", "csrfmiddlewaretoken"
        )
        status, _headers, _ = staff.post(
            approver,
            f"/admin/comments/comment/{comment.group(1)}/approve/",
            {"csrfmiddlewaretoken": admin_fields["csrfmiddlewaretoken"]},
        )
        if status != 302:
            return False, f"round {number}: approving answered {status}"
        for port in ports.values():
            pages += 1
            stale += text not in Browser().get(port, post_url)[2]
    ok = stale == 0 and seen_early == 0
    return ok, (
        f"{ROUNDS} rounds, {pages} pages read right after approval through a, b and the "
        f"balancer: {stale} stale"
        + (f", {seen_early} showed it before approval" if seen_early else "")
    )


def check_shared_session(staff, port_a, port_b):
    """The author's session from a opens b's admin; a visitor's form from a posts to b."""
    status, headers, _ = staff.get(port_b, "/admin/")
    session_ok = status == 200
    visitor = Browser("127.0.4.1")
    fields, action = visitor.form(port_a, "/contact/", "started")
    fields.update(
        name="Recruiter",
        email="recruiter@example.com",
        subject="Across servers",
        message="A form from server a, sent to server b.",
        website="",
    )
    status_contact, headers_contact, _ = visitor.post(port_b, action, fields)
    csrf_ok = status_contact == 302 and location_path(headers_contact).endswith("/thanks/")
    return session_ok and csrf_ok, (
        f"logged in on a, /admin/ on b answered {status}"
        + ("" if session_ok else f" ({headers.get('Location', '')})")
        + f"; contact form from a posted to b answered {status_contact}"
    )


def concurrently(jobs):
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return [future.result() for future in [pool.submit(job) for job in jobs]]


def check_flood(post_url, port_a, port_b):
    """Visitors from one address post at once, half to each server: one comment gets in."""
    prepared = []
    for number in range(CONCURRENT_POSTS):
        port = (port_a, port_b)[number % 2]
        visitor = Browser("127.0.3.1")
        fields, action = visitor.form(port, post_url, "security_hash")
        fields.update(
            name=f"Flooder {number}",
            email=f"flooder{number}@example.net",
            url="",
            comment=f"flood attempt {number} {uuid.uuid4().hex[:6]}",
            honeypot="",
        )
        prepared.append((visitor, port, action, fields))
    statuses = concurrently(
        [
            lambda v=visitor, p=port, a=action, f=fields: v.post(p, a, f)[0]
            for visitor, port, action, fields in prepared
        ]
    )
    accepted = statuses.count(302)
    refused = statuses.count(429)
    return accepted == 1 and refused == CONCURRENT_POSTS - 1, (
        f"{CONCURRENT_POSTS} posts from one address at once, split over a and b: "
        f"{accepted} accepted, {refused} refused (429), others {sorted(set(statuses) - {302, 429})}"
    )


def check_contact_limit(port_a, port_b, stack):
    prepared = []
    for number in range(CONCURRENT_POSTS):
        port = (port_a, port_b)[number % 2]
        visitor = Browser("127.0.3.2")
        fields, action = visitor.form(port, "/contact/", "started")
        fields.update(
            name=f"Sender {number}",
            email=f"sender{number}@example.com",
            subject=f"Message {number}",
            message=f"Message number {number}, sent with seven others at once.",
            website="",
        )
        prepared.append((visitor, port, action, fields))
    statuses = concurrently(
        [
            lambda v=visitor, p=port, a=action, f=fields: v.post(p, a, f)[0]
            for visitor, port, action, fields in prepared
        ]
    )
    accepted = statuses.count(302)
    addresses = last_json(stack.manage("shell", "-c", CLIENT_IP_CODE))
    from_limited = addresses.count("127.0.3.2")
    ok = accepted == CONTACT_RATE_LIMIT and from_limited == CONTACT_RATE_LIMIT
    return ok, (
        f"{CONCURRENT_POSTS} messages from one address at once, split over a and b, limit "
        f"{CONTACT_RATE_LIMIT}: {accepted} accepted, {statuses.count(429)} refused (429); "
        f"{from_limited} rows recorded from that address"
    )


def check_queue(stack):
    """Every email the checks queued (moderation notices, contact messages) is sent."""
    counts = {}

    def drained():
        counts.update(last_json(stack.manage("shell", "-c", QUEUE_CODE)))
        return counts and not counts.get("READY") and not counts.get("RUNNING")

    try:
        wait_for(drained, 60, "the queue drained", interval=2)
    except RuntimeError:
        pass
    ok = bool(counts) and set(counts) == {"SUCCESSFUL"}
    return ok, f"tasks by status: {dict(sorted(counts.items()))}"


def check_failover(stack, sock, port_lb, post_url):
    paths = ["/", "/blog/", post_url, "/en/", "/contact/"]
    stop = threading.Event()
    meanwhile = []

    def visitor_traffic():
        number = 0
        while not stop.is_set():
            try:
                status = Browser().get(port_lb, paths[number % len(paths)], timeout=30)[0]
            except OSError:
                status = 0
            meanwhile.append(status)
            number += 1

    traffic = threading.Thread(target=visitor_traffic, daemon=True)
    traffic.start()
    # Let visitors reach both servers before one dies: the failover is measured under traffic.
    time.sleep(1)
    killed_at = time.monotonic()
    stack.kill("a", signal.SIGKILL)
    wait_for(
        lambda: haproxy_status(sock).get("a", "").startswith("DOWN"), 60, "HAProxy sees a DOWN"
    )
    noticed = time.monotonic() - killed_at
    stop.set()
    traffic.join(60)
    failed_meanwhile = sum(1 for status in meanwhile if status != 200)
    statuses = [Browser().get(port_lb, paths[n % len(paths)])[0] for n in range(FAILOVER_REQUESTS)]
    answered = statuses.count(200)
    state = haproxy_status(sock)
    return answered == FAILOVER_REQUESTS, (
        f"a killed, HAProxy marked it DOWN after {noticed:.1f} s ({failed_meanwhile} of "
        f"{len(meanwhile)} requests failed meanwhile); then {answered}/{FAILOVER_REQUESTS} "
        f"visitor requests answered 200 (servers: {state})"
    )


if __name__ == "__main__":
    sys.exit(main())
