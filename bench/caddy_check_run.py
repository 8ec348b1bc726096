"""docs/deploy/Caddyfile in front of gunicorn, as shipped, checked from outside.

Started by `bench/caddy_check`. The site runs with the values of docs/production.env (its
placeholders replaced by this machine's: localhost, a temporary var dir), on SQLite with
the demo; Caddy runs the Caddyfile itself, its placeholders set to a certificate of a
local certificate authority, 127.0.0.1, and ports 80/443 when they are free (the
Observatory's scanner knows no other), high ports otherwise.

Each check prints one `PASS …`/`FAIL …` line (`SKIP …` for the Observatory when 80/443 are
taken); the last line is `caddy-check: N passed, M failed`, exit status 1 on any failure.
"""

import gzip
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from bench.concurrency_run import FormParser
from bench.scaleout_run import Run, Stack, last_json, wait_for

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(sys.executable).parent
CADDYFILE = ROOT / "docs" / "deploy" / "Caddyfile"
PRODUCTION_ENV = ROOT / "docs" / "production.env"
OBSERVATORY_DIR = ROOT / "var" / "observatory"
SCANNER_VERSION = "1.4.8"  # as bench/observatory
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"

BIGGEST_POST_CODE = """
import json
from blog.models import Post
post = Post.objects.published().with_comment_count().order_by("-comment_count", "pk").first()
print(json.dumps(post.get_absolute_url()))
"""

CLIENT_IP_CODE = """
import json
from portfolio.models import ContactMessage
print(json.dumps(list(ContactMessage.objects.order_by("pk").values_list("ip_address", flat=True))))
"""


def port_is_free(port):
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment():
    """docs/production.env as a dict: what a deployment sets, placeholders included."""
    values = {}
    for line in PRODUCTION_ENV.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def make_certificates(directory):
    """A local certificate authority and a certificate for localhost signed by it."""

    def openssl(*arguments):
        subprocess.run(["openssl", *arguments], check=True, capture_output=True, timeout=120)

    ca_key, ca, key, csr, cert = (
        directory / name for name in ("ca.key", "ca.pem", "localhost.key", "csr", "localhost.pem")
    )
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=Vitrine caddy-check CA", "-keyout", str(ca_key), "-out", str(ca))  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
            "-keyout", str(key), "-out", str(csr))  # fmt: skip
    extensions = directory / "ext.cnf"
    extensions.write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
    )
    openssl("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
            "-CAcreateserial", "-days", "2", "-extfile", str(extensions), "-out", str(cert))  # fmt: skip
    return ca, cert, key


class Client:
    """HTTPS to Caddy on 127.0.0.1 as `localhost` (SNI and Host), from a chosen source address."""

    def __init__(self, ca, https_port):
        self.context = ssl.create_default_context(cafile=str(ca))
        self.https_port = https_port
        netloc = "localhost" if https_port == 443 else f"localhost:{https_port}"
        self.origin = f"https://{netloc}"

    def request(self, method, path, headers=None, body=None, source="127.0.0.1"):
        raw = socket.create_connection(
            ("127.0.0.1", self.https_port), timeout=60, source_address=(source, 0)
        )
        connection = http.client.HTTPSConnection("localhost", self.https_port, timeout=60)
        connection.sock = self.context.wrap_socket(raw, server_hostname="localhost")
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


def plain_request(port, path, host, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": host, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def main():
    total = int(os.environ.get("CADDY_CHECK_TIMEOUT", "240"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("caddy-check: stopped (SIGTERM)"))
    signal.signal(signal.SIGALRM, lambda *_: sys.exit(f"caddy-check: over {total} s, stopped"))
    signal.alarm(total)

    work = Path(tempfile.mkdtemp(prefix="vitrine-caddy-"))
    # The SQLite database and the media live here; with a secret key given, nothing else
    # makes the folder, and SQLite cannot create a file in a folder that does not exist.
    (work / "var" / "media").mkdir(parents=True)
    on_default_ports = port_is_free(80) and port_is_free(443)
    http_port, https_port = (80, 443) if on_default_ports else (free_port(), free_port())
    app_port = free_port()
    certificates = work / "tls"
    certificates.mkdir()
    ca, cert, key = make_certificates(certificates)
    client = Client(ca, https_port)

    # The shipped production values, with this machine's names in place of the placeholders.
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AWS_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"))
    }
    environment.update(production_environment())
    for name in ("EMAIL_URL", "ADMIN_PATH"):
        environment.pop(name, None)  # console mail; the admin stays at /admin/
    environment.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="localhost",
        DJANGO_CSRF_TRUSTED_ORIGINS=client.origin,
        SITE_URL=client.origin,
        VITRINE_VAR_DIR=str(work / "var"),
        MEDIA_ROOT=str(work / "var" / "media"),
        CONTACT_MIN_FILL_SECONDS="0",
        LOG_LEVEL="WARNING",
    )
    caddy_environment = {
        **environment,
        "HOME": str(work),
        "XDG_DATA_HOME": str(work / "caddy-data"),
        "XDG_CONFIG_HOME": str(work / "caddy-config"),
        # The port in the site's address too: Caddy's HTTP → HTTPS redirect names only that one.
        "VITRINE_DOMAIN": "localhost" if on_default_ports else f"localhost:{https_port}",
        "VITRINE_TLS": f"{cert} {key}",
        "VITRINE_BIND": "127.0.0.1",
        "VITRINE_CADDY_ADMIN": "off",
        "VITRINE_HTTP_PORT": str(http_port),
        "VITRINE_UPSTREAM": f"127.0.0.1:{app_port}",
    }
    stack = Stack(work, environment)
    run = Run()
    started = time.monotonic()
    try:
        stack.manage("migrate", "--noinput", "-v0")
        stack.manage("demo", "--if-empty")
        post_url = last_json(stack.manage("shell", "-c", BIGGEST_POST_CODE))
        stack.start(
            "gunicorn",
            [
                *(str(BIN / "gunicorn"), "portfolio.wsgi", f"--bind=127.0.0.1:{app_port}"),
                *("--workers=2", "--forwarded-allow-ips=127.0.0.1", "--no-control-socket"),
            ],
        )
        stack.environment = caddy_environment
        stack.start("caddy", ["caddy", "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"])
        wait_for(lambda: client.request("GET", "/healthz")[0] == 200, 120, "/healthz through Caddy")
        print(
            f"site up behind Caddy on :{http_port}/:{https_port} after "
            f"{time.monotonic() - started:.0f} s",
            flush=True,
        )

        run.check("HTTP redirects to HTTPS", lambda: check_redirect(http_port, client))
        run.check("HTML and feeds compressed", lambda: check_compression(client, post_url))
        run.check("HSTS and CSP survive the proxy", lambda: check_headers(client, app_port))
        run.check(
            "the limits see the visitor's address", lambda: check_client_address(client, stack)
        )
        if on_default_ports:
            run.check("Observatory grade through Caddy", lambda: check_observatory(ca))
        else:
            print("SKIP Observatory grade through Caddy: ports 80/443 are taken on this machine "
                  "(its scanner knows no other); bench/observatory scans gunicorn directly")  # fmt: skip
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"FAIL set-up: {error}", flush=True)
        run.failed += 1
        for name in ("gunicorn", "caddy"):
            tail = stack.log_tail(name, 1500)
            if tail:
                print(f"--- {name}.log\n{tail}", file=sys.stderr)
    finally:
        signal.alarm(0)
        stack.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"caddy-check: {run.passed} passed, {run.failed} failed "
        f"({time.monotonic() - started:.0f} s)",
        flush=True,
    )
    return 1 if run.failed else 0


# The checks: each returns (ok, one line of detail) --------------------------------------------


def check_redirect(http_port, client):
    host = "localhost" if http_port == 80 else f"localhost:{http_port}"
    status, headers, _ = plain_request(http_port, "/blog/?page=2", host)
    location = headers.get("Location", "")
    expected = f"{client.origin}/blog/?page=2"
    return status in (301, 308) and location == expected, (
        f"http://{host}/blog/?page=2 answered {status} → {location or 'nowhere'}"
    )


def check_compression(client, post_url):
    findings, ok = [], True
    for path in (post_url, "/blog/feed/rss/"):
        status, headers, identity = client.request("GET", path, {"Accept-Encoding": "identity"})
        if status != 200:
            return False, f"{path} answered {status}"
        sizes = [f"{len(identity) // 1024} KB plain"]
        # What browsers send, then each encoding alone (Debian's Caddy has no brotli encoder).
        for accept, expected in (
            ("gzip, deflate, br, zstd", "zstd"),
            ("br, gzip", "gzip"),
            ("gzip", "gzip"),
            ("zstd", "zstd"),
        ):
            status, headers, body = client.request("GET", path, {"Accept-Encoding": accept})
            encoding = headers.get("Content-Encoding", "none")
            right = status == 200 and encoding == expected
            if expected == "gzip" and right:
                right = gzip.decompress(body)[:200] == identity[:200]
            if expected == "zstd" and right:
                right = body.startswith(ZSTD_MAGIC)
            if not right:
                ok = False
                sizes.append(f"{accept!r} → {status} {encoding}")
            elif accept in ("gzip", "zstd"):
                sizes.append(f"{len(body) // 1024} KB {encoding}")
        findings.append(f"{path}: {', '.join(sizes)}")
    return ok, "; ".join(findings)


def check_headers(client, app_port):
    """The security headers through Caddy are the ones gunicorn sends for HTTPS."""
    _status, direct, _ = plain_request(
        app_port, "/", "localhost", {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.9"}
    )
    status, proxied, _ = client.request("GET", "/")
    names = [
        "Strict-Transport-Security",
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Cross-Origin-Resource-Policy",
        "X-Frame-Options",
        "Permissions-Policy",
    ]
    differ = [name for name in names if not proxied.get(name) or proxied[name] != direct[name]]
    hsts = proxied.get("Strict-Transport-Security", "")
    ok = status == 200 and not differ and "max-age=31536000" in hsts
    return ok, (
        f"HSTS {hsts!r}, CSP {len(proxied.get('Content-Security-Policy', ''))} characters"
        + (
            f"; differ from gunicorn's or missing: {differ}"
            if differ
            else ", as gunicorn sends them"
        )
    )


def contact_post(client, source, forged_for=None):
    """A contact message from `source` (a visitor of its own); the status of the post."""
    status, headers, body = client.request("GET", "/contact/", source=source)
    if status != 200:
        raise RuntimeError(f"GET /contact/ answered {status}")
    cookies = "; ".join(header.split(";", 1)[0] for header in headers.get_all("Set-Cookie") or [])
    parser = FormParser()
    parser.feed(body.decode())
    form = next(form for form in parser.forms if "started" in form["fields"])
    fields = dict(form["fields"])
    fields.update(
        name="Recruiter",
        email="recruiter@example.com",
        subject="Through Caddy",
        message="A message sent through the TLS proxy.",
        website="",
    )
    request_headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookies,
        "Referer": f"{client.origin}/contact/",
    }
    if forged_for:
        request_headers["X-Forwarded-For"] = forged_for
    status, _headers, _ = client.request(
        "POST",
        form["action"] or "/contact/",
        request_headers,
        urllib.parse.urlencode(fields).encode(),
        source=source,
    )
    return status


def check_client_address(client, stack):
    """One visitor reaches the contact limit; another still gets through; a forged
    X-Forwarded-For neither evades the limit nor lands in the row."""
    limit = int(stack.environment["CONTACT_RATE_LIMIT"])
    first = [contact_post(client, "127.0.0.2") for _ in range(limit)]
    over = contact_post(client, "127.0.0.2")
    forged = contact_post(client, "127.0.0.2", forged_for="203.0.113.7")
    other = contact_post(client, "127.0.0.3", forged_for="127.0.0.2")
    recorded = last_json(stack.manage("shell", "-c", CLIENT_IP_CODE))
    ok = (
        first == [302] * limit
        and over == 429
        and forged == 429
        and other == 302
        and recorded == ["127.0.0.2"] * limit + ["127.0.0.3"]
    )
    return ok, (
        f"127.0.0.2: {first} then {over}, with a forged X-Forwarded-For {forged}; "
        f"127.0.0.3: {other}; rows record {recorded}"
    )


def check_observatory(ca):
    scanner = OBSERVATORY_DIR / "node_modules" / "@mdn" / "mdn-http-observatory"
    if not (scanner / "src" / "scan.js").exists():
        subprocess.run(
            ["npm", "install", "--prefix", str(OBSERVATORY_DIR), "--ignore-scripts",
             "--no-audit", "--no-fund", "--silent",
             f"@mdn/mdn-http-observatory@{SCANNER_VERSION}"],
            check=True, timeout=180,
        )  # fmt: skip
    preload = scanner / "conf" / "hsts-preload.json"
    if not preload.exists() or not preload.stat().st_size:
        preload.write_text("{}")
    result = subprocess.run(
        ["node", str(scanner / "src" / "scan.js"), "localhost"],
        env={**os.environ, "NODE_EXTRA_CA_CERTS": str(ca)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    data = json.loads(result.stdout)
    if "error" in data:
        return False, f"scanner error: {data['error']}"
    scan = data["scan"]
    failed = [name for name, test in data["tests"].items() if not test["pass"]]
    return scan["grade"] == "A+", (
        f"grade {scan['grade']}, score {scan['score']}, "
        f"{scan['testsPassed']}/{scan['testsQuantity']} tests passed"
        + (f"; failed: {failed}" if failed else "")
    )


if __name__ == "__main__":
    sys.exit(main())
